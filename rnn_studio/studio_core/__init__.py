"""What the studio computes, without Qt or a session: one home for both ``learn`` and ``state``.

The Learn area's predict-then-reveal questions must show the same numbers the studio shows, and
lessons link to studio set-ups. Both therefore need the studio's definition of "the model on
screen", and neither may depend on the other. That definition lives here, below both layers
(it imports only the engine):

``demo``
    :class:`~rnn_studio.studio_core.demo.DemoSetup`, the validated set of studio controls that a
    "Show me" link, a preset, a scene or a session file names, and the checks of each control.
``recipe``
    How the studio builds a run: one-hot inputs over the sequence's sorted vocabulary, the cell
    (seed, spectral radius ρ, LSTM forget bias) and the loss ``L = u · h_L`` it backpropagates.
``verdict``
    The factor per step of a gradient-decay curve and the vanishing / stable / exploding
    thresholds.
``palette``
    The named colour roles of the light, dark and high-contrast themes: the Qt theme
    (``ui/theme.py``) and the Learn style sheet (``learn/markup.py``) read the same table.
"""
