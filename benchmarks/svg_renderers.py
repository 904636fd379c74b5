"""Draw every SVG the studio exports with four renderers and compare them pixel by pixel.

Issue 13 item 7: an exported SVG must look the same in Qt, a browser, librsvg and Inkscape.
This script builds the main window offscreen (1280 x 720), exports one SVG of every kind the
app offers -- the figures of File > Export > Figure (gradient plot with the cursor line, the
hidden-state heatmap, the gate heatmaps; LSTM, and the gradient figure in compare mode and in
the dark theme's colours) and File > Export > Plot as on screen (every plot it lists: the
studio's memory, gradient and gates plots and the unrolled chain, in the light and the dark
theme and in compare mode, and the Train area's curves) -- and draws each one with

* Qt (``QSvgRenderer``, what the PNG export uses),
* librsvg (``rsvg-convert``),
* Inkscape (``inkscape --export-type=png``),
* Chromium (``chromium --headless --screenshot``),

all at the SVG's own pixel size on white. Each render is compared with Qt's: ``mean`` is the
mean over pixels of the largest channel difference (0-255) and ``off`` the share of pixels
that differ by more than 64 (a curve drawn as a band, a missing marker or a misplaced label
shows up there; antialiasing and font hinting stay well under it). Qt's render is also
compared with what the app itself shows: the PNG export for a figure, the widget grab for a
plot as on screen. The PDF export is drawn with ``pdftoppm`` and compared with the PNG.

Run (Debian: ``apt-get install librsvg2-bin inkscape chromium poppler-utils``)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/svg_renderers.py [--out DIR]
        [--only NAME,...] [--sheets DIR] [--window 1920x1080]

It prints one table row per SVG and writes every render, the SVGs and (with ``--sheets``)
a side-by-side sheet per SVG: Qt, rsvg, Inkscape, Chromium on top, their differences from
Qt below (black: equal, white: 255 apart). A missing renderer is reported, not fatal.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

RENDERERS = ("qt", "rsvg", "inkscape", "chromium")
OFF_THRESHOLD = 64


@dataclass
class Case:
    """One exported SVG and the app's own picture of the same thing."""

    name: str
    svg: Path
    reference: Path  # the PNG export or the widget grab


# ----------------------------------------------------------------------------- renderers
def render_qt(svg: Path, png: Path) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    size = renderer.defaultSize()
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for hint in (
        QPainter.RenderHint.Antialiasing,
        QPainter.RenderHint.TextAntialiasing,
        QPainter.RenderHint.SmoothPixmapTransform,
    ):
        painter.setRenderHint(hint)
    renderer.render(painter, QRectF(0, 0, size.width(), size.height()))
    painter.end()
    image.save(str(png))


def render_rsvg(svg: Path, png: Path) -> None:
    subprocess.run(
        ["rsvg-convert", "--background-color", "white", str(svg), "-o", str(png)],
        check=True,
        timeout=120,
    )


def render_inkscape(svg: Path, png: Path) -> None:
    subprocess.run(
        [
            "inkscape",
            str(svg),
            "--export-type=png",
            f"--export-filename={png}",
            "--export-background=white",
            "--export-background-opacity=1",
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )


def render_chromium(svg: Path, png: Path) -> None:
    """Chromium's screenshot, cropped to the SVG's size: a window smaller than about
    500 x 100 shows only part of the page (its smallest window), so the window is larger."""
    width, height = svg_size(svg)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--user-data-dir={profile}",
                f"--window-size={max(width, 800)},{max(height, 600)}",
                f"--screenshot={png}",
                svg.resolve().as_uri(),
            ],
            check=True,
            timeout=300,
            capture_output=True,
        )
    with Image.open(png) as shot:
        shot.crop((0, 0, width, height)).save(png)


RENDER: dict[str, Callable[[Path, Path], None]] = {
    "qt": render_qt,
    "rsvg": render_rsvg,
    "inkscape": render_inkscape,
    "chromium": render_chromium,
}
TOOLS = {"rsvg": "rsvg-convert", "inkscape": "inkscape", "chromium": "chromium"}


def svg_size(svg: Path) -> tuple[int, int]:
    """The SVG's width and height in pixels (Qt writes them as ``123px`` or ``1.5in``)."""
    import xml.etree.ElementTree as ET

    root = ET.parse(svg).getroot()
    return tuple(round(_pixels(root.get(key, "0"))) for key in ("width", "height"))  # type: ignore[return-value]


def _pixels(value: str) -> float:
    units = {"px": 1.0, "in": 96.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "pt": 96 / 72}
    for unit, factor in units.items():
        if value.endswith(unit):
            return float(value[: -len(unit)]) * factor
    return float(value)


