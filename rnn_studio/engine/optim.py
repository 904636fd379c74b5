"""Optimisers (SGD with momentum, Adam) and gradient clipping, following PyTorch's formulas.

Parameters and gradients are dictionaries ``name -> array`` (the names of
:attr:`rnn_studio.engine.model.Model.params`). ``optimizer.step(params, grads)`` updates the
parameter arrays in place; the model then takes them back with ``model.set_params``.
Clipping also works in place and returns a :class:`ClipReport` with the global gradient norm
before and after, which the training view plots.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

import numpy as np

from rnn_studio.engine.errors import EngineError

Arrays = Mapping[str, np.ndarray]
MutableArrays = MutableMapping[str, np.ndarray]


def global_norm(grads: Arrays) -> float:
    """L2 norm of all gradients taken together, without underflow or overflow.

    Notes
    -----
    .. math:: \\lVert g \\rVert = s \\sqrt{\\textstyle\\sum_k \\sum_i (g_{k,i}/s)^2},
       \\quad s = \\max_{k,i} |g_{k,i}|

    Scaling by the largest entry keeps the squares representable for tiny (1e-200) and huge
    gradients. Returns NaN if any entry is NaN and infinity if any is infinite.
    """
    arrays = [np.asarray(g, dtype=np.float64) for g in grads.values()]
    if not arrays:
        return 0.0
    largest = max((float(np.max(np.abs(a))) if a.size else 0.0) for a in arrays)
    if math.isnan(largest) or any(np.isnan(a).any() for a in arrays):
        return math.nan
    if math.isinf(largest):
        return math.inf
    if largest == 0.0:
        return 0.0
    total = sum(float(np.sum(np.square(a / largest))) for a in arrays)
    return largest * math.sqrt(total)


@dataclass(frozen=True)
class ClipReport:
    """What clipping did to one update's gradients.

    Attributes
    ----------
    norm_before : float
        Global L2 norm of the gradients as computed (NaN/inf if they were not finite).
    norm_after : float
        Global L2 norm after clipping; never above the threshold when clipping was applied.
    clipped : bool
        True when the gradients were changed.
    """

    norm_before: float
    norm_after: float
    clipped: bool


def clip_grad_norm(grads: MutableArrays, max_norm: float) -> ClipReport:
    """Rescale all gradients together so their global L2 norm is at most ``max_norm``.

    Parameters
    ----------
    grads : dict of str to numpy.ndarray
        Modified in place.
    max_norm : float
        Positive threshold.

    Returns
    -------
    ClipReport

    Notes
    -----
    .. math:: g \\leftarrow g \\cdot \\min\\!\\left(1, \\frac{c}{\\lVert g \\rVert}\\right)

    as ``torch.nn.utils.clip_grad_norm_``. Rounding can leave the rescaled norm a few ulps
    above :math:`c`; the factor is then nudged down so the reported norm never exceeds it.
    Non-finite gradients are left untouched and reported (``clipped=False``), so the
    trainer can stop with a clear message instead of hiding the explosion.
    """
    if not (isinstance(max_norm, (int, float)) and max_norm > 0 and math.isfinite(max_norm)):
        raise EngineError(f"Clipping threshold must be a positive number, not {max_norm!r}.")
    before = global_norm(grads)
    if not math.isfinite(before) or before <= max_norm:
        return ClipReport(before, before, False)
    factor = max_norm / before
    scaled = {name: g * factor for name, g in grads.items()}
    after = global_norm(scaled)
    while after > max_norm:  # a few ulps over through rounding: shrink by the excess
        factor *= (max_norm / after) * (1.0 - 2.0**-50)
        scaled = {name: g * factor for name, g in grads.items()}
        after = global_norm(scaled)
    for name, g in scaled.items():
        grads[name][...] = g
    return ClipReport(before, after, True)


def clip_grad_value(grads: MutableArrays, clip_value: float) -> ClipReport:
    """Clamp every gradient entry to ``[-clip_value, clip_value]``.

    Notes
    -----
    .. math:: g_i \\leftarrow \\max(-c, \\min(c, g_i))

    as ``torch.nn.utils.clip_grad_value_``. The report gives the global norm before and after
    (the direction of the gradient can change, unlike norm clipping).
    """
    if not (isinstance(clip_value, (int, float)) and clip_value > 0 and math.isfinite(clip_value)):
        raise EngineError(f"Clipping value must be a positive number, not {clip_value!r}.")
    before = global_norm(grads)
    if math.isnan(before):
        return ClipReport(before, before, False)
    changed = False
    for g in grads.values():
        if np.any(np.abs(g) > clip_value):
            changed = True
            np.clip(g, -clip_value, clip_value, out=g)
    return ClipReport(before, global_norm(grads) if changed else before, changed)


class Optimizer:
    """Base class: per-parameter state keyed by name, and a step counter."""

    def __init__(self, lr: float) -> None:
        if not (isinstance(lr, (int, float)) and lr > 0 and math.isfinite(lr)):
            raise EngineError(f"Learning rate must be a positive number, not {lr!r}.")
        self.lr = float(lr)
        self.steps = 0

    def step(self, params: MutableArrays, grads: Arrays) -> None:
        """Update every array in ``params`` in place from ``grads`` (same keys and shapes)."""
        missing = set(params) ^ set(grads)
        if missing:
            raise EngineError(f"Parameters and gradients differ in names: {sorted(missing)}.")
        for name, p in params.items():
            if p.shape != np.shape(grads[name]):
                raise EngineError(
                    f"Gradient {name!r} has shape {np.shape(grads[name])}, parameter {p.shape}."
                )
        self.steps += 1
        for name, p in params.items():
            self._update(name, p, np.asarray(grads[name]))

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum (``torch.optim.SGD``).

    Parameters
    ----------
    lr : float
        Learning rate :math:`\\eta`.
    momentum : float, optional
        :math:`\\mu \\in [0, 1)`; 0 is plain gradient descent.
    nesterov : bool, optional
        Use Nesterov momentum.

    Notes
    -----
    With velocity :math:`b` (set to :math:`g_1` on the first step, PyTorch's convention):

    .. math::

        b_t = \\mu b_{t-1} + g_t, \\qquad \\theta_t = \\theta_{t-1} - \\eta b_t

    and with ``nesterov=True`` the step uses :math:`g_t + \\mu b_t` instead of :math:`b_t`.
    """

    def __init__(self, lr: float = 0.1, momentum: float = 0.0, *, nesterov: bool = False) -> None:
        super().__init__(lr)
        if not 0.0 <= momentum < 1.0:
            raise EngineError(f"Momentum must be in [0, 1), not {momentum}.")
        if nesterov and momentum == 0.0:
            raise EngineError("Nesterov momentum needs a momentum above 0.")
        self.momentum = float(momentum)
        self.nesterov = nesterov
        self.velocity: dict[str, np.ndarray] = {}

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        if self.momentum == 0.0:
            param -= self.lr * grad
            return
        velocity = self.velocity.get(name)
        if velocity is None:
            velocity = self.velocity[name] = grad.astype(param.dtype, copy=True)
        else:
            velocity *= self.momentum
            velocity += grad
        direction = grad + self.momentum * velocity if self.nesterov else velocity
        param -= self.lr * direction


