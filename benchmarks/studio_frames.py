"""Frame time of the studio window while playing a 1,000-step sequence at hidden size 256.

Each frame is what the play button does at speed "Max": advance the cursor one step (every
view updates: the heatmap mask and outline, the bars, the unrolled chain, the gates, the
output chart, the gradient cursor; the equations at most 4 times a second while playing) and
let Qt process the resulting events, painting included, until the next step.
Runs offscreen (``QT_QPA_PLATFORM=offscreen``), so painting is Qt's raster engine into the
window's backing store, as on a real screen minus the compositor.

    .venv/bin/python benchmarks/studio_frames.py            # rnn, lstm, gru, compare
    .venv/bin/python benchmarks/studio_frames.py --quick    # 200 frames each

Each cell is played twice: with the Gates tab in front of the centre column's bottom dock,
and with the cell diagram ("Inside the cell", its step animation on at the Normal speed, so
every frame also starts an animation and cuts the previous one short) in front instead;
``--front gates`` or ``--front cell`` plays one of them only.

``--against DIR`` compares two versions in one run: it plays this tree's benchmark and the
same script of the source tree at ``DIR`` (e.g. ``git worktree add /tmp/before <commit>``)
in alternating processes, ``--rounds`` times each, and prints every round, the median of the
rounds per row and the after/before ratios. Alternating rounds share the machine's load, so
on a busy machine the ratios are the figures to read::

    .venv/bin/python benchmarks/studio_frames.py --quick --cells lstm,compare --front cell \
        --against /tmp/before --rounds 4

``--breakdown`` also prints where the GUI thread's time goes: its CPU per frame by receiver
(widget, scene, timer) and event type (Paint, Timer, …), own time only (a window's paint does
not count its children's). It slows every event a little: read its shares, not its frames.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rnn_studio.ui.offscreen_screen import screen_platform  # Qt-free

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # A 1280×720 screen, as in the tests: Qt's default offscreen screen is 800 wide, and the
    # first window, sized to the screen, then tabs panels away (fewer views to paint).
    os.environ["QT_QPA_PLATFORM"] = screen_platform(synchronous=False)
os.environ.setdefault("RNN_STUDIO_HOME", tempfile.mkdtemp(prefix="rnn-studio-bench-"))

import itertools

import numpy as np

from rnn_studio.engine.blas import limit_blas_threads

STEPS = 1000
HIDDEN = 256
TARGET_P95_MS = 16.0


def series_text(steps: int = STEPS) -> str:
    """A noisy sine, as numbers, ``steps`` long."""
    rng = np.random.default_rng(0)
    values = np.sin(np.arange(steps) * 2 * np.pi / 50) + 0.1 * rng.standard_normal(steps)
    return ", ".join(f"{v:.3f}" for v in values)


def measure(
    window,
    app,
    cell: str,
    text: str,
    mode: str,
    frames: int,
    front: str = "gates",
    times: EventTimes | None = None,
) -> tuple[list[float], list[float], list[float]]:
    """Play ``cell`` on ``text`` at full speed; return milliseconds between successive frames.

    Returns the wall-clock frame times, the CPU time this process used per frame and the CPU
    time of the GUI thread alone per frame (the CPU times do not count time lost to other
    programs on a busy machine; the GUI thread's leaves out the worker threads, e.g. a
    gradient job finishing during the run, and is the least sensitive to the load).

    The stepper's own play timer runs at speed "Max" (a zero-interval timer), so each frame is
    one timer tick (the session steps and every view updates) plus the event processing,
    painting included, until the next tick.
    """
    from PySide6.QtCore import QEventLoop

    from rnn_studio.studio_core.demo import DemoSetup

    session = window.session
    session.apply_demo(
        DemoSetup(text=text, mode=mode, cell=cell, hidden_size=HIDDEN, cursor=0, backprop=True)
    )
    window.executor.wait_idle(timeout_ms=600_000)
    window.studio.gradients._animation.stop()
    window.studio.docks[front].raise_()
    for _ in range(5):  # settle: first paints of the new images
        app.processEvents()
    stepper = window.studio.stepper
    stepper.speed_box.setCurrentIndex(stepper.speed_box.findData(0))
    stamps: list[float] = []
    cpu_stamps: list[float] = []
    thread_stamps: list[float] = []
    loop = QEventLoop()

    def on_step(t: int) -> None:
        stamps.append(time.perf_counter())
        cpu_stamps.append(time.process_time())
        thread_stamps.append(time.thread_time())
        if t >= frames:
            stepper.set_playing(False)
            loop.quit()

    window.bridge.cursor_changed.connect(on_step)
    stepper.set_playing(True)
    if times is not None:
        times.enabled = True
    loop.exec()
    if times is not None:
        times.enabled = False
    window.bridge.cursor_changed.disconnect(on_step)
    wall = [(later - earlier) * 1000 for earlier, later in itertools.pairwise(stamps)]
    cpu = [(later - earlier) * 1000 for earlier, later in itertools.pairwise(cpu_stamps)]
    thread = [(later - earlier) * 1000 for earlier, later in itertools.pairwise(thread_stamps)]
    return wall, cpu, thread


#: Unnamed receivers named after their parent (a view's viewport and scene).
_VIEWPORT_KINDS = ("QWidget", "GraphicsScene", "QGraphicsScene")


def _receiver_name(receiver) -> str:
    """``Class:objectName`` of an event's receiver; a viewport is named after its view."""
    try:
        kind = type(receiver).__name__
        name = receiver.objectName()
        parent = receiver.parent()
        if not name and parent is not None and kind in _VIEWPORT_KINDS:
            return f"{kind} of {_receiver_name(parent)}"
        return f"{kind}:{name}" if name else kind
    except RuntimeError:  # deleted while the event ran
        return "(deleted)"


