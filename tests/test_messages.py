"""The engine's error messages, word for word: each names the operation, the shapes or
types, and the fix (DESIGN.md), and a change to one is a change of behaviour that shows
here. Messages that carry a level number or a repr are matched by a full regex."""
import re

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Dual, Tensor, forward, reverse

X = np.ones(3)
RETURNED_STR = (" f returned a str; it must return real numbers, numpy arrays, or "
                "tuples/lists/dicts of them")
NOT_A_NUMBER = "; pass a float, a numpy array, or a tuple/list/dict of them"
NO_SCALAR = "; for vector outputs use jacrev/jacfwd, or vjp with a cotangent"


def traced(method):
    """A thunk calling `method` on a value traced by adkit.grad."""
    return lambda: adkit.grad(lambda x: getattr(x, method)() if method != "asarray"
                              else np.asarray(x))(1.0)


def concrete(what):
    return (f"{what} of a traced value inside a transform would drop its derivative; use "
            "adkit.numpy functions on it instead")


def backward_twice():
    x = Tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    y.backward()


def without_vjp():
    p = adkit.Primitive("vjpless", np.sin, register=False)
    p.def_rules(jvp=lambda ts, ans, x: ts[0])
    p(Tensor(1.0, requires_grad=True)).backward()


def wrong_shape_rule():
    p = adkit.Primitive("badshape", lambda x: x.sum(), register=False)
    p.def_rules(vjp=lambda g, wanted, ans, x: (np.ones(5),))
    adkit.grad(p)(X)


