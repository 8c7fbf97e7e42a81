"""Fixtures for compute targets: real worker processes and a real store; one pool per test module."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from canvas_store.artifacts import ArtifactStore
from designer.compute.local import LocalTarget
from designer.compute.process import ProcessTarget

HERE = Path(__file__).resolve().parent
# Workers find the test components the way they find a plugin's: by importing the module that declares them.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture(scope="module")
def local_target():
    target = LocalTarget("local", workers=4)
    yield target
    target.close()


@pytest.fixture(scope="module")
def process_target():
    target = ProcessTarget("process", workers=2, cancel_grace=0.5)
    target.check_available()
    yield target
    target.close()


@pytest.fixture
def store(tmp_path):
    return ArtifactStore(tmp_path / "store")
