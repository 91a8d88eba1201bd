"""adkit.explain's pictures: graph() (DOT, SVG, PNG, Figure), steps() (frames, GIF, HTML)
and the both-modes figure, drawn from the engines' records."""
import re
import subprocess
import sys

import pytest

import adkit
import adkit.numpy as anp
from adkit import Value, explain
from adkit.explain import modes

PNG = b"\x89PNG\r\n\x1a\n"


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def test_graph_of_a_value_shows_ops_values_and_grads_in_draw_dot_style():
    o = neuron()
    o.backward()
    dot = explain.graph(o).to_dot()
    assert dot.startswith("digraph {") and "rankdir=LR" in dot
    assert '[shape=record, label="{ x1 \\| data 2 \\| grad -1.5 }"]' not in dot  # not doubly
    assert 'label="{ x1 | data 2 | grad -1.5 }"' in dot
    assert 'label="{ o | data 0.707 | grad 1 }"' in dot
    assert dot.count('[label="*"]') == 2 and '[label="tanh"]' in dot
    assert dot.count("->") == 2 * 2 + 2 * 2 + 2 * 2 + 2  # inputs into ops, ops into values


def test_graph_before_backward_and_of_functions_tensors_and_recordings():
    v = Value(3.0)
    assert "grad 0" in explain.graph(v * v).to_dot()  # micrograd shows 0 before backward
    g = explain.graph(lambda x: anp.sin(x) * x, 1.0)  # adjoints of one reverse sweep
    assert "grad 1.382" in g.to_dot()
    x = adkit.Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    dot = explain.graph(y).to_dot()
    assert "grad (2,) [2, 4]" in dot and "data 5" in dot
    rec = adkit.reverse.record(lambda x: x * 2.0 + 1.0, 3.0)
    assert 'c1_1 [shape=box, style=dashed, label="2"]' in explain.graph(rec).to_dot()


def test_graph_files_and_figure(tmp_path):
    o = neuron()
    o.backward()
    g = explain.graph(o)
    png = g.save(tmp_path / "deep" / "g.png")
    assert png.read_bytes()[:8] == PNG and png.stat().st_size > 10_000
    svg = g.save(tmp_path / "g.svg").read_text()
    assert "<svg" in svg and "x1 │ data 2 │ grad -1.5" in svg  # text kept as text
    assert g.save(tmp_path / "g.dot").read_text().startswith("digraph")
    fig = g.figure()
    assert fig.get_size_inches()[0] > fig.get_size_inches()[1] > 1  # left to right
    with pytest.raises(ValueError, match="use .png or .svg"):
        g.save(tmp_path / "g.jpg")


def test_layout_is_left_to_right_by_depth():
    from adkit.explain.layout import make
    prog = explain.program.of(lambda x1, x2: anp.log(x1) + x1 * x2 - anp.sin(x2), 2.0, 5.0)
    lay = make(prog, {v: v.label for v in prog.vars})
    x = {v.name: lay.boxes[("v", v.index)][0] for v in prog.vars}
    assert x["v-1"] == x["v0"] < x["v1"] == x["v2"] < x["v3"] < x["v5"]
    assert all(lay.boxes[("op", v.index)][0] < x[v.name] for v in prog.records)


def test_steps_light_the_forward_pass_then_walk_the_sweep():
    s = explain.steps(lambda x1, x2: anp.log(x1) + x1 * x2 - anp.sin(x2), 2.0, 5.0)
    assert len(s) == 7 + 1 + 8 + 1
    assert [f.phase for f in s].count("forward") == 7
    assert [f.name for f in s][:7] == ["v-1", "v0", "v1", "v2", "v3", "v4", "v5"]
    first, third = s[0].look, s[2].look
    assert first.styles[s[0].current] == "current" and "data ?" in first.texts[s.program.output]
    assert third.styles[s.program.vars[0]] == "lit" and "data 0.693" in third.texts[s[2].current]
    accumulate = [f.caption for f in s if "accumulates" in f.caption]
    assert accumulate == [  # Python ran log, mul, add, sin, sub: the paper's v3, v4 swapped
        "v̄0 = v̄0 + v̄2 ∂v2/∂v0 = -0.284 + 1 × 2 = 1.716 (v0 = x2 is used again: its "
        "adjoint accumulates)",
        "v̄-1 = v̄-1 + v̄1 ∂v1/∂v-1 = 5 + 1 × 0.5 = 5.5 (v-1 = x1 is used again: its "
        "adjoint accumulates)"]
    back = s[9]
    (edge,) = back.look.edges
    assert edge[2] == "backward" and back.look.styles[edge[0]] == "target"
    assert s[-1].caption.startswith("Done: one reverse sweep gave x̄1 = v̄-1 = 5.5")


