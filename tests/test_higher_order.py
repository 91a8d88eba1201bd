"""Higher-order derivatives, safe nesting of the two modes, user-defined primitives."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor, forward
from adkit.study import workloads as problems
from adkit.testing import check_grads
from adkit.transforms import HESSIAN_MODES

rng = np.random.default_rng(17)

# the scalar derivative operator, by each mode
D = {"fwd": forward.derivative, "rev": adkit.grad}
PAIRS = [(o, i) for o in D for i in D]


# ---- Hessians and hvp

@pytest.mark.parametrize("mode", list(HESSIAN_MODES))
def test_hessian_of_a_quadratic_form(mode):
    A = rng.standard_normal((4, 4))
    x = rng.standard_normal(4)
    np.testing.assert_allclose(adkit.hessian(lambda x: x @ A @ x, mode=mode)(x), A + A.T,
                               rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("mode", list(HESSIAN_MODES))
def test_hessian_of_rosenbrock_at_known_points(mode):
    H = adkit.hessian(problems.rosenbrock, mode=mode)(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(H, [[802.0, -400.0], [-400.0, 200.0]])
    x = rng.uniform(-1, 1, 5)
    H = adkit.hessian(problems.rosenbrock, mode=mode)(x)
    eps = 1e-6  # against central differences of the (exact) gradient
    fd = np.array([(problems.rosenbrock_grad(x + eps * e) - problems.rosenbrock_grad(x - eps * e))
                   / (2 * eps) for e in np.eye(5)])
    np.testing.assert_allclose(H, fd, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(H, H.T, rtol=1e-12)


def test_hessian_modes_agree_on_an_mlp_loss():
    sizes = [3, 4, 1]
    X, Y, theta = problems.mlp_data(sizes, batch=6)
    f = lambda t: problems.mlp_loss(t, X, Y, sizes)  # noqa: E731
    ref = adkit.hessian(f)(theta)
    for mode in HESSIAN_MODES:
        np.testing.assert_allclose(adkit.hessian(f, mode=mode)(theta), ref, rtol=1e-10,
                                   atol=1e-12)


def test_hvp_equals_hessian_times_v_without_forming_it():
    x, v = rng.standard_normal(6), rng.standard_normal(6)
    H = adkit.hessian(problems.rosenbrock)(x)
    np.testing.assert_allclose(adkit.hvp(problems.rosenbrock, x, v), H @ v, rtol=1e-12)


@pytest.mark.parametrize("n", [10, 200])
def test_hvp_costs_a_constant_number_of_passes(n):
    x, v = rng.standard_normal(n), rng.standard_normal(n)
    with adkit.count() as c:
        adkit.hvp(problems.rosenbrock, x, v)
    assert (c.forward_passes, c.recordings, c.reverse_passes) == (1, 1, 1)


@pytest.mark.parametrize("n,chunk", [(10, 1), (30, 1), (30, 7)])
def test_full_hessian_costs_n_over_chunk_passes(n, chunk):
    x = rng.standard_normal(n)
    with adkit.count() as c:
        adkit.hessian(problems.rosenbrock, chunk=chunk)(x)
    passes = math.ceil(n / chunk)
    assert (c.forward_passes, c.recordings, c.reverse_passes) == (passes, passes, passes)


# ---- exact higher derivatives

@pytest.mark.parametrize("outer,inner", PAIRS)
def test_third_derivatives_exact(outer, inner):
    x = 0.7
    d3 = lambda f: D[outer](D[inner](D[outer](f)))  # noqa: E731
    assert math.isclose(d3(anp.sin)(x), -math.cos(x), rel_tol=1e-14)
    expected = (8 * x ** 3 + 12 * x) * math.exp(x * x)
    assert math.isclose(d3(lambda x: anp.exp(x * x))(x), expected, rel_tol=1e-13)
    assert d3(lambda x: x ** 4)(2.0) == 48.0


def test_fourth_derivative_by_nesting_four_times():
    d = adkit.grad
    f4 = d(forward.derivative(d(forward.derivative(lambda x: anp.exp(2.0 * x)))))
    assert math.isclose(f4(0.3), 16 * math.exp(0.6), rel_tol=1e-13)


def test_jacfwd_of_jacrev_of_a_vector_function():
    W = rng.standard_normal((3, 2))
    x = rng.standard_normal(2)
    H = adkit.jacfwd(adkit.jacrev(lambda x: problems.dense_tanh(x, W)))(x)
    t = np.tanh(W @ x)
    expected = np.einsum("i,ij,ik->ijk", -2 * t * (1 - t * t), W, W)
    np.testing.assert_allclose(H, expected, rtol=1e-12, atol=1e-14)


# ---- perturbation confusion

@pytest.mark.parametrize("outer,inner", PAIRS)
def test_no_perturbation_confusion_classic(outer, inner):
    # d/dx [ x * d/dy (x + y) at y=1 ] = d/dx [x * 1] = 1 (a confused system gives 2)
    f = lambda x: x * D[inner](lambda y: x + y)(1.0)  # noqa: E731
    assert D[outer](f)(1.0) == 1.0


@pytest.mark.parametrize("outer,inner", PAIRS)
def test_no_perturbation_confusion_closure_over_outer_variable(outer, inner):
    # d/dx [ d/dy (x * y**2) at y=x ] = d/dx [2 x y]_{y=x} = d/dx 2x^2 = 4x
    f = lambda x: D[inner](lambda y: x * y * y)(x)  # noqa: E731
    assert D[outer](f)(3.0) == 12.0
    # d/dx [ x * d/dy (x * y) at y=2 ] = d/dx x^2 = 2x   (Siskind & Pearlmutter)
    g = lambda x: x * D[inner](lambda y: x * y)(2.0)  # noqa: E731
    assert D[outer](g)(3.0) == 6.0


@pytest.mark.parametrize("a,b,c", [(o, m, i) for o in D for m in D for i in D])
def test_three_levels_deep_no_confusion(a, b, c):
    # d/dx d/dy d/dz (x*y*z + x*x*y) = 1 at any point; mixed with the outer variables
    def h(x):
        return D[b](lambda y: D[c](lambda z: x * y * z + x * x * y)(1.0))(2.0)
    # h(x) = d/dy [x*y + ...]: inner d/dz = x*y -> d/dy = x -> d/dx = 1
    assert D[a](h)(5.0) == 1.0


# ---- reverse-over-reverse and the Tensor API's create_graph

def test_grad_of_grad():
    assert adkit.grad(adkit.grad(lambda x: x ** 3))(2.0) == 12.0
    assert adkit.grad(adkit.grad(adkit.grad(lambda x: x ** 3)))(2.0) == 6.0


def test_backward_create_graph_makes_grad_differentiable():
    x = Tensor(2.0, requires_grad=True)
    y = x ** 3
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.item() == 12.0 and gx.requires_grad and gx.grad_fn is not None
    x.grad = None
    gx.backward()  # d/dx 3x^2 = 6x
    assert x.grad.item() == 12.0


def test_create_graph_accumulates_like_pytorch():
    x = Tensor(2.0, requires_grad=True)
    (x ** 3).backward(create_graph=True)
    x.grad.backward()  # 12 (first derivative) + 12 (second) accumulated in x.grad
    assert x.grad.item() == 24.0


def test_create_graph_with_arrays_gives_the_hessian_vector_product():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    v = np.array([1.0, -1.0])
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    x.grad = None
    (g * v).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 6 * x.numpy() * v)


# ---- user-defined primitives

@adkit.primitive
def logaddexp(x, y):
    """log(exp(x) + exp(y)), stably."""
    return np.logaddexp(x, y)


logaddexp.defjvp(lambda t, ans, x, y: t * anp.exp(x - ans),
                 lambda t, ans, x, y: t * anp.exp(y - ans), batched=True)
logaddexp.defvjp(lambda g, ans, x, y: g * anp.exp(x - ans),
                 lambda g, ans, x, y: g * anp.exp(y - ans))

softplus = adkit.primitive(lambda x: np.logaddexp(0.0, x), name="softplus",
                           jvp=lambda t, ans, x: t * anp.sigmoid(x),
                           vjp=lambda g, ans, x: g * anp.sigmoid(x))


@pytest.mark.parametrize("shapes", [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((4, 1), (1, 2))])
def test_user_primitive_round_trip_both_modes_second_order(shapes):
    x, y = (rng.standard_normal(s) for s in shapes)
    check_grads(logaddexp, x, y, order=2)
    check_grads(lambda x: softplus(x) * x, x, order=2)


def test_user_primitive_values_counting_and_nesting():
    assert logaddexp(1000.0, 1000.0) == 1000.0 + math.log(2.0)  # stable: no overflow
    with adkit.count() as c:
        adkit.grad(lambda x: logaddexp(x, 0.0))(0.0)
    assert c.ops["record"]["logaddexp"] == 1 and c.ops["vjp"]["logaddexp"] == 1
    assert adkit.grad(softplus)(0.0) == 0.5
    assert adkit.hessian(softplus)(0.0) == 0.25  # sigmoid'(0)
    assert logaddexp.__doc__.startswith("log(exp(x)")
    x = Tensor(0.0, requires_grad=True)
    softplus(x).backward()
    assert x.grad.item() == 0.5


def test_missing_rules_are_named():
    only_value = adkit.primitive(np.sinh, name="my_sinh")
    with pytest.raises(TypeError, match="primitive 'my_sinh' has no JVP rule"):
        adkit.jvp(only_value, (1.0,), (1.0,))
    with pytest.raises(TypeError, match="primitive 'my_sinh' has no VJP rule"):
        adkit.grad(only_value)(1.0)
    half = adkit.primitive(lambda x, y: x * y, name="half_rules",
                           vjp=(lambda g, ans, x, y: g * y, None))
    assert adkit.grad(half)(2.0, 3.0) == 3.0
    with pytest.raises(TypeError, match="'half_rules' has no VJP rule for its argument 1"):
        adkit.grad(half, argnums=1)(2.0, 3.0)


def test_stop_gradient():
    assert adkit.grad(lambda x: x * adkit.stop_gradient(x))(3.0) == 3.0
    assert forward.derivative(lambda x: x * adkit.stop_gradient(x * x))(3.0) == 9.0
    # it stops every level, also when nested
    assert adkit.grad(lambda x: adkit.grad(lambda y: y * adkit.stop_gradient(x * y))(1.0))(
        2.0) == 0.0
    x = Tensor(2.0, requires_grad=True)
    y = x * adkit.stop_gradient(x)
    y.backward()
    assert x.grad.item() == 2.0
    assert adkit.stop_gradient(1.5) == 1.5


def test_raw_primitive_with_joint_rules():
    """The low-level record: one JVP and one VJP over all arguments at once."""
    square_p = adkit.Primitive("square_for_test", lambda x: x * x, register=False)
    square_p.def_rules(jvp=lambda ts, ans, x: 2 * x * ts[0],
                       vjp=lambda g, wanted, ans, x: (2 * x * g,))
    assert adkit.grad(square_p)(3.0) == 6.0
    assert forward.derivative(square_p)(3.0) == 6.0
    check_grads(square_p, rng.standard_normal(3), order=2)
