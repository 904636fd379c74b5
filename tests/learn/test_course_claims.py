"""The course lessons' measured numbers (issue 16), recomputed from the engine and the zoo.

Each test names the text it checks and computes the claim: a change to the content, the
engine or a bundled model that makes them disagree fails here.
"""

from __future__ import annotations

import math

import pytest

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
