#!/usr/bin/env bash
# RNN Studio developer entry point: sets up a local virtual environment and runs the app or the tests.
#   ./dev.sh run [app arguments]   set up .venv and launch RNN Studio
#   ./dev.sh test [pytest args]    set up .venv with the test extra and run the whole suite headless,
#                                  on every core (pytest-xdist; -p no:xdist or -n 0 for one process)
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
        # With PYTHONDONTWRITEBYTECODE set, every app the tests start in a subprocess (~40)
        # compiled RNN Studio again (0.3-0.4 s CPU each): keep bytecode, in the venv, not
        # beside the sources.
        if [ -n "${PYTHONDONTWRITEBYTECODE:-}" ]; then
            unset PYTHONDONTWRITEBYTECODE
            case "$VENV" in /*) cache="$VENV/pycache" ;; *) cache="$PWD/$VENV/pycache" ;; esac
            export PYTHONPYCACHEPREFIX="${PYTHONPYCACHEPREFIX:-$cache}"
        fi
        hint_missing_qt_libraries
        # One pytest-xdist worker per core (RNN_STUDIO_TEST_WORKERS=N to choose), all in the one
        # random order pytest-randomly prints the seed of. Whole files go to a worker (a module
        # fixture, such as the corrupt-start one that starts the app 22 times, runs once), in
        # that random order (--no-loadscope-reorder: not fewest-tests-last, which would leave
        # the slow one-test files to the end). --dist loadgroup would do for marked tests only,
        # but does not group on pytest 9.2 (pytest-xdist issue 1386). Not when the caller chose
        # (-n N, -p no:xdist to debug in one process).
        workers=(-n "${RNN_STUDIO_TEST_WORKERS:-auto}" --dist loadfile --no-loadscope-reorder)
        for arg in "$@"; do
            case "$arg" in
                -n | -n* | --numprocesses | --numprocesses=* | no:xdist | -pno:xdist) workers=() ;;
            esac
        done
        exec "$VENV/bin/python" -m pytest ${workers[@]+"${workers[@]}"} "$@"
        ;;
    *)
        die "unknown command '$cmd'; use: ./dev.sh run | ./dev.sh test"
        ;;
esac
