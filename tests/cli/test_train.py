"""``rnn-studio train``: trains, saves, prints progress and ends with the final metric."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

from rnn_studio.__main__ import main
from rnn_studio.engine.io import load_model


@pytest.fixture(autouse=True)
def user_home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path / "home"))


def test_memory_training_saves_a_model_and_ends_with_accuracy(tmp_path, capsys):
    out = tmp_path / "memory.npz"
    status = main(
        [
            "train",
            "--task",
            "memory",
            "--cell",
            "gru",
            "--lag",
            "3",
            "--hidden",
            "8",
            "--steps",
            "40",
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    assert re.fullmatch(r"final accuracy: [01]\.\d{4}", lines[-1])
    assert any(line.startswith("update 40/40") for line in lines)  # plain lines: not a tty
    model = load_model(out)
    assert model.kind == "gru" and model.hidden_size == 8 and model.labels[:2] == ("A", "B")


@pytest.mark.parametrize(
    ("task", "metric"),
    [("forecast", "loss"), ("text", "loss"), ("sentiment", "accuracy")],
)
def test_every_task_reports_its_metric_last(task, metric, capsys):
    status = main(["train", "--task", task, "--cell", "rnn", "--hidden", "8", "--steps", "5"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    assert re.fullmatch(rf"final {metric}: \d+\.\d{{4}}", lines[-1])


def test_same_seed_same_final_line(capsys):
    args = ["train", "--task", "sentiment", "--cell", "lstm", "--steps", "20", "--seed", "4"]
    main(args)
    first = capsys.readouterr().out.strip().splitlines()[-1]
    main(args)
    assert capsys.readouterr().out.strip().splitlines()[-1] == first


def test_diverging_run_exits_1_with_one_error_line(capsys):
    status = main(
        [
            "train",
            "--task",
            "forecast",
            "--cell",
            "rnn",
            "--optimizer",
            "sgd",
            "--lr",
            "100",
            "--clip",
            "off",
            "--steps",
            "20",
        ]
    )
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out.strip().splitlines()[-1] == "final loss: nan"
    assert captured.err.count("\n") == 1 and "Training stopped at update" in captured.err


def test_text_file_option_and_bad_file(tmp_path, capsys):
    text = tmp_path / "poem.txt"
    text.write_text("row, row, row your boat, gently down the stream. " * 8, encoding="utf-8")
    assert main(["train", "--task", "text", "--text-file", str(text), "--steps", "3"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("final loss: ")
    assert main(["train", "--task", "text", "--text-file", str(tmp_path / "none.txt")]) == 1
    assert "Cannot read" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--task", "memory", "--lag", "-3"])
    assert exit_info.value.code == 2
    assert "--lag" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--task", "chess"])


def test_terminal_progress_bar_redraws_in_place():
    from rnn_studio.cli.train import ProgressPrinter
    from rnn_studio.engine.tasks import Evaluation
    from rnn_studio.engine.train import Progress, UpdateReport

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    printer = ProgressPrinter(stream, "accuracy", 2)
    update = UpdateReport(1, 0.5, 1.0, 1.0, False, np.ones(3))
    printer(Progress(1, 2, update, None, 0.1))
    printer(Progress(2, 2, update, Evaluation(0.4, "accuracy", 0.75), 0.2))
    text = stream.getvalue()
    assert text.startswith("\r[") and "2/2" in text and "0.75" in text and text.endswith("\n")


def test_text_task_prints_the_bigram_baseline_before_the_final_loss_and_beats_it(capsys):
    from rnn_studio.engine.tasks import TextTask
    from rnn_studio.texts import bundled_text

    status = main(["train", "--task", "text", "--cell", "gru", "--steps", "120"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    baseline = re.fullmatch(r"bigram baseline: (\d+\.\d{4})", lines[-2])
    final = re.fullmatch(r"final loss: (\d+\.\d{4})", lines[-1])
    assert baseline and final
    # The printed baseline is the count model's held-out loss on the default text.
    expected = TextTask(bundled_text("course").text).bigram_baseline()
    assert float(baseline.group(1)) == pytest.approx(expected, abs=1e-4)
    assert float(final.group(1)) < float(baseline.group(1))


def test_memory_init_option_sets_the_gate_biases(tmp_path, capsys):
    from rnn_studio.engine.tasks import MEMORY_GATE_BIAS

    paths = {}
    for choice in ("on", "off"):
        paths[choice] = tmp_path / f"{choice}.npz"
        args = ["train", "--task", "memory", "--cell", "lstm", "--lag", "2", "--hidden", "4"]
        args += ["--steps", "1", "--lr", "1e-9", "--memory-init", choice]
        assert main([*args, "--out", str(paths[choice])]) == 0
        assert f"memory init {choice}" in capsys.readouterr().out
    on = load_model(paths["on"]).params["rnn.bias_ih_l0"]
    off = load_model(paths["off"]).params["rnn.bias_ih_l0"]
    # LSTM rows are i, f, g, o: the option adds exactly the documented biases.
    np.testing.assert_allclose((on - off)[:4], MEMORY_GATE_BIAS["lstm"]["i"], atol=1e-6)
    np.testing.assert_allclose((on - off)[4:8], MEMORY_GATE_BIAS["lstm"]["f"], atol=1e-6)
    np.testing.assert_allclose((on - off)[8:], 0.0, atol=1e-6)
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--task", "memory", "--memory-init", "maybe"])
    assert exit_info.value.code == 2
