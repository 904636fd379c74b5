"""Issue 13 item 12: Help → About lists every bundled library with its licence (read from
the installed packages, so Pillow cannot go missing again), and Help → How to teach is a
10-minute plan whose presets, scenes, panels, menus and keys all exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu

from rnn_studio.learn.content_types import ContentError
from rnn_studio.learn.presets import load_presets
from rnn_studio.learn.teaching import load_teaching_guide
from rnn_studio.resources import read_text
from rnn_studio.ui.help import AboutDialog
from rnn_studio.ui.licences import bundled_libraries, canonical, runtime_requirements

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------------------ About
def test_about_lists_every_runtime_requirement_and_its_licence(qtbot):
    # The [project] dependencies, read independently of the code under test.
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.MULTILINE | re.DOTALL)
    assert block is not None
    declared = re.findall(r'^\s*"([A-Za-z0-9_.-]+)', block.group(1), re.MULTILINE)
    assert len(declared) >= 6
    names = {canonical(library.name): library for library in bundled_libraries()}
    for requirement in declared:
        assert canonical(requirement) in names, f"{requirement} is not in About"
    assert "pillow" in names and "shiboken6" in names  # Pillow was missing; a transitive one
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    for library in names.values():
        assert library.licence and "see the licence" not in library.licence, library
        assert library.name in text and library.licence in text and library.version in text


def test_the_list_follows_the_requirements_file(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["Pillow>=9", "docs-only; extra == \'docs\'"]\n',
        encoding="utf-8",
    )
    assert runtime_requirements(pyproject) == ["Pillow"]
    assert [library.name.lower() for library in bundled_libraries(pyproject)] == ["pillow"]


# ---------------------------------------------------------------------- how to teach
def _menu_paths(window) -> set[tuple[str, ...]]:
    paths: set[tuple[str, ...]] = set()

    def walk(menu: QMenu, prefix: tuple[str, ...]) -> None:
        for action in menu.actions():
            text = action.text().replace("&", "")
            if not text:
                continue
            paths.add((*prefix, text))
            if action.menu() is not None:
                walk(action.menu(), (*prefix, text))

    for action in window.menuBar().actions():
        if action.menu() is not None:
            walk(action.menu(), (action.text().replace("&", ""),))
    return paths


def _bound_keys(window) -> set[str]:
    keys = {action.shortcut().toString() for action in window.actions()}
    assert window.learn and window.train  # built on first use: their keys count too
    keys |= {shortcut.key().toString() for shortcut in window.findChildren(QShortcut)}
    return keys - {""}


def test_every_menu_key_preset_and_scene_the_guide_names_exists(classroom):
    window, _menus = classroom()
    guide = load_teaching_guide()
    menus, keys = _menu_paths(window), _bound_keys(window)
    for item in guide.items():
        for path in item.menus:
            assert tuple(path) in menus, f"no menu {' → '.join(path)}"
        for key in item.keys:
            assert QKeySequence(key).toString() in keys, f"no key {key}"
    presets = {preset.preset_id for preset in load_presets()}
    assert {scene.preset for scene in guide.scenes} <= presets
    assert {step.scene for step in guide.steps if step.scene} <= {s.name for s in guide.scenes}
    assert guide.steps[0].start == 0
    assert guide.steps[-1].end == 10
    text = json.dumps(json.loads(read_text("teaching_guide.json")), ensure_ascii=False)
    assert "presenter" in text.lower() and "scene" in text.lower() and "preset" in text


def test_a_wrong_preset_or_a_gap_in_the_minutes_is_refused_by_name():
    data = json.loads(read_text("teaching_guide.json"))
    data["scenes"][0]["preset"] = "no-such-preset"
    with pytest.raises(ContentError, match=r"scenes\[0\]: preset: no preset 'no-such-preset'"):
        load_teaching_guide(json.dumps(data))
    data = json.loads(read_text("teaching_guide.json"))
    data["steps"][1]["start"] += 1
    with pytest.raises(ContentError, match=r"steps\[1\]: must run from minute 2"):
        load_teaching_guide(json.dumps(data))


def test_help_opens_the_guide_and_its_scenes_replay(classroom, qtbot):
    window, menus = classroom()
    menus.actions["action_teaching_guide"].trigger()
    dialog = menus.teaching_guide
    assert dialog.isVisible()
    guide = load_teaching_guide()
    shown = dialog.text.toPlainText()
    assert guide.title in shown and all(step.title in shown for step in guide.steps)
    dialog.add_button.click()
    assert all(scene.name in menus.scenes.names() for scene in guide.scenes)
    assert str(menus.scenes.path) in dialog.status.text()
    third = guide.scenes[2]
    menus.play_scene(menus.scenes.get(third.name))
    assert window.session.to_setup().text == third.setup.text
    assert window.session.backprop_enabled
    assert set(third.panels) <= set(menus.visible_panels())
    assert "equations" not in menus.visible_panels()  # the scene shows only its panels
