"""The experiments, one module per question. Run them with `adkit run [--quick] [name...]`
or `python experiments/<name>.py [--quick] [--out DIR]`.

Each module has NAME, a docstring, params(quick) -> the grid, cells(params) -> the list
of parameter dicts, cell_runner(params) -> run_cell(cell) -> measurements, and
summary(rows) -> a text table. Results go to experiments/results/<name>.json and .csv.
"""
import importlib

from .. import bench

NAMES = ("loss_scaling", "output_scaling", "crossover", "cheap_gradient", "tape_memory",
         "hessian_scaling", "peers")


def get(name):
    """The experiment module called `name`."""
    if name not in NAMES:
        raise ValueError(f"unknown experiment {name!r}; choose from {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name}")


def run(name, quick=False, out=bench.DEFAULT_RESULTS, resume=True, progress=True,
        config=None):
    """Run one experiment's sweep (config replaces its grid, e.g. a tiny one in tests)
    and return the ResultStore; finished cells of an earlier run are kept."""
    mod = get(name)
    if hasattr(mod, "run"):  # an experiment with extra steps (peers writes a table too)
        return mod.run(quick, out, resume, progress, config)
    p = config if config is not None else mod.params(quick)
    return bench.sweep(mod.NAME, mod.cells(p), mod.cell_runner(p), p, out_dir=out,
                       resume=resume, progress=progress)


def main(name, argv=None):
    """The command line of experiments/<name>.py."""
    mod = get(name)
    args = bench.parser(name, mod.__doc__.strip().splitlines()[0]).parse_args(argv)
    store = run(name, args.quick, args.out, not args.fresh, not args.no_progress)
    print(mod.summary(store.rows))
    print(f"\nresults: {store.json_path} and {store.csv_path}")
    return store
