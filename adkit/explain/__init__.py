"""Explanations drawn from the engines' own records: trace tables, graph pictures and
step-by-step frames, for forward and reverse mode side by side.

    trace(f, *args, mode=, wrt=)   Baydin et al.'s evaluation trace tables (table.py)
    graph(y) / graph(f, *args)     micrograd-style pictures: .to_dot(), .save(), .figure()
    steps(f, *args, mode=)         the passes frame by frame: .save("s.gif" | "s.html")
    expression("log(x1) + x1*x2")  a typed formula as a function, never eval'ed (expr.py)
    modes.figure(f, *args)         n forward passes against one reverse sweep (modes.py)

Importing it is light: matplotlib and networkx load only when something is drawn.

>>> print(trace(expression("x1 * x2"), 2.0, 5.0).result())
y = v1 = 10; x̄1 = v̄-1 = 5, x̄2 = v̄0 = 2
"""
from . import fmt, modes, program, sweeps, table
from .expr import Expression, ExpressionError, expression
from .graph import Graph, graph
from .steps import Frame, Steps, steps
from .table import TraceTable, trace

__all__ = ["Expression", "ExpressionError", "Frame", "Graph", "Steps", "TraceTable",
           "expression", "fmt", "graph", "modes", "program", "steps", "sweeps", "table",
           "trace"]
