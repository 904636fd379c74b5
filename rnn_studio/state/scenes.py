"""Scenes: a teacher's named studio setups, replayed exactly in class and shared as small files.

A :class:`Scene` is a :class:`~rnn_studio.studio_core.demo.DemoSetup` (sequence, reading mode, cell,
sizes, seed, spectral radius, forget bias, backprop, loss step, clipping and the current step)
plus the panels on show and the teacher's notes for the lesson. Applying the setup to a
:class:`~rnn_studio.state.session.StudioSession` recomputes the very same trace, because every
random thing in the studio follows the seed.

Scene file (UTF-8 JSON, ``.rnnscene``)::

    {"format": "rnn-studio-scene", "version": 1,
     "scene": {"name": "Vanishing gradient", "setup": {...DemoSetup fields...},
               "panels": ["memory", "gradients", ...], "notes": "Ask: why does it fade?",
               "trained": {"seed": 0, "models": {"lstm": "<base64 of the model's .npz>"}}}}

``trained`` is there only when the studio showed trained models (opened from the Train area
or a session): the scene keeps them, in the engine's model format
(:mod:`rnn_studio.engine.io`), so it replays with the trained weights, not random ones. A
scene whose models would pass :data:`MAX_SCENE_BYTES` is refused with a message that says
to save a session instead.

The teacher's scene library lives in ``<user_data_dir>/scenes.json`` (format
``rnn-studio-scenes``, same version, a list of scenes under ``"scenes"``). Several windows may
share it: each change re-reads the file under a lock (:func:`rnn_studio.atomic_files.file_lock`)
and writes it back with only that change, so no window overwrites another's scenes. A scene
that cannot be read is set aside on its own (in ``scenes.json.rejected-<time>``); the others
are kept.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rnn_studio.atomic_files import file_lock, unused_name
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.io import model_from_bytes, model_to_bytes
from rnn_studio.engine.model import Model
from rnn_studio.safe_read import BadJSONError, ReadRefusedError, loads_json, read_text_file
from rnn_studio.storage import atomic_write_json, backup_corrupt, user_data_dir
from rnn_studio.studio_core.demo import STUDIO_PANELS, DemoError, DemoSetup

SCENE_FORMAT = "rnn-studio-scene"
LIBRARY_FORMAT = "rnn-studio-scenes"
SCENE_VERSION = 1
SCENE_SUFFIX = ".rnnscene"
LIBRARY_FILE = "scenes.json"
MAX_NAME_LENGTH = 80
MAX_NOTES_LENGTH = 20_000
#: Largest scene file imported (a scene may hold its trained models), and largest library.
MAX_SCENE_BYTES = 8 * 1024 * 1024
MAX_LIBRARY_BYTES = 64 * 1024 * 1024


class SceneError(ValueError):
    """A scene (or scene file) that cannot be used; the message names the file and field."""


@dataclass(frozen=True)
class Scene:
    """A named studio setup.

    Attributes
    ----------
    name : str
        What the teacher calls it (1 to 80 characters).
    setup : DemoSetup
        Everything the session needs to recompute the run, including the step on show.
    panels : tuple of str
        Ids of the studio panels on show (see :data:`STUDIO_PANELS`).
    notes : str
        The teacher's notes for this part of the lesson (shown on the notes screen).
    trained : mapping of str to Model
        The trained models the studio showed when the scene was saved (none for a setup
        with random weights): a scene replays with them, as a session file does.
    trained_seed : int
        The studio seed they are shown under.
    """

    name: str
    setup: DemoSetup
    panels: tuple[str, ...] = STUDIO_PANELS
    notes: str = ""
    trained: Mapping[str, Model] = field(default_factory=lambda: MappingProxyType({}))
    trained_seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise SceneError("name: a scene needs a name")
        if len(self.name) > MAX_NAME_LENGTH:
            raise SceneError(f"name: at most {MAX_NAME_LENGTH} characters")
        if not isinstance(self.setup, DemoSetup):
            raise SceneError("setup: must be a DemoSetup")
        if not isinstance(self.panels, tuple) or not all(
            isinstance(panel, str) for panel in self.panels
        ):
            raise SceneError("panels: must be a list of panel ids")
        unknown = [panel for panel in self.panels if panel not in STUDIO_PANELS]
        if unknown:
            raise SceneError(
                f"panels: unknown panel(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(STUDIO_PANELS)}"
            )
        if len(set(self.panels)) != len(self.panels):
            raise SceneError("panels: a panel is listed twice")
        if not isinstance(self.notes, str) or len(self.notes) > MAX_NOTES_LENGTH:
            raise SceneError(f"notes: must be text of at most {MAX_NOTES_LENGTH} characters")

    def to_dict(self) -> dict[str, Any]:
        """Return the scene as JSON-ready data."""
        data: dict[str, Any] = {
            "name": self.name,
            "setup": self.setup.to_dict(),
            "panels": list(self.panels),
            "notes": self.notes,
        }
        if self.trained:
            data["trained"] = {
                "seed": self.trained_seed,
                "models": {
                    kind: base64.b64encode(model_to_bytes(model)).decode("ascii")
                    for kind, model in self.trained.items()
                },
            }
        return data

    @classmethod
    def from_dict(cls, data: object, source: str = "scene") -> Scene:
        """Build a scene from JSON data; errors name ``source`` and the field."""
        if not isinstance(data, dict):
            raise SceneError(f"{source}: a scene must be a JSON object")
        unknown = sorted(set(data) - {"name", "setup", "panels", "notes", "trained"})
        if unknown:
            raise SceneError(f"{source}: unknown field(s) {', '.join(unknown)}")
        for key in ("name", "setup"):
            if key not in data:
                raise SceneError(f"{source}: {key}: missing")
        try:
            setup = DemoSetup.from_dict(data["setup"])
        except (DemoError, TypeError) as problem:
            raise SceneError(f"{source}: setup: {problem}") from None
        panels = data.get("panels", list(STUDIO_PANELS))
        if not isinstance(panels, list):
            raise SceneError(f"{source}: panels: must be a list of panel ids")
        trained, seed = _read_trained(data.get("trained"), f"{source}: trained")
        try:
            return cls(
                name=data["name"],
                setup=setup,
                panels=tuple(panels),
                notes=data.get("notes", ""),
                trained=trained,
                trained_seed=seed,
            )
        except SceneError as problem:
            raise SceneError(f"{source}: {problem}") from None


def capture_scene(
    session: Any, name: str, panels: tuple[str, ...] = STUDIO_PANELS, notes: str = ""
) -> Scene:
    """Return the session's current setup (with its step) as a scene called ``name``.

    Parameters
    ----------
    session : StudioSession
        The studio's session (only :meth:`~StudioSession.to_setup` is used).
    name : str
    panels : tuple of str
        The panels on show.
    notes : str
        The teacher's notes.
    """
    trained = dict(session.trained_models)
    scene = Scene(
        name=name.strip(),
        setup=session.to_setup(),
        panels=tuple(panels),
        notes=notes,
        trained=MappingProxyType(trained),
        trained_seed=session.trained_seed if trained else 0,
    )
    if trained:
        size = len(scene_to_json(scene).encode("utf-8"))
        if size > MAX_SCENE_BYTES:
            raise SceneError(
                f"the trained model is too large to keep in a scene ({size / 2**20:.1f} MB; "
                f"a scene holds at most {MAX_SCENE_BYTES // 2**20} MB): save the session "
                "instead (File → Save session), which keeps it"
            )
    return scene


def apply_scene(session: Any, scene: Scene) -> None:
    """Recompute ``session`` from the scene: its trained models (if any), then its setup
    (one recompute; the panels are the view's job)."""
    session.forget_registered_cells()  # a scene's weights come from its seed or its models
    if scene.trained:
        session.load_trained(scene.trained, seed=scene.trained_seed)
    session.apply_demo(scene.setup, keep_trained=bool(scene.trained))


def _read_trained(data: object, where: str) -> tuple[Mapping[str, Model], int]:
    """The trained models of a scene's ``trained`` field (none when it is absent)."""
    if data is None:
        return MappingProxyType({}), 0
    if not isinstance(data, dict) or set(data) != {"seed", "models"}:
        raise SceneError(f"{where}: must be {{'seed': ..., 'models': {{kind: ...}}}}")
    seed, encoded = data["seed"], data["models"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 2**32 - 1:
        raise SceneError(f"{where}.seed: must be a whole number from 0 to 2**32-1")
    if not isinstance(encoded, dict) or not encoded:
        raise SceneError(f"{where}.models: must map cell kinds to models")
    models: dict[str, Model] = {}
    for kind, text in encoded.items():
        if kind not in ("rnn", "lstm", "gru") or not isinstance(text, str):
            raise SceneError(f"{where}.models: {kind!r} is not a cell kind with a model")
        try:
            model = model_from_bytes(base64.b64decode(text, validate=True), name=kind)
        except (ValueError, EngineError) as problem:
            raise SceneError(f"{where}.models.{kind}: {problem}") from None
        if model.kind != kind:
            raise SceneError(f"{where}.models.{kind}: holds a {model.kind}")
        models[kind] = model
    return MappingProxyType(models), seed


def scene_to_json(scene: Scene) -> str:
    """Return the scene file text for ``scene``."""
    document = {"format": SCENE_FORMAT, "version": SCENE_VERSION, "scene": scene.to_dict()}
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def scene_from_json(text: str, source: str = "scene file") -> Scene:
    """Read a scene file's text; raise :class:`SceneError` naming ``source`` and the field."""
    document = _parse(text, source)
    _check_header(document, SCENE_FORMAT, source)
    if "scene" not in document:
        raise SceneError(f"{source}: scene: missing")
    return Scene.from_dict(document["scene"], source)


def export_scene(path: str | os.PathLike[str], scene: Scene) -> Path:
    """Write ``scene`` to ``path`` (atomically) and return the path."""
    target = Path(path)
    atomic_write_json(target, json.loads(scene_to_json(scene)))
    return target


def import_scene(path: str | os.PathLike[str]) -> Scene:
    """Read a scene file; raise :class:`SceneError` naming the file when it cannot be used."""
    source = Path(path)
    try:
        text = read_text_file(source, MAX_SCENE_BYTES)
    except (ReadRefusedError, BadJSONError) as problem:
        raise SceneError(str(problem)) from None
    except OSError as problem:
        raise SceneError(f"{source.name}: cannot read the file ({problem.strerror})") from None
    return scene_from_json(text, source.name)


class SceneLibrary:
    """The teacher's saved scenes, kept in ``<user_data_dir>/scenes.json``.

    A library file that cannot be read at all is moved aside (``backup_corrupt``) and the
    library starts empty; a scene that cannot be read is set aside alone. :attr:`problem`
    then says what happened, so the UI can tell the teacher.

    Parameters
    ----------
    path : path-like, optional
        The library file (default: ``user_data_dir() / "scenes.json"``).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else user_data_dir() / LIBRARY_FILE
        self.problem = ""
        self._scenes: dict[str, Scene] = {}
        try:
            with file_lock(self.path):
                self._scenes = self._read()
        except OSError as problem:
            self.problem = f"{self.path.name}: the scenes cannot be read ({problem})"

    def names(self) -> list[str]:
        """Scene names in the order they were saved."""
        return list(self._scenes)

    def get(self, name: str) -> Scene:
        """Return the scene called ``name`` (KeyError naming it if there is none)."""
        if name not in self._scenes:
            raise KeyError(f"no scene called {name!r}")
        return self._scenes[name]

    def add(self, scene: Scene) -> None:
        """Save ``scene`` (replacing one with the same name) and write the library."""
        with file_lock(self.path):
            self._scenes = self._read()  # scenes other windows saved meanwhile
            self._scenes.pop(scene.name, None)
            self._scenes[scene.name] = scene
            self._write()

    def remove(self, name: str) -> None:
        """Delete the scene ``name`` (if any) and write the library."""
        with file_lock(self.path):
            self._scenes = self._read()
            if self._scenes.pop(name, None) is not None:
                self._write()

    def save(self) -> None:
        """Write the library atomically (merged with what other windows saved)."""
        with file_lock(self.path):
            mine = self._scenes
            self._scenes = {**self._read(), **mine}
            self._write()

    def _write(self) -> None:
        atomic_write_json(
            self.path,
            {
                "format": LIBRARY_FORMAT,
                "version": SCENE_VERSION,
                "scenes": [scene.to_dict() for scene in self._scenes.values()],
            },
        )

    def _read(self) -> dict[str, Scene]:
        """Read the file (call with the lock held); set aside what cannot be read."""
        if not self.path.exists() and not self.path.is_symlink():
            return {}
        try:
            scenes, rejected = _read_library(self.path)
        except SceneError as problem:
            backup = backup_corrupt(self.path)
            self.problem = f"{problem}; the file was kept as {backup.name}"
            return {}
        if rejected:
            target = unused_name(self.path, "rejected")
            atomic_write_json(target, {"set_aside": rejected})
            count = len(rejected)
            self.problem = (
                f"{self.path.name}: {count} scene{'s' if count != 1 else ''} could not be read "
                f"and {'were' if count != 1 else 'was'} set aside in {target.name} "
                f"({rejected[0]['reason']}); the other {len(scenes)} were kept"
            )
            self._scenes = scenes
            self._write()
        return scenes


def _read_library(path: Path) -> tuple[dict[str, Scene], list[dict[str, Any]]]:
    """The readable scenes and the records set aside (with the reason) of a library file."""
    try:
        text = read_text_file(path, MAX_LIBRARY_BYTES)
    except (ReadRefusedError, BadJSONError) as problem:
        raise SceneError(str(problem)) from None
    except OSError as problem:
        raise SceneError(f"{path.name}: cannot read the file ({problem.strerror})") from None
    document = _parse(text, path.name)
    _check_header(document, LIBRARY_FORMAT, path.name)
    scenes = document.get("scenes")
    if not isinstance(scenes, list):
        raise SceneError(f"{path.name}: scenes: must be a list")
    result: dict[str, Scene] = {}
    rejected: list[dict[str, Any]] = []
    for index, data in enumerate(scenes):
        try:
            scene = Scene.from_dict(data, f"scenes[{index}]")
        except (SceneError, ValueError, TypeError, OverflowError) as problem:
            rejected.append({"index": index, "reason": str(problem), "data": data})
            continue
        result[scene.name] = scene
    return result, rejected


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        document = loads_json(text, source)
    except BadJSONError as problem:
        raise SceneError(str(problem)) from None
    if not isinstance(document, dict):
        raise SceneError(f"{source}: must hold a JSON object")
    return document


def _check_header(document: dict[str, Any], expected: str, source: str) -> None:
    if document.get("format") != expected:
        raise SceneError(f"{source}: format: expected {expected!r}, got {document.get('format')!r}")
    version = document.get("version")
    if version != SCENE_VERSION:
        raise SceneError(
            f"{source}: version: this RNN Studio reads version {SCENE_VERSION}, got {version!r}"
        )