def pixels(path: Path, size: tuple[int, int] | None = None) -> np.ndarray:
    with Image.open(path) as image:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, "white")
        rgb = Image.alpha_composite(white, rgba).convert("RGB")
        if size is not None and rgb.size != size:
            rgb = rgb.resize(size, Image.Resampling.BILINEAR)
        return np.asarray(rgb, dtype=float)


def difference(first: np.ndarray, second: np.ndarray) -> tuple[float, float]:
    """(mean largest-channel difference, share of pixels more than 64 apart)."""
    if first.shape != second.shape:
        return float("nan"), float("nan")
    delta = np.abs(first - second).max(axis=2)
    return float(delta.mean()), float((delta > OFF_THRESHOLD).mean())


# -------------------------------------------------------------------------------- exports
def export_cases(
    out: Path, only: set[str] | None, window_size: tuple[int, int] = (1280, 720)
) -> list[Case]:
    """Build the window offscreen and export every kind of SVG into ``out``."""
    from PySide6.QtWidgets import QApplication

    from rnn_studio.studio_core.demo import DemoSetup
    from rnn_studio.ui import export
    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.menus import install_menus
    from rnn_studio.ui.theme import configure_pyqtgraph

    os.environ["RNN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="svg-renderers-")  # no user files
    app = QApplication.instance() or QApplication(sys.argv)
    configure_pyqtgraph()
    window = MainWindow()
    install_menus(window, restore=False)
    window.resize(*window_size)
    window.show()
    cases: list[Case] = []

    def settle() -> None:
        window.executor.wait_idle(timeout_ms=120_000)
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)

    def wanted(name: str) -> bool:
        return only is None or name in only

    def figure(name: str, view: str, style: str = "print") -> None:
        if not wanted(name):
            return
        options = export.FigureOptions(view, style=style)
        window.menus.export_to("figure", out / f"{name}.svg", options=options)
        window.menus.export_to("figure", out / f"{name}-app.png", options=options)
        cases.append(Case(name, out / f"{name}.svg", out / f"{name}-app.png"))

    def on_screen(name: str, view: object) -> None:
        if not wanted(name):
            return
        export.export_plot_svg(view, out / f"{name}.svg")  # type: ignore[arg-type]
        view.viewport().grab().save(str(out / f"{name}-app.png"))  # type: ignore[attr-defined]
        cases.append(Case(name, out / f"{name}.svg", out / f"{name}-app.png"))

    def offered(root: object, prefix: str) -> None:
        """Every plot the Export > Plot as on screen menu lists now."""
        for name, view in export.plot_views(root).items():  # type: ignore[arg-type]
            on_screen(f"{prefix}-{name}", view)

    session = window.session
    text = "the cat that the dog chased all morning"
    session.apply_demo(
        DemoSetup(text=text, mode="chars", cell="lstm", hidden_size=8, cursor=12, backprop=True)
    )
    settle()
    studio = window.studio
    studio.gradients._animation.stop()
    settle()
    figure("figure-gradients", "gradients")
    figure("figure-heatmap", "heatmap")
    figure("figure-gates", "gates")
    window.menus.set_theme("dark")
    settle()
    figure("dark-figure-gradients", "gradients", "theme")
    offered(window, "dark")
    window.menus.set_theme("light")
    settle()
    studio.docks["gates"].raise_()
    settle()
    offered(window, "screen")

    session.apply_demo(
        DemoSetup(text=text, mode="chars", cell="compare", hidden_size=8, cursor=12, backprop=True)
    )
    settle()
    studio.gradients._animation.stop()
    settle()
    figure("compare-figure-gradients", "gradients")
    offered(window, "compare")

    if only is None or any(name.startswith("train") for name in only):
        area = window.areas["Train"]
        window.tabs.setCurrentWidget(area)
        controls = area.controls
        controls.task.setCurrentIndex(controls.task.findData("sentiment"))
        controls.cell.setCurrentIndex(controls.cell.findData("compare"))
        controls.steps.setValue(60)
        area.start()
        while area.running:
            app.processEvents()
            time.sleep(0.05)
        settle()
        offered(area, "train")
    window.close()
    return cases


