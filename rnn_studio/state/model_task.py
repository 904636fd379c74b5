"""A trained model file that remembers what it was trained on.

Train → Save writes the model (:mod:`rnn_studio.engine.io`) with the Train area's choices in
the description's ``task_info`` under ``"training"``: the task and the settings that shape
its data (lag, series, text and reading mode, seed) and the recipe (hidden size, steps,
optimiser ...). Train → Load rebuilds that very task, so a model trained at lag 60 reopens
on a lag-60 example, not the built-in lag-10 one. Files without it (older saves, models
from elsewhere) get :func:`~rnn_studio.state.open_trained.task_for_model`'s guess.
"""

from __future__ import annotations

import os
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from rnn_studio.atomic_files import atomic_write_bytes
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.io import (
    MAX_MODEL_BYTES,
    model_from_bytes,
    model_to_bytes,
    task_info_from_bytes,
)
from rnn_studio.engine.model import Model
from rnn_studio.engine.tasks import MemoryTask, Task
from rnn_studio.safe_read import read_file_bytes
from rnn_studio.state.open_trained import task_for_model
from rnn_studio.state.train_area import TrainingSetup, TrainingSetupError

TRAINING_KEY = "training"
#: The text task's training text is kept in the file up to this many characters.
MAX_KEPT_TEXT = 200_000
#: The choices that decide the task's data: models with equal ones share a task.
TASK_FIELDS = ("task", "text", "text_mode", "series", "lag", "seed")


def training_info(setup: TrainingSetup) -> dict[str, Any]:
    """The ``task_info`` a saved model carries: the Train area's choices (JSON-able)."""
    choices = asdict(setup)
    if len(choices["text"]) > MAX_KEPT_TEXT:
        choices["text"] = ""  # the book is too long to copy into every model file
    return {TRAINING_KEY: choices}


def setup_from_info(info: dict[str, Any] | None) -> TrainingSetup | None:
    """The Train area's choices stored in a model file, or None (absent or unusable)."""
    if not isinstance(info, dict) or not isinstance(info.get(TRAINING_KEY), dict):
        return None
    known = {field.name for field in fields(TrainingSetup)}
    choices = {key: value for key, value in info[TRAINING_KEY].items() if key in known}
    try:
        return TrainingSetup(**choices)
    except (TrainingSetupError, TypeError, ValueError):
        return None


def save_trained_model(
    path: str | os.PathLike[str], model: Model, setup: TrainingSetup | None
) -> Path:
    """Write ``model`` to ``path`` with the choices it was trained with (atomically)."""
    target = Path(path)
    info = training_info(setup) if setup is not None else None
    atomic_write_bytes(target, model_to_bytes(model, task_info=info))
    return target


def load_trained_model(path: str | os.PathLike[str]) -> tuple[Model, Task, TrainingSetup | None]:
    """Read a model file and the task to preview and open it on.

    Returns
    -------
    model : Model
    task : Task
        The task it was trained on when the file says (and it fits the model), else the
        built-in task that fits it.
    setup : TrainingSetup or None
        The stored choices, None when the file has none.

    Raises
    ------
    EngineError
        The file cannot be read as a model (the message names it and the problem).
    TrainedModelError
        No built-in task fits the model.
    """
    source = Path(path)
    try:
        data = read_file_bytes(source, MAX_MODEL_BYTES)
    except OSError as error:
        raise EngineError(f"Cannot read model file {source}: {error.strerror or error}") from None
    model = model_from_bytes(data, name=str(source))
    setup = setup_from_info(task_info_from_bytes(data, name=str(source)))
    if setup is not None and (setup.task != "text" or setup.text):
        try:
            task = setup.make_task()
        except TrainingSetupError:
            task = None
        if task is not None and fits(task, model):
            return model, task, setup
    return model, task_for_model(model), setup


def fits(task: Task | None, model: Model) -> bool:
    """True when ``model`` reads and answers in ``task``'s terms (tokens, labels, values)."""
    if task is None:
        return False
    vocabulary = getattr(task, "vocabulary", None)
    if model.task == "regress" or vocabulary is None:
        return model.task == "regress" and vocabulary is None
    if model.vocabulary is None or tuple(model.vocabulary.tokens) != tuple(vocabulary.tokens):
        return False
    labels = getattr(task, "labels", None)
    return (None if labels is None else tuple(labels)) == (
        None if model.labels is None else tuple(model.labels)
    )


def same_task(first: TrainingSetup | None, second: TrainingSetup | None) -> bool:
    """True when both choices give the same task data (:data:`TASK_FIELDS`)."""
    if first is None or second is None:
        return False
    return all(getattr(first, name) == getattr(second, name) for name in TASK_FIELDS)


def describe_task(task: Task) -> str:
    """A few words naming a task and its main setting (for the Train area's messages)."""
    if isinstance(task, MemoryTask):
        return f"the memory task at lag {task.lag}"
    return f"the {task.name} task"
