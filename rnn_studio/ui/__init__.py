"""PySide6 + pyqtgraph views; nothing outside this package imports it."""

from rnn_studio.ui import pyside_fix as _pyside_fix

_pyside_fix.apply()
