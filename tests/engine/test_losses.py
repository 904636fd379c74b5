"""Cross-entropy and squared error: values against hand results, gradients against
central differences, stability for huge logits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.losses import (
    log_softmax,
    mean_squared_error,
    softmax,
    softmax_cross_entropy,
)


def numeric_grad(function, x, eps=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (function(plus) - function(minus)) / (2 * eps)
    return grad


def test_cross_entropy_of_uniform_logits_is_log_classes():
    result = softmax_cross_entropy(np.zeros((3, 5)), np.array([0, 1, 4]))
    assert result.loss == pytest.approx(math.log(5))
    np.testing.assert_allclose(result.grad[0], np.array([-0.8, 0.2, 0.2, 0.2, 0.2]) / 3)


def test_cross_entropy_hand_value():
    logits = np.array([[1.0, 2.0, 3.0]])
    expected = -(1.0 - math.log(math.exp(1) + math.exp(2) + math.exp(3)))
    assert softmax_cross_entropy(logits, np.array([0])).loss == pytest.approx(expected)


def test_cross_entropy_gradient_matches_central_differences():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 3, 6))
    targets = rng.integers(0, 6, size=(4, 3))
    analytic = softmax_cross_entropy(logits, targets).grad
    numeric = numeric_grad(lambda z: softmax_cross_entropy(z, targets).loss, logits)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_cross_entropy_is_stable_for_huge_logits():
    result = softmax_cross_entropy(np.array([[1000.0, -1000.0, 0.0]]), np.array([1]))
    assert result.loss == pytest.approx(2000.0)
    assert np.all(np.isfinite(result.grad))
    assert np.all(np.isfinite(log_softmax(np.array([1e300, -1e300]))))


def test_softmax_temperature_sharpens_and_flattens():
    logits = np.array([2.0, 1.0, 0.0])
    cold, warm = softmax(logits, 0.5), softmax(logits, 5.0)
    assert cold[0] > softmax(logits)[0] > warm[0]
    np.testing.assert_allclose(cold.sum(), 1.0)
    with pytest.raises(EngineError, match="Temperature"):
        softmax(logits, 0.0)


def test_cross_entropy_rejects_bad_targets():
    with pytest.raises(EngineError, match=r"targets must lie in 0\.\.2"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(EngineError, match="class indices"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(EngineError, match=r"logits \(2, 3\) and targets \(3,\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))


def test_mean_squared_error_value_and_gradient():
    predictions = np.array([[1.0], [2.0], [4.0]])
    targets = np.array([[0.0], [2.0], [1.0]])
    result = mean_squared_error(predictions, targets)
    assert result.loss == pytest.approx((1.0 + 0.0 + 9.0) / 3)
    np.testing.assert_allclose(result.grad, [[2 / 3], [0.0], [2.0]])
    rng = np.random.default_rng(1)
    yhat, y = rng.normal(size=(5, 2, 3)), rng.normal(size=(5, 2, 3))
    numeric = numeric_grad(lambda p: mean_squared_error(p, y).loss, yhat)
    np.testing.assert_allclose(mean_squared_error(yhat, y).grad, numeric, rtol=1e-6, atol=1e-9)
    with pytest.raises(EngineError, match="same shape"):
        mean_squared_error(np.zeros(3), np.zeros(2))
