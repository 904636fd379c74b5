"""Figures for slides and handouts (issue 13 items 6, 7, 9).

* PNG: drawn offscreen at the size asked (1920 x 1080 by default, or a paper width at 300
  dpi), with the title, axis labels, legend and the verdict the studio computes, in print
  colours or the current theme's.
* SVG: no ``vector-effect`` (librsvg ignores it and drew the gradient curve as a blob and the
  cursor as a block); ``rsvg-convert`` draws it like the PNG export, within a pixel bound.
* PDF: one page of the chosen paper size.
* Every export and saved scene says what was written and where.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui import export
from rnn_studio.ui.export_figures import FigureSize

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def window(classroom):
    setup = DemoSetup(text="not bad at all", mode="chars", cell="lstm", hidden_size=6, cursor=5)
    main, _features = classroom(StudioSession(setup))
    main.session.backprop()
    return main


def _texts(path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(element.itertext()).strip() for element in root.iter(f"{SVG}text")]


def _pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=float)


def _rsvg(svg, png, *size) -> None:
    tool = shutil.which("rsvg-convert")
    if tool is None:
        pytest.fail("rsvg-convert is missing: apt-get install librsvg2-bin (.ci/run does)")
    options = ["-w", str(size[0]), "-h", str(size[1])] if size else []
    subprocess.run([tool, *options, str(svg), "-o", str(png)], check=True, timeout=60)


def test_png_figure_is_1920_by_1080_by_default_not_a_screen_grab(window, tmp_path):
    menus = window.menus
    size = menus.export_to("figure", tmp_path / "g.png", options=export.FigureOptions("gradients"))
    assert (size.width, size.height) == (1920, 1080)
    with Image.open(tmp_path / "g.png") as image:
        assert image.size == (1920, 1080)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 50
    # The plot panel on screen is far smaller: the figure is drawn, not grabbed.
    assert window.studio.gradients.plot_widget.width() < 1920


def test_png_plot_export_from_the_menu_is_the_offscreen_figure(window, tmp_path):
    view = window.studio.memory.graphics
    window.menus.export_to("png", tmp_path / "memory.png", view)
    with Image.open(tmp_path / "memory.png") as image:
        assert image.size == (1920, 1080) != (view.width(), view.height())


def test_figure_has_title_labels_legend_and_the_studio_verdict(window, tmp_path):
    """The texts of the figure (its SVG: the PNG is drawn from it) say what the studio says."""
    session = window.session
    report = session.gradients["lstm"]
    window.menus.export_to("figure", tmp_path / "g.svg", options=export.FigureOptions("gradients"))
    texts = _texts(tmp_path / "g.svg")
    joined = " ".join(texts)
    assert "Gradient reaching each step · LSTM, hidden size 6 · “not bad at all”" in joined
    assert report.verdict.describe() in texts  # the verdict the studio computes, verbatim
    assert "‖∂L/∂h_t‖ (log scale)" in texts  # y axis label
    assert f"token read at step t = 0…13 (loss read at step {report.loss_step})" in texts
    assert f"‖∂L/∂h_t‖, LSTM (loss at step {report.loss_step})" in texts  # legend
    assert "step shown in the studio (t = 5)" in texts  # legend: the cursor line

    window.menus.export_to("figure", tmp_path / "h.svg", options=export.FigureOptions("heatmap"))
    heat = _texts(tmp_path / "h.svg")
    assert "hidden unit" in heat and "value of h_t (tanh)" in heat  # axis and colour bar
    assert report.verdict.describe() in heat


def _curve_points(svg_path, colour: str) -> np.ndarray:
    """The (x, y) points of the 3-px curve drawn in ``colour``: its segments chain end to
    end (the legend's sample segment stands alone), sorted by x."""
    root = ET.parse(svg_path).getroot()
    segments = []
    for group in root.iter(f"{SVG}g"):
        if group.get("stroke", "").lower() == colour.lower() and group.get("stroke-width") == "3":
            for line in group.iter(f"{SVG}polyline"):
                pairs = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
                segments += list(itertools.pairwise(pairs))
    ends = [point for segment in segments for point in segment]
    chained = [segment for segment in segments if any(ends.count(p) > 1 for p in segment)]
    return np.array(sorted({point for segment in chained for point in segment}))


def test_compare_mode_gradient_figure_draws_every_cell_with_its_verdict(classroom, tmp_path):
    """In compare mode the figure showed only the cell on view; now each cell's curve (its
    own norms, in its studio colour) and verdict."""
    from rnn_studio.studio_core.palette import LIGHT

    setup = DemoSetup(text="not bad at all", cell="compare", hidden_size=6, cursor=5)
    main, _ = classroom(StudioSession(setup))
    main.session.backprop()
    reports = main.session.gradients
    assert set(reports) == {"rnn", "lstm", "gru"}
    options = export.FigureOptions("gradients")
    main.menus.export_to("figure", tmp_path / "compare.svg", options=options)
    texts = _texts(tmp_path / "compare.svg")
    joined = " ".join(texts)
    assert "RNN, LSTM and GRU compared, hidden size 6" in joined
    for kind, report in reports.items():
        assert f"{kind.upper()}: {report.verdict.describe()}" in texts
        assert f"‖∂L/∂h_t‖, {kind.upper()} (loss at step {report.loss_step})" in texts
        points = _curve_points(tmp_path / "compare.svg", LIGHT.cell_colours()[kind])
        norms = np.asarray(report.grad_norms, dtype=float)
        assert len(points) == len(norms) == 14, kind
        # x: one step apart; y: a straight line in log10 of this cell's norms (log axis).
        assert np.ptp(np.diff(points[:, 0])) < 0.01, kind
        fit = np.polyfit(np.log10(norms), points[:, 1], 1)
        residual = points[:, 1] - np.polyval(fit, np.log10(norms))
        assert fit[0] < 0 and np.abs(residual).max() < 0.5, kind  # up is larger


def test_gradient_figure_before_backprop_says_to_press_backprop(classroom, tmp_path):
    main, _ = classroom(StudioSession(DemoSetup(text="not bad", cell="rnn")))
    with pytest.raises(export.ExportError, match="press Backprop"):
        main.menus.export_to("figure", tmp_path / "g.png", options=export.FigureOptions())
    assert not (tmp_path / "g.png").exists()


def test_paper_width_at_300_dpi(window, tmp_path):
    size = FigureSize.paper(180)  # an A4 page's text width
    options = export.FigureOptions("heatmap", size)
    window.menus.export_to("figure", tmp_path / "paper.png", options=options)
    with Image.open(tmp_path / "paper.png") as image:
        assert image.size == (round(180 / 25.4 * 300), round(180 * 9 / 16 / 25.4 * 300))
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.5)


