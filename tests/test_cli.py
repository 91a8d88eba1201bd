"""The `adkit` command and the experiment scripts as a user meets them: errors in one
line, Ctrl-C that says how to resume, directories checked before any work, quick and full
results kept apart."""
import json
import shlex
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_store import read_only

import adkit
from adkit.study import cli, experiments, store

ROOT = Path(__file__).resolve().parent.parent
ADKIT = [sys.executable, "-m", "adkit"]


def run(cmd, cwd=None):
    """(exit code, stdout, stderr) of a command."""
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=120)
    return p.returncode, p.stdout, p.stderr


def one_line(err):
    """The only line of stderr (no traceback)."""
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_no_arguments_prints_the_help_and_exits_0():
    code, out, err = run(ADKIT)
    assert code == 0 and err == ""
    assert out.startswith("usage: adkit") and "{run,plot,report" in out and "--version" in out


def test_version():
    code, out, err = run([*ADKIT, "--version"])
    assert (code, out, err) == (0, f"adkit {adkit.__version__}\n", "")


@pytest.mark.parametrize("argv, message", [
    (["nope"], "adkit: error: argument command: invalid choice: 'nope'"),
    (["run", "--bogus"], "adkit: error: unrecognized arguments: --bogus"),
    (["plot", "--out"], "adkit plot: error: argument --out: expected one argument")])
def test_a_wrong_command_line_is_one_line_and_exit_2(argv, message):
    code, out, err = run([*ADKIT, *argv])
    assert code == 2 and out == "" and one_line(err).startswith(message)


def test_an_unknown_experiment_is_one_line_and_exit_2(tmp_path):
    code, out, err = run([*ADKIT, "run", "nope", "--results", str(tmp_path / "r")])
    assert code == 2 and out == ""
    assert one_line(err).startswith("adkit: error: unknown experiment 'nope'; choose from")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("command", ["plot", "report"])
def test_plot_and_report_without_a_results_directory(tmp_path, command):
    missing = tmp_path / "nothing"
    code, _, err = run([*ADKIT, command, "--results", str(missing), "--figures",
                        str(tmp_path / "f"), "--report", str(tmp_path / "REPORT.md")])
    assert code == 1 and f"no results directory {missing}" in one_line(err)


@pytest.mark.parametrize("command", ["plot", "report"])
def test_plot_and_report_without_results_under_out(tmp_path, command):
    code, out, err = run([*ADKIT, command, "--out", "nothing"], cwd=tmp_path)
    assert code == 1 and out == ""
    assert one_line(err).startswith("adkit: error: no results directory nothing/results")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["plot", "report"])
def test_plot_and_report_refuse_a_corrupt_results_file_and_keep_it(tmp_path, command):
    (tmp_path / "r").mkdir()
    bad = tmp_path / "r" / "crossover.json"
    bad.write_text('{"meta": {"experiment": "crossover"}, "rows": [')
    code, _, err = run([*ADKIT, command, "--results", str(tmp_path / "r"), "--figures",
                        str(tmp_path / "f"), "--report", str(tmp_path / "REPORT.md")])
    assert code == 1 and f"adkit: error: {bad} is not valid JSON" in one_line(err)
    assert bad.read_text() == '{"meta": {"experiment": "crossover"}, "rows": ['


@pytest.mark.parametrize("which", ["--results", "--figures", "--report"])
def test_run_fails_before_any_experiment_when_an_output_is_unwritable(tmp_path, which):
    (tmp_path / "file").write_text("")
    dirs = {"--results": tmp_path / "r", "--figures": tmp_path / "f",
            "--report": tmp_path / "REPORT.md"}
    dirs[which] = tmp_path / "file" / "x" / ("REPORT.md" if which == "--report" else "")
    code, out, err = run([*ADKIT, "run", "--quick", "crossover", "--no-progress",
                          *[str(a) for kv in dirs.items() for a in kv]])
    assert code == 1 and "== crossover" not in out
    assert one_line(err).startswith(f"adkit: error: cannot write to {tmp_path / 'file' / 'x'}")
    assert not (tmp_path / "r" / "runs").exists()


