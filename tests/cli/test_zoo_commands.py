"""``rnn-studio models``, ``predict`` and ``export --model/--weights``: the stable formats."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from rnn_studio.__main__ import main
from rnn_studio.engine.losses import softmax
from rnn_studio.zoo import load_zoo_model, score_zoo_model, zoo_entries


@pytest.fixture(autouse=True)
def user_home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path / "home"))


def run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


def test_models_lists_name_cell_task_and_held_out_score(capsys):
    status, lines, _ = run(capsys, "models")
    assert status == 0 and len(lines) == len(zoo_entries())
    for line, entry in zip(lines, zoo_entries(), strict=True):
        name, cell, task, metric, score, baseline = line.split("\t")
        assert (name, cell, task, metric) == (entry.name, entry.cell, entry.task, entry.metric)
        assert baseline.split() == [entry.baseline_name, f"{entry.baseline:.4f}"]
        # What the listing says is what the model scores, recomputed here.
        assert score_zoo_model(entry).metric == pytest.approx(float(score), abs=0.01)


def test_predict_sentiment_one_line_per_word_then_the_label(capsys):
    status, lines, _ = run(capsys, "predict", "--model", "sentiment-lstm", "--sequence", "not bad")
    assert status == 0 and len(lines) == 3
    model = load_zoo_model("sentiment-lstm")
    probabilities = model.probabilities(model.vocabulary.encode(["not", "bad"]))
    for t, (line, word) in enumerate(zip(lines[:2], ("not", "bad"), strict=True)):
        fields = line.split("\t")
        label = model.labels[int(np.argmax(probabilities[t]))]
        assert fields == [str(t), word, label, f"{probabilities[t].max():.4f}"]
    assert lines[-1] == f"prediction: positive {probabilities[-1, 1]:.4f}"
    _, lines, _ = run(capsys, "predict", "--model", "sentiment-gru", "--sequence", "bad")
    assert lines[-1].startswith("prediction: negative ")


def test_predict_characters_shows_blanks_and_the_next_character(capsys):
    status, lines, _ = run(capsys, "predict", "--model", "chars-gru", "--sequence", "the state")
    assert status == 0 and len(lines) == 10
    assert lines[3].split("\t")[1] == "␣"
    model = load_zoo_model("chars-gru")
    logits = model.forward(model.vocabulary.encode(list("the state")))[1]
    best = softmax(logits).argmax(axis=-1)
    predicted = [line.split("\t")[2] for line in lines[:-1]]
    expected = [{" ": "␣", "\n": "↵"}.get(c, c) for c in model.vocabulary.decode(best)]
    assert predicted == expected
    assert lines[-1] == f"prediction: {expected[-1]} {softmax(logits)[-1].max():.4f}"


def test_predict_values_leave_the_probability_blank(capsys):
    status, lines, _ = run(
        capsys, "predict", "--model", "forecast-sine-lstm", "--sequence", "0, 0.259, 0.5, 0.707"
    )
    assert status == 0 and len(lines) == 5
    for t, line in enumerate(lines[:-1]):
        fields = line.split("\t")
        assert len(fields) == 4 and fields[0] == str(t) and fields[3] == ""
    value = float(lines[-1].removeprefix("prediction: "))
    assert value == pytest.approx(np.sin(2 * np.pi * 4 / 24), abs=0.1)  # the sine goes on


def test_predict_names_unknown_tokens_and_wrong_modes(capsys):
    status, lines, err = run(capsys, "predict", "--model", "chars-lstm", "--sequence", "Hi €!")
    assert status == 1 and not lines
    assert "'H'" in err and "'€'" in err and "does not know" in err and "'!'" not in err
    status, _, err = run(capsys, "predict", "--model", "sentiment-rnn", "--sequence", "not fab")
    assert status == 1 and "'fab'" in err
    status, _, err = run(
        capsys, "predict", "--model", "sentiment-rnn", "--sequence", "x", "--mode", "chars"
    )
    assert status == 1 and "reads words" in err
    status, _, err = run(capsys, "predict", "--model", "nope", "--sequence", "x")
    assert status == 1 and "No bundled model 'nope'" in err and "sentiment-lstm" in err


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_export_with_a_model_adds_one_probability_column_per_output(tmp_path, capsys):
    out = tmp_path / "trained.csv"
    status, lines, _ = run(
        capsys, "export", "--model", "sentiment-lstm", "--sequence", "not bad", "--out", str(out)
    )
    assert status == 0 and "lstm" in lines[-1]
    header, rows = read_csv(out)
    assert header[-2:] == ["p_negative", "p_positive"] and "grad_norm" in header
    assert [row[1] for row in rows] == ["not", "bad"]
    p = np.array([[float(row[-2]), float(row[-1])] for row in rows])
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-8)
    model = load_zoo_model("sentiment-lstm")
    np.testing.assert_allclose(p, model.probabilities(model.vocabulary.encode(["not", "bad"])))

    random_out = tmp_path / "random.csv"
    args = ["export", "--model", "sentiment-lstm", "--sequence", "not bad"]
    assert main([*args, "--weights", "random", "--seed", "3", "--out", str(random_out)]) == 0
    random_header, random_rows = read_csv(random_out)
    assert random_header == header
    q = np.array([[float(row[-2]), float(row[-1])] for row in random_rows])
    assert not np.allclose(p, q) and p[-1, 1] > 0.9  # training, not the architecture, decides


def test_export_chars_model_names_every_character_and_forecast_gives_y_pred(tmp_path, capsys):
    out = tmp_path / "chars.csv"
    assert main(["export", "--model", "chars-rnn", "--sequence", "a b", "--out", str(out)]) == 0
    header, rows = read_csv(out)
    vocabulary = load_zoo_model("chars-rnn").vocabulary
    p_columns = [column for column in header if column.startswith("p_")]
    # The real tokens, as the studio's CSV writes them: a space is a (quoted) space.
    assert len(p_columns) == len(vocabulary) and "p_ " in p_columns and "p_\n" in p_columns
    assert rows[1][1] == " "
    out = tmp_path / "sine.csv"
    args = ["export", "--model", "forecast-sine-lstm", "--sequence", "0, 0.5, 0.87"]
    assert main([*args, "--out", str(out)]) == 0
    header, rows = read_csv(out)
    assert header[-1] == "y_pred" and not any(column.startswith("p_") for column in header)
    assert float(rows[-1][-1]) == pytest.approx(1.0, abs=0.1)


def test_export_model_options_that_contradict_it_are_refused(tmp_path, capsys):
    out = str(tmp_path / "x.csv")
    base = ["export", "--sequence", "not bad", "--out", out]
    for extra, message in (
        (["--weights", "trained"], "needs --model"),
        (["--model", "sentiment-lstm", "--cell", "gru"], "is a lstm model"),
        (["--model", "sentiment-lstm", "--hidden", "5"], "16 hidden units"),
        (["--model", "sentiment-lstm", "--mode", "chars"], "reads words"),
        (["--model", "nope"], "No bundled model"),
    ):
        status, _, err = run(capsys, *base, *extra)
        assert status == 1 and message in err, (extra, err)
