"""The engine, learn and state layers run without Qt; the layer contracts hold."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A meta-path finder that makes every Qt import fail, as on a machine without PySide6.
BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, sys

    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph"}:
                raise ImportError(f"{name} is blocked for this test")
            return None

    sys.meta_path.insert(0, BlockQt())
    """
)

EXERCISE_QT_FREE_LAYERS = textwrap.dedent(
    """
    import importlib, pkgutil
    import numpy as np
    import rnn_studio.engine as engine
    import rnn_studio.learn, rnn_studio.state, rnn_studio.studio_core, rnn_studio.zoo

    for package in (
        rnn_studio.engine, rnn_studio.zoo, rnn_studio.studio_core, rnn_studio.learn,
        rnn_studio.state,
    ):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)

    cell = engine.make_cell("lstm", 3, 4, seed=0)
    xs = np.random.default_rng(0).normal(size=(5, 3))
    trace = engine.forward(cell, xs)
    d_hidden = np.zeros_like(trace.hidden)
    d_hidden[-1] = 1.0
    grads = engine.backward(cell, trace, d_hidden)
    assert grads.norms.shape == (5,)
    assert "PySide6" not in sys.modules and "pyqtgraph" not in sys.modules
    print("qt-free ok")
    """
)


def test_qt_free_layers_import_and_run_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT + EXERCISE_QT_FREE_LAYERS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "qt-free ok" in result.stdout


def test_the_block_really_blocks_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT + "import PySide6"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "blocked for this test" in result.stderr


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
