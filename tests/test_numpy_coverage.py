"""Every differentiable name of adkit.numpy, checked like a primitive: its value equals
numpy's, and its derivatives pass check_grads in both modes (order 2 where smooth).

CASES maps a name of adkit.numpy.supported() to a list of Case(fn, args, order); fn
calls the adkit function (and `numpy_fn`, if given, the numpy one for the value check).
Families bring more cases in tests/numpy_cases_<family>.py, each with a CASES dict.
"""
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

import adkit.numpy as anp
from adkit.numpy.constant import BY_NAME as CONSTANT
from adkit.testing import check_grads


class Case(NamedTuple):
    fn: Callable                        # x, ... -> value, written with adkit.numpy
    args: tuple                         # float64 arrays or floats
    order: int = 2                      # 1 where the function is not twice smooth there
    numpy_fn: Callable | None = None  # the same with numpy, for the value check


def both(fn: Callable) -> Callable:
    """A Case maker for fn(xp, *xs) written once over a namespace: adkit.numpy's version is
    differentiated, numpy's gives the expected value. both(fn)(*args, order=2) -> Case."""
    return lambda *args, order=2: Case(lambda *xs: fn(anp, *xs), args, order,
                                       lambda *xs: fn(np, *xs))


CASES: dict = {}


def load_cases() -> dict:
    """CASES from every tests/numpy_cases_<family>.py, loaded on first use (at collection,
    not at import), so those modules can import Case and both from here."""
    if not CASES:
        for path in sorted(Path(__file__).parent.glob("numpy_cases_*.py")):
            for name, cases in importlib.import_module(path.stem).CASES.items():
                CASES.setdefault(name, []).extend(cases)
    return CASES


def differentiable_names():
    return sorted(set(anp.supported()) - set(CONSTANT))


def test_every_differentiable_numpy_name_has_a_case():
    missing = set(differentiable_names()) - set(load_cases())
    assert not missing, f"adkit.numpy names without a case: {sorted(missing)}"


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("name,case", [pytest.param(name, case, id=f"{name}-{i}")
                                           for name, cases in sorted(load_cases().items())
                                           for i, case in enumerate(cases)])


def test_value_matches_numpy_and_derivatives_check(name, case):
    if case.numpy_fn is not None:
        np.testing.assert_allclose(np.asarray(case.fn(*case.args)),
                                   np.asarray(case.numpy_fn(*case.args)), rtol=1e-12,
                                   atol=1e-12)
    check_grads(case.fn, *case.args, modes=("fwd", "rev"), order=case.order)
