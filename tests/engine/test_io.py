"""Saving and loading models: identical outputs after a round trip, PyTorch names, and one
clear error for every kind of broken file."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from rnn_studio.engine.encoding import Scaler, Vocabulary
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.io import (
    FORMAT_VERSION,
    META_KEY,
    VERSION_KEY,
    export_torch_state_dict,
    load_model,
    model_to_bytes,
    save_model,
    save_torch_state_dict,
)
from rnn_studio.engine.model import Model
from rnn_studio.engine.stack import make_stack
from rnn_studio.engine.stack_io import load_stack, save_stack, stack_from_bytes, stack_to_bytes


@pytest.fixture(autouse=True)
def user_home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path / "home"))


def text_model(kind="lstm", **options):
    vocabulary = Vocabulary.from_text("not bad at all", "chars")
    return Model(
        kind, input_size=len(vocabulary), hidden_size=6, vocabulary=vocabulary, seed=5, **options
    )


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_round_trip_gives_identical_outputs_and_metadata(tmp_path, kind):
    model = text_model(kind, embedding_size=4)
    path = save_model(tmp_path / "model.npz", model)
    loaded = load_model(path)
    ids = np.array([[0, 3], [2, 1], [5, 5]])
    np.testing.assert_array_equal(model.forward(ids)[1], loaded.forward(ids)[1])
    assert loaded.vocabulary == model.vocabulary
    assert (loaded.kind, loaded.hidden_size, loaded.embedding_size) == (kind, 6, 4)
    assert loaded.task == "classify" and loaded.loss_on == "every"


def test_round_trip_keeps_labels_scaler_nonlinearity_and_dtype(tmp_path):
    classifier = Model(
        "rnn",
        input_size=3,
        hidden_size=2,
        output_size=2,
        loss_on="last",
        labels=["negative", "positive"],
        nonlinearity="relu",
        seed=1,
    )
    loaded = load_model(save_model(tmp_path / "c.npz", classifier))
    assert loaded.labels == ("negative", "positive")
    assert loaded.nonlinearity == "relu" and loaded.loss_on == "last"
    regressor = Model(
        "gru",
        input_size=1,
        hidden_size=3,
        task="regress",
        scaler=Scaler(2.0, 0.5),
        dtype=np.float32,
        seed=2,
    )
    again = load_model(save_model(tmp_path / "r.npz", regressor))
    assert again.scaler == Scaler(2.0, 0.5) and again.dtype == np.float32
    xs = np.linspace(-1, 1, 5)
    np.testing.assert_array_equal(regressor.forward(xs)[1], again.forward(xs)[1])


def test_file_uses_pytorch_names_and_plain_arrays(tmp_path):
    path = save_model(tmp_path / "m.npz", text_model("gru"))
    with np.load(path, allow_pickle=False) as archive:
        names = set(archive.files)
        meta = json.loads(str(archive[META_KEY]))
        version = int(archive[VERSION_KEY])
    assert names == {
        "rnn.weight_ih_l0",
        "rnn.weight_hh_l0",
        "rnn.bias_ih_l0",
        "rnn.bias_hh_l0",
        "readout.weight",
        "readout.bias",
        VERSION_KEY,
        META_KEY,
    }
    assert version == FORMAT_VERSION
    assert meta["kind"] == "gru" and meta["hidden_size"] == 6
    assert meta["vocabulary"]["tokens"][0] == " "


def test_torch_export_has_only_state_dict_arrays(tmp_path):
    model = text_model("lstm")
    state = export_torch_state_dict(model)
    assert set(state) == set(model.params)
    path = save_torch_state_dict(tmp_path / "torch.npz", model)
    with np.load(path, allow_pickle=False) as archive:
        assert set(archive.files) == set(state)
        np.testing.assert_array_equal(archive["rnn.weight_hh_l0"], state["rnn.weight_hh_l0"])


def test_saving_is_atomic_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "sub" / "m.npz"
    save_model(target, text_model())
    save_model(target, text_model("gru"))
    assert [p.name for p in target.parent.iterdir()] == ["m.npz"]
    assert load_model(target).kind == "gru"


def rewrite(data: bytes, change) -> bytes:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    change(arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def set_meta(field, value):
    def change(arrays):
        meta = json.loads(str(arrays[META_KEY]))
        meta[field] = value
        arrays[META_KEY] = np.array(json.dumps(meta))

    return change


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (lambda data: b"hello, not a zip", "is not an .npz model file"),
        (lambda data: data[: len(data) // 2], "truncated or corrupt"),
        (
            lambda data: rewrite(data, lambda a: a.pop("readout.bias")),
            r"missing \['readout.bias'\]",
        ),
        (
            lambda data: rewrite(data, lambda a: a.__setitem__("readout.weight", np.zeros((2, 2)))),
            r"'readout.weight' must have shape \(.*\), got \(2, 2\)",
        ),
        (
            lambda data: rewrite(data, lambda a: a.__setitem__(VERSION_KEY, np.array(99))),
            "format version 99",
        ),
        (lambda data: rewrite(data, lambda a: a.pop(VERSION_KEY)), "not an RNN Studio model"),
        (lambda data: rewrite(data, lambda a: a.pop(META_KEY)), "missing its description"),
        (
            lambda data: rewrite(data, lambda a: a.__setitem__(META_KEY, np.array("{oops"))),
            "not valid JSON",
        ),
        (lambda data: rewrite(data, set_meta("kind", "transformer")), "transformer"),
        (lambda data: rewrite(data, set_meta("kind", ["rnn"])), "'kind' must be one of"),
        (lambda data: rewrite(data, set_meta("hidden_size", "six")), "'hidden_size' must be int"),
        (
            lambda data: rewrite(
                data,
                lambda a: a.__setitem__("readout.bias", np.full(a["readout.bias"].shape, np.nan)),
            ),
            "NaN or infinity",
        ),
        (
            lambda data: rewrite(data, lambda a: a.__setitem__("extra", np.zeros(1))),
            r"unexpected arrays \['extra'\]",
        ),
    ],
)
def test_broken_files_raise_one_clear_error(tmp_path, corrupt, message):
    data = model_to_bytes(text_model("rnn"))
    path = tmp_path / "broken.npz"
    path.write_bytes(corrupt(data))
    with pytest.raises(EngineError, match=message):
        load_model(path)


def test_pickled_object_arrays_are_refused(tmp_path):
    data = model_to_bytes(text_model("rnn"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            payload = source.read(item)
            if item.filename == "readout.bias.npy":
                inner = io.BytesIO()
                np.save(inner, np.array([object(), 1], dtype=object), allow_pickle=True)
                payload = inner.getvalue()
            target.writestr(item, payload)
    path = tmp_path / "pickle.npz"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(EngineError, match="cannot be read safely"):
        load_model(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(EngineError, match=r"Cannot read model file .*nothing\.npz"):
        load_model(tmp_path / "nothing.npz")


# --- stack files (save_stack / load_stack) ---------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "layers", "bidirectional"), [("lstm", 2, True), ("gru", 3, False), ("rnn", 1, True)]
)
def test_stack_round_trip_is_exact_and_names_are_torch_s(
    tmp_path: Path, kind: str, layers: int, bidirectional: bool
) -> None:
    stack = make_stack(kind, 3, 4, layers, bidirectional, seed=2, nonlinearity="tanh")
    path = save_stack(tmp_path / "stack.npz", stack)
    with np.load(path, allow_pickle=False) as data:
        names = [key for key in data.files if not key.startswith("rnn_studio.")]
        assert names == list(stack.state_dict())  # what torch's load_state_dict expects
        meta = json.loads(str(data[META_KEY]))
    assert meta["num_layers"] == layers and meta["bidirectional"] is bidirectional
    loaded = load_stack(path)
    assert (loaded.kind, loaded.num_layers, loaded.bidirectional) == (kind, layers, bidirectional)
    for name, value in stack.state_dict().items():
        np.testing.assert_array_equal(loaded.params[name], value)
    assert stack_to_bytes(stack) == path.read_bytes()  # same stack, same bytes


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.pop("weight_hh_l1_reverse"), r"missing \['weight_hh_l1_reverse'\]"),
        (lambda a: a.update(weight_ih_l1=np.zeros((16, 3))), "'weight_ih_l1'.*shape"),
        (lambda a: a.update(bias_hh_l0=np.full(16, np.nan)), "bias_hh_l0"),
        (lambda a: a.update(extra=np.zeros(2)), r"unknown \['extra'\]"),
        (set_meta("num_layers", 0), "num_layers"),
        (set_meta("num_layers", 99), "at most 8"),
        (set_meta("bidirectional", "yes"), "bidirectional"),
        (set_meta("kind", "transformer"), "kind"),
        (set_meta("kind", ["lstm"]), "kind"),
        (set_meta("dtype", {"a": 1}), "dtype"),
        (set_meta("hidden_size", 10**9), "'weight_ih_l0'.*shape"),  # refused before building
        (set_meta("format", "rnn-studio-model"), "not an RNN Studio stack description"),
        (lambda a: a.update({VERSION_KEY: np.array(99)}), "format version 99"),
    ],
)
def test_bad_stack_files_are_refused_with_a_message(change, message: str) -> None:
    good = stack_to_bytes(make_stack("lstm", 3, 4, 2, True, seed=0))
    with pytest.raises(EngineError, match=message):
        stack_from_bytes(rewrite(good, change), name="s.npz")


def test_stack_and_model_files_are_not_taken_for_each_other(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="not a zip"):
        stack_from_bytes(b"hello", name="s.npz")
    good = stack_to_bytes(make_stack("gru", 2, 3, 2, True, seed=0))
    with pytest.raises(EngineError, match="truncated or corrupt"):
        stack_from_bytes(good[: len(good) // 2], name="s.npz")
    with pytest.raises(EngineError, match="Cannot read stack file"):
        load_stack(tmp_path / "missing.npz")
    model_path = save_model(tmp_path / "m.npz", Model("rnn", input_size=3, hidden_size=4, seed=0))
    with pytest.raises(EngineError, match="not an RNN Studio stack description"):
        load_stack(model_path)
    stack_path = save_stack(tmp_path / "s.npz", make_stack("rnn", 3, 4, 2, False, seed=0))
    with pytest.raises(EngineError, match="not an RNN Studio model description"):
        load_model(stack_path)
