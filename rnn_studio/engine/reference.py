"""The three cells written plainly: the engine's test oracle, and the code the studio shows.

Each cell is two short functions, one time step forward and the same step backward, with one
equation per line in PyTorch's notation and gate order (``torch.nn.RNN``, ``LSTM``, ``GRU``),
in the spirit of Karpathy's min-char-rnn: no folded constants, no reordered gates, no reused
buffers. :func:`forward` and :func:`backward` run them over a sequence, carrying the gradient
``dhnext`` (and the LSTM's ``dcnext``) back through time explicitly.

The fast paths in ``rnn.py``, ``lstm.py``, ``gru.py`` and ``*_batched.py`` must give the same
numbers to 1e-12 (``tests/engine/test_reference_oracle.py``); this module is itself checked
against central finite differences and against PyTorch's fixtures. The studio's Code panel
shows the step functions' source, read from this file, so what a learner reads is what runs.

Arrays carry a batch axis: x (B, I), h and c (B, H); pre-activations and gates (B, H), or
(B, G·H) for ``a``, whose row blocks follow PyTorch's order. Parameters are the engine's
dict ``{"weight_ih": (G·H, I), "weight_hh": (G·H, H), "bias_ih": (G·H,), "bias_hh": (G·H,)}``.
Each backward step returns its own share of the parameter gradients; :func:`backward` sums
the shares over time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

KINDS = ("rnn", "lstm", "gru")
Array = np.ndarray
Params = Mapping[str, np.ndarray]


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e^(−a)), written as the textbooks write it."""
    return 1.0 / (1.0 + np.exp(-a))


# --- vanilla RNN ---------------------------------------------------------------------------
def rnn_step(x: Array, h_prev: Array, p: Params, nonlinearity: str = "tanh") -> tuple:
    """One step of ``torch.nn.RNN``: h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)."""
    W_ih, W_hh, b_ih, b_hh = p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"]  # θ
    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh  # a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    h = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0.0)  # h_t = f(a_t)
    return h, (x, h_prev, a, h)


def rnn_step_backward(dh: Array, cache: tuple, p: Params, nonlinearity: str = "tanh") -> tuple:
    """Back through one RNN step, given dh = ∂L/∂h_t (the loss's share plus dhnext)."""
    x, h_prev, a, h = cache  # saved by the forward step
    slope = 1.0 - h**2 if nonlinearity == "tanh" else (a > 0.0) * 1.0  # f'(a_t)
    da = dh * slope  # ∂L/∂a_t = dh_t ⊙ f'(a_t)
    dW_ih = da.T @ x  # this step's share of ∂L/∂W_ih = da_t x_tᵀ
    dW_hh = da.T @ h_prev  # ∂L/∂W_hh share = da_t h_{t-1}ᵀ
    db = da.sum(axis=0)  # ∂L/∂b_ih share = ∂L/∂b_hh share = da_t
    dx = da @ p["weight_ih"]  # ∂L/∂x_t = W_ihᵀ da_t
    dhnext = da @ p["weight_hh"]  # carried back to h_{t-1}: W_hhᵀ da_t
    return dx, dhnext, (dW_ih, dW_hh, db, db)


# --- LSTM (rows i, f, g, o) ----------------------------------------------------------------
def lstm_step(x: Array, h_prev: Array, c_prev: Array, p: Params) -> tuple:
    """One step of ``torch.nn.LSTM``; the rows of ``a`` are the gates i, f, g, o."""
    W_ih, W_hh, b_ih, b_hh = p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"]  # θ
    H = h_prev.shape[-1]  # hidden units
    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh  # [a_i; a_f; a_g; a_o], all four at once
    i = sigmoid(a[:, 0 * H : 1 * H])  # input gate     i = σ(a_i)
    f = sigmoid(a[:, 1 * H : 2 * H])  # forget gate    f = σ(a_f)
    g = np.tanh(a[:, 2 * H : 3 * H])  # candidate      g = tanh(a_g)
    o = sigmoid(a[:, 3 * H : 4 * H])  # output gate    o = σ(a_o)
    c = f * c_prev + i * g  # memory         c_t = f ⊙ c_{t-1} + i ⊙ g
    h = o * np.tanh(c)  # hidden state   h_t = o ⊙ tanh(c_t)
    return h, c, (x, h_prev, c_prev, a, i, f, g, o, c)


