#!/usr/bin/env bash
# Build RNN Studio's PyInstaller one-folder bundle, offline, and smoke-test it.
#   packaging/build_bundle.sh          -> packaging/out/dist/rnn-studio/rnn-studio
# Needs PyInstaller in the virtual environment: .venv/bin/pip install -e ".[package]"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
source packaging/common.sh
"$PYTHON" -c 'import PyInstaller' 2>/dev/null \
    || { echo "build_bundle.sh: PyInstaller missing; run: $PYTHON -m pip install -e '.[package]'" >&2; exit 1; }

SECONDS=0
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT/dist" --workpath "$OUT/build" packaging/rnn-studio.spec
seconds=$SECONDS

# Debug symbols are most of libpython's size. PyInstaller's own strip option would also strip
# the auditwheel-repaired libraries in *.libs/ (numpy's OpenBLAS), which that corrupts
# ("ELF load command address/offset not page-aligned"), so strip the others here.
if [ "$(uname -s)" = Linux ] && command -v strip >/dev/null && command -v file >/dev/null; then
    find "$BUNDLE" -type f -name '*.so*' -not -path '*.libs/*' -print0 \
        | while IFS= read -r -d '' library; do
            if file "$library" | grep -q 'not stripped'; then strip --strip-unneeded "$library"; fi
        done
fi
# Pruned Qt libraries leave PyInstaller's top-level symlinks to them dangling.
if [ "$(uname -s)" = Linux ]; then find "$BUNDLE" -xtype l -delete; fi
# MP4 export runs the ffmpeg program imageio-ffmpeg ships, collected as a data file: it must
# keep its executable bit (PyInstaller >= 6.0 copies it from the source file) and run here.
# Without it imageio-ffmpeg would quietly look for a system ffmpeg that lab machines lack.
if [ "$(uname -s)" = Linux ]; then
    ffmpeg=$(find "$BUNDLE/_internal/imageio_ffmpeg/binaries" -maxdepth 1 -type f -name 'ffmpeg*' | head -n 1)
    [ -n "$ffmpeg" ] || { echo "build_bundle.sh: no ffmpeg in the bundle (imageio_ffmpeg/binaries)" >&2; exit 1; }
    [ -x "$ffmpeg" ] || { echo "build_bundle.sh: $ffmpeg is not executable" >&2; exit 1; }
    "$ffmpeg" -hide_banner -version | sed -n 1p
fi
"$BUNDLE/rnn-studio" --version   # prints nothing on Windows, where the app has no console
printf 'bundle: %s (%s) built in %d s\n' "$BUNDLE" "$(du -sh "$BUNDLE" | cut -f1)" "$seconds"
