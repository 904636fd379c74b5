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

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from rnn_studio.atomic_files import atomic_write_text
from rnn_studio.engine import encoding
from rnn_studio.engine.errors import EngineError
from rnn_studio.state.compute import CellRun, Run
from rnn_studio.state.gradients import GradientReport
from rnn_studio.state.sequence import display_token
from rnn_studio.state.session import StudioSession
from rnn_studio.state.trained_adapter import TrainedModelError
from rnn_studio.studio_core.demo import DemoSetup


class TraceTableError(ValueError):
    """The run cannot be computed or tabulated; the message says why in plain words."""


@dataclass(frozen=True, eq=False)
class ExportData:
    """One cell's forward pass and its backward pass (None before Backprop in the studio).

    ``cursor`` is the step the studio showed (None for the command line: no step marked).
    ``compared`` holds every cell's gradient in compare mode (kind, report), in the studio's
    order, so the gradient figure draws all three curves; empty otherwise.
    """

    setup: DemoSetup
    tokens: tuple[str, ...]
    cell_run: CellRun
    gradients: GradientReport | None
    cursor: int | None = None
    compared: tuple[tuple[str, GradientReport], ...] = ()

    @property
    def kind(self) -> str:
        """``"rnn"``, ``"lstm"`` or ``"gru"``."""
        return self.cell_run.kind

    @property
    def hidden(self) -> np.ndarray:
        """Hidden states, shape (T, H)."""
        return np.asarray(self.cell_run.trace.hidden)

    def table(self, real_tokens: bool = False) -> tuple[list[str], list[list[str]]]:
        """This run as a table (see :func:`trace_table`); ``real_tokens`` writes each token
        as read (a space as a space) instead of its display label."""
        tokens = self.tokens
        if real_tokens and self.setup.mode != "numbers":
            tokens = tokens_as_read(self.setup.text, self.setup.mode, tokens)
        return trace_table(tokens, self.cell_run, self.gradients)


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


def session_export_data(session: StudioSession) -> ExportData:
    """What the studio shows now, for a figure: the shown cell, its gradient if Backprop ran,
    and the step on show.

    Raises
    ------
    TraceTableError
        Before any valid run.
    """
    run, shown = session.run, session.shown
    if run is None or shown is None:
        raise TraceTableError("there is nothing to export yet: type a sequence first")
    gradients = session.gradients
    return ExportData(
        setup=session.to_setup(),
        tokens=tuple(run.sequence.tokens),
        cell_run=shown,
        gradients=gradients.get(shown.kind) if gradients is not None else None,
        cursor=session.cursor,
        compared=tuple(gradients.items()) if gradients is not None and len(gradients) > 1 else (),
    )


def output_columns(
    cell_run: CellRun, visible_blanks: bool = True, vocabulary: tuple[str, ...] = ()
) -> tuple[list[str], np.ndarray]:
    """The readout as extra columns: ``p_<token or class>`` per output, or ``y_pred``.

    With ``visible_blanks`` a space is named ``p_␣`` (as drawn in the studio); without, the
    column is named after the token itself (``p_ ``). ``vocabulary`` names the columns of
    the studio's untrained readout (the sequence's own vocabulary).

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
    names = outputs.labels if outputs.labels is not None else vocabulary
    if len(names) != outputs.probabilities.shape[1]:
        names = tuple(str(k) for k in range(outputs.probabilities.shape[1]))
    names = tuple(display_token(name) if visible_blanks else real_token(name) for name in names)
    return [f"p_{name}" for name in names], np.asarray(outputs.probabilities)


def tokens_as_read(text: str, mode: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens of ``text`` as the engine reads them (a space is a space), one per display
    label in ``labels``; the labels turned back (:func:`real_token`) if the count differs."""
    try:
        read = encoding.tokenize(text, mode, max_length=max(len(labels), 1))
    except EngineError:
        read = []
    if len(read) == len(labels):
        return tuple(map(str, read))
    return tuple(map(real_token, labels))


def real_token(label: str) -> str:
    """The token a display label stands for: ``␣`` is a space again (inverse of
    :func:`~rnn_studio.state.sequence.display_token`)."""
    return _REAL_TOKENS.get(label, label)


_REAL_TOKENS = {display_token(blank): blank for blank in (" ", "\n", "\t")}


def with_outputs(
    table: tuple[list[str], list[list[str]]],
    cell_run: CellRun,
    visible_blanks: bool = True,
    vocabulary: tuple[str, ...] = (),
) -> tuple[list[str], list[list[str]]]:
    """``table`` with :func:`output_columns` appended to every row."""
    columns, rows = table
    extra, values = output_columns(cell_run, visible_blanks, vocabulary)
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


def session_trace_table(
    session: StudioSession, real_tokens: bool = False, outputs: bool = False
) -> tuple[list[str], list[list[str]]]:
    """The table of the cell the studio's single-cell views show, with its gradients if any.

    Parameters
    ----------
    session : StudioSession
    real_tokens : bool
        Write each token as read (a space as a space) instead of its display label (``␣``).
    outputs : bool
        Append the readout's columns (:func:`output_columns`): the output probabilities
        after each step, or the predicted next value.

    Raises
    ------
    TraceTableError
        Before any valid run.
    """
    data = session_export_data(session)  # refuses before any valid run
    sequence = cast(Run, session.run).sequence
    tokens = data.tokens
    if real_tokens and not sequence.is_numeric:
        tokens = tokens_as_read(sequence.text, sequence.mode, tokens)
    shown, report = data.cell_run, data.gradients
    table = trace_table(tokens, shown, report)
    if not outputs:
        return table
    return with_outputs(table, shown, not real_tokens, tuple(sequence.vocabulary))


def write_trace_csv(path: str | os.PathLike[str], columns: list[str], rows: list[list[str]]) -> int:
    """Write a table to ``path`` as UTF-8 CSV with a header row (atomically); return the rows.

    A field is quoted when it holds a comma, a quote or a line break (as :mod:`csv` does) and
    also when it starts or ends with white space, so that a space token survives readers that
    trim unquoted fields (spreadsheets, ``pandas`` with ``skipinitialspace``).
    """
    lines = [",".join(_csv_field(field) for field in row) for row in (columns, *rows)]
    atomic_write_text(Path(path), "\n".join(lines) + "\n")
    return len(rows)


def _csv_field(text: str) -> str:
    if text != text.strip() or any(mark in text for mark in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