def lstm_step_backward(dh: Array, dc_in: Array, cache: tuple, p: Params) -> tuple:
    """Back through one LSTM step, given dh = ∂L/∂h_t and dc_in = dcnext (+ the loss's ∂L/∂c_t)."""
    x, h_prev, c_prev, _a, i, f, g, o, c = cache  # saved by the forward step
    tanh_c = np.tanh(c)  # tanh(c_t), used twice
    do = dh * tanh_c  # h_t = o ⊙ tanh(c_t)  ⇒  ∂L/∂o
    dc = dc_in + dh * o * (1.0 - tanh_c**2)  # ∂L/∂c_t: carried from c_{t+1}, plus through h_t
    di = dc * g  # c_t = f ⊙ c_{t-1} + i ⊙ g  ⇒  ∂L/∂i
    df = dc * c_prev  # ∂L/∂f
    dg = dc * i  # ∂L/∂g
    da_i = di * i * (1.0 - i)  # through σ'(a) = σ(1 − σ)
    da_f = df * f * (1.0 - f)  # σ'
    da_g = dg * (1.0 - g**2)  # through tanh'(a) = 1 − tanh²(a)
    da_o = do * o * (1.0 - o)  # σ'
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)  # ∂L/∂a_t, rows i, f, g, o
    dW_ih = da.T @ x  # this step's share of ∂L/∂W_ih = da_t x_tᵀ
    dW_hh = da.T @ h_prev  # ∂L/∂W_hh share = da_t h_{t-1}ᵀ
    db = da.sum(axis=0)  # ∂L/∂b_ih share = ∂L/∂b_hh share = da_t
    dx = da @ p["weight_ih"]  # ∂L/∂x_t = W_ihᵀ da_t
    dhnext = da @ p["weight_hh"]  # carried back to h_{t-1}: W_hhᵀ da_t
    dcnext = dc * f  # carried back to c_{t-1}: dc_t ⊙ f
    return dx, dhnext, dcnext, (dW_ih, dW_hh, db, db)


# --- GRU (rows r, z, n) --------------------------------------------------------------------
def gru_step(x: Array, h_prev: Array, p: Params) -> tuple:
    """One step of ``torch.nn.GRU``; the reset gate scales W_hn h_{t-1} + b_hn."""
    W_ih, W_hh, b_ih, b_hh = p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"]  # θ
    H = h_prev.shape[-1]  # hidden units
    gi = x @ W_ih.T + b_ih  # input side, rows r, z, n:   W_i· x_t + b_i·
    gh = h_prev @ W_hh.T + b_hh  # hidden side, rows r, z, n:  W_h· h_{t-1} + b_h·
    a_r = gi[:, 0 * H : 1 * H] + gh[:, 0 * H : 1 * H]  # a_r = W_ir x_t + b_ir + W_hr h_{t-1} + b_hr
    r = sigmoid(a_r)  # reset gate   r = σ(a_r)
    a_z = gi[:, 1 * H : 2 * H] + gh[:, 1 * H : 2 * H]  # a_z, the same with the z rows
    z = sigmoid(a_z)  # update gate  z = σ(a_z)
    hn = gh[:, 2 * H : 3 * H]  # hn = W_hn h_{t-1} + b_hn
    a_n = gi[:, 2 * H : 3 * H] + r * hn  # a_n = W_in x_t + b_in + r ⊙ hn
    n = np.tanh(a_n)  # candidate    n = tanh(a_n)
    h = (1.0 - z) * n + z * h_prev  # h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
    return h, (x, h_prev, a_r, r, a_z, z, hn, a_n, n)


