"""Save and load models as ``.npz`` files: PyTorch names, plain arrays, no pickle.

A model file holds one array per parameter under its PyTorch ``state_dict`` name
(``rnn.weight_ih_l0``, ``rnn.weight_hh_l0``, ``rnn.bias_ih_l0``, ``rnn.bias_hh_l0``,
``readout.weight``, ``readout.bias`` and ``embedding.weight`` when there is one), plus
``rnn_studio.format_version`` (an int) and ``rnn_studio.meta`` (a JSON string: cell kind,
sizes, nonlinearity, task, inputs, loss position, dtype, vocabulary, labels, scaler). It is
read with ``numpy.load(allow_pickle=False)`` and validated key by key, so a corrupt,
truncated or mismatched file is refused with a message that names the problem.

Loading the parameters into PyTorch
-----------------------------------
:func:`export_torch_state_dict` (or :func:`save_torch_state_dict` to a file) gives exactly
the arrays of a module ``net`` with attributes ``rnn = nn.LSTM(I, H)`` (or ``nn.RNN`` /
``nn.GRU``; one layer, ``batch_first=False``), ``readout = nn.Linear(H, O)`` and, for an
embedding model, ``embedding = nn.Embedding(V, E)``; then one line loads them::

    net.load_state_dict({k: torch.from_numpy(v) for k, v in np.load("m_torch.npz").items()})

A model file itself (``rnn-studio train --out``, Train → Save) loads the same way once its two
``rnn_studio.*`` entries (the format number and the JSON description, a text array that
``torch.from_numpy`` refuses) are left out::

    net.load_state_dict({k: torch.from_numpy(v) for k, v in np.load("model.npz").items()
                         if not k.startswith("rnn_studio.")})

(For one-hot models feed ``torch.nn.functional.one_hot(ids, V).double()`` to ``net.rnn``.)
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from rnn_studio.atomic_files import atomic_write_bytes
from rnn_studio.engine.encoding import Scaler, Vocabulary
from rnn_studio.engine.errors import EngineError, check_params
from rnn_studio.engine.model import Model
from rnn_studio.engine.npz import read_npz
from rnn_studio.safe_read import BadJSONError, loads_json, read_file_bytes

#: The line that loads a model file into a PyTorch module ``net`` (see the module docstring).
TORCH_LOAD_LINE = (
    "net.load_state_dict({{k: torch.from_numpy(v) for k, v in np.load({path!r}).items() "
    'if not k.startswith("rnn_studio.")}})'
)
FORMAT_VERSION = 1
FORMAT_NAME = "rnn-studio-model"
VERSION_KEY = "rnn_studio.format_version"
META_KEY = "rnn_studio.meta"
#: Largest model file read (a hidden-1024 LSTM with a 10,000-token readout is ~80 MB).
MAX_MODEL_BYTES = 256 * 1024 * 1024
#: Row blocks of each cell kind's weights (gates stacked).
GATE_BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


def model_metadata(model: Model) -> dict[str, Any]:
    """Everything except the weights that is needed to rebuild ``model`` (JSON-able)."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "kind": model.kind,
        "input_size": model.input_size,
        "hidden_size": model.hidden_size,
        "output_size": model.output_size,
        "embedding_size": model.embedding_size,
        "nonlinearity": model.nonlinearity,
        "task": model.task,
        "inputs": model.inputs,
        "loss_on": model.loss_on,
        "dtype": model.dtype.name,
        "vocabulary": None if model.vocabulary is None else model.vocabulary.to_dict(),
        "labels": None if model.labels is None else list(model.labels),
        "scaler": None if model.scaler is None else model.scaler.to_dict(),
    }


def model_to_bytes(
    model: Model, *, task_info: dict[str, Any] | None = None, dtype: Any = None
) -> bytes:
    """The ``.npz`` file contents for ``model`` (see the module docstring).

    ``task_info`` (JSON-able) is stored in the description under ``"task_info"``: what the
    model was trained on and how it scored (the bundled models use it); readers that do not
    know it ignore it, and :func:`task_info_from_bytes` returns it. ``dtype`` (float32 or
    float64) stores the weights rounded to that precision, and the file then reads back as a
    model of that dtype; None keeps the model's own.
    """
    arrays: dict[str, np.ndarray] = dict(model.params)
    meta = model_metadata(model)
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype.name not in ("float32", "float64"):
            raise EngineError(f"A model file stores float32 or float64, not {dtype.name}.")
        arrays = {key: value.astype(dtype) for key, value in arrays.items()}
        meta["dtype"] = dtype.name
    if task_info is not None:
        meta["task_info"] = task_info
    arrays[VERSION_KEY] = np.array(FORMAT_VERSION, dtype=np.int64)
    arrays[META_KEY] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    return npz_bytes(arrays)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An ``.npz`` archive of ``arrays`` (as ``numpy.savez`` writes it, readable by
    ``numpy.load``) whose bytes depend only on the arrays: every member carries the same
    fixed date, so the same model always gives the same file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for key, value in arrays.items():
            member = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            with archive.open(member, "w", force_zip64=True) as file:
                np.lib.format.write_array(file, np.asanyarray(value), allow_pickle=False)
    return buffer.getvalue()


