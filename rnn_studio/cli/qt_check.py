"""Say which Debian/Ubuntu packages (or which display setting) Qt needs, before Qt can abort.

When a system library is missing, ``import PySide6.QtGui`` fails with a loader message and the
xcb platform plugin makes Qt abort the process with a long plugin error. Both are checked here
first so that the user reads one line naming the packages to install instead.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

# Libraries QtGui itself loads, and the Debian/Ubuntu package that ships each one.
CORE_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxkbcommon.so.0": "libxkbcommon0",
}
# Libraries the xcb (X11) platform plugin loads on top of those.
X11_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
CORE_PACKAGES = " ".join(CORE_LIBRARIES.values())
X11_PACKAGES = " ".join(X11_LIBRARIES.values())
# Platforms that need no display server.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb"})

_MISSING_LIBRARY = re.compile(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file")


def missing_library_in(message: str) -> str | None:
    """Return the library a dynamic-loader error message says is missing, or None."""
    match = _MISSING_LIBRARY.search(message)
    return match.group(1) if match else None


def _ldconfig() -> str | None:
    found = shutil.which("ldconfig")
    if found:
        return found
    for candidate in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


@cache
def _system_library_names() -> frozenset[str] | None:
    """Sonames in the dynamic loader's cache (``ldconfig -p``); None if it cannot be read."""
    ldconfig = _ldconfig()
    if ldconfig is None:
        return None
    try:
        listing = subprocess.run(
            [ldconfig, "-p"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(line.split()[0] for line in listing.splitlines()[1:] if line.strip())


def _private_library_folders(environ: Mapping[str, str]) -> list[Path]:
    """Folders outside the loader cache where the app's own copies of libraries may sit."""
    folders = [Path(p) for p in environ.get("LD_LIBRARY_PATH", "").split(os.pathsep) if p]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        folders += [Path(frozen_root), Path(frozen_root) / "PySide6" / "Qt" / "lib"]
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.submodule_search_locations:
        folders += [Path(p) / "Qt" / "lib" for p in spec.submodule_search_locations]
    return folders


def library_available(soname: str, environ: Mapping[str, str] | None = None) -> bool:
    """Return whether the dynamic loader can find ``soname``.

    Unknown (no ``ldconfig``) counts as available: a guess must never stop the app.
    """
    environ = os.environ if environ is None else environ
    if any((folder / soname).exists() for folder in _private_library_folders(environ)):
        return True
    names = _system_library_names()
    return names is None or soname in names


def _install_hint(libraries: Mapping[str, str], packages: str, find: Callable[[str], bool]) -> str:
    missing = [soname for soname in libraries if not find(soname)]
    if not missing:
        return ""
    return f"{', '.join(missing)} missing; install with: sudo apt-get install {packages}"


def qt_import_problem(error: ImportError, find: Callable[[str], bool] | None = None) -> str:
    """Explain an ``ImportError`` raised while importing PySide6 as one line."""
    find = library_available if find is None else find
    library = missing_library_in(str(error))
    if library is None:
        return f"Qt (PySide6) cannot be imported: {error}"
    hint = _install_hint(CORE_LIBRARIES, CORE_PACKAGES, find)
    package = CORE_LIBRARIES.get(library) or X11_LIBRARIES.get(library)
    if not hint:
        hint = f"{library} missing; install " + (
            f"with: sudo apt-get install {package}" if package else "the package that provides it"
        )
    return f"Qt cannot start: system library {hint}"


def display_problem(
    environ: Mapping[str, str] | None = None, find: Callable[[str], bool] | None = None
) -> str | None:
    """Return why Qt's platform plugin would fail to start, as one line, or None.

    Parameters
    ----------
    environ : mapping, optional
        Environment to judge (default ``os.environ``): ``QT_QPA_PLATFORM``, ``DISPLAY`` and
        ``WAYLAND_DISPLAY`` decide which platform plugin Qt loads.
    find : callable, optional
        ``find(soname) -> bool``; default :func:`library_available`.
    """
    if not sys.platform.startswith("linux"):
        return None
    environ = os.environ if environ is None else environ
    find = (lambda soname: library_available(soname, environ)) if find is None else find
    requested = [
        name.split(":")[0].strip()
        for name in environ.get("QT_QPA_PLATFORM", "").split(";")
        if name.strip()
    ]
    if requested and all(name in HEADLESS_PLATFORMS for name in requested):
        return None
    has_x11, has_wayland = bool(environ.get("DISPLAY")), bool(environ.get("WAYLAND_DISPLAY"))
    if not has_x11 and not has_wayland:
        return (
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set; for headless use run with "
            "QT_QPA_PLATFORM=offscreen (e.g. QT_QPA_PLATFORM=offscreen rnn-studio --self-check)"
        )
    uses_xcb = "xcb" in requested if requested else (has_x11 and not has_wayland)
    if uses_xcb:
        hint = _install_hint(X11_LIBRARIES, X11_PACKAGES, find)
        if hint:
            return f"Qt cannot open an X11 window: system library {hint}"
    return None


def qt_startup_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """Import QtGui and check the display; return a one-line explanation of any problem."""
    try:
        import PySide6.QtGui  # noqa: F401  (the import is the check)
    except ImportError as error:
        return qt_import_problem(error)
    return display_problem(environ)


def use_offscreen_without_display(environ: MutableMapping[str, str] | None = None) -> None:
    """Select Qt's offscreen platform when no platform is chosen and there is no display."""
    env: MutableMapping[str, str] = os.environ if environ is None else environ
    if not env.get("QT_QPA_PLATFORM") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"


def platform_failure_hint(
    qt_message: str,
    environ: Mapping[str, str] | None = None,
    find: Callable[[str], bool] | None = None,
) -> str:
    """One line explaining Qt's fatal "no platform plugin could be initialized" error.

    ``find`` is passed to :func:`display_problem` (tests fake the library lookup with it).
    """
    environ = os.environ if environ is None else environ
    known = display_problem(environ, find)
    if known is not None:
        return known
    lines = [line.split(": ", 1)[-1] for line in qt_message.strip().splitlines()]
    first_line = lines[0] if lines else "no details"
    display = environ.get("WAYLAND_DISPLAY") or environ.get("DISPLAY") or "(none)"
    return (
        f"Qt cannot open a window on display {display} ({first_line}); check that the display "
        f"is running and reachable, or run with QT_QPA_PLATFORM=offscreen for headless use; "
        f"X11 windows also need: sudo apt-get install {X11_PACKAGES}"
    )


def start_qt_application(argv: list[str]) -> Any:
    """Create the ``QApplication``, turning a fatal platform-plugin error into one line.

    Qt aborts the process when no platform plugin starts (an unreachable display, a library
    :func:`display_problem` could not foresee), after printing several lines of plugin
    diagnostics. A message handler holds Qt's platform messages (``qt.qpa.*``) while the
    application is created: on the fatal one it prints :func:`platform_failure_hint` and exits
    with status 1; once the application exists it prints what it held and passes every later
    message through as Qt would.

    Returns
    -------
    PySide6.QtWidgets.QApplication
        The existing instance if there is one, else a new one built from ``argv``.
    """
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if existing is not None:
        return existing
    held: list[str] = []
    starting = True

    def handler(kind: QtMsgType, context: Any, message: str) -> None:
        category = getattr(context, "category", None) or "default"
        line = message if category == "default" else f"{category}: {message}"
        if kind == QtMsgType.QtFatalMsg and "platform plugin" in message:
            from rnn_studio.cli.parser import print_error

            print_error(platform_failure_hint("\n".join([*held, message])))
            if sys.stderr is not None:
                sys.stderr.flush()
            os._exit(1)
        if starting and category.startswith("qt.qpa"):
            held.append(line)
        elif sys.stderr is not None:
            sys.stderr.write(line + "\n")

    qInstallMessageHandler(handler)
    app = QApplication(argv)
    starting = False
    if held and sys.stderr is not None:
        sys.stderr.write("\n".join(held) + "\n")
    return app


def main(argv: list[str]) -> int:
    """``python rnn_studio/cli/qt_check.py [--packages core|x11|all]``.

    With ``--packages``, print the Debian/Ubuntu packages Qt needs (the one list ``dev.sh``,
    ``.ci/run`` and the installer workflow install or name); without it, print why Qt could
    not start here (exit status 1) or nothing (0). Runs as a plain script too: it needs only
    the standard library until it imports PySide6.
    """
    if argv[:1] == ["--packages"]:
        which = argv[1] if len(argv) > 1 else "all"
        lists = {"core": CORE_PACKAGES, "x11": X11_PACKAGES}
        lists["all"] = f"{CORE_PACKAGES} {X11_PACKAGES}"
        if which not in lists or len(argv) > 2:
            print(f"usage: qt_check.py [--packages {'|'.join(lists)}]", file=sys.stderr)
            return 2
        print(lists[which])
        return 0
    problem = qt_startup_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