def test_run_checks_the_results_it_will_chart_before_any_experiment(tmp_path):
    (tmp_path / "r").mkdir()
    bad = tmp_path / "r" / "crossover.json"
    bad.write_text("[]")
    code, out, err = run([*ADKIT, "run", "--quick", "tape_memory", "--no-progress",
                          "--results", str(tmp_path / "r"), "--figures", str(tmp_path / "f"),
                          "--report", str(tmp_path / "REPORT.md")])
    assert code == 1 and "==" not in out and bad.read_text() == "[]"
    assert one_line(err) == f"adkit: error: {bad} is not an adkit results file " \
                            '(no "meta" and "rows")'


def test_run_fails_before_any_experiment_in_a_read_only_directory(tmp_path):
    with read_only(tmp_path / "r") as out:
        code, stdout, err = run([*ADKIT, "run", "--quick", "crossover", "--results", str(out),
                                 "--no-report"])
    assert code == 1 and "Permission denied" in one_line(err) and "==" not in stdout


def test_an_experiment_script_fails_in_one_line_too(tmp_path):
    (tmp_path / "file").write_text("")
    code, out, err = run([sys.executable, str(ROOT / "experiments" / "crossover.py"),
                          "--quick", "--out", str(tmp_path / "file" / "r")])
    assert code == 1 and "cannot write to" in one_line(err)


RUNNER = """
import pathlib, sys, time
from adkit.study import cli, experiments
LOG = pathlib.Path({log!r})
mod = experiments.get("tape_memory")
mod.params = lambda quick: {{"ops_sweep": {{"n": 10, "steps": [1, 2, 3, 4]}},
                            "n_sweep": {{"steps": 1, "n": [5, 6]}}}}
def cell_runner(p):
    def run_cell(cell):
        with LOG.open("a") as fh:
            fh.write(f"{{cell['steps']}}-{{cell['n']}}\\n")
        if cell["steps"] == 3 and not LOG.with_name("slept").exists():
            LOG.with_name("slept").touch()
            time.sleep(60)  # the test presses Ctrl-C in here
        return {{"records": cell["steps"]}}
    return run_cell
mod.cell_runner = cell_runner
sys.exit(cli.main())
"""


def wait_for(path, seconds=60):
    deadline = time.time() + seconds
    while not path.exists() and time.time() < deadline:
        time.sleep(0.02)


