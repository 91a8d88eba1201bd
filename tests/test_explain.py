"""adkit.explain's trace tables: Baydin et al. (2018), Tables 2 and 3, digit for digit,
and tables of any function read from the engines' own records."""
import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import explain
from adkit.explain import fmt, modes


def baydin(x1, x2):
    """The paper's primal trace, in the paper's order (v3 = sin v0 before v4 = v1 + v2)."""
    v1 = anp.log(x1)
    v2 = x1 * x2
    v3 = anp.sin(x2)
    v4 = v1 + v2
    return v4 - v3


PRIMAL = [("v-1", "2"), ("v0", "5"), ("v1", "0.693"), ("v2", "10"), ("v3", "-0.959"),
          ("v4", "10.693"), ("v5", "11.652")]
TANGENTS = ["1", "0", "0.5", "5", "0", "5.5", "5.5"]
ADJOINTS = {"v5": "1", "v4": "1", "v3": "-1", "v1": "1", "v2": "1", "v0": "1.716",
            "v-1": "5.5"}
STEPS = [  # Table 3's adjoint trace, line by line (the paper writes v̄5 × (−1) as 1 × (-1))
    "v̄5 = ȳ = 1",
    "v̄4 = v̄5 ∂v5/∂v4 = 1 × 1 = 1",
    "v̄3 = v̄5 ∂v5/∂v3 = 1 × (-1) = -1",
    "v̄1 = v̄4 ∂v4/∂v1 = 1 × 1 = 1",
    "v̄2 = v̄4 ∂v4/∂v2 = 1 × 1 = 1",
    "v̄0 = v̄3 ∂v3/∂v0 = (-1) × 0.284 = -0.284",
    "v̄-1 = v̄2 ∂v2/∂v-1 = 1 × 5 = 5",
    "v̄0 = v̄0 + v̄2 ∂v2/∂v0 = -0.284 + 1 × 2 = 1.716",
    "v̄-1 = v̄-1 + v̄1 ∂v1/∂v-1 = 5 + 1 × 0.5 = 5.5",
]


@pytest.fixture(params=["function", "expression"])
def f(request):
    return baydin if request.param == "function" else explain.expression(modes.RUNNING)


def test_baydin_table_2_forward_digit_for_digit(f):
    t = explain.trace(f, 2.0, 5.0, mode="forward", wrt=0)
    assert [(r["name"], fmt.num(r["value"])) for r in t.rows] == PRIMAL
    assert [fmt.num(r["tangent"]) for r in t.rows] == TANGENTS
    assert [r["op"] for r in t.rows] == ["input", "input", "log", "mul", "sin", "add", "sub"]
    assert [r["inputs"] for r in t.rows][2:] == [["v-1"], ["v-1", "v0"], ["v0"],
                                                 ["v1", "v2"], ["v4", "v3"]]
    assert t.rows[-1]["tangent"] == adkit.jvp(baydin, (2.0, 5.0), (1.0, 0.0))[1] == 5.5
    assert "ẏ = ∂y/∂x1 = 5.5" in str(t)


def test_baydin_table_3_reverse_digit_for_digit(f):
    t = explain.trace(f, 2.0, 5.0, mode="reverse")
    assert [(r["name"], fmt.num(r["value"])) for r in t.rows] == PRIMAL
    assert {r["name"]: fmt.num(r["adjoint"]) for r in t.rows} == ADJOINTS
    assert [s["text"] for s in t.steps] == STEPS
    grad = adkit.grad(baydin, argnums=(0, 1))(2.0, 5.0)
    assert (t.rows[0]["adjoint"], t.rows[1]["adjoint"]) == grad  # bit for bit
    partials = {(s["source"], s["target"]): s["partial"] for s in t.steps if s["target"]}
    assert partials["v3", "v0"] == pytest.approx(np.cos(5.0), abs=0)
    assert partials["v1", "v-1"] == 0.5 and partials["v2", "v-1"] == 5.0
    assert "x̄1 = v̄-1 = 5.5, x̄2 = v̄0 = 1.716" in str(t)


def test_steps_are_the_sweeps_own_order_and_sum_to_the_adjoints():
    t = explain.trace(baydin, 2.0, 5.0)
    final = {r["name"]: r["adjoint"] for r in t.rows}
    last = {}
    for s in t.steps:
        last[s["target"] or s["source"]] = s["value"]
    assert last == final
    assert [s["source"] for s in t.steps[1:]] == ["v5", "v5", "v4", "v4", "v3", "v2", "v2",
                                                  "v1"]


