#!/usr/bin/env bash
# Build the portable archive for users without root, offline.
#   packaging/build_tarball.sh  -> packaging/out/rnn-studio-<version>-linux-<arch>.tar.gz
# Unpack anywhere and run ./rnn-studio-<version>/rnn-studio. Builds the bundle first if missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source packaging/common.sh
require_bundle

SECONDS=0
NAME="rnn-studio-$VERSION"
STAGE="$OUT/tarball/$NAME"
ARCHIVE="$OUT/$NAME-linux-$(uname -m).tar.gz"
rm -rf "$OUT/tarball" "$ARCHIVE"
mkdir -p "$STAGE/share"
cp -a "$BUNDLE" "$STAGE/app"
install -m 755 packaging/launcher.sh "$STAGE/rnn-studio"
install -m 755 packaging/install-desktop-entry.sh "$STAGE/install-desktop-entry.sh"
install -m 644 packaging/rnn-studio.desktop resources/icons/rnn-studio-256.png "$STAGE/share/"
install -m 644 LICENSE "$STAGE/LICENSE.txt"
cat > "$STAGE/README.txt" <<README
RNN Studio $VERSION (portable, Linux $(uname -m))

Run:               ./rnn-studio
Check the install: ./rnn-studio --self-check
Add to your menu:  ./install-desktop-entry.sh

Needs glibc 2.36 or newer (Debian 12, Ubuntu 22.10 or later) and the system's GL, EGL,
libxcb and fontconfig libraries. If the app says a library is missing, it names the
package to install.
README
tar -C "$OUT/tarball" -cf - "$NAME" | gzip -9 > "$ARCHIVE"
rm -rf "$OUT/tarball"
printf 'tarball: %s (%s) built in %d s\n' "$ARCHIVE" "$(du -h "$ARCHIVE" | cut -f1)" "$SECONDS"
