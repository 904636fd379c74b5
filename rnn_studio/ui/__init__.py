"""PySide6 + pyqtgraph views; nothing outside this package imports it."""
