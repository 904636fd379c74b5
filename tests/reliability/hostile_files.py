"""Hostile and odd files for RNN Studio's loaders, generated small (issue 12).

``python tests/reliability/hostile_files.py FOLDER`` writes them; the tests call
:func:`make_hostile_files` and :func:`make_corrupt_homes`. Every file is a few KB at most
except the two zip bombs (about 300 KB each), which unpack to 300 MiB and more.
"""

from __future__ import annotations

import io
import json
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

HTML = (
    '<h1>Repair</h1><a href="https://example.invalid/fix">'
    "Click here to download the repair tool</a>"
)


# --------------------------------------------------------------------- building blocks
def npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    """The bytes of a version-1 ``.npy`` header declaring ``shape`` (no data follows)."""
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape!r}, }}"
    text += " " * (63 - (len(text) + 10) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def deflate_bomb(name: str, header: bytes, zeros: int, declare: int | None = None) -> bytes:
    """A one-member zip whose member is ``header`` plus ``zeros`` zero bytes, deflated.

    ``declare`` writes that uncompressed size into the zip's headers instead of the true one
    (a directory that lies).
    """
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as member,
    ):
        member.write(header)
        block = bytes(1 << 20)
        for _ in range(zeros >> 20):
            member.write(block)
    data = bytearray(buffer.getvalue())
    if declare is not None:
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = data.find(signature)
            data[start + offset : start + offset + 4] = struct.pack("<I", declare)
    return bytes(data)


def encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag on every member of a zip (local and central headers)."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            raw[start + offset] |= 0x01
            start += 4
    return bytes(raw)


def good_session(**changes: object) -> tuple[dict[str, object], dict[str, bytes]]:
    """A valid session's manifest and members (small: an 8-unit RNN on 'not bad')."""
    from rnn_studio.state.session import StudioSession
    from rnn_studio.state.session_file import capture_session, session_to_bytes
    from rnn_studio.studio_core.demo import DemoSetup

    session = StudioSession(DemoSetup(text="not bad", cell="rnn", hidden_size=4))
    data = session_to_bytes(capture_session(session, settings={"animation_speed": 5}))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest.update(changes)
    return manifest, members


def session_with(manifest_text: str | None = None, **members: bytes) -> bytes:
    manifest, parts = good_session()
    if "trained__rnn_npz" in members:
        manifest.update(version=2, trained={"seed": 0, "models": ["rnn"]})
        parts["manifest.json"] = json.dumps(manifest).encode()
    if manifest_text is not None:
        parts["manifest.json"] = manifest_text.encode()
    parts.update(
        {name.replace("__", "/").replace("_npz", ".npz"): v for name, v in members.items()}
    )
    return zip_bytes(parts)


def manifest_changed(change: Callable[[dict[str, object]], None]) -> bytes:
    manifest, parts = good_session()
    change(manifest)
    # JSON cannot write 1e400; a clip of 123.0 stands for it and is replaced in the text.
    parts["manifest.json"] = json.dumps(manifest).replace("123.0", "1e400").encode()
    return zip_bytes(parts)


