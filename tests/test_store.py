"""adkit.study.store through harness.sweep: results kept per parameter set, the current
results chosen among them, unreadable files kept aside, atomic pairs of JSON and CSV."""
import contextlib
import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from adkit.study import allocator, harness, store


def squares(out, grid, label=None, run_cell=None):
    """A sweep over n in grid: y = n^2."""
    run_cell = run_cell or (lambda c: {"y": c["n"] ** 2})
    return harness.sweep("demo", [{"n": n} for n in grid], run_cell, params={"n": grid},
                         out_dir=out, progress=False, label=label)


def pair_rows(json_path):
    """The rows of a JSON and CSV pair, checked to be the same rows."""
    data = json.loads(json_path.read_text())
    with open(json_path.with_suffix(".csv"), newline="") as fh:
        from_csv = list(csv.DictReader(fh))
    assert from_csv == list(csv.DictReader(io.StringIO(store.to_csv(data["rows"]))))
    return data["rows"]


def leftovers(out):
    """Temporary and probe files anywhere under out."""
    return [p for p in out.rglob(".*") if p.is_file()]


def test_quick_and_full_runs_live_side_by_side_and_the_latest_complete_is_current(tmp_path):
    quick = squares(tmp_path, [1, 2], "quick")
    full = squares(tmp_path, [1, 2, 3], "full")
    assert quick.json_path.name == f"demo-quick-{store.run_id({'n': [1, 2]})}.json"
    assert full.json_path.name == f"demo-full-{store.run_id({'n': [1, 2, 3]})}.json"
    assert [r["n"] for r in pair_rows(quick.json_path)] == [1, 2]
    assert [r["n"] for r in pair_rows(full.json_path)] == [1, 2, 3]
    current = store.load("demo", tmp_path)
    assert current["meta"]["label"] == "full" and current["meta"]["complete"] is True
    assert [r["n"] for r in pair_rows(tmp_path / "demo.json")] == [1, 2, 3]
    recomputed = []
    again = squares(tmp_path, [1, 2], "quick", lambda c: recomputed.append(c) or {"y": 0})
    assert recomputed == [] and [r["y"] for r in again.rows] == [1, 4]
    assert store.load("demo", tmp_path)["meta"]["label"] == "quick"  # current again
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == sorted(
        [quick.json_path.name, quick.csv_path.name, full.json_path.name, full.csv_path.name])


def test_an_interrupted_run_is_current_only_while_no_complete_run_is(tmp_path):
    def stop_at_3(cell):
        if cell["n"] == 3:
            raise KeyboardInterrupt
        return {"y": 0}

    with pytest.raises(harness.Interrupted) as e:  # the first run ever: current, incomplete
        squares(tmp_path, [1, 2, 3, 4], "full", stop_at_3)
    assert (e.value.done, e.value.total) == (2, 4) and "2 of 4 cells saved" in str(e.value)
    assert store.load("demo", tmp_path)["meta"]["complete"] is False
    squares(tmp_path, [1, 2], "quick")
    assert store.load("demo", tmp_path)["meta"]["label"] == "quick"
    with pytest.raises(KeyboardInterrupt):  # does not displace the complete quick run
        squares(tmp_path, [1, 2, 3, 4], "full", stop_at_3)
    assert store.load("demo", tmp_path)["meta"]["label"] == "quick"
    full = squares(tmp_path, [1, 2, 3, 4], "full")  # resumes at 3, then is current
    assert [r["y"] for r in full.rows] == [0, 0, 9, 16]
    assert store.load("demo", tmp_path)["meta"]["label"] == "full"


