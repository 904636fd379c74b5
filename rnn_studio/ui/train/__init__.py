"""The Train area: train RNN, LSTM and GRU on small tasks and watch them learn (or fail)."""
