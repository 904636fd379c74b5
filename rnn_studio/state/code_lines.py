"""What the studio's Code panel shows: the reference cell's lines and their values at a step.

The lines are read from :mod:`rnn_studio.engine.reference` with :mod:`inspect`, so the panel
always shows the code that runs (and that the engine's tests use as their oracle). The values
come from running that very code for the current step: the step function is called once with
the trace's inputs and states under :func:`sys.settrace`, which records every local variable
after each line. No Qt here; the panel only draws.

A line's values: ``StepValues.value(line, name)`` is ``name`` as it stands right after
``line`` ran (for a name the line only reads, the value it read).
"""

from __future__ import annotations

import ast
import inspect
import math
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from types import FrameType
from typing import Any

import numpy as np

from rnn_studio.engine import reference
from rnn_studio.studio_core.recipe import loss_gradient

DIRECTIONS = ("forward", "backward")
#: Names in the code that are not values of this step (modules and helper functions).
NOT_VALUES = frozenset({"np", "sigmoid", "cache", "p"})


@dataclass(frozen=True)
class CodeLine:
    """One source line of a reference step function.

    Attributes
    ----------
    number : int
        Line number in ``engine/reference.py``.
    text : str
        The line as shown (the function's indentation removed).
    assigned : tuple of str
        Names the line sets (empty for the ``def`` line and ``return``).
    used : tuple of str
        Local names the line reads.
    """

    number: int
    text: str
    assigned: tuple[str, ...]
    used: tuple[str, ...]

    @property
    def computes(self) -> bool:
        """True for a line that computes something (the lines the highlight walks through)."""
        return bool(self.assigned)

    @property
    def names(self) -> tuple[str, ...]:
        """Every value name on the line, assigned ones first."""
        return self.assigned + tuple(name for name in self.used if name not in self.assigned)


@dataclass(frozen=True)
class Listing:
    """The lines of one step function (docstring left out)."""

    kind: str
    direction: str
    function: Callable[..., Any]
    lines: tuple[CodeLine, ...]

    @property
    def computing_lines(self) -> tuple[int, ...]:
        """Indices into :attr:`lines` of the lines that compute, in order."""
        return tuple(index for index, line in enumerate(self.lines) if line.computes)

    def text(self) -> str:
        """The whole listing as one string, one line per :attr:`lines` entry."""
        return "\n".join(line.text for line in self.lines)


def _check(kind: str, direction: str) -> None:
    if kind not in reference.KINDS:
        raise ValueError(f"unknown cell kind {kind!r}; choose one of {', '.join(reference.KINDS)}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'forward' or 'backward', got {direction!r}")


@cache
def listing(kind: str, direction: str) -> Listing:
    """The reference step function of ``kind`` going ``direction``, line by line."""
    _check(kind, direction)
    function = (reference.STEPS if direction == "forward" else reference.BACKWARD_STEPS)[kind]
    source_lines, first = inspect.getsourcelines(function)
    tree = ast.parse(textwrap.dedent("".join(source_lines)))
    definition = tree.body[0]
    assert isinstance(definition, ast.FunctionDef)
    docstring = definition.body[0]
    skipped = set(range(docstring.lineno, (docstring.end_lineno or docstring.lineno) + 1))
    statements = {node.lineno: node for node in definition.body}
    lines = []
    for offset, raw in enumerate(source_lines, start=1):
        if offset in skipped or not raw.strip():
            continue
        node = statements.get(offset)
        assigned: tuple[str, ...] = ()
        used: tuple[str, ...] = ()
        if node is not None:
            assigned = _names(node, ast.Store)
            used = _names(node, ast.Load)
        text = raw.rstrip("\n")
        lines.append(CodeLine(first + offset - 1, text[4:] if offset > 1 else text, assigned, used))
    return Listing(kind, direction, function, tuple(lines))


def _names(node: ast.AST, context: type) -> tuple[str, ...]:
    """Local value names in ``node`` used in ``context`` (Store or Load), in source order."""
    found: list[str] = []
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Name)
            and isinstance(child.ctx, context)
            and child.id not in NOT_VALUES
            and child.id not in found
        ):
            found.append(child.id)
    return tuple(sorted(found, key=lambda name: _position(node, name)))


def _position(node: ast.AST, name: str) -> tuple[int, int]:
    return min(
        (child.lineno, child.col_offset)
        for child in ast.walk(node)
        if isinstance(child, ast.Name) and child.id == name
    )


