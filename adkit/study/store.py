"""Results files: each experiment's rows and metadata as JSON and CSV, kept per parameter set.

A results directory holds

    <name>.json, <name>.csv            the current results: what plot and report read
    runs/<name>-<label>-<id>.json      one pair per parameter set: <id> hashes the
    runs/<name>-<label>-<id>.csv       parameters and seed, <label> is quick, full or custom

A run saves its own pair after every cell, so an interrupted run resumes where it
stopped and a run with other parameters (quick beside full) never touches it. A run that
completes becomes the current results; an interrupted one only while no complete run is
current. Rerunning a finished run makes it current again without recomputing anything.
Every file is written through a temporary file in its directory and os.replace, the CSV
before the JSON (the JSON is what a resume trusts; the next run rewrites the pair from
it). The CSV is one header line and the rows; the metadata is in the JSON. A file that
is not an adkit results file is never deleted: a run renames it aside
(<file>.corrupt-<time>), `load` refuses it with an error that names it.

>>> import tempfile
>>> from adkit.study import store
>>> with tempfile.TemporaryDirectory() as out:
...     results = store.ResultStore("demo", {"n": [1]}, out)
...     results.add({"n": 1, "time": 0.5})
...     results.save()
...     _ = results.publish()
...     store.load("demo", out)["rows"]
[{'n': 1, 'time': 0.5}]
"""
import contextlib
import csv
import datetime
import hashlib
import io
import json
import math
import os
import platform
import secrets
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import adkit

from . import allocator

DEFAULT_RESULTS = Path("experiments") / "results"
DEFAULT_FIGURES = Path("experiments") / "figures"
RUNS = "runs"  # the subdirectory of a results directory that holds every run's own pair


class StoreError(RuntimeError):
    """A results file or directory that cannot be used; the message names it."""


def metadata(name: str, params: Any, seed: int = 0) -> dict:
    """Where and how a result was produced: versions, machine, threads, seed, date.

    >>> store.metadata("demo", {"n": [1]})["numpy"] == np.__version__
    True
    """
    threads = {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                               "MKL_NUM_THREADS") if os.environ.get(v)}
    return {
        "experiment": name,
        "params": params,
        "seed": seed,
        "date": _now(),
        "adkit": adkit.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "thread_env": threads,
        "malloc_pinned": allocator.pinned(),
    }