class EventTimes:
    """GUI-thread CPU per (receiver class, event type), own time only (``--breakdown``).

    Installed as the application's ``notify`` (a Python override: it slows every event by a
    few microseconds, so the frame times of a ``--breakdown`` run are not the figures).
    Nested events (a window's paint sends its children's) are counted once, in the innermost.
    """

    def __init__(self) -> None:
        self.totals: dict[tuple[str, str], float] = {}
        self._stack: list[float] = []  # time spent in nested events, per open level
        self.enabled = False

    def wrap(self, deliver, receiver, event) -> bool:
        if not self.enabled:
            return deliver(receiver, event)
        event_type = event.type()  # the event may be gone afterwards (DeferredDelete)
        start = time.thread_time()
        self._stack.append(0.0)
        try:
            return deliver(receiver, event)
        finally:
            elapsed = time.thread_time() - start
            nested = self._stack.pop()
            if self._stack:
                self._stack[-1] += elapsed
            key = (_receiver_name(receiver), event_type.name)
            self.totals[key] = self.totals.get(key, 0.0) + elapsed - nested

    def report(self, frames: int, top: int = 25) -> None:
        total = sum(self.totals.values())
        print(
            "  GUI-thread CPU per frame by receiver and event (own time), "
            f"{total * 1000 / frames:.2f} ms in all:"
        )
        for (name, kind), seconds in sorted(self.totals.items(), key=lambda kv: -kv[1])[:top]:
            print(f"    {seconds * 1000 / frames:6.3f} ms  {kind:<14} {name}")
        self.totals.clear()


#: The columns of a row, after the cell and the panel in front.
COLUMNS = (
    "wall p50", "wall p95", "wall max", "CPU p50", "CPU p95", "GUI thread CPU p50",
    "GUI thread CPU p95",
)  # fmt: skip


