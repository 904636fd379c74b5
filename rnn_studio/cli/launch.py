"""``rnn-studio`` with no command: check that Qt can start, then open the studio window."""

from __future__ import annotations

from rnn_studio.cli.parser import CliError


def _quicken_pyside_import_check() -> None:
    """PySide6's check of every module imported from now on, and of the ~140 already loaded
    (it checks them when QtCore loads), by a cheaper read (rnn_studio.ui.pyside_import_check).

    Only the PySide6 package is imported here: whether its Qt modules load is for
    :func:`qt_startup_problem` to find out and explain.
    """
    try:
        import PySide6  # noqa: F401
    except ImportError:
        return
    from rnn_studio.ui.pyside_import_check import quicken_pyside_import_check

    quicken_pyside_import_check()


def launch_app(measure_startup: bool = False) -> int:
    """Open the app and run it; with ``measure_startup`` quit at the first paint and report it.

    Raises
    ------
    CliError
        If Qt cannot start here; the message names the packages or setting that are missing.
    """
    import sys

    from rnn_studio.cli.qt_check import qt_startup_problem, start_qt_application

    _quicken_pyside_import_check()
    problem = qt_startup_problem()
    if problem is not None:
        raise CliError(problem)
    start_qt_application(sys.argv)  # run_app reuses it
    from rnn_studio.ui.app import run_app

    if not measure_startup:
        return run_app()
    from rnn_studio.cli.startup import run_until_first_paint

    first = run_until_first_paint(run_app)
    print(
        f"first paint of {first.class_name} '{first.title}' after {first.seconds:.3f} s "
        f"(CPU {first.cpu_seconds:.3f} s)"
    )
    return 0
