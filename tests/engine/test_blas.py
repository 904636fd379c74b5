"""BLAS threads: ``limit_blas_threads`` really sets NumPy's BLAS to the asked number of threads.

Run in a fresh interpreter with the start-up environment variables removed, so NumPy's BLAS
starts with its own default pool (two or more threads on a multi-core machine) and the test
sees the call change it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import json
from rnn_studio.engine.blas import blas_threads, limit_blas_threads
before = blas_threads()
done_two = limit_blas_threads(2)
two = blas_threads()
done_one = limit_blas_threads(1)
print(json.dumps({"before": before, "two": two, "one": blas_threads(),
                  "done": [done_two, done_one]}))
"""


def test_limit_blas_threads_sets_every_blas_pool() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["done"] == [True, True]
    assert report["before"], "NumPy's BLAS was not found"
    if (os.cpu_count() or 1) > 1:
        assert max(report["before"]) > 1  # the default pool, so the change below is real
    assert report["two"] == [2] * len(report["before"])
    assert report["one"] == [1] * len(report["before"])


def test_threadpoolctl_is_a_declared_runtime_dependency() -> None:
    from pathlib import Path

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(dep.startswith("threadpoolctl") for dep in project["dependencies"])


def test_the_tests_run_blas_on_one_thread() -> None:
    """tests/conftest.py sets every test process to one BLAS thread, as the app does, whatever
    files are collected (a training test alone ran 6 times the CPU on the default pool)."""
    from rnn_studio.engine.blas import blas_threads

    assert blas_threads() and set(blas_threads()) == {1}
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
