#!/bin/sh
# Add RNN Studio from this unpacked folder to your desktop menu, for you only (no root):
# a .desktop file in ~/.local/share/applications and the icon in ~/.local/share/icons.
# Run it again after moving the folder; remove with: ./install-desktop-entry.sh --remove
set -eu
here=$(dirname "$(readlink -f "$0")")
data="${XDG_DATA_HOME:-$HOME/.local/share}"
entry="$data/applications/rnn-studio.desktop"
icon="$data/icons/hicolor/256x256/apps/rnn-studio.png"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry" "$icon"
    echo "Removed $entry and $icon"
    exit 0
fi
mkdir -p "$(dirname "$entry")" "$(dirname "$icon")"
cp "$here/share/rnn-studio-256.png" "$icon"
sed "s|^Exec=.*|Exec=\"$here/rnn-studio\"|" "$here/share/rnn-studio.desktop" > "$entry"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
echo "Added RNN Studio to your menu ($entry)"