class Adam(Optimizer):
    """Adam (``torch.optim.Adam`` without weight decay or amsgrad).

    Parameters
    ----------
    lr : float, optional
        Step size :math:`\\eta`.
    betas : (float, float), optional
        Decay rates :math:`\\beta_1, \\beta_2` of the first and second moment estimates.
    eps : float, optional
        :math:`\\epsilon`, added to the denominator.

    Notes
    -----
    .. math::

        m_t &= \\beta_1 m_{t-1} + (1 - \\beta_1) g_t \\\\
        v_t &= \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2 \\\\
        \\theta_t &= \\theta_{t-1} - \\frac{\\eta}{1 - \\beta_1^t}
            \\frac{m_t}{\\sqrt{v_t} / \\sqrt{1 - \\beta_2^t} + \\epsilon}

    the bias-corrected form PyTorch implements.
    """

    def __init__(
        self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        beta1, beta2 = betas
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise EngineError(f"Adam betas must lie in [0, 1), not {betas}.")
        if not eps > 0:
            raise EngineError(f"Adam eps must be positive, not {eps}.")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.first_moment: dict[str, np.ndarray] = {}
        self.second_moment: dict[str, np.ndarray] = {}

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        m = self.first_moment.setdefault(name, np.zeros_like(param))
        v = self.second_moment.setdefault(name, np.zeros_like(param))
        m *= self.beta1
        m += (1.0 - self.beta1) * grad  # m_t
        v *= self.beta2
        v += (1.0 - self.beta2) * grad * grad  # v_t
        bias1 = 1.0 - self.beta1**self.steps
        bias2 = 1.0 - self.beta2**self.steps
        denom = np.sqrt(v) / math.sqrt(bias2) + self.eps
        param -= (self.lr / bias1) * m / denom


OPTIMIZERS = ("sgd", "adam")


def make_optimizer(name: str, lr: float, *, momentum: float = 0.9) -> Optimizer:
    """``"sgd"`` (with ``momentum``) or ``"adam"`` at learning rate ``lr``."""
    if name == "sgd":
        return SGD(lr, momentum=momentum)
    if name == "adam":
        return Adam(lr)
    raise EngineError(f"Unknown optimiser {name!r}; choose one of {', '.join(OPTIMIZERS)}.")
