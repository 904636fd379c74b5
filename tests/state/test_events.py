"""The Qt-free Signal: connect, emit in order, disconnect, errors."""

from __future__ import annotations

import pytest

from rnn_studio.state.events import Signal


def test_emit_calls_callbacks_in_connection_order_with_arguments() -> None:
    calls: list[tuple[str, int]] = []
    signal = Signal("cursor_changed")
    signal.connect(lambda t: calls.append(("first", t)))
    signal.connect(lambda t: calls.append(("second", t)))
    signal.emit(4)
    assert calls == [("first", 4), ("second", 4)]


def test_connecting_twice_calls_once_and_disconnect_stops_calls() -> None:
    calls: list[int] = []
    signal = Signal("trace_changed")
    signal.connect(calls.append)
    signal.connect(calls.append)
    assert len(signal) == 1
    signal.emit(1)
    signal.disconnect(calls.append)
    signal.emit(2)
    assert calls == [1]


def test_callback_may_disconnect_itself_while_emitting() -> None:
    signal = Signal("error_changed")
    calls: list[str] = []

    def once(message: str) -> None:
        calls.append(message)
        signal.disconnect(once)

    signal.connect(once)
    signal.emit("a")
    signal.emit("b")
    assert calls == ["a"]


def test_bad_connect_and_disconnect_name_the_signal() -> None:
    signal = Signal("gradients_changed")
    with pytest.raises(TypeError, match="gradients_changed"):
        signal.connect(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not connected"):
        signal.disconnect(print)
