"""The bundled trained models in the studio: the start-up model and the weights switch.

The studio opens on :data:`START_MODEL` reading :data:`START_TEXT` (:func:`start_session`).
A bundled model is filed under :data:`TRAINED_SEED`; the switch **Weights: trained · random
(seed N)** (:func:`set_weights`) moves the studio's seed between that seed, where the session
computes with the trained weights and readout, and a random seed N, where it shows an
untrained cell of the same shape on the same input (see
:mod:`rnn_studio.state.trained_match`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rnn_studio.state.session import StudioSession
from rnn_studio.state.trained_adapter import TrainedModelError
from rnn_studio.studio_core.demo import COMPARE_KINDS, ZOO_TASK_MODES, DemoError, DemoSetup
from rnn_studio.studio_core.recipe import NON_NORMAL_NORM, NON_NORMAL_RHO
from rnn_studio.zoo import ZooError, zoo_entry

START_MODEL = "sentiment-lstm"
START_TEXT = "not bad"
TRAINED_SEED = 0
"""The studio seed bundled models are shown under."""
DEFAULT_RANDOM_SEED = 1
"""The seed of "random" until the learner picks another."""
WEIGHT_CHOICES = ("trained", "random")

EXAMPLE_TEXTS = {
    "sentiment": "not bad",
    "text": "the hidden state",
    "forecast": "0, 0.26, 0.5, 0.71, 0.87, 0.97, 1, 0.97, 0.87, 0.71, 0.5, 0.26",
}
"""What a bundled model reads when it is opened without a text (memory: one of its rows)."""


def example_text(name: str) -> str:
    """A sequence the bundled model ``name`` can read."""
    entry = zoo_entry(name)
    if entry.options.get("corpus") == "repeats":
        return "hello hello hello"  # a word said three times, as it learned
    if entry.task == "memory":
        lag = int(entry.options["lag"])
        return "B" + ("abcd" * (lag // 4 + 1))[:lag] + "?"
    return EXAMPLE_TEXTS[entry.task]


def open_zoo_models(
    session: StudioSession,
    names: str | Sequence[str],
    text: str | None = None,
    *,
    backprop: bool = False,
) -> None:
    """Show the bundled model(s) ``names`` in ``session`` (one, or an RNN, LSTM and GRU of
    one task) on ``text`` (an example of the task by default), with trained weights.

    It applies the :class:`DemoSetup` whose ``model`` names them (:func:`bundled_setup`), so
    a scene or session saved from it names the bundled model too.

    Raises
    ------
    ZooError
        An unknown name, or three names that are not one family's RNN, LSTM and GRU.
    TrainedModelError
        The models cannot read ``text`` (the message names the tokens); nothing changes.
    """
    session.apply_demo(bundled_setup(names, text, backprop=backprop))


def bundled_setup(
    names: str | Sequence[str], text: str | None = None, *, backprop: bool = False
) -> DemoSetup:
    """The set-up showing bundled model(s) ``names`` (see :func:`open_zoo_models`)."""
    names = [names] if isinstance(names, str) else list(names)
    entries = [zoo_entry(name) for name in names]
    if len(names) == 1:
        cell, model = entries[0].cell, names[0]
    else:
        families = {name.rsplit("-", 1)[0] for name in names}
        if len(names) != 3 or len(families) != 1 or {e.cell for e in entries} != set(COMPARE_KINDS):
            raise ZooError(f"Compare one family's RNN, LSTM and GRU, not {', '.join(names)}.")
        cell, model = "compare", families.pop()
    try:
        return DemoSetup(
            text=example_text(names[0]) if text is None else text,
            mode=ZOO_TASK_MODES[entries[0].task],
            cell=cell,
            hidden_size=entries[0].hidden_size,
            seed=TRAINED_SEED,
            cursor=-1,
            backprop=backprop,
            model=model,
        )
    except DemoError as error:
        raise TrainedModelError(str(error)) from None


def start_session() -> StudioSession:
    """The studio's session at start-up: the trained sentiment LSTM reading "not bad"."""
    session = StudioSession()
    open_zoo_models(session, START_MODEL, START_TEXT)
    return session


def weights(session: StudioSession) -> str | None:
    """``"trained"`` when the studio computes with trained weights, ``"random"`` when trained
    models are loaded but an untrained cell is shown, None when none are loaded."""
    if not session.trained_models:
        return None
    return "trained" if session.shows_trained else "random"


def random_seed(session: StudioSession) -> int:
    """The seed "random" uses: the studio's own when it is not the trained one."""
    seed = session.seed
    return seed if seed != session.trained_seed else DEFAULT_RANDOM_SEED + session.trained_seed


def set_weights(session: StudioSession, choice: str, seed: int | None = None) -> None:
    """Show the trained weights, or an untrained cell of the same shape from ``seed``.

    Raises
    ------
    ValueError
        ``choice`` is not "trained" or "random", or ``seed`` is the trained models' seed.
    """
    if choice not in WEIGHT_CHOICES:
        raise ValueError(f"weights must be 'trained' or 'random', not {choice!r}")
    if choice == "trained":
        session.set_seed(session.trained_seed)
        return
    seed = random_seed(session) if seed is None else seed
    if seed == session.trained_seed:
        raise ValueError(f"seed {seed} is where the trained weights are shown; pick another")
    session.set_seed(seed)


def describe_setup(setup: DemoSetup) -> str:
    """The model a demo set-up computes with, e.g. "Model: untrained RNN (random weights,
    seed 0, 8 hidden units)." or, for a setup naming a bundled ``model``, "Model: the
    trained LSTM (bundled model sentiment-lstm, 16 hidden units)."."""
    kinds = ["RNN", "LSTM", "GRU"] if setup.cell == "compare" else [setup.cell.upper()]
    names = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    if setup.model is not None:
        bundled = ", ".join(setup.model_names)
        plural = "s" if len(setup.model_names) > 1 else ""
        return (
            f"Model: the trained {names} (bundled model{plural} {bundled}, "
            f"{setup.hidden_size} hidden units)."
        )
    extras = []
    if setup.forget_bias is not None:
        extras.append(f"LSTM forget bias {setup.forget_bias:+g}")
    if setup.spectral_radius is not None:
        extras.append(f"W_hh rescaled to ρ = {setup.spectral_radius:g}")
    more = "".join(f", {extra}" for extra in extras)
    weights = "random weights"
    if setup.recurrent == "non-normal" and setup.cell in ("rnn", "compare"):
        weights = (
            f"a non-normal W_hh made with ρ = {NON_NORMAL_RHO:g} and ‖W_hh‖₂ = "
            f"{NON_NORMAL_NORM:g}, input to unit 0 only"
        )
    return (
        f"Model: untrained {names} ({weights}, seed {setup.seed}, "
        f"{setup.hidden_size} hidden units{more})."
    )


def describe_model(session: StudioSession) -> str:
    """One sentence naming the model the studio computes with: :func:`describe_setup` for
    random weights or a bundled model, or "Model: the trained LSTM, 16 hidden units." for
    one trained in the Train area."""
    run = session.run
    if run is None:
        return ""
    kinds = [kind.upper() for kind in run.kinds]
    names = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    trained = [kind for kind, cell in run.cells.items() if cell.outputs.trained]
    setup = session.to_setup()
    if setup.model is not None:  # a bundled model: name it
        return describe_setup(setup)
    if trained and len(trained) == len(kinds):
        return f"Model: the trained {names}, {session.hidden_size} hidden units."
    return describe_setup(setup)
