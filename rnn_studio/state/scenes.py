"""Scenes: a teacher's named studio setups, replayed exactly in class and shared as small files.

A :class:`Scene` is a :class:`~rnn_studio.studio_core.demo.DemoSetup` (sequence, reading mode, cell,
sizes, seed, spectral radius, forget bias, backprop, loss step, clipping and the current step)
plus the panels on show and the teacher's notes for the lesson. Applying the setup to a
:class:`~rnn_studio.state.session.StudioSession` recomputes the very same trace, because every
random thing in the studio follows the seed.

Scene file (UTF-8 JSON, ``.rnnscene``)::

    {"format": "rnn-studio-scene", "version": 1,
     "scene": {"name": "Vanishing gradient", "setup": {...DemoSetup fields...},
               "panels": ["memory", "gradients", ...], "notes": "Ask: why does it fade?"}}

The teacher's scene library lives in ``<user_data_dir>/scenes.json`` (format
``rnn-studio-scenes``, same version, a list of scenes under ``"scenes"``). Several windows may
share it: each change re-reads the file under a lock (:func:`rnn_studio.atomic_files.file_lock`)
and writes it back with only that change, so no window overwrites another's scenes. A scene
that cannot be read is set aside on its own (in ``scenes.json.rejected-<time>``); the others
are kept.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnn_studio.atomic_files import file_lock, unused_name
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
#: Largest scene file imported, and largest scene library read.
MAX_SCENE_BYTES = 1024 * 1024
MAX_LIBRARY_BYTES = 32 * 1024 * 1024


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
    """

    name: str
    setup: DemoSetup
    panels: tuple[str, ...] = STUDIO_PANELS
    notes: str = ""

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
        return {
            "name": self.name,
            "setup": self.setup.to_dict(),
            "panels": list(self.panels),
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: object, source: str = "scene") -> Scene:
        """Build a scene from JSON data; errors name ``source`` and the field."""
        if not isinstance(data, dict):
            raise SceneError(f"{source}: a scene must be a JSON object")
        unknown = sorted(set(data) - {"name", "setup", "panels", "notes"})
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
        try:
            return cls(
                name=data["name"],
                setup=setup,
                panels=tuple(panels),
                notes=data.get("notes", ""),
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
    return Scene(name=name.strip(), setup=session.to_setup(), panels=tuple(panels), notes=notes)


def apply_scene(session: Any, scene: Scene) -> None:
    """Recompute ``session`` from the scene's setup (one recompute; panels are the view's job)."""
    session.apply_demo(scene.setup)


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
