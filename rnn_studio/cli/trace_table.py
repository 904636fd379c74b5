"""Compute what ``rnn-studio export`` shows (no Qt) and write the trace as CSV.

The figures and the CSV come from the studio's own :class:`~rnn_studio.state.session.StudioSession`,
so an exported figure shows exactly what the studio window shows for the same settings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnn_studio.cli.parser import CliError
from rnn_studio.state.demo import DemoSetup
from rnn_studio.state.gradients import GradientReport
from rnn_studio.state.session import CellRun, StudioSession
from rnn_studio.storage import atomic_write_text


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


def compute_export(setup: DemoSetup) -> ExportData:
    """Run the studio's session on ``setup`` (with backprop on) and collect its results.

    Raises
    ------
    CliError
        If the sequence cannot be read; the message is the studio's own explanation.
    """
    if setup.cell not in ("rnn", "lstm", "gru"):
        raise CliError(f"cell must be rnn, lstm or gru for export, not {setup.cell!r}")
    session = StudioSession(setup)
    if session.run is None or session.error:
        raise CliError(f"cannot read the sequence: {session.error}")
    session.backprop()
    gradients = session.gradients
    if gradients is None:
        raise CliError("backpropagation through time produced no gradients")
    return ExportData(
        setup=setup,
        tokens=tuple(session.run.sequence.tokens),
        cell_run=session.run.primary,
        gradients=gradients[session.run.primary.kind],
    )


def trace_columns(data: ExportData) -> list[str]:
    """Return the CSV header for ``data`` (documented in ``rnn-studio export --help``)."""
    hidden_size = data.hidden.shape[1]
    columns = ["t", "token"] + [f"h_{j}" for j in range(hidden_size)]
    if data.cell_run.trace.cell_state is not None:
        columns += [f"c_{j}" for j in range(hidden_size)]
    for gate in data.cell_run.trace.gates:
        columns += [f"{gate}_{j}" for j in range(hidden_size)]
    return [*columns, "grad_norm"]


def trace_rows(data: ExportData) -> list[list[str]]:
    """Return one row of formatted values per time step, matching :func:`trace_columns`."""
    trace = data.cell_run.trace
    blocks = [data.hidden]
    if trace.cell_state is not None:
        blocks.append(np.asarray(trace.cell_state))
    blocks += [np.asarray(values) for values in trace.gates.values()]
    blocks.append(np.asarray(data.gradients.grad_norms)[:, None])
    table = np.concatenate(blocks, axis=1)
    return [
        [str(t), token, *(f"{value:.9g}" for value in table[t])]
        for t, token in enumerate(data.tokens)
    ]


def write_trace_csv(data: ExportData, path: Path) -> None:
    """Write the trace of ``data`` to ``path`` as UTF-8 CSV with a header row (atomically)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(trace_columns(data))
    writer.writerows(trace_rows(data))
    atomic_write_text(path, buffer.getvalue())
