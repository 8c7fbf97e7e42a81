"""`designer package`: a bundle that serves the endpoint from a fresh home, with nothing but its own files."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from serving_support import CLI

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def bundle(home, tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "iris-bundle"
    result = subprocess.run([CLI, "package", home.name, "--out", str(out), "--home", str(home.path), "--json"],
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    return out, json.loads(result.stdout)


def test_the_bundle_holds_graph_artifacts_pinned_requirements_dockerfile_and_entry_point(bundle):
    out, summary = bundle
    manifest = json.loads((out / "endpoint.json").read_text())
    assert manifest["name"] == "iris" and manifest["document"]["nodes"]
    assert summary["artifacts"] == len(manifest["artifacts"]) == 1  # the trained model, nothing else
    for digest in manifest["artifacts"]:
        assert (out / "artifacts" / "objects" / digest[:2] / digest / "meta.json").is_file()
    requirements = (out / "requirements.txt").read_text().split()
    assert all("==" in line for line in requirements)
    pinned = dict(line.split("==") for line in requirements)
    from importlib.metadata import version

    for needed in ("scikit-learn", "numpy", "pandas", "gunicorn", "orjson", "SQLAlchemy"):
        key = next(k for k in pinned if k.lower() == needed.lower())
        assert pinned[key] == version(needed)
    assert "torch" not in {k.lower() for k in pinned}  # a logistic regression does not need PyTorch
    dockerfile = (out / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile and "serve.py" in dockerfile
    assert "python serve.py" in (out / "README.md").read_text()
    assert (out / "app" / "designer" / "serving" / "bundle.py").is_file()


def test_the_bundle_serves_from_a_fresh_home_bit_for_bit_as_the_endpoint(home, bundle, served, tmp_path):
    out, _ = bundle
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DESIGNER_HOME", "DESIGNER_DB_URL")}
    fresh = tmp_path / "elsewhere"
    server = served([sys.executable, str(out / "serve.py"), "--port", "0", "--workers", "1", "--home", str(fresh)],
                    env=env, cwd=str(tmp_path))
    rows = home.test_rows()
    for body in ({"data": rows}, {"data": rows[:1]}, {"Inputs": {"WebServiceInput0": rows}}):
        response = server.score(home.name, body, home.key)  # the endpoint's own key works there too
        assert response.status_code == 200, response.text
        assert response.json() == home.in_process(body).get_json()
    assert server.score(home.name, {"data": rows[:1]}, "wrong").status_code == 401
    assert (fresh / "designer.db").is_file()
    # It ran the bundle's own copy of the code, not the one installed here.
    probe = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import designer; "
                            "print(designer.__file__)", str(out / "app")], env=env, capture_output=True, text=True)
    assert probe.stdout.strip().startswith(str(out / "app"))


def test_packaging_into_a_folder_that_is_not_empty_or_an_unknown_endpoint_is_refused(home, bundle, tmp_path):
    out, _ = bundle
    result = subprocess.run([CLI, "package", home.name, "--out", str(out), "--home", str(home.path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "not empty" in result.stderr
    result = subprocess.run([CLI, "package", "no-such-endpoint", "--out", str(tmp_path / "x"),
                             "--home", str(home.path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no-such-endpoint" in result.stderr
