"""Sigmoid without overflow and L2 norms that stay right down to 1e-300."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rnn_studio.engine import sigmoid, stable_norm, step_norms
from rnn_studio.engine.numerics import log10_step_norms


def test_sigmoid_extremes_do_not_overflow() -> None:
    a = np.array([-1e308, -1000.0, -40.0, 0.0, 40.0, 1000.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(a)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert np.all(np.diff(s) >= 0)


@given(st.floats(-700, 700))
def test_sigmoid_matches_the_logistic_formula(a: float) -> None:
    # The tanh form is exact to about one unit in the last place of 1 (absolute).
    assert math.isclose(sigmoid(np.array(a)), 1.0 / (1.0 + math.exp(-a)), abs_tol=2e-16)


def test_sigmoid_out_argument() -> None:
    a = np.array([0.0, 2.0])
    out = np.empty(2)
    assert sigmoid(a, out=out) is out


def log_space_norm(values: list[float]) -> float:
    """log10 ‖v‖ from Python floats' exact mantissa/exponent (math.frexp), no squaring."""
    parts = [math.frexp(v) for v in values if v != 0.0]
    top = max(exponent for _, exponent in parts)
    total = sum((mantissa * 2.0 ** (exponent - top)) ** 2 for mantissa, exponent in parts)
    return math.log10(math.sqrt(total)) + top * math.log10(2.0)


@given(
    st.lists(st.floats(-10, 10, allow_subnormal=False), min_size=1, max_size=20).filter(
        lambda v: any(x != 0.0 for x in v)
    ),
    st.integers(-300, 300),
)
def test_norm_correct_from_1e300_down_to_1e_minus_300(values: list[float], exponent: int) -> None:
    scaled = [v * 10.0**exponent for v in values]
    scaled = [v for v in scaled if v == 0.0 or abs(v) > 1e-307]  # stay above subnormals
    if not any(scaled):
        return
    expected = log_space_norm(scaled)
    got = stable_norm(np.array(scaled))
    assert math.isclose(math.log10(got), expected, abs_tol=1e-13)
    assert math.isclose(log10_step_norms(np.array([scaled]))[0], expected, abs_tol=1e-13)


def test_naive_norm_underflows_where_ours_does_not() -> None:
    x = np.full(8, 1e-200)
    assert np.linalg.norm(x[None], axis=1)[0] == 0.0  # why we scale first
    assert math.isclose(stable_norm(x), math.sqrt(8) * 1e-200, rel_tol=1e-14)


def test_step_norms_rows_and_special_values() -> None:
    x = np.array([[3.0, 4.0], [0.0, 0.0], [np.inf, 1.0], [np.nan, 1.0], [-np.inf, np.nan]])
    norms = step_norms(x)
    assert norms[0] == 5.0 and norms[1] == 0.0 and norms[2] == np.inf
    assert np.isnan(norms[3]) and np.isnan(norms[4])
    assert step_norms(np.ones((3, 2, 2))).tolist() == [2.0, 2.0, 2.0]
    assert step_norms(np.ones((2, 4), dtype=np.float32)).dtype == np.float32


def test_float32_norms_of_tiny_values_do_not_underflow() -> None:
    x = np.full((2, 4), 1e-30, dtype=np.float32)
    assert np.sqrt(np.sum(x.astype(np.float32) ** 2, axis=1))[0] == 0.0  # the naive way
    np.testing.assert_allclose(step_norms(x), [2e-30, 2e-30], rtol=1e-6)
