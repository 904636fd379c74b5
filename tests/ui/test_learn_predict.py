"""Predict, then reveal: the answer comes first, then the engine's numbers, then the studio."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from rnn_studio.learn.predict import PREDICT_KINDS, make_predict_question
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn import install_learn_area
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine
from rnn_studio.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(StudioSession(), settings=settings)
    qtbot.addWidget(window)
    area = install_learn_area(window, speech=NoSpeechEngine(), seed=3)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("Learn")
    area.show_page("predict")
    return window, area


@pytest.mark.parametrize("right", [True, False])
def test_answer_then_reveal_then_show_in_studio(window, qtbot, right):
    main, area = window
    view = area.predict
    question = make_predict_question("gradient_race", 3)
    view.ask(question)
    reveal = question.reveal
    # Before answering: no numbers, no studio button.
    assert reveal.summary not in view.reveal_text.toPlainText()
    assert not view.studio_button.isEnabled()
    assert not view.plot.isVisible()
    qtbot.mouseClick(view.lock_button, Qt.MouseButton.LeftButton)  # nothing chosen yet
    assert not view.revealed()

    row = question.answer_index if right else (question.answer_index + 1) % 3
    view.choices.setFocus()
    view.choices.setCurrentRow(row)
    qtbot.keyClick(view.choices, Qt.Key.Key_Return)
    assert view.revealed()
    text = view.reveal_text.toPlainText()
    assert ("Your prediction was right" in text) is right
    assert ("Not what happened" in text) is (not right)
    assert reveal.summary in text
    for evidence in reveal.evidence:  # every measured number is shown
        assert evidence.label in text and evidence.text in text
    assert view.plot.isVisible()
    assert len(view.plot.getPlotItem().listDataItems()) == len(reveal.curves)
    record = area.store.quiz_results[-1]
    assert (record.kind, record.item_id, record.correct) == ("predict", question.id, right)

    qtbot.mouseClick(view.studio_button, Qt.MouseButton.LeftButton)
    assert main.current_area() == "Studio"
    session, setup = main.session, reveal.setup
    assert session.text == setup.text
    assert session.cell_kind == setup.cell == "compare"
    assert session.hidden_size == setup.hidden_size
    assert session.seed == setup.seed
    assert session.forget_bias == setup.forget_bias
    assert session.backprop_enabled == setup.backprop


@pytest.mark.parametrize("kind", list(PREDICT_KINDS))
def test_every_kind_can_be_asked_and_revealed(window, kind):
    _, area = window
    view = area.predict
    view.kind_choice.setCurrentIndex(view.kind_choice.findData(kind))
    view.new_button.click()
    question = view.question
    assert question.kind == kind
    assert view.prompt.text() == question.prompt
    view.choices.setCurrentRow(0)
    result = view.lock_in()
    assert result is not None and result.correct == (question.answer_index == 0)
    assert question.reveal.summary in view.reveal_text.toPlainText()
    assert view.reveal_setup() == question.reveal.setup


def test_any_kind_draws_reproducibly_from_the_seed(qtbot, tmp_path):
    from rnn_studio.learn.progress import ProgressStore
    from rnn_studio.ui.learn.predict_view import ANY_KIND, PredictView

    first = PredictView(ProgressStore(tmp_path / "a.json"), seed=11)
    second = PredictView(ProgressStore(tmp_path / "b.json"), seed=11)
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    ids = [first.new_question(ANY_KIND).id for _ in range(3)]
    assert ids == [second.new_question(ANY_KIND).id for _ in range(3)]