def compare(before: Path, argv: list[str], rounds: int) -> int:
    """Run this tree's benchmark and ``before``'s alternately; print rounds, medians, ratios."""
    here = Path(__file__).resolve().parent.parent
    results: dict[str, dict[tuple[str, str], list[list[float]]]] = {"before": {}, "after": {}}
    for round_ in range(1, rounds + 1):
        for name, tree in (("before", before), ("after", here)):
            env = dict(os.environ, PYTHONPATH=str(tree))
            env.pop("QT_QPA_PLATFORM", None)  # each run sets up its own 1280×720 screen
            load = os.getloadavg()[0]
            out = subprocess.run(
                [sys.executable, str(tree / "benchmarks" / "studio_frames.py"), *argv],
                cwd=tree, env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            print(f"round {round_} {name} (load {load:.2f} → {os.getloadavg()[0]:.2f})")
            for line in out.splitlines():
                cells = [c.strip() for c in line.strip("|").split("|")]
                if line.startswith("| ") and len(cells) == 2 + len(COLUMNS):
                    try:
                        values = [float(c) for c in cells[2:]]
                    except ValueError:
                        continue  # the header
                    results[name].setdefault((cells[0], cells[1]), []).append(values)
                    print("  " + line)
    print(f"\nmedian of {rounds} rounds, before → after (after/before)")
    print("| cell | in front | " + " | ".join(f"{c} ms" for c in COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for key, runs in results["after"].items():
        old = results["before"].get(key)
        if not old:
            continue
        medians = [
            (statistics.median(r[i] for r in old), statistics.median(r[i] for r in runs))
            for i in range(len(COLUMNS))
        ]
        cells = " | ".join(f"{a:.2f} → {b:.2f} ({b / a:.2f})" for a, b in medians)
        print(f"| {key[0]} | {key[1]} | {cells} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 frames per cell")
    parser.add_argument("--cells", default="rnn,lstm,gru,compare")
    parser.add_argument(
        "--front",
        choices=("gates", "cell", "both"),
        default="both",
        help="which tab of the centre column's bottom dock is in front while playing",
    )
    parser.add_argument(
        "--against", type=Path, help="source tree of the version to compare with (before)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each with --against")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print the GUI thread's CPU per frame by widget and event (slows frames)",
    )
    args = parser.parse_args(argv)
    if args.against is not None:
        own = list(sys.argv[1:] if argv is None else argv)
        for option in ("--against", "--rounds"):  # "--against DIR": both words go
            while option in own:
                index = own.index(option)
                del own[index : index + 2]
        own = [a for a in own if not a.startswith(("--against=", "--rounds="))]
        return compare(args.against.resolve(), own, args.rounds)
    limit_blas_threads(1)

    from PySide6.QtWidgets import QApplication

    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.theme import configure_pyqtgraph

    times = EventTimes() if args.breakdown else None
    if times is not None:

        class TimedApplication(QApplication):
            def notify(self, receiver, event) -> bool:  # type: ignore[override]
                return times.wrap(super().notify, receiver, event)

        app = TimedApplication(sys.argv)
    else:
        app = QApplication.instance() or QApplication(sys.argv)
    configure_pyqtgraph()
    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    frames = 200 if args.quick else STEPS - 1
    text = series_text()
    print(f"{STEPS} steps, hidden {HIDDEN}, {frames} frames per cell, backprop on, offscreen")
    print(f"window {window.width()}×{window.height()}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(
        "| cell | in front | wall p50 ms | wall p95 ms | wall max ms | CPU p50 ms | CPU p95 ms "
        "| GUI thread CPU p50 ms | GUI thread CPU p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    worst = 0.0
    fronts = ("gates", "cell") if args.front == "both" else (args.front,)
    for cell in args.cells.split(","):
        for front in fronts:
            wall, cpu, thread = measure(window, app, cell, text, "numbers", frames, front, times)
            p95 = float(np.percentile(wall, 95))
            worst = max(worst, p95)
            print(
                f"| {cell} | {front} | {statistics.median(wall):.2f} | {p95:.2f} "
                f"| {max(wall):.1f} | {statistics.median(cpu):.2f} "
                f"| {float(np.percentile(cpu, 95)):.2f} | {statistics.median(thread):.2f} "
                f"| {float(np.percentile(thread, 95)):.2f} |"
            )
            if times is not None:
                times.report(len(wall) + 1)
    print(f"worst wall p95: {worst:.2f} ms (target ≤ {TARGET_P95_MS:.0f} ms)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