CASES = [  # (id, thunk, exception type, exact message)
    ("float of a Dual", lambda: float(Dual(2.0, 1.0)), TypeError,
     "float() of a Dual would drop its tangent; use d.value"),
    ("array of a Dual", lambda: np.asarray(Dual(2.0, 1.0)), TypeError,
     "converting a Dual to a numpy array would drop its tangent; use adkit.numpy functions on "
     "it, or d.value for the value alone"),
    ("Dual of a str", lambda: Dual("a"), TypeError,
     "Dual: cannot differentiate with respect to a str" + NOT_A_NUMBER),
    ("jvp without tuples", lambda: adkit.jvp(np.sin, (1.0,), 1.0), TypeError,
     "jvp(f, primals, tangents): primals and tangents must be tuples, e.g. "
     "jvp(f, (x,), (v,))"),
    ("jvp primals not a tuple", lambda: adkit.jvp(np.sin, 1.0, (1.0,)), TypeError,
     "jvp(f, primals, tangents): primals and tangents must be tuples, e.g. "
     "jvp(f, (x,), (v,))"),
    ("jvp structure", lambda: adkit.jvp(np.sin, (1.0,), (1.0, 2.0)), ValueError,
     "jvp: tangents must have the same structure as primals"),
    ("jvp tangent shape", lambda: adkit.jvp(np.sin, (X,), (np.ones(2),)), ValueError,
     "jvp: a tangent of shape (2,) was given for a primal of shape (3,); it must be (3,)"),
    ("jvp of a str", lambda: adkit.jvp(np.sin, ("a",), (1.0,)), TypeError,
     "jvp: cannot differentiate with respect to a str" + NOT_A_NUMBER),
    ("jvp_batch tangent shape", lambda: forward.jvp_batch(np.sin, (X,), (np.ones((2, 2)),)),
     ValueError, "jvp_batch: a tangent of shape (2, 2) was given for a primal of shape (3,); "
     "it must be (2, 3)"),
    ("jvp_batch mixed k", lambda: forward.jvp_batch(
        lambda a, b: a * b, (X, X), (np.ones((2, 3)), np.ones((3, 3)))), ValueError,
     "jvp_batch: every tangent needs the same leading number of directions k, got [2, 3]"),
    ("jvp_batch no k", lambda: forward.jvp_batch(np.sin, (1.0,), (1.0,)), ValueError,
     "jvp_batch: every tangent needs the same leading number of directions k, got none"),
    ("derivative of an array", lambda: forward.derivative(np.sin)(np.ones(2)), ValueError,
     "derivative: x must be a scalar, got shape (2,); use jacfwd for array inputs"),
    ("forward.grad of a vector", lambda: forward.grad(lambda x: x * 2)(np.ones(2)), TypeError,
     "forward.grad: f must return a scalar, got shape (2,); use jacfwd for vector outputs"),
    ("forward.grad of a tuple", lambda: forward.grad(lambda x: (x, x))(1.0), TypeError,
     "forward.grad: f must return a scalar, got a tuple; use jacfwd for vector outputs"),
    ("jacfwd returning a str", lambda: adkit.jacfwd(lambda x: "a")(1.0), TypeError,
     "forward mode:" + RETURNED_STR),
    ("jacfwd of a str", lambda: adkit.jacfwd(np.sin)("a"), TypeError,
     "jacfwd: cannot differentiate with respect to a str" + NOT_A_NUMBER),
    ("jacfwd chunk", lambda: adkit.jacfwd(np.sin, chunk=2)(1.0), ValueError,
     "jacfwd: chunk=2 is invalid for a function of n=1 inputs; pass an integer 1 <= chunk "
     "<= 1, or None for the default (1)"),
    ("forward.grad chunk", lambda: forward.grad(np.sin, chunk=0)(X), ValueError,
     "jacfwd: chunk=0 is invalid for a function of n=3 inputs; pass an integer 1 <= chunk "
     "<= 3, or None for the default (3)"),
    ("item of a Node", traced("item"), TypeError, concrete("item()")),
    ("numpy of a Node", traced("numpy"), TypeError, concrete("numpy()")),
    ("tolist of a Node", traced("tolist"), TypeError, concrete("tolist()")),
    ("float of a Node", traced("__float__"), TypeError, concrete("float()")),
    ("int of a Node", traced("__int__"), TypeError, concrete("int()")),
    ("asarray of a Node", traced("asarray"), TypeError, concrete("numpy.asarray()")),
    ("backward of a Node", traced("backward"), RuntimeError,
     "backward() is for Tensors built with adkit.Tensor; inside adkit.grad/vjp return the "
     "value and let the transform differentiate it"),
    ("backward twice", backward_twice, RuntimeError,
     "Trying to backward through the graph a second time: the values saved by MulBackward0 "
     "were freed by the first backward(). Pass retain_graph=True to the first backward() to "
     "sweep the graph again, or rebuild the graph (recompute the output) before calling "
     "backward() again"),
    ("vjp structure", lambda: adkit.vjp(np.sin, 1.0)[1]((1.0,)), ValueError,
     "vjp: the cotangent must have the same structure as f's output"),
    ("vjp cotangent shape", lambda: adkit.vjp(np.sin, X)[1](np.ones(2)), ValueError,
     "vjp: a cotangent of shape (2,) was given for an output of shape (3,); it must be (3,)"),
    ("grad of a vector", lambda: adkit.grad(lambda x: x * 2)(np.ones(2)), TypeError,
     "grad: f must return a scalar (got shape (2,))" + NO_SCALAR),
    ("grad of a tuple", lambda: adkit.grad(lambda x: (x, x))(1.0), TypeError,
     "grad: f must return a scalar (got a tuple)" + NO_SCALAR),
    ("grad of a str", lambda: adkit.grad(np.sin)("a"), TypeError,
     "grad: cannot differentiate with respect to a str" + NOT_A_NUMBER),
    ("grad returning a str", lambda: adkit.grad(lambda x: "a")(1.0), TypeError,
     "grad:" + RETURNED_STR),
    ("vjp of a str", lambda: adkit.vjp(np.sin, "a"), TypeError,
     "vjp: cannot differentiate with respect to a str" + NOT_A_NUMBER),
    ("vjp returning a str", lambda: adkit.vjp(lambda x: "a", 1.0), TypeError,
     "vjp:" + RETURNED_STR),
    ("jacrev returning a str", lambda: adkit.jacrev(lambda x: "a")(1.0), TypeError,
     "jacrev:" + RETURNED_STR),
    ("jacrev of a str", lambda: adkit.jacrev(np.sin)("a"), TypeError,
     "jacrev: cannot differentiate with respect to a str" + NOT_A_NUMBER),
    ("record of a str", lambda: reverse.record(np.sin, "a"), TypeError,
     "record: cannot differentiate with respect to a str" + NOT_A_NUMBER),
    ("record returning a str", lambda: reverse.record(lambda x: "a", 1.0), TypeError,
     "record:" + RETURNED_STR),
    ("backward without a VJP rule", without_vjp, TypeError,
     "primitive 'vjpless' has no VJP rule, so it cannot be differentiated in reverse mode "
     "(grad, vjp, backward); define one with vjpless.defvjp(...) or use the other mode"),
    ("a rule's wrong shape", wrong_shape_rule, RuntimeError,
     "internal error: gradient of shape (5,) for an input of shape (3,)"),
    ("reshape inside grad", lambda: adkit.grad(lambda x: anp.sum(anp.reshape(x, (4, -1))))(
        np.ones(6)), ValueError, "reshape: cannot reshape an array of shape (6,) into shape "
     "(4, -1)"),
    ("recommend_mode of a str", lambda: adkit.recommend_mode(np.sin, "a"), TypeError,
     "recommend_mode: cannot differentiate with respect to a str" + NOT_A_NUMBER),
]


@pytest.mark.parametrize("thunk,exc,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_message_word_for_word(thunk, exc, message):
    with pytest.raises(exc) as e:
        thunk()
    assert type(e.value) is exc
    assert str(e.value) == message


@pytest.mark.parametrize("transform,trace", [
    (lambda f: adkit.jvp(f, (1.0,), (1.0,)), "ForwardTrace"),
    (lambda f: adkit.grad(f)(1.0), "ReverseTrace")])
def test_the_escaped_value_message_names_the_trace_and_its_level(transform, trace):
    kept = []
    transform(lambda x: kept.append(x * 2.0) or x)
    with pytest.raises(RuntimeError) as e:
        anp.sin(kept[0])
    assert re.fullmatch(rf"sin: an intermediate value of a finished {trace} \(level \d+\) "
                        r"escaped its transform and was used again; return derivatives from "
                        r"the transform instead of keeping traced values", str(e.value))


def test_recommend_mode_errors_name_recommend_mode():
    with pytest.raises(TypeError) as e:
        adkit.recommend_mode(lambda x: "a", 1.0)
    assert str(e.value).startswith("recommend_mode: f returned a str")
