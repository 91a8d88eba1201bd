"""The README's Python examples run as written, and its two commands are the ones CI uses."""
import re
import runpy
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks()
    assert len(blocks) >= 4
    script = tmp_path / "readme_examples.py"
    # lines that read results from disk need an earlier run: skipped here
    body = "\n".join(line for b in blocks for line in b.splitlines()
                     if "store.load(" not in line)
    script.write_text(body, encoding="utf-8")
    ns = runpy.run_path(str(script))
    assert ns["x"].grad.item() == 12.0 and ns["a"].grad.tolist() == [4.0, 6.0]
    assert ns["logaddexp"](0.0, 0.0) == np.log(2.0)
    assert ns["c"].reverse_passes == 50
    assert ns["timed"].profile("vjp", top=3).split()[:4] == ["vjp", "calls", "total", "per"]


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    commands = re.findall(r"```bash\n(.*?)```", README, flags=re.S)[0]
    lines = [ln for ln in commands.splitlines() if ln and not ln.startswith("#")]
    assert len(lines) == 2 and "run_all.py --quick" in lines[0] and "pytest" in lines[1]
    assert lines[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
