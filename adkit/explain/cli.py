"""The `adkit trace` and `adkit graph` subcommands (added to the `adkit` command by
adkit.study.cli): a formula typed on the command line, traced or drawn.

    adkit trace "log(x1) + x1*x2 - sin(x2)" --at x1=2 x2=5 [--mode forward|reverse]
                [--wrt x1] [--format text|markdown|csv]
    adkit graph EXPR --at ... --out g.svg|g.png|g.dot|g.html|g.gif [--mode ...]

Every user error is one line on stderr and exit code 2, never a traceback.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="adkit")
>>> add_parsers(parser.add_subparsers(dest="command"))
>>> run(parser.parse_args(["trace", "x * y", "--at", "x=2", "y=3", "--format", "csv"]))
name,op,inputs,expr,value,adjoint
v-1,input,,x,2.0,3.0
v0,input,,y,3.0,2.0
v1,mul,v-1 v0,v-1 * v0,6.0,1.0
0
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from .expr import ExpressionError, expression, parse_at
from .table import MODES

COMMANDS = ("trace", "graph")
PICTURES = (".svg", ".png", ".dot")
STEPPERS = (".html", ".htm", ".gif")


def _one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """argparse's own errors (a missing --out, a bad --mode) as one line, exit code 2."""
    def error(message: str) -> NoReturn:
        parser.exit(2, f"{parser.prog}: error: {message}\n")
    parser.error = error
    return parser


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", help="a formula: numbers, names, + - * / **, and "
                   "adkit.numpy functions such as sin, exp, log (quote it)")
    p.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE",
                   help="the value of every variable, e.g. --at x1=2 x2=5")
    p.add_argument("--mode", choices=MODES, default="reverse",
                   help="forward (tangents) or reverse (adjoints, the default)")
    p.add_argument("--wrt", default=None, metavar="NAME",
                   help="forward mode: the input whose tangent is seeded (default: the first)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add `trace` and `graph` to the `adkit` command's subparsers."""
    trace = _one_line_errors(sub.add_parser(
        "trace", help="print the evaluation trace table of a formula",
        description="Print Baydin et al.'s evaluation trace of a formula: each variable's "
        "value and tangent (forward mode) or adjoint and adjoint steps (reverse mode)."))
    _common(trace)
    trace.add_argument("--format", choices=("text", "markdown", "csv"), default="text")
    graph = _one_line_errors(sub.add_parser(
        "graph", help="draw the computation graph of a formula",
        description="Draw the computation graph of a formula: a picture (.svg, .png) or "
        "DOT text (.dot), or the step-by-step walk (.html stepper, .gif)."))
    _common(graph)
    graph.add_argument("--out", required=True, help="the file to write: "
                       + ", ".join(PICTURES + STEPPERS))


def _run(args: argparse.Namespace) -> str:
    f = expression(args.expression)
    if not f.names:
        raise ExpressionError("the expression has no variables to differentiate")
    values = parse_at(args.at, f.names)
    wrt = args.wrt if args.wrt is not None else 0
    if args.wrt is not None and args.wrt not in f.names:
        raise ExpressionError(f"--wrt {args.wrt}: not a variable of the expression "
                              f"({', '.join(f.names)})")
    from . import graph, steps, trace
    if args.command == "trace":
        table = trace(f, *values, mode=args.mode, wrt=wrt)
        return {"text": str, "markdown": lambda t: t.to_markdown().rstrip("\n"),
                "csv": lambda t: t.to_csv().rstrip("\n")}[args.format](table)
    suffix = Path(args.out).suffix.lower()
    if suffix in PICTURES:
        return f"graph: {graph(f, *values).save(args.out)}"
    if suffix in STEPPERS:
        return f"steps: {steps(f, *values, mode=args.mode, wrt=wrt).save(args.out)}"
    raise ExpressionError(f"--out {args.out}: use one of {', '.join(PICTURES + STEPPERS)}")


def run(args: argparse.Namespace) -> int:
    """Run `adkit trace` or `adkit graph`; returns the exit code (2 for a user error)."""
    try:
        print(_run(args))
    except (ExpressionError, ValueError, TypeError, ArithmeticError, RuntimeError) as e:
        print(f"adkit {args.command}: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"adkit {args.command}: error: cannot write {args.out}: {e.strerror or e}",
              file=sys.stderr)
        return 1
    return 0
