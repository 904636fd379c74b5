"""What every cell shares: parameters in PyTorch's layout, state dicts, states and step checks.

A cell holds four arrays named and shaped exactly like a one-layer ``torch.nn.RNN``, ``LSTM``
or ``GRU`` (G = 1, 4, 3 gate blocks stacked along the rows):

========== ============= =====================================================
name        shape          role
========== ============= =====================================================
weight_ih   (G·H, I)       input-to-hidden weights, gate blocks stacked by rows
weight_hh   (G·H, H)       hidden-to-hidden weights, same stacking
bias_ih     (G·H,)         input bias
bias_hh     (G·H,)         hidden bias
========== ============= =====================================================

The arrays are stored read-only: change them only through :meth:`Cell.set_params` (or
:meth:`Cell.load_state_dict`), which validates a copy and drops the constants the fast paths
derive from the weights (transposes, the ½ folded into sigmoid rows, gate reordering).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import numpy as np

from rnn_studio.engine.errors import (
    EngineError,
    as_float_array,
    check_dtype,
    check_finite,
    check_memory,
    check_params,
    check_shape,
    check_size,
)

if TYPE_CHECKING:
    from rnn_studio.engine.blocks import BackwardRecord, ForwardRecord

PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
STATE_DICT_SUFFIX = "_l0"


class State(NamedTuple):
    """A recurrent state: ``h`` of shape ([B,] H); ``c`` likewise for the LSTM, else None."""

    h: np.ndarray
    c: np.ndarray | None = None


class StepResult(NamedTuple):
    """Everything the studio shows about one time step.

    Attributes
    ----------
    h : ndarray, shape ([B,] H)
        Hidden state after the step.
    c : ndarray or None
        LSTM cell state after the step; None for the RNN and the GRU.
    gates : Mapping[str, ndarray]
        Gate activations by name (``cell.gate_names``), each ([B,] H); empty for the RNN.
    pre : Mapping[str, ndarray]
        Pre-activations by name, each ([B,] H): ``{"h"}`` for the RNN, the gate names for the
        LSTM, and for the GRU the gate names plus ``"hn"`` = W_hn h + b_hn (the term the reset
        gate scales).
    """

    h: np.ndarray
    c: np.ndarray | None
    gates: Mapping[str, np.ndarray]
    pre: Mapping[str, np.ndarray]


def freeze(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` read-only and return it."""
    array.setflags(write=False)
    return array


