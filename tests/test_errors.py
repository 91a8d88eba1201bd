"""No silent wrong values: each case once gave a wrong number with no error. Now each
gives the right number or a clear error (type and message naming the argument, the
shapes or dtypes, and the fix)."""
import threading
import warnings

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor, forward

X = np.array([0.5, -1.5, 2.0])


def raises(exc, match):
    return (exc, match)


# ------------------------------------------------------------- clear errors ----
# (id, thunk, (exception type, message pattern))
ERRORS = [
    ("argnums duplicated in grad", lambda: adkit.grad(lambda x, y: x * y, argnums=(0, 0))(
        2.0, 3.0), raises(ValueError, r"argnums=\(0, 0\) names argument 0 twice")),
    ("argnums duplicated in jacfwd", lambda: adkit.jacfwd(lambda x: x, argnums=(1, 1))(
        1.0, 2.0), raises(ValueError, "names argument 1 twice")),
    ("argnums duplicated via a negative index", lambda: adkit.grad(
        lambda x, y: x * y, argnums=(1, -1))(2.0, 3.0), raises(ValueError, "twice")),
    ("argnums out of range", lambda: adkit.grad(lambda x: x, argnums=-2)(1.0),
     raises(ValueError, r"argnums=-2 .* 1 positional argument")),
    ("jvp tangent None", lambda: adkit.jvp(np.sin, (X,), (None,)),
     raises(TypeError, "jvp: tangent 0 is None")),
    ("jvp complex tangent", lambda: adkit.jvp(np.sin, (X,), (X * 1j,)),
     raises(TypeError, "complex")),
    ("jvp tangent of the wrong shape", lambda: adkit.jvp(np.sin, (X,), (np.ones(2),)),
     raises(ValueError, r"tangent of shape \(2,\) .* primal of shape \(3,\)")),
    ("vjp complex cotangent", lambda: adkit.vjp(np.sin, X)[1](X * 1j),
     raises(TypeError, "complex")),
    ("vjp cotangent None", lambda: adkit.vjp(np.sin, X)[1](None),
     raises(TypeError, "cotangent 0 is None")),
    ("vjp cotangent of the wrong shape", lambda: adkit.vjp(np.sin, X)[1](np.ones(2)),
     raises(ValueError, r"cotangent of shape \(2,\)")),
    ("backward complex gradient", lambda: (Tensor(X, requires_grad=True) * 2).backward(
        gradient=X * 1j), raises(TypeError, "complex")),
    ("grad of a complex-valued function", lambda: adkit.grad(lambda x: anp.sum(x * 1j))(X),
     raises(TypeError, "complex")),
    ("grad through a complex intermediate", lambda: adkit.grad(
        lambda x: anp.sum(anp.absolute(x * (1 + 2j))))(X), raises(TypeError, "complex")),
    ("jvp through a complex intermediate", lambda: adkit.jvp(
        lambda x: anp.sum(anp.absolute(x * 1j)), (X,), (X,)), raises(TypeError, "complex")),
    ("jacfwd of a complex-valued function", lambda: adkit.jacfwd(lambda x: x * 1j)(X),
     raises(TypeError, "complex")),
    ("Tensor of complex data", lambda: Tensor(X * 1j), raises(TypeError, "complex")),
    ("grad w.r.t. a complex input", lambda: adkit.grad(lambda z: z * z)(1j),
     raises(TypeError, "complex")),
    (".grad set to the wrong shape", lambda: setattr(Tensor(X, requires_grad=True), "grad",
                                                     np.ones(2)),
     raises(ValueError, r"\.grad of shape \(2,\) for a Tensor of shape \(3,\)")),
    (".grad set to complex", lambda: setattr(Tensor(X, requires_grad=True), "grad", X * 1j),
     raises(TypeError, "complex")),
    ("writing into Tensor.data in place", lambda: _write(Tensor(X, requires_grad=True).data),
     raises(ValueError, "read-only")),
    ("writing into Tensor.numpy() in place", lambda: _write(Tensor(X).numpy()),
     raises(ValueError, "read-only")),
]


def _write(a):
    a[0] = 99.0


