"""Names every docstring example may use (pytest runs them with --doctest-modules)."""
import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit.study import allocator, experiments, harness, peers, store, workloads


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace.update(np=np, adkit=adkit, anp=anp, forward=adkit.forward,
                             reverse=adkit.reverse)
    doctest_namespace.update(workloads=workloads, harness=harness, store=store, peers=peers,
                             allocator=allocator,
                             experiments=experiments)