def gru_step_backward(dh: Array, cache: tuple, p: Params) -> tuple:
    """Back through one GRU step, given dh = ∂L/∂h_t (the loss's share plus dhnext)."""
    x, h_prev, _a_r, r, _a_z, z, hn, _a_n, n = cache  # saved by the forward step
    dn = dh * (1.0 - z)  # h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}  ⇒  ∂L/∂n
    dz = dh * (h_prev - n)  # ∂L/∂z
    da_n = dn * (1.0 - n**2)  # through tanh'
    dr = da_n * hn  # a_n = W_in x_t + b_in + r ⊙ hn  ⇒  ∂L/∂r
    dhn = da_n * r  # ∂L/∂hn
    da_r = dr * r * (1.0 - r)  # through σ'
    da_z = dz * z * (1.0 - z)  # σ'
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)  # ∂L/∂gi, rows r, z, n
    dgh = np.concatenate([da_r, da_z, dhn], axis=1)  # ∂L/∂gh, rows r, z, n
    dW_ih = dgi.T @ x  # this step's share of ∂L/∂W_ih
    dW_hh = dgh.T @ h_prev  # ∂L/∂W_hh share
    dx = dgi @ p["weight_ih"]  # ∂L/∂x_t
    dhnext = dh * z + dgh @ p["weight_hh"]  # back to h_{t-1}: directly through z, and via gh
    return dx, dhnext, (dW_ih, dW_hh, dgi.sum(axis=0), dgh.sum(axis=0))


STEPS: dict[str, Callable[..., tuple]] = {"rnn": rnn_step, "lstm": lstm_step, "gru": gru_step}
"""The forward step of each cell (the Code panel shows these)."""
BACKWARD_STEPS: dict[str, Callable[..., tuple]] = {
    "rnn": rnn_step_backward,
    "lstm": lstm_step_backward,
    "gru": gru_step_backward,
}
"""The backward step of each cell."""
GRAD_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


# --- a whole sequence ----------------------------------------------------------------------
class ReferenceTrace(NamedTuple):
    """A forward pass: states (T, [B,] H), gates and pre-activations by name, step caches."""

    hidden: np.ndarray
    cell_state: np.ndarray | None
    gates: dict[str, np.ndarray]
    pre: dict[str, np.ndarray]
    caches: list[tuple]
    batched: bool


class ReferenceGrads(NamedTuple):
    """BPTT: parameter gradients, ∂L/∂x_t, ∂L/∂h_0 (∂L/∂c_0), and ∂L/∂h_t at every step.

    ``cell_in`` (LSTM only) holds each step's ``dc_in``: the gradient reaching c_t from step
    t+1 and the loss, before the path through h_t is added.
    """

    params: dict[str, np.ndarray]
    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray | None
    hidden: np.ndarray
    cell_in: np.ndarray | None


def _rows(array: Any, batched: bool) -> np.ndarray:
    """``array`` as float64 with a batch axis (a single sequence is a batch of one)."""
    array = np.asarray(array, dtype=np.float64)
    return array if batched else array[..., None, :]


def forward(
    kind: str,
    params: Mapping[str, np.ndarray],
    xs: Any,
    h0: Any = None,
    c0: Any = None,
    nonlinearity: str = "tanh",
) -> ReferenceTrace:
    """Run the ``kind`` cell over ``xs`` (T, I) or (T, B, I) from ``h0`` (and ``c0``).

    Notes
    -----
    Float64 throughout; zeros for a missing ``h0``/``c0``. ``gates`` and ``pre`` use the
    engine's names (``pre["hn"]`` for the GRU); everything drops the batch axis again for a
    single sequence.
    """
    xs = np.asarray(xs, dtype=np.float64)
    batched = xs.ndim == 3
    p = {name: np.asarray(params[name], dtype=np.float64) for name in GRAD_NAMES}
    size = p["weight_hh"].shape[1]
    shape = (*xs.shape[1:-1], size)
    h = _rows(np.zeros(shape) if h0 is None else h0, batched)
    c = _rows(np.zeros(shape) if c0 is None else c0, batched)  # read by the LSTM only
    hidden, cells, caches = [], [], []
    for x in _rows(xs, batched):
        if kind == "lstm":
            h, c, cache = lstm_step(x, h, c, p)
            cells.append(c)
        elif kind == "gru":
            h, cache = gru_step(x, h, p)
        else:
            h, cache = rnn_step(x, h, p, nonlinearity)
        hidden.append(h)
        caches.append(cache)
    gates, pre = _gates_and_pre(kind, caches, size)

    def unbatch(arrays: list[np.ndarray]) -> np.ndarray:
        stacked = np.stack(arrays)
        return stacked if batched else stacked[:, 0]

    return ReferenceTrace(
        hidden=unbatch(hidden),
        cell_state=unbatch(cells) if kind == "lstm" else None,
        gates={name: unbatch(values) for name, values in gates.items()},
        pre={name: unbatch(values) for name, values in pre.items()},
        caches=caches,
        batched=batched,
    )


