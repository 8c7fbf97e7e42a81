"""The workspace in the browser: register a model from a run's output and find it on the Models page, compare
two runs with their differing parameter highlighted, restore an old revision from the editor's history."""
from __future__ import annotations

import copy
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from canvas_gestures import Editor, iris_document, wait_for_run

pytestmark = pytest.mark.browser


def _run_iris(live_server, seed: int = 7, experiment: str = "iris-browser") -> tuple[str, str]:
    document = iris_document(live_server)
    for node in document["nodes"]:
        if node["id"] == "split":
            node["params"]["seed"] = seed
    graph_id = live_server.create_graph(document)
    live_server.api("POST", f"/api/graphs/{graph_id}/runs", {"experiment": experiment})
    run = wait_for_run(live_server, graph_id)
    assert run["status"] == "completed"
    return graph_id, run["run_id"]


def test_register_a_model_from_a_run_output_and_find_it_on_the_models_page(page, live_server):
    _, run_id = _run_iris(live_server)
    page.goto(f"{live_server.url}/#/runs/{run_id}")
    page.locator(".react-flow__node[data-id=train]").locator(".port-label-out", has_text="trained_model").click()
    viewer = page.get_by_test_id("output-viewer")
    expect(viewer).to_contain_text("TrainedModel")
    viewer.get_by_test_id("btn-register-model").click()
    dialog = page.get_by_test_id("register-model-dialog")
    dialog.get_by_test_id("register-name").fill("iris-from-browser")
    dialog.get_by_test_id("register-tags").fill("stage=dev")
    dialog.get_by_test_id("btn-register-confirm").click()
    page.wait_for_selector("[data-testid=model-version], [data-testid=register-error]")
    refused = page.get_by_test_id("register-error")
    assert refused.count() == 0, refused.inner_text()

    version = page.get_by_test_id("model-version")
    expect(version).to_contain_text("iris-from-browser")
    expect(version.get_by_test_id("model-lineage")).to_contain_text("iris-browser")
    expect(version.get_by_test_id("model-metrics")).to_contain_text("eval.accuracy")

    page.get_by_test_id("nav-models").click()
    page.get_by_test_id("models-tag").fill("stage:dev")
    row = page.get_by_test_id("model-row-iris-from-browser")
    expect(row).to_be_visible()
    expect(row).to_contain_text("stage: dev")
    page.get_by_test_id("models-tag").fill("stage:prod")
    expect(page.get_by_test_id("models-empty")).to_be_visible()
    assert page.errors == []


def test_compare_two_runs_highlights_the_differing_parameter_and_marks_the_best(page, live_server):
    _run_iris(live_server, seed=7)
    _run_iris(live_server, seed=21)
    page.goto(f"{live_server.url}/#/runs")
    page.get_by_test_id("filter-experiment").select_option("iris-browser")
    ticks = page.get_by_test_id("run-tick")
    expect(ticks).to_have_count(2)
    ticks.nth(0).check()
    ticks.nth(1).check()
    page.get_by_test_id("btn-compare").click()

    view = page.get_by_test_id("compare-view")
    differing = view.get_by_test_id("compare-parameters").get_by_test_id("param-differs")
    expect(differing).to_have_count(1)
    expect(differing).to_contain_text("split.seed")
    expect(differing).to_contain_text("21")
    metrics = view.get_by_test_id("compare-metrics")
    expect(metrics.locator("tbody tr", has_text="eval.accuracy")).to_have_count(1)
    expect(view.get_by_test_id("compare-roc").locator("canvas")).to_have_count(1)
    view.get_by_test_id("only-differing").uncheck()
    expect(view.get_by_test_id("param-same").first).to_be_visible()
    assert page.errors == []