def save_model(path: str | os.PathLike[str], model: Model) -> Path:
    """Write ``model`` to ``path`` atomically (readers see the old file or the new one).

    Returns
    -------
    pathlib.Path
        The path written (``.npz`` is not added: the name is used as given).
    """
    target = Path(path)
    atomic_write_bytes(target, model_to_bytes(model))
    return target


def load_model(path: str | os.PathLike[str]) -> Model:
    """Read a model saved by :func:`save_model`.

    Raises
    ------
    EngineError
        The file is missing, not an ``.npz`` archive, truncated, from an unknown format
        version, or lacks a key or has a wrong shape; the message names the file and what
        is wrong.
    """
    source = Path(path)
    try:
        data = read_file_bytes(source, MAX_MODEL_BYTES)
    except OSError as error:
        raise EngineError(f"Cannot read model file {source}: {error.strerror or error}") from None
    return model_from_bytes(data, name=str(source))


def model_from_bytes(data: bytes, *, name: str = "model file") -> Model:
    """Rebuild a model from :func:`model_to_bytes` output (``name`` is used in messages)."""
    arrays = read_model_arrays(data, name)
    meta = read_description(arrays, name)
    try:
        # The sizes the description claims, checked against the arrays *before* a model
        # is built at those sizes (``hidden_size: 100000`` would allocate it first).
        expected = _claimed_shapes(meta)
    except EngineError as error:
        raise EngineError(f"{name}: the description does not make a valid model: {error}") from None
    unexpected = sorted(set(arrays) - set(expected) - {VERSION_KEY, META_KEY})
    if unexpected:
        raise EngineError(f"{name} has unexpected arrays {unexpected}; is it a model file?")
    stored = {key: value for key, value in arrays.items() if key in expected}
    dtype = np.dtype(meta["dtype"] if meta.get("dtype") in ("float32", "float64") else "float64")
    try:
        # The one parameter check (names, shapes the stored sizes need, floats, finite).
        params = check_params(stored, expected, dtype, quote=True, floats_only=True)
    except EngineError as error:
        raise EngineError(f"{name}: {error}") from None
    try:
        model = _model_from_meta(meta)
        if model.param_shapes != expected:
            raise EngineError(f"the parameters it needs are {model.param_shapes}")
    except EngineError as error:
        raise EngineError(f"{name}: the description does not make a valid model: {error}") from None
    model.set_params(params)
    return model


def task_info_from_bytes(data: bytes, *, name: str = "model file") -> dict[str, Any] | None:
    """The ``task_info`` stored by :func:`model_to_bytes` (None when there is none).

    Raises
    ------
    EngineError
        The file is not a readable model file, or its ``task_info`` is not a JSON object.
    """
    info = read_description(read_model_arrays(data, name), name).get("task_info")
    if info is not None and not isinstance(info, dict):
        raise EngineError(f"{name}: 'task_info' must be a JSON object.")
    return info


def read_model_arrays(data: bytes, name: str, max_members: int = 64) -> dict[str, np.ndarray]:
    """The arrays of a model (or stack) file, read within :data:`MAX_MODEL_BYTES`."""
    if not data.startswith(b"PK"):
        raise EngineError(f"{name} is not an .npz model file (it is not a zip archive).")
    return read_npz(data, name, max_bytes=MAX_MODEL_BYTES, max_members=max_members)


