"""Where the cell diagram draws each wire, block and operation: the textbook layouts.

Pure geometry in a logical canvas of :data:`WIDTH` × :data:`HEIGHT` units (the view scales it
to fit). Every wire and block names the :class:`~rnn_studio.state.cell_diagram.Quantity` whose
values it shows; ``None`` marks plain plumbing (the input bus, the recurrence loop).

* vanilla RNN: h_{t−1} through W_hh and x_t through W_xh meet at a sum, one activation
  gives h_t (a dashed loop shows h_t becoming the next step's h_{t−1}).
* LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000): the cell
  state runs along the top; the forget gate multiplies it, input gate × candidate is added,
  and the output gate times tanh(c_t) gives h_t. The blocks σ σ tanh σ sit underneath, fed by
  the bus of h_{t−1} and x_t.
* GRU (Cho et al. 2014, PyTorch's form): h_{t−1} runs along the top; the reset gate scales
  W_hn h_{t−1} + b_hn inside the candidate, and the update gate blends h_{t−1} (z) with the
  candidate (1 − z).
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 680.0  # wires end at x = 622; the rest is room for labels
HEIGHT = 252.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Wire:
    """A polyline from ``points[0]`` to ``points[-1]`` (arrow at the end if ``arrow``)."""

    key: str | None
    points: tuple[Point, ...]
    arrow: bool = True
    dashed: bool = False
    #: Where the label (name and value) goes, its alignment ("left", "right", "centre").
    label_at: Point | None = None
    align: str = "left"
    #: Text instead of the quantity's own label ("1 − z_t" on the update gate's second wire).
    text: str | None = None
    #: Show 1 − values (the update gate's share that goes to the candidate).
    complement: bool = False


@dataclass(frozen=True)
class Block:
    """A box: a σ gate, a tanh, or a weight matrix (``key`` None: no value of its own)."""

    key: str | None
    centre: Point
    size: tuple[float, float]
    symbol: str
    name: str = ""


@dataclass(frozen=True)
class Op:
    """A pointwise operation (⊙ or +) drawn as a circle; ``key`` is the quantity it makes."""

    key: str
    centre: Point
    symbol: str


@dataclass(frozen=True)
class Layout:
    """One cell's picture."""

    wires: tuple[Wire, ...]
    blocks: tuple[Block, ...]
    ops: tuple[Op, ...]

    def wire_keys(self) -> set[str]:
        """Quantities shown on a wire."""
        return {wire.key for wire in self.wires if wire.key is not None}

    def block_keys(self) -> set[str]:
        """Quantities shown in a block."""
        return {block.key for block in self.blocks if block.key is not None}


OP_RADIUS = 10.0
GATE_SIZE = (68.0, 38.0)
BUS_Y = 218.0
GATE_Y = 152.0


def _gate(key: str, x: float, symbol: str = "σ") -> Block:
    return Block(key, (x, GATE_Y), GATE_SIZE, symbol, key)


def _tap(x: float) -> Wire:
    """Plumbing from the input bus up into a gate."""
    return Wire(None, ((x, BUS_Y), (x, GATE_Y + GATE_SIZE[1] / 2)))


RNN = Layout(
    wires=(
        Wire("h_prev", ((18, 130), (121, 130)), label_at=(18, 166)),
        Wire("wh", ((179, 130), (289, 130)), label_at=(184, 112), text="W_hh hₜ₋₁"),
        Wire("x", ((300, 250), (300, 208)), label_at=(308, 240)),
        Wire("wx", ((300, 176), (300, 141)), label_at=(264, 198), align="right", text="W_xh xₜ"),
        Wire("a", ((311, 130), (388, 130)), label_at=(318, 163)),
        Wire("h", ((452, 130), (622, 130)), label_at=(622, 112), align="right"),
        # h_t becomes the next step's h_{t−1}: the recurrence, drawn as a dashed loop.
        Wire(
            None,
            ((560, 130), (560, 44), (60, 44), (60, 122)),
            dashed=True,
            label_at=(310, 30),
            align="centre",
            text="hₜ becomes the next step's hₜ₋₁",
        ),
    ),
    blocks=(
        Block(None, (150, 130), (58, 32), "W_hh"),
        Block(None, (300, 192), (58, 32), "W_xh"),
        Block("h", (420, 130), (64, 36), "tanh"),
    ),
    ops=(Op("a", (300, 130), "+"),),
)

