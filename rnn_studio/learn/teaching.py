"""Help → How to teach with RNN Studio: a 10-minute lesson plan, read from
``resources/teaching_guide.json`` and checked on load.

The guide names studio presets (by id), scenes made from them (preset, changes to its
setup, panels on show, the teacher's prompt), menu paths (``["File", "Scenes"]``) and keys.
This module checks what it can without Qt: the file's shape, every preset id and setup
change, the panels, that each step's scene is one of the guide's and that the steps fill
0 to 10 minutes without gaps. The menus and keys are checked against the real window by
``tests/ui/test_teaching_guide.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from rnn_studio import resources
from rnn_studio.learn.content_types import ContentError
from rnn_studio.learn.presets import Preset, load_presets
from rnn_studio.studio_core.demo import STUDIO_PANELS, DemoError, DemoSetup

GUIDE_FILE = "teaching_guide.json"
GUIDE_FORMAT = "rnn-studio-teaching-guide"
GUIDE_VERSION = 1
LESSON_MINUTES = 10


@dataclass(frozen=True)
class GuideItem:
    """One instruction: its text, the menus (paths) and keys it names; a step of the plan
    also has a title, its minutes and the scene it replays."""

    text: str
    menus: tuple[tuple[str, ...], ...] = ()
    keys: tuple[str, ...] = ()
    title: str = ""
    start: int = 0
    end: int = 0
    scene: str = ""


@dataclass(frozen=True)
class GuideScene:
    """A scene the guide asks for: a preset's setup with changes, panels and a prompt."""

    name: str
    preset: str
    setup: DemoSetup
    panels: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class TeachingGuide:
    """The whole guide (see ``resources/teaching_guide.json``)."""

    title: str
    intro: str
    before_class: tuple[GuideItem, ...]
    scenes: tuple[GuideScene, ...]
    steps: tuple[GuideItem, ...]
    after_class: GuideItem

    def items(self) -> tuple[GuideItem, ...]:
        """Every instruction, in reading order."""
        return (*self.before_class, *self.steps, self.after_class)


def load_teaching_guide(text: str | None = None) -> TeachingGuide:
    """Read and check the guide (``text`` instead of the bundled file, for tests).

    Raises
    ------
    ContentError
        Naming the file and the field that is wrong.
    """
    source = GUIDE_FILE
    try:
        data = json.loads(resources.read_text(GUIDE_FILE) if text is None else text)
    except (OSError, ValueError) as problem:
        raise ContentError(f"{source}: cannot be read ({problem})") from None
    if not isinstance(data, dict) or data.get("format") != GUIDE_FORMAT:
        raise ContentError(f"{source}: format: must be {GUIDE_FORMAT!r}")
    if data.get("version") != GUIDE_VERSION:
        raise ContentError(f"{source}: version: must be {GUIDE_VERSION}")
    presets = {preset.preset_id: preset for preset in load_presets()}
    scenes = tuple(
        _scene(entry, presets, f"{source}: scenes[{index}]")
        for index, entry in enumerate(_list(data, "scenes", source))
    )
    names = {scene.name for scene in scenes}
    if len(names) != len(scenes):
        raise ContentError(f"{source}: scenes: two scenes have the same name")
    steps = tuple(
        _item(entry, f"{source}: steps[{index}]", step=True)
        for index, entry in enumerate(_list(data, "steps", source))
    )
    minute = 0
    for index, step in enumerate(steps):
        where = f"{source}: steps[{index}]"
        if step.start != minute or step.end <= step.start:
            raise ContentError(f"{where}: must run from minute {minute} to a later minute")
        minute = step.end
        if step.scene and step.scene not in names:
            raise ContentError(f"{where}: scene: {step.scene!r} is not one of the guide's scenes")
    if minute != LESSON_MINUTES:
        raise ContentError(f"{source}: steps: must end at minute {LESSON_MINUTES}, not {minute}")
    return TeachingGuide(
        title=_text(data, "title", source),
        intro=_text(data, "intro", source),
        before_class=tuple(
            _item(entry, f"{source}: before_class[{index}]")
            for index, entry in enumerate(_list(data, "before_class", source))
        ),
        scenes=scenes,
        steps=steps,
        after_class=_item(data.get("after_class"), f"{source}: after_class"),
    )


def _list(data: dict[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: {key}: must be a non-empty list")
    return value


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: {key}: must be text")
    return value


def _scene(entry: object, presets: dict[str, Preset], where: str) -> GuideScene:
    if not isinstance(entry, dict):
        raise ContentError(f"{where}: must be an object")
    unknown = sorted(set(entry) - {"name", "preset", "changes", "panels", "notes"})
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {', '.join(unknown)}")
    preset_id = _text(entry, "preset", where)
    if preset_id not in presets:
        known = ", ".join(presets)
        raise ContentError(f"{where}: preset: no preset {preset_id!r} (known: {known})")
    changes = entry.get("changes", {})
    if not isinstance(changes, dict):
        raise ContentError(f"{where}: changes: must be an object of setup fields")
    try:
        setup = replace(presets[preset_id].setup, **changes)
    except (TypeError, DemoError) as problem:
        raise ContentError(f"{where}: changes: {problem}") from None
    panels = entry.get("panels")
    if not isinstance(panels, list) or not panels:
        raise ContentError(f"{where}: panels: must list studio panels")
    unknown_panels = [panel for panel in panels if panel not in STUDIO_PANELS]
    if unknown_panels:
        raise ContentError(
            f"{where}: panels: unknown {unknown_panels}; known: {', '.join(STUDIO_PANELS)}"
        )
    return GuideScene(
        name=_text(entry, "name", where),
        preset=preset_id,
        setup=setup,
        panels=tuple(panels),
        notes=_text(entry, "notes", where),
    )


def _item(entry: object, where: str, step: bool = False) -> GuideItem:
    if not isinstance(entry, dict):
        raise ContentError(f"{where}: must be an object")
    allowed = {"text", "menus", "keys"} | ({"title", "start", "end", "scene"} if step else set())
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {', '.join(unknown)}")
    menus = entry.get("menus", [])
    if not isinstance(menus, list) or not all(
        isinstance(path, list) and len(path) >= 2 and all(isinstance(p, str) for p in path)
        for path in menus
    ):
        raise ContentError(f'{where}: menus: must be a list of menu paths like ["File", "Quit"]')
    keys = entry.get("keys", [])
    if not isinstance(keys, list) or not all(isinstance(key, str) and key for key in keys):
        raise ContentError(f"{where}: keys: must be a list of key names")
    item = GuideItem(
        text=_text(entry, "text", where),
        menus=tuple(tuple(path) for path in menus),
        keys=tuple(keys),
    )
    if not step:
        return item
    for key in ("start", "end"):
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ContentError(f"{where}: {key}: must be a whole minute")
    scene = entry.get("scene", "")
    if not isinstance(scene, str):
        raise ContentError(f"{where}: scene: must be a scene name")
    return replace(
        item,
        title=_text(entry, "title", where),
        start=entry["start"],
        end=entry["end"],
        scene=scene,
    )
