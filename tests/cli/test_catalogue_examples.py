"""The catalogue's examples (text classification, anomaly detection, SQL preparation) run with `designer run`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DESIGNER = Path(sys.executable).with_name("designer")


@pytest.mark.parametrize("example, metric, floor", [("text-classification", "accuracy", 0.8),
                                                    ("anomaly-detection", "auc", 0.8),
                                                    ("sql-data-preparation", "r2", 0.3)])
def test_example_runs_to_completion_with_sensible_metrics(tmp_path, example, metric, floor):
    path = ROOT / "examples" / f"{example}.json"
    checked = subprocess.run([str(DESIGNER), "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    result = subprocess.run([str(DESIGNER), "run", str(path), "--json", "--home", str(tmp_path / "home")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "completed"
    assert report["nodes"]["eval"]["metrics"][metric] >= floor
