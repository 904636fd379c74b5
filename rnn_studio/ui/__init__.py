"""PySide6 + pyqtgraph views; only the command line (``rnn_studio.cli``) imports it."""
