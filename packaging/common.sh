# Shared settings for the packaging scripts (sourced, not run).
# shellcheck shell=bash
VERSION="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' rnn_studio/__init__.py)"
[ -n "$VERSION" ] || { echo "packaging: cannot read __version__ from rnn_studio/__init__.py" >&2; exit 1; }
OUT=packaging/out
BUNDLE="$OUT/dist/rnn-studio"
ICON_SIZES="16 24 32 48 64 128 256 512"
METAINFO_ID=io.github.rnnstudio.RNNStudio

# System packages the bundle loads from the machine rather than carrying: glibc (the build
# machine's, 2.36 on Debian 12), the GL/EGL dispatchers, libxcb (PyInstaller never bundles it),
# the Wayland client libraries, and fontconfig's configuration, which also pulls in a font.
# packaging/check_system_libraries.py verifies this list against `ldd` of every bundled file.
# Where the .deb puts the bundle (relative to /): a folder of its own under /usr/lib.
DEB_BUNDLE_DIR="usr/lib/rnn-studio"
# Read aloud (Learn area) uses espeak-ng when it is installed.
DEB_SUGGESTS="espeak-ng"
DEB_DEPENDS="libc6 (>= 2.36), libgl1, libegl1, libxcb1, libwayland-client0, libwayland-cursor0, libwayland-egl1, fontconfig-config"

require_bundle() {
    if [ ! -x "$BUNDLE/rnn-studio" ]; then
        echo "packaging: no bundle in $BUNDLE yet; building it first" >&2
        packaging/build_bundle.sh
    fi
}
