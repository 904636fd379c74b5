"""Bundled trained models ("the zoo"): trained by the project's own Trainer, shipped as ``.npz``.

``python -m rnn_studio.zoo build`` regenerates them (:mod:`rnn_studio.zoo.build`);
:mod:`rnn_studio.zoo.catalog` lists, loads and re-scores them; :mod:`rnn_studio.zoo.specs`
says how each one is trained; :mod:`rnn_studio.zoo.corpus` makes the course corpus the
next-character models learn from. Engine and resources only: no Qt.
"""

from rnn_studio.zoo.catalog import (
    ZooEntry,
    ZooError,
    load_zoo_model,
    score_zoo_model,
    zoo_entries,
    zoo_entry,
    zoo_names,
    zoo_task,
)

__all__ = [
    "ZooEntry",
    "ZooError",
    "load_zoo_model",
    "score_zoo_model",
    "zoo_entries",
    "zoo_entry",
    "zoo_names",
    "zoo_task",
]
