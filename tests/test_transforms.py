"""jacobian(mode=...) and recommend_mode."""
import numpy as np
import pytest

import adkit
from adkit.study import workloads as problems

rng = np.random.default_rng(3)


def test_recommend_mode_picks_reverse_for_losses():
    mode, reason = adkit.recommend_mode(problems.sum_of_squares, np.ones(1000))
    assert mode == "reverse"
    assert reason.startswith("n=1000 inputs, m=1 output: 1 reverse sweep vs 1000 forward passes")


def test_recommend_mode_picks_forward_for_tall_jacobians():
    mode, reason = adkit.recommend_mode(lambda x: problems.tall_map(x, 50), np.ones(3))
    assert mode == "forward"
    assert "n=3 inputs, m=50 outputs: 50 reverse sweeps vs 3 forward passes" in reason


def test_recommend_mode_square_prefers_forward():
    assert adkit.recommend_mode(np.sin, np.ones(4))[0] == "forward"


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_jacobian_modes_agree(mode):
    W = rng.standard_normal((4, 6))
    x = rng.standard_normal(6)
    np.testing.assert_allclose(adkit.jacobian(lambda x: problems.dense_tanh(x, W), mode=mode)(x),
                               problems.dense_tanh_jacobian(x, W), rtol=1e-13)


def test_jacobian_auto_uses_the_mode_with_fewer_passes():
    with adkit.count() as c:
        adkit.jacobian(problems.rosenbrock)(np.ones(30))
    assert c.reverse_passes == 1 and c.forward_passes == 0
    with adkit.count() as c:
        adkit.jacobian(lambda x: problems.tall_map(x, 40))(np.ones(2))
    assert c.forward_passes >= 1 and c.reverse_passes == 0


def test_jacobian_rejects_unknown_modes():
    with pytest.raises(ValueError, match="mode='sideways'"):
        adkit.jacobian(np.sin, mode="sideways")
