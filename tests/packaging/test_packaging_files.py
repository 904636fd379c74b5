"""Fast checks of the installer inputs (no build): bundle contents, desktop file, metainfo,
icons and scripts. ``packaging/test_packages.sh`` builds and runs the real packages."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from rnn_studio import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP_FILE = PACKAGING / "rnn-studio.desktop"
METAINFO = PACKAGING / "io.github.rnnstudio.RNNStudio.metainfo.xml"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _bundle_contents():
    # Loaded by path: the folder name "packaging" would clash with the PyPI package.
    spec = importlib.util.spec_from_file_location(
        "bundle_contents", PACKAGING / "bundle_contents.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_resource_file_goes_where_the_frozen_app_looks() -> None:
    datas = _bundle_contents().resource_datas(ROOT)
    bundled = {Path(destination) / Path(source).name for source, destination in datas}
    resources = ROOT / "resources"
    expected = {
        Path("rnn_studio/resources") / path.relative_to(resources)
        for path in resources.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert expected, "resources/ is empty"
    assert bundled == expected
    assert (Path("rnn_studio/resources/icons/rnn-studio.svg")) in bundled


def test_the_spec_uses_the_resource_list_and_pyqtgraph_data() -> None:
    spec = (PACKAGING / "rnn-studio.spec").read_text()
    assert "resource_datas(ROOT)" in spec
    assert 'collect_data_files("pyqtgraph"' in spec
    assert 'collect_submodules("rnn_studio")' in spec


def _analysis_keyword(name: str) -> ast.expr:
    """The value of keyword ``name`` in the spec's ``Analysis(...)`` call."""
    tree = ast.parse((PACKAGING / "rnn-studio.spec").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Analysis":
            for keyword in node.keywords:
                if keyword.arg == name:
                    return keyword.value
    raise AssertionError(f"the spec's Analysis() has no {name}=")


def test_modules_read_with_inspect_ship_as_source() -> None:
    """The Code panel reads the reference step functions with inspect.getsourcelines; in a
    bundle holding only bytecode that raised 'could not get source code' and the main window
    failed to open (found by the frozen app's --self-check)."""
    from rnn_studio.engine.reference import KINDS
    from rnn_studio.state.code_lines import DIRECTIONS, listing

    modes = ast.literal_eval(_analysis_keyword("module_collection_mode"))
    needed = {
        listing(kind, direction).function.__module__ for kind in KINDS for direction in DIRECTIONS
    }
    assert needed == {"rnn_studio.engine.reference"}
    for module in needed:
        assert modes.get(module) == "py", f"{module} must be collected as source ('py')"


def test_the_spec_bundles_the_ffmpeg_program_for_mp4() -> None:
    datas = ast.unparse(_analysis_keyword("datas"))
    assert "collect_data_files('imageio_ffmpeg', subdir='binaries')" in datas
    build = (PACKAGING / "build_bundle.sh").read_text()
    assert "imageio_ffmpeg/binaries" in build and "-version" in build  # checked after the build


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_launches_rnn_studio_with_its_icon() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "rnn-studio"
    assert entry["Icon"] == "rnn-studio"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Education" in entry["Categories"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_file_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_metainfo_names_the_desktop_file_binary_and_current_release() -> None:
    component = ElementTree.parse(METAINFO).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert component.findtext("launchable") == DESKTOP_FILE.name
    assert component.findtext("provides/binary") == "rnn-studio"
    assert component.findtext("project_license") == "MIT"
    releases = [release.get("version") for release in component.iter("release")]
    assert releases[0] == __version__, "add a <release> for the new version"


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_has_its_nominal_size(size: int) -> None:
    data = (ROOT / "resources" / "icons" / f"rnn-studio-{size}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR comes first
    assert (width, height) == (size, size)


def test_scalable_icon_is_a_square_svg() -> None:
    svg = ElementTree.parse(ROOT / "resources" / "icons" / "rnn-studio.svg").getroot()
    assert svg.tag.endswith("svg")
    assert svg.get("viewBox") == "0 0 512 512"


@pytest.mark.parametrize(
    "script",
    [
        "build_bundle.sh",
        "build_deb.sh",
        "build_tarball.sh",
        "test_packages.sh",
        "launcher.sh",
        "install-desktop-entry.sh",
        "macos/build_dmg.sh",
    ],
)
def test_scripts_are_executable_and_parse(script: str) -> None:
    path = PACKAGING / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    shell = "sh" if path.read_text().startswith("#!/bin/sh") else "bash"
    result = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_deb_depends_cover_the_libraries_the_bundle_does_not_carry() -> None:
    common = (PACKAGING / "common.sh").read_text()
    depends = common.split('DEB_DEPENDS="')[1].split('"')[0]
    for package in ("libc6 (>= 2.36)", "libgl1", "libegl1", "libxcb1", "fontconfig-config"):
        assert package in depends


def test_deb_owns_only_its_own_folders_and_suggests_espeak() -> None:
    """Issue 12 item 15: no /opt in the package (removing it deleted /opt); espeak-ng suggested."""
    build = (PACKAGING / "build_deb.sh").read_text()
    common = (PACKAGING / "common.sh").read_text()
    code = "\n".join(line for line in build.splitlines() if not line.lstrip().startswith("#"))
    assert '"$ROOT/opt' not in code and "/opt/" not in code
    assert 'DEB_BUNDLE_DIR="usr/lib/rnn-studio"' in common
    assert "Suggests: $DEB_SUGGESTS" in build and 'DEB_SUGGESTS="espeak-ng"' in common
    readme = (PACKAGING / "README.md").read_text()
    assert "libwayland-cursor0" in readme.split("## Before the first build")[1].split("##")[0]
    assert "Ubuntu 22.04" in readme and "50 packages" in readme
