"""Time the engine's forward + BPTT against torch.nn.RNN/LSTM/GRU, both on one thread.

Run from the repository root (torch optional, ``pip install -e ".[bench]"``; without it only
the engine is timed)::

    .venv/bin/python benchmarks/engine.py            # full grid, ~2-4 minutes
    .venv/bin/python benchmarks/engine.py --quick    # hidden 16/64, length 50

It prints one row per (cell, dtype, hidden, length, batch): the best-of-N milliseconds of
``forward`` + ``backward`` (loss on the last step), torch's ``module(x, h0)`` +
``loss.backward()`` on the same sizes timed interleaved in the same run, the ratio
engine/torch and the engine's microseconds per time step; then ``cell.step`` at hidden 128 and
forward + BPTT + per-step norms over 1,000 steps at hidden 128. Batch 1 means an unbatched
(T, I) sequence for the engine (the studio's case) and a (T, 1, I) tensor for torch.
"""

from __future__ import annotations

import os

# Pin every BLAS to one thread before NumPy (or torch) is imported.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402
import itertools  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from rnn_studio.engine import backward, forward, make_cell  # noqa: E402

try:
    import torch
except ImportError:  # torch is optional (the "bench" extra)
    torch = None

try:
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None

INPUT_SIZE = 16
KINDS = ("rnn", "lstm", "gru")
clock = time.perf_counter  # --cpu-time switches to this thread's CPU time


def best_time(run: Callable[[], object], budget: float, min_runs: int = 3) -> float:
    """Best wall time of one call (seconds), over at least ``min_runs`` calls or ``budget`` s."""
    run()  # warm up caches and lazily built constants
    best, spent, runs = float("inf"), 0.0, 0
    while runs < min_runs or spent < budget:
        start = clock()
        run()
        elapsed = clock() - start
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return best


def engine_job(kind: str, hidden: int, length: int, batch: int, dtype) -> Callable[[], object]:
    rng = np.random.default_rng(0)
    cell = make_cell(kind, INPUT_SIZE, hidden, rng=rng, dtype=dtype)
    lead = (length,) if batch == 1 else (length, batch)
    xs = rng.standard_normal((*lead, INPUT_SIZE)).astype(dtype)
    d_hidden = np.zeros((*lead, hidden), dtype=dtype)
    d_hidden[-1] = 1.0

    def run() -> object:
        return backward(cell, forward(cell, xs), d_hidden)

    return run


def torch_job(kind: str, hidden: int, length: int, batch: int, dtype) -> Callable[[], object]:
    torch_dtype = torch.float64 if dtype == np.float64 else torch.float32
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    module = module(INPUT_SIZE, hidden).to(torch_dtype)
    xs = torch.randn(length, batch, INPUT_SIZE, dtype=torch_dtype, requires_grad=True)
    h0 = torch.zeros(1, batch, hidden, dtype=torch_dtype)
    state = (h0, torch.zeros_like(h0)) if kind == "lstm" else h0

    def run() -> object:
        output, _ = module(xs, state)
        output[-1].sum().backward()
        return output

    return run


def grid(quick: bool):
    hiddens = (16, 64) if quick else (16, 64, 256)
    lengths = (50,) if quick else (50, 500)
    dtypes = (np.float64,) if quick else (np.float64, np.float32)
    return itertools.product(KINDS, dtypes, hiddens, lengths, (1, 32))


def compare(quick: bool, budget: float) -> None:
    print(f"{'cell':5} {'dtype':8} {'H':>4} {'T':>4} {'B':>3} {'engine ms':>10} "
          f"{'torch ms':>9} {'ratio':>6} {'us/step':>8}")  # fmt: skip
    for kind, dtype, hidden, length, batch in grid(quick):
        engine = engine_job(kind, hidden, length, batch, dtype)
        reference = torch_job(kind, hidden, length, batch, dtype) if torch else None
        engine_best, torch_best = float("inf"), float("inf")
        for _ in range(3):  # interleave so both see the same machine load
            engine_best = min(engine_best, best_time(engine, budget / 3))
            if reference is not None:
                torch_best = min(torch_best, best_time(reference, budget / 3))
        torch_text = f"{torch_best * 1e3:9.3f}" if reference else f"{'-':>9}"
        ratio = f"{engine_best / torch_best:6.3f}" if reference else f"{'-':>6}"
        print(
            f"{kind:5} {np.dtype(dtype).name:8} {hidden:4d} {length:4d} {batch:3d} "
            f"{engine_best * 1e3:10.3f} {torch_text} {ratio} {engine_best / length * 1e6:8.2f}",
            flush=True,
        )


def step_and_long_runs(budget: float) -> None:
    rng = np.random.default_rng(0)
    for kind in KINDS:
        cell = make_cell(kind, INPUT_SIZE, 128, rng=rng)
        x = rng.standard_normal(INPUT_SIZE)
        carried = [cell.initial_state()]

        def one_step(cell=cell, x=x, carried=carried) -> object:
            carried[0], result = cell.step(x, carried[0])  # as the studio steps: chained states
            return result

        step_time = best_time(one_step, budget)
        xs = rng.standard_normal((1000, INPUT_SIZE))
        d_hidden = np.zeros((1000, 128))
        d_hidden[-1] = 1.0

        def long_run(cell=cell, xs=xs, d_hidden=d_hidden) -> object:
            return backward(cell, forward(cell, xs), d_hidden).norms

        long_time = best_time(long_run, budget)
        print(
            f"{kind:5} cell.step H=128: {step_time * 1e6:6.2f} us   "
            f"forward+BPTT+norms T=1000 H=128: {long_time * 1e3:6.2f} ms",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small grid, float64 only")
    parser.add_argument("--budget", type=float, default=0.6, help="seconds per timing")
    parser.add_argument("--no-grid", action="store_true", help="only the step/long-run timings")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time with this thread's CPU clock (fairer on a machine shared with other jobs)",
    )
    args = parser.parse_args()
    if args.cpu_time:
        global clock
        clock = time.thread_time
    if torch is not None:
        torch.set_num_threads(1)
    limits = threadpool_limits(1) if threadpool_limits else None
    print(f"numpy {np.__version__}; torch {torch.__version__ if torch else 'not installed'}; "
          f"BLAS threads pinned to 1 ({'threadpoolctl' if limits else 'env vars'}); "
          f"clock: {'thread CPU time' if args.cpu_time else 'wall'}")  # fmt: skip
    if not args.no_grid:
        compare(args.quick, args.budget)
    step_and_long_runs(args.budget)


if __name__ == "__main__":
    main()
