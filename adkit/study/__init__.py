"""The measurement study of adkit: what forward and reverse mode cost, measured.

Apart from the engine (`import adkit` never loads it): the workloads (written once over
an array namespace `xp`), the harness (timing, memory, work counting, sweeps), the
results store, the adapters that run the workloads on adkit's peers, the experiments
(one module per question), the charts (the only matplotlib importer), the report and
the `adkit` command line. It uses only the engine's public API.

>>> from adkit.study import harness, workloads
>>> harness.work(workloads.rosenbrock, np.ones(3))["by_name"]["sum"]
1
"""
