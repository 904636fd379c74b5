"""The Qt start-up diagnosis names the packages or the setting that is missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rnn_studio.cli import qt_check

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the diagnosis is for Linux desktops"
)


def everything_installed(soname: str) -> bool:
    return True


def test_loader_messages_name_the_missing_library() -> None:
    message = "libEGL.so.1: cannot open shared object file: No such file or directory"
    assert qt_check.missing_library_in(message) == "libEGL.so.1"
    assert qt_check.missing_library_in("No module named 'PySide6'") is None


def test_missing_core_library_lists_the_qt_packages() -> None:
    error = ImportError("libGL.so.1: cannot open shared object file: No such file or directory")
    line = qt_check.qt_import_problem(error, find=lambda soname: soname != "libGL.so.1")
    assert "libGL.so.1 missing" in line
    assert f"sudo apt-get install {qt_check.CORE_PACKAGES}" in line
    assert "\n" not in line


def test_unknown_missing_library_is_named_without_guessing_a_package() -> None:
    error = ImportError("libfoo.so.3: cannot open shared object file")
    line = qt_check.qt_import_problem(error, find=everything_installed)
    assert "libfoo.so.3 missing" in line and "apt-get" not in line


@pytest.mark.parametrize("platform", ["offscreen", "minimal", "offscreen:fontengine=freetype"])
def test_headless_platforms_need_no_display(platform: str) -> None:
    environ = {"QT_QPA_PLATFORM": platform}
    assert qt_check.display_problem(environ, find=lambda soname: False) is None


def test_no_display_suggests_the_offscreen_platform() -> None:
    line = qt_check.display_problem({}, find=everything_installed)
    assert line is not None and "QT_QPA_PLATFORM=offscreen" in line


def test_x11_without_xcb_cursor_lists_the_x11_packages() -> None:
    environ = {"DISPLAY": ":0"}
    line = qt_check.display_problem(environ, find=lambda soname: "xcb-cursor" not in soname)
    assert line is not None
    assert "libxcb-cursor.so.0 missing" in line
    assert qt_check.X11_PACKAGES in line
    assert qt_check.display_problem(environ, find=everything_installed) is None


def test_wayland_sessions_do_not_need_the_xcb_libraries() -> None:
    environ = {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}
    assert qt_check.display_problem(environ, find=lambda soname: False) is None
    environ["QT_QPA_PLATFORM"] = "xcb"
    assert qt_check.display_problem(environ, find=lambda soname: False) is not None


def test_offscreen_is_chosen_only_without_a_display_or_a_choice() -> None:
    environ: dict[str, str] = {}
    qt_check.use_offscreen_without_display(environ)
    assert environ == {"QT_QPA_PLATFORM": "offscreen"}
    environ = {"DISPLAY": ":0"}
    qt_check.use_offscreen_without_display(environ)
    assert "QT_QPA_PLATFORM" not in environ
    environ = {"QT_QPA_PLATFORM": "xcb"}
    qt_check.use_offscreen_without_display(environ)
    assert environ["QT_QPA_PLATFORM"] == "xcb"


def test_platform_failure_hint_quotes_qt_and_suggests_offscreen() -> None:
    qt_says = "qt.qpa.xcb: could not connect to display :987\nCould not load the platform plugin"
    # The X11 libraries are faked as present: the hint must not depend on the test machine
    # (on a minimal Debian 12 without them, display_problem answered first).
    line = qt_check.platform_failure_hint(qt_says, {"DISPLAY": ":987"}, find=lambda _so: True)
    assert "display :987 (could not connect to display :987)" in line
    assert "QT_QPA_PLATFORM=offscreen" in line
    assert "\n" not in line


def test_platform_failure_hint_prefers_a_known_cause() -> None:
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in qt_check.platform_failure_hint("boom", {})


ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ("dev.sh", ".ci/run", ".github/workflows/installers.yml", "README.md")


def test_the_package_list_has_one_home_and_the_scripts_ask_it() -> None:
    packages = f"{qt_check.CORE_PACKAGES} {qt_check.X11_PACKAGES}".split()
    for name in SCRIPTS:
        text = (ROOT / name).read_text(encoding="utf-8")
        copied = [package for package in packages if package in text]
        assert not copied, f"{name} repeats {copied}: ask rnn_studio/cli/qt_check.py instead"
    for name in (".ci/run", ".github/workflows/installers.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "rnn_studio/cli/qt_check.py --packages all" in text, name
    assert "rnn_studio/cli/qt_check.py" in (ROOT / "dev.sh").read_text(encoding="utf-8")


def test_the_script_prints_the_packages_with_the_standard_library_only() -> None:
    # As .ci/run runs it: the system python3, before anything is installed.
    block = "import sys; sys.modules['numpy'] = None; sys.modules['PySide6'] = None\n"
    script = ROOT / "rnn_studio" / "cli" / "qt_check.py"
    code = block + "import runpy, sys; sys.argv = ['qt_check.py', '--packages', 'all']\n"
    code += f"runpy.run_path({str(script)!r}, run_name='__main__')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == f"{qt_check.CORE_PACKAGES} {qt_check.X11_PACKAGES}".split()
