"""SGD, Adam and clipping against hand-computed numbers; clipping never exceeds its
threshold."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.optim import (
    SGD,
    Adam,
    clip_grad_norm,
    clip_grad_value,
    global_norm,
    make_optimizer,
)


def test_plain_sgd_step():
    params = {"w": np.array([1.0, -2.0])}
    SGD(lr=0.1).step(params, {"w": np.array([0.5, 1.0])})
    np.testing.assert_allclose(params["w"], [0.95, -2.1])


def test_sgd_momentum_two_steps_by_hand():
    params = {"w": np.array([1.0])}
    optimizer = SGD(lr=0.1, momentum=0.9)
    optimizer.step(params, {"w": np.array([0.5])})  # b = 0.5, w = 1 - 0.05
    assert params["w"][0] == pytest.approx(0.95)
    optimizer.step(params, {"w": np.array([0.5])})  # b = 0.9*0.5 + 0.5 = 0.95, w -= 0.095
    assert params["w"][0] == pytest.approx(0.855)


def test_sgd_nesterov_by_hand():
    params = {"w": np.array([1.0])}
    optimizer = SGD(lr=0.1, momentum=0.5, nesterov=True)
    optimizer.step(params, {"w": np.array([1.0])})  # b = 1, step g + 0.5 b = 1.5
    assert params["w"][0] == pytest.approx(0.85)


def test_adam_two_steps_by_hand():
    params = {"w": np.array([1.0])}
    optimizer = Adam(lr=0.1)
    optimizer.step(params, {"w": np.array([0.5])})
    # m = 0.05, v = 0.00025; m_hat = 0.5, v_hat = 0.25 -> step 0.1 * 0.5 / (0.5 + 1e-8)
    assert params["w"][0] == pytest.approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), abs=1e-15)
    before = params["w"][0]
    optimizer.step(params, {"w": np.array([-1.0])})
    m = 0.9 * 0.05 + 0.1 * -1.0  # -0.055
    v = 0.999 * 0.00025 + 0.001 * 1.0  # 0.00124975
    step = (0.1 / (1 - 0.9**2)) * m / (math.sqrt(v) / math.sqrt(1 - 0.999**2) + 1e-8)
    assert params["w"][0] == pytest.approx(before - step, abs=1e-15)


def test_optimizer_checks_names_shapes_and_settings():
    with pytest.raises(EngineError, match="differ in names"):
        SGD(0.1).step({"a": np.zeros(1)}, {"b": np.zeros(1)})
    with pytest.raises(EngineError, match="shape"):
        SGD(0.1).step({"a": np.zeros(2)}, {"a": np.zeros(3)})
    with pytest.raises(EngineError, match="Learning rate"):
        Adam(lr=0.0)
    with pytest.raises(EngineError, match="Unknown optimiser 'rmsprop'"):
        make_optimizer("rmsprop", 0.1)
    assert isinstance(make_optimizer("adam", 0.01), Adam)


def test_clip_grad_norm_scales_to_the_threshold_and_reports():
    grads = {"a": np.array([3.0]), "b": np.array([[4.0]])}
    report = clip_grad_norm(grads, 1.0)
    assert report.clipped and report.norm_before == pytest.approx(5.0)
    assert report.norm_after == pytest.approx(1.0) and report.norm_after <= 1.0
    np.testing.assert_allclose(grads["a"], [0.6])
    np.testing.assert_allclose(grads["b"], [[0.8]])
    small = {"a": np.array([0.1])}
    report = clip_grad_norm(small, 1.0)
    assert not report.clipped and report.norm_after == report.norm_before


def test_clip_grad_norm_reports_non_finite_without_hiding_it():
    grads = {"a": np.array([np.nan, 1.0])}
    report = clip_grad_norm(grads, 1.0)
    assert math.isnan(report.norm_before) and not report.clipped
    assert global_norm({"a": np.array([np.inf])}) == math.inf


def test_clip_grad_value_clamps_each_entry():
    grads = {"a": np.array([-3.0, 0.5, 2.0])}
    report = clip_grad_value(grads, 1.0)
    np.testing.assert_allclose(grads["a"], [-1.0, 0.5, 1.0])
    assert report.clipped
    assert report.norm_before == pytest.approx(math.sqrt(13.25))
    assert report.norm_after == pytest.approx(math.sqrt(2.25))


def test_global_norm_survives_underflow_and_overflow():
    assert global_norm({"a": np.array([3e-200, 4e-200])}) == pytest.approx(5e-200)
    assert global_norm({"a": np.array([3e200]), "b": np.array([4e200])}) == pytest.approx(5e200)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e150, max_value=1e150, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=20,
    ),
    threshold=st.floats(min_value=1e-100, max_value=1e100),
)
def test_clipping_never_reports_a_norm_above_the_threshold(values, threshold):
    grads = {"a": np.array(values[: len(values) // 2 + 1]), "b": np.array(values)}
    report = clip_grad_norm(grads, threshold)
    assert report.norm_after <= threshold
    assert global_norm(grads) <= threshold
    value_grads = {"a": np.array(values)}
    value_report = clip_grad_value(value_grads, threshold)
    assert np.all(np.abs(value_grads["a"]) <= threshold)
    assert value_report.norm_after <= value_report.norm_before
