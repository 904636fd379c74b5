"""The engine's one exception and the input checks that raise it.

Every check names the argument and says what was expected and what arrived, so a learner who
types a bad sequence (or a caller who passes the wrong shape) reads one clear sentence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

SUPPORTED_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
#: The most memory one engine call may ask for (weights, a forward pass, a batch): 1 GiB,
#: so that a typo (hidden size 20,000, lag 10**7, batch 10**8) is a message on a 4 GB
#: school laptop, not a frozen machine.
MEMORY_BUDGET_BYTES = 1 << 30


class EngineError(ValueError):
    """Bad input to the engine: the message names the argument and the problem."""


def check_size(value: Any, name: str) -> int:
    """Return ``value`` as a positive ``int`` or raise :class:`EngineError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise EngineError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise EngineError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_memory(count: int, itemsize: int, what: str) -> None:
    """Refuse work that needs more than :data:`MEMORY_BUDGET_BYTES`, before allocating it.

    Parameters
    ----------
    count : int
        Number of values the work would hold at once.
    itemsize : int
        Bytes per value.
    what : str
        What the work is, for the message (``"an LSTM cell with hidden size 20000"``).
    """
    need = int(count) * int(itemsize)
    if need > MEMORY_BUDGET_BYTES:
        raise EngineError(
            f"{what} would need {need / 2**30:.1f} GiB of memory; RNN Studio's engine works "
            f"within {MEMORY_BUDGET_BYTES / 2**30:.0f} GiB. Choose smaller sizes."
        )


def check_seed(seed: Any) -> int | None:
    """Return ``seed`` as an ``int`` from 0 to 2**64 - 1 (or None), else raise EngineError."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise EngineError(f"seed must be an integer (a whole number), got {seed!r}")
    if not 0 <= int(seed) < 2**64:
        raise EngineError(f"seed must be a whole number from 0 to 2**64 - 1, got {seed}")
    return int(seed)


def check_real(value: Any, name: str) -> float:
    """Return ``value`` (a Python or NumPy real number) as a finite ``float``."""
    if isinstance(value, (bool, np.bool_)):
        raise EngineError(f"{name} must be a number, got {value!r}")
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if not isinstance(value, (int, float, np.integer, np.floating)):
        raise EngineError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise EngineError(f"{name} must be finite, got {value!r}")
    return number


def check_fraction(value: Any, name: str) -> float:
    """Return ``value`` as a float from 0 (included) to 1 (excluded)."""
    number = check_real(value, name)
    if not 0.0 <= number < 1.0:
        raise EngineError(f"{name} must be at least 0 and below 1, got {value!r}")
    return number


def check_dtype(dtype: Any) -> np.dtype:
    """Return the float dtype the engine computes in (float64 or float32)."""
    try:
        resolved = np.dtype(dtype)
    except TypeError as exc:
        raise EngineError(f"dtype must be float64 or float32, got {dtype!r}") from exc
    if resolved not in SUPPORTED_DTYPES:
        raise EngineError(f"dtype must be float64 or float32, got {resolved}")
    return resolved


def as_float_array(value: Any, name: str, dtype: np.dtype) -> np.ndarray:
    """Convert ``value`` to an array of ``dtype``, refusing non-numeric data.

    Returns ``value`` itself (no copy) when it already is an array of ``dtype``.
    """
    if type(value) is np.ndarray:
        array = value
    else:
        try:
            array = np.asarray(value)
        except Exception as exc:  # array-likes can raise anything while converting
            raise EngineError(f"{name} could not be read as a numeric array: {exc}") from exc
    kind = array.dtype.kind
    if kind not in "fiub":
        if kind == "c":
            raise EngineError(f"{name} must hold real numbers, got complex values")
        raise EngineError(f"{name} must hold numbers, got dtype {array.dtype}")
    return array if array.dtype == dtype else array.astype(dtype)


def check_finite(array: np.ndarray, name: str) -> None:
    """Raise :class:`EngineError` if ``array`` holds NaN or infinity, naming the first place."""
    flat = array.reshape(-1)
    # x·x is finite exactly when every entry is finite, unless it overflows: one fast BLAS
    # call instead of an isfinite pass in the common case, the exact check otherwise.
    if math.isfinite(flat.dot(flat)) or np.isfinite(array).all():
        return
    bad = np.argwhere(~np.isfinite(array))[0]
    where = f" at index {tuple(int(i) for i in bad)}" if array.ndim else ""
    raise EngineError(f"{name} contains NaN or infinity{where}")


def check_shape(array: np.ndarray, expected: tuple[int, ...], name: str) -> None:
    """Raise :class:`EngineError` unless ``array.shape == expected``."""
    if array.shape != expected:
        raise EngineError(f"{name} must have shape {expected}, got {array.shape}")


def check_params(
    params: Any,
    shapes: Mapping[str, tuple[int, ...]],
    dtype: np.dtype,
    *,
    quote: bool = False,
    floats_only: bool = False,
) -> dict[str, np.ndarray]:
    """The one check of a set of weights: cells, models and model files all use it.

    Parameters
    ----------
    params : mapping of str to array-like
        The proposed parameters.
    shapes : mapping of str to tuple of int
        Exactly the names expected, each with its shape.
    dtype : numpy.dtype
        The dtype of the returned copies.
    quote : bool
        Name parameters as ``'readout.bias'`` (dotted names) rather than ``bias_ih``.
    floats_only : bool
        Refuse integer arrays too (a model file stores floats).

    Returns
    -------
    dict of str to numpy.ndarray
        New arrays of ``dtype``, in the order of ``shapes``.

    Raises
    ------
    EngineError
        Not a mapping, missing or unknown names, a wrong shape, non-numbers, NaN or infinity.
    """
    if not isinstance(params, Mapping):
        raise EngineError(f"params must be a mapping of arrays, got {type(params).__name__}")
    missing = [name for name in shapes if name not in params]
    unknown = sorted(set(params) - set(shapes))
    if missing or unknown:
        raise EngineError(f"parameters: missing {missing}, unknown {unknown}")
    checked = {}
    for name, shape in shapes.items():
        label = repr(name) if quote else name
        array = as_float_array(params[name], label, dtype)
        if floats_only and np.asarray(params[name]).dtype.kind != "f":
            raise EngineError(f"{label} must hold floats, got {np.asarray(params[name]).dtype}")
        check_shape(array, shape, label)
        with np.errstate(over="ignore"):  # huge but finite weights are valid
            check_finite(array, label)
        checked[name] = np.array(array, dtype=dtype, copy=True)
    return checked
