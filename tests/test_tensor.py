"""The tutorials' Tensor API (PyTorch conventions)."""
import functools
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


# ---- the Tensor API's details, each observable

def test_accumulating_into_a_grad_that_has_a_graph_keeps_the_graph():
    x = Tensor(2.0, requires_grad=True)
    (x ** 3).backward(create_graph=True)  # x.grad = 3x^2, with a graph
    (x * 5.0).backward()  # a plain 5 added to it
    assert x.grad.item() == 17.0 and x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.backward()  # d/dx (3x^2 + 5) = 6x
    assert x.grad.item() == 12.0


def test_grad_fns_compare_and_hash_by_their_record():
    x = Tensor(2.0, requires_grad=True)
    y, z = x * 3.0, x * 3.0
    assert y.grad_fn == y.grad_fn and hash(y.grad_fn) == hash(y.grad_fn)
    assert y.grad_fn != z.grad_fn and y.grad_fn != "MulBackward0"
    leaf = y.grad_fn.next_functions[0][0]
    assert leaf == z.grad_fn.next_functions[0][0] and leaf != y.grad_fn
    assert len({y.grad_fn, y.grad_fn, z.grad_fn}) == 2


def test_tensor_construction_from_tensors_scalars_and_traced_values():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor(a)
    assert b.tolist() == [1.0, 2.0] and not b.requires_grad and b.is_leaf
    for v in (3, True):
        t = Tensor(v)
        assert type(t.data) is float and t.data == float(v)
    with pytest.raises(TypeError, match="^Tensor\\(\\): cannot make a Tensor from a str$"):
        Tensor("abc")
    with pytest.raises(TypeError, match="^Tensor\\(\\): cannot wrap a traced Dual$"):
        Tensor(adkit.Dual(1.0, 1.0))


def test_a_tensor_is_below_every_other_level():
    x = Tensor(2.0, requires_grad=True)
    d = adkit.Dual(3.0, 1.0)
    for y in (x * d, d * x, anp.multiply(x, d)):
        assert isinstance(y, adkit.Dual) and isinstance(y.value, Tensor)


def test_requires_grad_underscore():
    x = Tensor(1.0).requires_grad_()
    assert x.requires_grad is True
    assert Tensor(np.ones(2, np.float32)).requires_grad_().requires_grad
    t = Tensor(np.arange(3)).requires_grad_(False)
    assert t.requires_grad is False
    y = x * 2.0
    with pytest.raises(RuntimeError) as e:
        y.requires_grad_(False)
    assert str(e.value) == ("you can only change requires_grad of leaf Tensors; use "
                            "y.detach() to get an untracked copy of a computed one")
    with pytest.raises(TypeError) as e:
        Tensor(np.arange(3)).requires_grad_()
    assert str(e.value) == "only floating-point Tensors can require gradients"


def test_backward_with_a_tensor_gradient_tracked_under_create_graph():
    x = Tensor(2.0, requires_grad=True)
    v = Tensor(5.0, requires_grad=True)
    (x * 3.0).backward(gradient=v, create_graph=True)
    assert x.grad.item() == 15.0
    g = x.grad
    x.grad = None
    g.backward()  # x.grad = 3 v: d/dv = 3
    assert v.grad.item() == 3.0
    x2 = Tensor(2.0, requires_grad=True)
    (x2 * 3.0).backward(gradient=Tensor(5.0))
    assert x2.grad.item() == 15.0 and not x2.grad.requires_grad


def test_create_graph_keeps_the_graph_unless_told_not_to():
    x = Tensor(2.0, requires_grad=True)
    y = x ** 3
    y.backward(create_graph=True)
    y.backward(create_graph=True)  # retained by default under create_graph
    assert x.grad.item() == 24.0
    z = x ** 3
    z.backward(create_graph=True, retain_graph=False)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        z.backward()


def test_retain_grad_under_create_graph():
    x = Tensor(2.0, requires_grad=True)
    a = x * 3.0
    a.retain_grad()
    (a * a).backward(create_graph=True)
    assert a.grad.item() == 12.0 and x.grad.item() == 36.0


