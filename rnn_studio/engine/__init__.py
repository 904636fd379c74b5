"""The NumPy engine: RNN, LSTM and GRU cells, stepped and backpropagated, exact to PyTorch.

NumPy and the standard library only (no Qt, no torch). The public contract::

    from rnn_studio.engine import make_cell, forward, backward, jacobian_norms, spectral_radius
    cell = make_cell("lstm", input_size=5, hidden_size=8, seed=0)  # or rng=Generator
    cell.kind, cell.input_size, cell.hidden_size, cell.dtype, cell.nonlinearity
    cell.gate_names          # () rnn; ("i", "f", "g", "o") lstm; ("r", "z", "n") gru
    cell.block_names         # weight row blocks: ("h",) rnn, else the gate names
    cell.params              # {"weight_ih": (G·H, I), "weight_hh": (G·H, H),
                             #  "bias_ih": (G·H,), "bias_hh": (G·H,)}  read-only arrays
    cell.set_params(d)       # validated copy; the only way to change weights
    cell.state_dict()        # {"weight_ih_l0": ...}; cell.load_state_dict(module.state_dict())
    state = cell.initial_state(batch=None)       # State(h, c); c is None except for the LSTM
    state, step = cell.step(x_t, state)          # StepResult(h, c, gates, pre); state read-only
    trace = forward(cell, xs, h0=None, c0=None)  # xs (T, I) or (T, B, I) -> immutable Trace
    trace.inputs, trace.hidden, trace.cell_state, trace.gates, trace.pre, trace.h0, trace.c0
    trace.step(t), len(trace), trace.has_nonfinite, trace.first_nonfinite_step
    # pre: {"h"} rnn; gate names lstm; gate names + "hn" (= W_hn h + b_hn) gru; computed on
    # first read with the weights of that forward pass
    grads = backward(cell, trace, d_hidden, d_cell=None)
    grads.params, grads.inputs, grads.h0, grads.c0, grads.hidden, grads.norms
    grads.has_nonfinite, grads.first_nonfinite_step
    jacobian_norms(cell, trace)      # (T,) ‖∂h_{T-1}/∂h_t‖_F, finite down to 1e-300
    jacobian_log10_norms(cell, trace)
    for block in jacobian_log10_sweep(cell, trace): ...   # the same, from t = T-1 back, in blocks
    spectral_radius(cell), gate_spectral_radii(cell), set_spectral_radius(cell, rho)
    largest_singular_value(cell)     # ‖W_hh‖₂: bounds one step's growth (ρ does not)
    gradient_check(cell, xs, h0, c0), self_check()
    with interruptible(stop): forward(...)  # raises Interrupted between blocks once stop()
    step_norms(a), stable_norm(a), sigmoid(a)

    # Stacked and bidirectional (torch.nn.LSTM(I, H, num_layers=2, bidirectional=True)):
    stack = make_cell("lstm", 5, 8, num_layers=2, bidirectional=True, seed=0)  # CellStack
    stack.state_dict()       # {"weight_ih_l0", ..., "weight_hh_l1_reverse", ...} PyTorch names
    trace = forward(stack, xs, h0=None, c0=None)  # h0, c0: (L·D, [B,] H)
    trace.hidden             # (T, [B,] D·H), torch's output; trace.h_n, trace.c_n (L·D, [B,] H)
    trace.states(layer, direction), trace.layer_outputs, trace.traces[l][d]
    grads = backward(stack, trace, d_hidden)      # d_hidden like trace.hidden
    grads.params["weight_hh_l0_reverse"], grads.inputs, grads.h0, grads.norms  # (L·D, T)

Parameters use PyTorch's one-layer layout and names (gate order i, f, g, o for the LSTM and
r, z, n for the GRU, whose reset gate multiplies W_hn h + b_hn), so
``cell.load_state_dict(torch_lstm.state_dict())`` and
``torch_lstm.load_state_dict({k: torch.from_numpy(v) for k, v in cell.state_dict().items()})``
move weights across in one line each way.

Bad input (wrong shapes, NaN/inf, empty sequences, unknown kinds, bad sizes) raises
:class:`EngineError`, a :class:`ValueError` whose message names the problem. NaN or infinity
produced by an exploding run is kept and reported (``has_nonfinite``), never hidden.
``backward`` and ``jacobian_norms`` refuse a trace recorded before the parameters changed.
Everything random takes a seed or a ``numpy.random.Generator``.

The names are imported on first use (:func:`__getattr__`): ``from rnn_studio.engine import
make_cell`` loads the cell modules only, so that opening the app does not pay for the
training, file and task modules it does not use yet.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as the type checker sees them; loaded lazily at run time
    from rnn_studio.engine.cell_base import Cell, State, StepResult
    from rnn_studio.engine.cells import (
        CELL_KINDS,
        GATE_LABELS,
        GRUCell,
        LSTMCell,
        RNNCell,
        make_cell,
    )
    from rnn_studio.engine.dynamics import (
        gate_spectral_radii,
        jacobian_log10_norms,
        jacobian_norms,
        largest_singular_value,
        set_spectral_radius,
        spectral_radius,
    )
    from rnn_studio.engine.encoding import (
        MAX_SEQUENCE_LENGTH,
        Scaler,
        Vocabulary,
        detokenize,
        encode_numbers,
        one_hot,
        tokenize,
    )
    from rnn_studio.engine.errors import EngineError, check_params
    from rnn_studio.engine.gradcheck import gradient_check, self_check
    from rnn_studio.engine.interrupt import Interrupted, checkpoint, interruptible
    from rnn_studio.engine.io import (
        export_torch_state_dict,
        load_model,
        save_model,
        save_torch_state_dict,
    )
    from rnn_studio.engine.jacobian_sweep import JacobianBlock, jacobian_log10_sweep
    from rnn_studio.engine.losses import mean_squared_error, softmax, softmax_cross_entropy
    from rnn_studio.engine.model import Model, ModelResult, rollout, sample, top_predictions
    from rnn_studio.engine.numerics import sigmoid, stable_norm, step_norms
    from rnn_studio.engine.optim import SGD, Adam, ClipReport, clip_grad_norm, clip_grad_value
    from rnn_studio.engine.sequence import Grads, Trace, backward, forward
    from rnn_studio.engine.stack import CellStack, StackGrads, StackTrace, make_stack
    from rnn_studio.engine.stack_io import load_stack, save_stack
    from rnn_studio.engine.tasks import (
        ForecastTask,
        MemoryTask,
        SentimentTask,
        TextTask,
        make_task,
    )
    from rnn_studio.engine.train import (
        RECIPES,
        Trainer,
        TrainingConfig,
        TrainingControl,
        TrainingDivergedError,
        accuracy_against_lag,
    )

# --- Model, training and files (readout, losses, optimisers, tasks, io) -------------------------
# model = Model("lstm", input_size=V, hidden_size=H, vocabulary=vocab, seed=0)
# result = model.loss_and_grads(ids, targets)   # loss, grads (PyTorch names), trace, grad_norms
# task = MemoryTask(lag=60); trainer = Trainer(task.make_model("gru", 32, seed=0), task)
# save_model("m.npz", model); load_model("m.npz")
# save_stack("s.npz", stack); load_stack("s.npz")   # PyTorch names, bounded reading, no pickle

#: Public name -> the engine module (``rnn_studio.engine.<module>``) that defines it.
_LAZY: dict[str, str] = {
    "Cell": "cell_base",
    "State": "cell_base",
    "StepResult": "cell_base",
    "CELL_KINDS": "cells",
    "GATE_LABELS": "cells",
    "GRUCell": "cells",
    "LSTMCell": "cells",
    "RNNCell": "cells",
    "make_cell": "cells",
    "gate_spectral_radii": "dynamics",
    "jacobian_log10_norms": "dynamics",
    "jacobian_norms": "dynamics",
    "largest_singular_value": "dynamics",
    "set_spectral_radius": "dynamics",
    "spectral_radius": "dynamics",
    "MAX_SEQUENCE_LENGTH": "encoding",
    "Scaler": "encoding",
    "Vocabulary": "encoding",
    "detokenize": "encoding",
    "encode_numbers": "encoding",
    "one_hot": "encoding",
    "tokenize": "encoding",
    "EngineError": "errors",
    "check_params": "errors",
    "gradient_check": "gradcheck",
    "self_check": "gradcheck",
    "Interrupted": "interrupt",
    "checkpoint": "interrupt",
    "interruptible": "interrupt",
    "export_torch_state_dict": "io",
    "load_model": "io",
    "save_model": "io",
    "save_torch_state_dict": "io",
    "JacobianBlock": "jacobian_sweep",
    "jacobian_log10_sweep": "jacobian_sweep",
    "mean_squared_error": "losses",
    "softmax": "losses",
    "softmax_cross_entropy": "losses",
    "Model": "model",
    "ModelResult": "model",
    "rollout": "model",
    "sample": "model",
    "top_predictions": "model",
    "sigmoid": "numerics",
    "stable_norm": "numerics",
    "step_norms": "numerics",
    "Adam": "optim",
    "ClipReport": "optim",
    "SGD": "optim",
    "clip_grad_norm": "optim",
    "clip_grad_value": "optim",
    "Grads": "sequence",
    "Trace": "sequence",
    "backward": "sequence",
    "forward": "sequence",
    "CellStack": "stack",
    "StackGrads": "stack",
    "StackTrace": "stack",
    "make_stack": "stack",
    "load_stack": "stack_io",
    "save_stack": "stack_io",
    "ForecastTask": "tasks",
    "MemoryTask": "tasks",
    "SentimentTask": "tasks",
    "TextTask": "tasks",
    "make_task": "tasks",
    "RECIPES": "train",
    "Trainer": "train",
    "TrainingConfig": "train",
    "TrainingControl": "train",
    "TrainingDivergedError": "train",
    "accuracy_against_lag": "train",
}

__all__ = [
    "CELL_KINDS",
    "GATE_LABELS",
    "MAX_SEQUENCE_LENGTH",
    "RECIPES",
    "SGD",
    "Adam",
    "Cell",
    "CellStack",
    "ClipReport",
    "EngineError",
    "ForecastTask",
    "GRUCell",
    "Grads",
    "Interrupted",
    "JacobianBlock",
    "LSTMCell",
    "MemoryTask",
    "Model",
    "ModelResult",
    "RNNCell",
    "Scaler",
    "SentimentTask",
    "StackGrads",
    "StackTrace",
    "State",
    "StepResult",
    "TextTask",
    "Trace",
    "Trainer",
    "TrainingConfig",
    "TrainingControl",
    "TrainingDivergedError",
    "Vocabulary",
    "accuracy_against_lag",
    "backward",
    "check_params",
    "checkpoint",
    "clip_grad_norm",
    "clip_grad_value",
    "detokenize",
    "encode_numbers",
    "export_torch_state_dict",
    "forward",
    "gate_spectral_radii",
    "gradient_check",
    "interruptible",
    "jacobian_log10_norms",
    "jacobian_log10_sweep",
    "jacobian_norms",
    "largest_singular_value",
    "load_model",
    "load_stack",
    "make_cell",
    "make_stack",
    "make_task",
    "mean_squared_error",
    "one_hot",
    "rollout",
    "sample",
    "save_model",
    "save_stack",
    "save_torch_state_dict",
    "self_check",
    "set_spectral_radius",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "spectral_radius",
    "stable_norm",
    "step_norms",
    "tokenize",
    "top_predictions",
]


def __getattr__(name: str) -> Any:
    """Import the engine module that defines ``name`` on first use and return ``name``."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value  # the next access is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
