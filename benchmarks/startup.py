"""Start-up time of RNN Studio from source: process start to the main window's first paint.

Runs ``python -m rnn_studio --measure-startup`` (which quits at the first paint of the main
window and prints the seconds since the process started and the CPU seconds used by then) in
fresh processes, offscreen on a 1280×720 screen (the projector size the first window is
sized to; Qt's default offscreen screen is 800 pixels wide, which tabs panels away), with a
fresh settings folder, and reports the median and the spread.

Every round also starts a **bare window** (PySide6 + pyqtgraph: a ``QMainWindow`` holding
one ``PlotWidget``, measured the same way), and, with ``--tree``, the app from other source
trees (e.g. the code before a change). The runs are interleaved, so that on a shared, noisy
machine all of them see the same load and their ratios are comparable.

``PYTHONDONTWRITEBYTECODE`` is dropped from the runs' environment, so that the warm-up run
leaves the ``__pycache__`` files an ordinary install has (``--no-bytecode`` keeps it: every
run then compiles the app's modules again, about 0.15-0.45 s more here).

    .venv/bin/python benchmarks/startup.py                  # 7 rounds: this tree, bare window
    .venv/bin/python benchmarks/startup.py --rounds 3
    .venv/bin/python benchmarks/startup.py --tree before=/tmp/old-checkout
    .venv/bin/python benchmarks/startup.py --instructions --tree before=/tmp/old-checkout

``--instructions`` counts instead the machine instructions each variant executes until its
first paint (and quitting), once, under valgrind's cachegrind: slow (a minute or two a run)
but independent of the machine's load, so small changes show on a busy machine too.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TARGET_SECONDS = 0.8
_FIRST_PAINT = re.compile(r"after ([0-9.]+) s")
_CPU = re.compile(r"CPU ([0-9.]+) s")
_INSTRUCTIONS = re.compile(r"I\s+refs:\s+([0-9,]+)")
#: Under valgrind a start takes minutes: the app's own 30 s first-paint timeout is lifted.
NO_TIMEOUT = (
    "import sys; import rnn_studio.cli.startup as s; "
    "s.run_until_first_paint.__defaults__ = (3600.0,); "
    "import rnn_studio.__main__ as m; sys.exit(m.main(['--measure-startup']))"
)
HERE = Path(__file__).resolve().parent.parent

sys.path.insert(0, str(HERE))  # this tree's rnn_studio, whatever is installed
from rnn_studio.ui.offscreen_screen import screen_platform  # noqa: E402  (Qt-free module)

#: The baseline: the least a PySide6 + pyqtgraph app pays before its first frame.
BARE_WINDOW = """\
import os, sys, time
from pathlib import Path
def since_start():
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
plot = pg.PlotWidget()
plot.plot([0, 1, 2, 3], [0, 1, 0, 1])
window.setCentralWidget(plot)
window.resize(1280, 720)
class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not painted:
            painted.append(watched)
            print(f"first paint after {since_start():.3f} s (CPU {time.process_time():.3f} s)")
            QTimer.singleShot(0, app.quit)
        return False