def test_backward_of_an_untracked_tensor_word_for_word():
    with pytest.raises(RuntimeError) as e:
        Tensor(2.0).backward()
    assert str(e.value) == (
        "element 0 of tensors does not require grad and does not have a grad_fn: this "
        "Tensor was computed under no_grad() or only from Tensors with requires_grad=False, "
        "so there is no graph to differentiate")


def test_zero_underscore():
    x = Tensor(2.0, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        x.zero_()
    assert str(e.value) == ("zero_() on a Tensor that requires grad: do it under "
                            "adkit.no_grad(), or zero its .grad instead")
    with adkit.no_grad():
        x.zero_()
    assert x.data == 0.0 and type(x.data) is float
    t = Tensor(np.arange(3))
    t.zero_()
    assert t.data.dtype == np.arange(3).dtype and t.data.tolist() == [0, 0, 0]


def test_item_keeps_the_kind_of_number():
    assert Tensor(np.array([3])).item() == 3 and type(Tensor(np.array([3])).item()) is int
    assert type(Tensor(np.array([1.5], np.float32)).item()) is float
    with pytest.raises(ValueError) as e:
        Tensor([1.0, 2.0]).item()
    assert str(e.value) == ("item(): a Tensor with 2 elements cannot be converted to a "
                            "Python scalar")


def test_asarray_of_a_tensor_takes_a_dtype():
    assert np.asarray(Tensor([1.0, 2.0]), dtype=np.float32).dtype == np.float32


def test_in_place_multiply_and_divide_under_no_grad():
    w = Tensor([2.0, 4.0], requires_grad=True)
    with adkit.no_grad():
        w *= 3.0
        w /= 2.0
    assert w.tolist() == [3.0, 6.0] and w.requires_grad and w.is_leaf
    with pytest.raises(RuntimeError) as e:
        w *= 2.0
    assert str(e.value) == ("a leaf Tensor that requires grad is being used in an in-place "
                            "operation; update parameters under `with adkit.no_grad():`")
    acc = Tensor(8.0)
    acc /= 2.0
    acc *= 3.0
    assert acc.item() == 12.0


def test_nested_no_grad_and_enable_grad_restore_what_was_there():
    x = Tensor(2.0, requires_grad=True)
    with adkit.no_grad():
        with adkit.no_grad():
            pass
        assert not (x * 2.0).requires_grad  # still inside the outer block
        with adkit.enable_grad():
            assert adkit.is_grad_enabled() and (x * 2.0).requires_grad
        assert not adkit.is_grad_enabled() and not (x * 2.0).requires_grad
    assert adkit.is_grad_enabled() and (x * 2.0).requires_grad
    with pytest.raises(KeyError):  # an error inside the block is not swallowed
        with adkit.no_grad():
            raise KeyError("inside")
    assert adkit.is_grad_enabled()


def test_no_grad_as_a_decorator_keeps_names_docs_and_keywords():
    @adkit.no_grad()
    def predict(t, *, scale=1.0):
        """Predict."""
        return t * scale

    x = Tensor(2.0, requires_grad=True)
    y = predict(x, scale=3.0)
    assert y.item() == 6.0 and not y.requires_grad
    assert predict.__name__ == "predict" and predict.__doc__ == "Predict."
    anonymous = adkit.no_grad()(functools.partial(lambda t, s: t * s, s=2.0))
    assert anonymous.__name__ == "wrapped" and anonymous(x).item() == 4.0


# ---- printing (PyTorch's rules), reductions with dim/axis, copies and conversions

REPRS = [  # values -> what repr prints: whole numbers as "1.", four decimals otherwise,
    # scientific notation past 1e8, below 1e-4, or across a ratio of 1e3 (not whole)
    ([1.0, 2.0], "tensor([1., 2.])"),
    ([1.5, 2.25], "tensor([1.5000, 2.2500])"),
    ([1e8, 1.0], "tensor([1.0000e+08, 1.0000e+00])"),
    ([99999999.0, 1.0], "tensor([99999999., 1.])"),
    ([1e-5, 1.0], "tensor([1.0000e-05, 1.0000e+00])"),
    ([1e-4, 1.0], "tensor([1.0000e-04, 1.0000e+00])"),
    ([1.5, 1e4], "tensor([1.5000e+00, 1.0000e+04])"),
    ([1.5, 1e3], "tensor([1.5000, 1000.0000])"),
    ([1.0, 1e4], "tensor([1., 10000.])"),
    ([np.inf, np.nan, 1.0], "tensor([inf, nan, 1.])"),
    ([2.0, np.inf], "tensor([2., inf])"),
    ([-1.5, 0.0], "tensor([-1.5000, 0.0000])"),
    ([0.0, 0.0], "tensor([0., 0.])"),
    (np.ones(2, np.float32), "tensor([1., 1.], dtype=float32)"),
    (np.arange(2), "tensor([0, 1])"),
    (np.ones(2, np.int32), "tensor([1, 1], dtype=int32)"),
    (np.zeros(0), "tensor([])"),
    ([1e9], "tensor([1.0000e+09])"),
    ([1e-5], "tensor([1.0000e-05])"),
    ([1e-5, 0.5], "tensor([1.0000e-05, 5.0000e-01])"),
    ([1e-4, 2e-4], "tensor([0.0001, 0.0002])"),
    ([-1.5, -2.0], "tensor([-1.5000, -2.0000])"),
    ([0.0, -1.5], "tensor([0.0000, -1.5000])"),
    ([1.5, 1500.0], "tensor([1.5000, 1500.0000])"),  # a ratio of 1e3 exactly: fixed point
    ([1.5, 1500.75], "tensor([1.5000e+00, 1.5008e+03])"),
    ([1.5, np.inf], "tensor([1.5000, inf])"),
    ([[1.0, 2.0], [3.0, 4.0]], "tensor([[1., 2.],\n        [3., 4.]])"),
    ([[1.5, 2.0], [3.0, 4.0]], "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])"),
]


@pytest.mark.parametrize("values,text", REPRS)
def test_repr_as_pytorch_prints(values, text):
    assert repr(Tensor(values)) == text == str(Tensor(values))


def test_repr_names_the_record_or_requires_grad():
    x32 = Tensor(np.ones(2, np.float32), requires_grad=True)
    assert repr(x32) == "tensor([1., 1.], dtype=float32, requires_grad=True)"
    assert repr(x32 * 2.0) == "tensor([2., 2.], dtype=float32, grad_fn=<MulBackward0>)"
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    y = x * 2.0
    assert repr(y) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(y.grad_fn) == f"<MulBackward0 object at {id(y):#x}>"


def test_reductions_take_torchs_dim_and_numpys_axis():
    x = Tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    assert values.tolist() == [5.0, 3.0] and indices.tolist() == [1, 0]
    values, indices = x.min(dim=0, keepdim=True)
    assert values.tolist() == [[1.0, 2.0]] and indices.tolist() == [[0, 1]]
    assert x.min(dim=0, keepdims=True).values.shape == (1, 2)
    assert x.max(axis=1).tolist() == [5.0, 3.0] and x.max().item() == 5.0
    assert x.min(axis=0, keepdims=True).tolist() == [[1.0, 2.0]]
    assert x.max(dim=1, keepdim=True).values.shape == (2, 1)
    assert x.max(axis=1, keepdims=True).shape == (2, 1)
    assert x.max(dim=(0, 1)).item() == 5.0  # a tuple of dims: the values alone
    assert x.sum(dim=1, keepdim=True).tolist() == [[6.0], [5.0]]
    assert x.sum(axis=0, keepdims=True).tolist() == [[4.0, 7.0]]
    assert x.sum(dim=1).tolist() == [6.0, 5.0] and x.sum().item() == 11.0
    assert x.mean(dim=1).tolist() == [3.0, 2.5]
    assert x.mean(axis=0, keepdims=True).tolist() == [[2.0, 3.5]]
    assert x.mean(dim=0, keepdim=True).tolist() == [[2.0, 3.5]]
    assert x.mean(axis=1).tolist() == [3.0, 2.5] and x.mean().item() == 2.75


def test_clone_copies_untracked_data_and_keeps_the_graph_of_tracked():
    a = Tensor([1.0, 2.0])
    b = a.clone()
    assert not np.shares_memory(a._value, b._value) and b.tolist() == [1.0, 2.0]
    assert not b.requires_grad and b.is_leaf
    s = Tensor(2.0).clone()
    assert type(s.data) is float and s.item() == 2.0
    x = Tensor(3.0, requires_grad=True)
    (x.clone() * x).backward()
    assert x.grad.item() == 6.0


def test_numpy_conversions_copy_when_asked():
    t = Tensor([1.0, 2.0])
    a = np.array(t)  # copy=True by default
    a[0] = 7.0
    assert t.tolist() == [1.0, 2.0]
    b = np.array(t, dtype=np.float32)
    assert b.dtype == np.float32 and b.tolist() == [1.0, 2.0]
    c = np.asarray(t)  # no copy asked for: a read-only view
    assert c.dtype == np.float64 and c.tolist() == [1.0, 2.0]
    assert np.shares_memory(c, t._value) and not c.flags.writeable


def test_item_of_a_one_element_matrix_and_grad_of_a_fresh_tensor():
    assert Tensor([[2.5]]).item() == 2.5
    assert (Tensor(1.0) * 2.0).grad is None and Tensor(1.0).grad is None


def test_retained_tensors_are_forgotten_when_they_die():
    from adkit import tensors
    before = len(tensors._retaining)
    x = Tensor(2.0, requires_grad=True)
    a = x * 3.0
    a.retain_grad()
    assert len(tensors._retaining) == before + 1
    del a
    gc.collect()
    assert len(tensors._retaining) == before


def test_complex_data_and_bad_gradients_word_for_word():
    complex_text = ("adkit differentiates real functions of real inputs only; complex numbers "
                    "are not supported (carry the real and imaginary parts as two real arrays "
                    "instead)")
    with pytest.raises(TypeError) as e:
        Tensor(1j)
    assert str(e.value) == "Tensor(): the data is complex: " + complex_text
    y = Tensor(np.ones((2, 2)), requires_grad=True) * 2.0
    with pytest.raises(ValueError) as e:
        y.backward(gradient=np.ones(3))
    assert str(e.value) == ("backward(): gradient has shape (3,) but the output has shape "
                            "(2, 2); they must match")
    with pytest.raises(TypeError) as e:
        y.backward(gradient=np.ones((2, 2)) * 1j)
    assert str(e.value) == "backward(): gradient 0 is complex: " + complex_text
    with pytest.raises(RuntimeError) as e:
        y.backward()
    assert str(e.value) == (
        "backward() on a non-scalar output (shape (2, 2)) needs `gradient=`: the vector v of "
        "v^T J, e.g. y.backward(gradient=np.ones((2, 2))); or reduce the output to a scalar "
        "first (y.sum().backward())")


def test_data_and_numpy_are_read_only_views():
    x = Tensor([1.0, 2.0], requires_grad=True)
    for view in (x.data, x.numpy()):
        assert not view.flags.writeable and np.shares_memory(view, x._value)
        with pytest.raises(ValueError, match="read-only"):
            view[0] = 5.0
    assert x.tolist() == [1.0, 2.0] and Tensor(2.0).data == 2.0


def test_no_grad_and_enable_grad_count_the_blocks_open():
    from adkit import reverse
    before = reverse.no_grad_blocks
    with adkit.no_grad():
        assert reverse.no_grad_blocks == before + 1
        with adkit.enable_grad():
            assert reverse.no_grad_blocks == before + 2
        with adkit.no_grad():
            assert reverse.no_grad_blocks == before + 2
        assert reverse.no_grad_blocks == before + 1
    assert reverse.no_grad_blocks == before