def run_traced(function: Callable[..., Any], *args: Any) -> tuple[Any, dict[int, dict[str, Any]]]:
    """Call ``function(*args)`` and record its local variables after each of its lines.

    Returns
    -------
    result
        What the function returned.
    snapshots : dict of int to dict
        Source line number -> the function's locals right after that line ran.

    Notes
    -----
    Uses :func:`sys.settrace` for this one call on this thread only, and puts back whatever
    tracer was installed before (a debugger's or a coverage tool's).
    """
    code = function.__code__
    snapshots: dict[int, dict[str, Any]] = {}
    current: list[int | None] = [None]

    def local(frame: FrameType, event: str, _arg: Any) -> Any:
        if event in ("line", "return"):
            if current[0] is not None:
                snapshots[current[0]] = dict(frame.f_locals)
            current[0] = frame.f_lineno
        return local

    def calls(frame: FrameType, event: str, _arg: Any) -> Any:
        return local if event == "call" and frame.f_code is code else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        result = function(*args)
    finally:
        sys.settrace(previous)
    return result, snapshots


@dataclass(frozen=True)
class StepValues:
    """The values of one step function's variables at one time step.

    Attributes
    ----------
    listing : Listing
        The function shown.
    t : int
        The time step.
    after : tuple of dict
        For each line of ``listing.lines``, the locals right after it ran (the ``def`` line:
        the arguments).
    result : tuple
        What the step function returned.
    batched : bool
        False when the studio's single sequence was run as a batch of one (values are shown
        without that axis).
    """

    listing: Listing
    t: int
    after: tuple[Mapping[str, Any], ...]
    result: tuple
    batched: bool

    def value(self, line: int, name: str) -> Any:
        """``name`` right after line ``line`` (an index into ``listing.lines``), or None."""
        if not 0 <= line < len(self.after):
            return None
        value = self.after[line].get(name)
        if value is None or name in NOT_VALUES:
            return None
        return self._unbatched(name, value)

    def _unbatched(self, name: str, value: Any) -> Any:
        if (
            not self.batched
            and isinstance(value, np.ndarray)
            and value.ndim == 2
            and value.shape[0] == 1
            and not name.startswith(("W_", "dW_"))
        ):
            return value[0]
        return value

    def describe(self, line: int, name: str, entries: int = 8, brief: bool = False) -> str:
        """``name = value`` as text for a tooltip or the panel's value line ('' if unknown).

        ``brief``: a matrix by its shape and norm only.
        """
        value = self.value(line, name)
        if value is None:
            return ""
        return f"{name} = {format_value(value, entries, brief)}"


def format_value(value: Any, entries: int = 8, brief: bool = False) -> str:
    """A short readable form of a number or array: its first ``entries`` values and shape.

    A matrix also gets its Frobenius norm (and with ``brief``, only its shape and norm).
    """
    if isinstance(value, (int, float, np.floating, np.integer)):
        return _number(float(value))
    if isinstance(value, str):
        return repr(value)
    array = np.asarray(value)
    if array.dtype == bool:
        array = array.astype(float)
    if array.ndim == 0:
        return _number(float(array))
    flat = array.ravel()
    shown = ", ".join(_number(float(v)) for v in flat[:entries])
    more = ", …" if flat.size > entries else ""
    shape = "×".join(str(n) for n in array.shape)
    if array.ndim >= 2:  # a matrix: its size says more than its first entries
        with np.errstate(over="ignore", invalid="ignore"):
            size = _number(float(np.sqrt(np.sum(array.astype(float) ** 2))))
        if brief:
            return f"{shape} matrix, ‖·‖ = {size}"
        return f"{shape} matrix, ‖·‖ = {size}: [{shown}{more}]"
    return f"[{shown}{more}]  ({shape})"


def _number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.4g}"
    return f"{value:.3e}"


def _lines_after(found: Listing, snapshots: dict[int, dict[str, Any]], args: dict) -> tuple:
    """Locals after each listed line; lines that did not run carry the previous values."""
    after = []
    current = dict(args)
    for line in found.lines:
        if line.number in snapshots:
            current = snapshots[line.number]
        after.append(current)
    return tuple(after)


def _batch(array: Any, batched: bool) -> np.ndarray:
    array = np.asarray(array, dtype=np.float64)
    return array if batched else array[None]