def test_a_narrow_paper_figure_fits_its_title_and_verdict_inside(classroom, tmp_path):
    """At 120 mm (a handout column) the layout was 454 units wide: the title ran off the
    right edge and four gate strips squeezed their labels into each other."""
    text = "the cat that the dog chased all morning long"
    setup = DemoSetup(text=text, cell="lstm", hidden_size=6, cursor=5)
    main, _ = classroom(StudioSession(setup))
    main.session.backprop()
    size = FigureSize.paper(120, dpi=150)
    assert size.layout_size == (640, 360)  # laid out at the smallest layout, scaled down
    for view in ("gates", "gradients"):
        options = export.FigureOptions(view, size)
        main.menus.export_to("figure", tmp_path / f"{view}.png", options=options)
        pixels = _pixels(tmp_path / f"{view}.png")
        assert pixels.shape == (399, 709, 3)
        edges = np.concatenate([pixels[:, :6], pixels[:, -6:]], axis=1)
        assert edges.min() == 255.0, view  # nothing drawn into the margins or cut off
        main.menus.export_to("figure", tmp_path / f"{view}.svg", options=options)
        texts = _texts(tmp_path / f"{view}.svg")
        assert "“the cat that the dog chased all morning…”" in texts  # its own line
        assert main.session.gradients["lstm"].verdict.describe() in " ".join(texts)
    gates = _texts(tmp_path / "gates.svg")
    assert "forget (f), open 0…1" in gates and "hidden unit" not in gates


