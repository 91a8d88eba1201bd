"""adkit.numpy: numpy's names and values, composites, and dispatch of plain numpy calls."""
import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor
from adkit.testing import check_grads

rng = np.random.default_rng(5)
A = rng.standard_normal((3, 4))
B3 = rng.standard_normal((2, 3, 4))

COMPOSITES = [
    ("mean", lambda x: anp.mean(x, axis=1), A),
    ("mean_keepdims", lambda x: anp.mean(x, axis=(0, 2), keepdims=True), B3),
    ("var", lambda x: anp.var(x, axis=0, ddof=1), A),
    ("std", lambda x: anp.std(x), A),
    ("dot_2d_3d", lambda x: anp.dot(x, B3), A[:, :3]),
    ("dot_3d_1d", lambda x: anp.dot(x, np.arange(4.0)), B3),
    ("dot_scalar", lambda x: anp.dot(x, 2.0), A),
    ("inner", lambda x: anp.inner(x, A), A),
    ("vdot", lambda x: anp.vdot(x, A), A),
    ("outer", lambda x: anp.outer(x[0], x[1]), A),
    ("trace", lambda x: anp.trace(x @ x.T), A),
    ("stack", lambda x: anp.stack([x[0], x[1] * 2, x[2]], axis=1), A),
    ("hstack_vstack", lambda x: anp.vstack([anp.hstack([x[0], x[1]]), anp.hstack([x[2], x[0]])]),
     A),
    ("expand_squeeze", lambda x: anp.squeeze(anp.expand_dims(x, (0, 2)), 0), A),
    ("moveaxis_swapaxes", lambda x: anp.swapaxes(anp.moveaxis(x, 0, -1), 0, 1), B3),
    ("ravel_reshape_minus1", lambda x: anp.reshape(anp.ravel(x), (-1, 2)), A),
    ("clip", lambda x: anp.clip(x, -0.5, 0.5), A + 0.013),
    ("softmax", lambda x: anp.softmax(x, axis=1), A),
    ("log_softmax", lambda x: anp.log_softmax(x, axis=0), A),
    ("norm", lambda x: anp.linalg.norm(x), A),
    ("norm_axis", lambda x: anp.linalg.norm(x, axis=1), A),
    ("norm_1", lambda x: anp.linalg.norm(x[0], 1), A),
    ("norm_inf", lambda x: anp.linalg.norm(x, np.inf, axis=1), A),
    ("square_reciprocal", lambda x: anp.square(x) + anp.reciprocal(x + 3.0), A),
    ("log2_log10_exp2", lambda x: anp.log2(x * x + 1) + anp.log10(x * x + 1) + anp.exp2(x), A),
    ("array_of_boxes", lambda x: anp.array([[x[0, 0], x[1, 1]], [x[2, 2] ** 2, 1.0]]), A),
    ("where_no_box_condition", lambda x: anp.where(x > 0, x, -2 * x), A),
    ("matmul_operator_with_lists", lambda x: x @ [1.0, 2.0, 3.0, 4.0], A),
]


@pytest.mark.parametrize("name,f,x", COMPOSITES, ids=[c[0] for c in COMPOSITES])
def test_composites_differentiate_in_both_modes(name, f, x):
    check_grads(f, x, order=2)


def test_dot_shape_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match=r"dot: shapes \(3, 3\) and \(3, 2, 4\) not aligned"):
        anp.dot(np.ones((3, 3)), np.ones((3, 2, 4)))


