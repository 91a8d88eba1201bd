"""The experiments, one module per question. Run them with `adkit run [--quick] [name...]`
or `python experiments/<name>.py [--quick] [--out DIR]`.

Each module has NAME, a docstring, params(quick) -> the grid, cells(params) -> the list
of parameter dicts, cell_runner(params) -> run_cell(cell) -> measurements, and
summary(rows) -> a text table. Results go to experiments/results/<name>.json and .csv.

>>> from adkit.study import experiments
>>> experiments.get("crossover").cells({"n": [1, 2], "m": [3]})
[{'n': 1, 'm': 3}, {'n': 2, 'm': 3}]
"""
import argparse
import importlib
from types import ModuleType
from typing import Any

from .. import harness
from ..store import DEFAULT_RESULTS, ResultStore

NAMES = ("loss_scaling", "output_scaling", "crossover", "cheap_gradient", "tape_memory",
         "hessian_scaling", "peers")


def get(name: str) -> ModuleType:
    """The experiment module called `name`.

    >>> experiments.get("tape_memory").NAME
    'tape_memory'
    """
    if name not in NAMES:
        raise ValueError(f"unknown experiment {name!r}; choose from {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name}")


def run(name: str, quick: bool = False, out: Any = DEFAULT_RESULTS, resume: bool = True,
        progress: bool = True, config: dict | None = None) -> ResultStore:
    """Run one experiment's sweep (config replaces its grid, e.g. a tiny one in tests)
    and return the ResultStore; finished cells of an earlier run are kept.

    >>> import tempfile
    >>> tiny = {"n": [1], "m": [2], "repeats": 1, "budget_s": 0.1}
    >>> with tempfile.TemporaryDirectory() as out:
    ...     rows = experiments.run("crossover", out=out, progress=False, config=tiny).rows
    >>> rows[0]["winner"] in ("forward", "reverse"), rows[0]["predicted"]
    (True, 'forward')
    """
    mod = get(name)
    if hasattr(mod, "run"):  # an experiment with extra steps (peers writes a table too)
        return mod.run(quick, out, resume, progress, config)
    p = config if config is not None else mod.params(quick)
    return harness.sweep(mod.NAME, mod.cells(p), mod.cell_runner(p), p, out_dir=out,
                         resume=resume, progress=progress)


def parser(name: str, doc: str) -> argparse.ArgumentParser:
    """The options every experiment script takes.

    >>> parser("crossover", "Which mode wins.").parse_args(["--quick"]).quick
    True
    """
    p = argparse.ArgumentParser(prog=f"experiments/{name}.py", description=doc)
    p.add_argument("--quick", action="store_true", help="a small grid that runs in about a minute")
    p.add_argument("--out", default=str(DEFAULT_RESULTS), help="results directory "
                   f"(default {DEFAULT_RESULTS})")
    p.add_argument("--fresh", action="store_true", help="ignore earlier results (no resume)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def main(name: str, argv: list[str] | None = None) -> ResultStore:
    """The command line of experiments/<name>.py: run, print the summary and the paths."""
    mod = get(name)
    args = parser(name, mod.__doc__.strip().splitlines()[0]).parse_args(argv)
    store = run(name, args.quick, args.out, not args.fresh, not args.no_progress)
    print(mod.summary(store.rows))
    print(f"\nresults: {store.json_path} and {store.csv_path}")
    return store
