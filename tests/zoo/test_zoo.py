"""The bundled models: they load, score what the index says, keep their promises, and the
build that made them is the one in the repository."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from rnn_studio.engine.io import model_from_bytes, task_info_from_bytes
from rnn_studio.resources import resource_path
from rnn_studio.zoo import (
    ZooError,
    load_zoo_model,
    score_zoo_model,
    zoo_entries,
    zoo_entry,
    zoo_names,
)
from rnn_studio.zoo.build import build_one
from rnn_studio.zoo.catalog import course_text, parse_index, training_text, zoo_model_bytes
from rnn_studio.zoo.corpus import ALPHABET, fold
from rnn_studio.zoo.specs import SPECS, spec

ENTRIES = zoo_entries()


def test_index_lists_every_spec_in_order():
    assert zoo_names() == tuple(s.name for s in SPECS)
    cells = {(entry.task, entry.cell) for entry in ENTRIES}
    for task in ("sentiment", "text", "memory"):
        assert {(task, cell) for cell in ("rnn", "lstm", "gru")} <= cells
    assert {entry.options.get("series") for entry in ENTRIES if entry.task == "forecast"} >= {
        "sine",
        "walk",
    }


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_each_model_loads_and_scores_what_the_index_says(entry):
    model = load_zoo_model(entry.name)
    assert model.kind == entry.cell and model.hidden_size == entry.hidden_size
    evaluation = score_zoo_model(entry, model)  # recomputed here on the held-out data
    assert evaluation.metric_name == entry.metric
    assert evaluation.metric == pytest.approx(entry.score, abs=0.01)
    assert evaluation.loss == pytest.approx(entry.loss, abs=0.01)
    # The file describes itself: the same entry is stored inside the .npz.
    info = task_info_from_bytes(zoo_model_bytes(entry.name))
    assert info is not None and info["name"] == entry.name and info["score"] == entry.score


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_each_model_was_built_from_the_current_recipe(entry):
    text = training_text(entry.task, entry.options)
    assert entry.digest == spec(entry.name).digest(text), (
        f"{entry.name}: the recipe or the course text changed; run python -m rnn_studio.zoo build"
    )


def test_models_keep_the_promises_of_the_issue():
    by_name = {entry.name: entry for entry in ENTRIES}
    for cell in ("rnn", "lstm", "gru"):
        assert by_name[f"sentiment-{cell}"].score >= 0.95
        chars = by_name[f"chars-{cell}"]
        assert chars.baseline_name == "bigram" and chars.score < chars.baseline - 0.5
    for cell in ("lstm", "gru"):
        assert by_name[f"memory100-{cell}"].score >= 0.95
        assert by_name[f"memory100-{cell}"].options["lag"] >= 100
    assert by_name["memory100-rnn"].score <= by_name["memory100-rnn"].baseline + 0.1
    repeat = by_name["repeat-gru"]  # copies made-up words: far below the bigram
    assert repeat.options["corpus"] == "repeats" and repeat.score < repeat.baseline - 1.0
    for entry in ENTRIES:
        if entry.task == "forecast":
            assert entry.baseline_name == "persistence"
            assert entry.score <= 1.02 * entry.baseline, entry.name  # a trained cell, not a fit


def test_files_are_plain_float32_arrays_and_a_few_hundred_kb():
    total = 0
    for entry in ENTRIES:
        data = zoo_model_bytes(entry.name)
        total += len(data)
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            assert all(archive[key].dtype != object for key in archive.files)
            weights = [archive[key] for key in archive.files if archive[key].dtype.kind == "f"]
            assert weights and all(array.dtype == np.float32 for array in weights), entry.name
    assert total < 450_000  # 386 KB with the 13 models of this build


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_float32_storage_scores_within_tolerance_of_the_float64_model(entry):
    """The index keeps the float64 model's score beside the shipped one's; they agree (the
    shipped one is re-scored in the test above)."""
    info = task_info_from_bytes(zoo_model_bytes(entry.name))
    assert info is not None and info["stored_dtype"] == "float32"
    assert info["float64_score"] == pytest.approx(entry.score, abs=0.01)
    model = load_zoo_model(entry.name)  # computes in float64
    assert all(value.dtype == np.float64 for value in model.params.values())


def test_build_is_deterministic():
    # Retrain the smallest model from its recipe and compare with the shipped file.
    name = "sentiment-rnn"
    built = build_one(spec(name))
    shipped = model_from_bytes(zoo_model_bytes(name))
    for key, value in shipped.params.items():  # float32 in the file: rounded, then equal
        np.testing.assert_array_equal(built.model.params[key].astype(np.float32), value, key)
    assert built.entry["score"] == zoo_entry(name).score
    assert built.entry["digest"] == zoo_entry(name).digest
    # On the same machine the file is the same byte for byte (fixed zip dates, one thread).
    rebuilt = build_one(spec(name))
    assert rebuilt.data == built.data


def test_unknown_model_and_bad_index_are_named():
    with pytest.raises(ZooError, match=r"No bundled model 'nope'.*sentiment-lstm"):
        load_zoo_model("nope")
    document = json.loads(resource_path("models", "index.json").read_text(encoding="utf-8"))
    del document["models"][2]["score"]
    with pytest.raises(ZooError, match=r"models\[2\]\.score"):
        parse_index(document)
    with pytest.raises(ZooError, match="version"):
        parse_index({"models": []})


def test_course_corpus_is_folded_prose():
    text = course_text()
    assert len(text) > 50_000 and set(text) <= ALPHABET
    assert "hidden state" in text and "[[" not in text and "{{" not in text
    assert fold("The [[hidden state|memory]] “x<sub>t</sub>” {{demo:a|Show me}}") == (
        'the memory "xt"'
    )
