"""What every script here does first: numpy on one thread (OMP/OPENBLAS/MKL_NUM_THREADS
=1 unless set, before numpy starts its pool: a BLAS thread spin-waiting for a busy core
made some chunked forward passes 100x slower on a shared 2-core machine), and adkit
importable from this checkout. Scripts import it before anything else."""
import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def experiment(name: str) -> None:
    """Run experiment `name` with this script's arguments, and exit with its status."""
    from adkit.study.experiments import main
    sys.exit(main(name))


def command(args: list[str]) -> None:
    """Run the `adkit` command line with args, and exit with its status."""
    from adkit.study.cli import main
    sys.exit(main(args))
