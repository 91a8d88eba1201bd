"""adkit.core: bind's dispatch, evaluation on plain values (counted or not), and the
messages of its errors, word for word."""
import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import core

MATMUL_ERROR = ("matmul(float, float64[3]): matmul: Input operand 0 does not have enough "
                "dimensions")


@pytest.mark.parametrize("counted", [False, True])
def test_an_impl_error_names_the_primitive_and_its_argument_types(counted):
    with pytest.raises(ValueError) as e:
        if counted:  # with a count() open, values go through evaluate()
            with adkit.count():
                anp.matmul(2.0, np.ones(3))
        else:
            anp.matmul(2.0, np.ones(3))
    assert str(e.value).startswith(MATMUL_ERROR)
    assert isinstance(e.value.__cause__, ValueError)


def test_the_missing_rule_errors_word_for_word():
    p = adkit.primitive(np.sinh, name="bare_sinh")
    with pytest.raises(TypeError) as e:
        adkit.jvp(p, (1.0,), (1.0,))
    assert str(e.value) == (
        "primitive 'bare_sinh' has no JVP rule, so it cannot be differentiated in forward "
        "mode (jvp, jacfwd, hessian); define one with bare_sinh.defjvp(...) or use the "
        "other mode")
    with pytest.raises(TypeError) as e:
        adkit.grad(p)(1.0)
    assert str(e.value) == (
        "primitive 'bare_sinh' has no VJP rule, so it cannot be differentiated in reverse "
        "mode (grad, vjp, backward); define one with bare_sinh.defvjp(...) or use the "
        "other mode")


def test_float_dtype_and_raw_see_through_every_level():
    x32 = np.ones(2, np.float32)
    d = adkit.Dual(x32, np.ones(2, np.float32))
    assert core.float_dtype(d) == np.float32 and core.raw(d) is x32
    assert core.float_dtype(np.arange(3)) == np.float64 and core.float_dtype(1.0) == np.float64
    seen = []
    adkit.grad(lambda x: seen.append((core.float_dtype(x), core.raw(x))) or anp.sum(x))(x32)
    assert seen[0][0] == np.float32 and seen[0][1] is x32


def test_bind_hands_mixed_levels_to_the_innermost_trace():
    seen = []

    def inner(y, x):
        out = anp.multiply(x, y)  # x outer, y inner: the inner trace must process it
        seen.append(type(out).__name__)
        return out

    assert adkit.grad(lambda x: adkit.grad(lambda y: inner(y, x))(1.0))(3.0) == 1.0
    assert seen == ["Node"]