def good_model_members() -> dict[str, bytes]:
    from rnn_studio.engine.io import model_to_bytes
    from rnn_studio.engine.model import Model

    model = Model("rnn", input_size=3, hidden_size=4, output_size=3, seed=0)
    with zipfile.ZipFile(io.BytesIO(model_to_bytes(model))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def model_meta_changed(change: Callable[[dict[str, object]], None]) -> bytes:
    members = good_model_members()
    meta_array = np.load(io.BytesIO(members["rnn_studio.meta.npy"]))
    meta = json.loads(str(meta_array))
    change(meta)
    buffer = io.BytesIO()
    np.save(buffer, np.array(json.dumps(meta)))
    members["rnn_studio.meta.npy"] = buffer.getvalue()
    return zip_bytes(members)


def huge_header_model() -> bytes:
    members = good_model_members()
    members["rnn.weight_hh_l0.npy"] = npy_header((10**6, 10**6))
    return zip_bytes(members)


def scene_text(**setup: object) -> str:
    scene = {"name": "x", "setup": {"text": "not bad", **setup}}
    return json.dumps({"format": "rnn-studio-scene", "version": 1, "scene": scene})


def library_text(*scenes: object) -> str:
    return json.dumps({"format": "rnn-studio-scenes", "version": 1, "scenes": list(scenes)})


DEEP = "[" * 100_000 + "]" * 100_000
BIG_INT = "1" * 5000


# --------------------------------------------------------------- files for one loader
def make_hostile_files(folder: Path) -> list[tuple[str, str, Path]]:
    """Write the hostile files; return ``(name, loader, path)`` for each.

    ``loader`` is one of ``session``, ``model``, ``scene``, ``library``, ``progress``,
    ``recent`` (see ``open_with`` in the tests). FIFOs and device links are made by the
    tests themselves (they are not files to keep).
    """
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[str, bytes]] = {
        # sessions
        "session-deep-json": ("session", session_with('{"setup": ' + DEEP + "}")),
        "session-5000-digits": ("session", session_with('{"version": ' + BIG_INT + "}")),
        "session-1e400": (
            "session",
            manifest_changed(lambda m: m["setup"].update(clip=123.0)),
        ),
        "session-10e12-elements": (
            "session",
            session_with(weights_npz=zip_bytes({"rnn.weight_hh.npy": npy_header((10**6, 10**6))})),
        ),
        "session-zip-bomb": (
            "session",
            session_with(
                weights_npz=deflate_bomb("rnn.weight_hh.npy", npy_header((300 << 17,)), 300 << 20)
            ),
        ),
        "session-lying-bomb": ("session", b""),  # filled below
        "session-encrypted": ("session", encrypted(session_with())),
        "session-bzip2": ("session", zip_bytes(good_session()[1], zipfile.ZIP_BZIP2)),
        "session-hidden-100000": (
            "session",
            manifest_changed(lambda m: m["cells"]["rnn"].update(hidden_size=100_000)),
        ),
        "session-setup-hidden-100000": (
            "session",
            manifest_changed(lambda m: m["setup"].update(hidden_size=100_000)),
        ),
        "session-long-compare-256": (  # the 7 KB file that froze the UI for 34 s
            "session",
            manifest_changed(
                lambda m: m["setup"].update(
                    text="abcdefghij" * 100, cell="compare", hidden_size=256, backprop=True
                )
            ),
        ),
        "session-speed-10e30": (
            "session",
            manifest_changed(lambda m: m["settings"].update(animation_speed=10**30)),
        ),
        "session-html": (
            "session",
            manifest_changed(lambda m: m["setup"].update(cell=HTML)),
        ),
        "session-not-zip": ("session", b"<html><body>" + HTML.encode() + b"</body></html>"),
        "session-trained-hidden-100000": (
            "session",
            session_with(
                trained__rnn_npz=model_meta_changed(lambda m: m.update(hidden_size=10**5))
            ),
        ),
        # models
        "model-10e12-elements": ("model", huge_header_model()),
        "model-hidden-100000": ("model", model_meta_changed(lambda m: m.update(hidden_size=10**5))),
        "model-zip-bomb": (
            "model",
            deflate_bomb("rnn.weight_hh_l0.npy", npy_header((300 << 17,)), 300 << 20),
        ),
        "model-deep-meta": ("model", b""),  # filled below
        "model-object-array": ("model", b""),  # filled below
        # scenes and the scene library
        "scene-deep-json": ("scene", DEEP.encode()),
        "scene-5000-digits": (
            "scene",
            scene_text(seed=BIG_INT).replace(f'"{BIG_INT}"', BIG_INT).encode(),
        ),
        "scene-1e400": ("scene", scene_text(clip=1).replace('"clip": 1', '"clip": 1e400').encode()),
        "scene-html-name": ("scene", scene_text(cell=HTML).encode()),
        "library-deep-json": ("library", DEEP.encode()),
        "library-one-bad-scene": (
            "library",
            library_text(
                {"name": "good", "setup": {"text": "not bad"}},
                {"name": "bad", "setup": {"text": "not bad", "hidden_size": -3}},
            ).encode(),
        ),
        # progress and recent files
        "progress-deep-json": ("progress", DEEP.encode()),
        "progress-5000-digits": ("progress", ('{"schema_version": ' + BIG_INT + "}").encode()),
        "recent-deep-json": ("recent", DEEP.encode()),
    }
    # A member whose directory entry says 208 bytes but which inflates to 300 MiB.
    header = npy_header((10,))
    bomb = deflate_bomb("rnn.weight_hh.npy", header, 300 << 20, declare=len(header) + 80)
    files["session-lying-bomb"] = ("session", session_with(weights_npz=bomb))
    meta_deep = good_model_members()
    buffer = io.BytesIO()
    np.save(buffer, np.array(DEEP))
    meta_deep["rnn_studio.meta.npy"] = buffer.getvalue()
    files["model-deep-meta"] = ("model", zip_bytes(meta_deep))
    pickled = good_model_members()
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    pickled["readout.bias.npy"] = buffer.getvalue()
    files["model-object-array"] = ("model", zip_bytes(pickled))
    suffix = {
        "session": ".rnnsession",
        "model": ".npz",
        "scene": ".rnnscene",
        "library": ".json",
        "progress": ".json",
        "recent": ".json",
    }
    made = []
    for name, (loader, data) in files.items():
        path = folder / (name + suffix[loader])
        path.write_bytes(data)
        made.append((name, loader, path))
    return made