def test_steps_of_a_value_after_backward_and_in_forward_mode():
    x = Value(2.0, label="x")
    y = x * x + x
    y.backward()
    s = explain.steps(y)
    assert sum("v0 = x is used again" in f.caption for f in s) == 2  # x * x + x: 3 uses
    assert s[0].look.texts[s.program.vars[0]] == "x │ data 2 │ grad ?"
    fwd = explain.steps(lambda a, b: a * b, 2.0, 5.0, mode="forward", wrt="b")
    assert [f.caption for f in fwd][-2:] == [
        "v1 = v-1 * v0 = 10, v̇1 = 2",
        "Done: one forward pass gave ẏ = ∂y/∂b = 2; every other input needs a pass of its own"]
    with pytest.raises(ValueError, match="mode must be"):
        explain.steps(y, mode="both")


def test_steps_save_gif(tmp_path):
    from PIL import Image
    s = explain.steps(lambda x: x * x + x, 2.0)
    path = s.save(tmp_path / "s.gif", seconds=0.5)
    with Image.open(path) as im:
        assert im.format == "GIF" and im.n_frames == len(s)
    with pytest.raises(ValueError, match="use .gif or .html"):
        s.save(tmp_path / "s.mp4")


def test_steps_save_html_is_one_self_contained_page(tmp_path):
    s = explain.steps(lambda x: x * x + x, 2.0)
    html = s.save(tmp_path / "s.html").read_text(encoding="utf-8")
    assert html.count('<figure class="frame"') == len(s) == html.count("<svg")
    assert all(tag in html for tag in ('id="prev"', 'id="next"', 'type="range"', "ArrowRight"))
    assert not re.search(r"https?://|<link|\bsrc=|@import|url\((?!#)", html)
    assert html.count("<script>") == 1 and 'data-current="v0"' in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # each frame's SVG ids are its own


def test_both_modes_figure_and_counts(tmp_path):
    fwd, rev = modes.counts(explain.expression(modes.RUNNING), *modes.AT)
    assert (fwd.forward_passes, fwd.reverse_passes) == (2, 0)
    assert (rev.recordings, rev.reverse_passes, rev.total("vjp")) == (1, 1, 5)
    fig = modes.figure(explain.expression(modes.RUNNING), *modes.AT)
    assert len(fig.axes) == 3  # two forward passes, one reverse sweep
    texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text()
                                                                   for t in fig.texts]
    assert "Forward pass 2 of 2: ẋ2 = 1, the other inputs 0  →  ∂y/∂x2 = 1.716" in texts
    assert any("made 2 forward passes" in t and "1 reverse sweep" in t for t in texts)
    png, svg = modes.save(tmp_path)
    assert png.read_bytes()[:8] == PNG and svg.suffix == ".svg"


def test_importing_explain_loads_no_drawing_library():
    code = ("import sys, adkit, adkit.explain; adkit.explain.trace(lambda x: x * x, 2.0); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('matplotlib', 'networkx', 'PIL', 'tqdm')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_too_big_to_draw_is_a_clear_error():
    with pytest.raises(ValueError, match="601 variables are too many to draw"):
        explain.graph(lambda x: sum(x * float(i) for i in range(300)), 1.0)


def test_the_reports_how_each_mode_works_section(tmp_path):
    from adkit.study import report
    assert "![How each mode works]" not in "\n".join(report.how_modes_work(tmp_path))
    modes.save(tmp_path / "figures")
    text = "\n".join(report.how_modes_work(tmp_path / "figures", tmp_path / "REPORT.md"))
    assert "![How each mode works](figures/modes.png)" in text
    assert "*Forward mode: log(x1) + x1\\*x2 - sin(x2) at x1 = 2, x2 = 5;" in text
    assert "| v5 | v4 - v3 | 11.652 | 5.5 |" in text and "| v0 | x2 | 5 | 1.716 |" in text
    assert "2 forward passes" in text and "1 reverse sweep" in text

