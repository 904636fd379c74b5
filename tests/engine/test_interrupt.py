"""A pass inside ``engine.interruptible`` asks its stop function once per block of steps and
stops there; outside it (or while stop says False) it computes exactly what it always did."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.engine.blocks import forward_chunks, time_chunks

KINDS = ("rnn", "lstm", "gru")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


class Looks:
    """A stop function that counts its calls and says True from call ``stop_at`` on."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.count, self.stop_at = 0, stop_at

    def __call__(self) -> bool:
        self.count += 1
        return self.stop_at is not None and self.count >= self.stop_at


def _setup(kind: str, batch: int | None = None, steps: int = 600, hidden: int = 128):
    cell = engine.make_cell(kind, 3, hidden, seed=1)
    rng = np.random.default_rng(2)
    shape = (steps, 3) if batch is None else (steps, batch, 3)
    return cell, rng.standard_normal(shape)


@pytest.mark.parametrize("batch", [None, 4])
@pytest.mark.parametrize("kind", KINDS)
def test_a_pass_that_is_never_stopped_asks_once_per_block_and_gives_the_same_numbers(
    kind, batch
) -> None:
    cell, xs = _setup(kind, batch)
    plain = engine.forward(cell, xs)
    plain_grads = engine.backward(cell, plain, np.ones_like(plain.hidden))
    looks = Looks()
    with engine.interruptible(looks):
        trace = engine.forward(cell, xs)
    entries = GATES[kind] * cell.hidden_size * (1 if batch is None else batch)
    assert looks.count == len(forward_chunks(len(xs), entries)) > 1
    looks = Looks()
    with engine.interruptible(looks):
        grads = engine.backward(cell, trace, np.ones_like(trace.hidden))
    assert looks.count > 1
    np.testing.assert_array_equal(trace.hidden, plain.hidden)
    for name, value in plain_grads.params.items():
        np.testing.assert_array_equal(grads.params[name], value)
    np.testing.assert_array_equal(grads.norms, plain_grads.norms)


@pytest.mark.parametrize("batch", [None, 4])
@pytest.mark.parametrize("kind", KINDS)
def test_a_stopped_pass_stops_at_the_block_where_stop_said_so(kind, batch) -> None:
    cell, xs = _setup(kind, batch)
    looks = Looks(stop_at=2)
    with engine.interruptible(looks), pytest.raises(engine.Interrupted):
        engine.forward(cell, xs)
    assert looks.count == 2  # stopped at the second block, not at the end of the pass
    trace = engine.forward(cell, xs)
    blocks = len(time_chunks(len(xs), cell.hidden_size * (1 if batch is None else batch)))
    looks = Looks(stop_at=2)
    with engine.interruptible(looks), pytest.raises(engine.Interrupted):
        engine.backward(cell, trace, np.ones_like(trace.hidden))
    assert looks.count == 2 < blocks


def test_spectral_radii_stop_between_eigenvalue_problems() -> None:
    cell = engine.make_cell("lstm", 3, 32, seed=0)
    looks = Looks(stop_at=2)
    with engine.interruptible(looks), pytest.raises(engine.Interrupted):
        engine.gate_spectral_radii(cell)
    assert looks.count == 2  # one of the four blocks solved, then stopped
    looks = Looks()
    with engine.interruptible(looks):
        radii = engine.gate_spectral_radii(cell)
    assert looks.count == 4 and radii == engine.gate_spectral_radii(cell)


def test_outside_the_block_and_on_other_threads_nothing_is_asked() -> None:
    cell, xs = _setup("lstm")
    engine.checkpoint()  # no stop function: nothing happens
    results: list[object] = []
    with engine.interruptible(lambda: True):
        # Another thread's pass does not see this thread's stop function.
        thread = threading.Thread(target=lambda: results.append(engine.forward(cell, xs)))
        thread.start()
        thread.join()
        with pytest.raises(engine.Interrupted):
            engine.forward(cell, xs)
    assert len(results) == 1 and len(results[0]) == len(xs)
    assert len(engine.forward(cell, xs)) == len(xs)  # the block left: passes run again


def test_nested_blocks_restore_the_outer_stop_function() -> None:
    cell, xs = _setup("rnn")
    outer = Looks()
    with engine.interruptible(outer):
        with engine.interruptible(lambda: True), pytest.raises(engine.Interrupted):
            engine.forward(cell, xs)
        assert outer.count == 0
        engine.forward(cell, xs)
    assert outer.count > 0


def test_the_jacobian_sweep_stops_between_two_steps_of_a_block() -> None:
    cell, xs = _setup("lstm", steps=60, hidden=16)
    trace = engine.forward(cell, xs)
    looks = Looks(stop_at=5)
    with engine.interruptible(looks), pytest.raises(engine.Interrupted):
        list(engine.jacobian_log10_sweep(cell, trace, block_steps=60))  # one block
    assert looks.count == 5
    looks = Looks()
    with engine.interruptible(looks):
        blocks = list(engine.jacobian_log10_sweep(cell, trace, block_steps=60))
    assert looks.count == 59  # one look per adjoint step
    np.testing.assert_array_equal(blocks[0].log10_norms, engine.jacobian_log10_norms(cell, trace))
