"""The Learn area: lesson, glossary, flashcards, quiz, predict-then-reveal and progress pages.

:func:`install_learn_area` puts a :class:`LearnArea` into the main window's "Learn" tab and
connects it: glossary links from studio hints open the entry, "Show me" brings the Studio
forward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rnn_studio.ui.learn.learn_area import LearnArea
    from rnn_studio.ui.main_window import MainWindow

__all__ = ["LearnArea", "install_learn_area"]


def install_learn_area(window: MainWindow, **options: object) -> LearnArea:
    """Create the Learn area for ``window``'s session, put it in the "Learn" tab and keep it
    as ``window.learn``.

    Parameters
    ----------
    window : MainWindow
        Must have ``session``, ``studio``, ``set_area``, ``show_area`` and
        ``glossary_requested``.
    **options
        Passed to :class:`LearnArea` (``store``, ``content``, ``speech``, ``clock``, ``seed``).
    """
    from rnn_studio.ui.learn.learn_area import LearnArea

    area = LearnArea(window.session, **options)  # type: ignore[arg-type]
    window.set_area("Learn", area)
    # Like ``window.train``: other parts (preferences' review limit) reach the one progress
    # store through ``window.learn.store`` instead of opening a second copy of the file.
    window.learn = area

    def open_term(term: str) -> None:
        area.open_term(term)
        window.show_area("Learn")

    window.glossary_requested.connect(open_term)
    area.studio_requested.connect(lambda: window.show_area("Studio"))
    # "Show me": the studio says what the demo shows and where to look; Back returns to the
    # page, section and scroll position the learner left.
    area.showme_requested.connect(window.studio.show_me)

    def watch_it_learn(preset_id: str) -> None:
        window.show_area("Train")
        window.train.watch(preset_id)

    area.train_requested.connect(watch_it_learn)

    def back_to_learn() -> None:
        window.show_area("Learn")
        area.return_to_place()

    window.studio.showme_banner.back_requested.connect(back_to_learn)
    return area


def __getattr__(name: str) -> Any:
    # Imported on first use, so ``python -m rnn_studio.ui.learn.<page>`` runs each page module
    # once (an eager import here would load every page before runpy runs the chosen one).
    if name == "LearnArea":
        from rnn_studio.ui.learn.learn_area import LearnArea

        return LearnArea
    raise AttributeError(name)
