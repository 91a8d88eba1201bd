"""Run every experiment, then write the charts and the report (same as `adkit run`).

    python experiments/run_all.py [--quick] [--out DIR] [--fresh] [experiment ...]

--quick runs small grids (a few minutes on 2 cores). Results go to DIR/results/ (each
grid's own under runs/, the most recent complete run as <name>.json and .csv), charts to
DIR/figures/ and the report to DIR/REPORT.md, where DIR is --out (default experiments);
--results, --figures and --report move one of them alone. numpy runs on one thread
(OMP/OPENBLAS/MKL_NUM_THREADS=1 unless set): a BLAS thread that spin-waits for a busy
core made some chunked forward passes 100x slower on a shared 2-core machine.
"""
import sys

import _launch  # first: numpy on one thread, adkit from this checkout

if __name__ == "__main__":
    _launch.command(["run"] + sys.argv[1:])
