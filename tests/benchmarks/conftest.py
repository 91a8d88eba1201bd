"""The benchmarks run with glibc's malloc thresholds pinned (adkit.study.allocator), so
every path is timed by its own arithmetic and overhead, not by the allocator's history;
the machine info of a --benchmark-json file records whether they were."""
from adkit.study import allocator

PINNED = allocator.pin()


def pytest_benchmark_update_machine_info(config, machine_info):
    machine_info["glibc_malloc_pinned"] = PINNED