def test_results_of_the_older_one_pair_layout_are_resumed_or_kept(tmp_path):
    old = {"meta": dict(store.metadata("demo", {"n": [1, 2]}), experiment="demo"),
           "rows": [{"n": 1, "y": 1}]}
    (tmp_path / "demo.json").write_text(json.dumps(old))
    (tmp_path / "demo.csv").write_text("# experiment: demo\nn,y\n1,1\n")
    seen = []
    squares(tmp_path, [1, 2], run_cell=lambda c: seen.append(c["n"]) or {"y": 4})
    assert seen == [2]  # n=1 came from the old file
    squares(tmp_path, [5])  # other parameters: the old current results get a run file
    kept = tmp_path / "runs" / f"demo-{store.run_id({'n': [1, 2]})}.json"
    assert [r["n"] for r in pair_rows(kept)] == [1, 2]
    assert [r["n"] for r in store.load("demo", tmp_path)["rows"]] == [5]


@pytest.mark.parametrize("text, why", [("{not json", "is not valid JSON"),
                                       ('{"a": 1}', "is not an adkit results file"),
                                       ('{"meta": {"experiment": "other"}, "rows": []}',
                                        "holds results of 'other', not of 'demo'")])
def test_an_unreadable_current_file_is_refused_by_load_and_set_aside_by_a_run(
        tmp_path, capsys, text, why):
    path, csv_path = tmp_path / "demo.json", tmp_path / "demo.csv"
    path.write_text(text)
    csv_path.write_text("mine\n")
    with pytest.raises(store.StoreError, match=re.escape(f"{path}") + ".*" + re.escape(why)):
        store.load("demo", tmp_path)
    assert path.read_text() == text  # untouched
    squares(tmp_path, [1])
    err = capsys.readouterr().err.splitlines()
    aside = sorted(tmp_path.glob("demo.*.corrupt-*"))
    assert [p.name.split(".corrupt-")[0] for p in aside] == ["demo.csv", "demo.json"]
    assert aside[1].read_text() == text and aside[0].read_text() == "mine\n"
    assert len(err) == 2 and why in err[0] and str(aside[1]) in err[0]
    assert [r["n"] for r in store.load("demo", tmp_path)["rows"]] == [1]


def test_an_unreadable_run_file_is_set_aside_and_the_run_starts_over(tmp_path, capsys):
    run_json = store.ResultStore("demo", {"n": [1, 2]}, tmp_path).json_path
    run_json.parent.mkdir()
    run_json.write_text('{"meta": {}, "rows": [')
    assert [r["n"] for r in squares(tmp_path, [1, 2]).rows] == [1, 2]
    (aside,) = run_json.parent.glob("*.corrupt-*")
    assert aside.read_text() == '{"meta": {}, "rows": [' and str(aside) in capsys.readouterr().err


def test_an_unwritable_directory_fails_before_the_first_cell(tmp_path):
    (tmp_path / "file").write_text("")
    ran = []
    with pytest.raises(store.StoreError, match="cannot write to .*file/results: Not a dir"):
        squares(tmp_path / "file" / "results", [1], run_cell=ran.append)
    assert ran == []


@contextlib.contextmanager
def read_only(path):
    """path, a new directory, made read-only for the block; the test is skipped (with the
    reason) where that leaves it writable, as it does for root."""
    path.mkdir()
    path.chmod(0o500)
    try:
        if os.access(path, os.W_OK):
            pytest.skip("chmod 0o500 leaves the directory writable (running as root)")
        yield path
    finally:
        path.chmod(0o700)


def test_a_read_only_directory_fails_before_the_first_cell(tmp_path):
    ran = []
    with read_only(tmp_path / "results") as out, \
            pytest.raises(store.StoreError, match="Permission denied"):
        squares(out, [1], run_cell=ran.append)
    assert ran == []


