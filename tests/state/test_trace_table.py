"""The one trace table: what the command line and the studio's CSV export both write."""

from __future__ import annotations

import csv
from dataclasses import replace

import numpy as np
import pytest

from rnn_studio.state.session import StudioSession
from rnn_studio.state.trace_table import (
    TraceTableError,
    compute_export,
    session_trace_table,
    trace_table,
    write_trace_csv,
)
from rnn_studio.studio_core.demo import DemoSetup


def test_gradient_column_is_empty_after_the_loss_step_and_exact_before_it(tmp_path) -> None:
    session = StudioSession(DemoSetup(text="the cat sat", cell="gru", hidden_size=3))
    session.set_loss_step(4)
    session.backprop()
    columns, rows = session_trace_table(session)
    assert write_trace_csv(tmp_path / "t.csv", columns, rows) == 11
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == columns and table[1:] == rows
    norms = session.gradients["gru"].grad_norms
    np.testing.assert_allclose([float(row[-1]) for row in rows[:5]], norms[:5], rtol=1e-8)
    assert [row[-1] for row in rows[5:]] == [""] * 6


def test_an_overflowed_gradient_is_written_as_inf_not_hidden() -> None:
    data = compute_export(DemoSetup(text="not bad", mode="words", backprop=True))
    norms = np.array(data.gradients.grad_norms)
    norms[0] = np.inf  # as after an overflow: the table must not blank it
    report = replace(data.gradients, grad_norms=norms)
    _, rows = trace_table(data.tokens, data.cell_run, report)
    assert rows[0][-1] == "inf"
    assert float(rows[1][-1]) == pytest.approx(norms[1], rel=1e-8)


def test_no_run_and_compare_mode_are_refused_in_plain_words() -> None:
    session = StudioSession(DemoSetup(text="1, two", mode="numbers"))  # no valid run yet
    assert session.run is None
    with pytest.raises(TraceTableError, match="type a sequence first"):
        session_trace_table(session)
    with pytest.raises(TraceTableError, match="rnn, lstm or gru"):
        compute_export(DemoSetup(text="x", cell="compare"))


def test_before_backprop_the_gradient_column_is_empty() -> None:
    session = StudioSession(DemoSetup(text="not bad", mode="words"))
    shown = session.shown
    _, rows = trace_table(tuple(session.run.sequence.tokens), shown, None)
    assert [row[-1] for row in rows] == ["", ""]