def frozen_mapping(arrays: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    """A read-only mapping of read-only arrays."""
    return MappingProxyType({name: freeze(value) for name, value in arrays.items()})


class Cell(ABC):
    """Base class of the three recurrent cells (use :func:`rnn_studio.engine.make_cell`).

    Parameters
    ----------
    input_size : int
        I, features per time step.
    hidden_size : int
        H, hidden units.
    rng : numpy.random.Generator
        Source of the initial weights.
    nonlinearity : {"tanh", "relu"}
        Vanilla RNN activation; the LSTM and GRU accept only ``"tanh"``.
    dtype : float64 or float32
        Precision of parameters, states and gradients.

    Notes
    -----
    Initialisation follows PyTorch: every parameter ~ U(−1/√H, 1/√H), drawn in the order
    weight_ih, weight_hh, bias_ih, bias_hh.
    """

    kind: ClassVar[str]
    gate_names: ClassVar[tuple[str, ...]]
    block_names: ClassVar[tuple[str, ...]]
    """Names of the G row blocks of ``weight_hh`` (``("h",)`` for the RNN, else the gates)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        rng: np.random.Generator,
        nonlinearity: str = "tanh",
        dtype: Any = np.float64,
    ) -> None:
        self._input_size = check_size(input_size, "input_size")
        self._hidden_size = check_size(hidden_size, "hidden_size")
        self._dtype = check_dtype(dtype)
        self._nonlinearity = self._check_nonlinearity(nonlinearity)
        check_memory(
            sum(math.prod(shape) for shape in self.param_shapes.values()) * 3,  # + grads, Adam
            self._dtype.itemsize,
            f"a {self.kind} cell with {self._input_size} inputs and hidden size "
            f"{self._hidden_size}",
        )
        bound = 1.0 / np.sqrt(self._hidden_size)
        initial = {
            name: rng.uniform(-bound, bound, size=shape)
            for name, shape in self.param_shapes.items()
        }
        self._params: dict[str, np.ndarray] = {}
        self._constants: Any = None
        self._params_token = object()
        self._last_state: State | None = None
        self.set_params(initial)

    # --- identity ---------------------------------------------------------------------------
    @property
    def input_size(self) -> int:
        """I, features per time step."""
        return self._input_size

    @property
    def hidden_size(self) -> int:
        """H, hidden units."""
        return self._hidden_size

    @property
    def dtype(self) -> np.dtype:
        """Float dtype of parameters and results."""
        return self._dtype

    @property
    def nonlinearity(self) -> str:
        """``"tanh"`` or ``"relu"`` (the latter only for the vanilla RNN)."""
        return self._nonlinearity

    @property
    def gate_count(self) -> int:
        """G, the number of row blocks in the weights (1, 4 or 3)."""
        return len(self.block_names)

    @property
    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """PyTorch shapes of the four parameters."""
        rows = self.gate_count * self._hidden_size
        return {
            "weight_ih": (rows, self._input_size),
            "weight_hh": (rows, self._hidden_size),
            "bias_ih": (rows,),
            "bias_hh": (rows,),
        }

    def __repr__(self) -> str:
        extra = f", nonlinearity={self._nonlinearity!r}" if self.kind == "rnn" else ""
        return (
            f"{type(self).__name__}(input_size={self._input_size}, "
            f"hidden_size={self._hidden_size}{extra}, dtype={self._dtype.name})"
        )

    def _check_nonlinearity(self, nonlinearity: str) -> str:
        if nonlinearity != "tanh":
            raise EngineError(
                f"nonlinearity {nonlinearity!r} is not available for the {self.kind} cell "
                "(only the vanilla RNN takes 'relu')"
            )
        return nonlinearity

    # --- parameters ----------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, np.ndarray]:
        """The four parameters (read-only arrays; change them with :meth:`set_params`)."""
        return dict(self._params)

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Replace all four parameters with validated copies.

        Parameters
        ----------
        params : mapping
            Exactly the keys ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` with
            PyTorch's shapes (see :attr:`param_shapes`); finite numbers.

        Raises
        ------
        EngineError
            Missing or unknown keys, wrong shapes, non-numeric or non-finite values.
        """
        checked = check_params(params, self.param_shapes, self._dtype)
        self._params = {name: freeze(array) for name, array in checked.items()}
        self._constants = None
        self._params_token = object()

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameters under PyTorch's names (``weight_ih_l0`` ...).

        ``torch_module.load_state_dict({k: torch.from_numpy(v) for k, v in
        cell.state_dict().items()})`` loads them into a one-layer ``torch.nn.RNN/LSTM/GRU``.
        """
        return {name + STATE_DICT_SUFFIX: value.copy() for name, value in self._params.items()}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Set the parameters from PyTorch names (``cell.load_state_dict(module.state_dict())``).

        Values may be NumPy arrays or anything :func:`numpy.asarray` reads (CPU tensors).
        """
        if not isinstance(state_dict, Mapping):
            raise EngineError(
                f"state_dict must be a mapping of arrays, got {type(state_dict).__name__}"
            )
        expected = {name + STATE_DICT_SUFFIX: name for name in PARAM_NAMES}
        unknown = sorted(set(state_dict) - set(expected))
        if unknown:
            raise EngineError(f"state_dict has unknown keys {unknown}; expected {sorted(expected)}")
        missing = sorted(set(expected) - set(state_dict))
        if missing:
            raise EngineError(f"state_dict is missing {missing}")
        self.set_params({expected[key]: value for key, value in state_dict.items()})

    def copy(self) -> Cell:
        """An independent cell with the same kind, sizes, dtype and parameters."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin._constants = None
        twin._params_token = object()
        return twin

    @property
    def constants(self) -> Any:
        """Weight-derived constants of the fast paths, rebuilt after :meth:`set_params`."""
        if self._constants is None:
            self._constants = self._build_constants()
        return self._constants

    @abstractmethod
    def _build_constants(self) -> Any:
        """The weight-derived constants of the fast paths (cached in :attr:`constants`)."""

    # --- states --------------------------------------------------------------------------------
    def initial_state(self, batch: int | None = None) -> State:
        """Zero state: ``h`` of shape (H,) or (batch, H); ``c`` likewise for the LSTM."""
        shape = (
            (self._hidden_size,)
            if batch is None
            else (check_size(batch, "batch"), self._hidden_size)
        )
        c = np.zeros(shape, dtype=self._dtype) if self.kind == "lstm" else None
        return State(np.zeros(shape, dtype=self._dtype), c)

    def check_state(
        self,
        h: Any,
        c: Any,
        batch_shape: tuple[int, ...],
        h_name: str = "h0",
        c_name: str = "c0",
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Validate (or create zero) ``h`` and ``c`` for a batch of shape ``batch_shape``."""
        shape = (*batch_shape, self._hidden_size)
        if h is None:
            h_array = np.zeros(shape, dtype=self._dtype)
        else:
            h_array = as_float_array(h, h_name, self._dtype)
            check_shape(h_array, shape, h_name)
            check_finite(h_array, h_name)
        if self.kind != "lstm":
            if c is not None:
                raise EngineError(f"{c_name} is only used by the LSTM, not the {self.kind} cell")
            return h_array, None
        if c is None:
            return h_array, np.zeros(shape, dtype=self._dtype)
        c_array = as_float_array(c, c_name, self._dtype)
        check_shape(c_array, shape, c_name)
        check_finite(c_array, c_name)
        return h_array, c_array

    # --- one step ------------------------------------------------------------------------------
    def step(self, x_t: Any, state: State | tuple | None = None) -> tuple[State, StepResult]:
        """Advance one time step.

        Parameters
        ----------
        x_t : array_like, shape (I,) or (B, I)
            The input at this step.
        state : State or (h, c) tuple, optional
            Previous state, shapes matching ``x_t``'s batch; None means zeros.

        Returns
        -------
        state : State
            The new state (fresh read-only arrays; passing it back to the next ``step`` skips
            re-validating it).
        result : StepResult
            h, c, gate activations and pre-activations of this step.
        """
        x = as_float_array(x_t, "x_t", self._dtype)
        if x.ndim not in (1, 2) or x.shape[-1] != self._input_size:
            raise EngineError(
                f"x_t must have shape ({self._input_size},) or (batch, {self._input_size}), "
                f"got {x.shape}"
            )
        check_finite(x, "x_t")
        last = self._last_state
        if last is not None and state is last and last.h.shape[:-1] == x.shape[:-1]:
            h, c = last  # this cell's previous result: read-only, already valid
        else:
            given_h: Any = None
            given_c: Any = None
            if isinstance(state, tuple) and len(state) == 2:
                given_h, given_c = state
            elif state is not None:
                raise EngineError("state must be a State(h, c) (or an (h, c) tuple) or None")
            h, c = self.check_state(given_h, given_c, x.shape[:-1], "state.h", "state.c")
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            new_state, result = self._step(x, h, c)
        freeze(new_state.h)
        if new_state.c is not None:
            freeze(new_state.c)
        self._last_state = new_state
        return new_state, result

    # --- the hooks every cell implements -------------------------------------------------------
    # ``c`` and ``c0`` are the LSTM's cell state (None for the RNN and the GRU); ``trace`` is a
    # :class:`~rnn_studio.engine.sequence.Trace`; ``derivatives`` is what the cell's own
    # ``_local_derivatives`` returns.
    @abstractmethod
    def _step(self, x: np.ndarray, h: np.ndarray, c: Any) -> tuple[State, StepResult]:
        """One step from validated arrays: x ([B,] I), h ([B,] H), c ([B,] H) or None."""

    @abstractmethod
    def _forward_sequence(self, xs: np.ndarray, h0: np.ndarray, c0: Any) -> ForwardRecord:
        """The forward pass over xs (T, [B,] I) from validated h0 (and c0)."""

    @abstractmethod
    def _backward_sequence(
        self, trace: Any, d_hidden: np.ndarray, d_cell: Any, weights: bool = True
    ) -> BackwardRecord:
        """BPTT through ``trace`` for the upstream gradients dL/dh_t (and dL/dc_t).

        ``weights`` False (one sequence): dW_ih and dW_hh are left out of ``params`` and the
        record's ``weight_bound`` bounds the global norm of every parameter gradient
        (:class:`~rnn_studio.engine.blocks.WeightGradients`)."""

    @abstractmethod
    def _local_derivatives(self, trace: Any) -> Any:
        """Each step's local derivatives (activation slopes, gates) for :meth:`_adjoint_step`."""

    @abstractmethod
    def _adjoint_step(
        self, derivatives: Any, t: int, dh: np.ndarray, dc: Any, work: dict
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Carry adjoints dh (and dc) of shape ([B,] K, H) from step t back to step t−1.

        ``work`` holds scratch buffers the cell reuses from call to call.
        """
