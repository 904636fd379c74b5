"""RNN Studio: learn how recurrent neural networks work by watching one work.

Layers, from the bottom up (a lower one never imports a higher one; import-linter checks it):

``rnn_studio.engine``
    NumPy RNN/LSTM/GRU cells with PyTorch's equations and weight layout, stepping,
    backpropagation through time, gradient norms per step, readouts, optimisers, training.
``rnn_studio.studio_core``
    What the studio computes, shared by ``learn`` and ``state``: ``DemoSetup``, the recipe
    (inputs, cell, loss) and the vanishing/exploding verdict.
``rnn_studio.learn`` and ``rnn_studio.state`` (independent of each other)
    Lessons, glossary, flashcards, quizzes, the review scheduler and the progress store; and
    the Qt-free session a window observes (sequence, model, trace, cursor; emits events).
``rnn_studio.ui``
    PySide6 + pyqtgraph views.
``rnn_studio.cli``
    The ``rnn-studio`` command line; with ``ui``, the only package that imports Qt.
"""

__version__ = "0.1.0"
