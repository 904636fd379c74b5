#!/bin/sh
# RNN Studio portable launcher: run the bundled app from wherever this folder was unpacked.
# Usage: ./rnn-studio [options]   (./rnn-studio --help lists them)
# Add it to your desktop menu (no root needed): ./install-desktop-entry.sh
here=$(dirname "$(readlink -f "$0")")
exec "$here/app/rnn-studio" "$@"