painted = []
watch = Watch()
window.installEventFilter(watch)  # the plot covers the window: its viewport paints first
plot.viewport().installEventFilter(watch)
window.show()
app.exec()
"""


@dataclass
class Variant:
    """One thing started in every round: the app from a source tree, or the bare window."""

    name: str
    command: list[str]
    tree: Path | None
    paints: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)


def one_run(variant: Variant, home: str, platform: str, bytecode: bool = True) -> None:
    """Start ``variant`` once and record its first paint, CPU until then and whole wall time."""
    env = dict(os.environ, QT_QPA_PLATFORM=platform, RNN_STUDIO_HOME=home)
    if variant.tree is not None:
        env["PYTHONPATH"] = str(variant.tree)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    result = subprocess.run(
        variant.command,
        env=env,
        cwd=variant.tree or home,  # ``-m`` puts the working folder first on sys.path
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - start
    match = _FIRST_PAINT.search(result.stdout)
    if result.returncode != 0 or match is None:
        raise SystemExit(
            f"{variant.name}: start-up run failed ({result.returncode}): {result.stderr.strip()}"
        )
    cpu = _CPU.search(result.stdout)
    variant.paints.append(float(match.group(1)))
    variant.cpus.append(float(cpu.group(1)) if cpu else float("nan"))
    variant.walls.append(wall)


def count_instructions(variant: Variant, home: str, platform: str) -> int:
    """Machine instructions ``variant`` executes until its first paint and exit (cachegrind)."""
    command = list(variant.command)
    if variant.tree is not None:  # the app, without its 30 s first-paint timeout
        command = [sys.executable, "-c", NO_TIMEOUT]
    env = dict(os.environ, QT_QPA_PLATFORM=platform, RNN_STUDIO_HOME=home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if variant.tree is not None:
        env["PYTHONPATH"] = str(variant.tree)
    valgrind = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
    ]
    result = subprocess.run(
        valgrind + command,
        env=env,
        cwd=variant.tree or home,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    found = _INSTRUCTIONS.search(result.stderr)
    if result.returncode != 0 or found is None or not _FIRST_PAINT.search(result.stdout):
        raise SystemExit(f"{variant.name}: valgrind run failed ({result.returncode})")
    return int(found.group(1).replace(",", ""))


def check_tree(variant: Variant) -> None:
    """Refuse to measure a tree whose runs would import ``rnn_studio`` from elsewhere."""
    if variant.tree is None:
        return
    probe = subprocess.run(
        [sys.executable, "-c", "import rnn_studio; print(rnn_studio.__file__)"],
        env=dict(os.environ, PYTHONPATH=str(variant.tree)),
        cwd=variant.tree,
        capture_output=True,
        text=True,
        check=True,
    )
    found = Path(probe.stdout.strip()).resolve()
    if variant.tree not in found.parents:
        raise SystemExit(f"{variant.name}: runs would import {found}, not {variant.tree}")


def make_variants(trees: list[str], bare: bool) -> list[Variant]:
    """This tree (``app``), the ``name=path`` trees asked for, and the bare window."""
    app = [sys.executable, "-m", "rnn_studio", "--measure-startup"]
    variants = [Variant("app", app, HERE)]
    for spec in trees:
        name, _, path = spec.partition("=")
        if not path:
            raise SystemExit(f"--tree wants NAME=PATH, got {spec!r}")
        tree = Path(path).resolve()
        if not (tree / "rnn_studio" / "__main__.py").is_file():
            raise SystemExit(f"{tree} holds no rnn_studio package")
        variants.append(Variant(name, app, tree))
    if bare:
        variants.append(Variant("bare window", [sys.executable, "-c", BARE_WINDOW], None))
    return variants


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", "--runs", type=int, default=7, dest="rounds")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also start the app from this source tree in every round (repeatable)",
    )
    parser.add_argument("--no-bare", action="store_true", help="leave out the bare window")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count each variant's instructions until its first paint once (valgrind)",
    )
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE from the environment (no __pycache__ written)",
    )
    args = parser.parse_args(argv)
    bytecode = not args.no_bytecode
    variants = make_variants(args.tree, bare=not args.no_bare)
    for variant in variants:
        check_tree(variant)
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="rnn-studio-startup-") as folder:
        # The projector's 1280×720 screen, with Qt's usual asynchronous window-system events.
        platform = screen_platform(folder, synchronous=False)
        homes = {v.name: Path(folder) / f"home-{index}" for index, v in enumerate(variants)}
        for home in homes.values():
            home.mkdir()
        for variant in variants:  # warm the file cache, write settings and __pycache__ once
            one_run(variant, str(homes[variant.name]), platform, bytecode)
            variant.paints.clear()
            variant.cpus.clear()
            variant.walls.clear()
        if args.instructions:
            counts = {v.name: count_instructions(v, str(homes[v.name]), platform) for v in variants}
            print("instructions until the first paint and exit (valgrind cachegrind):")
            first = counts[variants[0].name]
            for name, count in counts.items():
                ratio = count / first
                print(f"{name:14} {count / 1e9:7.3f} x 10^9  ({ratio:5.3f} x {variants[0].name})")
            return 0
        for _ in range(args.rounds):
            for variant in variants:
                one_run(variant, str(homes[variant.name]), platform, bytecode)
            loads.append(os.getloadavg()[0])
    print(
        f"{args.rounds} interleaved rounds on {os.cpu_count()} CPUs, 1280x720 offscreen screen; "
        f"load average {min(loads):.2f}-{max(loads):.2f} (median {statistics.median(loads):.2f})"
    )
    bare = next((v for v in variants if v.name == "bare window"), None)
    print(
        f"{'':14} {'first paint: median (min-max)':32} {'CPU: median (min-max)':28} "
        f"{'whole process':14}" + ("  CPU / bare" if bare else "")
    )
    for variant in variants:
        paint, cpu = statistics.median(variant.paints), statistics.median(variant.cpus)
        paints, cpus = variant.paints, variant.cpus
        line = (
            f"{variant.name:14} {paint:6.3f} s ({min(paints):.3f}-{max(paints):.3f}){'':9} "
            f"{cpu:6.3f} s ({min(cpus):.3f}-{max(cpus):.3f}){'':5} "
            f"{statistics.median(variant.walls):6.3f} s"
        )
        if bare:
            line += f"  {cpu / statistics.median(bare.cpus):5.2f}"
        print(line)
    print(f"target: first paint <= {TARGET_SECONDS} s median from source")
    return 0


if __name__ == "__main__":
    sys.exit(main())
