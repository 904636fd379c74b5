"""RNN Studio: learn how recurrent neural networks work by watching one work.

Layers, from the bottom up (the lower ones never import the higher ones, nor Qt):

``rnn_studio.engine``
    NumPy RNN/LSTM/GRU cells with PyTorch's equations and weight layout, stepping,
    backpropagation through time, gradient norms per step, readouts, optimisers, training.
``rnn_studio.learn``
    Lessons, glossary, flashcards, quizzes, the review scheduler and the progress store.
``rnn_studio.state``
    The Qt-free session a window observes: sequence, model, trace, cursor; emits events.
``rnn_studio.ui``
    PySide6 + pyqtgraph views; only they import Qt.
"""

__version__ = "0.1.0"
