"""Save and open a studio session: a JSON manifest and an ``.npz`` of weights, no pickle.

A session file (``.rnnsession``) is a ZIP archive with two members, and one more per
trained model (see ``docs/session-format.md``):

``manifest.json``
    ``{"format": "rnn-studio-session", "version": 2, "app_version": ..., "setup": {...},
    "view_cell": "lstm", "panels": [...], "settings": {...}, "cells": {kind: {...}},
    "trained": {"seed": 0, "models": ["lstm"]}}`` (``trained`` only when a trained model
    is in the studio)
``weights.npz``
    One array per cell parameter, named ``<kind>.<param>`` (``lstm.weight_hh``), read with
    ``numpy.load(allow_pickle=False)``.
``trained/<kind>.npz``
    The trained model in the engine's model format (:mod:`rnn_studio.engine.io`): its cell,
    readout, vocabulary or labels and scaler, so the reopened studio shows the model's own
    readout and reads new text the way the model does.

The weights matter when the studio shows a trained model (opened from the Train area): the
seed alone would rebuild random weights. Version 1 files (no trained models) still open.
Opening a file is two-phase: :func:`read_session` reads and validates everything and replays
it on a scratch session; only then does :func:`apply_session` touch the learner's session, so
a corrupt file changes nothing.

The autosave (written on quit, offered on start) lives in ``<user_data_dir>/autosave.rnnsession``
and the recent-files list in ``<user_data_dir>/recent_sessions.json``.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from rnn_studio import __version__, engine
from rnn_studio.atomic_files import file_lock
from rnn_studio.engine.io import model_from_bytes, model_to_bytes
from rnn_studio.engine.model import Model
from rnn_studio.engine.npz import read_npz
from rnn_studio.safe_read import BadJSONError, loads_json, read_file_bytes, read_text_file
from rnn_studio.state.controls import CELL_KINDS
from rnn_studio.state.session import StudioSession
from rnn_studio.storage import atomic_write_bytes, atomic_write_json, backup_corrupt, user_data_dir
from rnn_studio.studio_core.demo import STUDIO_PANELS, DemoError, DemoSetup

SESSION_FORMAT = "rnn-studio-session"
SESSION_VERSION = 2
#: Versions this RNN Studio opens (version 1 had no trained models).
READABLE_VERSIONS = (1, 2)
TRAINED_MEMBER = "trained/{kind}.npz"
SESSION_SUFFIX = ".rnnsession"
MANIFEST_NAME = "manifest.json"
WEIGHTS_NAME = "weights.npz"
PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
AUTOSAVE_FILE = "autosave" + SESSION_SUFFIX
RECENT_FILE = "recent_sessions.json"
MAX_RECENT = 8
#: Largest file we agree to open (a 256-unit compare session is ~4 MB of weights).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Most bytes the archive's members may hold once decompressed, all together.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
#: Largest manifest.json, and most members an archive may hold.
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_MEMBERS = 8
#: The settings a session saves, with their types and limits.
MAX_SETTING_TEXT = 20_000
MAX_ANIMATION_SPEED = 1000


class SessionFileError(ValueError):
    """A session file that cannot be opened; the message names the file and the problem."""


@dataclass(frozen=True, eq=False)
class SessionDocument:
    """Everything a session file holds.

    Attributes
    ----------
    setup : DemoSetup
        The controls and the current step.
    view_cell : str
        The cell the single-cell views show (matters in compare mode).
    panels : tuple of str
        The studio panels on show.
    settings : mapping of str to scalar
        UI settings saved with the session (theme, font scale ...), JSON scalars only.
    cells : mapping of str to (mapping of str to numpy.ndarray)
        The weights of every cell in the run, by kind then parameter name.
    trained : mapping of str to Model
        The trained models in the studio (:attr:`StudioSession.trained_models`), by kind.
    trained_seed : int
        The studio seed they are shown under.
    """

    setup: DemoSetup
    view_cell: str
    panels: tuple[str, ...] = STUDIO_PANELS
    settings: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    cells: MappingProxyType[str, MappingProxyType[str, np.ndarray]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    trained: MappingProxyType[str, Model] = field(default_factory=lambda: MappingProxyType({}))
    trained_seed: int = 0


def capture_session(
    session: StudioSession,
    panels: tuple[str, ...] = STUDIO_PANELS,
    settings: dict[str, Any] | None = None,
) -> SessionDocument:
    """Return what a session file would hold for ``session`` right now."""
    cells: dict[str, MappingProxyType[str, np.ndarray]] = {}
    run = session.run
    if run is not None:
        for kind, cell_run in run.cells.items():
            params = cell_run.cell.params
            cells[kind] = MappingProxyType({name: np.array(params[name]) for name in PARAM_NAMES})
    clean_settings = _check_settings(dict(settings or {}), "session")
    return SessionDocument(
        setup=session.to_setup(),
        view_cell=session.view_cell,
        panels=tuple(panels),
        settings=MappingProxyType(clean_settings),
        cells=MappingProxyType(cells),
        trained=MappingProxyType(dict(session.trained_models)),
        trained_seed=session.trained_seed,
    )


def session_to_bytes(document: SessionDocument) -> bytes:
    """Encode ``document`` as a session file (ZIP of manifest.json and weights.npz)."""
    cells_meta = {}
    arrays: dict[str, np.ndarray] = {}
    for kind, params in document.cells.items():
        hidden_size = int(np.asarray(params["weight_hh"]).shape[1])
        input_size = int(np.asarray(params["weight_ih"]).shape[1])
        cells_meta[kind] = {
            "input_size": input_size,
            "hidden_size": hidden_size,
            "dtype": str(np.asarray(params["weight_hh"]).dtype),
        }
        for name in PARAM_NAMES:
            arrays[f"{kind}.{name}"] = np.ascontiguousarray(params[name])
    manifest = {
        "format": SESSION_FORMAT,
        "version": SESSION_VERSION,
        "app_version": __version__,
        "setup": document.setup.to_dict(),
        "view_cell": document.view_cell,
        "panels": list(document.panels),
        "settings": dict(document.settings),
        "cells": cells_meta,
    }
    if document.trained:
        manifest["trained"] = {"seed": document.trained_seed, "models": list(document.trained)}
    weights = io.BytesIO()
    np.savez(weights, **arrays)  # type: ignore[arg-type]  # the stub reads a key as allow_pickle
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False)
        bundle.writestr(MANIFEST_NAME, text + "\n")
        bundle.writestr(WEIGHTS_NAME, weights.getvalue())
        for kind, model in document.trained.items():
            bundle.writestr(TRAINED_MEMBER.format(kind=kind), model_to_bytes(model))
    return archive.getvalue()


def session_from_bytes(data: bytes, name: str = "session file") -> SessionDocument:
    """Decode and validate a session file; raise :class:`SessionFileError` naming ``name``.

    Besides checking every field, the document is replayed on a scratch
    :class:`StudioSession`: the weights it computes with must be exactly the saved ones.
    """
    manifest_bytes, weights_bytes, trained_bytes = _read_members(data, name)
    try:
        manifest = loads_json(manifest_bytes.decode("utf-8"), f"{name}: manifest.json")
    except UnicodeDecodeError:
        raise SessionFileError(f"{name}: manifest.json is not UTF-8 text") from None
    except BadJSONError as problem:
        raise SessionFileError(str(problem)) from None
    document = _document_from_manifest(manifest, _read_weights(weights_bytes, name), name)
    document = _with_trained(document, manifest, trained_bytes, name)
    _check_cells_fit_setup(document, name)
    _replay(document, name)
    return document


def save_session(path: str | os.PathLike[str], document: SessionDocument) -> Path:
    """Write ``document`` to ``path`` atomically and return the path."""
    target = Path(path)
    atomic_write_bytes(target, session_to_bytes(document))
    return target


def read_session(path: str | os.PathLike[str]) -> SessionDocument:
    """Read and validate a session file (nothing else changes); see :func:`session_from_bytes`."""
    source = Path(path)
    try:
        data = read_file_bytes(source, MAX_FILE_BYTES)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        if reason.startswith(source.name):
            raise SessionFileError(reason) from None
        raise SessionFileError(f"{source.name}: cannot read the file ({reason})") from None
    return session_from_bytes(data, source.name)


def apply_session(session: StudioSession, document: SessionDocument) -> None:
    """Show ``document`` in ``session``: its trained models and weights, then its setup."""
    session.forget_registered_cells()  # the previous file's weights are released
    if document.trained:
        session.load_trained(document.trained, seed=document.trained_seed)
    for cell in _build_cells(document).values():
        session.register_cell(cell, document.setup.seed)
    session.apply_demo(document.setup, keep_trained=bool(document.trained))
    # Decided from the document, not from session.run: a worker may still be computing it.
    if document.setup.cell == "compare":
        session.set_view_cell(document.view_cell)


# ------------------------------------------------------------------------------ autosave
def autosave_path() -> Path:
    """Where the session is saved on quit: ``<user_data_dir>/autosave.rnnsession``."""
    return user_data_dir() / AUTOSAVE_FILE


def write_autosave(document: SessionDocument) -> Path:
    """Save ``document`` as the autosave."""
    return save_session(autosave_path(), document)


def read_autosave() -> tuple[SessionDocument | None, str]:
    """Return ``(document, problem)``: the autosave if it is valid, else None.

    A bad autosave is moved aside (``backup_corrupt``) and ``problem`` says why; a missing
    one gives ``(None, "")``. This never raises for a bad file.
    """
    path = autosave_path()
    if not path.exists():
        return None, ""
    try:
        return read_session(path), ""
    except SessionFileError as problem:
        backup = backup_corrupt(path)
        return None, f"{problem}; the file was kept as {backup.name}"


# --------------------------------------------------------------------------- recent files
class RecentFiles:
    """The most recently saved or opened session files, newest first.

    Several windows may share the list: each change re-reads it under a lock and writes it
    back with only that change. An unreadable list is moved aside (:attr:`problem` says so)
    and the list starts empty.

    Parameters
    ----------
    path : path-like, optional
        The list file (default ``<user_data_dir>/recent_sessions.json``).
    limit : int
        How many files to remember.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, limit: int = MAX_RECENT) -> None:
        self.path = Path(path) if path is not None else user_data_dir() / RECENT_FILE
        self.limit = limit
        self.problem = ""
        try:
            with file_lock(self.path):
                self._paths = self._read()
        except OSError as problem:
            self._paths = []
            self.problem = f"{self.path.name}: the recent files cannot be read ({problem})"

    def _read(self) -> list[str]:
        if not self.path.exists() and not self.path.is_symlink():
            return []
        try:
            data = loads_json(read_text_file(self.path, 1024 * 1024), self.path.name)
            if not isinstance(data, dict) or not isinstance(data.get("files"), list):
                raise BadJSONError(f"{self.path.name}: not a list of recent files")
        except (BadJSONError, OSError) as problem:
            backup = backup_corrupt(self.path)
            self.problem = f"{problem}; the file was kept as {backup.name}"
            return []
        return [item for item in data["files"] if isinstance(item, str) and len(item) < 4096]

    def paths(self) -> list[Path]:
        """Remembered files that still exist, newest first."""
        return [Path(item) for item in self._paths if Path(item).exists()]

    def add(self, path: str | os.PathLike[str]) -> None:
        """Put ``path`` first (once) and write the list."""
        resolved = str(Path(path).resolve())
        with file_lock(self.path):
            current = self._read()
            self._paths = [resolved, *(item for item in current if item != resolved)]
            del self._paths[self.limit :]
            atomic_write_json(self.path, {"version": 1, "files": self._paths})

    def clear(self) -> None:
        """Forget every file."""
        with file_lock(self.path):
            self._paths = []
            atomic_write_json(self.path, {"version": 1, "files": []})


