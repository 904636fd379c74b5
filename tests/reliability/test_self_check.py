"""Issue 12 item 13: the self-check checks what the studio runs, and catches a 1e-4 error."""

from __future__ import annotations

import pytest

from rnn_studio.engine import gradcheck, self_check, studio_check
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.studio_check import studio_self_check


def test_studio_paths_pass_at_1e_minus_6():
    worst = studio_self_check()
    assert {"lstm unbatched", "gru grads.hidden", "rnn-tanh jacobian", "lstm readout"} <= set(worst)
    assert max(worst.values()) < 1e-6


def test_a_1e_minus_4_error_in_the_unbatched_lstm_backward_fails(monkeypatch):
    real_backward = gradcheck.backward

    def off_by_1e_4(cell, trace, *args, **kwargs):
        grads = real_backward(cell, trace, *args, **kwargs)
        if cell.kind == "lstm" and trace.inputs.ndim == 2:  # only the studio's unbatched path
            grads.params["weight_hh"] *= 1 + 1e-4
        return grads

    monkeypatch.setattr(gradcheck, "backward", off_by_1e_4)
    self_check()  # the batched check alone does not see it ...
    with pytest.raises(EngineError, match="lstm unbatched"):
        studio_self_check()  # ... the studio check does


def test_a_wrong_decay_curve_fails(monkeypatch):
    real_backward = studio_check.backward

    def scaled(cell, trace, *args, **kwargs):
        grads = real_backward(cell, trace, *args, **kwargs)
        object.__setattr__(grads, "hidden", grads.hidden * (1 + 1e-4))
        return grads

    monkeypatch.setattr(studio_check, "backward", scaled)
    with pytest.raises(EngineError, match=r"grads\.hidden"):
        studio_self_check()
