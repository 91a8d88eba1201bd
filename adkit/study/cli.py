"""The `adkit` command: run the experiments, draw the charts, write the report.

    adkit run [--quick] [experiment ...]    run experiments, then charts and report
    adkit plot                              charts from the results on disk
    adkit report                            REPORT.md from the results and charts

>>> from adkit.study import cli
>>> cli.make_parser().parse_args(["run", "--quick", "crossover"]).experiments
['crossover']
"""
import argparse
import sys

from . import experiments, report
from .store import DEFAULT_FIGURES, DEFAULT_RESULTS


def _dirs(p):
    p.add_argument("--results", "--out", dest="results", default=str(DEFAULT_RESULTS),
                   help=f"results directory (default {DEFAULT_RESULTS})")
    p.add_argument("--figures", default=str(DEFAULT_FIGURES),
                   help=f"figures directory (default {DEFAULT_FIGURES})")
    p.add_argument("--report", default=str(report.REPORT),
                   help=f"report file (default {report.REPORT})")


def make_parser() -> argparse.ArgumentParser:
    """The parser of the `adkit` command and its subcommands run, plot and report."""
    parser = argparse.ArgumentParser(prog="adkit", description="Measure forward- against "
                                     "reverse-mode automatic differentiation.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run experiments, then draw the charts and the report",
                         description="Run the experiments (all by default), then write "
                         "the charts and the report. Finished cells of an earlier run with "
                         "the same parameters are kept.")
    run.add_argument("experiments", nargs="*", metavar="experiment",
                     help=f"which to run (default: all): {', '.join(experiments.NAMES)}")
    run.add_argument("--quick", action="store_true", help="small grids: minutes, not hours")
    run.add_argument("--fresh", action="store_true", help="ignore earlier results")
    run.add_argument("--no-progress", action="store_true", help="no progress bars")
    run.add_argument("--no-report", action="store_true", help="skip the charts and report")
    _dirs(run)
    for name, text in (("plot", "draw the charts (PNG and SVG) from the results on disk"),
                       ("report", "write REPORT.md from the results and charts on disk")):
        _dirs(sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + "."))
    return parser


def _plot(args):
    from . import plot  # matplotlib is imported only here
    for stem, paths in plot.plot_all(args.results, args.figures).items():
        print(f"chart {stem}: {paths[0]}")


def _report(args):
    print(f"report: {report.write(args.results, args.figures, args.report)}")


def main(argv: list[str] | None = None) -> int:
    """Run the `adkit` command with `argv` (default: sys.argv[1:]); returns the exit code.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     main(["report", "--results", tmp, "--report", f"{tmp}/REPORT.md"])
    report: .../REPORT.md
    0
    """
    args = make_parser().parse_args(argv)
    if args.command == "run":
        names = args.experiments or list(experiments.NAMES)
        for name in names:
            experiments.get(name)  # a clear error for an unknown name, before any work
        for name in names:
            print(f"== {name}", flush=True)
            store = experiments.run(name, args.quick, args.results, not args.fresh,
                                    not args.no_progress)
            print(experiments.get(name).summary(store.rows), flush=True)
        if not args.no_report:
            _plot(args)
            _report(args)
    elif args.command == "plot":
        _plot(args)
    else:
        _report(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
