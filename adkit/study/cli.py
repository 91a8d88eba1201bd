"""The `adkit` command: run the experiments, draw the charts, write the report.

    adkit run [--quick] [experiment ...]    run experiments, then charts and report
    adkit plot                              charts from the results on disk
    adkit report                            REPORT.md from the results and charts

Each writes under --out DIR (default experiments/): DIR/results, DIR/figures and
DIR/REPORT.md; --results, --figures and --report move one of them alone.

Each grid (quick, full) keeps its own results; the charts and the report show the most
recent complete run of each experiment (see adkit.study.store). Errors are one line on
stderr with a non-zero exit; Ctrl-C says what was saved and the command that resumes.

>>> from adkit.study import cli
>>> cli.make_parser().parse_args(["run", "--quick", "crossover"]).experiments
['crossover']
"""
import argparse
import shlex
import sys
from pathlib import Path

from .. import __version__
from ..explain import cli as explain_cli
from . import allocator, experiments, harness, report, store
from .store import DEFAULT_RESULTS

OUT = DEFAULT_RESULTS.parent  # --out's default: results/, figures/ and REPORT.md below it
OUTPUTS = (("results", "results"), ("figures", "figures"), ("report", "REPORT.md"))


def _dirs(p):
    p.add_argument("--out", metavar="DIR", default=str(OUT), help="write everything under "
                   f"DIR: DIR/results, DIR/figures, DIR/REPORT.md (default {OUT})")
    for name, leaf in OUTPUTS:
        p.add_argument(f"--{name}", metavar="FILE" if name == "report" else "DIR",
                       help=f"the {name} {'file' if name == 'report' else 'directory'} "
                       f"alone (default DIR/{leaf})")


def output_paths(args: argparse.Namespace) -> argparse.Namespace:
    """Fill in --results, --figures and --report that were not given from --out.

    >>> a = output_paths(make_parser().parse_args(["plot", "--out", "o", "--figures", "f"]))
    >>> a.results, a.figures, a.report
    ('o/results', 'f', 'o/REPORT.md')
    """
    for name, leaf in OUTPUTS:
        if getattr(args, name) is None:
            setattr(args, name, str(Path(args.out) / leaf))
    return args


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors (an unknown command or option) in one line."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def make_parser() -> argparse.ArgumentParser:
    """The parser of the `adkit` command and its subcommands run, plot and report."""
    parser = _Parser(prog="adkit", description="Measure forward- against reverse-mode "
                     "automatic differentiation.")
    parser.add_argument("--version", action="version", version=f"adkit {__version__}")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run experiments, then draw the charts and the report",
                         description="Run the experiments (all by default), then write "
                         "the charts and the report. Finished cells of an earlier run with "
                         "the same parameters are kept; quick and full runs are kept apart, "
                         "and the charts show the most recent complete run.")
    run.add_argument("experiments", nargs="*", metavar="experiment",
                     help=f"which to run (default: all): {', '.join(experiments.NAMES)}")
    run.add_argument("--quick", action="store_true", help="small grids: minutes, not hours")
    run.add_argument("--fresh", action="store_true",
                     help="start these grids over (their earlier results are replaced)")
    run.add_argument("--no-progress", action="store_true", help="no progress bars")
    run.add_argument("--no-report", action="store_true", help="skip the charts and report")
    _dirs(run)
    for name, text in (("plot", "draw the charts (PNG and SVG) from the results on disk"),
                       ("report", "write REPORT.md from the results and charts on disk")):
        _dirs(sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + "."))
    # ---- adkit.explain's subcommands, trace and graph (see adkit/explain/cli.py) ----
    explain_cli.add_parsers(sub)
    # ---- end of adkit.explain's subcommands ----
    return parser


class _UsageError(Exception):
    """A command line that names something that does not exist (exit code 2)."""


def resume_command(argv: list[str] | None = None) -> str:
    """The command that continues the one running (`argv`, default sys.argv), without
    --fresh, so that it resumes instead of starting over.

    >>> resume_command(["experiments/run_all.py", "--quick", "--fresh"])
    '... experiments/run_all.py --quick'
    """
    argv = list(sys.argv if argv is None else argv)
    prog = Path(argv[0])
    rest = [a for a in argv[1:] if not (len(a) > 3 and "--fresh".startswith(a))]
    if prog.name == "__main__.py":
        cmd = [sys.executable, "-m", prog.parent.name]
    elif prog.suffix == ".py":
        cmd = [sys.executable, str(prog)]
    else:  # the console script
        cmd = [str(prog)]
    return shlex.join(cmd + rest)


def _run(args, finished):
    names = args.experiments or list(experiments.NAMES)
    for name in names:  # a clear error for an unknown name, before any work
        try:
            experiments.get(name)
        except ValueError as e:
            raise _UsageError(str(e)) from None
    store.check_writable(args.results)
    if not args.no_report:
        store.check_writable(args.figures)
        store.check_writable(Path(args.report).parent)
        for other in [n for n in experiments.NAMES if n not in names]:  # charted too
            if (Path(args.results) / f"{other}.json").exists():
                store.load(other, args.results)
    allocator.pin()  # steady timings at big sizes (see adkit.study.allocator)
    for name in names:
        print(f"== {name}", flush=True)
        results = experiments.run(name, args.quick, args.results, not args.fresh,
                                  not args.no_progress)
        finished.append(name)
        print(experiments.get(name).summary(results.rows), flush=True)
        print(f"results: {results.current_json} and .csv (this grid: {results.json_path})",
              flush=True)
    if not args.no_report:
        _plot(args)
        _report(args)


def _has_results(args):
    if not Path(args.results).is_dir():
        raise store.StoreError(f"no results directory {args.results} (run `adkit run "
                               "--quick` first, or pass --out DIR or --results DIR)")


def _plot(args):
    from . import plot  # matplotlib is imported only here
    for stem, paths in plot.plot_all(args.results, args.figures).items():
        print(f"chart {stem}: {paths[0]}")
    from ..explain import modes  # how each mode works: the report's running example
    print(f"chart modes: {modes.save(args.figures)[0]}")


def _report(args):
    print(f"report: {report.write(args.results, args.figures, args.report)}")


def main(argv: list[str] | None = None) -> int:
    """Run the `adkit` command with `argv` (default: sys.argv[1:]); returns the exit code:
    0, 1 (an error, said in one line on stderr), 2 (a wrong command line), 130 (Ctrl-C).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     main(["report", "--results", tmp, "--report", f"{tmp}/REPORT.md"])
    report: .../REPORT.md
    0
    """
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # plain `adkit`: what it can do
        parser.print_help()
        return 0
    if args.command in explain_cli.COMMANDS:  # adkit trace / adkit graph
        return explain_cli.run(args)
    output_paths(args)
    finished = []
    try:
        if args.command == "run":
            _run(args, finished)
        elif args.command == "plot":
            _has_results(args)
            store.check_writable(args.figures)
            _plot(args)
        else:
            _has_results(args)
            store.check_writable(Path(args.report).parent)
            _report(args)
    except KeyboardInterrupt as e:
        saved = [f"{name} complete" for name in finished]
        saved += [str(e)] if isinstance(e, harness.Interrupted) else []
        what = f" ({'; '.join(saved) or 'nothing saved yet'})" if args.command == "run" else ""
        print(f"adkit: interrupted{what}; resume with: {resume_command()}", file=sys.stderr)
        return 130
    except _UsageError as e:
        print(f"adkit: error: {e}", file=sys.stderr)
        return 2
    except (store.StoreError, OSError) as e:
        print(f"adkit: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
