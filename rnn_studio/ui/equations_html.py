"""The cell's equations with the current step's numbers substituted, as clean HTML.

Qt-free string building (the Equations panel shows the result in a QTextBrowser): every
vector is written out at small hidden sizes (≤ :data:`FULL_VALUES_UP_TO` units) and
summarised (norm, mean, min, max) for larger ones. Weight names follow the studio's
notation: ``W_xh`` (PyTorch ``weight_ih``), ``W_hh`` (``weight_hh``), ``b = b_ih + b_hh``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

#: Up to this many hidden units every value is written out.
FULL_VALUES_UP_TO = 8


def _gate(symbol: str, squash: str, name: str) -> str:
    """``i_t = σ(W_xi x_t + W_hi h_{t−1} + b_i)   input gate`` as HTML."""
    return (
        f"{symbol}<sub>t</sub> = {squash}(W<sub>x{symbol}</sub> x<sub>t</sub> + "
        f"W<sub>h{symbol}</sub> h<sub>t−1</sub> + b<sub>{symbol}</sub>) &nbsp; <i>{name}</i>"
    )


_EQUATIONS = {
    "rnn": (
        "a<sub>t</sub> = W<sub>xh</sub> x<sub>t</sub> + W<sub>hh</sub> h<sub>t−1</sub> + b",
        "h<sub>t</sub> = {act}(a<sub>t</sub>)",
    ),
    "lstm": (
        _gate("i", "σ", "input gate"),
        _gate("f", "σ", "forget gate"),
        _gate("g", "tanh", "cell candidate"),
        _gate("o", "σ", "output gate"),
        "c<sub>t</sub> = f<sub>t</sub> ⊙ c<sub>t−1</sub> + i<sub>t</sub> ⊙ g<sub>t</sub>",
        "h<sub>t</sub> = o<sub>t</sub> ⊙ tanh(c<sub>t</sub>)",
    ),
    "gru": (
        _gate("r", "σ", "reset gate"),
        _gate("z", "σ", "update gate"),
        "n<sub>t</sub> = tanh(W<sub>xn</sub> x<sub>t</sub> + b<sub>xn</sub> + r<sub>t</sub> ⊙ "
        "(W<sub>hn</sub> h<sub>t−1</sub> + b<sub>hn</sub>)) &nbsp; <i>candidate</i>",
        "h<sub>t</sub> = (1 − z<sub>t</sub>) ⊙ n<sub>t</sub> + z<sub>t</sub> ⊙ h<sub>t−1</sub>",
    ),
}

#: The light theme's current-step text colour (``theme.step_text_colour(LIGHT)``).
DEFAULT_STEP_COLOUR = "#B34700"

CSS = """
p {{ margin-top: 2px; margin-bottom: 2px; }}
p.eq {{ font-family: "DejaVu Serif", "Cambria Math", serif; margin-left: 6px; }}
p.head {{ font-weight: 600; margin-top: 6px; }}
span.name {{ font-weight: 600; }}
span.vec {{ font-family: "DejaVu Sans Mono", "Consolas", monospace; }}
span.now {{ color: {step_colour}; font-weight: 600; }}
p.busy {{ background-color: {busy_background}; color: {busy_text}; font-weight: 600; }}
"""

#: Background of the equation being computed while the cell view animates a step.
DEFAULT_BUSY_BACKGROUND = "#FCE8C0"
DEFAULT_BUSY_TEXT = "#1A1A1A"


def vector_text(values: np.ndarray, full: bool) -> str:
    """``[0.12, −0.53]`` for small vectors, a summary for large ones (HTML-escaped)."""
    data = np.asarray(values, dtype=float).ravel()
    if full:
        body = ", ".join(_number(v) for v in data)
        return f'<span class="vec">[{body}]</span>'
    finite = data[np.isfinite(data)]
    if finite.size == 0:
        return '<span class="vec">(not finite)</span>'
    norm = float(np.sqrt(np.sum((finite / (np.abs(finite).max() or 1.0)) ** 2)))
    norm *= float(np.abs(finite).max() or 1.0)
    return (
        f'<span class="vec">‖·‖ = {_number(norm)}, mean {_number(finite.mean())}, '
        f"min {_number(finite.min())}, max {_number(finite.max())} "
        f"({data.size} values)</span>"
    )


def _number(value: float) -> str:
    if not np.isfinite(value):
        return "NaN" if np.isnan(value) else ("∞" if value > 0 else "−∞")
    text = f"{value:.3f}" if abs(value) < 1000 else f"{value:.3g}"
    return text.replace("-", "−")


@dataclass(frozen=True)
class EquationsParts:
    """The pieces of :func:`equations_html`: only ``header`` and ``numbers`` change from
    step to step (the Equations panel rewrites just those while the stepper plays)."""

    #: The style sheet (``<style>`` contents).
    css: str
    #: The first paragraph: the cell, the step and its input.
    header: str
    #: One paragraph per equation (the one being computed marked ``busy``).
    equations: str
    #: The rest: this step's numbers, from "With this step's numbers" on.
    numbers: str

    @property
    def html(self) -> str:
        """The whole document."""
        return f"<style>{self.css}</style>{self.header}{self.equations}{self.numbers}"


def equations_html(
    cell_run: object,
    sequence: object,
    t: int,
    activation: str,
    step_colour: str = DEFAULT_STEP_COLOUR,
    busy_line: int | None = None,
    busy_background: str = DEFAULT_BUSY_BACKGROUND,
    busy_text: str = DEFAULT_BUSY_TEXT,
) -> str:
    """The HTML for step ``t`` of ``cell_run`` (a session ``CellRun``) on ``sequence``.

    ``step_colour`` is the text colour of "t = …" (the theme's current-step text colour);
    every other text takes the browser's palette, so the HTML follows the theme.
    ``busy_line`` (0-based) marks the equation the cell view is computing, in ``busy_text``
    on ``busy_background`` (the theme's spotlight colours).
    """
    return equations_parts(
        cell_run, sequence, t, activation, step_colour, busy_line, busy_background, busy_text
    ).html


def equations_parts(
    cell_run: object,
    sequence: object,
    t: int,
    activation: str,
    step_colour: str = DEFAULT_STEP_COLOUR,
    busy_line: int | None = None,
    busy_background: str = DEFAULT_BUSY_BACKGROUND,
    busy_text: str = DEFAULT_BUSY_TEXT,
) -> EquationsParts:
    """:func:`equations_html` in its :class:`EquationsParts` (same arguments)."""
    kind = cell_run.kind  # type: ignore[attr-defined]
    trace = cell_run.trace  # type: ignore[attr-defined]
    cell = cell_run.cell  # type: ignore[attr-defined]
    hidden = np.asarray(trace.hidden)
    size = hidden.shape[-1]
    full = size <= FULL_VALUES_UP_TO
    x_t = np.asarray(trace.inputs[t])
    h_prev = np.asarray(trace.h0) if t == 0 else hidden[t - 1]
    token = html.escape(sequence.tokens[t])  # type: ignore[attr-defined]
    css = CSS.format(step_colour=step_colour, busy_background=busy_background, busy_text=busy_text)
    header = (
        f'<p class="head">{kind.upper()} at step <span class="now">t = {t}</span>, '
        f"input “{token}”</p>"
    )
    equations = _equation_paragraphs(kind, activation, busy_line)
    parts = [NUMBERS_HEAD]
    if sequence.is_numeric:  # type: ignore[attr-defined]
        parts.append(_row("x<sub>t</sub>", f"{_number(float(x_t[0]))} (standardised “{token}”)"))
    else:
        index = int(np.argmax(x_t))
        parts.append(
            _row("x<sub>t</sub>", f"one-hot: 1 at position {index} (“{token}”), 0 elsewhere")
        )
    parts.append(_row("h<sub>t−1</sub>", vector_text(h_prev, full)))
    if kind == "rnn":
        parts.extend(_rnn_rows(cell, x_t, h_prev, hidden[t], activation, full))
    else:
        gates = {name: np.asarray(values[t]) for name, values in trace.gates.items()}
        for name in cell.gate_names:
            parts.append(_row(f"{name}<sub>t</sub>", vector_text(gates[name], full)))
        if kind == "lstm":
            cell_state = np.asarray(trace.cell_state)
            c_prev = np.asarray(trace.c0) if t == 0 else cell_state[t - 1]
            parts.append(_row("c<sub>t−1</sub>", vector_text(c_prev, full)))
            parts.append(_row("c<sub>t</sub>", vector_text(cell_state[t], full)))
        parts.append(_row("h<sub>t</sub>", vector_text(hidden[t], full)))
        parts.append(_gated_check(kind, gates, hidden, t, h_prev, trace))
    return EquationsParts(css, header, equations, "".join(parts))


#: The first paragraph of the numbers.
NUMBERS_HEAD = '<p class="head">With this step’s numbers</p>'
#: In place of the numbers while the stepper plays faster than anyone reads them.
PLAYING_NOTE = (
    "They show when you pause: playing at this speed, they would change faster than anyone "
    "can read them."
)


def playing_parts(parts: EquationsParts, kind: str) -> EquationsParts:
    """``parts`` (of any step of a ``kind`` cell) as the Equations panel shows them while the
    stepper plays fast: the equations (the highlighted line kept) and, instead of the step's
    numbers, :data:`PLAYING_NOTE`. The same at every step, so playing rewrites nothing."""
    header = f'<p class="head">{kind.upper()}, playing</p>'
    return EquationsParts(
        parts.css, header, parts.equations, f"{NUMBERS_HEAD}<p>{PLAYING_NOTE}</p>"
    )


def _equation_paragraphs(kind: str, activation: str, busy_line: int | None) -> str:
    """One paragraph per equation of ``kind``, the ``busy_line``-th marked ``busy``."""
    equations = []
    for index, line in enumerate(_EQUATIONS[kind]):
        css_class = "eq busy" if index == busy_line else "eq"
        equations.append(f'<p class="{css_class}">{line.format(act=activation)}</p>')
    return "".join(equations)


def _row(name: str, value: str) -> str:
    return f'<p><span class="name">{name}</span> = {value}</p>'


def _rnn_rows(
    cell: object, x_t: np.ndarray, h_prev: np.ndarray, h_t: np.ndarray, act: str, full: bool
) -> list[str]:
    params = cell.params  # type: ignore[attr-defined]
    with np.errstate(all="ignore"):
        from_input = np.asarray(params["weight_ih"]) @ x_t
        from_memory = np.asarray(params["weight_hh"]) @ h_prev
        bias = np.asarray(params["bias_ih"]) + np.asarray(params["bias_hh"])
        total = from_input + from_memory + bias
    rows = [
        _row("W<sub>xh</sub> x<sub>t</sub>", vector_text(from_input, full)),
        _row("W<sub>hh</sub> h<sub>t−1</sub>", vector_text(from_memory, full)),
        _row("b", vector_text(bias, full)),
        _row("a<sub>t</sub>", vector_text(total, full)),
        _row("h<sub>t</sub>", vector_text(h_t, full)),
    ]
    rows.append(
        '<p class="head">Unit 0 by hand</p>'
        f'<p class="eq">h<sub>t</sub>[0] = {act}({_number(from_input[0])} + '
        f"({_number(from_memory[0])}) + ({_number(bias[0])})) = {act}({_number(total[0])}) "
        f"= {_number(h_t[0])}</p>"
    )
    return rows


def _gated_check(
    kind: str,
    gates: dict[str, np.ndarray],
    hidden: np.ndarray,
    t: int,
    h_prev: np.ndarray,
    trace: object,
) -> str:
    if kind == "lstm":
        cell_state = np.asarray(trace.cell_state)  # type: ignore[attr-defined]
        c_prev = np.asarray(trace.c0) if t == 0 else cell_state[t - 1]  # type: ignore[attr-defined]
        i, f, g, o = (float(gates[n][0]) for n in ("i", "f", "g", "o"))
        return (
            '<p class="head">Unit 0 by hand</p>'
            f'<p class="eq">c<sub>t</sub>[0] = {_number(f)} × {_number(float(c_prev[0]))} + '
            f"{_number(i)} × {_number(g)} = {_number(float(cell_state[t][0]))}</p>"
            f'<p class="eq">h<sub>t</sub>[0] = {_number(o)} × '
            f"tanh({_number(float(cell_state[t][0]))}) = {_number(float(hidden[t][0]))}</p>"
        )
    z, n = float(gates["z"][0]), float(gates["n"][0])
    return (
        '<p class="head">Unit 0 by hand</p>'
        f'<p class="eq">h<sub>t</sub>[0] = (1 − {_number(z)}) × {_number(n)} + {_number(z)} × '
        f"{_number(float(h_prev[0]))} = {_number(float(hidden[t][0]))}</p>"
    )
