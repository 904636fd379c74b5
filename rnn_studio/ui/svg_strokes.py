"""Make Qt's SVG render the same everywhere: cosmetic strokes moved into page coordinates.

Qt's :class:`QSvgGenerator` writes each group of shapes with the painter's transform
(``<g transform="matrix(...)">``) and marks cosmetic pens (pyqtgraph draws every curve, grid
line and cursor with one) as ``vector-effect="non-scaling-stroke"``. A browser honours that
attribute; librsvg (``rsvg-convert``, GNOME, many slide tools) and cairosvg do not: a 3 px
curve drawn in data units under a ``matrix(82, 0, 0, -160, ...)`` becomes a band 160 px
thick (the "blob"), and a 1 px cursor one data step wide (the "block").

:func:`flatten_non_scaling_strokes` removes the need for the attribute: it applies the
group's matrix to the coordinates of every such shape (``path``, ``polyline``, ``polygon``,
``line``, ``rect``) and moves the shape into a group without a transform, so its
``stroke-width`` is already in page units. Affine maps keep lines, Bézier curves and fills
exact, so the drawing is unchanged in Qt and browsers and now also right in librsvg and
Inkscape. Shapes it cannot move (arcs, relative path commands) keep the transform and get a
stroke width divided by the transform's scale instead (exact for uniform scales).

Embedded images meant to be drawn as blocks are enlarged to their drawn size
(:func:`sharpen_images`: librsvg and Chromium smoothed heatmap cells into each other). Shapes
with neither fill nor stroke are dropped (Qt's PDF output stroked them in black). It
can also give the document its size in pixels: Qt writes millimetres, which Qt's own SVG
renderer reads at 90 dpi and everyone else at 96; and every ``font-family`` gets a CSS
generic fallback (:func:`with_generic_family`; a browser does not know Qt's "Sans Serif").
``benchmarks/svg_renderers.py`` measures Qt, librsvg, Inkscape and Chromium against each other.

Standard library only.
"""

from __future__ import annotations

import base64
import math
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
NON_SCALING = "non-scaling-stroke"
Matrix = tuple[float, float, float, float, float, float]

_G = f"{{{SVG_NS}}}g"
_MATRIX = re.compile(r"^\s*matrix\(([^)]*)\)\s*$")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PATH_TOKEN = re.compile(rf"([A-Za-z])|({_NUMBER})")
#: Absolute path commands made only of (x, y) pairs, and Z.
_PAIR_COMMANDS = frozenset("MLCSQT")


def flatten_non_scaling_strokes(
    svg: bytes,
    pixel_size: tuple[float, float] | None = None,
    resolve_family: Callable[[str], str] | None = None,
    upscale_image: Callable[[bytes, int, int], bytes] | None = None,
) -> bytes:
    """Return ``svg`` with no ``vector-effect="non-scaling-stroke"`` left (see the module).

    Parameters
    ----------
    svg : bytes
        An SVG document as written by Qt's ``QSvgGenerator``.
    pixel_size : (float, float) or None
        The document's width and height in CSS pixels (1/96 inch), written in ``px``. Qt
        writes them in millimetres, which librsvg, Inkscape and browsers read at 96 dpi but
        Qt's own SVG renderer at 90 dpi: a 1920-pixel figure opened 1799 pixels wide there.
    resolve_family : callable or None
        The installed font a family name stands for (Qt's ``QFontInfo``); it is named
        first in every ``font-family`` (:func:`with_generic_family`).
    upscale_image : callable or None
        ``upscale_image(png, kx, ky)``: the PNG with every pixel a ``kx`` x ``ky`` block
        (nearest neighbour), for :func:`sharpen_images`.

    Returns
    -------
    bytes
        The same drawing, UTF-8, with cosmetic shapes in page coordinates.
    """
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg)
    for parent in list(root.iter()):
        children = list(parent)
        if not any(child.tag == _G and _has_non_scaling(child) for child in children):
            continue
        replaced: list[ET.Element] = []
        for child in children:
            if child.tag == _G and _has_non_scaling(child):
                replaced.extend(_split_group(child))
            else:
                replaced.append(child)
        parent[:] = replaced
    for element in root.iter():  # shapes already in page units (no transform)
        element.attrib.pop("vector-effect", None)
        family = element.get("font-family")
        if family is not None:
            installed = resolve_family(family) if resolve_family is not None else None
            element.set("font-family", with_generic_family(family, installed))
    _drop_invisible(root, "black", "none")
    if upscale_image is not None:
        zoom = 1.0
        if pixel_size is not None and (box := root.get("viewBox")):
            zoom = pixel_size[0] / float(box.split()[2])
        sharpen_images(root, upscale_image, (zoom, 0.0, 0.0, zoom, 0.0, 0.0))
    if pixel_size is not None:
        root.set("width", f"{_format(pixel_size[0])}px")
        root.set("height", f"{_format(pixel_size[1])}px")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


