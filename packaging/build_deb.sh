#!/usr/bin/env bash
# Build the Debian package from the PyInstaller bundle, offline.
#   packaging/build_deb.sh     -> packaging/out/rnn-studio_<version>_<arch>.deb
# Builds the bundle first (packaging/build_bundle.sh) if packaging/out/dist/rnn-studio is missing.
# Layout: /usr/lib/rnn-studio (the bundle), /usr/bin/rnn-studio (symlink), the .desktop file,
# hicolor icons, AppStream metainfo and the copyright file. Not /opt: no Debian package owns
# /opt, so a .deb that ships it takes it over and `apt-get remove` deletes an empty /opt.
# Every folder the package lists is either its own or one many packages share (/usr/lib ...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source packaging/common.sh
require_bundle

SECONDS=0
ARCH="$(dpkg --print-architecture)"
ROOT="$OUT/deb/rnn-studio_${VERSION}_${ARCH}"
DEB="$OUT/rnn-studio_${VERSION}_${ARCH}.deb"
rm -rf "$ROOT" "$DEB"
mkdir -p "$ROOT/DEBIAN" "$ROOT/usr/lib" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
    "$ROOT/usr/share/metainfo" "$ROOT/usr/share/doc/rnn-studio" \
    "$ROOT/usr/share/icons/hicolor/scalable/apps"

cp -a "$BUNDLE" "$ROOT/$DEB_BUNDLE_DIR"
ln -s "/$DEB_BUNDLE_DIR/rnn-studio" "$ROOT/usr/bin/rnn-studio"
install -m 644 packaging/rnn-studio.desktop "$ROOT/usr/share/applications/rnn-studio.desktop"
install -m 644 "packaging/$METAINFO_ID.metainfo.xml" "$ROOT/usr/share/metainfo/"
install -m 644 resources/icons/rnn-studio.svg "$ROOT/usr/share/icons/hicolor/scalable/apps/"
for size in $ICON_SIZES; do
    mkdir -p "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps"
    install -m 644 "resources/icons/rnn-studio-$size.png" \
        "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps/rnn-studio.png"
done
{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: RNN Studio"
    echo
    echo "Files: *"
    echo "License: MIT"
    sed 's/^$/./; s/^/ /' LICENSE
    echo
    echo "Files: $DEB_BUNDLE_DIR/_internal/*"
    echo "Comment: Python, NumPy, Qt (LGPL-3.0), PySide6 (LGPL-3.0), pyqtgraph (MIT) and the"
    echo " system libraries they load, as shipped by their authors; see the licence files"
    echo " inside the bundle."
} > "$ROOT/usr/share/doc/rnn-studio/copyright"

# Permissions as Debian expects them, whatever the umask of the build.
find "$ROOT" -type d -exec chmod 755 {} +
find "$ROOT" -type f -exec chmod go-w {} +

cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: rnn-studio
Version: $VERSION
Architecture: $ARCH
Maintainer: RNN Studio developers <rnnstudio@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Depends: $DEB_DEPENDS
Suggests: $DEB_SUGGESTS
Section: education
Priority: optional
Homepage: https://github.com/rnnstudio/rnn-studio
Description: learn how recurrent neural networks work by watching one work
 RNN Studio steps a vanilla RNN, an LSTM or a GRU through a sequence one time
 step at a time and shows its hidden state, gates and the gradients of
 backpropagation through time, with lessons, a glossary and flashcards.
 .
 Everything ships inside the package (Python, Qt, NumPy): it needs no
 network, ever.
CONTROL

dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >/dev/null
rm -rf "$ROOT"
printf 'deb: %s (%s) built in %d s\n' "$DEB" "$(du -h "$DEB" | cut -f1)" "$SECONDS"
