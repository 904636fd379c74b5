#!/usr/bin/env bash
# RNN Studio developer entry point: sets up a local virtual environment and runs the app or the tests.
#   ./dev.sh run [app arguments]   set up .venv and launch RNN Studio
#   ./dev.sh test [pytest args]    set up .venv with the test extra and run the whole suite headless
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV="${RNN_STUDIO_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
QT_DEBIAN_PACKAGES="libegl1 libgl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0"
QT_X11_PACKAGES="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0"

die() { echo "dev.sh: $*" >&2; exit 1; }

check_python() {
    command -v "$PYTHON" >/dev/null || die "$PYTHON not found; install Python 3.10 or newer."
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "Python 3.10 or newer is needed; $PYTHON is $("$PYTHON" -V 2>&1)."
}

make_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        echo "Creating virtual environment in $VENV ..."
        if ! "$PYTHON" -m venv "$VENV"; then
            rm -rf "$VENV"
            die "could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"
        fi
    fi
}

install_project() {
    local extra="$1" stamp="$VENV/.installed-$1"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        echo "Installing RNN Studio ($extra) into $VENV ..."
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        if [ "$extra" = "app" ]; then
            "$VENV/bin/python" -m pip install --quiet -e .
        else
            "$VENV/bin/python" -m pip install --quiet -e ".[$extra]"
        fi
        touch "$stamp"
    fi
}

# Qt needs a few system libraries that minimal Debian/Ubuntu installs lack; name them instead of
# letting Qt fail with a raw plugin error.
hint_missing_qt_libraries() {
    command -v ldconfig >/dev/null || return 0
    local missing=() lib
    for lib in libEGL.so.1 libGL.so.1 libfontconfig.so.1 libglib-2.0.so.0 libdbus-1.so.3 libxkbcommon.so.0; do
        ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("$lib")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "Qt needs system libraries that are missing: ${missing[*]}" >&2
        echo "Install them with: sudo apt-get install $QT_DEBIAN_PACKAGES" >&2
    fi
    if [ -n "${DISPLAY:-}" ] && ! ldconfig -p 2>/dev/null | grep -q libxcb-cursor.so.0; then
        echo "For a window on X11, also install: sudo apt-get install $QT_X11_PACKAGES" >&2
    fi
}

cmd="${1:-run}"
[ $# -gt 0 ] && shift
case "$cmd" in
    run)
        check_python; make_venv; install_project app; hint_missing_qt_libraries
        exec "$VENV/bin/python" -m rnn_studio "$@"
        ;;
    test)
        check_python; make_venv; install_project test; hint_missing_qt_libraries
        export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        die "unknown command '$cmd'; use: ./dev.sh run | ./dev.sh test"
        ;;
esac