def _gates_and_pre(
    kind: str, caches: list[tuple], size: int
) -> tuple[dict[str, list[np.ndarray]], dict[str, list[np.ndarray]]]:
    """Gates and pre-activations per step, read from the step caches, by engine name."""

    def column(k: int) -> list[np.ndarray]:
        return [cache[k] for cache in caches]

    if kind == "rnn":  # cache (x, h_prev, a, h)
        return {}, {"h": column(2)}
    if kind == "gru":  # cache (x, h_prev, a_r, r, a_z, z, hn, a_n, n)
        gates = {"r": column(3), "z": column(5), "n": column(8)}
        return gates, {"r": column(2), "z": column(4), "n": column(7), "hn": column(6)}
    # LSTM: cache (x, h_prev, c_prev, a, i, f, g, o, c); a's row blocks are i, f, g, o
    gates = {name: column(4 + k) for k, name in enumerate("ifgo")}
    pre = {
        name: [a[:, k * size : (k + 1) * size] for a in column(3)] for k, name in enumerate("ifgo")
    }
    return gates, pre


def backward(
    kind: str,
    params: Mapping[str, np.ndarray],
    trace: ReferenceTrace,
    d_hidden: Any,
    d_cell: Any = None,
    nonlinearity: str = "tanh",
) -> ReferenceGrads:
    """Backpropagation through time over ``trace``, min-char-rnn's loop.

    Parameters
    ----------
    d_hidden : array_like, shape like ``trace.hidden``
        ∂L/∂h_t that the loss puts on each step directly.
    d_cell : array_like, optional
        LSTM only: ∂L/∂c_t from the loss directly.

    Notes
    -----
    For t = T−1 … 0: dh_t = d_hidden[t] + dhnext; the cell's backward step turns it into this
    step's parameter-gradient shares, ∂L/∂x_t and the new dhnext (and dcnext).
    """
    p = {name: np.asarray(params[name], dtype=np.float64) for name in GRAD_NAMES}
    batched = trace.batched
    d_hidden = _rows(d_hidden, batched)
    d_cell = None if d_cell is None else _rows(d_cell, batched)
    grads = {name: np.zeros_like(p[name]) for name in GRAD_NAMES}
    dhnext = np.zeros_like(d_hidden[0])
    dcnext = np.zeros_like(d_hidden[0])
    dxs, dhs, dcs = [], [], []
    for t in reversed(range(len(trace.caches))):
        dh = d_hidden[t] + dhnext  # the loss's share at step t plus what came back from t+1
        dhs.append(dh)
        if kind == "lstm":
            dc_in = dcnext if d_cell is None else dcnext + d_cell[t]
            dcs.append(dc_in)
            dx, dhnext, dcnext, shares = lstm_step_backward(dh, dc_in, trace.caches[t], p)
        elif kind == "gru":
            dx, dhnext, shares = gru_step_backward(dh, trace.caches[t], p)
        else:
            dx, dhnext, shares = rnn_step_backward(dh, trace.caches[t], p, nonlinearity)
        for name, share in zip(GRAD_NAMES, shares, strict=True):
            grads[name] += share
        dxs.append(dx)

    def unbatch(array: np.ndarray) -> np.ndarray:
        return array if batched else array[..., 0, :]

    return ReferenceGrads(
        params=grads,
        inputs=unbatch(np.stack(dxs[::-1])),
        h0=unbatch(dhnext),
        c0=unbatch(dcnext) if kind == "lstm" else None,
        hidden=unbatch(np.stack(dhs[::-1])),
        cell_in=unbatch(np.stack(dcs[::-1])) if kind == "lstm" else None,
    )