@pytest.mark.parametrize("thunk,expected", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_bad_input_gets_a_clear_error(thunk, expected):
    exc, pattern = expected
    with pytest.raises(exc, match=pattern):
        thunk()


# ------------------------------------------------------------- right values ----

def test_negative_argnums_mean_what_they_mean_in_python():
    assert adkit.grad(lambda x, y: x * y, argnums=-1)(2.0, 3.0) == 2.0
    assert adkit.grad(lambda x, y: x * y ** 2, argnums=(-2, -1))(2.0, 3.0) == (9.0, 12.0)
    assert forward.grad(lambda x, y: x * y, argnums=-1)(2.0, 3.0) == 2.0


def test_integer_cotangents_and_tangents_are_exact():
    y, f_vjp = adkit.vjp(lambda x: 2.0 * x, X)
    np.testing.assert_array_equal(f_vjp(np.array([1, 2, 3]))[0], [2.0, 4.0, 6.0])
    assert adkit.jvp(lambda x: 3.0 * x, (2.0,), (2,)) == (6.0, 6.0)


def test_gradient_dtype_never_leaks_into_grad():
    x = Tensor(X, requires_grad=True)
    (x * 2.0).backward(gradient=np.ones(3, dtype=np.float32))
    assert x.grad.numpy().dtype == np.float64
    x.grad = np.ones(3, dtype=np.int64)
    assert x.grad.numpy().dtype == np.float64


# ------------------------------------------------------ results are the user's ----

def _owned(a, *others):
    assert isinstance(a, np.ndarray) and a.flags.writeable and a.flags.owndata
    for o in others:
        assert not np.shares_memory(a, o)


def test_vjp_results_are_owned_by_the_user():
    ct = np.ones(3)
    y, f_vjp = adkit.vjp(lambda x: x + 0.0, X)
    (g,) = f_vjp(ct)
    _owned(g, ct, X, y)
    y2, f2 = adkit.vjp(lambda x, z: x + z, X, X * 2)
    a, b = f2(ct)
    _owned(a, b, ct)
    _owned(b, ct)
    y3, _ = adkit.vjp(lambda x: x, X)
    _owned(y3, X)


def test_jvp_results_are_owned_by_the_user():
    v = np.ones(3)
    y, t = adkit.jvp(lambda x: x + 0.0, (X,), (v,))
    _owned(t, v, X)
    y, t = adkit.jvp(lambda x: x, (X,), (v,))
    _owned(y, X)
    _owned(t, v)


def test_gradient_of_sum_is_a_writeable_array():
    for n in (3, 10_000):
        g = adkit.grad(anp.sum)(np.ones(n))
        _owned(g)
        g[0] = 5.0  # the user may write into it
        g2 = forward.grad(anp.sum)(np.ones(n)) if n < 100 else g
        _owned(g2)


def test_two_inputs_never_share_a_gradient_array():
    gx, gy = adkit.grad(lambda x, y: anp.sum(x + y), argnums=(0, 1))(X, X)
    _owned(gx, gy)


def test_tensor_grad_after_backward_with_gradient_is_owned():
    v = np.array([1.0, 2.0, 3.0])
    x = Tensor(X, requires_grad=True)
    (x + 0.0).backward(gradient=v)
    v[0] = 99.0
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0])


# ------------------------------------------------ saved values are protected ----

def test_mutating_a_vjp_primal_does_not_change_the_pullback():
    x = X.copy()
    y, f_vjp = adkit.vjp(lambda x: anp.sum(x * x), x)
    x[:] = 100.0
    np.testing.assert_array_equal(f_vjp(1.0)[0], 2 * X)


def test_mutating_a_vjp_output_does_not_change_the_pullback():
    y, f_vjp = adkit.vjp(anp.exp, X)  # exp's VJP uses its output
    y[:] = 0.0
    np.testing.assert_allclose(f_vjp(np.ones(3))[0], np.exp(X))


def test_tensor_data_cannot_change_under_a_recorded_graph():
    a = X.copy()
    x = Tensor(a, requires_grad=True)
    y = (x * x).sum()
    a[:] = 100.0  # the Tensor copied its data
    with pytest.raises(ValueError, match="read-only"):
        x.data[0] = 100.0
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * X)
    with adkit.no_grad():  # the supported ways to update: rebinding and in-place ops
        x -= 0.5 * x.grad
    x.data = x.data * 2.0
    np.testing.assert_array_equal(x.numpy(), 2 * (X - X))


