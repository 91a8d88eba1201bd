"""The PyTorch notebook of the second seed tutorial runs on adkit, translated only by its
import line (`import torch` -> `import adkit as torch`), and prints what the seed shows.

Cells are read from ../shared/seeds/ (the tutorial as given); a cell's output is the line
after its code that looks like PyTorch output (a tensor, a grad_fn, an error).
"""
import ast
import contextlib
import io
import re
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_a9cb2aae45fc2686.txt"
OUTPUT = re.compile(r"^(tensor\(|<\w+ object at 0x[0-9a-f]+>|\w+Error: )")
# In [56] shows x.grad after cells that are not in the tutorial (48 needs two more
# backward passes at x = 2 than the cells shown make): its printed value is not checked.
NOT_REPRODUCIBLE = {56}


def cells():
    """[(number, code, expected output or None)] in the order the file gives them."""
    if not SEED.exists():
        pytest.skip(f"the seed tutorial is not here ({SEED})")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    starts = [i for i, ln in enumerate(lines) if re.match(r"^In \[\d+\]:$", ln)]
    out = []
    for k, start in enumerate(starts):
        number = int(lines[start][4:-2])
        body = lines[start + 1:starts[k + 1] if k + 1 < len(starts) else len(lines)]
        shown = next((i for i, ln in enumerate(body) if OUTPUT.match(ln)), None)
        if shown is not None:
            code, expected = body[:shown], body[shown]
        else:  # no output: the code is the longest prefix that is Python
            code = next(body[:n] for n in range(len(body), -1, -1)
                        if _parses("\n".join(body[:n])))
            expected = None
        out.append((number, "\n".join(code).replace("import torch", "import adkit as torch"),
                    expected))
    return out


def _parses(text):
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def run_cell(code, ns):
    """Run a cell as a notebook does: print() output, then the last expression's repr;
    an exception is shown as 'Type: message'."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            exec(compile(tree, "<cell>", "exec"), ns)  # the seed's own code, not user input
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns)
                if value is not None:
                    print(repr(value))
        except Exception as e:  # noqa: BLE001 - the notebook shows the error as output
            print(f"{type(e).__name__}: {e}")
    return buf.getvalue().strip().splitlines()


def test_every_cell_prints_what_the_seed_shows():
    ns = {}
    checked = []
    for number, code, expected in cells():
        printed = run_cell(code, ns)
        if expected is None or number in NOT_REPRODUCIBLE:
            assert not any(ln.split(":")[0].endswith("Error") for ln in printed), (number, printed)
            continue
        assert printed, (number, code)
        got = printed[-1]
        if expected.endswith("object at 0x7eb7b1c21000>"):  # an address: any will do
            assert re.fullmatch(r"<MulBackward0 object at 0x[0-9a-f]+>", got), got
        elif "Error: " in expected:  # PyTorch's text first; adkit may add the why and fix
            assert got.startswith(expected), (number, got)
        else:
            assert got == expected, (number, got, expected)
        checked.append(number)
    assert checked == [26, 27, 29, 31, 73, 76, 80]


def test_the_fenced_example_runs_and_gives_58():
    text = SEED.read_text(encoding="utf-8") if SEED.exists() else pytest.skip("no seed")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    ns = {}
    for block in blocks:
        run_cell(block.replace("import torch", "import adkit as torch"), ns)
    assert ns["x"].grad.item() == 58.0
