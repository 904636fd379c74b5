"""The bundled models: ``resources/models/index.json`` and the ``.npz`` files beside it.

::

    from rnn_studio.zoo import zoo_entries, load_zoo_model, score_zoo_model
    for entry in zoo_entries():
        print(entry.name, entry.cell, entry.task, entry.metric, entry.score)
    model = load_zoo_model("sentiment-lstm")            # an engine Model, float64
    score_zoo_model(zoo_entry("sentiment-lstm"), model)  # re-measured on the held-out data

The index is validated on load: a missing or malformed field raises :class:`ZooError`
naming the file and the field.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.io import model_from_bytes, model_to_bytes
from rnn_studio.engine.model import Model
from rnn_studio.engine.tasks import Evaluation, Task
from rnn_studio.resources import resource_path
from rnn_studio.texts import bundled_text
from rnn_studio.zoo.corpus import repeats_corpus
from rnn_studio.zoo.specs import COURSE_TEXT_ID, REPEATS_CORPUS, make_zoo_task

MODELS_DIR = "models"
INDEX_FILE = "index.json"
INDEX_VERSION = 1


class ZooError(ValueError):
    """A bundled model that does not exist or cannot be read; the message says which."""


@dataclass(frozen=True)
class ZooEntry:
    """One bundled model as the index describes it.

    Attributes
    ----------
    name, file, task, cell : str
    hidden_size : int
    summary : str
        What the model does, in one line.
    metric : {"accuracy", "loss"}
    score : float
        Held-out accuracy, or held-out loss (nats per character for text, MSE in
        standard deviations for forecasts), measured by the build.
    loss : float
        Held-out loss (the same as ``score`` for loss tasks).
    baseline_name : {"chance", "bigram", "persistence"}
    baseline : float
        What guessing, a bigram count model or "the next value equals this one" scores on
        the same held-out data.
    options : dict
        Task options (``lag``, ``series``, ``sequence_length``).
    digest : str
        Hash of the recipe it was built from (:meth:`rnn_studio.zoo.specs.ZooSpec.digest`).
    """

    name: str
    file: str
    task: str
    cell: str
    hidden_size: int
    summary: str
    metric: str
    score: float
    loss: float
    baseline_name: str
    baseline: float
    options: dict[str, Any]
    digest: str

    @property
    def higher_is_better(self) -> bool:
        """True for accuracy, False for a loss."""
        return self.metric == "accuracy"


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "file": str,
    "task": str,
    "cell": str,
    "hidden_size": int,
    "summary": str,
    "metric": str,
    "score": (int, float),
    "loss": (int, float),
    "baseline_name": str,
    "baseline": (int, float),
    "options": dict,
    "digest": str,
}


def parse_index(
    document: Any, where: str = f"resources/{MODELS_DIR}/{INDEX_FILE}"
) -> list[ZooEntry]:
    """Validate an index document and return its entries (``where`` names it in errors)."""
    if not isinstance(document, dict) or document.get("version") != INDEX_VERSION:
        raise ZooError(f'{where}: expected an object with "version": {INDEX_VERSION}')
    models = document.get("models")
    if not isinstance(models, list):
        raise ZooError(f"{where}: 'models' must be a list")
    entries = []
    for position, item in enumerate(models):
        if not isinstance(item, dict):
            raise ZooError(f"{where}: models[{position}] must be an object")
        for key, kind in _FIELDS.items():
            value = item.get(key)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ZooError(f"{where}: models[{position}].{key} is missing or of the wrong type")
        entries.append(ZooEntry(**{key: item[key] for key in _FIELDS}))
    return entries


@functools.cache
def zoo_entries() -> tuple[ZooEntry, ...]:
    """Every bundled model, in the order of the index."""
    try:
        text = resource_path(MODELS_DIR, INDEX_FILE).read_text(encoding="utf-8")
    except OSError as error:
        raise ZooError(f"Cannot read the bundled model index: {error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ZooError(f"resources/{MODELS_DIR}/{INDEX_FILE} is not valid JSON: {error}") from None
    return tuple(parse_index(document))


def zoo_names() -> tuple[str, ...]:
    """Names of the bundled models."""
    return tuple(entry.name for entry in zoo_entries())


def zoo_entry(name: str) -> ZooEntry:
    """The index entry called ``name``.

    Raises
    ------
    ZooError
        No bundled model has that name (the message lists the names).
    """
    for entry in zoo_entries():
        if entry.name == name:
            return entry
    raise ZooError(f"No bundled model {name!r}. Bundled: {', '.join(zoo_names())}.")


def zoo_model_bytes(name: str) -> bytes:
    """The ``.npz`` file of a bundled model, as bytes."""
    entry = zoo_entry(name)
    try:
        return resource_path(MODELS_DIR, entry.file).read_bytes()
    except OSError as error:
        raise ZooError(f"Cannot read the bundled model {name!r}: {error}") from None


def load_zoo_model(name: str) -> Model:
    """A fresh copy of the bundled model ``name`` (change it freely), in float64.

    The file stores float32 weights (:data:`rnn_studio.zoo.build.STORED_DTYPE`); they are
    widened exactly to float64, the precision the studio and the engine's checks use.
    """
    label = f"bundled model {name!r}"
    try:
        model = model_from_bytes(zoo_model_bytes(name), name=label)
        if model.dtype != np.float64:
            model = model_from_bytes(model_to_bytes(model, dtype=np.float64), name=label)
        return model
    except EngineError as error:
        raise ZooError(str(error)) from None


@functools.cache
def course_text() -> str:
    """The text the next-character models learned from (``resources/texts/course.txt``)."""
    return bundled_text(COURSE_TEXT_ID).text


def training_text(task: str, options: dict[str, Any]) -> str | None:
    """The text a text-task model learns from: the course corpus, or the repeated made-up
    words when ``options["corpus"]`` is ``"repeats"``; None for the other tasks."""
    if task != "text":
        return None
    if options.get("corpus") == REPEATS_CORPUS:
        return repeats_corpus()
    return course_text()


def zoo_task(entry: ZooEntry) -> Task:
    """The task ``entry`` was trained on, with the same held-out data."""
    return make_zoo_task(entry.task, entry.options, training_text(entry.task, entry.options))


def score_zoo_model(entry: ZooEntry, model: Model | None = None) -> Evaluation:
    """Held-out loss and metric of ``model`` (by default the bundled one) on ``entry``'s task."""
    model = load_zoo_model(entry.name) if model is None else model
    return zoo_task(entry).evaluate(model)
