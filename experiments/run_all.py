"""Run every experiment, then write the charts and the report.

    python experiments/run_all.py [--quick] [--out DIR]

--quick runs small grids (a few minutes on 2 cores). Results go to experiments/results/.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))
from adkit import bench  # noqa: E402
import loss_scaling  # noqa: E402

EXPERIMENTS = {"loss_scaling": loss_scaling}


def main(argv=None):
    args = bench.parser("run_all", __doc__.splitlines()[0]).parse_args(argv)
    for name, module in EXPERIMENTS.items():
        print(f"== {name}", flush=True)
        store = module.run(args.quick, args.out, not args.fresh, not args.no_progress)
        print(module.summary(store.rows), flush=True)
    print(f"\nresults in {args.out}/")


if __name__ == "__main__":
    main()
