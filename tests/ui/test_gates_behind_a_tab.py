"""The Gates panel skips steps while another tab is in front and catches up when shown."""

from __future__ import annotations

import numpy as np

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup


def test_gates_catch_up_with_the_stepper_when_their_tab_comes_back(classroom, qtbot):
    window, _ = classroom(StudioSession(DemoSetup(text="abcdefgh", cell="lstm", cursor=1)))
    studio, session = window.studio, window.session
    gates = studio.gates
    studio.docks["cell"].raise_()
    qtbot.waitUntil(lambda: gates.visibleRegion().isEmpty(), timeout=5000)
    session.step_forward()
    session.step_forward()
    bars = gates.bars["f"]
    assert gates.highlighted_step() == 3
    assert next(iter(gates.maps.values())).highlighted_step == 1  # not drawn behind the tab
    studio.docks["gates"].raise_()
    qtbot.waitUntil(lambda: next(iter(gates.maps.values())).highlighted_step == 3, timeout=5000)
    np.testing.assert_allclose(bars.values, session.shown.trace.gates["f"][3])
