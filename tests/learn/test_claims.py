"""Every claim with a number or a direction, checked against the engine.

Each demo's description, and each glossary, quiz, card or lesson text that states a number
or a direction, is run through the engine (with the studio's own recipe,
:mod:`rnn_studio.studio_core.recipe`, so the numbers are those "Show me" opens) and the text
is compared with what comes out. A change to the content or to the engine that makes them
disagree fails here.

Two guards keep the list complete: every demo must have a check, and every text holding a
power of ten (``7·10⁻²¹``), a power (``0.8<sup>50</sup>``) or a measured distance must be
covered by a check below (:data:`COVERED`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.learn.content import Content, load_all
from rnn_studio.learn.markup import plain_text
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core import recipe
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.verdict import judge


@pytest.fixture(scope="module")
def content() -> Content:
    return load_all()


# ----------------------------------------------------------------------------- running
@dataclass(frozen=True)
class Run:
    """One cell of a demo run through the studio's recipe."""

    tokens: list[str]
    inputs: np.ndarray
    cell: engine.Cell
    trace: engine.Trace
    grads: engine.Grads | None

    @property
    def norms(self) -> np.ndarray:
        assert self.grads is not None
        return self.grads.norms


def run(setup: DemoSetup, kind: str | None = None) -> Run:
    """Run ``setup`` (one cell kind of it) exactly as the studio builds it."""
    kind = kind or setup.cell
    assert kind != "compare", "name one cell of a compare demo"
    tokens = recipe.text_tokens(setup.text, setup.mode)
    inputs = recipe.studio_inputs(setup.text, setup.mode)
    cell = recipe.studio_cell(
        kind,
        inputs.shape[1],
        setup.hidden_size,
        setup.seed,
        nonlinearity=setup.nonlinearity,
        spectral_radius=setup.spectral_radius,
        forget_bias=setup.forget_bias,
        recurrent=setup.recurrent,
    )
    if setup.backprop:
        trace, grads = recipe.studio_backward(cell, inputs)
    else:
        trace, grads = engine.forward(cell, inputs), None
    return Run(tokens, inputs, cell, trace, grads)


def numbers_in(text: str) -> np.ndarray:
    """A numbers demo's series (commas or spaces between values)."""
    return np.array([float(v) for v in re.split(r"[,\s]+", text.strip()) if v], dtype=float)


def cursor_of(setup: DemoSetup, length: int) -> int:
    return length - 1 if setup.cursor == -1 else setup.cursor


