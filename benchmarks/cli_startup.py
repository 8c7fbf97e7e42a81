"""How long `designer run` takes from process start until its first node is running.

Measured on the iris example with nothing cached, reading the progress display
line by line: in a home that already exists (the usual case), and in a brand-new
home (the very first run also creates the database). Target: the first node
starts within 1.5 s.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DESIGNER = Path(sys.executable).with_name("designer")
REPEATS = 5


def first_node_seconds(existing_home: bool) -> float:
    with tempfile.TemporaryDirectory() as home:
        if existing_home:
            subprocess.run([str(DESIGNER), "compute", "list", "--home", home], check=True, capture_output=True)
        started = time.perf_counter()
        process = subprocess.Popen([str(DESIGNER), "run", str(ROOT / "examples" / "iris-classification.json"),
                                    "--home", home], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        first = None
        for line in process.stderr:
            if first is None and "running" in line:
                first = time.perf_counter() - started
        process.wait()
        if first is None or process.returncode != 0:
            raise SystemExit(f"the run did not go as expected (exit {process.returncode})")
        return first


def main() -> None:
    for label, existing in (("existing home", True), ("brand-new home", False)):
        times = [first_node_seconds(existing) for _ in range(REPEATS)]
        median = statistics.median(times)
        verdict = "ok" if median <= 1.5 else "OVER TARGET"
        print(f"designer run, {label:<15}: first node running after {median:.2f} s (median of {REPEATS}; "
              f"min {min(times):.2f}, max {max(times):.2f}); target ≤ 1.5 s: {verdict}")


if __name__ == "__main__":
    main()
