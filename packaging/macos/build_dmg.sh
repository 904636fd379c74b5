#!/usr/bin/env bash
# Build "RNN Studio.app" with PyInstaller and wrap it in a compressed .dmg, offline.
# UNTESTED on the Linux development machine: run on macOS by .github/workflows/installers.yml.
#   packaging/macos/build_dmg.sh   -> packaging/out/rnn-studio-<version>-macos-<arch>.dmg
# The app is not signed or notarised: the first start needs right-click > Open (Gatekeeper).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source packaging/common.sh
[ "$(uname -s)" = Darwin ] || { echo "build_dmg.sh: run this on macOS (needs hdiutil)" >&2; exit 1; }

packaging/build_bundle.sh   # the spec also makes the .app on macOS
APP="$OUT/dist/RNN Studio.app"
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/rnn-studio" --self-check

SECONDS=0
DMG="$OUT/rnn-studio-$VERSION-macos-$(uname -m).dmg"
STAGE="$OUT/dmg"
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"   # drag the app onto it to install
hdiutil create -volname "RNN Studio $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"
printf 'dmg: %s (%s) built in %d s\n' "$DMG" "$(du -h "$DMG" | cut -f1)" "$SECONDS"
