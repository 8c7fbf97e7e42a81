"""The vision example graphs are valid documents, and the digits one really reaches 95 % accuracy."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import components
from designer.graph.validation import validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["digits-cnn.json", "transfer-learning-mobilenet.json"])
def test_the_vision_examples_are_valid_graphs(name):
    document = json.loads((EXAMPLES / name).read_text())
    assert validate(document, components.catalogue()) == []
    # The canvas lays examples out on open (tests/browser/test_canvas_readable_and_organised.py).
    assert all("position" not in n for n in document["nodes"])


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("DESIGNER_SLOW_TESTS"), reason="trains for minutes; set DESIGNER_SLOW_TESTS=1")
def test_the_digits_example_reaches_95_percent_accuracy(tmp_path):
    from designer.home import Home
    from designer.service import Designer

    document = json.loads((EXAMPLES / "digits-cnn.json").read_text())
    designer = Designer(Home.resolve(tmp_path / "home"))
    try:
        result = designer.run(document)  # the same executor and plan every run uses
    finally:
        designer.close()
    assert result.status == "completed", result.error
    assert result.nodes["evaluate"].metrics["accuracy"] >= 0.95
