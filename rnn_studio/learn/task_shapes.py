"""The shapes of RNN tasks, as unrolled diagrams (Qt-free layout; the Learn page paints it).

Each shape is a row of unrolled steps. A step reads an input (or nothing), may emit an
output, and belongs to the encoder or the decoder; in generation the output of one step is
fed back as the input of the next. :data:`SHAPES` holds the four shapes the lesson teaches,
with the engine's own tasks as examples; :data:`CHAPTER_SHAPES` says which lesson chapter
shows which.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One unrolled step of a task shape.

    Attributes
    ----------
    input, output : str or None
        What the step reads and emits (None: nothing).
    part : {"encoder", "decoder", "single"}
        Which network runs the step.
    fed_back : bool
        The input is the previous step's output (generation).
    """

    input: str | None
    output: str | None
    part: str = "single"
    fed_back: bool = False


@dataclass(frozen=True)
class TaskShape:
    """A task shape: its name, an example, and its unrolled steps."""

    id: str
    title: str
    example: str
    steps: tuple[Step, ...]

    @property
    def inputs(self) -> int:
        """How many steps read an input from outside (not fed back)."""
        return sum(step.input is not None and not step.fed_back for step in self.steps)

    @property
    def outputs(self) -> int:
        """How many steps emit an output."""
        return sum(step.output is not None for step in self.steps)


SHAPES: dict[str, TaskShape] = {
    "many-to-one": TaskShape(
        "many-to-one",
        "Many-to-one",
        "sentiment: a whole phrase in, one label out",
        tuple(
            Step(word, "positive" if word == "bad" else None)
            for word in ("the", "film", "was", "not", "bad")
        ),
    ),
    "many-to-many": TaskShape(
        "many-to-many",
        "Many-to-many",
        "next character: an output at every step",
        tuple(Step(read, nxt) for read, nxt in zip("hello", "ello␣", strict=True)),
    ),
    "one-to-many": TaskShape(
        "one-to-many",
        "One-to-many",
        "generation: one start, each output fed back in",
        (
            Step("t", "h"),
            Step("h", "e", fed_back=True),
            Step("e", "␣", fed_back=True),
            Step("␣", "s", fed_back=True),
            Step("s", "t", fed_back=True),
        ),
    ),
    "encoder-decoder": TaskShape(
        "encoder-decoder",
        "Encoder–decoder",
        "translation: read it all, then write",
        (
            Step("not", None, "encoder"),
            Step("bad", None, "encoder"),
            Step("<go>", "pas", "decoder"),
            Step("pas", "mal", "decoder", fed_back=True),
            Step("mal", "<end>", "decoder", fed_back=True),
        ),
    ),
}
"""Shape id → shape, in the order the lesson teaches them."""

CHAPTER_SHAPES: dict[str, tuple[str, ...]] = {
    "shapes-four": tuple(SHAPES),
    "shape-many-to-one": ("many-to-one",),
    "shape-many-to-many": ("many-to-many",),
    "shape-one-to-many": ("one-to-many",),
    "shape-encoder-decoder": ("encoder-decoder",),
}
"""Lesson chapter id → the shapes its diagram draws."""