def test_wrt_by_name_and_seed():
    t = explain.trace(baydin, 2.0, 5.0, mode="forward", wrt="x2")
    assert fmt.num(t.rows[-1]["tangent"]) == "1.716" and t.wrt == "x2"
    t = explain.trace(baydin, 2.0, 5.0, mode="forward", wrt=1, seed=2.0)
    assert t.rows[-1]["tangent"] == pytest.approx(2 * 1.7163378145367738)


def test_text_markdown_and_csv():
    t = explain.trace(baydin, 2.0, 5.0)
    text = str(t)
    lines = text.splitlines()
    assert lines[0].startswith("Reverse mode: baydin at x1 = 2, x2 = 5")
    table = lines[1:10]
    assert len({fmt.width(line.split("│")[0]) for line in table if "│" in line}) == 1
    assert "v5  │ v4 - v3    │ 11.652 │ 1" in text and STEPS[7] in text
    md = t.to_markdown()
    assert "| v3 | sin(v0) | -0.959 | -1 |" in md and f"8. {STEPS[7]}" in md
    csv_rows = t.to_csv().splitlines()
    assert csv_rows[0] == "name,op,inputs,expr,value,adjoint"
    assert csv_rows[4] == "v2,mul,v-1 v0,v-1 * v0,10.0,1.0"
    assert t.to_csv(steps=True).splitlines()[0].startswith("target,source,adjoint,partial")
    assert "<table" in t.to_html() and "<li>" in t.to_html()


def test_array_functions_show_shapes_and_a_preview():
    x = np.arange(5.0)
    t = explain.trace(lambda x: anp.sum(anp.sin(x) * x), x)
    assert [r["op"] for r in t.rows] == ["input", "sin", "mul", "sum"]
    np.testing.assert_array_equal(t.rows[0]["adjoint"], adkit.grad(
        lambda x: anp.sum(anp.sin(x) * x))(x))
    assert "(5,) [0, 0.841, 0.909, …]" in str(t)
    assert t.steps[1]["partial"].shape == (5,)  # a scalar's partials: the gradient row
    assert t.steps[2]["partial"] is None  # an array's: only the contribution is shown
    fwd = explain.trace(lambda x: anp.sum(anp.sin(x) * x), x, mode="forward")
    assert fwd.rows[-1]["tangent"] == pytest.approx(adkit.jvp(
        lambda x: anp.sum(anp.sin(x) * x), (x,), (np.ones(5),))[1])


def test_constants_values_and_tensors():
    t = explain.trace(lambda x: 3.0 * x ** 2, 2.0)
    assert [r["expr"] for r in t.rows] == ["x", "v0 ** 2", "3 * v1"]
    v = adkit.Value(2.0, label="a")
    t = explain.trace(v * v + 1.0)
    assert t.rows[0]["label"] == "a" and t.rows[0]["adjoint"] == 4.0
    x = adkit.Tensor([1.0, 2.0], requires_grad=True)
    t = explain.trace((x * x).sum(), mode="forward")
    assert t.rows[-1]["tangent"] == 6.0
    rec = adkit.reverse.record(baydin, 2.0, 5.0)
    assert [r["name"] for r in explain.trace(rec).rows][-1] == "v5"


def test_clear_errors():
    with pytest.raises(ValueError, match="mode must be 'forward' or 'reverse'"):
        explain.trace(baydin, 2.0, 5.0, mode="sideways")
    with pytest.raises(ValueError, match="wrt='x3' is not an input; the inputs are x1, x2"):
        explain.trace(baydin, 2.0, 5.0, mode="forward", wrt="x3")
    with pytest.raises(ValueError, match="f returned 2 values"):
        explain.trace(lambda x: (x, 2 * x), 1.0)
    with pytest.raises(ValueError, match="does not depend on its inputs"):
        explain.trace(lambda x: 2.0, 1.0)
    with pytest.raises(TypeError, match="Tape keeps its ops but not their values"):
        explain.trace(adkit.record(baydin, 2.0, 5.0))
    y = adkit.Tensor(2.0, requires_grad=True) * 3.0
    y.backward()
    with pytest.raises(RuntimeError, match="freed by backward"):
        explain.trace(y)


def test_numbers_are_written_as_the_paper_writes_them():
    assert [fmt.num(v) for v in (2.0, -0.0, 0.6931471805599453, 1e-7, 2.5e6, np.inf)] == \
        ["2", "0", "0.693", "1e-07", "2.5e+06", "inf"]
    assert fmt.num(np.ones((2, 3))) == "(2, 3) [1, 1, 1, …]"
