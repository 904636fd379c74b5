"""Save screenshots of the Learn area: ``python -m rnn_studio.ui.learn.screenshots``.

Options: ``--out FOLDER`` (default ``screenshots/``), ``--scale 1.6`` for a projector font.
At scale 1 the shots show the whole main window at 1280×720; at larger scales the Learn area
alone at 1280×720 (the studio's docks need more height than that at projector fonts). Progress
goes to a temporary folder; a few reviews on the days before are made up so the Progress page
has something to show.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Render every Learn page in a typical state and save it as PNG; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--scale", type=float, default=1.0)
    options = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["RNN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="rnn-studio-shots-")

    from PySide6.QtWidgets import QApplication, QWidget

    from rnn_studio.learn import quiz
    from rnn_studio.learn.predict import make_predict_question
    from rnn_studio.learn.review import local_now
    from rnn_studio.state.session import StudioSession
    from rnn_studio.ui.learn import install_learn_area
    from rnn_studio.ui.learn.learn_area import LearnArea
    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.theme import apply_font_scale, configure_pyqtgraph

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    configure_pyqtgraph()
    apply_font_scale(app, options.scale)
    suffix = "" if options.scale == 1.0 else f"-x{options.scale:g}"
    if options.scale == 1.0:
        main = MainWindow()
        area = install_learn_area(main, seed=7)
        main.show_area("Learn")
        window: QWidget = main
    else:
        window = area = LearnArea(StudioSession(), seed=7)
    window.resize(1280, 720)
    window.show()
    options.out.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        for _ in range(3):
            app.processEvents()
        path = options.out / f"learn-{name}{suffix}.png"
        window.grab().save(str(path))
        print(path)

    area.show_page("lesson")
    area.lesson.show_section("introduction")
    shot("lesson")
    area.lesson.set_depth("detailed")
    shot("lesson-overview")
    area.open_term("hidden-state")
    shot("glossary")
    area.show_page("flashcards")
    shot("flashcard-front")
    area.flashcards.reveal()
    shot("flashcard-revealed")
    area.show_page("quiz")
    terms = area.content.glossary.entries
    question = quiz.term_to_definition(terms, "vanishing-gradient-problem", seed=3)
    area.quiz.start([question])
    area.quiz.choices.setCurrentRow((question.answer_index + 1) % len(question.choices))
    area.quiz.check()
    shot("quiz-feedback")
    area.quiz.start([quiz.matching(terms, seed=2)])
    shot("quiz-matching")
    area.show_page("predict")
    area.predict.ask(make_predict_question("gradient_race", 3))
    shot("predict-question")
    area.predict.choices.setCurrentRow(1)
    area.predict.lock_in()
    shot("predict-revealed")
    area.show_page("practice")
    area.practice.set_kind("bptt")
    area.practice.new_exercise(seed=0)
    shot("practice-bptt")
    area.practice.set_kind("h1")
    area.practice.new_exercise(seed=3)
    area.practice.reveal()
    shot("practice-solution")
    now = local_now()
    cards = [card.id for card in area.content.cards]
    for back, count in ((6, 4), (3, 7), (2, 5), (1, 8)):
        for number in range(count):
            area.store.review(cards[number], 3 if number % 4 else 1, now - timedelta(days=back))
    area.show_page("progress")
    area.progress.refresh()
    shot("progress")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
