"""The step-by-step page: one self-contained HTML file (inline SVG frames, one inline
script, nothing fetched from anywhere) with previous/next buttons, a slider and the
arrow keys. The visible frame's highlighted variable is on `document.body.dataset.current`
(and each frame's on its `data-current`), for tests and for styling.
"""
from __future__ import annotations

from html import escape
from typing import Any

from . import draw
from .layout import Look

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem;
       color: #222; }
h1 { font-size: 1.3rem; margin-bottom: .2rem; }
.help { color: #666; margin-top: 0; }
#controls { display: flex; gap: .6rem; align-items: center; margin: .6rem 0; }
#controls input[type=range] { flex: 1; max-width: 36rem; }
#counter { font-variant-numeric: tabular-nums; color: #555; }
#caption { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 1.05rem;
           min-height: 1.5em; background: #fff8e6; padding: .4rem .6rem;
           border-left: 4px solid #d95f02; }
.frame { margin: 0; }
.frame[hidden] { display: none; }
.frame svg { max-width: 100%; height: auto; }
table.trace { border-collapse: collapse; font-family: "DejaVu Sans Mono", Menlo, monospace; }
table.trace th, table.trace td { border-bottom: 1px solid #ddd; padding: .2rem .8rem;
                                 text-align: left; }
ol { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
"""

SCRIPT = """
(function () {
  var frames = Array.prototype.slice.call(document.querySelectorAll('.frame'));
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var slider = document.getElementById('slider');
  var caption = document.getElementById('caption');
  var counter = document.getElementById('counter');
  var at = 0;
  function show(i) {
    at = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function (f, k) { f.hidden = k !== at; });
    slider.value = String(at);
    caption.textContent = frames[at].getAttribute('data-caption');
    counter.textContent = (at + 1) + ' / ' + frames.length;
    document.body.setAttribute('data-current', frames[at].getAttribute('data-current'));
    document.body.setAttribute('data-frame', String(at));
    prev.disabled = at === 0;
    next.disabled = at === frames.length - 1;
  }
  prev.addEventListener('click', function () { show(at - 1); });
  next.addEventListener('click', function () { show(at + 1); });
  slider.addEventListener('input', function () { show(Number(slider.value)); });
  document.addEventListener('keydown', function (e) {
    if (e.target === slider) { return; }  // the slider moves itself with the arrow keys
    if (e.key === 'ArrowRight') { show(at + 1); e.preventDefault(); }
    else if (e.key === 'ArrowLeft') { show(at - 1); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); }
    else if (e.key === 'End') { show(frames.length - 1); }
  });
  show(0);
})();
"""


def page(steps: Any) -> str:
    """The HTML text of a Steps' stepper (see adkit.explain.steps).

    >>> from adkit.explain import steps
    >>> text = page(steps(lambda x: x * x, 3.0))
    >>> text.count('<figure class="frame"'), "http" in text.replace("http-equiv", "")
    (6, False)
    """
    prog = steps.program
    lay = steps.layout(caption_lines=0)
    frames = []
    for i, f in enumerate(steps):
        look = Look(f.look.texts, f.look.styles, f.look.edges)  # the caption goes in HTML
        fig = draw.figure(prog, lay, look)
        frames.append(f'<figure class="frame" id="frame-{i}" data-current="{escape(f.name)}" '
                      f'data-phase="{f.phase}" data-caption="{escape(f.caption)}"'
                      f'{" hidden" if i else ""}>\n{draw.svg_text(fig, f"f{i}-")}</figure>')
    title = f"{prog.title or 'f'} at {prog.at()}: {steps.mode} mode, step by step"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="help">adkit: the engine's own records, one step per frame. Buttons, the slider
or the ← → keys move between the {len(frames)} frames.</p>
<div id="controls">
<button id="prev" type="button">◀ previous</button>
<input id="slider" type="range" min="0" max="{len(frames) - 1}" value="0" aria-label="frame">
<button id="next" type="button">next ▶</button>
<span id="counter"></span>
</div>
<p id="caption"></p>
<div id="frames">
{chr(10).join(frames)}
</div>
<h2>The trace table</h2>
{steps.table().to_html()}
<script>{SCRIPT}</script>
</body>
</html>
"""
