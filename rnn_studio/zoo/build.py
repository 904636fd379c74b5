"""Train the bundled models with the project's own :class:`~rnn_studio.engine.train.Trainer`.

``python -m rnn_studio.zoo build`` runs :func:`build`: every spec in
:data:`rnn_studio.zoo.specs.SPECS` is trained from its fixed seeds on one BLAS thread (so
the floating-point sums run in the same order every time), scored on its task's held-out
data next to a baseline (chance, a bigram count model, or "the next value equals this
one"), and written to ``resources/models/<name>.npz`` (no pickle; float32 weights, see
:data:`STORED_DTYPE`; the task, options, scores and recipe hash are stored in the file's
description) and ``index.json``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnn_studio.atomic_files import atomic_write_bytes, atomic_write_text
from rnn_studio.engine.blas import limit_blas_threads
from rnn_studio.engine.io import model_from_bytes, model_to_bytes
from rnn_studio.engine.model import Model
from rnn_studio.engine.tasks import ForecastTask, Task, TextTask
from rnn_studio.engine.train import Trainer
from rnn_studio.zoo.catalog import INDEX_FILE, INDEX_VERSION, training_text
from rnn_studio.zoo.specs import SPECS, ZooSpec, make_zoo_task

STORED_DTYPE = "float32"
"""Precision of the shipped weights: float32 halves the files (the first twelve models took
556 KB in float64, 301 KB in float32; 386 KB with repeat-gru), and every model scores within
0.01 of its float64 self (the index records both; tests/zoo/test_zoo.py checks). The app
computes in float64 all the same."""


@dataclass(frozen=True)
class Built:
    """One trained model and its index entry.

    Attributes
    ----------
    spec : ZooSpec
    model : Model
    entry : dict
        The index entry (JSON-able).
    data : bytes
        The ``.npz`` file.
    seconds : float
        Training time.
    """

    spec: ZooSpec
    model: Model
    entry: dict[str, Any]
    data: bytes
    seconds: float


def shipped_model(model: Model) -> Model:
    """``model`` as its bundled file gives it back: weights rounded to
    :data:`STORED_DTYPE`, computing in float64."""
    rounded = model_from_bytes(model_to_bytes(model, dtype=STORED_DTYPE))
    return model_from_bytes(model_to_bytes(rounded, dtype="float64"))


def baseline(task: Task) -> tuple[str, float]:
    """The number to beat on ``task``'s held-out data, and its name."""
    if isinstance(task, TextTask):
        return "bigram", task.bigram_baseline()
    if isinstance(task, ForecastTask):
        return "persistence", task.persistence_baseline()
    assert task.chance is not None
    return "chance", float(task.chance)


def build_one(spec: ZooSpec) -> Built:
    """Train ``spec`` from scratch and describe the result."""
    limit_blas_threads(1)
    text = training_text(spec.task, spec.options)
    task = make_zoo_task(spec.task, spec.options, text)
    model = task.make_model(spec.cell, spec.hidden_size, seed=spec.seed)
    began = time.perf_counter()
    summary = Trainer(model, task, spec.config()).run()
    seconds = time.perf_counter() - began
    if summary.status != "finished":
        raise RuntimeError(f"{spec.name}: training {summary.status}: {summary.message}")
    # The file keeps float32 weights (half the size); the index scores what ships: the
    # rounded weights, read back in float64 as load_zoo_model reads them.
    shipped = shipped_model(model)
    evaluation = task.evaluate(shipped)
    trained_evaluation = task.evaluate(model)
    baseline_name, baseline_value = baseline(task)
    entry = {
        "name": spec.name,
        "file": f"{spec.name}.npz",
        "task": spec.task,
        "cell": spec.cell,
        "hidden_size": spec.hidden_size,
        "summary": spec.summary,
        "metric": evaluation.metric_name,
        "score": round(evaluation.metric, 6),
        "loss": round(evaluation.loss, 6),
        "baseline_name": baseline_name,
        "baseline": round(baseline_value, 6),
        "options": dict(spec.options),
        "digest": spec.digest(text),
        "stored_dtype": STORED_DTYPE,
        "float64_score": round(trained_evaluation.metric, 6),
    }
    data = model_to_bytes(model, task_info=entry, dtype=STORED_DTYPE)
    return Built(spec, model, entry, data, seconds)


def build(
    names: Iterable[str] | None = None,
    out_dir: Path | None = None,
    on_built: Callable[[Built], Any] | None = None,
) -> list[Built]:
    """Train the named specs (all by default) and write them and the index to ``out_dir``.

    Entries of models not rebuilt are kept from the existing index.
    """
    from rnn_studio.resources import resource_path

    target = Path(str(resource_path("models"))) if out_dir is None else Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    wanted = set(names) if names is not None else {spec.name for spec in SPECS}
    unknown = wanted - {spec.name for spec in SPECS}
    if unknown:
        raise ValueError(f"No zoo spec {sorted(unknown)}; see rnn_studio/zoo/specs.py.")
    index_path = target / INDEX_FILE
    old: dict[str, Any] = {}
    if index_path.exists():
        old = {item["name"]: item for item in json.loads(index_path.read_text())["models"]}
    results = []
    entries = []
    for spec in SPECS:
        if spec.name not in wanted:
            if spec.name in old:
                entries.append(old[spec.name])
            continue
        built = build_one(spec)
        atomic_write_bytes(target / built.entry["file"], built.data)
        os.chmod(target / built.entry["file"], 0o644)  # package data: readable by all
        entries.append(built.entry)
        results.append(built)
        if on_built is not None:
            on_built(built)
    document = {"version": INDEX_VERSION, "models": entries}
    atomic_write_text(index_path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    os.chmod(index_path, 0o644)
    return results
