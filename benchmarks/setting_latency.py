"""How long a setting change takes to reach the screen at hidden 256 × 1,000 steps, compare mode.

The studio window (offscreen, 1280×720) shows an RNN, an LSTM and a GRU over a 1,000-step
numeric sequence at hidden size 256 with backprop on. Each measurement changes one setting
through the session (as the control would) and records this process's CPU time (the UI
thread and the worker thread together: ``time.process_time``) and the wall time until

* ``trace``: the new run's ``trace_changed`` was handled by every view and the window painted
  (compare mode at this size: the run of the cell on view, which every trace view shows; the
  other two cells come with the gradients);
* ``grad``: the ‖∂L/∂h_t‖ curves (the gradient reports) arrived;
* ``jac first``: every cell's exact ‖∂h_L/∂h_t‖ curve was on screen, at least in part
  (code that computes it in one piece: the whole curve);
* ``jac done``: every curve was finished.

Three measures of each: the process's CPU (``cpu``: both threads, including what the worker
computes meanwhile for later stages, e.g. the BPTT while the UI draws the traces), the CPU on
the path (``path``: the UI thread's CPU until the stage was on screen plus the worker
thread's CPU until it posted the stage, timed through the session's executor API; see
:class:`ThreadClock`) and the wall time.

Changes: the seed, ρ, the LSTM forget bias, one number of the sequence, the loss step (the
run is kept: no ``trace``), and ``during job``: the seed changed again as soon as the previous
change's Jacobian curves are being computed (what a user dragging a slider does); its
``trace`` is the time the new trace waits; ``seed + 1``: the seed box's up arrow once the
work of the change before is done (the studio may have prepared that seed's spectral radii
meanwhile). Every change sets a value not used before, so no cell comes from the studio's
cell cache; the ``seed`` changes are never next to the seed before.

"Before" is another commit of the same repository, exported with ``git archive`` to a
temporary folder; the two trees run in alternating subprocesses (interleaved), one BLAS
thread each, as the app runs:

    .venv/bin/python benchmarks/setting_latency.py                 # before = BEFORE_REF
    .venv/bin/python benchmarks/setting_latency.py --before HEAD~3 --rounds 2 --repeats 1
    .venv/bin/python benchmarks/setting_latency.py --no-before     # this tree only
    .venv/bin/python benchmarks/setting_latency.py --after HEAD    # a commit, not this tree
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The last commit before issue 15's target 1 work (one worker thread, whole Jacobian jobs).
BEFORE_REF = "54a1e0e01dfb56bb94a5324be4a0ade50855285c"

STEPS = 1000
HIDDEN = 256
CHANGES = ("seed", "rho", "forget bias", "text", "loss step", "during job", "seed + 1")
STAGES = ("trace", "grad", "jac first", "jac done")
TARGETS_MS = {"trace": 150.0, "grad": 300.0, "jac first": 300.0}
REPO = Path(__file__).resolve().parent.parent


def series(steps: int = STEPS, bump: int | None = None) -> str:
    """The benchmark's sequence (a noisy sine), with value ``bump`` changed if given."""
    import numpy as np

    rng = np.random.default_rng(0)
    values = np.sin(np.arange(steps) * 2 * np.pi / 50) + 0.1 * rng.standard_normal(steps)
    if bump is not None:
        values[bump % steps] += 0.5
    return ", ".join(f"{v:.3f}" for v in values)


