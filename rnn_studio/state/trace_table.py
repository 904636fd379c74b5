"""A run as a table: one row per time step (hidden state, cell state, gates, gradient norm).

One writer for the trace CSV, used by ``rnn-studio export --out trace.csv`` and by the studio's
File ▸ Export ▸ Trace (CSV). :func:`compute_export` runs the studio's own
:class:`~rnn_studio.state.session.StudioSession` on a set-up (with backprop on), so an exported
figure or table shows exactly what the studio window shows for the same settings.

Columns: ``t``, ``token``, ``h_0 … h_{H-1}``, ``c_*`` (LSTM), ``<gate>_*`` for each gate, and
``grad_norm`` = ‖∂L/∂h_t‖. Values are written with 9 significant digits (``%.9g``).
``grad_norm`` is written as computed, ``inf`` or ``nan`` included, so an overflow shows in the
file; it is empty where no gradient exists: before Backprop, and after the loss step (no
gradient flows forward in time).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rnn_studio.atomic_files import atomic_write_text
from rnn_studio.state.compute import CellRun
from rnn_studio.state.gradients import GradientReport
from rnn_studio.state.sequence import display_token
from rnn_studio.state.session import StudioSession
from rnn_studio.state.trained_adapter import TrainedModelError
from rnn_studio.studio_core.demo import DemoSetup


class TraceTableError(ValueError):
    """The run cannot be computed or tabulated; the message says why in plain words."""


@dataclass(frozen=True, eq=False)
class ExportData:
    """One cell's forward pass and its backward pass from the last step."""

    setup: DemoSetup
    tokens: tuple[str, ...]
    cell_run: CellRun
    gradients: GradientReport

    @property
    def kind(self) -> str:
        """``"rnn"``, ``"lstm"`` or ``"gru"``."""
        return self.cell_run.kind

    @property
    def hidden(self) -> np.ndarray:
        """Hidden states, shape (T, H)."""
        return np.asarray(self.cell_run.trace.hidden)

    def table(self) -> tuple[list[str], list[list[str]]]:
        """This run as a table (see :func:`trace_table`)."""
        return trace_table(self.tokens, self.cell_run, self.gradients)


def compute_export(setup: DemoSetup) -> ExportData:
    """Run the studio's session on ``setup`` (with backprop on) and collect its results.

    Raises
    ------
    TraceTableError
        If the cell is "compare" or the sequence cannot be read (the studio's own message).
    """
    if setup.cell not in ("rnn", "lstm", "gru"):
        raise TraceTableError(f"cell must be rnn, lstm or gru for export, not {setup.cell!r}")
    session = StudioSession(setup)
    if session.run is None or session.error:
        raise TraceTableError(f"cannot read the sequence: {session.error}")
    session.backprop()
    gradients = session.gradients
    if gradients is None:
        raise TraceTableError("backpropagation through time produced no gradients")
    return ExportData(
        setup=setup,
        tokens=tuple(session.run.sequence.tokens),
        cell_run=session.run.primary,
        gradients=gradients[session.run.primary.kind],
    )


def compute_model_export(model: Any, text: str, mode: str, seed: int = 0) -> ExportData:
    """Run the studio's session on ``text`` with ``model``'s own weights and readout (with
    backprop on), as :meth:`StudioSession.show_trained` shows it.

    Raises
    ------
    TraceTableError
        The model cannot read ``text`` (the message names the problem).
    """
    session = StudioSession()
    try:
        session.show_trained({model.kind: model}, text, mode, seed=seed, backprop=True)
    except TrainedModelError as error:
        raise TraceTableError(f"cannot read the sequence: {error}") from None
    run, gradients = session.run, session.gradients
    if run is None or session.error or gradients is None:
        raise TraceTableError(f"cannot read the sequence: {session.error}")
    return ExportData(
        setup=session.to_setup(),
        tokens=tuple(run.sequence.tokens),
        cell_run=run.primary,
        gradients=gradients[run.primary.kind],
    )


def output_columns(cell_run: CellRun) -> tuple[list[str], np.ndarray]:
    """The readout as extra columns: ``p_<token or class>`` per output, or ``y_pred``.

    Returns
    -------
    columns : list of str
    values : numpy.ndarray, shape (T, len(columns))
        Probabilities after each step, or the predicted next value in the units typed.
    """
    outputs = cell_run.outputs
    if outputs.predictions is not None:
        return ["y_pred"], np.asarray(outputs.predictions, dtype=float)[:, None]
    if outputs.probabilities is None:
        return [], np.zeros((len(cell_run.trace.hidden), 0))
    names = outputs.labels if outputs.labels is not None else ()
    if len(names) != outputs.probabilities.shape[1]:
        names = tuple(str(k) for k in range(outputs.probabilities.shape[1]))
    return [f"p_{display_token(name)}" for name in names], np.asarray(outputs.probabilities)


def with_outputs(
    table: tuple[list[str], list[list[str]]], cell_run: CellRun
) -> tuple[list[str], list[list[str]]]:
    """``table`` with :func:`output_columns` appended to every row."""
    columns, rows = table
    extra, values = output_columns(cell_run)
    rows = [[*row, *(f"{value:.9g}" for value in values[t])] for t, row in enumerate(rows)]
    return [*columns, *extra], rows


def trace_table(
    tokens: tuple[str, ...], cell_run: CellRun, report: GradientReport | None = None
) -> tuple[list[str], list[list[str]]]:
    """The header and one row of formatted values per step.

    Parameters
    ----------
    tokens : tuple of str
        One label per step (T).
    cell_run : CellRun
        The cell's forward pass.
    report : GradientReport or None
        Its backward pass; None before Backprop (``grad_norm`` left empty).
    """
    trace = cell_run.trace
    hidden = np.asarray(trace.hidden)
    size = hidden.shape[1]
    columns = ["t", "token"] + [f"h_{j}" for j in range(size)]
    blocks = [hidden]
    if trace.cell_state is not None:
        columns += [f"c_{j}" for j in range(size)]
        blocks.append(np.asarray(trace.cell_state))
    for gate, values in trace.gates.items():
        columns += [f"{gate}_{j}" for j in range(size)]
        blocks.append(np.asarray(values))
    columns.append("grad_norm")
    table = np.concatenate(blocks, axis=1)
    # Steps after the loss step get no gradient; before Backprop no step has one.
    norms = () if report is None else np.asarray(report.grad_norms)[: report.loss_step + 1]
    rows = []
    for t, token in enumerate(tokens):
        grad = f"{norms[t]:.9g}" if t < len(norms) else ""
        rows.append([str(t), token, *(f"{value:.9g}" for value in table[t]), grad])
    return columns, rows


def session_trace_table(session: StudioSession) -> tuple[list[str], list[list[str]]]:
    """The table of the cell the studio's single-cell views show, with its gradients if any.

    Raises
    ------
    TraceTableError
        Before any valid run.
    """
    run, shown = session.run, session.shown
    if run is None or shown is None:
        raise TraceTableError("there is no trace to export: type a sequence first")
    gradients = session.gradients
    report = gradients.get(shown.kind) if gradients is not None else None
    return trace_table(tuple(run.sequence.tokens), shown, report)


def write_trace_csv(path: str | os.PathLike[str], columns: list[str], rows: list[list[str]]) -> int:
    """Write a table to ``path`` as UTF-8 CSV with a header row (atomically); return the rows."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    atomic_write_text(Path(path), buffer.getvalue())
    return len(rows)