# --- stacked and bidirectional -------------------------------------------------------------
def stack_forward(
    kind: str,
    state_dict: Mapping[str, np.ndarray],
    xs: Any,
    h0: Any,
    c0: Any = None,
    num_layers: int = 2,
    bidirectional: bool = True,
    nonlinearity: str = "tanh",
) -> list[list[ReferenceTrace]]:
    """``torch.nn.RNN/LSTM/GRU(num_layers=L, bidirectional=...)`` written plainly.

    ``state_dict`` uses PyTorch's names (``weight_ih_l1``, ``bias_hh_l0_reverse``, ...);
    ``h0`` (and ``c0``) have shape (L·D, [B,] H), row l·D + d. Returns ``traces[l][d]``; the
    reverse direction's trace is over the reversed sequence. Layer l's output, the input
    of layer l+1, is :func:`stack_output` of row l.
    """
    directions = 2 if bidirectional else 1
    layer_input = np.asarray(xs, dtype=np.float64)  # u⁰_t = x_t
    traces = []
    for layer in range(num_layers):
        row = []
        for d in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if d == 1 else "")
            p = {name: state_dict[name + suffix] for name in GRAD_NAMES}  # this cell's θ
            k = layer * directions + d  # row of h0 and c0
            seq = layer_input if d == 0 else layer_input[::-1]  # reverse: runs from t = T−1
            c_init = None if c0 is None else np.asarray(c0)[k]
            row.append(forward(kind, p, seq, np.asarray(h0)[k], c_init, nonlinearity))
        traces.append(row)
        layer_input = stack_output(row)  # u^{l+1}_t = y^l_t
    return traces


def stack_output(row: list[ReferenceTrace]) -> np.ndarray:
    """y^l_t = [h^{l,0}_t ; h^{l,1}_t]: a layer's directions side by side, in time order."""
    parts = [trace.hidden if d == 0 else trace.hidden[::-1] for d, trace in enumerate(row)]
    return np.concatenate(parts, axis=-1)


def stack_backward(
    kind: str,
    state_dict: Mapping[str, np.ndarray],
    traces: list[list[ReferenceTrace]],
    d_output: Any,
    nonlinearity: str = "tanh",
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray | None]:
    """BPTT through :func:`stack_forward`: (∂L/∂θ by PyTorch name, ∂L/∂x, ∂L/∂h0, ∂L/∂c0).

    Notes
    -----
    Top layer first: the gradient of layer l's output splits into one block of H columns
    per direction (the reverse block time-reversed); each direction's BPTT gives ∂L/∂ of its
    input, and the directions' input gradients add up to the gradient of layer l−1's output.
    """
    directions = len(traces[0])
    grad_output = np.asarray(d_output, dtype=np.float64)  # ∂L/∂y^{L-1}_t
    size = grad_output.shape[-1] // directions
    grads: dict[str, np.ndarray] = {}
    dh0: dict[int, np.ndarray] = {}
    dc0: dict[int, np.ndarray] = {}
    for layer in reversed(range(len(traces))):
        input_shares = []  # ∂L/∂u^l_t through each direction
        for d, trace in enumerate(traces[layer]):
            suffix = f"_l{layer}" + ("_reverse" if d == 1 else "")
            p = {name: state_dict[name + suffix] for name in GRAD_NAMES}
            block = grad_output[..., d * size : (d + 1) * size]  # this direction's columns
            g = backward(kind, p, trace, block if d == 0 else block[::-1], None, nonlinearity)
            for name in GRAD_NAMES:
                grads[name + suffix] = g.params[name]
            dh0[layer * directions + d] = g.h0
            if g.c0 is not None:
                dc0[layer * directions + d] = g.c0
            input_shares.append(g.inputs if d == 0 else g.inputs[::-1])  # in time order
        grad_output = np.sum(input_shares, axis=0)  # ∂L/∂y^{l-1}_t = Σ_d ∂L/∂u^l_t
    d_h0 = np.stack([dh0[k] for k in sorted(dh0)])
    d_c0 = np.stack([dc0[k] for k in sorted(dc0)]) if dc0 else None
    return grads, grad_output, d_h0, d_c0
