"""Schedules and monitoring in the browser: create a schedule on a published pipeline and watch it run;
an endpoint's Monitor tab charts its traffic and shows drift."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from test_deploy_flow import completed_run

pytestmark = pytest.mark.browser


def test_a_schedule_made_on_a_published_pipeline_shows_its_next_and_last_run(page, live_server):
    graph_id = live_server.create_graph(live_server.example("iris-classification"))
    published = live_server.api("POST", f"/api/graphs/{graph_id}/publish", {"name": "Iris every few seconds"})

    page.goto(f"{live_server.url}/#/published/{published['pipeline_id']}")
    expect(page.get_by_test_id("pipeline-schedules-empty")).to_be_visible()
    page.get_by_test_id("btn-new-schedule").click()
    dialog = page.get_by_test_id("schedule-dialog")
    dialog.get_by_test_id("schedule-name").fill("Frequent retrain")
    dialog.get_by_test_id("schedule-interval").fill("0")
    dialog.get_by_test_id("schedule-unit").select_option("seconds")
    dialog.get_by_test_id("btn-save-schedule").click()
    expect(dialog).to_contain_text("at least 1")  # the field's own message, dialog still open
    dialog.get_by_test_id("schedule-interval").fill("3")
    dialog.get_by_test_id("schedule-params").fill("test_fraction=0.4")
    dialog.get_by_test_id("btn-save-schedule").click()
    expect(dialog).to_be_hidden()

    row = page.get_by_test_id("pipeline-schedules").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Frequent retrain")
    expect(row).to_contain_text("every 3 seconds")
    expect(row.get_by_test_id("schedule-next-run")).not_to_have_text("—")
    expect(row.get_by_test_id("schedule-last-run")).to_contain_text("completed", timeout=60_000)
    row.get_by_test_id("btn-schedule-toggle").click()
    expect(row.get_by_test_id("schedule-paused")).to_be_visible()

    schedule = live_server.api("GET", "/api/schedules")["schedules"][0]
    run = live_server.api("GET", f"/api/runs/{schedule['last_run_id']}")
    assert run["trigger"] == f"schedule:{schedule['id']}" and run["parameters"]["test_fraction"] == 0.4

    page.get_by_test_id("nav-schedules").click()
    expect(page.get_by_test_id("schedules-page").locator("tbody tr")).to_contain_text("Iris every few seconds")


def test_the_monitor_tab_charts_requests_and_latency(page, live_server):
    graph_id = live_server.create_graph(live_server.example("iris-classification"))
    run_id = completed_run(live_server, graph_id)
    made = live_server.api("POST", f"/api/graphs/{graph_id}/inference-graph", {"kind": "realtime", "run_id": run_id})
    key = live_server.api("POST", "/api/endpoints", {"name": "iris-watched", "graph_id": made["graph_id"]})["key"]
    row = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}
    for rows in ([row] * 3, [row], [{"sepal length (cm)": "tall"}]):
        request = urllib.request.Request(f"{live_server.url}/endpoints/iris-watched/score",
                                         data=json.dumps({"data": rows}).encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
        try:
            urllib.request.urlopen(request, timeout=30).read()
        except urllib.error.HTTPError as error:
            assert error.code == 400

    page.goto(f"{live_server.url}/#/endpoints/iris-watched")
    page.get_by_test_id("tab-monitor").click()
    expect(page.get_by_test_id("total-requests")).to_have_text("3")
    expect(page.get_by_test_id("total-4xx")).to_have_text("1")
    expect(page.get_by_test_id("total-latency")).to_contain_text("ms")
    for chart in ("chart-requests", "chart-latency"):
        canvas = page.get_by_test_id(chart).locator("canvas")
        expect(canvas).to_be_visible()
        assert canvas.bounding_box()["height"] > 100
    expect(page.get_by_test_id("drift-table").locator("tbody tr")).to_have_count(4)
    page.get_by_test_id("btn-toggle-logging").click()
    expect(page.get_by_test_id("endpoint-request-log")).to_contain_text("Logging 100% of requests")