# --------------------------------------------------------------------------- the worker
class ThreadClock:
    """The worker thread's CPU time on the way to each stage, through the session's public
    executor API (``session.set_executor``): it wraps the window's executor, times the work
    on the thread that runs it, and notes the worker's CPU when it posts a stage's result.

    ``posted[stage]`` is the worker threads' CPU seconds from :meth:`begin` until they posted
    that stage (the old work's, until it stopped, included). Added to the UI thread's CPU
    until the stage was on screen, it is the CPU on the path to the stage: it leaves out
    what the worker computes meanwhile for later stages (the BPTT while the UI draws the
    traces), which the process CPU counts.
    """

    def __init__(self, executor, session) -> None:
        import threading

        self.executor, self.session = executor, session
        self.lock = threading.Lock()
        self.spent = 0.0  # CPU of work segments finished since begin()
        self.started: dict[int, float] = {}  # running thread -> its CPU at begin or start
        self.running: set[int] = set()
        self.posted: dict[str, float] = {}

    def begin(self) -> None:
        with self.lock:
            self.spent, self.posted = 0.0, {}
            self.started = {ident: _thread_cpu(ident) for ident in self.running}

    def __call__(self, work, done, cost) -> None:
        import threading

        def timed():
            ident = threading.get_ident()
            with self.lock:
                self.running.add(ident)
                self.started[ident] = time.thread_time()
            try:
                return work()
            finally:
                with self.lock:
                    self.running.discard(ident)
                    self.spent += time.thread_time() - self.started.pop(ident, time.thread_time())

        self.executor(timed, done, cost)

    def post(self, callback, value) -> None:
        import threading

        stages = self._stages(value)
        if stages:
            ident = threading.get_ident()
            with self.lock:
                cpu = self.spent + time.thread_time() - self.started.get(ident, time.thread_time())
                for stage in stages:
                    if stage == "jac done":  # the last post of the change
                        self.posted[stage] = cpu
                    else:
                        self.posted.setdefault(stage, cpu)
        self.executor.post(callback, value)

    def _stages(self, value) -> tuple[str, ...]:
        """The stages this post hands over, for the current change only."""
        current = getattr(self.session, "_generation", None)
        request = getattr(value, "request", None)
        if request is not None:  # an Outcome
            if request.generation != current:
                return ()
            if value.gradients is None:
                return ("trace",) if value.run is not None else ()
            stages = ["grad"] if request.previous is not None else ["trace", "grad"]
            reports = value.gradients.values()
            if all(report.jacobian_norms is not None for report in reports):
                stages.append("jac first")
            if not value.jacobian_jobs:
                stages.append("jac done")
            return tuple(stages)
        if isinstance(value, tuple) and len(value) == 2 and value[0] == current:
            return ("jac first", "jac done")  # (generation, curves so far)
        return ()


def _thread_cpu(ident: int) -> float:
    """CPU seconds of the thread ``ident`` (another thread's clock, read from this one)."""
    return time.clock_gettime(time.pthread_getcpuclockid(ident))


class Probe:
    """Timestamps of one change's stages, from the window's own signals."""

    def __init__(self, window, app, loop, clock: ThreadClock | None = None) -> None:
        self.window, self.app, self.loop, self.clock = window, app, loop, clock
        self.marks: dict[str, tuple[float, float, float]] = {}
        self.waiting_for = ""
        self.start = (0.0, 0.0, 0.0)
        self.expect_trace = self.trace_seen = False
        self.measurement = 0
        bridge = window.bridge
        bridge.trace_changed.connect(self._trace)
        bridge.gradients_changed.connect(self._curves)
        if hasattr(bridge, "jacobian_changed"):  # the progressive code
            bridge.jacobian_changed.connect(self._curves)

    def begin(self, expect_trace: bool) -> None:
        self.measurement += 1
        self.marks = {}
        self.expect_trace = expect_trace
        self.trace_seen = False
        if self.clock is not None:
            self.clock.begin()
        self.start = (time.process_time(), time.perf_counter(), time.thread_time())

    def _mark(self, stage: str) -> None:
        if stage not in self.marks:
            cpu, wall, ui = time.process_time(), time.perf_counter(), time.thread_time()
            self.marks[stage] = (cpu - self.start[0], wall - self.start[1], ui - self.start[2])
        if stage == self.waiting_for:
            self.loop.quit()

    def _trace(self, *_: object) -> None:
        from PySide6.QtCore import QTimer

        self.trace_seen = True
        measurement = self.measurement

        # After every view's slot (this one was connected last) and the paint they asked for.
        def painted() -> None:
            self.app.processEvents()
            if measurement == self.measurement:  # not a trace of the change before
                self._mark("trace")

        QTimer.singleShot(0, painted)

    def _curves(self, *_: object) -> None:
        if self.expect_trace and not self.trace_seen:
            return  # the reports of the run being replaced
        reports = self.window.session.gradients
        if not reports:
            return
        self._mark("grad")
        if all(report.jacobian_norms is not None for report in reports.values()):
            self._mark("jac first")
        if all(
            getattr(report, "jacobian_complete", True) and report.jacobian_norms is not None
            for report in reports.values()
        ):
            self._mark("jac done")

    def wait(self, stage: str, timeout_s: float) -> None:
        from PySide6.QtCore import QTimer

        if stage in self.marks:
            return
        self.waiting_for = stage
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(self.loop.quit)
        timer.start(int(timeout_s * 1000))
        self.loop.exec()
        timer.stop()
        self.waiting_for = ""


