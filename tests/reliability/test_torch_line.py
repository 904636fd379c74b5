"""Issue 12 item 14: the documented PyTorch line works on a model file as saved.

PyTorch is not installed here; ``torch.from_numpy`` accepts exactly the NumPy arrays of a
numeric dtype, so the check is that the documented filter leaves only those, named as the
model's parameters, while the unfiltered file holds the text array that made it fail.
"""

from __future__ import annotations

import numpy as np

from rnn_studio.engine.io import TORCH_LOAD_LINE, save_model
from rnn_studio.engine.model import Model


def test_documented_line_keeps_exactly_the_numeric_parameters(tmp_path):
    model = Model("lstm", input_size=5, hidden_size=4, output_size=5, seed=0)
    path = save_model(tmp_path / "model.npz", model)
    loaded = np.load(path)
    assert any(loaded[k].dtype.kind == "U" for k in loaded.files)  # what torch refused
    line = TORCH_LOAD_LINE.format(path=str(path))
    kept = {}

    class Net:
        def load_state_dict(self, state):
            kept.update(state)

    class Torch:  # torch.from_numpy's rule: numeric arrays only
        @staticmethod
        def from_numpy(array):
            assert array.dtype.kind in "fiub", array.dtype
            return array

    exec(line, {"net": Net(), "torch": Torch, "np": np})  # the line exactly as documented
    assert set(kept) == set(model.params)
    for name, value in model.params.items():
        np.testing.assert_array_equal(kept[name], value)
