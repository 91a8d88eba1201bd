"""Results files: one experiment's rows and metadata as JSON and CSV, written atomically.

A ResultStore keeps <dir>/<name>.json and <dir>/<name>.csv; `load` reads a finished one
back. Every write goes through a temporary file and a rename, so a killed run never
leaves half a file, and `resume` picks up the rows of an earlier run with the same
parameters.

>>> import tempfile
>>> from adkit.study import store
>>> with tempfile.TemporaryDirectory() as out:
...     results = store.ResultStore("demo", {"n": [1]}, out)
...     results.add({"n": 1, "time": 0.5})
...     results.save()
...     store.load("demo", out)["rows"]
[{'n': 1, 'time': 0.5}]
"""
import csv
import datetime
import io
import json
import math
import os
import platform
from pathlib import Path
from typing import Any

import numpy as np

import adkit

DEFAULT_RESULTS = Path("experiments") / "results"
DEFAULT_FIGURES = Path("experiments") / "figures"


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
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "adkit": adkit.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "thread_env": threads,
    }


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write text to path through a temporary file and a rename: never a half file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     store.write_atomic(Path(out) / "a" / "note.txt", "hello")
    ...     (Path(out) / "a" / "note.txt").read_text()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _jsonable(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


class ResultStore:
    """Rows of one experiment plus metadata, kept in <dir>/<name>.json and .csv."""

    def __init__(self, name: str, params: Any, out_dir: str | os.PathLike = DEFAULT_RESULTS,
                 seed: int = 0):
        self.name = name
        self.params = params
        self.dir = Path(out_dir)
        self.meta = metadata(name, params, seed)
        self.rows = []

    @property
    def json_path(self) -> Path:
        return self.dir / f"{self.name}.json"

    @property
    def csv_path(self) -> Path:
        return self.dir / f"{self.name}.csv"

    def resume(self) -> int:
        """Load the rows of an earlier run with the same parameters (if any); their count."""
        try:
            old = json.loads(self.json_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        if old.get("meta", {}).get("params") == json.loads(json.dumps(self.params)):
            self.rows = old.get("rows", [])
        return len(self.rows)

    def has(self, key: dict) -> bool:
        """Is there a row with all of key's values?"""
        return any(all(r.get(k) == v for k, v in key.items()) for r in self.rows)

    def add(self, row: dict) -> None:
        self.rows.append({k: _jsonable(v) for k, v in row.items()})

    def save(self) -> None:
        """Write the JSON and the CSV (metadata as # comment lines above the header)."""
        self.meta["date"] = metadata(self.name, self.params)["date"]
        write_atomic(self.json_path, json.dumps({"meta": self.meta, "rows": self.rows},
                                                indent=1, default=_jsonable) + "\n")
        columns = []
        for r in self.rows:
            columns += [k for k in r if k not in columns]
        buf = io.StringIO()
        buf.write("".join(f"# {k}: {json.dumps(v, default=_jsonable)}\n"
                          for k, v in self.meta.items()))
        writer = csv.DictWriter(buf, fieldnames=columns)
        writer.writeheader()
        writer.writerows(self.rows)
        write_atomic(self.csv_path, buf.getvalue())


def load(name: str, out_dir: str | os.PathLike = DEFAULT_RESULTS) -> dict:
    """{"meta": ..., "rows": [...]} of a finished experiment (see the module's example)."""
    return json.loads((Path(out_dir) / f"{name}.json").read_text(encoding="utf-8"))
