"""Loss functions with their gradients side by side: softmax cross-entropy and squared error.

Both average over the positions they are given (PyTorch's ``reduction="mean"``), so the
loss of a batch does not grow with its size or length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_studio.engine.errors import EngineError


@dataclass(frozen=True)
class LossResult:
    """A loss value and its gradient with respect to the loss function's input.

    Attributes
    ----------
    loss : float
    grad : numpy.ndarray
        Same shape as the logits or predictions.
    """

    loss: float
    grad: np.ndarray


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Log-probabilities over the last axis, stable for any finite logits.

    Notes
    -----
    .. math:: \\log p_k = z_k - m - \\log \\sum_j e^{z_j - m}, \\quad m = \\max_j z_j

    Subtracting the maximum keeps every exponent ≤ 0, so nothing overflows.
    """
    z = np.asarray(logits)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities over the last axis: :math:`p_k = e^{z_k/\\tau} / \\sum_j e^{z_j/\\tau}`.

    Parameters
    ----------
    logits : numpy.ndarray, shape (..., C)
    temperature : float, optional
        :math:`\\tau > 0`; below 1 sharpens the distribution, above 1 flattens it.
    """
    if not temperature > 0:
        raise EngineError(f"Temperature must be positive, not {temperature}.")
    return np.exp(log_softmax(np.asarray(logits) / temperature))


def softmax_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> LossResult:
    """Mean softmax cross-entropy and its gradient with respect to the logits.

    Parameters
    ----------
    logits : numpy.ndarray, shape (N..., C)
        Unnormalised scores for C classes at each of the N positions.
    targets : numpy.ndarray of int, shape (N...)
        The correct class at each position.

    Returns
    -------
    LossResult
        ``loss`` in nats, ``grad`` of shape (N..., C).

    Notes
    -----
    With :math:`p = \\mathrm{softmax}(z)` and :math:`N` positions,

    .. math::

        L = -\\frac{1}{N} \\sum_n \\log p_{n, y_n}, \\qquad
        \\frac{\\partial L}{\\partial z_{n,k}} = \\frac{1}{N} (p_{n,k} - [k = y_n])

    A uniform guess over C classes scores :math:`\\log C`.
    """
    z = np.asarray(logits)
    y = np.asarray(targets)
    if z.ndim < 1 or z.shape[:-1] != y.shape:
        raise EngineError(
            f"Cross-entropy needs logits (N..., C) and targets (N...); got logits {z.shape} "
            f"and targets {y.shape}."
        )
    if y.size == 0:
        raise EngineError("Cross-entropy needs at least one target.")
    if not np.issubdtype(y.dtype, np.integer):
        raise EngineError(f"Cross-entropy targets must be class indices (int), not {y.dtype}.")
    classes = z.shape[-1]
    if y.min() < 0 or y.max() >= classes:
        raise EngineError(f"Cross-entropy targets must lie in 0..{classes - 1}.")
    log_p = log_softmax(z)
    where = y[..., None].astype(np.intp)
    picked = np.take_along_axis(log_p, where, axis=-1)
    count = y.size
    loss = -float(picked.sum()) / count
    grad = np.exp(log_p)  # p = softmax(z)
    np.put_along_axis(grad, where, np.exp(picked) - 1.0, axis=-1)  # p - onehot(y)
    grad /= count
    return LossResult(loss, grad)


def mean_squared_error(predictions: np.ndarray, targets: np.ndarray) -> LossResult:
    """Mean squared error and its gradient with respect to the predictions.

    Parameters
    ----------
    predictions, targets : numpy.ndarray, same shape (N..., O)

    Returns
    -------
    LossResult

    Notes
    -----
    Averaging over all :math:`M` elements (PyTorch's ``MSELoss``):

    .. math::

        L = \\frac{1}{M} \\sum_m (\\hat y_m - y_m)^2, \\qquad
        \\frac{\\partial L}{\\partial \\hat y_m} = \\frac{2}{M} (\\hat y_m - y_m)
    """
    yhat = np.asarray(predictions)
    y = np.asarray(targets, dtype=yhat.dtype)
    if yhat.shape != y.shape:
        raise EngineError(
            f"Squared error needs predictions and targets of the same shape; got {yhat.shape} "
            f"and {y.shape}."
        )
    if y.size == 0:
        raise EngineError("Squared error needs at least one target.")
    if not np.all(np.isfinite(y)):
        raise EngineError("Squared-error targets must be finite (found NaN or infinity).")
    error = yhat - y
    count = error.size
    return LossResult(float(np.sum(error * error)) / count, (2.0 / count) * error)
