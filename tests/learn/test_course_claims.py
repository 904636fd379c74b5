"""The course lessons' measured numbers (issue 16), recomputed from the engine and the zoo.

Each test names the text it checks and computes the claim: a change to the content, the
engine or a bundled model that makes them disagree fails here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.learn import exercises, generate
from rnn_studio.learn.content import Content, load_all
from rnn_studio.learn.markup import plain_text
from rnn_studio.zoo.catalog import zoo_entry

SEEDS = range(6)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_all()


def lesson_text(content: Content, lesson_id: str) -> str:
    """Every word of a lesson (dialogues, overview, chapters), as plain text."""
    lesson = next(x for x in content.lessons if x.id == lesson_id)
    parts = [line.text for d in lesson.dialogues for line in d.lines]
    parts += [p for depth in lesson.overview.values() for p in depth]
    parts += [p for c in lesson.chapters for p in c.paragraphs]
    return plain_text(" ".join(parts))


# ------------------------------------------------------------------- language models
def test_perplexities_the_lesson_states(content: Content) -> None:
    gru = zoo_entry("chars-gru")
    text = lesson_text(content, "language-models")
    assert f"{gru.loss:.2f} nats" in text and round(gru.loss, 2) == 1.56
    assert round(math.exp(gru.loss), 1) == 4.8 and "about 4.8" in text
    assert gru.baseline_name == "bigram" and round(gru.baseline, 2) == 2.44
    assert round(math.exp(gru.baseline), 1) == 11.4 and "about 11.4" in text
    card = next(c for c in content.cards if c.id == "lm-perplexity-number")
    assert "1.56" in card.front and "4.8" in card.back
    answer = next(q for q in content.questions if q.id == "lm-ce-value")
    assert round(-math.log(0.5), 2) == 0.69 and "0.69" in answer.choices[0].text


def test_greedy_decoding_is_the_same_for_every_seed_and_loops(content: Content) -> None:
    texts = {generate.generate(0.0, seed).text for seed in SEEDS}
    assert len(texts) == 1
    greedy = texts.pop()
    assert greedy.startswith("is the long reads the state and the state and")
    assert generate.loop_period(greedy) == 14  # "a loop of 14 characters"
    assert (greedy[-40:] * 2).find("the state and ") >= 0
    assert "a loop of 14 characters" in lesson_text(content, "language-models")


def test_temperature_measurements_the_lesson_states(content: Content) -> None:
    text = lesson_text(content, "language-models")
    assert "at τ = 0.2 at least 95 % of the words are real words" in text
    assert "under 0.8 nats per character" in text
    assert "at τ = 1 between half and three quarters are real words" in text
    assert "at τ = 2 fewer than half are, at over 2.3 nats per character" in text
    for seed in SEEDS:
        cold, warm, hot = (generate.generate(t, seed) for t in (0.2, 1.0, 2.0))
        assert cold.word_share >= 0.95 and cold.cross_entropy < 0.8
        assert 0.5 <= warm.word_share <= 0.75
        assert hot.word_share < 0.5 and hot.cross_entropy > 2.3
        assert cold.cross_entropy < warm.cross_entropy < hot.cross_entropy
    assert generate.generate(1.0, 0).text != generate.generate(1.0, 1).text  # sampled varies


@pytest.mark.parametrize("seed", SEEDS)
def test_temperature_exercise_answer_follows_from_the_texts(seed: int) -> None:
    exercise = exercises.make_exercise("temperature", seed)
    facts = exercise.facts
    assert facts is not None
    samples = [facts["samples"][k] for k in facts["order"]]
    entropies = [s.cross_entropy for s in samples]
    picked = min if facts["asked"] == 0.2 else max
    assert exercise.answer == entropies.index(picked(entropies))
    assert samples[exercise.answer].temperature == facts["asked"]
    assert exercise.check(exercise.answer).correct
    for sample in samples:
        assert generate.shown(sample.text) in exercise.prompt


# ------------------------------------------------------------------------ task shapes
def test_task_shapes_match_the_engines_tasks(content: Content) -> None:
    from rnn_studio.engine.tasks import SentimentTask, TextTask
    from rnn_studio.learn.task_shapes import CHAPTER_SHAPES, SHAPES
    from rnn_studio.state.train_area import TASK_CHOICES

    many_to_one, many_to_many = SHAPES["many-to-one"], SHAPES["many-to-many"]
    assert many_to_one.outputs == 1 and many_to_one.steps[-1].output is not None
    assert many_to_many.outputs == many_to_many.inputs == len(many_to_many.steps)
    generation = SHAPES["one-to-many"]
    assert generation.inputs == 1 and all(s.fed_back for s in generation.steps[1:])
    seq2seq = SHAPES["encoder-decoder"]
    parts = [s.part for s in seq2seq.steps]
    assert parts == sorted(parts, key=["encoder", "decoder"].index)  # reads all, then writes
    # "the sentiment model … its loss sits on the last step"; the character model's at every step
    assert SentimentTask(seed=0).make_model("rnn", 4).loss_on == "last"
    assert TextTask("hello there", "chars").make_model("rnn", 4).loss_on == "every"
    # "RNN Studio trains the single-network shapes only"
    assert set(TASK_CHOICES) == {"text", "sentiment", "forecast", "memory"}
    text = lesson_text(content, "task-shapes")
    assert "RNN Studio trains the single-network shapes only" in text
    lesson = next(x for x in content.lessons if x.id == "task-shapes")
    assert set(CHAPTER_SHAPES) == {c.id for c in lesson.chapters}


# --------------------------------------------------------------- gates keep the gradient
def _numeric_jacobian(function, point: np.ndarray, step: float = 1e-6) -> np.ndarray:
    columns = []
    for k in range(point.size):
        nudge = np.zeros_like(point)
        nudge[k] = step
        columns.append((function(point + nudge) - function(point - nudge)) / (2 * step))
    return np.array(columns).T


@pytest.mark.parametrize("seed", range(4))
def test_cell_state_jacobian_is_the_forget_gate(seed: int) -> None:
    """∂c_t/∂c_{t−1} = diag(f_t) with h_{t−1} held fixed (central differences)."""
    rng = np.random.default_rng(seed)
    cell = engine.make_cell("lstm", 3, 4, seed=seed)
    x, h, c = rng.normal(size=(1, 3)), rng.normal(size=4) * 0.5, rng.normal(size=4)

    def next_c(previous: np.ndarray) -> np.ndarray:
        trace = engine.forward(cell, x, h, previous)
        assert trace.cell_state is not None
        return trace.cell_state[0]

    f = engine.forward(cell, x, h, c).gates["f"][0]
    np.testing.assert_allclose(_numeric_jacobian(next_c, c), np.diag(f), atol=1e-8)


def test_gru_direct_path_contributes_the_update_gate() -> None:
    """With the gates and candidate cut off from h_{t−1}, ∂h_t/∂h_{t−1} = diag(z_t)."""
    rng = np.random.default_rng(0)
    cell = engine.make_cell("gru", 3, 4, seed=0)
    params = {name: np.array(value) for name, value in cell.params.items()}
    params["weight_hh"][:] = 0.0  # r, z and n no longer read h_{t−1}: only the direct path
    cell.set_params(params)
    x, h = rng.normal(size=(1, 3)), rng.normal(size=4) * 0.5

    def next_h(previous: np.ndarray) -> np.ndarray:
        return engine.forward(cell, x, previous).hidden[0]

    z = engine.forward(cell, x, h).gates["z"][0]
    np.testing.assert_allclose(_numeric_jacobian(next_h, h), np.diag(z), atol=1e-8)


def _studio_run(setup):
    from rnn_studio.studio_core import recipe

    inputs = recipe.studio_inputs(setup.text, setup.mode)
    cell = recipe.studio_cell(
        setup.cell,
        inputs.shape[1],
        setup.hidden_size,
        setup.seed,
        spectral_radius=setup.spectral_radius,
        forget_bias=setup.forget_bias,
        recurrent=setup.recurrent,
    )
    return recipe.studio_backward(cell, inputs)


def test_forget_bias_numbers_the_lesson_states(content: Content) -> None:
    from dataclasses import replace

    from rnn_studio.studio_core.verdict import judge

    setup = content.demos["lstm-forget-bias"].setup
    unbiased_trace, unbiased = _studio_run(replace(setup, forget_bias=None))
    biased_trace, biased = _studio_run(setup)
    _, vanilla = _studio_run(replace(setup, cell="rnn", forget_bias=None))
    last = len(unbiased.norms) - 1

    def factor(grads) -> float:
        return judge(grads.norms, last).factor_per_step

    text = lesson_text(content, "gates-gradient")
    assert f"about ×{factor(unbiased):.2f} of its gradient per step" in text
    assert f"against ×{factor(vanilla):.2f} for the vanilla RNN" in text
    assert 0.4 < float(unbiased_trace.gates["f"].mean()) < 0.6  # "about 0.5"
    assert round(float(biased_trace.gates["f"].mean()), 2) == 0.95  # "near σ(3) ≈ 0.95"
    assert round(float(engine.sigmoid(3.0)), 2) == 0.95 and "σ(3) ≈ 0.95" in text
    assert 0.9 < factor(biased) <= 1.0  # "a factor per step close to 1"
    sources = {
        s.authors.split(",")[0]: s.year
        for s in next(x for x in content.lessons if x.id == "gates-gradient").sources
    }
    assert sources["Gers"] == 2000 and sources["Jozefowicz"] == 2015
    assert sources["Pascanu"] == 2013


@pytest.mark.parametrize("seed", range(4))
def test_largest_singular_value_below_one_bounds_every_step(seed: int) -> None:
    """‖W_hh‖₂ < 1 ⇒ ‖∂L/∂h_t‖ ≤ ‖W_hh‖₂^(T−1−t) ‖∂L/∂h_{T−1}‖ (tanh's slope ≤ 1)."""
    from rnn_studio.studio_core import recipe

    cell = engine.make_cell("rnn", 5, 16, seed=seed)
    params = {name: np.array(value) for name, value in cell.params.items()}
    params["weight_hh"] *= 0.9 / np.linalg.norm(params["weight_hh"], 2)
    cell.set_params(params)
    inputs = np.random.default_rng(seed).normal(size=(40, 5))
    _, grads = recipe.studio_backward(cell, inputs)
    steps_back = np.arange(len(inputs))[::-1]
    assert np.all(grads.norms <= 0.9**steps_back * grads.norms[-1] * (1 + 1e-12))


def test_rho_below_one_does_not_bound_the_next_steps(content: Content) -> None:
    """The surprise demo: ρ = 0.5, ‖W_hh‖₂ = 3.43, and the gradient grows going back."""
    setup = content.demos["surprise"].setup
    _, grads = _studio_run(setup)
    from rnn_studio.studio_core import recipe

    inputs = recipe.studio_inputs(setup.text, setup.mode)
    cell = recipe.studio_cell(
        "rnn", inputs.shape[1], setup.hidden_size, setup.seed, recurrent=setup.recurrent
    )
    w_hh = cell.params["weight_hh"]
    assert max(abs(np.linalg.eigvals(w_hh))) == pytest.approx(0.5)
    assert round(float(np.linalg.norm(w_hh, 2)), 2) == 3.43
    assert grads.norms.max() > 100 * grads.norms[-1]  # grows for many steps
    lesson = next(x for x in content.lessons if x.id == "gates-gradient")
    raw = " ".join(lesson.overview["detailed"])
    assert "ρ = 0.5 and ‖W<sub>hh</sub>‖<sub>2</sub> = 3.43" in raw


# ------------------------------------------------------------------- deeper and two-way
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_bidirectional_outputs_depend_on_the_future_and_forward_ones_do_not(
    content: Content, kind: str
) -> None:
    """'why a bidirectional model cannot generate': change x_{T−1}, watch the output at 0."""
    rng = np.random.default_rng(1)
    xs = rng.normal(size=(6, 3))
    later = xs.copy()
    later[-1] += 1.0
    two_way = engine.make_cell(kind, 3, 4, num_layers=2, bidirectional=True, seed=0)
    one_way = engine.make_cell(kind, 3, 4, num_layers=2, bidirectional=False, seed=0)
    moved = engine.forward(two_way, later).hidden[0] - engine.forward(two_way, xs).hidden[0]
    assert np.abs(moved).max() > 1e-4
    still = engine.forward(one_way, later).hidden[:-1] - engine.forward(one_way, xs).hidden[:-1]
    assert np.abs(still).max() == 0.0  # causal: outputs before the change are untouched
    text = lesson_text(content, "deeper-two-way")
    assert "leaves a forward-only output there exactly as it was" in text


def test_pytorch_names_the_lesson_quotes(content: Content) -> None:
    stack = engine.make_cell("lstm", 3, 4, num_layers=2, bidirectional=True, seed=0)
    names = set(stack.state_dict())
    assert {"weight_ih_l0", "weight_hh_l1", "weight_hh_l1_reverse"} <= names
    card = next(c for c in content.cards if c.id == "deep-torch-names")
    assert "weight_hh_l1_reverse" in card.back
    stacked = engine.make_cell("rnn", 3, 4, num_layers=2, seed=0)
    assert not np.array_equal(  # "each layer has its own weights"
        stacked.state_dict()["weight_hh_l0"], stacked.state_dict()["weight_hh_l1"]
    )


# ------------------------------------------------------------------------- links
def _links(text: str) -> list:
    from rnn_studio.learn.markup import find_links

    return [link for link in find_links(text) if link.kind in ("demo", "train")]


@pytest.mark.parametrize(
    "lesson_id",
    [
        "bptt-by-hand",
        "truncated-bptt",
        "language-models",
        "task-shapes",
        "deeper-two-way",
        "gates-gradient",
    ],
)
def test_every_part_of_a_course_lesson_links_a_show_me_or_watch_it_learn(
    content: Content, lesson_id: str
) -> None:
    """Each dialogue, chapter and key concept carries a link the learner can follow."""
    lesson = next(x for x in content.lessons if x.id == lesson_id)
    assert lesson.order > 0 and lesson.sources
    for dialogue in lesson.dialogues:
        assert any(_links(line.text) for line in dialogue.lines), dialogue.id
    for chapter in lesson.chapters:
        assert chapter.demos or any(_links(p) for p in chapter.paragraphs), chapter.id
    for concept in lesson.key_concepts:
        assert any(_links(p) for p in concept.paragraphs), concept.id
    assert all(example.demo for example in lesson.examples)
    assert any(_links(p) for p in lesson.overview["detailed"])
