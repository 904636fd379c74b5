"""Scenes: a saved setup replays the very same trace; files round-trip; bad files are named."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnn_studio.state.scenes import (
    Scene,
    SceneError,
    SceneLibrary,
    apply_scene,
    capture_scene,
    export_scene,
    import_scene,
    scene_from_json,
    scene_to_json,
)
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import STUDIO_PANELS, DemoSetup


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))


def _teacher_session() -> StudioSession:
    session = StudioSession()
    session.set_sequence("the cat sat on the mat and the dog", "words")
    session.set_cell_kind("lstm")
    session.set_hidden_size(12)
    session.set_seed(31)
    session.set_spectral_radius(1.7)
    session.set_forget_bias(2.0)
    session.set_cursor(4)
    return session


def _arrays(session: StudioSession) -> dict[str, np.ndarray]:
    trace = session.run.primary.trace
    return {
        "hidden": np.asarray(trace.hidden),
        "cell": np.asarray(trace.cell_state),
        **{f"gate_{k}": np.asarray(v) for k, v in trace.gates.items()},
    }


def test_scene_round_trips_through_a_file_to_the_same_trace(tmp_path):
    teacher = _teacher_session()
    scene = capture_scene(teacher, "Forget gate", ("memory", "gates", "stepper"), "Ask why.")
    path = export_scene(tmp_path / "lesson.rnnscene", scene)

    loaded = import_scene(path)
    assert loaded == scene
    student = StudioSession()  # a fresh studio elsewhere: different text, cell, seed
    apply_scene(student, loaded)

    assert student.cursor == 4
    assert student.cell_kind == "lstm"
    assert student.spectral_radius == pytest.approx(1.7)
    expected, actual = _arrays(teacher), _arrays(student)
    assert expected.keys() == actual.keys()
    for name in expected:
        np.testing.assert_array_equal(actual[name], expected[name], err_msg=name)


def test_a_different_seed_gives_a_different_trace_so_the_round_trip_test_can_fail():
    teacher = _teacher_session()
    scene = capture_scene(teacher, "x")
    other = StudioSession()
    apply_scene(other, Scene("y", DemoSetup(**{**scene.setup.to_dict(), "seed": 32})))
    assert not np.array_equal(_arrays(other)["hidden"], _arrays(teacher)["hidden"])


def test_library_persists_across_instances_and_replaces_by_name():
    library = SceneLibrary()
    first = Scene("Intro", DemoSetup(text="abc"), ("memory",))
    library.add(first)
    library.add(Scene("Gates", DemoSetup(text="hello", cell="gru")))
    library.add(Scene("Intro", DemoSetup(text="abcd"), ("memory", "stepper")))
    again = SceneLibrary()
    assert again.names() == ["Gates", "Intro"]
    assert again.get("Intro").setup.text == "abcd"
    again.remove("Gates")
    assert SceneLibrary().names() == ["Intro"]
    with pytest.raises(KeyError, match="Gates"):
        again.get("Gates")


def test_corrupt_library_is_kept_aside_with_a_message(tmp_path):
    library = SceneLibrary()
    library.path.write_text("{not json", encoding="utf-8")
    fresh = SceneLibrary()
    assert fresh.names() == []
    assert "not valid JSON" in fresh.problem
    assert list(library.path.parent.glob("scenes.json.corrupt-*"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something"), "format"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d["scene"].pop("name"), "name: missing"),
        (lambda d: d["scene"].update(panels=["memory", "radar"]), "radar"),
        (lambda d: d["scene"]["setup"].update(hidden_size=9999), "hidden_size"),
        (lambda d: d["scene"]["setup"].update(colour="red"), "colour"),
        (lambda d: d["scene"].update(extra=1), "extra"),
    ],
)
def test_bad_scene_files_name_the_field(change, message):
    document = json.loads(scene_to_json(Scene("S", DemoSetup(text="abc"))))
    change(document)
    with pytest.raises(SceneError, match=message):
        scene_from_json(json.dumps(document), "lesson.rnnscene")


def test_unreadable_file_is_named(tmp_path):
    path = tmp_path / "broken.rnnscene"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SceneError, match=r"broken\.rnnscene"):
        import_scene(path)


def test_default_scene_shows_every_panel():
    assert Scene("all", DemoSetup(text="a")).panels == STUDIO_PANELS