_IMAGE = f"{{{SVG_NS}}}image"
_HREF = f"{{{XLINK_NS}}}href"
_PNG_PREFIX = "data:image/png;base64,"
#: Longest side an image is enlarged to (pixels).
MAX_SHARPENED = 4096


def sharpen_images(
    parent: ET.Element, upscale: Callable[[bytes, int, int], bytes], matrix: Matrix
) -> None:
    """Enlarge every embedded PNG meant to be drawn without smoothing to its drawn size.

    Qt marks such images (heatmaps, whose cells are values) ``image-rendering=
    "optimizeSpeed"``; Qt and Inkscape then draw each pixel as a block, but librsvg and
    Chromium smooth them: neighbouring units of a heatmap blurred into each other, and the
    studio's h_t/c_t bars (an 8-row image) into wedges. An image whose every pixel is
    already a block of device pixels looks the same smoothed or not.
    """
    for child in parent:
        transform = _parse_matrix(child.get("transform"))
        if transform is None:
            continue
        combined = _multiply(matrix, transform)
        if child.tag == _IMAGE and child.get("image-rendering") == "optimizeSpeed":
            _sharpen(child, upscale, combined)
        else:
            sharpen_images(child, upscale, combined)


def _multiply(first: Matrix, second: Matrix) -> Matrix:
    """The matrix of applying ``second``, then ``first``."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = second
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def _sharpen(image: ET.Element, upscale: Callable[[bytes, int, int], bytes], m: Matrix) -> None:
    href = image.get(_HREF, "")
    if not href.startswith(_PNG_PREFIX):
        return
    try:
        png = base64.b64decode(href[len(_PNG_PREFIX) :], validate=True)
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        shown_width = float(image.get("width", 0)) * math.hypot(m[0], m[1])
        shown_height = float(image.get("height", 0)) * math.hypot(m[2], m[3])
    except (ValueError, struct.error):
        return
    if width <= 0 or height <= 0:
        return
    kx = max(1, min(math.ceil(shown_width / width), MAX_SHARPENED // width))
    ky = max(1, min(math.ceil(shown_height / height), MAX_SHARPENED // height))
    if kx > 1 or ky > 1:
        image.set(_HREF, _PNG_PREFIX + base64.b64encode(upscale(png, kx, ky)).decode("ascii"))


_SHAPES = frozenset(
    f"{{{SVG_NS}}}{name}"
    for name in ("path", "rect", "polyline", "polygon", "line", "circle", "ellipse")
)


def _drop_invisible(parent: ET.Element, fill: str, stroke: str) -> None:
    """Remove shapes with neither fill nor stroke (inherited values count).

    pyqtgraph paints such outlines (legend and view-box borders with no pen); every SVG
    renderer draws nothing for them, but Qt's SVG renderer painting onto a PDF stroked
    them in black (poppler showed a black frame around the legend and the plot).
    """
    for child in list(parent):
        own_fill, own_stroke = child.get("fill", fill), child.get("stroke", stroke)
        if child.tag in _SHAPES and own_fill == "none" and own_stroke == "none":
            parent.remove(child)
        else:
            _drop_invisible(child, own_fill, own_stroke)


def with_generic_family(family: str, installed: str | None = None) -> str:
    """``family`` with the font it stands for first and a CSS generic family last, e.g.
    ``"DejaVu Sans, Sans Serif, sans-serif"``.

    Qt names its default font by the fontconfig alias "Sans Serif", which Qt, librsvg and
    Inkscape resolve (to DejaVu Sans on Debian) but a browser does not know: Chromium drew
    every label in its default serif font, and with only ``sans-serif`` added, in its own
    sans font (Liberation Sans, narrower). ``installed`` (the font Qt drew with) comes
    first; the generic name is the last fallback.
    """
    names = [name.strip().strip("'\"") for name in family.split(",") if name.strip()]
    if installed and installed.lower() not in (name.lower() for name in names):
        names.insert(0, installed)
    if any(name.lower() in _GENERIC_FAMILIES for name in names):
        return ", ".join(names)
    first = names[0].lower() if names else ""
    if "mono" in first or "courier" in first:
        generic = "monospace"
    elif "serif" in first and "sans" not in first:
        generic = "serif"
    else:
        generic = "sans-serif"
    return ", ".join([*names, generic])


_GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math"}
)


def _has_non_scaling(group: ET.Element) -> bool:
    return any(child.get("vector-effect") == NON_SCALING for child in group)


def _split_group(group: ET.Element) -> list[ET.Element]:
    """The group as consecutive groups: moved shapes without transform, the rest with it."""
    matrix = _parse_matrix(group.get("transform"))
    if matrix is None:  # a transform we do not read: keep the group, correct its widths
        return [group]
    runs: list[tuple[bool, list[ET.Element]]] = []
    for child in group:
        moved = _moved(child, matrix) if child.get("vector-effect") == NON_SCALING else None
        flat = moved is not None
        if not flat and child.get("vector-effect") == NON_SCALING:
            _scale_stroke(child, group, matrix)
        if not runs or runs[-1][0] != flat:
            runs.append((flat, []))
        runs[-1][1].append(moved if moved is not None else child)
    groups = []
    for flat, members in runs:
        attributes = dict(group.attrib)
        if flat:
            attributes.pop("transform", None)
        copy = ET.Element(group.tag, attributes)
        copy.text, copy.tail = group.text, group.tail
        copy.extend(members)
        groups.append(copy)
    return groups


def _parse_matrix(transform: str | None) -> Matrix | None:
    if transform is None:
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    match = _MATRIX.match(transform)
    if match is None:
        return None
    values = [float(v) for v in re.split(r"[\s,]+", match.group(1).strip())]
    if len(values) != 6:
        return None
    a, b, c, d, e, f = values
    return (a, b, c, d, e, f)


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _format(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pairs(numbers: list[float], matrix: Matrix) -> list[str]:
    return [
        ",".join(map(_format, _apply(matrix, numbers[i], numbers[i + 1])))
        for i in range(0, len(numbers) - 1, 2)
    ]


def _moved(element: ET.Element, matrix: Matrix) -> ET.Element | None:
    """A copy of ``element`` in page coordinates, or None when its kind cannot be moved."""
    tag = element.tag.split("}")[-1]
    attributes = {k: v for k, v in element.attrib.items() if k != "vector-effect"}
    try:
        if tag in ("polyline", "polygon"):
            numbers = [float(v) for v in re.findall(_NUMBER, element.get("points", ""))]
            attributes["points"] = " ".join(_pairs(numbers, matrix))
        elif tag == "path":
            path = _move_path(element.get("d", ""), matrix)
            if path is None:
                return None
            attributes["d"] = path
        elif tag == "line":
            x1, y1 = _apply(matrix, float(element.get("x1", 0)), float(element.get("y1", 0)))
            x2, y2 = _apply(matrix, float(element.get("x2", 0)), float(element.get("y2", 0)))
            attributes.update(x1=_format(x1), y1=_format(y1), x2=_format(x2), y2=_format(y2))
        elif tag == "rect":
            if element.get("rx") or element.get("ry"):
                return None
            x, y = float(element.get("x", 0)), float(element.get("y", 0))
            w, h = float(element.get("width", 0)), float(element.get("height", 0))
            corners = [x, y, x + w, y, x + w, y + h, x, y + h]
            for key in ("x", "y", "width", "height"):
                attributes.pop(key, None)
            tag, attributes["d"] = "path", "M" + " L".join(_pairs(corners, matrix)) + " Z"
        else:
            return None
    except ValueError:
        return None
    moved = ET.Element(f"{{{SVG_NS}}}{tag}", attributes)
    moved.tail = element.tail
    return moved


def _move_path(d: str, matrix: Matrix) -> str | None:
    """Path data with every point mapped; None for commands that are not (x, y) pairs."""
    parts: list[str] = []
    command = ""
    numbers: list[float] = []

    def flush() -> bool:
        if not command:
            return not numbers
        if command in "Zz":
            parts.append("Z")
            return not numbers
        if command not in _PAIR_COMMANDS or len(numbers) % 2:
            return False
        parts.append(command + " ".join(_pairs(numbers, matrix)))
        return True

    for letter, number in _PATH_TOKEN.findall(d):
        if letter:
            if not flush():
                return None
            command, numbers = letter, []
        else:
            numbers.append(float(number))
    return " ".join(parts) if flush() else None


def _scale_stroke(element: ET.Element, group: ET.Element, matrix: Matrix) -> None:
    """Keep a shape in the group but give it the stroke width the pen meant, in page units."""
    a, b, c, d, _, _ = matrix
    scale = math.sqrt(abs(a * d - b * c)) or 1.0
    width = float(element.get("stroke-width") or group.get("stroke-width") or 1.0)
    element.set("stroke-width", _format(width / scale))
    element.attrib.pop("vector-effect", None)
