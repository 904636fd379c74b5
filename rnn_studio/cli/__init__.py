"""The ``rnn-studio`` command line: one module per command, wired up in ``rnn_studio.__main__``.

``parser``
    The argument parser whose errors are one line on stderr.
``qt_check``
    Names the Debian/Ubuntu packages (or the display setting) Qt needs before Qt can abort.
``self_check``
    ``rnn-studio --self-check``: gradient checks, resources, a figure and the main window.
``export``
    ``rnn-studio export``: a figure (PNG) or the trace (CSV) without opening a window; the
    table and CSV writer are ``rnn_studio.state.trace_table`` (shared with the studio's
    export), the figures are drawn by ``rnn_studio.ui.export_figures``.
``train``
    ``rnn-studio train``: train a small model on a built-in task and save it (``.npz``).
``arg_types``
    Argument types the commands share (whole numbers, positive numbers).
``launch``, ``startup``
    ``rnn-studio`` with no command, and ``--measure-startup`` (time to the first paint).
"""