def forward_values(
    kind: str,
    params: Mapping[str, np.ndarray],
    trace: Any,
    t: int,
    nonlinearity: str = "tanh",
) -> StepValues:
    """Run the reference forward step ``t`` of ``trace`` (an engine Trace) and record it.

    The step starts from the trace's own h_{t-1} (and c_{t-1}), so its results are what the
    fast engine computed at step t (``tests/state/test_code_lines.py`` checks this).
    """
    found = listing(kind, "forward")
    steps = len(trace.hidden)
    if not 0 <= t < steps:
        raise ValueError(f"step t must be in [0, {steps - 1}], got {t}")
    batched = trace.hidden.ndim == 3
    p = {name: np.asarray(value, dtype=np.float64) for name, value in params.items()}
    x = _batch(trace.inputs[t], batched)
    h_prev = _batch(trace.h0 if t == 0 else trace.hidden[t - 1], batched)
    if kind == "lstm":
        c_prev = _batch(trace.c0 if t == 0 else trace.cell_state[t - 1], batched)
        args: tuple = (x, h_prev, c_prev, p)
        names: tuple[str, ...] = ("x", "h_prev", "c_prev", "p")
    elif kind == "gru":
        args, names = (x, h_prev, p), ("x", "h_prev", "p")
    else:
        args = (x, h_prev, p, nonlinearity)
        names = ("x", "h_prev", "p", "nonlinearity")
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        result, snapshots = run_traced(found.function, *args)
    after = _lines_after(found, snapshots, dict(zip(names, args, strict=True)))
    return StepValues(found, t, after, result, batched)


@dataclass(frozen=True)
class BackwardPass:
    """The reference BPTT of the studio's loss, kept so each step's values are quick to get.

    Attributes
    ----------
    loss_step : int
        The step L whose hidden state the loss reads; steps after it get no gradient.
    trace : reference.ReferenceTrace
        The reference forward pass over steps 0 … L.
    grads : reference.ReferenceGrads
        Its backward pass: ``grads.hidden[t]`` is the dh the backward step t starts from.
    """

    kind: str
    params: Mapping[str, np.ndarray]
    nonlinearity: str
    loss_step: int
    trace: reference.ReferenceTrace
    grads: reference.ReferenceGrads

    def values(self, t: int) -> StepValues:
        """Run the reference backward step ``t`` (0 ≤ t ≤ L) and record it."""
        if not 0 <= t <= self.loss_step:
            raise ValueError(f"backward step t must be in [0, {self.loss_step}], got {t}")
        found = listing(self.kind, "backward")
        batched = self.trace.batched
        dh = _batch(self.grads.hidden[t], batched)
        cache_t = self.trace.caches[t]
        if self.kind == "lstm":
            assert self.grads.cell_in is not None
            dc_in = _batch(self.grads.cell_in[t], batched)
            args: tuple = (dh, dc_in, cache_t, self.params)
            names: tuple[str, ...] = ("dh", "dc_in", "cache", "p")
        elif self.kind == "gru":
            args, names = (dh, cache_t, self.params), ("dh", "cache", "p")
        else:
            args = (dh, cache_t, self.params, self.nonlinearity)
            names = ("dh", "cache", "p", "nonlinearity")
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            result, snapshots = run_traced(found.function, *args)
        after = _lines_after(found, snapshots, dict(zip(names, args, strict=True)))
        return StepValues(found, t, after, result, batched)


def backward_pass(
    kind: str,
    params: Mapping[str, np.ndarray],
    trace: Any,
    loss_step: int,
    nonlinearity: str = "tanh",
) -> BackwardPass:
    """BPTT with the reference code of the studio's loss ``L = u · h_L``, L = ``loss_step``.

    The loss is the studio recipe's (:func:`rnn_studio.studio_core.recipe.loss_gradient`), so
    ``‖dh‖`` at each step is the Gradient panel's curve.

    Parameters
    ----------
    trace : engine Trace
        The forward pass (its inputs and initial state are used).
    """
    p = {name: np.asarray(value, dtype=np.float64) for name, value in params.items()}
    xs = np.asarray(trace.inputs[: loss_step + 1], dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        forward_pass = reference.forward(kind, p, xs, trace.h0, trace.c0, nonlinearity)
        d_hidden = loss_gradient(forward_pass.hidden)
        grads = reference.backward(kind, p, forward_pass, d_hidden, None, nonlinearity)
    return BackwardPass(kind, p, nonlinearity, loss_step, forward_pass, grads)


def name_at(text: str, column: int) -> str | None:
    """The Python name in ``text`` that covers ``column`` (for hovering), or None."""
    if not 0 <= column <= len(text):
        return None

    def part(char: str) -> bool:
        return char.isalnum() or char == "_"

    start = column
    while start > 0 and part(text[start - 1]):
        start -= 1
    stop = column
    while stop < len(text) and part(text[stop]):
        stop += 1
    word = text[start:stop]
    if not word or not word.isidentifier():
        return None
    comment = text.find("#")
    if 0 <= comment < start:
        return None  # inside the comment: prose, not a variable
    return word