def worker(rounds: int, label: str) -> int:
    """Measure every change ``rounds`` times in this process; print one JSON line each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("RNN_STUDIO_HOME", tempfile.mkdtemp(prefix="rnn-studio-bench-"))
    from rnn_studio.engine.blas import limit_blas_threads

    limit_blas_threads(1)
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    import rnn_studio
    from rnn_studio.studio_core.demo import DemoSetup
    from rnn_studio.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    session = window.session
    loop = QEventLoop()
    clock = ThreadClock(window.executor, session)
    session.set_executor(clock)
    probe = Probe(window, app, loop, clock)
    size = window.size()
    print(
        json.dumps(
            {
                "label": label,
                "source": str(Path(rnn_studio.__file__).parent),
                "window": [size.width(), size.height()],
            }
        )
    )
    session.apply_demo(
        DemoSetup(text=series(), mode="numbers", cell="compare", hidden_size=HIDDEN, backprop=True)
    )
    window.executor.wait_idle(timeout_ms=600_000)
    counter = iter(range(1, 10**6))

    def change(name: str) -> None:
        i = next(counter)
        if name in ("seed", "during job"):
            session.set_seed(1000 + 10 * i)  # never next to the seed before (see "seed + 1")
        elif name == "seed + 1":
            session.set_seed(session.seed + 1)
        elif name == "rho":
            session.set_spectral_radius(round(0.8 + 0.003 * i, 3))
        elif name == "forget bias":
            session.set_forget_bias(round(0.5 + 0.05 * i, 2))
        elif name == "text":
            session.set_text(series(bump=i))
        elif name == "loss step":
            session.set_loss_step(STEPS - 1 - i)

    for _ in range(rounds):
        for name in CHANGES:
            if name == "during job":  # start a change, then change again while it computes
                probe.begin(expect_trace=True)
                change("seed")
                probe.wait("grad", 120)  # the Jacobian curves are being computed now
            probe.begin(expect_trace=name != "loss step")
            change(name)
            probe.wait("jac done", 300)
            window.executor.wait_idle(timeout_ms=600_000)
            row = {"label": label, "change": name}
            for stage in STAGES:
                cpu, wall, ui = probe.marks.get(stage, (None, None, None))
                worker_cpu = clock.posted.get(stage)
                path = None if ui is None or worker_cpu is None else ui + worker_cpu
                row[stage] = {"cpu": cpu, "wall": wall, "ui": ui, "worker": worker_cpu}
                row[stage]["path"] = path
            print(json.dumps(row), flush=True)
    window.close()
    return 0


# ---------------------------------------------------------------------------- the driver
def export_tree(ref: str, folder: Path) -> Path:
    """``git archive`` of ``ref`` unpacked into ``folder`` (the repository is not touched)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", ref],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run_worker(tree: Path, label: str, repeats: int) -> list[dict]:
    from rnn_studio.ui.offscreen_screen import screen_platform  # Qt-free

    # Qt's default offscreen screen is 800 wide: the window was clamped to it and panels went
    # into tabs, fewer views to draw. The projector's 1280×720, with queued window events.
    env = dict(os.environ, PYTHONPATH=str(tree), QT_QPA_PLATFORM=screen_platform(synchronous=False))
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    script = REPO / "benchmarks" / "setting_latency.py"
    result = subprocess.run(
        [sys.executable, str(script), "--worker", label, "--repeats", str(repeats)],
        env=env,
        cwd=str(tree),
        capture_output=True,
        text=True,
        check=False,
    )
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not rows:
        sys.stderr.write(result.stderr[-3000:])
        raise SystemExit(f"the {label} worker failed ({result.returncode})")
    source = rows[0].get("source", "")
    if not source.startswith(str(tree)):
        raise SystemExit(f"the {label} worker imported {source}, not {tree}")
    if rows[0].get("window") != [1280, 720]:
        raise SystemExit(f"the {label} worker's window is {rows[0].get('window')}, not 1280×720")
    return rows[1:]


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q)) if values else float("nan")


