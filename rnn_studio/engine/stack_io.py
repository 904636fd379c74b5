"""Save and load a stack of cells as ``.npz``: PyTorch's parameter names, no pickle.

A stack file holds one array per parameter under the name a ``torch.nn.RNN/LSTM/GRU(I, H,
num_layers=L, bidirectional=...)`` module gives it (``weight_ih_l0``, ``weight_hh_l1_reverse``,
``bias_ih_l1``, ...), plus ``rnn_studio.format_version`` (an int) and ``rnn_studio.meta`` (a
JSON string: format ``"rnn-studio-stack"``, kind, sizes, num_layers, bidirectional,
nonlinearity, dtype). It is read through :func:`rnn_studio.engine.npz.read_npz` (sizes
checked before anything is allocated) and validated name by name and shape by shape against
what the description claims, before a stack of that size is built.

Into PyTorch, leaving out the two ``rnn_studio.*`` entries::

    module.load_state_dict({k: torch.from_numpy(v) for k, v in np.load("stack.npz").items()
                            if not k.startswith("rnn_studio.")})
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from rnn_studio.atomic_files import atomic_write_bytes
from rnn_studio.engine.errors import EngineError, check_params
from rnn_studio.engine.io import (
    FORMAT_VERSION,
    GATE_BLOCKS,
    MAX_MODEL_BYTES,
    META_KEY,
    VERSION_KEY,
    npz_bytes,
    read_description,
    read_model_arrays,
)
from rnn_studio.engine.stack import MAX_LAYERS, CellStack, make_stack, torch_name
from rnn_studio.safe_read import read_file_bytes

__all__ = ["STACK_FORMAT_NAME", "load_stack", "save_stack", "stack_from_bytes", "stack_to_bytes"]

STACK_FORMAT_NAME = "rnn-studio-stack"
#: Most arrays a stack file holds: four per layer and direction, plus the two descriptions.
MAX_STACK_MEMBERS = 4 * 2 * MAX_LAYERS + 2


def stack_to_bytes(stack: CellStack) -> bytes:
    """The ``.npz`` file contents for ``stack`` (same stack, same bytes)."""
    if not isinstance(stack, CellStack):
        raise EngineError(f"a stack file holds a CellStack, not a {type(stack).__name__}")
    arrays = stack.state_dict()
    meta = {
        "format": STACK_FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "kind": stack.kind,
        "input_size": stack.input_size,
        "hidden_size": stack.hidden_size,
        "num_layers": stack.num_layers,
        "bidirectional": stack.bidirectional,
        "nonlinearity": stack.nonlinearity,
        "dtype": stack.dtype.name,
    }
    arrays[VERSION_KEY] = np.array(FORMAT_VERSION, dtype=np.int64)
    arrays[META_KEY] = np.array(json.dumps(meta, sort_keys=True))
    return npz_bytes(arrays)


def save_stack(path: str | os.PathLike[str], stack: CellStack) -> Path:
    """Write ``stack`` to ``path`` atomically; returns the path (used as given)."""
    target = Path(path)
    atomic_write_bytes(target, stack_to_bytes(stack))
    return target


def load_stack(path: str | os.PathLike[str]) -> CellStack:
    """Read a stack saved by :func:`save_stack`.

    Raises
    ------
    EngineError
        Missing or unreadable file, not an ``.npz``, truncated, another format or version,
        a description that does not make a stack, a missing, unknown or mis-shaped array,
        NaN or infinity; the message names the file and the problem.
    """
    source = Path(path)
    try:
        data = read_file_bytes(source, MAX_MODEL_BYTES)
    except OSError as error:
        raise EngineError(f"Cannot read stack file {source}: {error.strerror or error}") from None
    return stack_from_bytes(data, name=str(source))


def stack_from_bytes(data: bytes, *, name: str = "stack file") -> CellStack:
    """Rebuild a stack from :func:`stack_to_bytes` output (``name`` is used in messages)."""
    arrays = read_model_arrays(data, name, max_members=MAX_STACK_MEMBERS)
    meta = read_description(arrays, name, STACK_FORMAT_NAME)
    try:
        fields = _check_fields(meta)
    except EngineError as error:
        raise EngineError(f"{name}: the description does not make a valid stack: {error}") from None
    expected = _claimed_shapes(**fields)
    stored = {key: value for key, value in arrays.items() if key not in (VERSION_KEY, META_KEY)}
    dtype = np.dtype(fields["dtype"])
    try:
        params = check_params(stored, expected, dtype, quote=True, floats_only=True)
        stack = make_stack(
            fields["kind"],
            fields["input_size"],
            fields["hidden_size"],
            fields["num_layers"],
            fields["bidirectional"],
            seed=0,
            nonlinearity=fields["nonlinearity"],
            dtype=dtype,
        )
    except EngineError as error:
        raise EngineError(f"{name}: {error}") from None
    stack.set_params(params)
    return stack


def _check_fields(meta: dict[str, Any]) -> dict[str, Any]:
    """The description's fields, each of the right type and range."""
    fields: dict[str, Any] = {}
    for key in ("input_size", "hidden_size", "num_layers"):
        value = meta.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise EngineError(f"field {key!r} must be an int above 0, not {value!r}")
        fields[key] = value
    if fields["num_layers"] > MAX_LAYERS:
        raise EngineError(f"field 'num_layers' must be at most {MAX_LAYERS}")
    if not isinstance(meta.get("kind"), str) or meta["kind"] not in GATE_BLOCKS:
        choices = ", ".join(GATE_BLOCKS)
        raise EngineError(f"field 'kind' must be one of {choices}, not {meta.get('kind')!r}")
    if not isinstance(meta.get("bidirectional"), bool):
        raise EngineError(
            f"field 'bidirectional' must be true or false, not {meta.get('bidirectional')!r}"
        )
    if meta.get("nonlinearity") not in ("tanh", "relu"):
        raise EngineError(
            f"field 'nonlinearity' must be tanh or relu, not {meta.get('nonlinearity')!r}"
        )
    if meta.get("dtype") not in ("float64", "float32"):
        raise EngineError(f"field 'dtype' must be float64 or float32, not {meta.get('dtype')!r}")
    for key in ("kind", "bidirectional", "nonlinearity", "dtype"):
        fields[key] = meta[key]
    return fields


def _claimed_shapes(
    *,
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    bidirectional: bool,
    **_: Any,
) -> dict[str, tuple[int, ...]]:
    """Every parameter's name and shape the description claims, without building anything."""
    rows, directions = GATE_BLOCKS[kind] * hidden_size, 2 if bidirectional else 1
    shapes: dict[str, tuple[int, ...]] = {}
    for layer in range(num_layers):
        inputs = input_size if layer == 0 else directions * hidden_size
        for direction in range(directions):
            for param, shape in (
                ("weight_ih", (rows, inputs)),
                ("weight_hh", (rows, hidden_size)),
                ("bias_ih", (rows,)),
                ("bias_hh", (rows,)),
            ):
                shapes[torch_name(param, layer, direction)] = shape
    return shapes
