"""The studio's state without Qt: what the windows show, computed and announced as events.

``session``
    :class:`~rnn_studio.state.session.StudioSession`, the facade the studio window observes,
    built from ``controls`` (the choices and their checks), ``compute`` (controls to a run and
    gradients), ``cell_cache``, ``trained_match`` (which trained model is shown) and
    ``cursor``; ``sequence``, ``readout`` and ``gradients`` compute its parts, ``events`` is
    the Qt-free signal.
``trained_adapter``, ``open_trained``
    A trained model fitted to the studio's encoding with its own readout; opening one.
``scenes``, ``session_file``, ``trace_table``
    Saved scenes and session files; a run as a table and the trace CSV.
``train_area``
    The Train area's state: setup, job, snapshots, previews, lag sweep.
"""