def test_fitted_lines_break_at_separators_then_words():
    from PySide6.QtGui import QFont, QFontMetricsF

    from rnn_studio.ui.export_figures import fitted_lines

    title = "Gates over time · LSTM, hidden size 6 · “a <b> & c”"
    assert fitted_lines(title, 14, 5000) == (
        "Gates over time · LSTM, hidden size 6 · “a &lt;b&gt; &amp; c”"  # one line, escaped
    )
    font = QFont()
    font.setPointSizeF(14)
    metrics = QFontMetricsF(font)
    width = metrics.horizontalAdvance("Gates over time · LSTM, hidden")
    lines = fitted_lines("Gates over time · LSTM, hidden size 6 · x", 14, width).split("<br>")
    assert lines[0] == "Gates over time"
    assert all(metrics.horizontalAdvance(line) <= width for line in lines)
    assert " ".join(lines).replace(" · ", " ") == "Gates over time LSTM, hidden size 6 x"


def test_print_and_theme_colours(window, tmp_path):
    window.menus.set_theme("dark")
    for style in ("print", "theme"):
        options = export.FigureOptions("heatmap", FigureSize.pixels(640, 360), style)
        window.menus.export_to("figure", tmp_path / f"{style}.png", options=options)
    corner = {style: _pixels(tmp_path / f"{style}.png")[2, 2] for style in ("print", "theme")}
    assert corner["print"].tolist() == [255.0, 255.0, 255.0]
    assert corner["theme"].mean() < 100  # the dark theme's plot background


def test_figure_svg_has_no_vector_effect_and_rsvg_draws_it_like_the_png(window, tmp_path):
    for view in ("gradients", "heatmap", "gates"):
        options = export.FigureOptions(view)
        window.menus.export_to("figure", tmp_path / f"{view}.png", options=options)
        window.menus.export_to("figure", tmp_path / f"{view}.svg", options=options)
        text = (tmp_path / f"{view}.svg").read_text(encoding="utf-8")
        assert "vector-effect" not in text and "non-scaling-stroke" not in text
        _rsvg(tmp_path / f"{view}.svg", tmp_path / f"{view}-rsvg.png")  # its own size
        ours, theirs = _pixels(tmp_path / f"{view}.png"), _pixels(tmp_path / f"{view}-rsvg.png")
        assert ours.shape == theirs.shape == (1080, 1920, 3)
        difference = np.abs(ours - theirs).max(axis=2)
        # Antialiasing and font hinting differ; a blob or a block would cover far more.
        assert difference.mean() < 4.0, view
        assert (difference > 64).mean() < 0.02, view


def test_on_screen_plot_svg_renders_in_rsvg_as_on_screen(window, tmp_path):
    """The studio's own gradient plot, as on screen: the curve and cursor stay thin."""
    view = window.studio.gradients.plot_widget
    width, height = export.export_plot_svg(view, tmp_path / "plot.svg")
    assert "vector-effect" not in (tmp_path / "plot.svg").read_text(encoding="utf-8")
    _rsvg(tmp_path / "plot.svg", tmp_path / "plot-rsvg.png", width, height)
    grab = view.grab().toImage()
    grab.save(str(tmp_path / "plot-grab.png"))
    ours = _pixels(tmp_path / "plot-grab.png")
    theirs = _pixels(tmp_path / "plot-rsvg.png")
    if ours.shape != theirs.shape:  # a high-DPI screen: compare at the SVG's size
        ours = np.asarray(
            Image.open(tmp_path / "plot-grab.png").convert("RGB").resize((width, height)),
            dtype=float,
        )
    difference = np.abs(ours - theirs).max(axis=2)
    assert (difference > 64).mean() < 0.05


def test_the_unrolled_chain_is_offered_as_svg_in_vectors_and_rsvg_draws_it_as_shown(
    window, tmp_path
):
    """File > Export > Plot as on screen lists the chain too (it is not a pyqtgraph view)."""
    chain = window.studio.unrolled.view
    assert export.plot_views(window)["unrolled_view"] is chain
    width, height = window.menus.export_to("svg", tmp_path / "chain.svg", chain)
    assert "Unrolled network" in window.menus.last_confirmation
    text = (tmp_path / "chain.svg").read_text(encoding="utf-8")
    assert "<image" not in text  # the cells are cached pixmaps on screen, vectors here
    texts = _texts(tmp_path / "chain.svg")
    assert "LSTM" in texts and "W_hh" in texts and "t=5" in texts
    _rsvg(tmp_path / "chain.svg", tmp_path / "chain-rsvg.png")
    chain.viewport().grab().save(str(tmp_path / "chain-grab.png"))
    ours, theirs = _pixels(tmp_path / "chain-grab.png"), _pixels(tmp_path / "chain-rsvg.png")
    assert ours.shape == theirs.shape == (height, width, 3)
    difference = np.abs(ours - theirs).max(axis=2)
    assert (difference > 64).mean() < 0.05
    # Its background comes along (it was transparent: dark-theme text vanished on white).
    window.menus.set_theme("dark")
    window.menus.export_to("svg", tmp_path / "dark.svg", chain)
    dark = tmp_path / "dark-rsvg.png"
    subprocess.run(["rsvg-convert", "-b", "white", str(tmp_path / "dark.svg"), "-o", str(dark)])
    assert _pixels(dark)[2, 2].max() < 100


