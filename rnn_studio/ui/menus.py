"""The main window's menus and the commands behind them, installed in one call.

``install_menus(window)`` adds (without touching the window's own code):

* File: new / open / save / save-as session, recent sessions, scenes (save, replay, import,
  export), Export (plot PNG/SVG, window PNG, stepper GIF/MP4, trace CSV), Quit;
* Edit → Preferences; View → Presenter mode (F5), teacher's notes, theme;
  Help → Keyboard shortcuts (F1), tour, About;
* the step-description status line, names/tooltips for every control, the theme and font
  scale from the preferences, autosave on quit and restore on start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMenu,
    QProgressDialog,
    QToolTip,
    QWidget,
)

from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.scenes import (
    SCENE_SUFFIX,
    Scene,
    SceneError,
    SceneLibrary,
    apply_scene,
    capture_scene,
    export_scene,
    import_scene,
)
from rnn_studio.state.session_file import (
    SESSION_SUFFIX,
    RecentFiles,
    SessionDocument,
    SessionFileError,
    apply_session,
    capture_session,
    read_autosave,
    read_session,
    save_session,
    write_autosave,
)
from rnn_studio.studio_core.demo import STUDIO_PANELS, DemoSetup
from rnn_studio.ui.accessibility import StepStatusLine, complete_accessible_text
from rnn_studio.ui.autosave import SessionGuard
from rnn_studio.ui.keyboard import KeyboardOperation, shortcut_rows
from rnn_studio.ui.notices import show_plain_warning, startup_notice
from rnn_studio.ui.panels.cell import FULL_SIZE_KEYS
from rnn_studio.ui.preferences import (
    KEYS,
    PANEL_TITLES,
    Preferences,
    panel_ids,
    read_preferences_checked,
    write_preferences,
)
from rnn_studio.ui.presenter import PresenterMode
from rnn_studio.ui.qt_app import running_app
from rnn_studio.ui.settings import PROBLEM_PROPERTY, read_setting
from rnn_studio.ui.theme import THEME_LABELS, apply_font_scale, apply_theme, theme_in_place

if TYPE_CHECKING:
    from rnn_studio.ui import export
    from rnn_studio.ui.help import ShortcutsDialog, TourDialog
    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.recorder import StepperRecorder

# The export (PIL, QtSvg), help (licences: importlib.metadata), recorder and preferences
# dialog modules are imported by the commands that use them: the first frame needs none of
# them (benchmarks/startup.py; tests/ui/test_app_lazy_imports.py keeps them out).

Reporter = Callable[[str, str], None]
#: How long a "Saved … to …" confirmation stays in the status line.
CONFIRMATION_MS = 15_000


def _show_warning(parent: QWidget) -> Reporter:
    def report(title: str, message: str) -> None:
        show_plain_warning(parent, title, message)  # never HTML from a file

    return report


class MenuBar(QObject):
    """The menus, presenter mode, sessions, scenes, exports and preferences of one window.

    Parameters
    ----------
    window : MainWindow
        Needs ``session``, ``bridge``, ``studio`` (``docks``, ``stepper``), ``tabs``,
        ``settings``, ``show_area`` and ``current_area``.
    restore : bool
        Reopen the autosaved session (if the preferences allow it and it is valid).
    """

    def __init__(self, window: MainWindow, restore: bool = True) -> None:
        super().__init__(window)
        self.setObjectName("menus")
        self.window = window
        self.session = window.session
        self.report_error: Reporter = _show_warning(window)
        self.session_path: Path | None = None
        self.scene_notes = ""
        self.scenes = SceneLibrary()
        self.recent = RecentFiles()
        self._own_store: ProgressStore | None = None
        self.open_progress: QProgressDialog | None = None  # while a file opens in the background
        self.last_confirmation = ""  # the last "Saved … to …" message
        self.recording: StepperRecorder | None = None  # a GIF or MP4 being recorded
        self.notice = startup_notice(window)
        self.preferences, problems = read_preferences_checked(
            window.settings, self.progress_store()
        )
        settings_problem = window.settings.property(PROBLEM_PROPERTY)
        for problem in [settings_problem, *problems, self.scenes.problem, self.recent.problem]:
            if problem:
                self.notice.add(str(problem))
        if self.progress_store().warning:
            self.notice.add(str(self.progress_store().warning))
        self._autosaved: object = None
        self.guard = SessionGuard(self, self.autosave_if_changed, window.close)
        self.presenter = PresenterMode(window, notes=lambda: self.scene_notes)
        self.presenter.set_font_scale(self.preferences.presenter_font_scale)
        self.status_line = StepStatusLine(window.bridge, window)
        window.statusBar().addWidget(self.status_line, 1)
        window.statusBar().setObjectName("main_status_bar")
        self.actions: dict[str, QAction] = {}
        self._build_menus()
        self.apply_preferences(self.preferences, first_time=True)
        if restore and self.preferences.restore_session:
            self.restore_autosave()
        self._clean_state: object = None
        self.mark_clean()
        self._title_timer = QTimer(self)
        self._title_timer.setSingleShot(True)
        self._title_timer.timeout.connect(self.update_title)
        bridge = window.bridge
        for signal in (bridge.controls_changed, bridge.view_cell_changed, bridge.demo_applied):
            signal.connect(lambda *_args: self._title_timer.start(0))
        complete_accessible_text(window)
        #: Space / Enter press the focused control; Esc or a click leaves a text box.
        self.keyboard = KeyboardOperation(window)
        window.area_changed.connect(lambda _name: complete_accessible_text(window))
        window.installEventFilter(self)

    # ------------------------------------------------------------------------ menus
    def _menu(self, title: str) -> QMenu:
        """The top-level menu ``title`` (shared with other parts of the app), made if new."""
        bar = self.window.menuBar()
        for action in bar.actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and action.text().replace("&", "") == title.replace("&", ""):
                return menu
        menu = bar.addMenu(title)
        menu.setObjectName(f"menu_{title.replace('&', '').lower()}")
        return menu

    def _action(
        self,
        menu: QMenu,
        name: str,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(tip or text.replace("&", "").rstrip("…"))
        action.setStatusTip(action.toolTip())
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.window.addAction(action)  # shortcuts work with the menu bar hidden (presenter)
        self.actions[name] = action
        return action

    def _build_menus(self) -> None:
        file_menu = self._menu("&File")
        self._action(
            file_menu,
            "action_new_session",
            "&New session",
            self.new_session,
            QKeySequence.StandardKey.New,
            "Start again from the default model",
        )
        self._action(
            file_menu,
            "action_open_session",
            "&Open session…",
            self.open_session_dialog,
            QKeySequence.StandardKey.Open,
        )
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(
            file_menu,
            "action_save_session",
            "&Save session",
            self.save_session,
            QKeySequence.StandardKey.Save,
        )
        self._action(
            file_menu,
            "action_save_session_as",
            "Save session &as…",
            self.save_session_dialog,
            "Ctrl+Shift+S",
        )
        file_menu.addSeparator()
        self._action(
            file_menu,
            "action_save_scene",
            "Save s&cene…",
            self.save_scene_dialog,
            tip="Save this setup as a named scene to replay in class",
        )
        self.scenes_menu = file_menu.addMenu("Sc&enes")
        self.scenes_menu.setObjectName("menu_scenes")
        self.scenes_menu.aboutToShow.connect(self._fill_scenes)
        self._action(file_menu, "action_import_scene", "&Import scene…", self.import_scene_dialog)
        self._action(file_menu, "action_export_scene", "E&xport scene…", self.export_scene_dialog)
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export")
        export_menu.setObjectName("menu_export")
        self._action(
            export_menu,
            "action_export_figure",
            "&Figure for slides or handouts (PNG, SVG, PDF)…",
            self.export_figure_dialog,
            tip="Draw a plot offscreen at the size you choose, with title, labels and verdict",
        )
        self.plot_svg_menu = export_menu.addMenu("Plot as on screen (&SVG)")
        self.plot_svg_menu.aboutToShow.connect(lambda: self._fill_plots(self.plot_svg_menu, "svg"))
        self._action(
            export_menu,
            "action_export_window",
            "&Window as PNG…",
            lambda: self._export_dialog("window"),
        )
        self._action(
            export_menu,
            "action_export_gif",
            "Stepper as animated &GIF…",
            lambda: self._export_dialog("gif"),
        )
        self._action(
            export_menu, "action_export_mp4", "Stepper as &MP4…", lambda: self._export_dialog("mp4")
        )
        # Whether MP4 can be written is asked when the menu opens (the export module and the
        # ffmpeg lookup are not needed for the first frame).
        self.export_menu = export_menu
        export_menu.aboutToShow.connect(self._offer_mp4_if_possible)
        self._action(
            export_menu, "action_export_csv", "&Trace as CSV…", lambda: self._export_dialog("csv")
        )
        file_menu.addSeparator()
        self._action(file_menu, "action_quit", "&Quit", self.window.close, "Ctrl+Q")

        edit_menu = self._menu("&Edit")
        self._action(
            edit_menu, "action_preferences", "&Preferences…", self.preferences_dialog, "Ctrl+,"
        )

        view_menu = self._menu("&View")
        presenter = self._action(
            view_menu, "action_presenter", "&Presenter mode", self.presenter.toggle, "F5"
        )
        presenter.setCheckable(True)
        self.presenter.active_changed.connect(presenter.setChecked)
        panels_menu = view_menu.addMenu("Presenter p&anels")
        panels_menu.setObjectName("menu_presenter_panels")
        panels_menu.setToolTip("The panels presenter mode shows, each big enough")
        for panel_id, title in PANEL_TITLES.items():
            action = self._action(
                panels_menu,
                f"action_present_{panel_id}",
                title,
                partial(self.toggle_presenter_panel, panel_id),
                tip=f"Show {title} in presenter mode",
            )
            action.setCheckable(True)
        self._action(view_menu, "action_notes", "Teacher's &notes…", self.presenter.show_notes)
        self._action(
            view_menu,
            "action_units",
            "Interpretable &units…",
            self.show_units,
            tip="One hidden unit of a trained model, the text coloured by its activation",
        )
        theme_menu = view_menu.addMenu("&Theme")
        theme_menu.setObjectName("menu_theme")
        self.theme_group = QActionGroup(self.window)
        for name, label in THEME_LABELS.items():
            action = self._action(
                theme_menu, f"action_theme_{name}", label, partial(self.set_theme, name)
            )
            action.setCheckable(True)
            self.theme_group.addAction(action)

        help_menu = self._menu("&Help")
        self._action(
            help_menu,
            "action_shortcuts",
            "&Keyboard shortcuts",
            lambda: self.shortcuts_dialog().exec(),
            "F1",
        )
        self._action(help_menu, "action_tour", "&Tour", self.show_tour)
        self._action(
            help_menu,
            "action_teaching_guide",
            "How to t&each with RNN Studio",
            self.show_teaching_guide,
            tip="A 10-minute lesson plan with presets, scenes and presenter mode",
        )
        self._action(help_menu, "action_about", "&About RNN Studio", self.about_dialog)

    def about_dialog(self) -> None:
        """Help → About: versions and the licences of the bundled libraries (modal)."""
        from rnn_studio.ui.help import AboutDialog

        AboutDialog(self.window).exec()

    def _offer_mp4_if_possible(self) -> None:
        """File ▸ Export: MP4 only when an ffmpeg program is there, else say what to install."""
        from rnn_studio.ui import export

        mp4 = self.actions["action_export_mp4"]
        available = export.mp4_available()
        mp4.setEnabled(available)
        mp4.setText("Stepper as &MP4…" if available else "Stepper as MP4 (needs ffmpeg)")
        mp4.setToolTip("Stepper as MP4" if available else export.mp4_missing_reason())

    def shortcuts_dialog(self) -> ShortcutsDialog:
        """Help → Keyboard shortcuts: every key the window has (the Learn area's too)."""
        from rnn_studio.ui.help import ShortcutsDialog

        if "Learn" in self.window.area_names():
            self.window.area("Learn")  # its flashcard and page keys exist once it is built
        return ShortcutsDialog(shortcut_rows(self.window, FULL_SIZE_KEYS), self.window)

    def toggle_presenter_panel(self, panel_id: str) -> None:
        """View → Presenter panels: show ``panel_id`` when presenting, or not (one stays)."""
        chosen = list(panel_ids(self.preferences.presenter_panels))
        if panel_id in chosen and len(chosen) > 1:
            chosen.remove(panel_id)
        elif panel_id not in chosen:
            chosen.append(panel_id)
        self.save_preferences(replace(self.preferences, presenter_panels=",".join(chosen)))

    def show_units(self) -> None:
        """Open the interpretable-units view on the trained character models."""
        from rnn_studio.ui.units_view import UnitsView

        view = UnitsView(self.window)
        view.show()
        self.units_view = view

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        for path in paths:
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_session_in_background(p))
        if not paths:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def _fill_scenes(self) -> None:
        self.scenes_menu.clear()
        for name in self.scenes.names():
            action = self.scenes_menu.addAction(name)
            action.triggered.connect(lambda _c=False, n=name: self.play_scene(self.scenes.get(n)))
        if not self.scenes.names():
            self.scenes_menu.addAction("(no scenes saved yet)").setEnabled(False)

    def _fill_plots(self, menu: QMenu, kind: str) -> None:
        from rnn_studio.ui import export

        menu.clear()
        for name, view in export.plot_views(self.window).items():
            label = view.accessibleName() or name
            action = menu.addAction(label)
            action.triggered.connect(lambda _c=False, v=view: self._export_dialog(kind, v))

    # --------------------------------------------------------------------- sessions
    def visible_panels(self) -> tuple[str, ...]:
        """Ids of the studio panels on show (the memory heatmap is always on show)."""
        docks = self.window.studio.docks
        shown = [pid for pid in STUDIO_PANELS if pid not in docks or not docks[pid].isHidden()]
        return tuple(shown)

    def show_panels(self, panels: tuple[str, ...]) -> None:
        """Show exactly ``panels`` (docks not listed are hidden)."""
        for panel_id, dock in self.window.studio.docks.items():
            dock.setVisible(panel_id in panels)

    def capture(self) -> SessionDocument:
        """The current session as a :class:`SessionDocument`."""
        settings = {
            "area": self.window.current_area(),
            "animation_speed": int(self.window.studio.stepper.speed_box.currentData() or 0),
            "notes": self.scene_notes,
        }
        return capture_session(self.session, self.visible_panels(), settings)

    def save_session_to(self, path: str | Path) -> bool:
        """Save the session to ``path``; report a problem and return False if it fails."""
        try:
            target = save_session(path, self.capture())
        except (OSError, ValueError) as problem:
            self.report_error("Could not save the session", f"{Path(path).name}: {problem}")
            return False
        self.session_path = target
        self.recent.add(target)
        self.mark_clean()
        self.confirm(f"Saved the session to {target}")
        return True

    def open_session(self, path: str | Path) -> bool:
        """Open ``path``; a bad file is reported and the current work stays as it was."""
        try:
            document = read_session(path)
        except SessionFileError as problem:
            self.report_error("Could not open the session", str(problem))
            return False
        self.show_document(document)
        self.session_path = Path(path)
        self.recent.add(path)
        self.mark_clean()
        return True

    def show_document(self, document: SessionDocument) -> None:
        """Apply a (validated) session document to the window."""
        apply_session(self.session, document)
        self.show_panels(document.panels)
        self.scene_notes = str(document.settings.get("notes") or "")
        speed = document.settings.get("animation_speed")
        box = self.window.studio.stepper.speed_box
        if isinstance(speed, int) and box.findData(speed) >= 0:
            box.setCurrentIndex(box.findData(speed))
        area = document.settings.get("area")
        if isinstance(area, str):
            self.window.show_area(area)

    def save_session(self) -> bool:
        """File → Save: to the current file, or ask for one."""
        if self.session_path is None:
            return self.save_session_dialog()
        return self.save_session_to(self.session_path)

    def save_session_dialog(self) -> bool:
        """File → Save as…"""
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Save session",
            "lesson" + SESSION_SUFFIX,
            f"RNN Studio sessions (*{SESSION_SUFFIX})",
        )
        return bool(path) and self.save_session_to(_with_suffix(path, SESSION_SUFFIX))

    def open_session_dialog(self) -> bool:
        """File → Open…"""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open session", "", f"RNN Studio sessions (*{SESSION_SUFFIX})"
        )
        return bool(path) and self.open_session_in_background(path)

    def open_session_in_background(self, path: str | Path) -> bool:
        """Read and check ``path`` on the worker thread, with a progress dialog and Cancel.

        Reading and replaying a large session (1,000 steps of three hidden-256 cells) takes
        seconds; the window stays responsive meanwhile. Cancel drops the result: the work on
        screen stays as it was. Returns True once the read has started.
        """
        dialog = QProgressDialog(f"Opening {Path(path).name}…", "Cancel", 0, 0, self.window)
        dialog.setObjectName("open_progress")
        dialog.setWindowTitle("Open session")
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.open_progress = dialog

        def work() -> tuple[SessionDocument | None, str]:
            try:
                return read_session(path), ""
            except SessionFileError as problem:
                return None, str(problem)
            except (MemoryError, RecursionError, OverflowError) as problem:
                return None, f"{Path(path).name}: the file cannot be read ({problem!r:.80})"

        def done(result: tuple[SessionDocument | None, str]) -> None:
            cancelled = dialog.wasCanceled()
            dialog.close()
            dialog.deleteLater()
            document, problem = result
            if cancelled:
                return
            if document is None:
                self.report_error("Could not open the session", problem)
                return
            self.show_document(document)
            self.session_path = Path(path)
            self.recent.add(path)
            self.mark_clean()

        self.window.executor(work, done, float("inf"))  # always on the worker thread
        return True

    def new_session(self) -> None:
        """File → New: the default sequence with the preferred cell and size."""
        prefs = self.preferences
        self.session.forget_registered_cells()
        self.session.apply_demo(
            DemoSetup(
                text="not bad",
                mode="words",
                cell=prefs.default_cell,
                hidden_size=prefs.default_hidden_size,
                cursor=0,
            )
        )
        self.session_path = None
        self.scene_notes = ""
        self.mark_clean()

    def autosave(self) -> bool:
        """Save the session as the autosave (on quit, now and then, on SIGTERM); never raises."""
        try:
            document = self.capture()
            write_autosave(document)
        except (OSError, ValueError) as problem:
            self.notice.add(f"The session could not be autosaved: {problem}")
            return False
        self._autosaved = _fingerprint(document)
        return True

    def autosave_if_changed(self) -> bool:
        """The periodic autosave: write only when the work changed since the last one."""
        try:
            fingerprint = _fingerprint(self.capture())
        except (OSError, ValueError):
            return False
        return fingerprint != self._autosaved and self.autosave()

    def restore_autosave(self) -> bool:
        """Reopen the autosave if it is valid; a bad one is set aside and mentioned."""
        document, problem = read_autosave()
        if problem:
            self.notice.add(f"The last session was not restored: {problem}")
        self.guard.forget_crashes()
        if document is None:
            return False
        self.show_document(document)
        return True

    def offer_crash_restore(self) -> None:
        """After a crash, offer the autosave even when "Reopen the last session" is off."""
        if not self.guard.crashed:
            return
        self.notice.offer(
            "RNN Studio did not close properly last time. Your work was autosaved.",
            "Restore it",
            self.restore_autosave,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            if self.presenter.active:
                self.presenter.leave()
            self.autosave()
            self.guard.finish()
            self.close_companions()
        return False

    # ------------------------------------------------------------------ quit, title
    def close_companions(self) -> None:
        """Close the windows that belong to this one: the teacher's notes (a window of its
        own, so that it can sit on a second screen, which kept the program running after
        the main window closed) and any window or dialog opened from this one."""
        notes = self.presenter.notes_window
        for widget in running_app().topLevelWidgets():
            if widget is self.window or not widget.isVisible():
                continue
            if widget is notes or _opened_from(widget, self.window):
                widget.close()

    def quit_app(self) -> None:
        """File → Quit: close this window (it autosaves) and every other window, then end
        the event loop, so the process ends whatever else is open."""
        if not self.window.close():
            return
        app = running_app()
        for widget in app.topLevelWidgets():
            if widget.isVisible():
                widget.close()
        app.quit()

    def _work_state(self) -> object:
        """What "unsaved changes" compares: the setup (not the step on show), the cell on
        show, the panels, the notes and the trained models in the studio."""
        return (
            replace(self.session.to_setup(), cursor=0),
            self.session.view_cell,
            self.visible_panels(),
            self.scene_notes,
            tuple(id(model) for model in self.session.trained_models.values()),
        )

    def mark_clean(self) -> None:
        """The work on screen is what the session file holds (just saved, opened or new)."""
        self._clean_state = self._work_state()
        self.update_title()

    def update_title(self) -> None:
        """Window title: the session's name and Qt's unsaved-changes mark (``[*]``)."""
        name = self.session_path.stem if self.session_path is not None else "Untitled session"
        self.window.setWindowTitle(f"{name}[*] — RNN Studio")
        self.window.setWindowModified(self._work_state() != self._clean_state)

    # ------------------------------------------------------------------------ scenes
    def save_scene(self, name: str, notes: str | None = None) -> Scene:
        """Save the current setup and panels as the scene ``name`` in the library."""
        scene = capture_scene(
            self.session,
            name,
            self.visible_panels(),
            self.scene_notes if notes is None else notes,
        )
        self.scenes.add(scene)
        self.confirm(f"Saved the scene “{scene.name}” in your scene library ({self.scenes.path})")
        return scene

    def play_scene(self, scene: Scene) -> None:
        """Replay ``scene`` exactly: its trained models (if it kept any), setup, step and
        panels; its notes go to the notes screen."""
        try:
            apply_scene(self.session, scene)
        except ValueError as problem:  # a bundled model that cannot read the scene's text
            self.report_error("Could not play the scene", str(problem))
            return
        self.show_panels(scene.panels)
        self.scene_notes = scene.notes
        if self.presenter.notes_window is not None:
            self.presenter.notes_window.refresh()

    def save_scene_dialog(self) -> None:
        """Ask for a name (and notes) and save the scene."""
        name, ok = QInputDialog.getText(self.window, "Save scene", "Scene name:")
        if not ok or not name.strip():
            return
        notes, ok = QInputDialog.getMultiLineText(
            self.window, "Save scene", "Teacher's notes (optional):", self.scene_notes
        )
        try:
            self.save_scene(name, notes if ok else "")
        except (SceneError, OSError) as problem:
            self.report_error("Could not save the scene", str(problem))

    def import_scene_file(self, path: str | Path) -> Scene | None:
        """Read a scene file, add it to the library and play it; report problems."""
        try:
            scene = import_scene(path)
        except SceneError as problem:
            self.report_error("Could not import the scene", str(problem))
            return None
        self.scenes.add(scene)
        self.play_scene(scene)
        return scene

    def import_scene_dialog(self) -> None:
        """File → Import scene…"""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import scene", "", f"RNN Studio scenes (*{SCENE_SUFFIX})"
        )
        if path:
            self.import_scene_file(path)

    def export_scene_dialog(self) -> None:
        """File → Export scene…: the current setup as a scene file."""
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Export scene",
            "scene" + SCENE_SUFFIX,
            f"RNN Studio scenes (*{SCENE_SUFFIX})",
        )
        if not path:
            return
        target = _with_suffix(path, SCENE_SUFFIX)
        try:
            scene = capture_scene(
                self.session, target.stem, self.visible_panels(), self.scene_notes
            )
            export_scene(target, scene)
        except (SceneError, OSError) as problem:
            self.report_error("Could not export the scene", str(problem))
            return
        self.confirm(f"Exported the scene “{scene.name}” to {target}")

    # ------------------------------------------------------------------------ export
    def confirm(self, message: str) -> None:
        """Say what was written and where: in the status line, or (in presenter mode, which
        hides it) in a tip at the bottom of the window. Kept as :attr:`last_confirmation`."""
        self.last_confirmation = message
        status = self.window.statusBar()
        status.showMessage(message, CONFIRMATION_MS)
        if not status.isVisible() and self.window.isVisible():
            corner = self.window.mapToGlobal(self.window.rect().bottomLeft())
            QToolTip.showText(corner, message, self.window, QRect(), CONFIRMATION_MS)

    def export_to(
        self,
        kind: str,
        path: str | Path,
        view: QWidget | None = None,
        options: export.FigureOptions | None = None,
    ) -> object:
        """Export ``kind`` to ``path`` and confirm it in the status line.

        ``kind`` is "figure" (PNG, SVG or PDF by the suffix, drawn offscreen as
        ``options`` say), "png" (the figure of ``view``'s plot as PNG), "svg" (``view``
        as on screen), "window", "gif", "mp4" or "csv".
        """
        from rnn_studio.ui import export, export_figures

        studio = self.window.studio
        target = Path(path)
        if kind in ("figure", "png"):
            if options is None:
                options = export.FigureOptions(view=_figure_view(view))
            size = export.export_figure(self.session, target, options)
            label = export_figures.VIEW_LABELS[options.view]
            kind_name = export.FIGURE_FORMATS[target.suffix.lower()]
            self.confirm(
                f"Saved the figure “{label}” ({size.width} × {size.height} px, "
                f"{kind_name}) to {target}"
            )
            return size
        if kind == "svg":
            plot = view or studio.memory.graphics
            width, height = export.export_plot_svg(plot, target)
            name = plot.accessibleName() or plot.objectName()
            self.confirm(f"Saved the plot “{name}” as SVG ({width} × {height}) to {target}")
            return width, height
        if kind == "window":
            width, height = export.export_window_png(self.window, target)
            self.confirm(f"Saved the window as PNG ({width} × {height} px) to {target}")
            return width, height
        if kind in ("gif", "mp4"):
            writer = export.export_stepper_gif if kind == "gif" else export.export_stepper_video
            frames = writer(self.session, studio, target, self._fps())
            what = "an animated GIF" if kind == "gif" else "an MP4 video"
            self.confirm(f"Saved {frames} frames as {what} to {target}")
            return frames
        if kind == "csv":
            rows = export.export_trace_csv(self.session, target)
            self.confirm(f"Saved the trace ({rows} steps) as CSV to {target}")
            return rows
        raise ValueError(f"unknown export {kind!r}")

    def _fps(self) -> float:
        speed = self.window.studio.stepper.speed_box.currentData()
        return float(min(speed or 30, 30))

    def export_figure_dialog(self, view: str = "gradients") -> None:
        """File ▸ Export ▸ Figure…: choose view, type, size and colours, then the file."""
        from rnn_studio.ui.export_dialog import FigureExportDialog

        dialog = FigureExportDialog(self.window, view)
        if dialog.exec() != FigureExportDialog.DialogCode.Accepted:
            return
        suffix = dialog.suffix()
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Export figure",
            f"rnn-studio-{dialog.options().view}{suffix}",
            f"*{suffix}",
        )
        if path:
            self._run_export("figure", _with_suffix(path, suffix), None, dialog.options())

    def _export_dialog(self, kind: str, view: QWidget | None = None) -> None:
        suffix = {
            "png": ".png",
            "window": ".png",
            "svg": ".svg",
            "gif": ".gif",
            "mp4": ".mp4",
            "csv": ".csv",
        }[kind]
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export", f"rnn-studio{suffix}", f"*{suffix}"
        )
        if not path:
            return
        if kind in ("gif", "mp4"):
            self.record_stepper(kind, _with_suffix(path, suffix))
        else:
            self._run_export(kind, _with_suffix(path, suffix), view)

    def record_stepper(self, kind: str, path: str | Path) -> StepperRecorder | None:
        """Film the studio step by step into a GIF or MP4 with a progress dialog and Cancel;
        the window stays usable (see :class:`~rnn_studio.ui.recorder.StepperRecorder`)."""
        from rnn_studio.ui import export
        from rnn_studio.ui.recorder import StepperRecorder

        target = Path(path)
        try:
            recorder = StepperRecorder(
                self.session, self.window.studio, target, kind, self._fps(), parent=self
            )
            recorder.start()
        except export.ExportError as problem:
            self.report_error("Could not export", f"{target}: {problem}")
            return None
        what = "an animated GIF" if kind == "gif" else "an MP4 video"
        dialog = QProgressDialog(
            f"Recording {len(recorder.steps)} steps as {what}…", "Cancel", 0, recorder.total
        )
        dialog.setParent(self.window, dialog.windowFlags())
        dialog.setObjectName("record_progress")
        dialog.setWindowTitle("Export")
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(recorder.cancel)

        def progress(done: int, total: int) -> None:
            dialog.setValue(done)
            if done == total - 1:
                dialog.setLabelText(f"Encoding {what}…")

        def finish() -> None:
            dialog.close()
            dialog.deleteLater()
            self.recording = None

        recorder.progress_changed.connect(progress)
        recorder.finished.connect(
            lambda frames: self.confirm(f"Saved {frames} frames as {what} to {target}")
        )
        recorder.cancelled.connect(
            lambda: self.confirm(f"Recording cancelled: nothing was written to {target}")
        )
        recorder.failed.connect(
            lambda problem: self.report_error("Could not export", f"{target}: {problem}")
        )
        for signal in (recorder.finished, recorder.cancelled, recorder.failed):
            signal.connect(finish)
        self.recording = recorder
        self.record_progress = dialog
        dialog.show()
        return recorder

    def _run_export(
        self,
        kind: str,
        path: Path,
        view: QWidget | None = None,
        options: export.FigureOptions | None = None,
    ) -> None:
        from rnn_studio.ui import export

        try:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            self.export_to(kind, path, view, options)
        except (export.ExportError, OSError) as problem:
            self.report_error("Could not export", f"{path}: {problem}")
        finally:
            QApplication.restoreOverrideCursor()

    # ------------------------------------------------------------- preferences, help
    def progress_store(self) -> ProgressStore:
        """The Learn area's progress store (``window.progress_store``), so there is one copy.

        Read without building a Learn area that has not been opened yet.
        """
        store = getattr(self.window, "progress_store", None)
        if store is None:
            if self._own_store is None:
                self._own_store = ProgressStore()
            store = self._own_store
        return store

    def set_theme(self, name: str) -> None:
        """Apply and remember the theme ``name`` ("system", "light", "dark", "high_contrast")."""
        self.apply_preferences(replace(self.preferences, theme=name))
        write_preferences(self.window.settings, self.preferences, self.progress_store())

    def apply_preferences(self, preferences: Preferences, first_time: bool = False) -> None:
        """Apply ``preferences`` to the running app (theme, text size, speed, layout)."""
        self.preferences = preferences
        app = running_app()
        # At start the font is scaled before the theme's style sheet goes on, so that the
        # window is re-polished once (each style sheet change re-polishes every widget).
        font_first = first_time and not self.presenter.active
        # run_app applies the saved text size and theme before it builds the window (each
        # widget is then made in them, and nothing is restyled): not again here.
        early = font_first and app.property(APPEARANCE_PROPERTY) == appearance_key(preferences)
        if font_first and not early:
            apply_font_scale(app, preferences.font_scale)
        # Later, only a theme that changes is applied: a text size or speed alone restyled
        # every widget to the same colours first.
        if not early and (first_time or not theme_in_place(preferences.theme, app)):
            apply_theme(preferences.theme)
        for name, action in self.actions.items():
            if name.startswith("action_theme_"):
                action.setChecked(name == f"action_theme_{preferences.theme}")
        if not self.presenter.active and not font_first:
            apply_font_scale(app, preferences.font_scale)  # existing widgets follow too
        self.presenter.set_font_scale(preferences.presenter_font_scale)
        self.presenter.set_panels(panel_ids(preferences.presenter_panels))
        for name, action in self.actions.items():
            if name.startswith("action_present_"):
                action.setChecked(name.removeprefix("action_present_") in self.presenter.panels)
        box = self.window.studio.stepper.speed_box
        index = box.findData(preferences.animation_speed)
        if index >= 0 and (first_time or box.currentIndex() != index):
            box.setCurrentIndex(index)
        if first_time and not preferences.remember_layout:
            self.window.resize(1280, 720)
            self.window.studio.apply_default_sizes()

    def preferences_dialog(self) -> None:
        """Edit → Preferences…"""
        from rnn_studio.ui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.preferences, self.window)
        if dialog.exec() == PreferencesDialog.DialogCode.Accepted:
            self.save_preferences(dialog.preferences())

    def save_preferences(self, preferences: Preferences) -> None:
        """Store and apply ``preferences``."""
        write_preferences(self.window.settings, preferences, self.progress_store())
        self.apply_preferences(preferences)

    def show_teaching_guide(self) -> QWidget:
        """Help → How to teach with RNN Studio (non-modal)."""
        from rnn_studio.ui.teaching_guide import TeachingGuideDialog

        dialog = TeachingGuideDialog(self.add_guide_scenes, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.teaching_guide = dialog
        return dialog

    def add_guide_scenes(self, guide: Any) -> str:
        """Save the teaching guide's scenes in the library; return what was done."""
        try:
            for entry in guide.scenes:
                self.scenes.add(
                    Scene(
                        name=entry.name, setup=entry.setup, panels=entry.panels, notes=entry.notes
                    )
                )
        except (SceneError, OSError) as problem:
            self.report_error("Could not save the scenes", str(problem))
            return f"Could not save the scenes: {problem}"
        names = ", ".join(f"“{entry.name}”" for entry in guide.scenes)
        message = (
            f"Saved {len(guide.scenes)} scenes ({names}) in your scene library ({self.scenes.path})"
        )
        self.confirm(message)
        return message + ". Replay them from File → Scenes."

    def show_tour(self) -> TourDialog:
        """Help → Tour (non-modal)."""
        from rnn_studio.ui.help import TourDialog

        dialog = TourDialog(self.window.settings, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def maybe_show_tour(self) -> TourDialog | None:
        """Show the tour on start unless it was dismissed for good."""
        from rnn_studio.ui.help import tour_dismissed

        if tour_dismissed(self.window.settings):
            return None
        return self.show_tour()


#: App property: the text size and theme applied before the window was built (run_app).
APPEARANCE_PROPERTY = "rnn_studio_early_appearance"


def appearance_key(preferences: Preferences) -> str:
    """What :data:`APPEARANCE_PROPERTY` holds once ``preferences``' size and theme are on."""
    return f"{preferences.theme} {preferences.font_scale!r}"


def apply_appearance_early(settings: QSettings) -> Preferences:
    """Apply the saved text size and theme to the app before any window is built.

    Widgets made afterwards are made in them, so that the menus' first
    :meth:`MenuBar.apply_preferences` has nothing to restyle (restyling a built studio, its
    plots and every widget's style, cost about 70 ms of a start). A stored value that cannot
    be used falls back to its default here; :func:`read_preferences_checked` names it.
    """
    preferences = Preferences()
    for name in ("theme", "font_scale"):
        # A value that cannot be used keeps the default; the menus report it when they read
        # the settings (read_preferences_checked).
        with contextlib.suppress(ValueError):
            preferences = replace(preferences, **{name: read_setting(settings, KEYS[name])})
    app = running_app()
    apply_font_scale(app, preferences.font_scale)
    apply_theme(preferences.theme, app)
    app.setProperty(APPEARANCE_PROPERTY, appearance_key(preferences))
    return preferences


def _fingerprint(document: SessionDocument) -> object:
    """What the periodic autosave compares: the setup, panels and settings (not weights)."""
    return (document.setup, document.view_cell, document.panels, dict(document.settings))


def _opened_from(widget: QWidget, window: QWidget) -> bool:
    """True when ``widget``'s chain of parents reaches ``window``."""
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False


def _figure_view(view: QWidget | None) -> str:
    """The figure that draws what the plot ``view`` shows (the heatmap by default)."""
    name = view.objectName() if view is not None else ""
    return {"gates_plot": "gates", "gradients_plot": "gradients"}.get(name, "heatmap")


def _with_suffix(path: str | Path, suffix: str) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)


def install_menus(window: MainWindow, restore: bool = True) -> MenuBar:
    """Install menus, presenter mode, sessions, scenes, exports, themes and help on ``window``.

    The features are kept as ``window.menus``. ``restore`` reopens the autosave (when the
    preferences allow it); tests pass False.
    """
    features = MenuBar(window, restore=restore)
    window.menus = features
    if restore:
        QTimer.singleShot(0, features.maybe_show_tour)
    return features