# ------------------------------------------------------------------- complex ----

def test_var_and_std_of_complex_plain_arrays_match_numpy():
    z = np.array([1 + 2j, 3 - 1j, -2 + 0.5j])
    np.testing.assert_allclose(anp.var(z), np.var(z))
    np.testing.assert_allclose(anp.std(z), np.std(z))


# ----------------------------------------------------------------- zero-safe ----

@pytest.mark.parametrize("f,x", [
    (lambda x: anp.std(x), np.full(3, 2.0)),                 # a constant input
    (lambda x: anp.sum(anp.std(x, axis=1)), np.ones((3, 1))),  # a length-1 axis
    (lambda x: anp.std(x * 0.0 + 1.0), X),
])
def test_std_has_derivative_zero_where_it_is_flat(f, x):
    for g in (adkit.grad(f)(x), forward.grad(f)(x), adkit.jacfwd(adkit.grad(f))(x)):
        assert np.all(np.isfinite(g)) and np.all(g == 0.0)


# --------------------------------------------------------------------- state ----

def test_count_sees_only_its_own_thread():
    started, stop = threading.Event(), threading.Event()

    def busy():
        started.set()
        while not stop.is_set():
            adkit.grad(anp.sin)(1.0)

    t = threading.Thread(target=busy)
    t.start()
    started.wait()
    try:
        with adkit.count() as c:
            adkit.jvp(anp.sin, (1.0,), (1.0,))
    finally:
        stop.set()
        t.join()
    assert (c.forward_passes, c.recordings, c.reverse_passes) == (1, 0, 0)
    assert c.total("vjp") == 0 and c.total("record") == 0


def test_reentering_one_no_grad_object_restores_grad_mode():
    ng = adkit.no_grad()
    with ng:
        with ng:
            assert not adkit.is_grad_enabled()
        assert not adkit.is_grad_enabled()
    assert adkit.is_grad_enabled()


def test_reading_grad_of_a_non_leaf_warns():
    x = Tensor(2.0, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None
    z = x * 3.0
    z.retain_grad()
    z.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert z.grad.item() == 1.0


@pytest.mark.parametrize("shape", [(1,), (1, 1), (1, 1, 1)])
def test_item_float_and_int_work_on_any_one_element_tensor(shape):
    t = Tensor(np.full(shape, 2.5))
    assert t.item() == 2.5 and type(t.item()) is float
    assert float(t) == 2.5 and int(Tensor(np.full(shape, 3.0))) == 3


SMOOTH_AT_EDGES = [  # (function, point): smooth there, so every derivative is finite
    (anp.sin, 0.0), (anp.cos, 0.0), (anp.tan, 0.0), (anp.exp, 0.0), (anp.expm1, 0.0),
    (anp.log1p, 0.0), (anp.sinh, 0.0), (anp.cosh, 0.0), (anp.tanh, 0.0), (anp.arctan, 0.0),
    (anp.arcsin, 0.0), (anp.arccos, 0.0), (anp.sigmoid, 0.0), (anp.square, 0.0),
    (lambda x: x ** 2.0, 0.0), (lambda x: x ** 3, 0.0), (lambda x: x ** 0.0, 0.0),
    (lambda x: 2.0 ** x, 0.0), (lambda x: x ** np.array([0.0, 2.0]), np.zeros(2)),
    (anp.sigmoid, 800.0), (anp.sigmoid, -800.0), (anp.tanh, 400.0),
    (lambda x: anp.logsumexp(anp.stack([x, -np.inf * np.ones_like(x)])), np.ones(2)),
    (lambda x: anp.std(anp.stack([x, x])), np.ones(3)),
    (lambda x: anp.log_softmax(x), np.array([0.0, -1000.0, 3.0])),
]


@pytest.mark.parametrize("f,x", SMOOTH_AT_EDGES)
def test_no_zero_times_inf_where_the_function_is_smooth(f, x):
    scalar = (lambda x: anp.sum(f(x))) if np.ndim(x) else f
    for d in (adkit.grad(scalar), forward.grad(scalar), adkit.grad(adkit.grad(scalar))
              if not np.ndim(x) else adkit.jacfwd(adkit.grad(scalar))):
        assert np.all(np.isfinite(d(x))), d(x)