def run_id(params: Any, seed: int = 0) -> str:
    """The id of a parameter set: a hash of the parameters (in any key order) and seed.

    >>> store.run_id({"n": [1], "m": 2}) == store.run_id({"m": 2, "n": [1]})
    True
    >>> store.run_id({"n": [1]}) == store.run_id({"n": [1, 2]})
    False
    """
    text = json.dumps({"params": params, "seed": seed}, sort_keys=True, default=_jsonable)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def check_writable(directory: str | os.PathLike) -> Path:
    """Create `directory` if needed and make sure a file can be written there; StoreError
    (one line naming it) otherwise, so a run fails before it measures anything.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     _ = (Path(out) / "file").write_text("")
    ...     store.check_writable(Path(out) / "file" / "results")
    Traceback (most recent call last):
    adkit.study.store.StoreError: cannot write to .../file/results: Not a directory
    """
    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=d, prefix=".adkit-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise StoreError(f"cannot write to {d}: {e.strerror or e}") from None
    return d


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write text to path through a temporary file beside it and a rename: never a half
    file, and no temporary file left behind on an error or Ctrl-C.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     store.write_atomic(Path(out) / "a" / "note.txt", "hello")
    ...     sorted(p.name for p in (Path(out) / "a").iterdir())
    ['note.txt']
    """
    _replace_all({Path(path): text})


def _replace_all(texts: dict[Path, str]) -> None:
    """Write every {path: text} to a temporary file beside its path (flushed to disk), then
    rename them all in that order, one right after the other; on an error or Ctrl-C the
    temporary files are removed."""
    staged = []
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            with open(tmp, "x", encoding="utf-8", newline="") as fh:
                staged.append((tmp, path))
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        while staged:
            os.replace(*staged[0])
            staged.pop(0)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def to_csv(rows: Sequence[dict]) -> str:
    """The rows as CSV: one header line (every key, in order of appearance), then one line
    a row; None is an empty cell, lists and dicts are JSON; no rows, no lines.

    >>> print(store.to_csv([{"n": 1, "t": None}, {"n": 2, "by": {"sin": 3}}]), end="")
    n,t,by
    1,,
    2,,"{""sin"": 3}"
    """
    columns = list(dict.fromkeys(k for r in rows for k in r))
    if not columns:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: json.dumps(v) if isinstance(v, (dict, list)) else v
                      for k, v in r.items()} for r in rows)
    return buf.getvalue()


def read(path: str | os.PathLike, name: str | None = None) -> dict:
    """The {"meta": ..., "rows": [...]} of one results JSON (of experiment `name`, if
    given); StoreError naming the file when it is unreadable, not JSON or not ours.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     _ = (Path(out) / "x.json").write_text('{"rows": "no"}')
    ...     store.read(Path(out) / "x.json")
    Traceback (most recent call last):
    adkit.study.store.StoreError: .../x.json is not an adkit results file (no "meta" and "rows")
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise StoreError(f"cannot read {path}: {e.strerror or e}") from None
    except ValueError as e:
        raise StoreError(f"{path} is not valid JSON ({e})") from None
    if not (isinstance(data, dict) and isinstance(data.get("meta"), dict)
            and isinstance(data.get("rows"), list)
            and all(isinstance(r, dict) for r in data["rows"])):
        raise StoreError(f'{path} is not an adkit results file (no "meta" and "rows")')
    found = data["meta"].get("experiment")
    if name is not None and found != name:
        raise StoreError(f"{path} holds results of {found!r}, not of {name!r}")
    return data


def load(name: str, out_dir: str | os.PathLike = DEFAULT_RESULTS) -> dict:
    """The current results {"meta": ..., "rows": [...]} of an experiment (see the module's
    example); StoreError when there are none or the file is not a results file."""
    path = Path(out_dir) / f"{name}.json"
    if not path.exists():
        raise StoreError(f"no results of {name} in {out_dir} (run `adkit run {name}` first)")
    return read(path, name)


