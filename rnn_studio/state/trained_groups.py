"""The Train area's list of trained models, grouped by the task each was trained on.

Models trained on one task (one Compare run, or models loaded for that task) form a
:class:`TaskModels` group; Open in studio, Save and the preview work on one group at a time,
the *current* one. Loading a model for another task used to replace the list; now
:class:`TrainedShelf` keeps the other groups, so every trained model stays in the list, named
with its task, and choosing one makes its group current again.

Qt-free: the Train area (``rnn_studio.ui.train.train_area``) shows the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rnn_studio.engine.model import Model
from rnn_studio.engine.tasks import Task
from rnn_studio.state.model_task import describe_task, fits, same_task
from rnn_studio.state.train_area import TrainingSetup


@dataclass
class TaskModels:
    """Trained models of one task, by cell kind, with the Train choices each came from.

    Attributes
    ----------
    task : Task
    models : dict of str to Model
        ``"rnn"``, ``"lstm"`` or ``"gru"`` to the trained model.
    setups : dict of str to TrainingSetup or None
        The choices each model was trained with (None: the file did not say).
    """

    task: Task
    models: dict[str, Model] = field(default_factory=dict)
    setups: dict[str, TrainingSetup | None] = field(default_factory=dict)

    @property
    def setup(self) -> TrainingSetup | None:
        """The Train choices of the group's task (the first model's that are known)."""
        return next((setup for setup in self.setups.values() if setup is not None), None)

    def describe(self) -> str:
        """The group's task in a few words ("the memory task at lag 60")."""
        return describe_task(self.task)

    def cells(self) -> str:
        """The group's cells in words: "RNN", "RNN and LSTM", "RNN, LSTM and GRU"."""
        return cell_names(list(self.models))

    def takes(self, task: Task, model: Model, setup: TrainingSetup | None) -> bool:
        """True when a model trained on ``task`` with ``setup`` belongs to this group.

        With both choices known, the tasks must give the same data (:func:`same_task`);
        otherwise the task types must agree and the model must read and answer in this
        task's terms (:func:`fits`).
        """
        if not self.models:
            return False
        if setup is not None and self.setup is not None:
            return same_task(setup, self.setup)
        return type(task) is type(self.task) and fits(self.task, model)


@dataclass
class TrainedShelf:
    """The groups that are not current, most recently left first.

    The Train area keeps the current group in its own attributes (``task``, ``models``,
    ``model_setups``) and moves groups between them and the shelf.
    """

    groups: list[TaskModels] = field(default_factory=list)

    def put(self, group: TaskModels) -> None:
        """Keep ``group`` (an empty group is dropped: it has nothing to keep)."""
        if group.models:
            self.groups.insert(0, group)

    def take(self, index: int) -> TaskModels:
        """Remove and return the group at ``index``."""
        return self.groups.pop(index)

    def take_match(
        self, task: Task, model: Model, setup: TrainingSetup | None
    ) -> TaskModels | None:
        """Remove and return the group a model for ``task`` belongs to, if one is shelved."""
        for index, group in enumerate(self.groups):
            if group.takes(task, model, setup):
                return self.take(index)
        return None

    def count(self) -> int:
        """How many models the shelf holds."""
        return sum(len(group.models) for group in self.groups)


def cell_names(kinds: list[str]) -> str:
    """Cell kinds as a phrase: ``["rnn", "lstm", "gru"]`` -> "RNN, LSTM and GRU"."""
    names = [kind.upper() for kind in kinds]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
