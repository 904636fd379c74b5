"""The Learn and Train areas wait behind placeholders until they are first used.

Only the Studio is built when the window opens (a fast first paint); opening a tab, reading
``window.learn`` / ``window.train`` / ``window.areas[name]`` or following a glossary link from
the studio builds the real area, once.
"""

from __future__ import annotations

import os

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from rnn_studio.state.session import StudioSession
from rnn_studio.ui.app import DESKTOP_FILE_NAME, identify_app, limit_blas_threads_early
from rnn_studio.ui.learn.learn_area import LearnArea
from rnn_studio.ui.main_window import MainWindow
from rnn_studio.ui.theme import configure_pyqtgraph
from rnn_studio.ui.train.train_area import TrainArea


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    configure_pyqtgraph()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(StudioSession(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def tab_widget(window: MainWindow, name: str):
    index = next(i for i in range(window.tabs.count()) if window.tabs.tabText(i) == name)
    return window.tabs.widget(index)


def test_only_the_studio_is_built_when_the_window_opens(window) -> None:
    assert window.area_names() == ("Studio", "Learn", "Train")
    assert window.is_built("Studio")
    assert not window.is_built("Learn") and not window.is_built("Train")
    assert isinstance(tab_widget(window, "Learn"), QLabel)
    assert tab_widget(window, "Train").objectName() == "train_placeholder"
    assert not window.findChildren(LearnArea) and not window.findChildren(TrainArea)
    # The studio's own plots only: the Train area's five plots are not made yet.
    studio_views = window.studio.findChildren(pg.GraphicsView)
    assert len(window.findChildren(pg.GraphicsView)) == len(studio_views)


def test_opening_a_tab_builds_its_area_once(qtbot, window) -> None:
    names: list[str] = []
    window.area_changed.connect(names.append)
    window.tabs.setCurrentIndex(2)  # as a click on the Train tab does
    assert window.is_built("Train") and not window.is_built("Learn")
    train = tab_widget(window, "Train")
    assert isinstance(train, TrainArea) and train.session is window.session
    assert window.current_area() == "Train" and window.tabs.count() == 3
    assert names == ["Train"]  # one notice, naming the real area
    window.show_area("Studio")
    window.show_area("Train")
    assert tab_widget(window, "Train") is train and window.train is train
    assert len(window.findChildren(TrainArea)) == 1


def test_reading_an_area_builds_it_without_showing_it(window) -> None:
    learn = window.learn
    assert isinstance(learn, LearnArea) and window.areas["Learn"] is learn
    assert isinstance(window.areas["Train"], TrainArea) and window.train is window.areas["Train"]
    assert window.current_area() == "Studio"
    assert learn.store is window.progress_store  # one progress store for the whole window


def test_progress_store_is_read_without_building_the_learn_area(window) -> None:
    store = window.progress_store
    assert not window.is_built("Learn")
    assert window.learn.store is store


def test_a_studio_glossary_link_builds_the_learn_area_and_opens_the_term(window) -> None:
    hint = next(label for label in window.studio.findChildren(QLabel) if "term:" in label.text())
    term = hint.text().split("term:", 1)[1].split('"', 1)[0].split("'", 1)[0]
    hint.linkActivated.emit(f"term:{term}")
    assert window.is_built("Learn")
    assert window.current_area() == "Learn"
    assert window.learn.current_page() == "glossary"
    assert window.learn.glossary.current_entry().id == term
    window.show_area("Studio")
    window.glossary_requested.emit("spectral-radius")  # the built area answers from now on
    assert window.current_area() == "Learn"
    assert window.learn.glossary.current_entry().id == "spectral-radius"
    assert len(window.findChildren(LearnArea)) == 1


def test_the_remembered_area_is_built_on_start(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/area", "Learn")
    window = MainWindow(StudioSession(), settings=settings)
    qtbot.addWidget(window)
    assert window.current_area() == "Learn" and window.is_built("Learn")
    assert not window.is_built("Train")


def test_an_unknown_area_is_a_key_error(window) -> None:
    with pytest.raises(KeyError):
        window.area("Nowhere")
    window.show_area("Nowhere")  # ignored
    assert window.current_area() == "Studio"


def test_the_app_has_its_icon_and_desktop_file_name(qtbot) -> None:
    app = QApplication.instance()
    icon, desktop = app.windowIcon(), QGuiApplication.desktopFileName()
    try:
        identify_app(app)
        assert QGuiApplication.desktopFileName() == DESKTOP_FILE_NAME
        assert not app.windowIcon().isNull()
        assert not app.windowIcon().pixmap(32, 32).isNull()
    finally:
        app.setWindowIcon(icon)
        QGuiApplication.setDesktopFileName(desktop)


def test_blas_threads_are_limited_through_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # a user's own choice is kept
    limit_blas_threads_early()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "3"