def powers_of_ten(text: str) -> list[float]:
    """The numbers written as ``7·10⁻²¹`` (or ``7 × 10<sup>−21</sup>``) in ``text``."""
    digits = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
    found = []
    for mantissa, exponent in re.findall(r"(\d+(?:\.\d+)?)\s*[·×]\s*10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text):
        found.append(float(mantissa) * 10 ** int(exponent.translate(digits)))
    for mantissa, exponent in re.findall(
        r"(\d+(?:\.\d+)?)\s*[·×]\s*10<sup>([−\-]?\d+)</sup>", text
    ):
        found.append(float(mantissa) * 10 ** int(exponent.replace("−", "-")))
    return found


def same_to_one_figure(stated: float, measured: float) -> bool:
    """``7·10⁻²¹`` states 7.4e-21 to one significant figure."""
    exponent = math.floor(math.log10(abs(measured)))
    return round(measured / 10**exponent) * 10**exponent == pytest.approx(stated, rel=1e-9)


def text_of(content: Content, key: str) -> str:
    """The text behind a :func:`texts` key."""
    return dict(texts(content))[key]


def texts(content: Content) -> Iterator[tuple[str, str]]:
    """Every authored text with a stable key ("glossary:<id>.explanation", ...)."""
    for demo_id, demo in content.demos.items():
        yield f"demo:{demo_id}.title", demo.title
        yield f"demo:{demo_id}.description", demo.description
    for entry in content.glossary.entries:
        yield f"glossary:{entry.id}.definition", entry.definition
        yield f"glossary:{entry.id}.explanation", entry.explanation
    for card in content.cards:
        yield f"card:{card.id}.front", card.front
        yield f"card:{card.id}.back", card.back
    for question in content.questions:
        yield f"quiz:{question.id}.prompt", question.prompt
        yield f"quiz:{question.id}.explanation", question.explanation
        for n, choice in enumerate(question.choices):
            yield f"quiz:{question.id}.choices[{n}].text", choice.text
            yield f"quiz:{question.id}.choices[{n}].explanation", choice.explanation
    for number, lesson in enumerate(content.lessons):
        # Every lesson has an "introduction": later lessons' keys name the lesson too.
        where = "lesson:" if number == 0 else f"lesson:{lesson.id}/"
        for dialogue in lesson.dialogues:
            for n, line in enumerate(dialogue.lines):
                yield f"{where}{dialogue.id}.lines[{n}]", line.text
        for chapter in lesson.chapters:
            for n, paragraph in enumerate(chapter.paragraphs):
                yield f"{where}{chapter.id}.paragraphs[{n}]", paragraph


# ----------------------------------------------------------------------------- demos
DEMO_CHECKS: dict[str, Callable[[Content], None]] = {}


def demo_check(*demo_ids: str) -> Callable[[Callable[[Content], None]], Callable]:
    def register(function: Callable[[Content], None]) -> Callable[[Content], None]:
        for demo_id in demo_ids:
            DEMO_CHECKS[demo_id] = function
        return function

    return register


def rnn_step(cell: engine.Cell, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """h_t = tanh(W_xh x_t + b_ih + W_hh h_{t−1} + b_hh), written out independently."""
    p = cell.params
    return np.tanh(p["weight_ih"] @ x + p["bias_ih"] + p["weight_hh"] @ h + p["bias_hh"])


@demo_check("one-step", "unrolling", "weight-sharing")
def check_one_cell_per_step(content: Content) -> None:
    for demo_id in ("one-step", "unrolling", "weight-sharing"):
        result = run(content.demos[demo_id].setup)
        h = np.zeros(result.cell.hidden_size)
        for t, x in enumerate(result.inputs):  # one set of weights at every step
            h = rnn_step(result.cell, x, h)
            np.testing.assert_allclose(result.trace.hidden[t], h, atol=1e-12)
    one_step = content.demos["one-step"].setup
    assert one_step.hidden_size == 4 and run(one_step).tokens[one_step.cursor] == "c"
    assert run(content.demos["unrolling"].setup).tokens == list("hello")


@demo_check("one-hot")
def check_one_hot(content: Content) -> None:
    result = run(content.demos["one-hot"].setup)
    assert np.all(result.inputs.sum(axis=1) == 1) and set(np.unique(result.inputs)) == {0, 1}
    for t, token in enumerate(result.tokens):  # the same character lights the same position
        for u, other in enumerate(result.tokens):
            assert (token == other) == bool(np.array_equal(result.inputs[t], result.inputs[u]))


@demo_check("long-sentence")
def check_long_sentence(content: Content) -> None:
    setup = content.demos["long-sentence"].setup
    result = run(setup)
    keys, are = result.tokens.index("keys"), result.tokens.index("are")
    assert are - keys == 15  # "fifteen words earlier"
    assert "fifteen words earlier" in content.demos["long-sentence"].description
    # "how weakly the early words are reached": 'keys' gets a small share of the loss step's
    assert result.norms[keys] < 1e-3 * result.norms[-1]


@demo_check("vanishing-100")
def check_vanishing(content: Content) -> None:
    setup = content.demos["vanishing-100"].setup
    result = run(setup)
    assert (
        len(result.tokens) == 100 and "100 characters" in content.demos["vanishing-100"].description
    )
    assert engine.spectral_radius(result.cell) == pytest.approx(0.8)
    assert judge(result.norms, len(result.norms) - 1).label == "vanishing"
    # "a roughly constant factor per step: a straight line on the log axis"
    t = np.arange(len(result.norms))
    log_norms = np.log10(result.norms)
    slope, intercept = np.polyfit(t, log_norms, 1)
    residual = log_norms - (slope * t + intercept)
    r_squared = 1 - residual.var() / log_norms.var()
    assert r_squared > 0.95 and slope > 0  # rises towards the loss at the right


@demo_check("exploding", "clipping")
def check_exploding_and_clipping(content: Content) -> None:
    exploding = content.demos["exploding"].setup
    result = run(exploding)
    assert exploding.hidden_size == 64 and exploding.spectral_radius == 2.0
    assert judge(result.norms, len(result.norms) - 1).label == "exploding"
    assert np.abs(result.trace.hidden).max() <= 1.0  # "stays between −1 and 1"
    assert result.norms[0] > 1e3 * result.norms[-1]  # "orders of magnitude"
    clipping = content.demos["clipping"].setup
    assert replace(clipping, clip=None) == exploding  # "the exploding set-up again"
    clipped = run(clipping)
    params = {name: np.array(g) for name, g in clipped.grads.params.items()}
    report = engine.clip_grad_norm(params, clipping.clip)
    assert report.clipped and report.norm_before > clipping.clip
    assert report.norm_after <= clipping.clip * (1 + 1e-12)
    factor = report.norm_after / report.norm_before
    for name, g in clipped.grads.params.items():  # "keeps the direction": one factor for all
        np.testing.assert_allclose(params[name], g * factor, rtol=1e-9, atol=1e-300)


def two_figures(stated: str, measured: float) -> bool:
    """ "5.9·10⁵" states 5.87e5 to two significant figures."""
    value = powers_of_ten(stated)[0]
    return float(f"{measured:.1e}") == pytest.approx(value, rel=1e-9)


@demo_check("surprise")
def check_surprise(content: Content) -> None:
    """ρ = 0.5 yet the gradient grows: the numbers in the demo and the glossary entry."""
    demo = content.demos["surprise"]
    result = run(demo.setup)
    cell, norms = result.cell, result.norms
    last = len(norms) - 1
    peak = int(np.argmax(norms))
    assert demo.setup.hidden_size == 10 and "(10 units)" in demo.description
    assert engine.spectral_radius(cell) == pytest.approx(0.5, abs=1e-12)
    eigenvalues = np.linalg.eigvals(np.asarray(cell.params["weight_hh"]))
    np.testing.assert_allclose(eigenvalues, 0.5, atol=1e-12)  # "every eigenvalue 0.5"
    assert round(engine.largest_singular_value(cell), 2) == 3.43
    growth, faded = norms[peak] / norms[last], norms[0] / norms[last]
    texts_with_numbers = (
        demo.description,
        text_of(content, "glossary:spectral-radius.explanation"),
    )
    for text in texts_with_numbers:
        text = plain_text(text)
        assert "3.43" in text and re.search(r"ρ(\(W_hh\))? = 0\.5\b", text)
        stated = re.search(r"grows (?:a gradient )?×(\S+) over (?:the first )?(\d+) steps", text)
        assert stated is not None and two_figures(stated.group(1), growth)
        assert int(stated.group(2)) == last - peak
    assert two_figures("5.6·10⁻¹²", faded) and "×5.6·10⁻¹²" in demo.description
    # "falls to the right, towards the loss" from the peak on; "before ρ wins and it fades"
    assert np.all(np.diff(np.log(norms[peak:])) < 0) and faded < 1
    assert judge(norms, 0.5).label == "vanishing"  # the long run: ρ decides
    # "the input reaches unit 0 only": the forward pass stays small, tanh's slope near 1
    assert not np.asarray(cell.params["weight_ih"])[1:].any()
    assert np.abs(result.trace.hidden).max() < 0.5


@demo_check("rnn-vs-lstm")
def check_compare(content: Content) -> None:
    setup = content.demos["rnn-vs-lstm"].setup
    norms = {kind: run(setup, kind).norms for kind in ("rnn", "lstm", "gru")}
    text = content.demos["rnn-vs-lstm"].description
    assert "smaller than 10⁻²⁰" in text and norms["rnn"][0] < 1e-20
    assert "within a few powers of ten of 1" in text and 1e-4 < norms["lstm"][0] < 1
    assert "The untrained GRU fades too" in text and norms["gru"][0] < 1e-10
    assert judge(norms["gru"], len(norms["gru"]) - 1).label == "vanishing"


def forget_numbers(content: Content) -> dict[str, float]:
    """The untrained LSTM with and without the forget bias against the vanilla RNN."""
    setup = content.demos["lstm-forget-bias"].setup
    unbiased = run(replace(setup, forget_bias=None))
    biased = run(setup)
    vanilla = run(replace(setup, cell="rnn", forget_bias=None))
    last = len(unbiased.norms) - 1
    return {
        "lstm": float(unbiased.norms[0]),
        "lstm_biased": float(biased.norms[0]),
        "rnn": float(vanilla.norms[0]),
        "lstm_factor": judge(unbiased.norms, last).factor_per_step,
        "rnn_factor": judge(vanilla.norms, last).factor_per_step,
        "f_mean": float(unbiased.trace.gates["f"].mean()),
        "f_mean_biased": float(biased.trace.gates["f"].mean()),
        "biased_factor": judge(biased.norms, last).factor_per_step,
    }


@demo_check("lstm-forget-bias")
def check_forget_bias_demo(content: Content) -> None:
    numbers = forget_numbers(content)
    assert content.demos["lstm-forget-bias"].setup.forget_bias == 3.0
    assert abs(numbers["f_mean_biased"] - 0.95) < 0.01  # "forget gates start near 0.95"
    assert numbers["lstm_biased"] > 1e10 * numbers["rnn"]  # "many orders of magnitude larger"
    assert 0.9 < numbers["biased_factor"] < 1  # "close to 1, not above it"


@demo_check("lstm-gates")
def check_lstm_gates(content: Content) -> None:
    demo = content.demos["lstm-gates"]
    assert "three gates and a candidate" in demo.title and "four" not in demo.title
    gates = run(demo.setup).trace.gates
    assert set(gates) == {"i", "f", "g", "o"}
    for name in ("i", "f", "o"):  # gates: sigmoids, between 0 and 1
        assert gates[name].min() > 0 and gates[name].max() < 1
    assert gates["g"].min() < 0  # the candidate is a tanh, not a gate


@demo_check("gru-gates")
def check_gru_gates(content: Content) -> None:
    result = run(content.demos["gru-gates"].setup)
    gates, hidden = result.trace.gates, result.trace.hidden
    assert set(gates) == {"r", "z", "n"} and result.trace.cell_state is None
    previous = np.vstack([np.zeros((1, hidden.shape[1])), hidden[:-1]])
    z, n = gates["z"], gates["n"]
    np.testing.assert_allclose(hidden, (1 - z) * n + z * previous, atol=1e-12)


# ------------------------------------------- demos on bundled trained models (issue 10)
def opened(setup: DemoSetup) -> StudioSession:
    """A studio session showing ``setup`` as "Show me" opens it (its bundled model)."""
    session = StudioSession()
    session.apply_demo(setup)
    assert session.error == "" and session.warning == ""
    assert all(cell.outputs.trained for cell in session.run.cells.values())
    return session


def class_probability(session: StudioSession, t: int, label: str) -> float:
    outputs = session.shown.outputs
    return float(outputs.probabilities[t][outputs.labels.index(label)])


def mean_misses(session: StudioSession) -> tuple[float, float]:
    """Mean |forecast − next value| of the model, and of "the next value equals this one"."""
    values = session.run.sequence.values
    predictions = session.shown.outputs.predictions
    return (
        float(np.abs(predictions[:-1] - values[1:]).mean()),
        float(np.abs(values[:-1] - values[1:]).mean()),
    )


@demo_check("not-bad", "bad-alone")
def check_not_changes_bad(content: Content) -> None:
    with_not_demo, alone_demo = content.demos["not-bad"], content.demos["bad-alone"]
    assert with_not_demo.setup.model == alone_demo.setup.model == "sentiment-rnn"
    with_not, alone = opened(with_not_demo.setup), opened(alone_demo.setup)
    assert with_not.run.sequence.tokens[with_not.cursor] == "bad"
    assert alone.cursor == 0 and alone.run.sequence.tokens[0] == "bad"  # nothing before it
    for name, value in with_not.shown.cell.params.items():  # "exactly those of not bad"
        np.testing.assert_array_equal(value, alone.shown.cell.params[name])
    difference = with_not.shown.trace.hidden[1] - alone.shown.trace.hidden[0]
    assert np.linalg.norm(difference) > 0.1  # "carries a trace of not"
    positive = class_probability(with_not, 1, "positive")
    negative = class_probability(alone, 0, "negative")
    assert f"positive ({round(100 * positive)}%)" in plain_text(with_not_demo.description)
    assert f"negative ({round(100 * negative)}%)" in plain_text(alone_demo.description)
    assert positive > 0.9 and negative > 0.9


@demo_check("sine-forecast")
def check_sine(content: Content) -> None:
    demo = content.demos["sine-forecast"]
    text = plain_text(demo.description)
    session = opened(demo.setup)
    values = session.run.sequence.values
    assert "Eighty points" in text and len(values) == 80
    assert "period of 20 steps" in text and "sine of period 24" in text
    np.testing.assert_allclose(values, np.sin(2 * np.pi * np.arange(80) / 20), atol=6e-4)
    model, persistence = mean_misses(session)
    assert f"misses by {model:.2f} on average, against {persistence:.2f}" in text
    assert model < persistence / 3


@demo_check("price-forecast")
def check_price(content: Content) -> None:
    demo = content.demos["price-forecast"]
    text = plain_text(demo.description)
    session = opened(demo.setup)
    values = session.run.sequence.values
    assert demo.setup.cell == "gru" and "read by a GRU" in text
    assert np.all(values > 0) and np.diff(values).std() > 0.5  # noisy
    assert abs(values[-1] - values[0]) > 2 or np.ptp(values) > 10  # drifting
    model, persistence = mean_misses(session)
    assert f"misses by {model:.2f} on average" in text
    assert f"today's ({persistence:.2f})" in text
    assert persistence * 0.95 < model < persistence * 1.3  # "no better than" persistence


@demo_check("trained-memory-100")
def check_trained_memory(content: Content) -> None:
    from rnn_studio.state.compare_story import current_story_step, first_step_share, story_text

    demo = content.demos["trained-memory-100"]
    session = opened(demo.setup)
    assert session.text == story_text() and len(session.text) == 102  # B, 100, "?"
    shares = first_step_share(session)
    text = plain_text(demo.description)
    assert f"{round(100 * shares['gru'])}% of the GRU's" in text
    assert f"{100 * shares['lstm']:.1f}% of the LSTM's" in text
    assert shares["rnn"] < 1e-10 and "of the RNN's practically nothing" in text
    assert shares["gru"] > shares["lstm"] > 1e-3  # both "reach the first step"
    assert current_story_step(session) == "trained"  # set-up 3 of the "3 set-ups"
    for kind in ("lstm", "gru"):  # they learned the task: they recall "B"
        session.set_view_cell(kind)
        assert session.shown.outputs.top_tokens(len(session.run) - 1, ())[0][0] == "B"


@demo_check("next-char")
def check_next_char(content: Content) -> None:
    demo = content.demos["next-char"]
    text = plain_text(demo.description)
    session = opened(demo.setup)
    tokens = session.run.sequence.tokens
    assert session.text == "hello hello hello" and "a word it never saw" in text
    from rnn_studio.zoo.corpus import repeats_corpus

    assert "hello" not in repeats_corpus().split()  # "never saw"
    from rnn_studio.state.sequence import display_token

    outputs, sequence = session.shown.outputs, session.run.sequence
    right = [  # the top bar of the outputs panel is the true next character
        display_token(outputs.top_tokens(t, ())[0][0])
        == display_token(sequence.vocabulary[sequence.target_index(t)])
        for t in range(len(tokens) - 1)
    ]
    second_on = right[5:]  # from the space before the second "hello"
    assert len(right) == 16 and len(second_on) == 11
    assert f"{sum(second_on)} of the 11 next characters from there on" in text
    assert f"{sum(right)} of all 16" in text
    assert sum(right) > len(right) / 2  # "mostly right"
    assert sum(right[:4]) <= 1  # "cannot guess the first hello"
    assert session.text[demo.setup.cursor] == "e" and demo.setup.cursor == 7  # 2nd hello


# ------------------------------------------------------ the course's lessons (issue 16)
def jacobian_chain_norms(result: Run) -> np.ndarray:
    """‖J_{t+1}ᵀ ⋯ J_{T−1}ᵀ u‖ for every t, with J_t = diag(1 − h_t²) W_hh, built by hand."""
    w_hh = result.cell.params["weight_hh"]
    hidden = result.trace.hidden
    gradient = np.full(hidden.shape[1], 1 / math.sqrt(hidden.shape[1]))  # the studio's u
    norms = [np.linalg.norm(gradient)]
    for t in range(len(hidden) - 1, 0, -1):
        gradient = (np.diag(1 - hidden[t] ** 2) @ w_hh).T @ gradient
        norms.append(np.linalg.norm(gradient))
    return np.array(norms[::-1])


@demo_check("bptt-chain")
def check_bptt_chain(content: Content) -> None:
    demo = content.demos["bptt-chain"]
    result = run(demo.setup)
    assert result.tokens == list("cabbage") and demo.setup.hidden_size == 2
    np.testing.assert_allclose(result.norms, jacobian_chain_norms(result), rtol=1e-12)
    assert "from t = 6 to t = 5 it grows a little" in demo.description
    assert result.norms[5] > result.norms[6]  # grows a little ...
    assert result.norms[5] < 1.5 * result.norms[6]
    assert np.all(np.diff(result.norms[:6]) > 0)  # ... then every step back shrinks it
    assert "below 0.01 at t = 0" in demo.description and result.norms[0] < 0.01


def trained_predictions(setup: DemoSetup) -> list:
    """What a demo's bundled trained model predicts at every step (the outputs panel)."""
    from rnn_studio.zoo.catalog import load_zoo_model
    from rnn_studio.zoo.predict import predict_sequence

    assert setup.model is not None
    return predict_sequence(load_zoo_model(setup.model), setup.text, setup.mode)


@demo_check("lm-softmax", "lm-teacher-forcing")
def check_trained_language_model(content: Content) -> None:
    from rnn_studio.zoo.catalog import load_zoo_model

    softmax_demo, forcing = content.demos["lm-softmax"], content.demos["lm-teacher-forcing"]
    setup = softmax_demo.setup
    assert setup.model == "chars-gru" and setup.text == "the hidden state"
    model = load_zoo_model(setup.model)
    assert model.vocabulary is not None and len(model.vocabulary) == 49  # "49 characters"
    steps = trained_predictions(setup)
    at_i = steps[setup.cursor]
    assert at_i.token == "i" and at_i.predicted == "d"  # "at the i of hidden … d"
    assert at_i.probability is not None and round(100 * at_i.probability) == 96
    state, output = None, np.zeros(model.output_size)
    for index in model.vocabulary.encode(list(setup.text[: setup.cursor + 1])):
        state, _, output = model.step(int(index), state)
    assert engine.softmax(output).sum() == pytest.approx(1.0)  # "add up to 1"
    guess = steps[forcing.setup.cursor]
    assert guess.token == "␣" and guess.predicted == "l"  # unsure after "the " (␣: a space)
    assert guess.probability is not None and round(100 * guess.probability) == 15
    assert setup.text[forcing.setup.cursor + 1] == "h"  # "the next input is still the true h"
    assert "about 96 %" in softmax_demo.description and "about 15 %" in forcing.description


def studio_stack_of(setup: DemoSetup) -> tuple[np.ndarray, engine.CellStack]:
    """The inputs and the layered stack the studio builds for a layers demo."""
    inputs = recipe.studio_inputs(setup.text, setup.mode)
    base = recipe.studio_cell(setup.cell, inputs.shape[1], setup.hidden_size, setup.seed)
    stack = recipe.studio_stack(base, setup.num_layers, setup.bidirectional, setup.seed)
    return inputs, stack


@demo_check("stacked-rnn")
def check_stacked(content: Content) -> None:
    demo = content.demos["stacked-rnn"]
    setup = demo.setup
    assert setup.num_layers == 2 and not setup.bidirectional and setup.hidden_size == 4
    inputs, stack = studio_stack_of(setup)
    trace = engine.forward(stack, inputs)
    layer_1 = trace.states(0)
    # "at every step, layer 2 reads the hidden state that layer 1 has just computed"
    np.testing.assert_array_equal(trace.states(1), engine.forward(stack.cell(1), layer_1).hidden)
    assert stack.cell(1).input_size == 4 and "four units each" in demo.description


@demo_check("bidirectional-rnn")
def check_bidirectional(content: Content) -> None:
    demo = content.demos["bidirectional-rnn"]
    setup = demo.setup
    assert setup.bidirectional and setup.num_layers == 1 and setup.hidden_size == 4
    inputs, stack = studio_stack_of(setup)
    trace = engine.forward(stack, inputs)
    assert trace.hidden.shape == (4, 8)  # "both states side by side, 8 numbers"
    assert recipe.text_tokens(setup.text, setup.mode) == ["not", "bad", "at", "all"]
    changed = inputs.copy()
    changed[-1] = np.roll(changed[-1], 1)  # another last word
    other = engine.forward(stack, changed)
    # "the output at not … already depends on all": the backward half moves, the forward does not
    np.testing.assert_array_equal(other.hidden[0, :4], trace.hidden[0, :4])
    assert np.abs(other.hidden[0, 4:] - trace.hidden[0, 4:]).max() > 1e-3
    forward_only = engine.forward(stack.cell(0, 0), changed).hidden
    np.testing.assert_array_equal(
        forward_only[:3], engine.forward(stack.cell(0, 0), inputs).hidden[:3]
    )


def test_every_demo_has_a_check(content: Content) -> None:
    assert set(DEMO_CHECKS) == set(content.demos)


@pytest.mark.parametrize("demo_id", sorted(set(DEMO_CHECKS)))
def test_demo_text_matches_the_engine(content: Content, demo_id: str) -> None:
    DEMO_CHECKS[demo_id](content)


# ----------------------------------------------------------------------------- texts
def test_untrained_lstm_numbers_in_every_text_that_quotes_them(content: Content) -> None:
    """'7·10⁻²¹ against 9·10⁻³²' (the issue: not 'almost as fast as a vanilla RNN')."""
    numbers = forget_numbers(content)
    assert 0.4 < numbers["f_mean"] < 0.6  # "the gate sits around 0.5"
    assert numbers["lstm"] < 1e-15 and numbers["lstm"] > 1e5 * numbers["rnn"]
    for key in (
        "glossary:forget-gate-bias.explanation",
        "card:forget-bias-why.back",
        "quiz:untrained-lstm.choices[0].explanation",
    ):
        text = plain_text(text_of(content, key))
        assert "almost as fast" not in text, key
        stated = powers_of_ten(text)
        assert any(same_to_one_figure(s, numbers["lstm"]) for s in stated), (key, stated)
        assert any(same_to_one_figure(s, numbers["rnn"]) for s in stated), (key, stated)
    glossary = text_of(content, "glossary:forget-gate-bias.explanation")
    assert f"×{numbers['lstm_factor']:.2f} per step" in glossary
    assert f"×{numbers['rnn_factor']:.2f}" in glossary
    assert any(same_to_one_figure(s, numbers["lstm_biased"]) for s in powers_of_ten(glossary))
    assert "σ(3) ≈ 0.95" in glossary and round(float(engine.sigmoid(3.0)), 2) == 0.95
    lesson = next(t for k, t in texts(content) if "forget gate half shut" in t)
    assert "almost as fast" not in lesson and "more slowly" in lesson


def test_same_word_at_two_places_gives_the_distance_the_quiz_states(content: Content) -> None:
    setup = content.demos["weight-sharing"].setup
    result = run(setup)
    assert result.tokens[1] == result.tokens[8] == "cat"
    distance = float(np.linalg.norm(result.trace.hidden[1] - result.trace.hidden[8]))
    text = text_of(content, "quiz:pattern-anywhere.choices[0].explanation")
    assert f"t = 1 and at t = 8 gives hidden states {distance:.2f} apart" in text
    assert "independent of where" not in text
    question = next(q for q in content.questions if q.id == "pattern-anywhere")
    assert question.demo == "weight-sharing"


POWER = re.compile(
    r"(\d+(?:\.\d+)?)<sup>(\d+)</sup>\s*(?:is already about|is about|≈)\s*"
    r"(\d+(?:\.\d+)?)(?!\d|\.\d|\s*×)"
)


def test_every_stated_power_is_right(content: Content) -> None:
    """'0.8<sup>50</sup> is about 0.000014', '0.9<sup>30</sup> ≈ 0.04' and the like."""
    checked = 0
    for key, text in texts(content):
        for base, exponent, value in POWER.findall(text):
            exact = float(base) ** int(exponent)
            stated = float(value.rstrip("."))
            assert stated == pytest.approx(exact, rel=0.5), (key, base, exponent, value)
            assert round(exact, len(value.rstrip(".").split(".")[-1])) == pytest.approx(stated), key
            checked += 1
    assert checked >= 3
    card = plain_text(text_of(content, "card:vanishing-arithmetic.back"))
    assert "1.4 × 10 −5" in card and round(0.8**50 / 1e-5, 1) == 1.4
    lesson = text_of(content, "lesson:limitations.lines[4]")
    assert "one in seventy thousand" in lesson and round(1 / 0.8**50, -4) == 70_000


def test_small_numeric_facts(content: Content) -> None:
    sigmoid = text_of(content, "glossary:sigmoid.explanation")
    a = np.linspace(-10, 10, 20001)
    slope = engine.sigmoid(a) * (1 - engine.sigmoid(a))
    assert "steepest slope is only 0.25, at zero" in sigmoid
    assert slope.max() == pytest.approx(0.25) and a[slope.argmax()] == pytest.approx(0)
    entropy = text_of(content, "glossary:cross-entropy.explanation")
    assert "0.9 the loss is about 0.1" in entropy and round(-math.log(0.9), 1) == 0.1
    assert "0.01 the loss is about 4.6" in entropy and round(-math.log(0.01), 1) == 4.6
    loss = engine.softmax_cross_entropy(np.array([[60.0, 0.0, 0.0]]), np.array([0])).loss
    assert loss == pytest.approx(0, abs=1e-20)  # tf-cross-entropy-perfect: −log 1 = 0
    sharp, flat = (
        engine.softmax(np.array([2.0, 1.0, 0.0]), 0.2),
        engine.softmax(np.array([2.0, 1.0, 0.0])),
    )
    assert sharp.max() > 0.99 > flat.max()  # temperature-low: "almost always the likeliest"
    assert text_of(content, "quiz:clip-effect.choices[0].explanation").startswith(
        "Right: g ← 5 · g / 50, a rescaling by 0.1"
    )
    grads = {"w": np.array([30.0, 40.0])}  # norm 50
    report = engine.clip_grad_norm(grads, 5.0)
    assert report.norm_after == pytest.approx(5) and np.allclose(grads["w"], [3.0, 4.0])


def test_shapes_the_texts_state(content: Content) -> None:
    cell = engine.make_cell("rnn", 3, 8, seed=0)
    assert cell.params["weight_hh"].shape == (8, 8)  # typed-hidden-size, glossary hidden-size
    assert "8 × 8 matrix" in text_of(content, "glossary:hidden-size.explanation")
    big = engine.make_cell("rnn", 5, 16, seed=0)
    trace = engine.forward(big, np.eye(5)[np.arange(500) % 5])
    assert trace.hidden[-1].shape == (16,)  # hidden-state-size: 16 numbers after 500 chars
    before = {name: np.array(value) for name, value in big.params.items()}
    for steps in (50, 100):  # weight-count: one set of weights, whatever the length
        engine.forward(big, np.eye(5)[np.arange(steps) % 5])
        assert big.params.keys() == before.keys()
        assert all(np.array_equal(big.params[n], before[n]) for n in before)
    x = np.zeros(5)
    x[3] = 1
    np.testing.assert_array_equal(big.params["weight_ih"] @ x, big.params["weight_ih"][:, 3])
    vocabulary = engine.Vocabulary.from_tokens(["a", "b", "c"], mode="chars")
    one_hot = engine.one_hot(vocabulary.encode(["a"]), len(vocabulary))[0]
    np.testing.assert_array_equal(one_hot, [1, 0, 0])  # typed-one-hot


def gate_biased(kind: str, gate: str, bias: float, seed: int = 0) -> engine.Cell:
    """A cell with one gate's bias pushed to ``bias`` (the gate pinned near 0 or 1)."""
    order = {"lstm": "ifgo", "gru": "rzn"}[kind]
    cell = engine.make_cell(kind, 3, 4, seed=seed)
    params = {name: np.array(value) for name, value in cell.params.items()}
    block = order.index(gate)
    params["bias_ih"][block * 4 : (block + 1) * 4] = bias
    cell.set_params(params)
    return cell


def test_gate_claims(content: Content) -> None:
    xs = np.random.default_rng(0).normal(size=(21, 3))
    # gru-update: z = 1 for twenty steps copies the value forward unchanged.
    trace = engine.forward(gate_biased("gru", "z", 60.0), xs)
    np.testing.assert_allclose(trace.hidden[1:], np.repeat(trace.hidden[:1], 20, 0), atol=1e-12)
    assert "copied forward unchanged" in text_of(content, "quiz:gru-update.choices[0].text")
    # gate-zero: input gate 0 -> c_t = f_t ⊙ c_{t−1}.
    cell = gate_biased("lstm", "i", -60.0)
    trace = engine.forward(cell, xs)
    previous = np.vstack([np.zeros((1, 4)), trace.cell_state[:-1]])
    np.testing.assert_allclose(trace.cell_state, trace.gates["f"] * previous, atol=1e-12)
    # tf-output-gate-hides: o ≈ 0 keeps c_t but hides it from h_t.
    start = engine.forward(engine.make_cell("lstm", 3, 4, seed=0), xs[:5]).cell_state[-1]
    trace = engine.forward(gate_biased("lstm", "o", -60.0), xs[:1], np.zeros(4), start)
    assert np.abs(trace.hidden).max() < 1e-20 and np.abs(trace.cell_state).max() > 1e-3
    # The GRU text: one update gate does the work of the LSTM's forget and input gates.
    gru_text = plain_text(text_of(content, "glossary:update-gate.explanation"))
    assert "plays the part" not in gru_text and "forget and input gates are coupled" in gru_text
    assert "no separate cell state" in gru_text


def test_spectral_radius_claims_hold_for_the_studio_set_ups(content: Content) -> None:
    """spectral-radius-choice: ρ = 0.5 on the 100-step demo vanishes; tf-tanh-explode: ρ > 1
    makes explosion possible but does not guarantee it."""
    setup = replace(content.demos["vanishing-100"].setup, spectral_radius=0.5)
    result = run(setup)
    assert judge(result.norms, len(result.norms) - 1).label == "vanishing"
    question = next(q for q in content.questions if q.id == "spectral-radius-choice")
    right = next(c.text for c in question.choices if c.correct).lower()
    assert any(word in right for word in ("fall", "shrink", "vanish", "drop", "rise"))
    labels = set()
    for seed in range(12):  # 8 units, ρ = 4: 7 vanish, 2 stay stable, 3 explode
        tanh_4 = replace(setup, spectral_radius=4.0, seed=seed, hidden_size=8)
        result = run(tanh_4)
        labels.add(judge(result.norms, len(result.norms) - 1).label)
    assert "exploding" in labels and "vanishing" in labels  # possible, not guaranteed
    tf = next(q for q in content.questions if q.id == "tf-tanh-explode")
    assert tf.answer is False


def test_history_and_gate_counts(content: Content) -> None:
    lstm = plain_text(text_of(content, "glossary:lstm.explanation"))
    assert "1997 with input and output gates only" in lstm
    assert "Gers, Schmidhuber and Cummins" in lstm and "three gates and a candidate" in lstm
    assert set(engine.make_cell("lstm", 2, 2, seed=0).gate_names) == {"i", "f", "g", "o"}
    sources = {s.authors.split(",")[0]: s.year for s in content.lessons[0].sources}
    assert sources["Hochreiter"] == 1997 and sources["Gers"] == 2000 and sources["Cho"] == 2014
    books = " ".join(f"{s.title} {s.published}" for s in content.lessons[0].sources)
    assert "Deep Learning" in books and "chapter 10" in books
    assert "Dive into Deep Learning" in books and "chapters 9 and 10" in books


def test_shuffle_test_does_not_fit_photos(content: Content) -> None:
    """'Would shuffling lose information?' also fits a photo's pixels: the test now asks for
    one axis of elements read one after another, and says why a photo fails it."""
    for key in (
        "glossary:sequential-data.definition",
        "card:sequential-data-test.back",
        "quiz:shuffle-test.explanation",
    ):
        text = text_of(content, key)
        assert re.search(r"one (element )?after another", text), key
        assert not re.search(r"shuffling (them|it|the elements) would (lose|change)", text), key
    assert "photo" in text_of(content, "card:sequential-data-test.back")


# ----------------------------------------------------------------------------- guard
#: Texts with a stated number that a check above compares with the engine or arithmetic.
COVERED = {
    "demo:rnn-vs-lstm.description",
    "glossary:forget-gate-bias.explanation",
    "card:forget-bias-why.back",
    "quiz:untrained-lstm.choices[0].explanation",
    "quiz:pattern-anywhere.choices[0].explanation",
    "glossary:vanishing-gradient-problem.explanation",
    "card:vanishing-arithmetic.back",
    "card:eigenvalue-power.back",
    "quiz:vanish-why.choices[0].explanation",
    "lesson:limitations.lines[4]",
    "demo:surprise.description",
    "glossary:spectral-radius.explanation",
}
NUMERIC_CLAIM = re.compile(r"\d\s*[·×]\s*10|10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]{2,}|\d<sup>\d+</sup>|\d\.\d+ apart")


def test_every_text_with_a_stated_number_is_checked(content: Content) -> None:
    found = {key for key, text in texts(content) if NUMERIC_CLAIM.search(text)}
    assert found - COVERED == set(), "add a check for these texts, then list them in COVERED"