def test_ctrl_c_says_what_was_saved_and_the_command_that_resumes(tmp_path):
    runner = tmp_path / "runner.py"
    runner.write_text(textwrap.dedent(RUNNER.format(log=str(tmp_path / "log"))))
    out = tmp_path / "r"
    proc = subprocess.Popen([sys.executable, str(runner), "run", "tape_memory", "--fresh",
                             "--no-progress", "--no-report", "--results", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(tmp_path / "slept")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    run_json = next((out / "runs").glob("tape_memory-full-*.json"))
    command = shlex.join([sys.executable, str(runner), "run", "tape_memory", "--no-progress",
                          "--no-report", "--results", str(out)])
    assert one_line(err) == (f"adkit: interrupted (tape_memory: 2 of 6 cells saved in "
                             f"{run_json}); resume with: {command}")
    rows = json.loads(run_json.read_text())["rows"]
    assert run_json.with_suffix(".csv").read_text().splitlines()[1:] == [
        f"ops,{s},10,{s}" for s in (1, 2)] and len(rows) == 2
    assert [p for p in out.rglob(".*") if p.is_file()] == []  # no temporary files
    code, _, err = run(shlex.split(command))
    assert code == 0 and err == ""
    log = (tmp_path / "log").read_text().split()
    assert log == ["1-10", "2-10", "3-10", "3-10", "4-10", "1-5", "1-6"]  # resumed at 3
    assert [r["steps"] for r in store.load("tape_memory", out)["rows"]] == [1, 2, 3, 4, 1, 1]


def test_ctrl_c_in_python_dash_m_adkit(tmp_path):
    out = tmp_path / "r"
    cmd = [*ADKIT, "run", "--quick", "loss_scaling", "--no-progress", "--results", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not any(
            json.loads(p.read_text() or "{}").get("rows") for p in out.glob("runs/*.json")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    line = [ln for ln in err.splitlines() if ln.startswith("adkit:")]
    assert "Traceback" not in err and len(line) == 1
    assert line[0].endswith(f"resume with: {shlex.join(cmd)}")
    (run_json,) = out.glob("runs/loss_scaling-quick-*.json")
    saved = len(json.loads(run_json.read_text())["rows"])
    assert f"cells saved in {run_json}" in line[0] and saved >= 1
    assert len(run_json.with_suffix(".csv").read_text().splitlines()) == saved + 1


TINY = {True: {"ops_sweep": {"n": 10, "steps": [3, 6]}, "n_sweep": {"steps": 3, "n": [10]}},
        False: {"ops_sweep": {"n": 10, "steps": [3, 6, 9]}, "n_sweep": {"steps": 3, "n": [10]}}}


def test_quick_and_full_runs_are_kept_apart_and_the_latest_is_charted(tmp_path, monkeypatch,
                                                                       capsys):
    monkeypatch.setattr(experiments.get("tape_memory"), "params", lambda quick: TINY[quick])
    dirs = ["--results", str(tmp_path / "r"), "--figures", str(tmp_path / "f"), "--report",
            str(tmp_path / "REPORT.md"), "--no-progress"]
    steps = {}
    for args in (["--quick"], [], ["--quick"]):
        assert cli.main(["run", "tape_memory", *args, *dirs]) == 0
        current = store.load("tape_memory", tmp_path / "r")
        steps[current["meta"]["label"]] = [r["steps"] for r in current["rows"]]
        assert current["meta"]["label"] == ("quick" if args else "full")
    assert steps == {"quick": [3, 6, 3], "full": [3, 6, 9, 3]}
    names = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "r" / "runs").glob("*.json"))
    assert names == ["tape_memory-full", "tape_memory-quick"]
    assert "(this grid: " in capsys.readouterr().out
    assert "tape_memory.png" in (tmp_path / "REPORT.md").read_text()


def test_resume_command_drops_fresh_and_names_the_program():
    assert cli.resume_command(["/x/adkit/__main__.py", "run", "--fre", "a b"]) == shlex.join(
        [sys.executable, "-m", "adkit", "run", "a b"])
    assert cli.resume_command(["/venv/bin/adkit", "run"]) == "/venv/bin/adkit run"


# ---- --out DIR: everything a command writes, under DIR

def test_out_puts_results_figures_and_report_under_one_directory(tmp_path):
    code, out, err = run([*ADKIT, "run", "--quick", "tape_memory", "--no-progress", "--out",
                          "o"], cwd=tmp_path)
    assert code == 0 and err == ""
    o = tmp_path / "o"
    assert {p.name for p in (o / "results").iterdir()} == {"tape_memory.json",
                                                           "tape_memory.csv", "runs"}
    assert (o / "figures" / "tape_memory.png").exists() and (o / "figures" / "modes.png").exists()
    assert "](figures/tape_memory.png)" in (o / "REPORT.md").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]  # no experiments/ here
    # --results, --figures and --report still move one of them alone
    code, _, err = run([*ADKIT, "plot", "--out", "o", "--figures", "f"], cwd=tmp_path)
    assert code == 0 and err == "" and (tmp_path / "f" / "tape_memory.png").exists()
    code, out, err = run([*ADKIT, "report", "--out", "o", "--report", "R.md"], cwd=tmp_path)
    assert (code, out, err) == (0, "report: R.md\n", "")
    assert "](o/figures/tape_memory.png)" in (tmp_path / "R.md").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R.md", "f", "o"]


def test_the_scripts_take_out_as_the_command_does(tmp_path):
    code, _, err = run([sys.executable, str(ROOT / "experiments" / "tape_memory.py"), "--quick",
                        "--no-progress", "--out", "o"], cwd=tmp_path)
    assert code == 0 and err == ""
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["results"]  # no charts
    assert (tmp_path / "o" / "results" / "tape_memory.csv").exists()
    code, _, err = run([sys.executable, str(ROOT / "experiments" / "run_all.py"), "--quick",
                        "tape_memory", "--no-progress", "--out", "all"], cwd=tmp_path)
    assert code == 0 and err == ""
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["REPORT.md", "figures",
                                                                    "results"]
