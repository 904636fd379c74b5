"""Start-up time of RNN Studio from source: process start to the main window's first paint.

Runs ``python -m rnn_studio --measure-startup`` (which quits at the first paint of the main
window and prints the seconds since the process started) several times in fresh processes,
offscreen, with a fresh settings folder, and reports the median and the spread.
``PYTHONDONTWRITEBYTECODE`` is dropped from the runs' environment, so that the warm-up run
leaves the ``__pycache__`` files an ordinary install has (``--no-bytecode`` keeps it: every
run then compiles the app's modules again, about 0.15-0.45 s more here).

    .venv/bin/python benchmarks/startup.py            # 7 runs
    .venv/bin/python benchmarks/startup.py --runs 3
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

TARGET_SECONDS = 1.5
_FIRST_PAINT = re.compile(r"after ([0-9.]+) s")
_CPU = re.compile(r"CPU ([0-9.]+) s")


def one_run(home: str, bytecode: bool = True) -> tuple[float, float, float]:
    """Return the first paint (seconds since process start), the CPU seconds used until then
    (NaN if not reported) and the wall time of the whole process."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RNN_STUDIO_HOME=home)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "rnn_studio", "--measure-startup"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - start
    match = _FIRST_PAINT.search(result.stdout)
    if result.returncode != 0 or match is None:
        raise SystemExit(f"start-up run failed ({result.returncode}): {result.stderr.strip()}")
    cpu = _CPU.search(result.stdout)
    return float(match.group(1)), float(cpu.group(1)) if cpu else float("nan"), wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE from the environment (no __pycache__ written)",
    )
    args = parser.parse_args(argv)
    bytecode = not args.no_bytecode
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="rnn-studio-startup-") as home:
        one_run(home, bytecode)  # warm the file cache and write the settings file once
        runs = [one_run(home, bytecode) for _ in range(args.runs)]
    paints = [paint for paint, _, _ in runs]
    cpus = [cpu for _, cpu, _ in runs]
    walls = [wall for _, _, wall in runs]
    print(
        f"load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after, "
        f"on {os.cpu_count()} CPUs"
    )
    print(
        f"first paint: median {statistics.median(paints):.3f} s, "
        f"min {min(paints):.3f} s, max {max(paints):.3f} s over {args.runs} runs "
        f"(target < {TARGET_SECONDS} s)"
    )
    print(f"CPU until first paint: median {statistics.median(cpus):.3f} s")
    print(f"whole process (start, paint, quit): median {statistics.median(walls):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
