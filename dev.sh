#!/usr/bin/env bash
# RNN Studio developer entry point: sets up a local virtual environment and runs the app or the tests.
#   ./dev.sh run [app arguments]   set up .venv and launch RNN Studio
#   ./dev.sh test [pytest args]    set up .venv with the test extra and run the whole suite headless
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV="${RNN_STUDIO_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

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
# letting a test run fail with a raw plugin error. The list lives in rnn_studio/cli/qt_check.py
# (`rnn-studio` itself checks the same before it opens a window).
hint_missing_qt_libraries() {
    "$VENV/bin/python" rnn_studio/cli/qt_check.py || true
}

cmd="${1:-run}"
[ $# -gt 0 ] && shift
case "$cmd" in
    run)
        check_python; make_venv; install_project app
        exec "$VENV/bin/python" -m rnn_studio "$@"
        ;;
    test)
        check_python; make_venv; install_project test
        export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
        hint_missing_qt_libraries
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        die "unknown command '$cmd'; use: ./dev.sh run | ./dev.sh test"
        ;;
esac