def read_description(
    arrays: dict[str, np.ndarray], name: str, format_name: str = FORMAT_NAME
) -> dict[str, Any]:
    """The checked JSON description of a file: its format version and ``format`` name."""
    if VERSION_KEY not in arrays:
        raise EngineError(
            f"{name} is an .npz file but not an RNN Studio model (no {VERSION_KEY!r})."
        )
    version = arrays[VERSION_KEY]
    if version.shape != () or not np.issubdtype(version.dtype, np.integer):
        raise EngineError(f"{name}: {VERSION_KEY!r} must be a single integer.")
    if int(version) != FORMAT_VERSION:
        raise EngineError(
            f"{name} has format version {int(version)}; this RNN Studio reads version "
            f"{FORMAT_VERSION}. Update the app or re-save the model."
        )
    if META_KEY not in arrays:
        raise EngineError(f"{name} is missing its description {META_KEY!r}.")
    raw = arrays[META_KEY]
    if raw.shape != () or raw.dtype.kind != "U":
        raise EngineError(f"{name}: {META_KEY!r} must be a single string.")
    try:
        meta = loads_json(str(raw), "the description")
    except BadJSONError as error:
        raise EngineError(f"{name}: {error}.") from None
    if not isinstance(meta, dict) or meta.get("format") != format_name:
        what = "model" if format_name == FORMAT_NAME else "stack"
        raise EngineError(f"{name}: the description is not an RNN Studio {what} description.")
    return meta


_REQUIRED = {
    "kind": str,
    "input_size": int,
    "hidden_size": int,
    "output_size": int,
    "nonlinearity": str,
    "task": str,
    "inputs": str,
    "loss_on": str,
    "dtype": str,
}


def _claimed_shapes(meta: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """The parameter shapes the description's sizes need, without building anything."""
    sizes = {}
    for key in ("input_size", "hidden_size", "output_size", "embedding_size"):
        value = meta.get(key)
        if value is None and key == "embedding_size":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise EngineError(f"field {key!r} must be int above 0, not {value!r}")
        sizes[key] = value
    kind = meta.get("kind")
    blocks = GATE_BLOCKS.get(kind) if isinstance(kind, str) else None  # a list is unhashable
    if blocks is None:
        choices = ", ".join(GATE_BLOCKS)
        raise EngineError(f"field 'kind' must be one of {choices}, not {meta.get('kind')!r}")
    hidden, output = sizes["hidden_size"], sizes["output_size"]
    rows, cell_input = blocks * hidden, sizes.get("embedding_size", sizes["input_size"])
    shapes: dict[str, tuple[int, ...]] = {}
    if "embedding_size" in sizes:
        shapes["embedding.weight"] = (sizes["input_size"], sizes["embedding_size"])
    shapes.update(
        {
            "rnn.weight_ih_l0": (rows, cell_input),
            "rnn.weight_hh_l0": (rows, hidden),
            "rnn.bias_ih_l0": (rows,),
            "rnn.bias_hh_l0": (rows,),
            "readout.weight": (output, hidden),
            "readout.bias": (output,),
        }
    )
    return shapes


def _model_from_meta(meta: dict[str, Any]) -> Model:
    for key, kind in _REQUIRED.items():
        if key not in meta:
            raise EngineError(f"missing field {key!r}")
        if not isinstance(meta[key], kind) or isinstance(meta[key], bool):
            raise EngineError(f"field {key!r} must be {kind.__name__}, not {meta[key]!r}")
    vocabulary = None
    if meta.get("vocabulary") is not None:
        vocabulary = Vocabulary.from_dict(meta["vocabulary"])
    scaler = None if meta.get("scaler") is None else Scaler.from_dict(meta["scaler"])
    labels = meta.get("labels")
    if labels is not None and not (
        isinstance(labels, list) and all(isinstance(x, str) for x in labels)
    ):
        raise EngineError("field 'labels' must be a list of strings")
    if meta["dtype"] not in ("float64", "float32"):
        raise EngineError(f"field 'dtype' must be float64 or float32, not {meta['dtype']!r}")
    return Model(
        meta["kind"],
        input_size=meta["input_size"],
        hidden_size=meta["hidden_size"],
        output_size=meta["output_size"],
        task=meta["task"],
        inputs=meta["inputs"],
        embedding_size=meta.get("embedding_size"),
        loss_on=meta["loss_on"],
        nonlinearity=meta["nonlinearity"],
        vocabulary=vocabulary,
        labels=labels,
        scaler=scaler,
        seed=0,
        dtype=np.dtype(meta["dtype"]),
    )


def export_torch_state_dict(model: Model) -> dict[str, np.ndarray]:
    """The model's parameters under PyTorch ``state_dict`` names (copies).

    See the module docstring for the module layout and the one line that loads them.
    """
    return model.params


def save_torch_state_dict(path: str | os.PathLike[str], model: Model) -> Path:
    """Write only the PyTorch-named parameters to an ``.npz`` (no metadata), atomically."""
    target = Path(path)
    atomic_write_bytes(target, npz_bytes(export_torch_state_dict(model)))
    return target
