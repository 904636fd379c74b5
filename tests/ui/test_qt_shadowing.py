"""No attribute of our Qt classes hides a method of Qt's own classes.

``self.palette = ...`` on a widget replaces ``QWidget.palette()`` for every caller, Qt's style
code and pyqtgraph included (and ``self.thread`` hides ``QObject.thread()``, which Qt's
thread checks call). A method of the same name but another meaning (``depth()`` returning a
word where ``QPaintDevice.depth()`` returns bits per pixel) misleads in the same way. Only
Qt's virtual hooks (event handlers, size hints, ``paint`` ...) may be redefined, with their
own meaning.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap

import rnn_studio.ui

#: Qt virtual methods our classes override on purpose, keeping Qt's meaning.
VIRTUAL_HOOKS = frozenset(
    {
        "event",
        "eventFilter",
        "sizeHint",
        "minimumSizeHint",
        "hasHeightForWidth",
        "heightForWidth",
        "paint",
        "boundingRect",
        "shape",
        "run",
        "highlightBlock",
        "setVisible",
        "data",
        "rowCount",
        "columnCount",
        "flags",
        "headerData",
        "setData",
        "focusNextPrevChild",
        "viewportEvent",
        "scrollContentsBy",
        "itemChange",
        "sceneEventFilter",
        "initStyleOption",
        "sizeFromContents",
        "textFromValue",
        "valueFromText",
        "validate",
        "fixup",
        "stepBy",
        "stepEnabled",
    }
)


def qt_attribute_names(cls: type) -> set[str]:
    """Public names defined by the PySide6 classes ``cls`` derives from."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.startswith(("PySide6", "shiboken6", "Shiboken")):
            names |= {name for name in vars(base) if not name.startswith("_")}
    return names


def our_qt_classes() -> list[type]:
    """Every class defined in ``rnn_studio.ui`` that derives from a Qt class."""
    classes = []
    for info in pkgutil.walk_packages(rnn_studio.ui.__path__, "rnn_studio.ui."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            ours = inspect.isclass(value) and value.__module__ == module.__name__
            if ours and qt_attribute_names(value):
                classes.append(value)
    return classes


def shadowing(cls: type) -> list[str]:
    """What ``cls`` defines over a Qt method: ``"Class.name (instance attribute)"`` ..."""
    qt = qt_attribute_names(cls)
    found = []
    for name in sorted(set(vars(cls)) & qt):
        if not (name.endswith("Event") or name in VIRTUAL_HOOKS or name == "staticMetaObject"):
            found.append(f"{cls.__qualname__}.{name} (defined in the class)")
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr in qt
        ):
            found.append(f"{cls.__qualname__}.{node.attr} (instance attribute)")
    return sorted(set(found))


def test_the_scan_finds_a_shadowing_attribute() -> None:
    from PySide6.QtWidgets import QWidget

    class Panel(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.palette = None  # the hazard this file guards against

        def depth(self) -> str:
            return "basic"

        def paintEvent(self, event) -> None:  # a virtual hook: allowed
            super().paintEvent(event)

    assert shadowing(Panel) == [
        "test_the_scan_finds_a_shadowing_attribute.<locals>.Panel.depth (defined in the class)",
        "test_the_scan_finds_a_shadowing_attribute.<locals>.Panel.palette (instance attribute)",
    ]


def test_no_ui_class_shadows_a_qt_method(qapp) -> None:
    classes = our_qt_classes()
    assert len(classes) > 50  # the scan sees the panels, widgets and areas
    found = [entry for cls in classes for entry in shadowing(cls)]
    assert found == []
