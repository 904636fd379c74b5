"""Session files: round trip (with trained weights), corrupt files refused, autosave, recents."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.state.session import StudioSession
from rnn_studio.state.session_file import (
    RecentFiles,
    SessionFileError,
    apply_session,
    autosave_path,
    capture_session,
    read_autosave,
    read_session,
    save_session,
    session_from_bytes,
    session_to_bytes,
    write_autosave,
)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path / "home"))


def _session() -> StudioSession:
    session = StudioSession()
    session.set_sequence("hello world", "chars")
    session.set_cell_kind("compare")
    session.set_hidden_size(6)
    session.set_seed(7)
    session.set_cursor(5)
    session.set_view_cell("gru")
    return session


def test_session_round_trips_exactly(tmp_path):
    original = _session()
    path = save_session(
        tmp_path / "class.rnnsession",
        capture_session(original, ("memory", "stepper"), {"theme": "dark", "font_scale": 1.5}),
    )
    document = read_session(path)
    assert dict(document.settings) == {"theme": "dark", "font_scale": 1.5}
    assert document.panels == ("memory", "stepper")

    restored = StudioSession()
    apply_session(restored, document)
    assert restored.to_setup() == original.to_setup()
    assert restored.view_cell == "gru"
    for kind in ("rnn", "lstm", "gru"):
        np.testing.assert_array_equal(
            restored.run.cells[kind].trace.hidden, original.run.cells[kind].trace.hidden
        )


def test_trained_weights_survive_the_round_trip():
    session = StudioSession()
    session.set_sequence("abcab", "chars")
    session.set_cell_kind("lstm")
    session.set_hidden_size(4)
    session.set_seed(3)
    trained = engine.make_cell("lstm", 3, 4, seed=999)  # stands in for a trained cell
    session.register_cell(trained, 3)
    session.apply_demo(session.to_setup())
    np.testing.assert_array_equal(
        session.run.primary.cell.params["weight_hh"], trained.params["weight_hh"]
    )
    data = session_to_bytes(capture_session(session))

    restored = StudioSession()
    apply_session(restored, session_from_bytes(data))
    np.testing.assert_array_equal(
        restored.run.primary.trace.hidden, session.run.primary.trace.hidden
    )
    fresh = engine.make_cell("lstm", 3, 4, seed=3)
    assert not np.array_equal(
        restored.run.primary.cell.params["weight_hh"], fresh.params["weight_hh"]
    )


def _rewrite(data: bytes, manifest=None, weights=None) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        members = {name: bundle.read(name) for name in bundle.namelist()}
    if manifest is not None:
        members["manifest.json"] = manifest(json.loads(members["manifest.json"]))
    if weights is not None:
        members["weights.npz"] = weights(members["weights.npz"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for name, content in members.items():
            bundle.writestr(name, content if isinstance(content, bytes) else json.dumps(content))
    return out.getvalue()


def _wrong_shape(raw: bytes) -> bytes:
    with np.load(io.BytesIO(raw)) as arrays:
        values = {key: arrays[key] for key in arrays.files}
    values["rnn.weight_hh"] = values["rnn.weight_hh"][:, :2]
    out = io.BytesIO()
    np.savez(out, **values)
    return out.getvalue()


def _set(key, value):
    def change(manifest):
        manifest[key] = value
        return manifest

    return change


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"manifest": _set("format", "zip")}, "format"),
        ({"manifest": _set("version", 3)}, "version"),
        ({"manifest": _set("setup", {"text": ""})}, "setup"),
        ({"manifest": _set("view_cell", "transformer")}, "view_cell"),
        ({"manifest": _set("settings", {"theme": [1, 2]})}, "settings.theme"),
        ({"weights": _wrong_shape}, "rnn.weight_hh must have shape"),
        ({"weights": lambda raw: raw[: len(raw) // 2]}, "weights.npz"),
    ],
)
def test_corrupt_files_are_refused_and_the_current_work_is_intact(tmp_path, kwargs, message):
    data = session_to_bytes(capture_session(_session()))
    path = tmp_path / "bad.rnnsession"
    path.write_bytes(_rewrite(data, **kwargs))
    current = StudioSession()
    current.set_sequence("my own work", "words")
    before = current.to_setup()
    with pytest.raises(SessionFileError, match=message):
        apply_session(current, read_session(path))
    assert current.to_setup() == before


def test_weights_that_do_not_fit_the_setup_are_refused():
    data = session_to_bytes(capture_session(_session()))
    bad = _rewrite(data, manifest=lambda m: {**m, "setup": {**m["setup"], "spectral_radius": 2.0}})
    with pytest.raises(SessionFileError, match="do not fit"):
        session_from_bytes(bad, "x.rnnsession")


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_not_a_session_file(tmp_path, content):
    path = tmp_path / "junk.rnnsession"
    path.write_bytes(content)
    with pytest.raises(SessionFileError, match=r"junk\.rnnsession"):
        read_session(path)


def test_pickled_arrays_are_refused():
    data = session_to_bytes(capture_session(_session()))

    def pickled(raw: bytes) -> bytes:
        out = io.BytesIO()
        np.savez(out, **{"rnn.weight_hh": np.array([object()], dtype=object)})
        return out.getvalue()

    with pytest.raises(SessionFileError, match=r"weights\.npz"):
        session_from_bytes(_rewrite(data, weights=pickled))


def test_autosave_restores_and_a_bad_one_is_moved_aside():
    assert read_autosave() == (None, "")
    write_autosave(capture_session(_session()))
    document, problem = read_autosave()
    assert problem == "" and document.setup.text == "hello world"
    autosave_path().write_bytes(b"garbage")
    document, problem = read_autosave()
    assert document is None and "autosave.rnnsession" in problem
    assert not autosave_path().exists()
    assert list(autosave_path().parent.glob("autosave.rnnsession.corrupt-*"))


def test_recent_files_newest_first_unique_and_limited(tmp_path):
    recent = RecentFiles(limit=3)
    paths = [tmp_path / f"s{i}.rnnsession" for i in range(5)]
    for path in paths:
        path.write_bytes(b"x")
        recent.add(path)
    recent.add(paths[2])
    assert [p.name for p in RecentFiles(limit=3).paths()] == [
        "s2.rnnsession",
        "s4.rnnsession",
        "s3.rnnsession",
    ]
    paths[4].unlink()
    assert [p.name for p in RecentFiles().paths()] == ["s2.rnnsession", "s3.rnnsession"]


# --------------------------------------------------------------- trained models (version 2)
def _trained_session(seed: int = 2) -> tuple[StudioSession, object]:
    from rnn_studio.state.open_trained import open_in_studio, studio_example
    from rnn_studio.state.train_area import TrainingJob, TrainingSetup

    text = "the cat sat on the mat and the dog sat on the log. " * 4
    job = TrainingJob(TrainingSetup.recipe("text", cell="gru", steps=6, hidden_size=5, text=text))
    assert job.run() == "finished"
    session = StudioSession()
    example, mode = studio_example(job.task)
    open_in_studio(session, job.models, example[:30], mode, seed=seed)
    session.set_cursor(7)
    return session, job.models["gru"]


def test_a_trained_model_and_its_readout_survive_the_round_trip():
    session, model = _trained_session()
    data = session_to_bytes(capture_session(session))
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        assert "trained/gru.npz" in bundle.namelist()
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["version"] == 2 and manifest["trained"] == {"seed": 2, "models": ["gru"]}

    restored = StudioSession()
    apply_session(restored, session_from_bytes(data))
    assert restored.shows_trained and restored.trained_seed == 2
    assert restored.cursor == 7 and restored.to_setup() == session.to_setup()
    np.testing.assert_array_equal(
        restored.shown.outputs.probabilities, session.shown.outputs.probabilities
    )
    for name, value in model.params.items():
        np.testing.assert_array_equal(restored.trained_models["gru"].params[name], value)
    # The model itself came back, not just the cells: it reads a new text of known tokens.
    restored.set_text("the dog sat")
    ids = model.vocabulary.encode(list("the dog sat"))
    np.testing.assert_allclose(
        restored.shown.outputs.probabilities, model.probabilities(ids), atol=1e-12
    )


def test_a_session_that_left_its_trained_model_reopens_the_same_way():
    session, _ = _trained_session()
    session.set_seed(9)  # a fresh random cell, the trained model waits for seed 2
    restored = StudioSession()
    apply_session(restored, session_from_bytes(session_to_bytes(capture_session(session))))
    assert not restored.shows_trained and restored.trained_note == session.trained_note
    restored.set_seed(2)
    assert restored.shows_trained


def test_opening_a_session_without_trained_models_puts_them_away():
    trained, _ = _trained_session()
    apply_session(trained, session_from_bytes(session_to_bytes(capture_session(_session()))))
    assert not trained.trained_models and not trained.shown.outputs.trained


def test_version_1_files_still_open():
    original = _session()
    data = _rewrite(session_to_bytes(capture_session(original)), manifest=_set("version", 1))
    restored = StudioSession()
    apply_session(restored, session_from_bytes(data))
    assert restored.to_setup() == original.to_setup()


def _with_members(data: bytes, manifest=None, drop=(), add=None) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        members = {name: bundle.read(name) for name in bundle.namelist() if name not in drop}
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest(json.loads(members["manifest.json"])))
    members.update(add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for name, content in members.items():
            bundle.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"drop": ("trained/gru.npz",)}, "trained/gru.npz is missing"),
        ({"add": {"trained/lstm.npz": b"PK"}}, "trained/lstm.npz: not listed"),
        ({"manifest": _set("version", 1)}, "version 1 files hold no trained models"),
        ({"manifest": _set("trained", {"seed": -1, "models": ["gru"]})}, "trained.seed"),
        ({"manifest": _set("trained", {"seed": 0, "models": ["elman"]})}, "trained.models"),
        ({"add": {"trained/gru.npz": b"PK\x03\x04broken"}}, "trained/gru.npz"),
    ],
)
def test_broken_trained_members_are_refused(change, message):
    session, _ = _trained_session()
    data = _with_members(session_to_bytes(capture_session(session)), **change)
    with pytest.raises(SessionFileError, match=message):
        session_from_bytes(data)
