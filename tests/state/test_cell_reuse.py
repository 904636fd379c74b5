"""A change that leaves a cell alone keeps that cell's forward pass and gradient report.

In compare mode, moving the LSTM's forget bias changes only the LSTM: the RNN's and the GRU's
runs and gradients (Jacobian curve included) are reused, not recomputed. Every reused value
must equal what a fresh computation at the new controls gives.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.state import compute
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup

TEXT = "the cat sat on the mat and the dog sat on the log"


@pytest.fixture
def forward_passes(monkeypatch) -> list[str]:
    """The kind of every forward pass the studio computes."""
    passes: list[str] = []
    forward = engine.forward

    def counting(cell, *args, **kwargs):
        passes.append(str(cell.kind))
        return forward(cell, *args, **kwargs)

    monkeypatch.setattr(compute.engine, "forward", counting)
    return passes


def compare_session(**setup) -> StudioSession:
    options = {"text": TEXT, "mode": "chars", "cell": "compare", "hidden_size": 12}
    options.update(setup)
    return StudioSession(DemoSetup(backprop=True, **options))


def assert_same_as_fresh(session: StudioSession, **setup) -> None:
    """Every cell's trace, outputs and gradient report equal a fresh session's at ``setup``."""
    fresh = compare_session(**setup)
    assert session.run is not None and fresh.run is not None
    assert session.run.kinds == fresh.run.kinds
    for kind in fresh.run.kinds:
        mine, theirs = session.run.cells[kind], fresh.run.cells[kind]
        np.testing.assert_array_equal(mine.trace.hidden, theirs.trace.hidden, err_msg=kind)
        np.testing.assert_array_equal(
            mine.outputs.probabilities, theirs.outputs.probabilities, err_msg=kind
        )
        assert mine.spectral_radius == theirs.spectral_radius
        report, expected = session.gradients[kind], fresh.gradients[kind]
        np.testing.assert_array_equal(report.grad_norms, expected.grad_norms, err_msg=kind)
        np.testing.assert_array_equal(report.jacobian_norms, expected.jacobian_norms)
        assert report.jacobian_complete and report.loss_step == expected.loss_step
        assert report.verdict == expected.verdict


def test_the_forget_bias_recomputes_only_the_lstm(forward_passes) -> None:
    session = compare_session()
    before = dict(session.run.cells)
    reports = dict(session.gradients)
    forward_passes.clear()
    session.set_forget_bias(1.5)
    assert forward_passes == ["lstm"]
    assert session.run.cells["rnn"] is before["rnn"]
    assert session.run.cells["gru"] is before["gru"]
    assert session.run.cells["lstm"] is not before["lstm"]
    assert session.gradients["rnn"] is reports["rnn"]
    assert session.gradients["gru"] is reports["gru"]
    assert session.gradients["lstm"] is not reports["lstm"]
    assert not np.array_equal(
        session.run.cells["lstm"].trace.hidden, before["lstm"].trace.hidden
    )  # the LSTM did change
    assert_same_as_fresh(session, forget_bias=1.5)


def test_the_nonlinearity_recomputes_only_the_rnn(forward_passes) -> None:
    session = compare_session()
    forward_passes.clear()
    session.set_nonlinearity("relu")
    assert forward_passes == ["rnn"]
    assert_same_as_fresh(session, nonlinearity="relu")


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.set_seed(5),
        lambda s: s.set_spectral_radius(0.7),
        lambda s: s.set_text(TEXT + " again"),
        lambda s: s.set_mode("words"),
        lambda s: s.set_num_layers(2),
    ],
    ids=["seed", "rho", "text", "mode", "layers"],
)
def test_a_change_to_every_cell_recomputes_every_cell(forward_passes, change) -> None:
    session = compare_session()
    before = dict(session.run.cells)
    forward_passes.clear()
    change(session)
    assert sorted(set(forward_passes)) == ["gru", "lstm", "rnn"]
    assert not any(session.run.cells[kind] is before[kind] for kind in before)


def test_the_loss_step_recomputes_the_gradients_of_every_cell() -> None:
    session = compare_session()
    reports = dict(session.gradients)
    session.set_loss_step(20)
    assert not any(session.gradients[kind] is reports[kind] for kind in reports)
    assert {report.loss_step for report in session.gradients.values()} == {20}


def test_a_reused_cell_keeps_its_report_with_the_loss_before_the_end() -> None:
    session = compare_session(loss_step=20)
    reports = dict(session.gradients)
    session.set_forget_bias(1.0)
    assert session.gradients["rnn"] is reports["rnn"]
    assert session.gradients["gru"] is reports["gru"]
    assert_same_as_fresh(session, loss_step=20, forget_bias=1.0)


def test_an_unfinished_curve_with_the_loss_before_the_end_is_backpropagated_again() -> None:
    """Its job would need the prefix's trace, which the run does not keep: recompute."""
    session = compare_session(loss_step=20)
    run = session.run
    unfinished = {
        kind: report.with_jacobian(report.jacobian_norms[:3].copy(), complete=False)
        for kind, report in session.gradients.items()
    }
    request = compute.ComputeRequest(
        generation=1,
        sequence=run.sequence,
        previous=None,
        kinds=run.kinds,
        cell_key=session._controls.cell_key,
        backprop=True,
        loss_step=20,
        clip=None,
        cursor=0,
        announce=False,
        shown=run,
        shown_gradients=unfinished,
    )
    for kind, cell_run in run.cells.items():
        assert compute.reused_report(kind, cell_run, request, 20) is None
        complete = {kind: session.gradients[kind]}
        kept = compute.reused_report(
            kind, cell_run, dataclasses.replace(request, shown_gradients=complete), 20
        )
        assert kept == (session.gradients[kind], None)


def test_a_curve_still_being_computed_is_computed_again_for_the_reused_cell() -> None:
    """A report whose Jacobian curve was not finished keeps its BPTT, and a job computes the
    whole curve from the reused trace (the exact curve, as a fresh run's)."""
    session = compare_session()
    run = session.run
    unfinished = {
        kind: report.with_jacobian(report.jacobian_norms[:3].copy(), complete=False)
        for kind, report in session.gradients.items()
    }
    request = compute.ComputeRequest(
        generation=1,
        sequence=run.sequence,
        previous=None,
        kinds=run.kinds,
        cell_key=session._controls.cell_key,
        backprop=True,
        loss_step=-1,
        clip=None,
        cursor=0,
        announce=False,
        shown=run,
        shown_gradients=unfinished,
    )
    outcome = compute.compute_gradients(request, run)
    assert outcome is not None
    for kind, report in outcome.gradients.items():
        assert report.jacobian_norms is None and not report.jacobian_complete
        np.testing.assert_array_equal(report.grad_norms, session.gradients[kind].grad_norms)
    jobs = {job.kind: job for job in outcome.jacobian_jobs}
    assert set(jobs) == set(run.kinds)
    for kind, job in jobs.items():
        assert job.trace is run.cells[kind].trace
        np.testing.assert_allclose(
            np.log10(job.run()), np.log10(session.gradients[kind].jacobian_norms), atol=1e-8
        )