def test_csv_is_one_header_line_then_the_rows(tmp_path):
    results = harness.sweep("demo", [{"n": 1}, {"n": 2}],
                            lambda c: {"t": None if c["n"] == 1 else 0.5, "by": {"sin": 2}},
                            params={}, out_dir=tmp_path, progress=False)
    with open(results.current_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows == [{"n": "1", "t": "", "by": '{"sin": 2}'},
                    {"n": "2", "t": "0.5", "by": '{"sin": 2}'}]
    assert "meta" not in results.current_csv.read_text() and pair_rows(results.json_path)


def test_write_atomic_leaves_no_temporary_file_on_an_error_or_ctrl_c(tmp_path, monkeypatch):
    target = tmp_path / "a.json"
    target.write_text("old")
    for error in (OSError("disk full"), KeyboardInterrupt()):
        def fail(*args, error=error):
            raise error
        monkeypatch.setattr(os, "fsync", fail)
        with pytest.raises(type(error)):
            store.write_atomic(target, "new")
        assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_ctrl_c_while_saving_waits_until_both_files_are_written(tmp_path, monkeypatch):
    to_csv = store.to_csv

    def interrupted_to_csv(rows):
        os.kill(os.getpid(), signal.SIGINT)  # arrives while the pair is being written
        return to_csv(rows)

    results = store.ResultStore("demo", {}, tmp_path)
    results.add({"n": 1})
    monkeypatch.setattr(store, "to_csv", interrupted_to_csv)
    with pytest.raises(KeyboardInterrupt):
        results.save()
    monkeypatch.undo()
    assert pair_rows(results.json_path) == [{"n": 1}] and leftovers(tmp_path) == []


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".demo.json.{dead.pid}.0badf00d.tmp"
    stale.write_text("{")
    squares(tmp_path, [1])
    assert leftovers(tmp_path) == []


def test_csv_ahead_of_json_after_a_kill_between_the_renames_is_rewritten(tmp_path):
    results = squares(tmp_path, [1, 2, 3], run_cell=lambda c: {"y": 0})
    results.rows = results.rows[:2]
    results.save()
    results.csv_path.write_text(store.to_csv([*results.rows, {"n": 3, "y": 0}]))
    assert [r["n"] for r in squares(tmp_path, [1, 2, 3]).rows] == [1, 2, 3]
    assert [r["y"] for r in pair_rows(results.json_path)] == [0, 0, 9]


def test_sigkill_mid_run_leaves_json_and_csv_that_agree_and_the_rerun_resumes(tmp_path):
    started = tmp_path / "started"
    script = textwrap.dedent(f"""
        import pathlib, time
        from adkit.study import harness
        def run_cell(cell):
            if cell["n"] == 5:  # the test kills the process in here
                pathlib.Path({str(started)!r}).touch()
                time.sleep(60)
            return {{"payload": "x" * 20000}}
        harness.sweep("killme", [{{"n": n}} for n in range(8)], run_cell, params={{}},
                      out_dir={str(tmp_path)!r}, progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 60
    while not started.exists() and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    run_json = store.ResultStore("killme", {}, tmp_path).json_path
    assert [r["n"] for r in pair_rows(run_json)] == [0, 1, 2, 3, 4]
    assert not (tmp_path / "killme.json").exists()  # never complete: nothing current yet
    resumed = []
    harness.sweep("killme", [{"n": n} for n in range(8)],
                  lambda c: resumed.append(c["n"]) or {"payload": "y"}, params={},
                  out_dir=tmp_path, progress=False)
    assert resumed == [5, 6, 7]
    assert [r["n"] for r in pair_rows(tmp_path / "killme.json")] == list(range(8))
    assert leftovers(tmp_path) == []


def test_a_pinned_allocator_is_set_in_the_process_its_children_and_the_metadata():
    """allocator.pin() pins glibc's thresholds here and, through the environment, in the
    processes started after it; store.metadata records it. (Its own process: pinning is
    for the whole process.)"""
    code = textwrap.dedent("""
        import json, os, subprocess, sys
        from adkit.study import allocator, store
        before = store.metadata("demo", {})["malloc_pinned"]
        ok = allocator.pin()
        child = subprocess.run([sys.executable, "-c", "from adkit.study import allocator; "
                                "print(allocator.pinned())"], capture_output=True, text=True)
        print(json.dumps([before, ok, allocator.pinned(), child.stdout.strip(),
                          store.metadata("demo", {})["malloc_pinned"]]))
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout
    before, ok, pinned, child, recorded = json.loads(out)
    assert before is False
    assert ok is allocator.glibc()  # glibc here; elsewhere pin() says False
    assert pinned is ok is recorded
    assert child == str(ok)  # the environment asks the same of child processes