# ------------------------------------------------------------------------------ internals
def zlib_error() -> type[Exception]:
    """zlib's error class (a corrupt compressed member raises it)."""
    import zlib

    return zlib.error


def _read_members(data: bytes, name: str) -> tuple[bytes, bytes, dict[str, bytes]]:
    """The manifest, weights and trained members, checked before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            infos = bundle.infolist()
            if len(infos) > MAX_MEMBERS:
                raise SessionFileError(f"{name}: the archive holds {len(infos)} members")
            members = {info.filename: info for info in infos}
            for member in (MANIFEST_NAME, WEIGHTS_NAME):
                if member not in members:
                    raise SessionFileError(f"{name}: {member} is missing from the archive")
            total = 0
            for info in infos:
                if info.flag_bits & 0x1:
                    raise SessionFileError(f"{name}: the archive is encrypted")
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise SessionFileError(
                        f"{name}: {info.filename} uses a compression RNN Studio does not read"
                    )
                total += info.file_size
            if members[MANIFEST_NAME].file_size > MAX_MANIFEST_BYTES:
                raise SessionFileError(f"{name}: manifest.json is too large")
            if total > MAX_UNPACKED_BYTES:
                raise SessionFileError(
                    f"{name}: the archive unpacks to {total / 2**20:.0f} MiB; RNN Studio opens "
                    f"sessions of at most {MAX_UNPACKED_BYTES // 2**20} MiB"
                )
            manifest = bundle.read(MANIFEST_NAME)
            weights = bundle.read(WEIGHTS_NAME)
            trained = {m: bundle.read(m) for m in members if m.startswith("trained/")}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib_error(), OSError, EOFError):
        raise SessionFileError(
            f"{name}: not an RNN Studio session file (not a readable ZIP archive)"
        ) from None
    except (NotImplementedError, RuntimeError) as problem:  # zipfile's own refusals
        raise SessionFileError(f"{name}: the archive cannot be read ({problem})") from None
    return manifest, weights, trained


def _read_weights(data: bytes, name: str) -> dict[str, np.ndarray]:
    try:
        return read_npz(data, WEIGHTS_NAME, max_bytes=MAX_UNPACKED_BYTES, max_members=64)
    except engine.EngineError as problem:
        raise SessionFileError(f"{name}: {problem}") from None


def _document_from_manifest(
    manifest: object, arrays: dict[str, np.ndarray], name: str
) -> SessionDocument:
    if not isinstance(manifest, dict):
        raise SessionFileError(f"{name}: manifest.json must hold a JSON object")
    if manifest.get("format") != SESSION_FORMAT:
        raise SessionFileError(
            f"{name}: format: expected {SESSION_FORMAT!r}, got {manifest.get('format')!r}"
        )
    version = manifest.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise SessionFileError(
            f"{name}: version: this RNN Studio reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}, got {version!r}"
        )
    try:
        setup = DemoSetup.from_dict(manifest.get("setup"))
    except (DemoError, TypeError) as problem:
        raise SessionFileError(f"{name}: setup: {problem}") from None
    view_cell = manifest.get("view_cell", setup.cell)
    if view_cell not in CELL_KINDS:
        raise SessionFileError(f"{name}: view_cell: {view_cell!r} is not one of rnn, lstm, gru")
    panels = manifest.get("panels", list(STUDIO_PANELS))
    if not isinstance(panels, list) or any(panel not in STUDIO_PANELS for panel in panels):
        raise SessionFileError(
            f"{name}: panels: must list panel ids from {', '.join(STUDIO_PANELS)}"
        )
    settings = _check_settings(manifest.get("settings", {}), name)
    cells_meta = manifest.get("cells", {})
    if not isinstance(cells_meta, dict):
        raise SessionFileError(f"{name}: cells: must be a JSON object")
    cells = {}
    for kind, meta in cells_meta.items():
        cells[kind] = MappingProxyType(_check_cell(kind, meta, arrays, name))
    expected = {f"{kind}.{param}" for kind in cells for param in PARAM_NAMES}
    extra = sorted(set(arrays) - expected)
    if extra:
        raise SessionFileError(f"{name}: weights.npz: unexpected array(s) {', '.join(extra)}")
    return SessionDocument(
        setup=setup,
        view_cell=view_cell,
        panels=tuple(panels),
        settings=MappingProxyType(settings),
        cells=MappingProxyType(cells),
    )


def _with_trained(
    document: SessionDocument, manifest: dict[str, Any], members: dict[str, bytes], name: str
) -> SessionDocument:
    """Read the trained models the manifest lists (version 2) from their members."""
    trained = manifest.get("trained")
    if trained is None:
        if members:
            raise SessionFileError(f"{name}: {sorted(members)[0]}: not listed in the manifest")
        return document
    if manifest.get("version") == 1:
        raise SessionFileError(f"{name}: trained: version 1 files hold no trained models")
    if not isinstance(trained, dict) or set(trained) != {"seed", "models"}:
        raise SessionFileError(f"{name}: trained: must be {{'seed': ..., 'models': [...]}}")
    seed, kinds = trained["seed"], trained["models"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 2**32 - 1:
        raise SessionFileError(f"{name}: trained.seed: must be a whole number from 0 to 2**32-1")
    if not isinstance(kinds, list) or not kinds or any(k not in CELL_KINDS for k in kinds):
        raise SessionFileError(f"{name}: trained.models: must list cell kinds (rnn, lstm, gru)")
    expected = {TRAINED_MEMBER.format(kind=kind) for kind in kinds}
    extra = sorted(set(members) - expected)
    if extra:
        raise SessionFileError(f"{name}: {extra[0]}: not listed in trained.models")
    models = {}
    for kind in kinds:
        member = TRAINED_MEMBER.format(kind=kind)
        if member not in members:
            raise SessionFileError(f"{name}: {member} is missing from the archive")
        try:
            model = model_from_bytes(members[member], name=member)
        except engine.EngineError as problem:
            raise SessionFileError(f"{name}: {problem}") from None
        if model.kind != kind:
            raise SessionFileError(f"{name}: {member}: holds a {model.kind}, not a {kind}")
        models[kind] = model
    return replace(document, trained=MappingProxyType(models), trained_seed=seed)


def _check_cell(
    kind: str, meta: object, arrays: dict[str, np.ndarray], name: str
) -> dict[str, np.ndarray]:
    where = f"{name}: cells.{kind}"
    if kind not in CELL_KINDS:
        raise SessionFileError(f"{where}: unknown cell kind")
    if not isinstance(meta, dict):
        raise SessionFileError(f"{where}: must be a JSON object")
    sizes = {}
    for key in ("input_size", "hidden_size"):
        value = meta.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SessionFileError(f"{where}.{key}: must be a whole number above 0")
        sizes[key] = value
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    rows, inputs = gates * sizes["hidden_size"], sizes["input_size"]
    shapes = {
        "weight_ih": (rows, inputs),
        "weight_hh": (rows, sizes["hidden_size"]),
        "bias_ih": (rows,),
        "bias_hh": (rows,),
    }
    stored = {f"{kind}.{param}": shape for param, shape in shapes.items()}
    given = {key: arrays[key] for key in stored if key in arrays}
    single = all(array.dtype == np.float32 for array in given.values())
    dtype = np.dtype(np.float32 if given and single else np.float64)
    try:
        # The engine's one weight check (names, shapes, floats, finite).
        checked = engine.check_params(given, stored, dtype, floats_only=True)
    except engine.EngineError as problem:
        raise SessionFileError(f"{name}: weights.npz: {problem}") from None
    return {key.split(".", 1)[1]: array for key, array in checked.items()}


def _check_settings(settings: object, name: str) -> dict[str, Any]:
    """Check the saved UI settings: JSON scalars, known ones typed and in range.

    Checked here, before anything is applied, so that a refused file changes nothing
    (``animation_speed: 10**30`` once left an open half-applied).
    """
    if not isinstance(settings, dict):
        raise SessionFileError(f"{name}: settings: must be a JSON object")
    if len(settings) > 64:
        raise SessionFileError(f"{name}: settings: too many entries")
    for key, value in settings.items():
        if not isinstance(key, str) or len(key) > 100:
            raise SessionFileError(f"{name}: settings: keys must be short text")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise SessionFileError(f"{name}: settings.{key}: must be text, a number or a flag")
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number and (abs(value) > 1e15 or not math.isfinite(value)):  # type: ignore[arg-type]
            raise SessionFileError(f"{name}: settings.{key}: {value!r:.40} is out of range")
        if isinstance(value, str) and len(value) > MAX_SETTING_TEXT:
            raise SessionFileError(
                f"{name}: settings.{key}: longer than {MAX_SETTING_TEXT} characters"
            )
    speed = settings.get("animation_speed")
    if speed is not None and (
        isinstance(speed, bool)
        or not isinstance(speed, int)
        or not 0 <= speed <= MAX_ANIMATION_SPEED
    ):
        raise SessionFileError(
            f"{name}: settings.animation_speed: {speed!r:.40} is not a whole number of steps "
            f"per second from 0 to {MAX_ANIMATION_SPEED}"
        )
    for key in ("area", "notes"):
        if settings.get(key) is not None and not isinstance(settings[key], str):
            raise SessionFileError(f"{name}: settings.{key}: must be text")
    return dict(settings)


def _build_cells(document: SessionDocument) -> dict[str, Any]:
    cells = {}
    for kind, params in document.cells.items():
        hidden_size = int(params["weight_hh"].shape[1])
        input_size = int(params["weight_ih"].shape[1])
        options: dict[str, Any] = {"seed": 0, "dtype": params["weight_hh"].dtype}
        if kind == "rnn":
            options["nonlinearity"] = document.setup.nonlinearity
        cell = engine.make_cell(kind, input_size, hidden_size, **options)
        cell.set_params({key: np.array(value) for key, value in params.items()})
        cells[kind] = cell
    return cells


def _check_cells_fit_setup(document: SessionDocument, name: str) -> None:
    """Refuse cells whose kind or hidden size the setup cannot show, before replaying it.

    The replay computes the whole run (up to 1,000 steps of three hidden-256 cells with
    backprop, seconds of work): an edited file whose sizes do not fit is refused at once.
    """
    setup = document.setup
    kinds = set(CELL_KINDS) if setup.cell == "compare" else {setup.cell}
    for kind, params in document.cells.items():
        if kind not in kinds:
            raise SessionFileError(f"{name}: cells.{kind}: the setup does not show this cell")
        hidden = int(np.asarray(params["weight_hh"]).shape[1])
        if hidden != setup.hidden_size:
            raise SessionFileError(
                f"{name}: cells.{kind}: hidden size {hidden} does not fit the setup's "
                f"{setup.hidden_size}"
            )


def _replay(document: SessionDocument, name: str) -> None:
    """Apply ``document`` to a scratch session and check it computes with the saved weights."""
    try:
        scratch = StudioSession()
        apply_session(scratch, document)
    except (ValueError, TypeError, engine.EngineError) as problem:
        raise SessionFileError(f"{name}: the session cannot be shown ({problem})") from None
    if scratch.error or scratch.run is None:
        raise SessionFileError(f"{name}: setup.text cannot be read ({scratch.error})")
    for kind, params in document.cells.items():
        cell_run = scratch.run.cells.get(kind)
        if cell_run is None:
            raise SessionFileError(f"{name}: cells.{kind}: the setup does not show this cell")
        for param in PARAM_NAMES:
            if not np.array_equal(np.asarray(cell_run.cell.params[param]), params[param]):
                raise SessionFileError(
                    f"{name}: cells.{kind}.{param}: the weights do not fit the setup "
                    "(sizes, seed, spectral radius or forget bias changed)"
                )
