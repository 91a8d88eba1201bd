"""The `adkit` command: run the experiments, draw the charts, write the report.

    adkit run [--quick] [experiment ...]    run experiments, then charts and report
    adkit plot                              charts from the results on disk
    adkit report                            REPORT.md from the results and charts
"""
import argparse
import sys
from pathlib import Path

from . import bench, experiments

REPORT = Path("experiments") / "REPORT.md"


def _dirs(p):
    p.add_argument("--results", "--out", dest="results", default=str(bench.DEFAULT_RESULTS),
                   help=f"results directory (default {bench.DEFAULT_RESULTS})")
    p.add_argument("--figures", default=str(bench.DEFAULT_FIGURES),
                   help=f"figures directory (default {bench.DEFAULT_FIGURES})")
    p.add_argument("--report", default=str(REPORT), help=f"report file (default {REPORT})")


def make_parser():
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


def plot_and_report(args):
    from . import plot, report  # matplotlib is imported only here
    written = plot.plot_all(args.results, args.figures)
    for stem, paths in written.items():
        print(f"chart {stem}: {paths[0]}")
    path = report.write(args.results, args.figures, args.report)
    print(f"report: {path}")


def main(argv=None):
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
            plot_and_report(args)
    elif args.command == "plot":
        from . import plot
        for stem, paths in plot.plot_all(args.results, args.figures).items():
            print(f"chart {stem}: {paths[0]}")
    else:
        from . import report
        print(f"report: {report.write(args.results, args.figures, args.report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
