"""Predict, then reveal: answers recomputed independently, and the studio shows the same run.

Every check here rebuilds the run from the question's own demo set-up with the engine (or the
studio session itself) instead of trusting the numbers the question carries.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.learn.predict import (
    PREDICT_KINDS,
    PredictError,
    format_number,
    make_predict_question,
    predict_questions,
    question_from_id,
)
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup

SEEDS = range(12)


def one_hot_inputs(text: str, mode: str) -> np.ndarray:
    """Encode independently of predict.py: one-hot over the sorted distinct tokens."""
    tokens = list(text) if mode == "chars" else text.split()
    vocabulary = sorted(set(tokens))
    inputs = np.zeros((len(tokens), len(vocabulary)))
    inputs[np.arange(len(tokens)), [vocabulary.index(t) for t in tokens]] = 1.0
    return inputs


def build(setup: DemoSetup, kind: str) -> tuple[engine.Cell, np.ndarray]:
    inputs = one_hot_inputs(setup.text, setup.mode)
    options = {"nonlinearity": setup.nonlinearity} if kind == "rnn" else {}
    cell = engine.make_cell(kind, inputs.shape[1], setup.hidden_size, seed=setup.seed, **options)
    if setup.spectral_radius is not None:
        engine.set_spectral_radius(cell, setup.spectral_radius)
    if kind == "lstm" and setup.forget_bias is not None:
        params = {name: np.array(v) for name, v in cell.params.items()}
        params["bias_ih"][setup.hidden_size : 2 * setup.hidden_size] += setup.forget_bias
        cell.set_params(params)
    return cell, inputs


def last_step_grads(cell, inputs):
    trace = engine.forward(cell, inputs)
    upstream = np.zeros_like(trace.hidden)
    upstream[-1] = 1 / math.sqrt(cell.hidden_size)
    return trace, engine.backward(cell, trace, upstream)


def studio(question) -> StudioSession:
    session = StudioSession()
    session.apply_demo(question.reveal.setup)
    return session


@pytest.mark.parametrize("kind", sorted(PREDICT_KINDS))
def test_questions_are_reproducible_checkable_and_vary(kind):
    answers = set()
    for seed in SEEDS:
        question = make_predict_question(kind, seed)
        again = make_predict_question(kind, seed)
        assert (question.prompt, question.answer_index) == (again.prompt, again.answer_index)
        assert (
            question.id == f"{kind}:{seed}"
            and question_from_id(question.id).prompt == question.prompt
        )
        DemoSetup.from_dict(dict(question.reveal.demo))  # the studio accepts the set-up
        right = question.check(question.answer_index)
        assert right.correct and question.reveal.summary in right.explanation
        wrong = question.check((question.answer_index + 1) % len(question.choices))
        assert not wrong.correct and wrong.expected == question.answer
        assert all(math.isfinite(e.value) for e in question.reveal.evidence)
        answers.add(question.answer_index)
    assert len(answers) >= 2, f"{kind}: the answer never changes, so it is not a prediction"


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_race_answer_matches_engine_and_studio(seed):
    question = make_predict_question("gradient_race", seed)
    setup = DemoSetup.from_dict(dict(question.reveal.demo))
    first = {}
    for kind in ("rnn", "lstm"):
        cell, inputs = build(setup, kind)
        _, grads = last_step_grads(cell, inputs)
        first[kind] = float(grads.norms[0])
    assert question.reveal.value("RNN ‖∂L/∂h₀‖") == pytest.approx(first["rnn"], rel=1e-12)
    assert question.reveal.value("LSTM ‖∂L/∂h₀‖") == pytest.approx(first["lstm"], rel=1e-12)
    ratio = first["lstm"] / first["rnn"]
    expected = "The LSTM's" if ratio > 2 else ("The RNN's" if ratio < 0.5 else "About the same")
    assert question.answer.startswith(expected)
    session = studio(question)
    assert session.gradients["rnn"].grad_norms[0] == pytest.approx(first["rnn"], rel=1e-12)
    assert session.gradients["lstm"].grad_norms[0] == pytest.approx(first["lstm"], rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_closed_gate_answer_follows_the_sigmoid_of_the_prompted_numbers(seed):
    question = make_predict_question("closed_gate", seed)
    setup = DemoSetup.from_dict(dict(question.reveal.demo))
    cell, inputs = build(setup, "lstm")
    trace = engine.forward(cell, inputs)
    unit = int(question.prompt.split("unit ")[1].split(" ")[0])  # 0-based, as the studio
    step = setup.cursor
    assert f"At t = {step} " in question.prompt  # the step the studio opens at
    assert 0 <= unit < setup.hidden_size and f"units 0–{setup.hidden_size - 1}" in question.prompt
    gates = {}
    for gate, name in zip("ifo", ("input", "forget", "output"), strict=True):
        z = float(trace.pre[gate][step, unit])
        assert f"{name} {z:+.2f}" in question.prompt  # the prompt shows the real z
        gates[name] = 1 / (1 + math.exp(-z))
        assert question.reveal.value(f"{name} gate σ(z)") == pytest.approx(gates[name])
    closed = [name for name, value in gates.items() if value < 0.2]
    assert len(closed) <= 1
    expected = f"The {closed[0]} gate" if closed else "None of them"
    assert question.answer == expected
    # the studio, stepped to that cursor, shows the same gate values
    shown = studio(question).run.primary.trace
    assert shown.gates["f"][step, unit] == pytest.approx(gates["forget"])


@pytest.mark.parametrize("seed", SEEDS)
def test_vanish_or_explode_is_decided_by_the_numbers_in_the_prompt(seed):
    question = make_predict_question("vanish_or_explode", seed)
    setup = DemoSetup.from_dict(dict(question.reveal.demo))
    cell, inputs = build(setup, "rnn")
    norm = float(np.linalg.norm(cell.params["weight_hh"], 2))
    shown = float(re.search(r"‖W_hh‖₂ = (\d+\.\d\d)", question.prompt).group(1))
    assert shown == pytest.approx(norm, abs=0.005)  # the prompt shows the studio's W_hh
    assert abs(norm - 1) >= 0.05  # never a rounding call
    # Certain to vanish exactly when the shown ‖W_hh‖₂ is below 1 (slopes are at most 1).
    assert question.answer.startswith("Yes: ‖W_hh‖₂ < 1") is (shown < 1)
    assert question.answer.startswith("No:") is (shown >= 1)
    _, grads = last_step_grads(cell, inputs)
    if shown < 1:  # and the bound really holds for this run
        assert grads.norms[0] <= norm ** (len(inputs) - 1) * grads.norms[-1] * (1 + 1e-9)
    verdict = studio(question).gradients["rnn"].verdict
    assert question.reveal.value("factor per step") == pytest.approx(verdict.factor_per_step)
    assert f"verdict “{verdict.label}”" in question.reveal.explanation or shown < 1


@pytest.mark.parametrize("seed", SEEDS)
def test_clipping_by_norm_keeps_direction_by_value_tilts_it(seed):
    question = make_predict_question("clipping", seed)
    setup = DemoSetup.from_dict(dict(question.reveal.demo))
    cell, inputs = build(setup, "rnn")
    _, grads = last_step_grads(cell, inputs)
    flat = np.concatenate([np.ravel(grads.params[k]) for k in sorted(grads.params)])
    threshold = question.reveal.value("threshold c")
    if "by norm" in question.prompt:
        clipped = flat * min(1.0, threshold / np.linalg.norm(flat))
        assert setup.clip == threshold
        assert question.answer == "Only its size"
    else:
        clipped = np.clip(flat, -threshold, threshold)
        assert question.answer == "Both its size and its direction"
    cosine = flat @ clipped / (np.linalg.norm(flat) * np.linalg.norm(clipped))
    assert question.reveal.value("cosine(before, after)") == pytest.approx(cosine, abs=1e-12)
    assert question.reveal.value("‖g‖ after") == pytest.approx(np.linalg.norm(clipped), rel=1e-9)
    assert question.reveal.value("‖g‖ before") == pytest.approx(np.linalg.norm(flat), rel=1e-9)
    report = studio(question).gradients["rnn"]
    assert report.param_norm_before == pytest.approx(np.linalg.norm(flat), rel=1e-9)
    if setup.clip is not None:
        assert report.param_norm_after == pytest.approx(threshold, rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_context_answer_follows_the_prompt_and_the_engine(seed):
    question = make_predict_question("context", seed)
    setup = DemoSetup.from_dict(dict(question.reveal.demo))
    words = setup.text.split()
    cell, inputs = build(setup, "rnn")
    hidden = engine.forward(cell, inputs).hidden
    gap = float(np.linalg.norm(hidden[1] - hidden[3]))
    assert question.reveal.value("‖h(not bad) − h(very bad)‖") == pytest.approx(gap, abs=1e-15)
    no_memory = "spectral radius 0" in question.prompt
    assert (setup.spectral_radius == 0) is no_memory
    assert (gap == 0) is no_memory  # decided by what the prompt shows, not by the seed
    assert question.answer.startswith("The same state" if no_memory else "Different states")
    assert words[1] == words[3] == "bad"
    session_hidden = studio(question).run.primary.trace.hidden
    np.testing.assert_allclose(session_hidden, hidden, rtol=1e-12)


@pytest.mark.parametrize("kind", sorted(PREDICT_KINDS))
def test_every_answer_can_be_reasoned_from_the_prompt(kind):
    """Over many seeds, the answer is a function of what the prompt shows (the issue found
    'context' a coin flip, 81 vs 69 of 150, and 'vanish_or_explode' with ρ > 1 undetermined)."""
    decided: dict[str, set[int]] = {}
    for seed in range(200, 260):
        question = make_predict_question(kind, seed)
        prompt = question.prompt
        if kind == "gradient_race":
            key = prompt.split("forget-gate bias is shifted by ")[1].split(".")[0]
        elif kind == "context":
            key = str("spectral radius 0" in prompt)
        elif kind == "vanish_or_explode":
            key = str(float(re.search(r"‖W_hh‖₂ = (\d+\.\d\d)", prompt).group(1)) < 1)
        elif kind == "clipping":
            key = str("by norm" in prompt)
        else:  # closed_gate: the sigmoid of the three numbers shown
            numbers = [
                float(re.search(rf"{name} ([+-]?\d+\.\d\d)", prompt).group(1))
                for name in ("input", "forget", "output")
            ]
            closed = [i for i, z in enumerate(numbers) if 1 / (1 + math.exp(-z)) < 0.2]
            key = str(closed[0] if closed else "none")
        decided.setdefault(key, set()).add(question.answer_index)
    assert all(len(answers) == 1 for answers in decided.values()), decided


def test_no_reveal_says_the_lstm_won_when_it_lost():
    for seed in range(300, 360):
        question = make_predict_question("gradient_race", seed)
        text = question.reveal.explanation
        assert "remembers step 1" not in text
        lstm_won = question.reveal.value("LSTM ÷ RNN") > 2
        assert ("LSTM kept more" in text) is lstm_won
        assert ("the LSTM kept less" in text) is (question.reveal.value("LSTM ÷ RNN") < 0.5)


def test_predict_questions_mix_kinds_and_reject_bad_input():
    questions = predict_questions(seed=7, count=10)
    assert len(questions) == 10
    assert {q.kind for q in questions} == set(PREDICT_KINDS)
    assert [q.id for q in questions] == [q.id for q in predict_questions(seed=7, count=10)]
    with pytest.raises(PredictError, match="kind"):
        make_predict_question("weather", 1)
    with pytest.raises(PredictError, match="seed"):
        make_predict_question("clipping", -1)
    with pytest.raises(PredictError, match="question id"):
        question_from_id("clipping")


def test_format_number():
    assert format_number(0.5964) == "0.596"
    assert format_number(2234.6) == "2235"
    assert format_number(1.74e-18) == "1.74×10⁻¹⁸"
    assert format_number(3.2e7) == "3.20×10⁷"
    assert format_number(math.inf) == "∞"


@pytest.mark.parametrize("kind", sorted(PREDICT_KINDS))
def test_generation_never_fails_over_many_seeds(kind):
    for seed in range(100, 160):
        question = make_predict_question(kind, seed)
        assert 0 <= question.answer_index < len(question.choices)
        assert question.reveal.summary and question.reveal.explanation