def summarise(rows: list[dict], labels: list[str], measure: str = "cpu") -> str:
    """A Markdown table: median and p95 ms of ``measure`` (``cpu``: the process's CPU,
    ``path``: UI thread + worker until it posted, ``wall``) per change and stage, and
    after/before."""
    lines = []
    header = "| change | stage | " + " | ".join(
        f"{label} {measure} median / p95 ms" for label in labels
    )
    if len(labels) == 2:
        header += " | after/before (median) |"
    else:
        header += " |"
    lines.append(header)
    lines.append("|---" * (header.count("|") - 1) + "|")
    for name in (*CHANGES, "all changes"):
        for stage in STAGES:
            cells = []
            medians = []
            for label in labels:
                values = [
                    1000 * row[stage][measure]
                    for row in rows
                    if row["label"] == label
                    and (name == "all changes" or row["change"] == name)
                    and row[stage].get(measure) is not None
                ]
                if not values:
                    cells.append("—")
                    medians.append(None)
                    continue
                median = statistics.median(values)
                medians.append(median)
                cells.append(f"{median:.0f} / {percentile(values, 95):.0f} (n={len(values)})")
            if all(cell == "—" for cell in cells):
                continue
            line = f"| {name} | {stage} | " + " | ".join(cells)
            if len(labels) == 2:
                before, after = medians
                ratio = f"{after / before:.3f}" if before and after is not None else "—"
                line += f" | {ratio} |"
            else:
                line += " |"
            lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE_REF, help="commit to compare against")
    parser.add_argument("--no-before", action="store_true", help="measure this tree only")
    parser.add_argument(
        "--after", help="a commit to measure instead of this working tree (exported the same way)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="subprocess pairs")
    parser.add_argument("--repeats", type=int, default=2, help="rounds of changes per process")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.repeats, args.worker)
    print(f"{STEPS} steps, hidden {HIDDEN}, compare mode, backprop on, offscreen 1280×720")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="rnn-studio-bench-trees-") as folder:
        after = REPO
        if args.after:
            after = export_tree(args.after, Path(folder) / "after")
            print(f"after: {args.after}")
        trees = {"after": after}
        if not args.no_before:
            trees = {"before": export_tree(args.before, Path(folder) / "before"), "after": after}
            print(f"before: {args.before}")
        for index in range(args.rounds):
            order = list(trees) if index % 2 == 0 else list(reversed(trees))
            for label in order:
                started = time.perf_counter()
                rows += run_worker(trees[label], label, args.repeats)
                print(f"round {index + 1} {label}: {time.perf_counter() - started:.0f} s wall")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("Process CPU (UI thread and worker together, whatever they computed meanwhile):")
    print(summarise(rows, list(trees)))
    print("CPU on the path (UI thread until on screen + worker until it posted the stage):")
    print(summarise(rows, list(trees), "path"))
    print("Wall:")
    print(summarise(rows, list(trees), "wall"))
    targets = ", ".join(f"{stage} ≤ {ms:.0f} ms" for stage, ms in TARGETS_MS.items())
    print(f"targets (CPU): {targets}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
