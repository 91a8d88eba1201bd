"""The experiments, one module per question. Run them with `adkit run [--quick] [name...]`
or `python experiments/<name>.py [--quick] [--out DIR]` (results in DIR/results).

Each module has NAME, a docstring, params(quick) -> the grid, cells(params) -> the list
of parameter dicts, cell_runner(params) -> run_cell(cell) -> measurements, and
summary(rows) -> a text table. Results go to experiments/results/runs/<name>-<grid>-<id>.json
and .csv (grid: quick, full or custom; id: a hash of the parameters), and a completed run
becomes experiments/results/<name>.json and .csv, which the charts and report read.

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
         "hessian_scaling", "checkpointing", "replay", "peers")


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
    and return the ResultStore; finished cells of an earlier run with the same grid are
    kept (resume=False starts that grid over), runs with other grids are left alone.

    >>> import tempfile
    >>> tiny = {"n": [1], "m": [2], "repeats": 1, "budget_s": 0.1}
    >>> with tempfile.TemporaryDirectory() as out:
    ...     rows = experiments.run("crossover", out=out, progress=False, config=tiny).rows
    >>> rows[0]["winner"] in ("forward", "reverse"), rows[0]["predicted_by_passes"]
    (True, 'forward')
    """
    mod = get(name)
    if hasattr(mod, "run"):  # an experiment with extra steps (peers writes a table too)
        return mod.run(quick, out, resume, progress, config)
    p = config if config is not None else mod.params(quick)
    label = "custom" if config is not None else "quick" if quick else "full"
    return harness.sweep(mod.NAME, mod.cells(p), mod.cell_runner(p), p, out_dir=out,
                         resume=resume, progress=progress, label=label)


def parser(name: str, doc: str) -> argparse.ArgumentParser:
    """The options every experiment script takes.

    >>> parser("crossover", "Which mode wins.").parse_args(["--quick"]).quick
    True
    """
    p = argparse.ArgumentParser(prog=f"experiments/{name}.py", description=doc)
    p.add_argument("--quick", action="store_true", help="a small grid that runs in about a minute")
    p.add_argument("--out", metavar="DIR", default=str(DEFAULT_RESULTS.parent),
                   help=f"write under DIR: the results to DIR/results (default "
                   f"{DEFAULT_RESULTS.parent}), as `adkit run --out DIR` does")
    p.add_argument("--results", metavar="DIR", help="the results directory alone "
                   "(default DIR/results)")
    p.add_argument("--fresh", action="store_true", help="start this grid over (no resume)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def main(name: str, argv: list[str] | None = None) -> int:
    """The command line of experiments/<name>.py: the same as `adkit run <name>
    --no-report` (errors and Ctrl-C as one line); returns the exit code."""
    from .. import cli  # here: cli imports this module

    mod = get(name)
    args = parser(name, mod.__doc__.strip().splitlines()[0]).parse_args(argv)
    flags = [f"--{f.replace('_', '-')}" for f in ("quick", "fresh", "no_progress")
             if getattr(args, f)]
    results = ["--results", args.results] if args.results else []
    return cli.main(["run", name, "--no-report", "--out", args.out, *results, *flags])