LSTM = Layout(
    wires=(
        Wire("c_prev", ((18, 36), (139, 36)), label_at=(18, 20)),
        Wire("fc", ((161, 36), (289, 36)), label_at=(166, 60)),
        Wire("c", ((311, 36), (622, 36)), label_at=(622, 20), align="right"),
        Wire("c", ((480, 36), (480, 80)), arrow=True),
        Wire("f", ((150, GATE_Y - 19), (150, 47))),
        Wire("i", ((232, GATE_Y - 19), (232, 94), (289, 94))),
        Wire("g", ((310, GATE_Y - 19), (310, 105))),
        Wire("ig", ((300, 83), (300, 47)), label_at=(316, 70)),
        Wire("o", ((419, GATE_Y), (469, GATE_Y))),
        Wire("tanh_c", ((480, 106), (480, GATE_Y - 11)), label_at=(472, 126), align="right"),
        Wire("h", ((491, GATE_Y), (622, GATE_Y)), label_at=(622, GATE_Y + 24), align="right"),
        Wire("h_prev", ((18, BUS_Y), (388, BUS_Y)), arrow=False, label_at=(18, BUS_Y - 14)),
        Wire("x", ((100, 250), (100, BUS_Y)), arrow=False, label_at=(108, 240)),
        _tap(150),
        _tap(232),
        _tap(310),
        _tap(388),
    ),
    blocks=(
        _gate("f", 150),
        _gate("i", 232),
        _gate("g", 310, "tanh"),
        _gate("o", 388),
        Block("tanh_c", (480, 93), (54, 26), "tanh"),
    ),
    ops=(
        Op("fc", (150, 36), "×"),
        Op("c", (300, 36), "+"),
        Op("ig", (300, 94), "×"),
        Op("h", (480, GATE_Y), "×"),
    ),
)

GRU = Layout(
    wires=(
        Wire("h_prev", ((18, 36), (409, 36)), label_at=(18, 20)),
        Wire("h_prev", ((60, 36), (60, BUS_Y), (420, BUS_Y)), arrow=False),
        Wire("h_prev", ((230, 36), (230, 79))),
        Wire("keep", ((431, 36), (489, 36)), label_at=(406, 20), align="right"),
        Wire("h", ((511, 36), (622, 36)), label_at=(622, 20), align="right"),
        Wire("x", ((110, 250), (110, BUS_Y)), arrow=False, label_at=(118, 240)),
        Wire("r", ((181, GATE_Y), (219, GATE_Y))),
        Wire("hn", ((230, 105), (230, GATE_Y - 11)), label_at=(238, 124), text=""),
        Wire("rhn", ((241, GATE_Y), (279, GATE_Y))),
        Wire("n", ((310, GATE_Y - 19), (310, 112), (489, 112)), label_at=(318, 104)),
        Wire("z", ((420, GATE_Y - 19), (420, 47))),
        Wire(
            "z",
            ((451, GATE_Y), (500, GATE_Y), (500, 123)),
            label_at=(508, GATE_Y - 4),
            text="1−zₜ",
            complement=True,
        ),
        Wire("new", ((500, 101), (500, 47)), label_at=(508, 74)),
        _tap(150),
        _tap(310),
        _tap(420),
    ),
    blocks=(
        _gate("r", 150),
        Block(None, (230, 92), (92, 26), "W_hn h + b"),
        _gate("n", 310, "tanh"),
        _gate("z", 420),
    ),
    ops=(
        Op("rhn", (230, GATE_Y), "×"),
        Op("keep", (420, 36), "×"),
        Op("new", (500, 112), "×"),
        Op("h", (500, 36), "+"),
    ),
)

LAYOUTS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
