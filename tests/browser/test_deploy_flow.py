"""From a finished training run to a live endpoint by clicking alone: create the real-time
inference pipeline, deploy it, and score a row from the endpoint's Test tab with the key that
was shown once."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

IRIS_SPECIES = ("setosa", "versicolor", "virginica")


def completed_run(live_server, graph_id: str, timeout: float = 60.0) -> str:
    run_id = live_server.api("POST", f"/api/graphs/{graph_id}/runs", {})["run_id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = live_server.api("GET", f"/api/runs/{run_id}")["status"]
        if status == "completed":
            return run_id
        assert status in ("queued", "running"), f"the iris run ended {status}"
        time.sleep(0.2)
    raise AssertionError(f"the iris run did not finish in {timeout} s")


def test_a_trained_pipeline_is_deployed_and_scores_a_row_from_the_test_tab(page, live_server):
    graph_id = live_server.create_graph(live_server.example("iris-classification"))
    completed_run(live_server, graph_id)

    page.goto(f"{live_server.url}/#/graphs/{graph_id}")
    page.get_by_test_id("btn-inference").click()
    page.get_by_test_id("btn-inference-realtime").click()
    expect(page.get_by_test_id("deploy-actions")).to_have_attribute("data-kind", "realtime")

    page.get_by_test_id("btn-deploy").click()
    page.get_by_test_id("endpoint-name").fill("iris-browser")
    page.get_by_test_id("btn-deploy-confirm").click()

    expect(page).to_have_url(f"{live_server.url}/#/endpoints/iris-browser")
    expect(page.get_by_test_id("endpoint-url")).to_have_text(f"{live_server.url}/endpoints/iris-browser/score")
    key = page.get_by_test_id("endpoint-key").text_content()
    assert key and "Hidden" not in key
    expect(page.get_by_test_id("sample-curl")).to_contain_text(f"Bearer {key}")
    expect(page.get_by_test_id("sample-python")).to_contain_text('"petal width (cm)"')

    page.get_by_test_id("tab-test").click()
    expect(page.get_by_test_id("test-input")).to_contain_text('"sepal length (cm)"')
    page.get_by_test_id("btn-test-send").click()
    result = page.get_by_test_id("test-result")
    expect(result).to_have_attribute("data-state", "ok")
    label = page.get_by_test_id("prediction-0").locator(".prediction-label").text_content()
    assert label in IRIS_SPECIES

    # Leaving the page forgets the key: it is never shown again, yet the Test tab still scores,
    # as the user of this page (through /api), as Azure's Test tab does with the signed-in user.
    page.get_by_test_id("nav-endpoints").click()
    page.get_by_test_id("endpoint-row-iris-browser").get_by_role("link", name="iris-browser").click()
    expect(page.get_by_test_id("endpoint-key")).to_have_attribute("data-shown", "false")
    page.get_by_test_id("tab-test").click()
    expect(page.get_by_test_id("test-key-input")).to_have_count(0)
    expect(page.locator(".endpoint-test")).to_contain_text("Up to 10,000 rows")
    page.get_by_test_id("btn-test-send").click()
    expect(result).to_have_attribute("data-state", "ok")
    assert page.errors == []