# ---------------------------------------------------------- state folders for start-up
def make_corrupt_homes(root: Path) -> list[tuple[str, Path]]:
    """One ``RNN_STUDIO_HOME`` per corrupt state file; return ``(name, home)`` for each."""
    good_autosave = session_with()
    cases: dict[str, tuple[str, bytes]] = {
        "progress-bad-json": ("data/progress.json", b'{"schema_version": 1, "cards": [oops'),
        "progress-deep-json": ("data/progress.json", DEEP.encode()),
        "progress-5000-digits": ("data/progress.json", ('{"x": ' + BIG_INT + "}").encode()),
        "progress-not-sqlite": ("data/progress.sqlite3", b"SQLite format 3\x00" + bytes(500)),
        "progress-one-bad-review": ("data/progress.json", b""),  # filled below
        "scenes-deep-json": ("data/scenes.json", DEEP.encode()),
        "scenes-5000-digits": ("data/scenes.json", library_text().replace("1", BIG_INT).encode()),
        "scenes-1e400": (
            "data/scenes.json",
            library_text({"name": "a", "setup": {"text": "x", "clip": 1}})
            .replace('"clip": 1', '"clip": 1e400')
            .encode(),
        ),
        "scenes-one-bad-scene": (
            "data/scenes.json",
            library_text(
                {"name": "good", "setup": {"text": "not bad"}},
                {"name": HTML, "setup": {"text": "not bad", "cell": "tree"}},
            ).encode(),
        ),
        "scenes-not-utf8": ("data/scenes.json", b"\xff\xfe\x00\x00garbage"),
        "recent-deep-json": ("data/recent_sessions.json", DEEP.encode()),
        "recent-not-a-list": ("data/recent_sessions.json", b'{"files": 3}'),
        "settings-hidden-inf": ("config/settings.ini", b"[studio]\ndefault_hidden_size=inf\n"),
        "settings-speed-1e400": ("config/settings.ini", b"[studio]\nanimation_speed=1e400\n"),
        "settings-font-nan": ("config/settings.ini", b"[appearance]\nfont_scale=nan\n"),
        "settings-theme-html": (
            "config/settings.ini",
            b"[appearance]\ntheme=" + HTML.encode() + b"\n",
        ),
        "settings-binary": ("config/settings.ini", bytes(range(256)) * 4),
        "autosave-garbage": ("data/autosave.rnnsession", b"PK\x03\x04garbage"),
        "autosave-deep-json": ("data/autosave.rnnsession", session_with('{"a": ' + DEEP + "}")),
        "autosave-speed-10e30": (
            "data/autosave.rnnsession",
            manifest_changed(lambda m: m["settings"].update(animation_speed=10**30)),
        ),
        "autosave-10e12-elements": (
            "data/autosave.rnnsession",
            session_with(weights_npz=zip_bytes({"rnn.weight_hh.npy": npy_header((10**6, 10**6))})),
        ),
        "autosave-html": (
            "data/autosave.rnnsession",
            manifest_changed(lambda m: m["setup"].update(text=7, cell=HTML)),
        ),
    }
    assert good_autosave  # a valid autosave is what the garbage ones replace
    review = {
        "card_id": "a",
        "grade": 3,
        "reviewed_at": "2026-03-02T09:00:00+00:00",
        "scheduler": "fsrs",
        "phase_before": "new",
        "interval": 0.1,
        "due": "2026-03-02T09:10:00+00:00",
    }
    progress = {
        "schema_version": 1,
        "scheduler": "fsrs",
        "new_cards_per_day": 10,
        "cards": {},
        "review_log": [review, {**review, "grade": 9}, review],
        "quiz_results": [],
    }
    cases["progress-one-bad-review"] = ("data/progress.json", json.dumps(progress).encode())
    made = []
    for name, (relative, data) in cases.items():
        home = root / name
        target = home / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        made.append((name, home))
    return made


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-files")
    for name, loader, path in make_hostile_files(out / "files"):
        print(f"{loader:9s} {path.stat().st_size:8d} {name}")
    for name, home in make_corrupt_homes(out / "homes"):
        print(f"home      {name} -> {home}")
    del zlib