def export_pdf(out: Path) -> tuple[Path, Path] | None:
    """The gates and gradient figures as PDFs for paper (8 x 4.5 inches at 150 dpi: whole
    pixels, so poppler's page has no fractional row) and as PNGs of that size."""
    from rnn_studio.state.trace_table import compute_export
    from rnn_studio.studio_core.demo import DemoSetup
    from rnn_studio.ui.export_figures import FigureSize, save_figure

    data = compute_export(
        DemoSetup(text="not bad at all", cell="lstm", hidden_size=6, cursor=5, backprop=True)
    )
    size = FigureSize.paper(203.2, dpi=150)
    for view in ("gates", "gradients"):
        save_figure(data, view, out / f"pdf-{view}.pdf", 0, 0, size=size)
        save_figure(data, view, out / f"pdf-{view}-app.png", 0, 0, size=size)
    return out / "pdf-gates.pdf", out / "pdf-gates-app.png"


def compare_pdf(out: Path) -> list[str]:
    rows = []
    if shutil.which("pdftoppm") is None:
        return ["pdftoppm missing: apt-get install poppler-utils"]
    for view in ("gates", "gradients"):
        pdf, png = out / f"pdf-{view}.pdf", out / f"pdf-{view}-app.png"
        with Image.open(png) as image:
            size = image.size
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-png",
                "-singlefile",
                str(pdf),
                str(out / f"pdf-{view}-poppler"),
            ],
            check=True,
            timeout=120,
        )
        mean, off = difference(pixels(png), pixels(out / f"pdf-{view}-poppler.png", size))
        rows.append(
            f"pdf-{view} ({size[0]}x{size[1]}): poppler vs the PNG export: "
            f"mean {mean:.2f}, off {off:.2%}"
        )
    return rows


# ------------------------------------------------------------------------------- sheets
def sheet(case: Case, renders: dict[str, Path], target: Path, width: int = 640) -> None:
    """Renders side by side (top) and their differences from Qt's (bottom)."""
    qt = pixels(renders["qt"])
    height = round(qt.shape[0] * width / qt.shape[1])
    tiles, diffs = [], []
    for name in RENDERERS:
        if name not in renders:
            continue
        image = pixels(renders[name], (qt.shape[1], qt.shape[0]))
        tiles.append(Image.fromarray(image.astype(np.uint8)).resize((width, height)))
        delta = np.abs(image - qt).max(axis=2).astype(np.uint8)
        diffs.append(Image.fromarray(delta).convert("RGB").resize((width, height)))
    board = Image.new("RGB", (width * len(tiles), height * 2), "grey")
    for index, (tile, diff) in enumerate(zip(tiles, diffs, strict=True)):
        board.paste(tile, (index * width, 0))
        board.paste(diff, (index * width, height))
    board.save(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "svg-renderers")
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--sheets", type=Path, default=None, help="write comparison sheets here")
    parser.add_argument("--renderers", default=",".join(RENDERERS))
    parser.add_argument("--window", default="1280x720", help="main window size, WxH")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(",")) if args.only else None
    renderers = [r for r in args.renderers.split(",") if r]
    missing = [r for r in renderers if r in TOOLS and shutil.which(TOOLS[r]) is None]
    for name in missing:
        print(f"{name}: {TOOLS[name]} is not installed; skipped")
    renderers = [r for r in renderers if r not in missing]

    width, height = (int(part) for part in args.window.split("x"))
    cases = export_cases(args.out, only, (width, height))
    print(
        f"{'svg':28} {'size':>10} {'app vs qt':>16} "
        + " ".join(f"{r:>16}" for r in renderers if r != "qt")
    )
    worst = 0.0
    for case in cases:
        renders: dict[str, Path] = {}
        for name in renderers:
            target = args.out / f"{case.name}-{name}.png"
            try:
                RENDER[name](case.svg, target)
            except (subprocess.SubprocessError, OSError) as problem:
                print(f"{case.name}: {name} failed: {problem}")
                continue
            renders[name] = target
        qt = pixels(renders["qt"])
        size = (qt.shape[1], qt.shape[0])
        app_mean, app_off = difference(pixels(case.reference, size), qt)
        cells = [f"{app_mean:5.2f} {app_off:6.2%}"]
        for name in renderers:
            if name == "qt":
                continue
            if name not in renders:
                cells.append(f"{'failed':>16}")
                continue
            mean, off = difference(pixels(renders[name], size), qt)
            worst = max(worst, off)
            cells.append(f"{mean:5.2f} {off:6.2%}")
        print(f"{case.name:28} {size[0]:>5}x{size[1]:<4} " + " ".join(f"{c:>16}" for c in cells))
        if args.sheets is not None:
            args.sheets.mkdir(parents=True, exist_ok=True)
            sheet(case, renders, args.sheets / f"{case.name}.png")
    if only is None or any(name.startswith("pdf") for name in only):
        export_pdf(args.out)
        for row in compare_pdf(args.out):
            print(row)
    print(f"worst share of pixels off by > {OFF_THRESHOLD}: {worst:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
