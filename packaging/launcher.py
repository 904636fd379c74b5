"""Entry script PyInstaller freezes: the same ``main`` as the ``rnn-studio`` console script."""

import sys

from rnn_studio.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
