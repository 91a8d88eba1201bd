"""The tutorials' Tensor API (PyTorch conventions)."""
import gc
import weakref

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor


def test_construction_and_conversions():
    x = Tensor(2.0, requires_grad=True)
    assert x.data == 2.0 and x.requires_grad and x.is_leaf and x.grad is None
    assert float(x) == 2.0 and x.item() == 2.0 and int(Tensor(3.0)) == 3
    assert np.asarray(x) == 2.0 and x.numpy().shape == ()
    assert repr(x) == "tensor(2., requires_grad=True)"
    a = Tensor([1, 2, 3])
    assert a.numpy().dtype == np.float64 and a.shape == (3,) and len(a) == 3
    assert a.tolist() == [1.0, 2.0, 3.0]
    src = np.ones(2)
    b = Tensor(src)
    src[0] = 5.0
    assert b.numpy()[0] == 1.0  # Tensor copies its data, as torch.tensor does


def test_integer_data_cannot_require_grad():
    with pytest.raises(TypeError, match="floating-point"):
        Tensor(np.arange(3), requires_grad=True)
    with pytest.raises(TypeError, match="floating-point"):
        Tensor(np.arange(3)).requires_grad_()


def test_item_on_many_elements_raises():
    with pytest.raises(ValueError, match="3 elements"):
        Tensor([1.0, 2.0, 3.0]).item()


def test_backward_on_non_scalar_needs_gradient():
    a = Tensor([1.0, 2.0], requires_grad=True)
    y = a * 3
    with pytest.raises(RuntimeError, match=r"non-scalar output \(shape \(2,\)\) needs `gradient=`"):
        y.backward()
    y.backward(gradient=np.array([1.0, 10.0]))
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 30.0])
    with pytest.raises(ValueError, match="gradient has shape"):
        (a * 3).backward(gradient=np.ones(3))


def test_second_backward_through_freed_graph_raises_unless_retained():
    x = Tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    z = x * x * x
    z.backward(retain_graph=True)
    z.backward()
    assert x.grad.item() == 12.0 + 12.0 + 12.0


def test_grad_fn_names_and_next_functions():
    x = Tensor(2.0, requires_grad=True)
    y = x ** 3 + 2 * x + 1
    assert y.grad_fn.name() == "AddBackward0"
    assert (x ** 3).grad_fn.name() == "PowBackward0"
    assert anp.sum(Tensor([1.0], requires_grad=True)).grad_fn.name() == "SumBackward0"
    inner, _ = y.grad_fn.next_functions[0]
    assert inner.name() == "AddBackward0"
    leaf_fn = (x * 2).grad_fn.next_functions[0][0]
    assert leaf_fn.name() == "AccumulateGrad" and leaf_fn.variable is x
    assert repr(y) == "tensor(13., grad_fn=<AddBackward0>)"


def test_no_grad_is_a_context_manager_and_a_decorator():
    x = Tensor(2.0, requires_grad=True)
    with adkit.no_grad():
        assert not adkit.is_grad_enabled()
        z = x * 2
        with adkit.enable_grad():
            w = x * 2
    assert adkit.is_grad_enabled()
    assert z.requires_grad is False and w.requires_grad is True

    @adkit.no_grad()
    def predict(t):
        return t * 3

    assert predict(x).requires_grad is False


def test_parameter_update_under_no_grad_is_in_place():
    w = Tensor([1.0, 2.0], requires_grad=True)
    params = [w]
    for _ in range(2):
        loss = (w * w).sum()
        loss.backward()
        with adkit.no_grad():
            for p in params:
                p -= 0.1 * p.grad
        w.grad.zero_()
    assert params[0] is w and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.numpy(), np.array([1.0, 2.0]) * 0.8 ** 2)


def test_in_place_on_leaf_requiring_grad_raises():
    w = Tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Tensor that requires grad"):
        w += 1.0


def test_in_place_on_untracked_and_on_non_leaf():
    acc = Tensor(0.0)
    acc += 2.0
    assert acc.item() == 2.0
    x = Tensor(3.0, requires_grad=True)
    y = x * 2
    y += x  # out of place for a tracked non-leaf: still differentiable
    y.backward()
    assert x.grad.item() == 3.0


def test_data_setter_and_grad_setter():
    x = Tensor(1.0, requires_grad=True)
    (x * 4).backward()
    x.data = x.data - 0.5 * x.grad.item()
    assert x.item() == -1.0
    x.grad = None
    assert x.grad is None


def test_retain_grad_on_non_leaf():
    x = Tensor(2.0, requires_grad=True)
    y = x * 3
    y.retain_grad()
    z = y * y
    z.backward()
    assert y.grad.item() == 2 * 6.0 and x.grad.item() == 36.0


def test_gradients_flow_through_numpy_functions_on_tensors():
    x = Tensor(np.array([0.5, 1.0]), requires_grad=True)
    y = np.sum(np.exp(x) * np.sin(x))
    assert isinstance(y, Tensor)
    y.backward()
    v = np.array([0.5, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), np.exp(v) * (np.sin(v) + np.cos(v)))


def test_graph_is_freed_when_output_dies():
    x = Tensor(np.ones(4), requires_grad=True)
    y = (x * 2).sum()
    inner = weakref.ref(y._parents[0])
    del y
    gc.collect()
    assert inner() is None


def test_backward_frees_saved_values_and_keeps_leaf_grads():
    x = Tensor(np.ones(3), requires_grad=True)
    mid = x * 2
    y = (mid * mid).sum()
    ref = weakref.ref(mid)
    del mid
    y.backward()
    gc.collect()
    assert ref() is None  # the interior record was released by backward()
    np.testing.assert_array_equal(x.grad.numpy(), 8 * np.ones(3))


def test_untracked_tensor_arithmetic_gives_tensors():
    a = Tensor([1.0, 2.0])
    b = a * 2 + 1
    assert isinstance(b, Tensor) and not b.requires_grad
    np.testing.assert_array_equal(b.numpy(), [3.0, 5.0])


def test_backward_inside_a_transform_is_refused():
    def f(x):
        x.backward()
        return x

    with pytest.raises(RuntimeError, match="backward\\(\\) is for Tensors built"):
        adkit.grad(f)(1.0)