def set_aside(path: str | os.PathLike, reason: str) -> Path:
    """Rename a file that cannot be used to <file>.corrupt-<time> (never delete it), and say
    so on stderr in one line; returns the new path.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     _ = (Path(out) / "x.json").write_text("{")
    ...     store.set_aside(Path(out) / "x.json", "x.json is broken").name[:15]
    'x.json.corrupt-'
    """
    path = Path(path)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    new, i = path.with_name(f"{path.name}.corrupt-{stamp}"), 1
    while new.exists():
        i += 1
        new = path.with_name(f"{path.name}.corrupt-{stamp}-{i}")
    os.replace(path, new)
    print(f"adkit: {reason}; kept it as {new}", file=sys.stderr)
    return new


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _jsonable(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _plain(v):
    """v as it reads back from JSON (tuples become lists, numpy scalars numbers)."""
    return json.loads(json.dumps(v, default=_jsonable))


@contextlib.contextmanager
def _ctrl_c_deferred():
    """Hold a Ctrl-C until the block is done (main thread only): a pair of files is
    written whole, then the KeyboardInterrupt is raised."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if caught and callable(old):
            old(signal.SIGINT, None)
        elif caught and old == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)


def _write_pair(json_path: Path, csv_path: Path, data: dict) -> None:
    """The CSV, then the JSON, of the same rows."""
    with _ctrl_c_deferred():
        _replace_all({csv_path: to_csv(data["rows"]),
                      json_path: json.dumps(data, indent=1, default=_jsonable) + "\n"})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_stale_temporaries(paths: Sequence[Path]) -> None:
    """Delete the temporary files a killed process left beside `paths` (.<name>.<pid>.*.tmp
    of a process that no longer runs)."""
    if os.name != "posix":
        return
    for path in paths:
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            pid = tmp.name[len(path.name) + 2:].split(".")[0]
            if pid.isdigit() and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    tmp.unlink()


def _run_path(out_dir: Path, name: str, label: str | None, rid: str) -> Path:
    """runs/<name>-<label>-<id>.json (no label: runs/<name>-<id>.json)."""
    return out_dir / RUNS / ("-".join(p for p in (name, label, rid) if p) + ".json")


class ResultStore:
    """Rows of one experiment with one parameter set, plus metadata: the run's own pair
    runs/<name>-<label>-<id>.json and .csv (save, after every cell) and, once published,
    the current pair <name>.json and .csv. See the module's docstring for the layout."""

    def __init__(self, name: str, params: Any, out_dir: str | os.PathLike = DEFAULT_RESULTS,
                 seed: int = 0, label: str | None = None):
        self.name = name
        self.params = params
        self.dir = Path(out_dir)
        self.id = run_id(params, seed)
        self.meta = metadata(name, params, seed)
        self.meta.update(run=self.id, label=label, cells=None, complete=False)
        self.rows = []
        self.json_path = _run_path(self.dir, name, label, self.id)
        self.csv_path = self.json_path.with_suffix(".csv")
        self.current_json = self.dir / f"{name}.json"
        self.current_csv = self.dir / f"{name}.csv"

    def prepare(self) -> None:
        """Before a run: fail now (StoreError) if the directory is not writable, delete
        temporary files of killed runs, and rename aside a current file that is not ours."""
        check_writable(self.dir)
        check_writable(self.json_path.parent)
        _remove_stale_temporaries([self.json_path, self.csv_path, self.current_json,
                                   self.current_csv])
        self._current()

    def resume(self) -> int:
        """Take the rows of an earlier run with the same parameters: its own file, else
        current results made with them (the older one-pair layout); returns their count.
        A run file that is not a results file is renamed aside."""
        earlier = []
        if self.json_path.exists():
            try:
                earlier.append(read(self.json_path, self.name))
            except StoreError as e:
                set_aside(self.json_path, str(e))
        earlier.append(self._current())
        for old in earlier:
            if old and _plain(old["meta"].get("params")) == _plain(self.params) \
                    and old["meta"].get("seed", 0) == self.meta["seed"]:
                self.rows = old["rows"]
                break
        return len(self.rows)

    def has(self, key: dict) -> bool:
        """Is there a row with all of key's values?"""
        return any(all(r.get(k) == v for k, v in key.items()) for r in self.rows)

    def add(self, row: dict) -> None:
        """Append a row (numpy scalars become numbers, inf and nan None)."""
        self.rows.append({k: _jsonable(v) for k, v in row.items()})

    def save(self) -> None:
        """Write this run's own pair: the CSV, then the JSON, each atomically."""
        self.meta["date"] = _now()
        _write_pair(self.json_path, self.csv_path, {"meta": self.meta, "rows": self.rows})

    def publish(self) -> bool:
        """Make this run the current results (<name>.json and .csv): always when it is
        complete, else only while the current results are not complete either. Current
        results of a parameter set with no run file of its own are first copied to one.
        Returns whether this run is now current."""
        old = self._current()
        if old is not None:
            if old["meta"].get("complete", True) and not self.meta["complete"]:
                return False
            meta = old["meta"]
            keep = _run_path(self.dir, self.name, meta.get("label"),
                             meta.get("run") or run_id(meta.get("params"), meta.get("seed", 0)))
            if not keep.exists():
                check_writable(keep.parent)
                _write_pair(keep, keep.with_suffix(".csv"), old)
        _write_pair(self.current_json, self.current_csv, {"meta": self.meta, "rows": self.rows})
        return True

    def _current(self) -> dict | None:
        """The current results, or None; a current file that is not ours (and its CSV) is
        renamed aside."""
        if not self.current_json.exists():
            return None
        try:
            return read(self.current_json, self.name)
        except StoreError as e:
            set_aside(self.current_json, str(e))
            if self.current_csv.exists():
                set_aside(self.current_csv, f"{self.current_csv} goes with it")
            return None
