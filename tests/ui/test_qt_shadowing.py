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
        "sliderChange",
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


def self_attributes(cls: type) -> set[str]:
    """The names ``cls``'s own source assigns to ``self.<name>``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }


def third_party_names(cls: type) -> set[str]:
    """Names a third-party base class of ``cls`` (pyqtgraph) already defines or sets.

    pyqtgraph's ``PlotItem`` sets ``self.layout`` and defines ``close()`` over Qt's; a class
    of ours that derives from it (``LitePlotItem`` re-runs its ``__init__``) adds no hazard
    every ``PlotItem`` does not already have.
    """
    names: set[str] = set()
    for base in cls.__mro__[1:]:
        if base.__module__.startswith(("PySide6", "shiboken6", "Shiboken", "rnn_studio")):
            continue
        if base.__module__ == "builtins":
            continue
        names |= set(vars(base))
        try:
            names |= self_attributes(base)
        except (OSError, TypeError, SyntaxError):
            continue
    return names


def shadowing(cls: type) -> list[str]:
    """What ``cls`` defines over a Qt method: ``"Class.name (instance attribute)"`` ..."""
    qt = qt_attribute_names(cls) - third_party_names(cls)
    found = []
    for name in sorted(set(vars(cls)) & qt):
        if not (name.endswith("Event") or name in VIRTUAL_HOOKS or name == "staticMetaObject"):
            found.append(f"{cls.__qualname__}.{name} (defined in the class)")
    for name in self_attributes(cls) & qt:
        found.append(f"{cls.__qualname__}.{name} (instance attribute)")
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


def test_what_pyqtgraph_already_shadows_is_not_ours_the_rest_is() -> None:
    import pyqtgraph as pg

    class Plot(pg.PlotItem):
        def __init__(self) -> None:
            super().__init__()
            self.layout = None  # pyqtgraph's PlotItem sets it too: not a new hazard
            self.palette = None  # a new one

        def close(self) -> None:  # pyqtgraph's PlotItem defines close() itself
            super().close()

    name = "test_what_pyqtgraph_already_shadows_is_not_ours_the_rest_is.<locals>.Plot"
    assert shadowing(Plot) == [f"{name}.palette (instance attribute)"]


def test_no_ui_class_shadows_a_qt_method(qapp) -> None:
    classes = our_qt_classes()
    assert len(classes) > 50  # the scan sees the panels, widgets and areas
    found = [entry for cls in classes for entry in shadowing(cls)]
    assert found == []