def test_restore_an_old_revision_from_the_editor_history(page, live_server):
    document = iris_document(live_server)
    graph_id = live_server.create_graph(document)
    changed = copy.deepcopy(document)
    next(n for n in changed["nodes"] if n["id"] == "split")["params"]["seed"] = 99
    live_server.api("PUT", f"/api/graphs/{graph_id}", {**changed, "revision": 1})

    Editor(page, live_server, graph_id).open()
    page.get_by_test_id("btn-history").click()
    panel = page.get_by_test_id("revisions-panel")
    expect(panel.get_by_test_id("revision-2")).to_contain_text("current")
    panel.get_by_test_id("revision-2").locator(".revision-row").click()
    expect(panel.get_by_test_id("revision-2").get_by_test_id("diff-summary")).to_contain_text(re.compile(r"seed.*7.*99"))
    panel.get_by_test_id("revision-1").locator(".revision-row").click()
    panel.get_by_test_id("revision-1").get_by_test_id("btn-restore-revision").click()

    expect(panel.get_by_test_id("revision-3")).to_contain_text("current")
    saved = live_server.api("GET", f"/api/graphs/{graph_id}")
    assert saved["revision"] == 3
    assert next(n for n in saved["document"]["nodes"] if n["id"] == "split")["params"]["seed"] == 7
    panel.get_by_test_id("revision-1").locator(".revision-row").click()
    panel.get_by_test_id("revision-1").get_by_test_id("btn-open-revision").click()
    expect(page.get_by_test_id("revision-page")).to_contain_text("revision 1")
    assert page.errors == []


def test_upload_a_scikit_learn_file_from_the_models_page(page, live_server, tmp_path):
    import joblib
    from sklearn.datasets import load_iris
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_iris(return_X_y=True)
    model_file = tmp_path / "model.pkl"
    joblib.dump(DecisionTreeClassifier(max_depth=2).fit(X, y), model_file)
    garbage = tmp_path / "garbage.pkl"
    garbage.write_bytes(b"not a model")

    page.goto(f"{live_server.url}/#/models")
    expect(page.get_by_test_id("models-empty")).to_be_visible()
    page.get_by_test_id("btn-upload").click()
    dialog = page.get_by_test_id("upload-model-dialog")
    dialog.get_by_test_id("upload-name").fill("tree-upload")
    dialog.get_by_test_id("upload-file").set_input_files(str(garbage))
    dialog.get_by_test_id("btn-upload-model").click()
    expect(dialog.get_by_test_id("upload-error")).to_contain_text("does not load")
    dialog.get_by_test_id("upload-file").set_input_files(str(model_file))
    dialog.get_by_test_id("btn-upload-model").click()
    version = page.get_by_test_id("model-version")
    expect(version).to_contain_text("Uploaded sklearn file")
    expect(version).to_contain_text("uploaded, no run")
    assert page.errors == []


def test_deploy_a_registered_model_from_its_page_with_the_default_entry_script(page, live_server, tmp_path):
    import json

    import joblib
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    model_file = tmp_path / "model.pkl"
    joblib.dump(LogisticRegression(max_iter=500).fit(X, y), model_file)
    page.goto(f"{live_server.url}/#/models")
    page.get_by_test_id("btn-upload").click()
    dialog = page.get_by_test_id("upload-model-dialog")
    dialog.get_by_test_id("upload-name").fill("iris-logistic")
    dialog.get_by_test_id("upload-file").set_input_files(str(model_file))
    dialog.get_by_test_id("btn-upload-model").click()

    form = page.get_by_test_id("deploy-model-form")
    form.get_by_test_id("deploy-endpoint-name").fill("iris-logistic")
    form.get_by_test_id("btn-deploy-model").click()
    endpoint = page.get_by_test_id("endpoint-page")
    expect(endpoint.get_by_test_id("endpoint-model")).to_contain_text("iris-logistic:1")
    key = endpoint.get_by_test_id("endpoint-key").inner_text().strip()
    assert len(key) >= 32
    request = urllib.request.Request(f"{live_server.url}/endpoints/iris-logistic/score",
                                     data=json.dumps({"data": X[:2].tolist()}).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read()) == {"predictions": [0, 0]}
    assert page.errors == []
