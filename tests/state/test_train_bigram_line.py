"""Train's text task says the number to beat (issue 10, item 4): the held-out line names the
bigram count model's loss beside guessing, as ``rnn-studio train`` prints it."""

from __future__ import annotations

from rnn_studio.state.train_area import TrainingJob, TrainingSetup
from rnn_studio.texts import bundled_text


def test_the_text_tasks_score_line_names_the_bigram_baseline():
    setup = TrainingSetup.recipe("text", text=bundled_text("course").text, cell="gru", steps=3)
    job = TrainingJob(setup)
    assert job.run() == "finished"
    bigram = job.task.bigram_baseline()
    assert f"bigram count model: {bigram:.3g})." in job.scores()
    assert f"(guessing: {job.task.chance_loss:.3g}; " in job.scores()
