"""Formulas on the command line: `adkit trace` and `adkit graph`, the whitelist parser,
and one line on stderr (never a traceback) for every bad expression."""
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adkit import explain
from adkit.explain.expr import MAX_LENGTH, ExpressionError, expression
from adkit.study import cli

ROOT = Path(__file__).resolve().parent.parent
BAYDIN = "log(x1) + x1*x2 - sin(x2)"


def adkit_cmd(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


BAD = [  # (expression, the one line's message)
    ('__import__("os").system("echo hi")', "column 1: only calls of adkit.numpy functions"),
    ('__import__("os")', "column 1: unknown function '__import__'"),
    ("x.real", "column 1: attribute access (.real) is not allowed"),
    ("x1 + x1.__class__", "column 6: attribute access (.__class__) is not allowed"),
    ("x[0]", "column 1: indexing ([...]) is not allowed"),
    ("(lambda: 1)()", "column 1: only calls of adkit.numpy functions by name"),
    ("lambda x: x", "column 1: lambda is not allowed"),
    ("[x for x in y]", "column 1: a comprehension is not allowed"),
    ("sum(x for x in y)", "column 4: a comprehension is not allowed"),
    ("{x: 1 for x in y}", "column 1: a comprehension is not allowed"),
    ("x if y else 1", "column 1: if/else is not allowed"),
    ("x < 1", "column 1: a comparison is not allowed"),
    ("x and y", "column 1: and/or is not allowed"),
    ("(x, y)", "column 1: a tuple is not allowed"),
    ("[x]", "column 1: a list is not allowed"),
    ("(y := 2)", "column 2: assignment (:=) is not allowed"),
    ("f'{x}'", "column 1: an f-string is not allowed"),
    ("'text'", "column 1: str constants are not allowed"),
    ("True * x", "column 1: bool constants are not allowed"),
    ("1j * x", "column 1: complex constants are not allowed"),
    ("x // 2", "column 1: the operator FloorDiv is not allowed"),
    ("x @ y", "column 1: the operator MatMult is not allowed"),
    ("~x", "column 1: only unary minus and plus are allowed"),
    ("not x", "column 1: only unary minus and plus are allowed"),
    ("sin(x=1)", "column 5: keyword arguments are not allowed"),
    ("sin(*x)", "column 5: *arguments is not allowed"),
    ("_secret * 2", "column 1: the name '_secret' is not allowed"),
    ("open(x)", "column 1: unknown function 'open'"),
    ("sin + 1", "column 1: 'sin' is a function: call it, e.g. sin(x)"),
    ("9**9**9**9", "column 7: the exponent 3.8742e+08 is too large (the limit is 100)"),
    ("x ** 101", "column 6: the exponent 101 is too large"),
    ("x ** -(2 ** 7)", "column 6: the exponent -128 is too large"),
    ("9" * 400 + " * x", "column 1: the number is too large"),
    ("x +", "column 3: syntax error"),
    ("sin(x", "syntax error"),
    ("x = 1", "column 3: syntax error"),
    ("", "the expression is empty"),
    ("x" * (MAX_LENGTH + 1), f"the expression is {MAX_LENGTH + 1} characters long"),
    ("+".join(["x"] * 120), "syntax nodes; the limit is 200"),
    ("sin(x, y)", "column 1: sin(...): "),
]


@pytest.mark.parametrize("text, message", BAD, ids=[b[0][:24] or "empty" for b in BAD])
def test_every_bad_expression_is_one_line_and_exit_code_2(capsys, text, message):
    code, out, err = adkit_cmd(capsys, "trace", text, "--at", "x=1", "y=2")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("adkit trace: error: ")
    assert message in err, err


def test_the_parser_never_runs_python():
    started = time.perf_counter()
    with pytest.raises(ExpressionError, match="exponent"):
        expression("9**9**9**9")
    assert time.perf_counter() - started < 0.1  # refused at once, not computed
    sources = "\n".join(p.read_text() for p in (ROOT / "adkit" / "explain").glob("*.py"))
    assert not re.search(r"(?<![\w.\"])(eval|exec|compile)\(", sources)


def test_missing_and_unknown_values_and_wrt(capsys):
    for argv, message in [
            (["trace", BAYDIN, "--at", "x1=2"], "no value for x2: add x2=... to --at"),
            (["trace", BAYDIN], "no value for x1: add x1=... to --at"),
            (["trace", BAYDIN, "--at", "x1=2", "x2=5", "x3=1"],
             "--at x3: 'x3' does not appear in the expression (its variables: x1, x2)"),
            (["trace", BAYDIN, "--at", "x1=2", "x2=five"], "--at x2: 'five' is not a number"),
            (["trace", BAYDIN, "--at", "x1"], "--at 'x1': write name=value, e.g. x1=2"),
            (["trace", BAYDIN, "--at", "x1=2", "x2=5", "--mode", "forward", "--wrt", "y"],
             "--wrt y: not a variable of the expression (x1, x2)"),
            (["trace", "2 + 3"], "the expression has no variables to differentiate"),
            (["graph", "x", "--at", "x=1", "--out", "g.jpg"], "--out g.jpg: use one of")]:
        code, out, err = adkit_cmd(capsys, *argv)
        assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err
    for argv, message in [  # argparse's own errors: one line too
            (["trace", "x", "--at", "x=1", "--mode", "both"], "argument --mode: invalid"),
            (["graph", "x", "--at", "x=1"], "the following arguments are required: --out")]:
        with pytest.raises(SystemExit) as e:
            cli.main(argv)
        out, err = capsys.readouterr()
        assert e.value.code == 2 and err.count("\n") == 1 and message in err, err


def test_adkit_trace_prints_the_papers_tables(capsys):
    code, out, _ = adkit_cmd(capsys, "trace", BAYDIN, "--at", "x1=2", "x2=5")
    assert code == 0
    assert "v3  │ sin(v0)    │ -0.959 │ -1" in out and "x̄2 = v̄0 = 1.716" in out
    assert "v̄0 = v̄0 + v̄2 ∂v2/∂v0 = -0.284 + 1 × 2 = 1.716" in out
    code, out, _ = adkit_cmd(capsys, "trace", BAYDIN, "--at", "x1=2", "x2=5", "--mode",
                             "forward", "--wrt", "x1", "--format", "markdown")
    assert "| v4 | v1 + v2 | 10.693 | 5.5 |" in out
    code, out, _ = adkit_cmd(capsys, "trace", "sum(x * x)", "--at", "x=1,2,3", "--format",
                             "csv")
    assert out.splitlines()[-1] == "v2,sum,v1,sum(v1),14.0,1.0"


def test_adkit_graph_writes_pictures_and_the_stepper(capsys, tmp_path):
    for name in ("g.svg", "g.png", "g.dot", "g.html"):
        code, out, _ = adkit_cmd(capsys, "graph", "x*x + x", "--at", "x=2", "--out",
                                 str(tmp_path / name))
        assert code == 0 and (tmp_path / name).stat().st_size > 100 and name in out
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = adkit_cmd(capsys, "graph", "x", "--at", "x=1", "--out",
                             str(blocker / "g.svg"))
    assert code == 1 and err.startswith("adkit graph: error: cannot write") and \
        err.count("\n") == 1


def test_the_console_script_prints_no_traceback():
    bad = subprocess.run([sys.executable, "-m", "adkit", "trace", "x.__class__", "--at",
                          "x=1"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "adkit trace: error: column 1: attribute access (.__class__) is " \
                         "not allowed\n"


def test_expressions_evaluate_depth_by_depth_as_the_paper_numbers():
    f = expression(BAYDIN)
    assert [r["expr"] for r in explain.trace(f, 2.0, 5.0).rows] == [
        "x1", "x2", "log(v-1)", "v-1 * v0", "sin(v0)", "v1 + v2", "v4 - v3"]
    assert expression("-x ** 2 + pi * e")(3.0) == pytest.approx(-9 + 3.141592653589793
                                                                 * 2.718281828459045)
    with pytest.raises(TypeError, match="takes 2 values"):
        f(1.0)
