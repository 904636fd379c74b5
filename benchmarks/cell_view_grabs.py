"""Save grabs of the cell diagram view for RNN/LSTM/GRU at a few steps, sizes and animation
stages, to compare two versions of the view pixel by pixel.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/cell_view_grabs.py OUT_DIR``; then
``python benchmarks/cell_view_grabs.py --compare DIR_A DIR_B`` (exit 1 if any pixel differs).
"""

from __future__ import annotations

import sys
from pathlib import Path


def save(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from rnn_studio.state.cell_diagram import diagram_of_run
    from rnn_studio.state.session import StudioSession
    from rnn_studio.studio_core.demo import DemoSetup
    from rnn_studio.ui.theme import DARK, LIGHT
    from rnn_studio.ui.widgets.cell_diagram_view import CellDiagramView

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    view = CellDiagramView()
    for cell in ("rnn", "lstm", "gru"):
        for hidden in (3, 256):
            session = StudioSession(
                DemoSetup(text="not bad at all, said the cat", mode="words", cell=cell,
                          hidden_size=hidden, cursor=0)
            )  # fmt: skip
            for t in (0, 3, 6):
                run = session.run
                diagram = diagram_of_run(session.shown, run.sequence, t, "tanh")
                view.set_diagram(diagram)
                for palette in (LIGHT, DARK):
                    view.apply_palette(palette)
                    for size in ((800, 380), (420, 260)):
                        view.resize(*size)
                        for progress in (None, 0.0, 1.5, 4.25):
                            view.set_progress(progress)
                            name = f"{cell}-{hidden}-t{t}-{palette.name}-{size[0]}-{progress}"
                            view.grab().toImage().save(str(out / f"{name}.png"))
    app.processEvents()


def compare(a: Path, b: Path) -> int:
    from PySide6.QtGui import QImage

    names = sorted(p.name for p in a.glob("*.png"))
    differing = [n for n in names if QImage(str(a / n)) != QImage(str(b / n))]
    print(f"{len(names)} grabs compared, {len(differing)} differ")
    for n in differing[:20]:
        print("  differs:", n)
    return 1 if differing or not names else 0


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    save(Path(sys.argv[1]))
