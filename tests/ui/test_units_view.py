"""The interpretable-units view: hint, colouring, ranking that picks a unit, bad text."""

from __future__ import annotations

from rnn_studio.state import units
from rnn_studio.ui.units_view import UnitsView, activation_colour


def test_units_view_shows_the_unit_and_ranks_units(qtbot):
    view = UnitsView()
    qtbot.addWidget(view)
    view.show()
    assert view.hint.text() == units.tracking_hint(view.model, "chars-lstm")
    assert view.state_box.count() == 2  # an LSTM: h and c
    view.feature_box.setCurrentIndex(view.feature_box.findData("word-position"))
    best = units.rank_units(view.activations, "word-position", "h")[0][0]
    assert view.ranking.item(0).text().startswith(f"unit {best}:")
    view._pick_ranked(view.ranking.item(0))
    assert view.unit_box.value() == best
    values = view.activations.hidden[:, best]
    scale = abs(values).max()
    # Every character sits on the colour of its own activation.
    assert view.shown_html.count("<span") == len(units.REFERENCE_TEXT)
    for value in values[:20]:
        assert f"background:{activation_colour(float(value), scale)};" in view.shown_html
    view.text_box.setPlainText("Not OK")
    assert "'N'" in view.status.text() and view.ranking.count() == 0
    view.model_box.setCurrentIndex(view.model_box.findData("chars-gru"))
    assert view.state_box.count() == 1


def test_colours_run_blue_white_red():
    assert activation_colour(1.0, 1.0) == "rgb(255,0,0)"
    assert activation_colour(-1.0, 1.0) == "rgb(0,0,255)"
    assert activation_colour(0.0, 1.0) == "rgb(255,255,255)"