def test_values_match_numpy():
    x = rng.standard_normal((3, 4))
    for ours, theirs in [(anp.sum(x, axis=0), np.sum(x, axis=0)), (anp.mean(x), np.mean(x)),
                         (anp.var(x, axis=1, ddof=1), np.var(x, axis=1, ddof=1)),
                         (anp.std(x), np.std(x)), (anp.max(x, axis=1), np.max(x, axis=1)),
                         (anp.dot(x, x.T), np.dot(x, x.T)), (anp.outer(x[0], x[1]),
                                                             np.outer(x[0], x[1])),
                         (anp.logsumexp(x, axis=1), np.log(np.sum(np.exp(x), axis=1))),
                         (anp.linalg.norm(x), np.linalg.norm(x)),
                         (anp.sigmoid(x), 1 / (1 + np.exp(-x))),
                         (anp.stack([x, x], axis=2), np.stack([x, x], axis=2)),
                         (anp.concatenate([x, x], axis=None), np.concatenate([x, x], axis=None)),
                         (anp.dot(x, B3.transpose(0, 2, 1)), np.dot(x, B3.transpose(0, 2, 1))),
                         (anp.inner(x, x), np.inner(x, x)),
                         (anp.trace(x[:, :3]), np.trace(x[:, :3])),
                         (anp.softmax(x), np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
                         (anp.hstack([x, x]), np.hstack([x, x])), (anp.clip(x, -0.1, 0.2),
                                                                   np.clip(x, -0.1, 0.2))]:
        np.testing.assert_allclose(ours, theirs, rtol=1e-13)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("axis", [None, 0, (1, 2), -1])
def test_mean_is_one_op_its_sum_over_the_count_with_slope_one_over_count(dtype, axis):
    x = rng.standard_normal((30, 4, 5)).astype(dtype)
    count = x.size // np.mean(x, axis=axis).size
    np.testing.assert_array_equal(anp.mean(x, axis=axis), anp.sum(x, axis=axis) / count)
    np.testing.assert_allclose(anp.mean(x, axis=axis), np.mean(x, axis=axis),
                               rtol=1e-5 if dtype == np.float32 else 1e-13)
    with adkit.count() as c:
        g = adkit.grad(lambda v: anp.sum(anp.mean(v, axis=axis) * 3.0))(x)
    np.testing.assert_allclose(g, np.full(x.shape, 3.0 / count, dtype), rtol=1e-6)
    assert g.dtype == dtype
    assert c.by_name("eval")["mean"] == 1 and "div" not in c.by_name("eval")


def test_mean_of_an_empty_axis_is_nan_with_an_empty_gradient():
    with pytest.warns(RuntimeWarning):
        assert np.isnan(anp.mean(np.zeros(0)))
    with pytest.warns(RuntimeWarning):  # the value, as numpy's: 0 / 0
        g = adkit.grad(lambda v: anp.sum(anp.mean(v, axis=0)))(np.zeros((0, 2)))
    np.testing.assert_array_equal(g, np.zeros((0, 2)))


def test_plain_numpy_calls_dispatch_to_adkit():
    def f(x):
        return np.sum(np.tanh(x) ** 2) + np.mean(np.maximum(x, 0.1)) + np.dot(x, x)

    x = rng.standard_normal(5)
    check_grads(f, x)
    t = Tensor(x, requires_grad=True)
    assert isinstance(np.sin(t), Tensor) and isinstance(np.linalg.norm(t), Tensor)
    assert isinstance(np.ones(5) * t, Tensor)  # ndarray on the left still dispatches


def test_unsupported_numpy_functions_raise_naming_the_function():
    with pytest.raises(TypeError, match="cannot differentiate numpy.fft.fft"):
        adkit.grad(lambda x: np.fft.fft(x).real.sum())(np.ones(4))
    with pytest.raises(TypeError, match="cannot differentiate numpy.fmod"):
        adkit.grad(lambda x: np.fmod(x, 1.0))(1.0)
    with pytest.raises(TypeError, match="numpy.add.accumulate"):
        adkit.grad(lambda x: np.add.accumulate(x).sum())(np.ones(3))
    with pytest.raises(TypeError, match="out="):
        adkit.grad(lambda x: np.sin(x, out=np.empty(3)).sum())(np.ones(3))
    with pytest.raises(ValueError, match="invalid norm order 3 for matrices"):
        anp.linalg.norm(np.ones((2, 2)), 3)  # as numpy: no such matrix norm


def test_piecewise_constant_functions_give_zero_derivative():
    f = lambda x: anp.sum(x * np.floor(x) + np.sign(x))  # noqa: E731
    x = np.array([1.5, -0.5, 2.7])
    np.testing.assert_array_equal(adkit.grad(f)(x), np.floor(x))
    assert isinstance(np.argmax(Tensor(x)), np.integer)


def test_max_and_maximum_split_ties_evenly():
    np.testing.assert_array_equal(adkit.grad(anp.max)(np.array([1.0, 3.0, 3.0])),
                                  [0.0, 0.5, 0.5])
    assert adkit.grad(lambda x: anp.maximum(x, 2.0))(2.0) == 0.5
    assert adkit.grad(lambda x: anp.minimum(x, 2.0))(2.0) == 0.5
    np.testing.assert_array_equal(adkit.jacfwd(anp.max)(np.array([1.0, 3.0, 3.0])),
                                  [0.0, 0.5, 0.5])


def test_abs_and_relu_have_slope_zero_at_zero():
    assert adkit.grad(anp.absolute)(0.0) == 0.0
    assert adkit.grad(anp.relu)(0.0) == 0.0
    assert adkit.grad(anp.relu)(2.0) == 1.0


def test_scalar_math_path_agrees_with_numpy_at_the_domain_edges():
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        assert anp.log(0.0) == -np.inf
        assert np.isnan(anp.log(-1.0))
        assert anp.exp(1000.0) == np.inf
        assert anp.divide(1.0, 0.0) == np.inf
        assert np.isnan(anp.power(-8.0, 1 / 3))
    assert type(anp.sin(1.0)) is float and anp.sin(1.0) == np.sin(1.0)


def test_shape_errors_name_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"add\(float64\[3\], float64\[4\]\)"):
        adkit.grad(lambda x: anp.sum(x + np.ones(4)))(np.ones(3))
    with pytest.raises(ValueError, match="reshape: cannot reshape an array of shape"):
        anp.reshape(np.ones(6), (4, -1))
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds"):
        anp.sum(np.ones((2, 2)), axis=2)


def test_indexing_with_a_traced_value_is_refused():
    with pytest.raises(TypeError, match="an index must be"):
        adkit.grad(lambda x: anp.sum(np.ones(3)[0] * x[x]))(1.0)


def test_supported_list_names_the_functions():
    names = adkit.numpy.supported()
    for name in ["sin", "sum", "matmul", "concatenate", "where", "norm"]:
        assert name in names
