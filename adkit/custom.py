"""User-defined primitives and stop_gradient.

A primitive you declare works like the built-in ones: in both engines, under nesting
(write its rules with adkit.numpy so they can be differentiated again), in counting and
in check_grads.

>>> @adkit.primitive
... def softplus(x):
...     return np.logaddexp(0.0, x)           # the value, on plain numbers
>>> softplus.defvjp(lambda g, ans, x: g * anp.sigmoid(x))
>>> softplus.defjvp(lambda t, ans, x: t * anp.sigmoid(x))
"""
import functools

from . import numpy as anp
from .core import Box, Primitive, bind, raw, ndim_of, shape_of
from .ops import broadcast_tangent, pad_tangent, unbroadcast


class UserPrimitive:
    """A primitive declared with adkit.primitive; call it like the function it wraps.

    Rules are per argument: jvp rule i is (t, ans, *args, **params) -> its contribution
    to the output tangent; vjp rule i is (g, ans, *args, **params) -> the cotangent of
    argument i. Keyword arguments are parameters (not differentiated). Use None for an
    argument that is not differentiable.
    """

    def __init__(self, fn, name=None):
        functools.update_wrapper(self, fn)
        self.primitive = Primitive(name or fn.__name__, fn, builtin=False, register=False)
        self._jvps = self._vjps = ()
        self._batched = False

    def __call__(self, *args, **params):
        return bind(self.primitive, *args, **params)

    def defjvp(self, *rules, batched=False):
        """Set the JVP rules, one per argument. A rule sees one tangent direction shaped
        like its argument; with batched=True it gets all k at once, shape (k,) + arg
        shape (fine for elementwise rules such as t * cos(x), and faster)."""
        self._jvps, self._batched = rules, batched
        self.primitive.jvp = self._jvp
        return self

    def defvjp(self, *rules):
        """Set the VJP rules, one per argument: (g, ans, *args, **params) -> cotangent."""
        self._vjps = rules
        self.primitive.vjp = self._vjp
        return self

    def _rule(self, rules, i, kind):
        rule = rules[i] if i < len(rules) else None
        if rule is None:
            raise TypeError(f"primitive {self.primitive.name!r} has no {kind} rule for its "
                            f"argument {i}; give one with {self.primitive.name}.def{kind.lower()}"
                            "(...) (or do not differentiate with respect to that argument)")
        return rule

    def _jvp(self, tangents, ans, *args, **params):
        out = None
        nd = ndim_of(ans)
        for i, t in enumerate(tangents):
            if t is None:
                continue
            rule = self._rule(self._jvps, i, "JVP")
            if self._batched:
                term = rule(pad_tangent(t, nd) if ndim_of(args[i]) < nd else t, ans, *args,
                            **params)
            else:  # one direction at a time, then stacked on the direction axis
                term = anp.stack([rule(t[j], ans, *args, **params)
                                  for j in range(shape_of(t)[0])])
            out = term if out is None else out + term
        return broadcast_tangent(out, ans)

    def _vjp(self, g, wanted, ans, *args, **params):
        return tuple(
            None if w is None else
            unbroadcast(self._rule(self._vjps, i, "VJP")(g, ans, *args, **params),
                        shape_of(args[i]))
            for i, w in enumerate(wanted))

    def __repr__(self):
        return f"<adkit primitive {self.primitive.name}>"


def primitive(fn=None, *, name=None, jvp=None, vjp=None, batched=False):
    """Declare fn (computing a value on plain numbers) as a new primitive.

    As a decorator, then add rules: f.defjvp(rule_x, rule_y), f.defvjp(rule_x, rule_y);
    or in one call: adkit.primitive(fn, jvp=(rule_x,), vjp=(rule_x,)).

    >>> logaddexp = adkit.primitive(np.logaddexp,
    ...     jvp=(lambda t, ans, x, y: t * anp.exp(x - ans),
    ...          lambda t, ans, x, y: t * anp.exp(y - ans)),
    ...     vjp=(lambda g, ans, x, y: g * anp.exp(x - ans),
    ...          lambda g, ans, x, y: g * anp.exp(y - ans)), batched=True)
    """
    if fn is None:
        return functools.partial(primitive, name=name, jvp=jvp, vjp=vjp, batched=batched)
    p = UserPrimitive(fn, name)
    if jvp is not None:
        p.defjvp(*_as_tuple(jvp), batched=batched)
    if vjp is not None:
        p.defvjp(*_as_tuple(vjp))
    return p


def _as_tuple(rules):
    return tuple(rules) if isinstance(rules, (tuple, list)) else (rules,)


def stop_gradient(x):
    """x as a constant: no derivative flows through it, in any mode or level.

    >>> adkit.grad(lambda x: x * adkit.stop_gradient(x))(3.0)
    3.0
    """
    from .reverse import AMBIENT, Tensor
    if isinstance(x, Tensor) and x._trace is AMBIENT:
        return x.detach()
    return raw(x) if isinstance(x, Box) else x