def test_heatmap_cells_stay_blocks_in_rsvg(qtbot, tmp_path):
    """An on-screen heatmap is embedded one pixel per value and marked to be drawn without
    smoothing, which Qt and Inkscape honour and librsvg and Chromium do not: a 4 x 4
    checkerboard became a grey blur (and the studio's 8-row h_t bars, wedges)."""
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    board = np.indices((4, 4)).sum(axis=0) % 2 * 255.0
    plot.addItem(pg.ImageItem(board, axisOrder="row-major", levels=(0, 255)))
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.setRange(xRange=(0, 4), yRange=(0, 4), padding=0)
    plot.resize(240, 240)
    plot.show()
    qtbot.waitExposed(plot)
    export.export_plot_svg(plot, tmp_path / "board.svg")
    _rsvg(tmp_path / "board.svg", tmp_path / "board.png")
    grey = _pixels(tmp_path / "board.png").mean(axis=2)[40:200, 40:200]  # inside the image
    blurred = ((grey > 40) & (grey < 215)).mean()
    assert blurred < 0.05, blurred  # only the cells' edges
    assert (grey < 40).mean() > 0.4 and (grey > 215).mean() > 0.4  # black and white cells


def test_svg_opens_at_the_same_pixel_size_in_qt_and_rsvg(window, tmp_path):
    """Qt wrote the size in millimetres, which its own renderer reads at 90 dpi and librsvg,
    Inkscape and browsers at 96: the 1920-pixel figure opened 1799 pixels wide in Qt."""
    from PySide6.QtSvg import QSvgRenderer

    options = export.FigureOptions("heatmap")
    window.menus.export_to("figure", tmp_path / "figure.svg", options=options)
    width, height = export.export_plot_svg(window.studio.memory.graphics, tmp_path / "plot.svg")
    paper = export.FigureOptions("heatmap", FigureSize.paper(120, dpi=150))
    window.menus.export_to("figure", tmp_path / "paper.svg", options=paper)
    expected = {
        "figure": (1920, 1080),
        "plot": (width, height),
        "paper": (454, 255),  # 120 x 67.5 mm at 96 px per inch
    }
    for name, size in expected.items():
        svg = tmp_path / f"{name}.svg"
        assert QSvgRenderer(str(svg)).defaultSize().toTuple() == size, name
        _rsvg(svg, tmp_path / f"{name}-rsvg.png")  # at its own size
        with Image.open(tmp_path / f"{name}-rsvg.png") as image:
            assert image.size == size, name


def test_svg_fonts_name_the_font_qt_drew_with_then_a_generic_family(window, tmp_path):
    """Chromium does not know Qt's "Sans Serif" alias and drew every label in a serif font."""
    from PySide6.QtGui import QFontDatabase

    window.menus.export_to("figure", tmp_path / "g.svg", options=export.FigureOptions())
    export.export_plot_svg(window.studio.gradients.plot_widget, tmp_path / "plot.svg")
    installed = set(QFontDatabase.families())
    for name in ("g", "plot"):
        root = ET.parse(tmp_path / f"{name}.svg").getroot()
        families = {e.get("font-family") for e in root.iter() if e.get("font-family")}
        assert families, name
        for family in families:
            names = [part.strip() for part in family.split(",")]
            assert names[0] in installed and names[-1] == "sans-serif", family


