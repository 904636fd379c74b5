"""The whole model: gradients of every parameter against central differences, PyTorch
names, predictions, sampling and rollout."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine.encoding import Vocabulary, tokenize
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.model import Model, accuracy, rollout, sample, top_predictions

KINDS = ("rnn", "lstm", "gru")


def central_difference_grads(model, inputs, targets, eps=1e-6):
    """d loss / d parameter for every entry, by (L(θ+ε) − L(θ−ε)) / 2ε."""
    params = model.params
    numeric = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted = {key: array.copy() for key, array in params.items()}
            shifted[name][index] = value[index] + eps
            model.set_params(shifted)
            plus = model.loss(inputs, targets)
            shifted[name][index] = value[index] - eps
            model.set_params(shifted)
            minus = model.loss(inputs, targets)
            grad[index] = (plus - minus) / (2 * eps)
        numeric[name] = grad
    model.set_params(params)
    return numeric


def relative_error(analytic, numeric):
    scale = max(np.abs(analytic).max(), np.abs(numeric).max(), 1e-12)
    return float(np.abs(analytic - numeric).max() / scale)


def token_case(kind, loss_on, embedding_size, batched, nonlinearity="tanh"):
    rng = np.random.default_rng(3)
    model = Model(
        kind,
        input_size=5,
        hidden_size=4,
        output_size=3 if loss_on == "last" else 5,
        embedding_size=embedding_size,
        loss_on=loss_on,
        nonlinearity=nonlinearity,
        seed=1,
    )
    shape = (6, 2) if batched else (6,)
    inputs = rng.integers(0, 5, size=shape)
    if loss_on == "last":
        targets = rng.integers(0, 3, size=shape[1:])
    else:
        targets = rng.integers(0, 5, size=shape)
    return model, inputs, targets


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("loss_on", "embedding_size", "batched"),
    [("every", None, True), ("last", 3, True), ("every", 3, False), ("last", None, False)],
)
def test_classifier_gradients_match_central_differences(kind, loss_on, embedding_size, batched):
    model, inputs, targets = token_case(kind, loss_on, embedding_size, batched)
    result = model.loss_and_grads(inputs, targets)
    numeric = central_difference_grads(model, inputs, targets)
    assert set(result.grads) == set(model.params)
    for name, grad in result.grads.items():
        assert grad.shape == model.params[name].shape
        assert relative_error(grad, numeric[name]) < 1e-6, name


def test_relu_rnn_gradients_match_central_differences():
    model, inputs, targets = token_case("rnn", "every", None, True, nonlinearity="relu")
    result = model.loss_and_grads(inputs, targets)
    numeric = central_difference_grads(model, inputs, targets)
    for name, grad in result.grads.items():
        assert relative_error(grad, numeric[name]) < 1e-6, name


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("loss_on", ["every", "last"])
def test_regression_gradients_match_central_differences(kind, loss_on):
    rng = np.random.default_rng(5)
    model = Model(
        kind, input_size=2, hidden_size=3, output_size=2, task="regress", loss_on=loss_on, seed=2
    )
    inputs = rng.normal(size=(5, 3, 2))
    targets = rng.normal(size=(5, 3, 2) if loss_on == "every" else (3, 2))
    h0 = rng.normal(size=(3, 3))
    result = model.loss_and_grads(inputs, targets, h0=h0)
    numeric = {}
    params = model.params
    for name, value in params.items():  # with h0 given: differentiate loss(inputs, h0)
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted = {key: array.copy() for key, array in params.items()}
            shifted[name][index] += 1e-6
            model.set_params(shifted)
            plus = model.loss(inputs, targets, h0=h0)
            shifted[name][index] -= 2e-6
            model.set_params(shifted)
            minus = model.loss(inputs, targets, h0=h0)
            grad[index] = (plus - minus) / 2e-6
        numeric[name] = grad
    model.set_params(params)
    for name, grad in result.grads.items():
        assert relative_error(grad, numeric[name]) < 1e-6, name


def test_parameter_names_follow_pytorch():
    model = Model("lstm", input_size=7, hidden_size=4, embedding_size=3, output_size=2, seed=0)
    assert {name: value.shape for name, value in model.params.items()} == {
        "embedding.weight": (7, 3),
        "rnn.weight_ih_l0": (16, 3),
        "rnn.weight_hh_l0": (16, 4),
        "rnn.bias_ih_l0": (16,),
        "rnn.bias_hh_l0": (16,),
        "readout.weight": (2, 4),
        "readout.bias": (2,),
    }
    assert model.state_dict().keys() == model.params.keys()


def test_readout_is_linear_in_the_hidden_state():
    model = Model("gru", input_size=4, hidden_size=3, seed=0)
    ids = np.array([0, 3, 1])
    trace, outputs = model.forward(ids)
    params = model.params
    expected = trace.hidden @ params["readout.weight"].T + params["readout.bias"]
    np.testing.assert_allclose(outputs, expected)
    np.testing.assert_array_equal(trace.inputs, np.eye(4)[ids])  # one-hot inputs


def test_same_seed_same_weights_and_set_params_validates():
    first = Model("rnn", input_size=3, hidden_size=4, seed=11).params
    again = Model("rnn", input_size=3, hidden_size=4, seed=11).params
    other = Model("rnn", input_size=3, hidden_size=4, seed=12).params
    assert all(np.array_equal(first[name], again[name]) for name in first)
    assert not np.array_equal(first["readout.weight"], other["readout.weight"])
    model = Model("rnn", input_size=3, hidden_size=4, seed=11)
    bad = dict(first)
    bad["readout.bias"] = np.zeros(5)
    with pytest.raises(EngineError, match=r"'readout.bias' must have shape \(3,\)"):
        model.set_params(bad)
    bad["readout.bias"] = np.array([np.nan, 0.0, 0.0])
    with pytest.raises(EngineError, match="NaN or infinity"):
        model.set_params(bad)
    del bad["readout.bias"]
    with pytest.raises(EngineError, match=r"missing \['readout.bias'\]"):
        model.set_params(bad)


def test_gate_biases_shift_the_right_rows():
    plain = Model("lstm", input_size=2, hidden_size=3, seed=4).params["rnn.bias_ih_l0"]
    biased = Model(
        "lstm", input_size=2, hidden_size=3, seed=4, forget_bias=1.0, gate_bias={"i": -2.0}
    ).params["rnn.bias_ih_l0"]
    np.testing.assert_allclose(biased - plain, [-2, -2, -2, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    gru = Model("gru", input_size=2, hidden_size=2, seed=4, forget_bias=3.0).params
    gru_plain = Model("gru", input_size=2, hidden_size=2, seed=4).params
    np.testing.assert_allclose(
        gru["rnn.bias_ih_l0"] - gru_plain["rnn.bias_ih_l0"], [0, 0, 3, 3, 0, 0]
    )
    with pytest.raises(EngineError, match="gated cell"):
        Model("rnn", input_size=2, hidden_size=2, forget_bias=1.0)
    with pytest.raises(EngineError, match="No gate 'f' in a gru cell"):
        Model("gru", input_size=2, hidden_size=2, gate_bias={"f": 1.0})


def test_bad_inputs_and_targets_are_named():
    model = Model("rnn", input_size=4, hidden_size=3, seed=0)
    with pytest.raises(EngineError, match=r"Token ids must lie in 0\.\.3"):
        model.forward(np.array([0, 4]))
    with pytest.raises(EngineError, match="integers"):
        model.forward(np.array([0.5, 1.0]))
    with pytest.raises(EngineError, match=r"Targets for every step must have shape \(2,\)"):
        model.loss_and_grads(np.array([0, 1]), np.array([1, 2, 3]))
    with pytest.raises(EngineError, match="Unknown task"):
        Model("rnn", input_size=2, hidden_size=2, task="cluster")
    regressor = Model("rnn", input_size=2, hidden_size=3, task="regress", seed=0)
    with pytest.raises(EngineError, match=r"\(T, 2\) or \(T, B, 2\)"):
        regressor.forward(np.zeros((4, 3)))


def test_predict_probabilities_and_accuracy():
    model = Model("lstm", input_size=3, hidden_size=4, output_size=2, loss_on="last", seed=0)
    ids = np.array([[0, 1], [2, 2], [1, 0]])
    probabilities = model.probabilities(ids)
    assert probabilities.shape == (3, 2, 2)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0)
    predicted = model.predict(ids)
    assert predicted.shape == (2,)
    np.testing.assert_array_equal(predicted, probabilities[-1].argmax(axis=-1))
    assert accuracy(np.array([[2.0, 1.0], [0.0, 1.0]]), np.array([0, 0])) == 0.5


def test_step_by_step_equals_forward():
    model = Model("gru", input_size=5, hidden_size=4, embedding_size=3, seed=2)
    ids = np.array([4, 0, 2, 2])
    _, outputs = model.forward(ids)
    state = None
    for t, token in enumerate(ids):
        state, _, output = model.step(int(token), state)
        np.testing.assert_allclose(output, outputs[t], rtol=1e-12, atol=1e-14)


def test_sampling_is_seeded_and_greedy_at_zero_temperature():
    vocabulary = Vocabulary.from_text("abcab", "chars")
    model = Model("lstm", input_size=len(vocabulary), hidden_size=5, vocabulary=vocabulary, seed=0)
    first = sample(model, "ab", 20, temperature=1.0, rng=np.random.default_rng(7))
    again = sample(model, "ab", 20, temperature=1.0, rng=np.random.default_rng(7))
    assert first == again and len(first) == 20 and set(first) <= set("abc")
    greedy = sample(model, "ab", 5, temperature=0.0, rng=np.random.default_rng(1))
    assert greedy == sample(model, "ab", 5, temperature=0.0, rng=np.random.default_rng(2))
    ids = vocabulary.encode(tokenize("ab", "chars"))
    assert greedy[0] == vocabulary.token(int(model.forward(ids)[1][-1].argmax()))
    with pytest.raises(EngineError, match="not in the vocabulary"):
        sample(model, "abz", 3, rng=np.random.default_rng(0))
    with pytest.raises(EngineError, match="prefix"):
        sample(model, [], 3, rng=np.random.default_rng(0))


def test_rollout_feeds_predictions_back():
    model = Model("rnn", input_size=1, hidden_size=4, task="regress", seed=3)
    history = np.sin(np.arange(8.0))
    predicted = rollout(model, history, 3)
    assert predicted.shape == (3, 1)
    _, outputs = model.forward(history)
    assert predicted[0, 0] == pytest.approx(outputs[-1, 0])
    extended = np.concatenate([history, predicted[:2, 0]])
    _, outputs = model.forward(extended)
    np.testing.assert_allclose(predicted[2, 0], outputs[-1, 0], rtol=1e-12)


def test_top_predictions_are_sorted_and_named():
    vocabulary = Vocabulary.from_text("abc", "chars")
    model = Model("gru", input_size=3, hidden_size=4, vocabulary=vocabulary, seed=1)
    ids = vocabulary.encode("abca")
    top = top_predictions(model, ids, k=2)
    probabilities = model.probabilities(ids)
    assert len(top) == 4 and all(len(step) == 2 for step in top)
    for step, row in zip(top, probabilities, strict=True):
        assert step[0][1] >= step[1][1]
        assert step[0] == (vocabulary.token(int(row.argmax())), pytest.approx(row.max()))
    labelled = Model("rnn", input_size=3, hidden_size=2, output_size=2, labels=["no", "yes"])
    assert {name for name, _ in top_predictions(labelled, ids, k=2)[0]} == {"no", "yes"}
    with pytest.raises(EngineError, match="k must be at least 1"):
        top_predictions(model, ids, k=0)
