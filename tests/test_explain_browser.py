"""The HTML stepper in a real browser: Debian's chromium, headless, loads the page with a
small probe script that presses next, the arrow key, previous and the slider, and writes
what it saw into the DOM that chromium dumps. Skipped where no chromium is installed."""
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import adkit.numpy as anp
from adkit import explain

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             "/usr/bin/chromium") if p and Path(p).exists()), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium to test the HTML stepper in a real browser "
    "(apt-get install chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

PROBE = """<script>
(function () {
  function seen() {
    var frame = document.querySelector('.frame:not([hidden])');
    var svg = frame.querySelector('svg');
    return {current: document.body.getAttribute('data-current'),
            frame: Number(document.body.getAttribute('data-frame')),
            visible: document.querySelectorAll('.frame:not([hidden])').length,
            caption: document.getElementById('caption').textContent,
            highlighted: svg.innerHTML.indexOf('#ffd68a') >= 0,
            width: svg.getBoundingClientRect().width,
            prevDisabled: document.getElementById('prev').disabled,
            nextDisabled: document.getElementById('next').disabled};
  }
  var r = {start: seen()};
  document.getElementById('next').click();
  r.next = seen();
  document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
  r.key = seen();
  document.getElementById('prev').click();
  r.prev = seen();
  var slider = document.getElementById('slider');
  slider.value = slider.max;
  slider.dispatchEvent(new Event('input', {bubbles: true}));
  r.end = seen();
  document.body.setAttribute('data-probe', JSON.stringify(r));
})();
</script>
"""


def test_stepper_buttons_keys_and_slider_move_the_highlight(tmp_path):
    s = explain.steps(lambda x1, x2: anp.log(x1) + x1 * x2, 2.0, 5.0)
    page = s.save(tmp_path / "steps.html").read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--dump-dom", probed.as_uri()], capture_output=True, text=True,
                         timeout=120)
    found = re.search(r'data-probe="([^"]*)"', run.stdout)
    assert found, f"no probe result (exit {run.returncode}): {run.stderr[-2000:]}"
    r = json.loads(html.unescape(found.group(1)))
    names = [f.name for f in s]
    assert r["start"]["current"] == names[0] == "v-1" and r["start"]["frame"] == 0
    assert r["start"]["prevDisabled"] and not r["start"]["nextDisabled"]
    assert (r["next"]["frame"], r["next"]["current"]) == (1, names[1]) != (0, "v-1")
    assert (r["key"]["frame"], r["key"]["current"]) == (2, names[2])
    assert (r["prev"]["frame"], r["prev"]["current"]) == (1, names[1])
    assert r["end"]["frame"] == len(s) - 1 and r["end"]["nextDisabled"]
    assert r["end"]["caption"] == s[-1].caption
    for state in r.values():
        assert state["visible"] == 1 and state["width"] > 100
        assert state["caption"] == s[state["frame"]].caption
    assert r["next"]["highlighted"]  # the current node's box is drawn highlighted