def test_generic_font_families():
    from rnn_studio.ui.svg_strokes import with_generic_family

    assert with_generic_family("Sans Serif", "DejaVu Sans") == "DejaVu Sans, Sans Serif, sans-serif"
    assert with_generic_family("DejaVu Sans", "DejaVu Sans") == "DejaVu Sans, sans-serif"
    assert with_generic_family("DejaVu Serif") == "DejaVu Serif, serif"
    assert with_generic_family("serif") == "serif"  # a CSS generic already
    assert with_generic_family("DejaVu Sans Mono") == "DejaVu Sans Mono, monospace"
    assert with_generic_family("'Noto Sans', sans-serif", "Noto Sans") == "Noto Sans, sans-serif"


def test_pdf_renders_like_the_png_export(window, tmp_path):
    """The PDF drawn by poppler (``pdftoppm``) matches the PNG. Painting the layout straight
    onto the PDF drew tick labels 1.56 times too big at 150 dpi (their point size was taken
    at the PDF's resolution and then scaled up with the rest), and outlines with no pen
    came out as black frames around the legend and each plot. 8 x 4.5 inches at 150 dpi:
    whole pixels, so poppler's page has no fractional row to shift the drawing by."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils (.ci/run does)")
    for view in ("gradients", "gates"):
        options = export.FigureOptions(view, FigureSize.paper(203.2, dpi=150))
        window.menus.export_to("figure", tmp_path / f"{view}.pdf", options=options)
        window.menus.export_to("figure", tmp_path / f"{view}.png", options=options)
        prefix = tmp_path / f"{view}-poppler"
        command = [tool, "-r", "150", "-png", "-singlefile"]
        subprocess.run([*command, str(tmp_path / f"{view}.pdf"), str(prefix)], check=True)
        ours = _pixels(tmp_path / f"{view}.png")
        theirs = _pixels(f"{prefix}.png")
        assert ours.shape == theirs.shape == (675, 1200, 3)
        difference = np.abs(ours - theirs).max(axis=2)
        assert difference.mean() < 4.0, view
        assert (difference > 64).mean() < 0.02, view


def test_pdf_is_one_page_of_the_paper_size(window, tmp_path):
    options = export.FigureOptions("gates", FigureSize.paper(180, dpi=300))
    window.menus.export_to("figure", tmp_path / "handout.pdf", options=options)
    data = (tmp_path / "handout.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box is not None
    points = [float(value) for value in box.groups()]
    assert points == pytest.approx([180 / 25.4 * 72, 180 * 9 / 16 / 25.4 * 72], abs=1.5)
    assert b"/Subtype /Image" in data or b"/Subtype/Image" in data  # the gate heatmaps


# ------------------------------------------------------------------ item 9: confirmations
def _says_where(window, path) -> str:
    message = window.menus.last_confirmation
    assert str(path) in message
    assert window.statusBar().currentMessage() == message
    return message


@pytest.mark.parametrize(
    ("kind", "name", "words"),
    [
        ("figure", "f.png", "1920 × 1080"),
        ("svg", "p.svg", "SVG"),
        ("window", "w.png", "window"),
        ("gif", "s.gif", "frames"),
        ("csv", "t.csv", "14 steps"),
    ],
)
def test_every_export_says_what_it_wrote_and_where(window, tmp_path, kind, name, words):
    window.menus.export_to(kind, tmp_path / name)
    assert (tmp_path / name).stat().st_size > 0
    assert words in _says_where(window, tmp_path / name)


def test_saved_scenes_and_sessions_say_where(window, tmp_path, monkeypatch):
    menus = window.menus
    menus.save_scene("Vanishing")
    assert "Vanishing" in _says_where(window, menus.scenes.path)
    target = tmp_path / "lesson.rnnscene"
    monkeypatch.setattr(
        "rnn_studio.ui.menus.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), "")
    )
    menus.export_scene_dialog()
    assert target.exists()
    _says_where(window, target)
    assert menus.save_session_to(tmp_path / "lesson.rnnsession")
    _says_where(window, tmp_path / "lesson.rnnsession")


def test_in_presenter_mode_the_confirmation_shows_without_the_status_line(window, tmp_path):
    from PySide6.QtWidgets import QToolTip

    menus = window.menus
    menus.presenter.enter()
    try:
        assert not window.statusBar().isVisible()
        assert menus.save_session_to(tmp_path / "class.rnnsession")
        assert QToolTip.isVisible() and str(tmp_path / "class.rnnsession") in QToolTip.text()
    finally:
        menus.presenter.leave()
        QToolTip.hideText()
