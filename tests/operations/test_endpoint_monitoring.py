"""Endpoint monitoring: per-minute rollups with percentiles, Prometheus text, opt-in request logging, drift."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from prometheus_client.parser import text_string_to_metric_families

from designer.server.operations import monitor_for
from designer.serving.drift import drift_report, feature_profile, training_profile, bin_counts, psi, bin_labels
from designer.serving.monitoring import EndpointMonitor, latency_summary, LATENCY_BOUNDS_MS, bucket_of
from operations_support import bearer, train_and_deploy

ROWS = [{"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2},
        {"sepal length (cm)": 6.7, "sepal width (cm)": 3.0, "petal length (cm)": 5.2, "petal width (cm)": 2.3}]


@pytest.fixture
def served(client):
    return train_and_deploy(client, "iris-live")


def score(client, served, rows=ROWS, key=None):
    return client.post(f"/endpoints/{served['name']}/score", json={"data": rows},
                       headers=bearer(key or served["key"]))


def test_percentiles_come_from_merged_bucket_counts():
    def rollup(latencies):
        buckets = [0] * (len(LATENCY_BOUNDS_MS) + 1)
        for ms in latencies:
            buckets[bucket_of(ms)] += 1
        return buckets

    merged = [a + b for a, b in zip(rollup([1.0] * 45 + [50.0] * 4), rollup([1.0] * 45 + [50.0] * 5 + [900.0]))]
    summary = latency_summary(merged)
    # Within one bucket (25% wide) of the true values 1, 50 and 50 ms.
    assert 0.9 <= summary["p50"] <= 1.2
    assert 40 <= summary["p95"] <= 62 and 40 <= summary["p99"] <= 62
    assert latency_summary([0] * len(merged)) == {"p50": None, "p95": None, "p99": None}


def test_every_request_is_counted_by_minute_with_errors_and_latency(client, served):
    for _ in range(3):
        assert score(client, served).status_code == 200
    assert score(client, served, rows=[{"sepal length (cm)": "tall"}]).status_code == 400
    assert score(client, served, key="wrong").status_code == 401
    body = client.get(f"/api/endpoints/{served['name']}/metrics?minutes=5").get_json()
    assert len(body["minutes"]) == 5
    assert body["totals"]["requests"] == 5 and body["totals"]["errors_4xx"] == 2
    assert body["totals"]["errors_5xx"] == 0
    latest = [m for m in body["minutes"] if m["requests"]]
    assert len(latest) == 1 and latest[0]["requests"] == 5
    assert set(latest[0]) == {"minute", "requests", "errors_4xx", "errors_5xx", "latency_ms"}
    assert 0 < latest[0]["latency_ms"]["p50"] <= latest[0]["latency_ms"]["p95"] <= latest[0]["latency_ms"]["p99"]


def test_rollups_from_two_flushes_of_one_minute_add_up(app, served, client):
    monitor = monitor_for(app)
    score(client, served)
    monitor.flush()
    score(client, served)
    score(client, served)
    totals = client.get(f"/api/endpoints/{served['name']}/metrics?minutes=2").get_json()["totals"]
    assert totals["requests"] == 3


def test_rollups_older_than_thirty_days_are_pruned(app):
    store = app.extensions["designer"].store
    old = pd.Timestamp("2026-01-01T00:00:00Z").to_pydatetime()
    store.add_endpoint_minutes([{"endpoint": "gone", "minute": old, "requests": 1, "errors_4xx": 0,
                                 "errors_5xx": 0, "latency_ms_sum": 1.0, "latency_buckets": [1]}])
    assert store.prune_monitoring(pd.Timestamp("2026-01-31T00:00:01Z").to_pydatetime()) == 1
    assert store.endpoint_minutes("gone", old) == []


def test_prometheus_text_parses_with_counters_histogram_and_runs(client, served):
    score(client, served)
    score(client, served, key="wrong")
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    families = {f.name: f for f in text_string_to_metric_families(response.data.decode())}
    requests = {(s.labels["endpoint"], s.labels["status_class"]): s.value
                for s in families["designer_endpoint_requests"].samples if s.name.endswith("_total")}
    assert requests == {("iris-live", "2xx"): 1.0, ("iris-live", "4xx"): 1.0}
    histogram = families["designer_endpoint_request_seconds"]
    count = next(s.value for s in histogram.samples if s.name.endswith("_count"))
    assert histogram.type == "histogram" and count == 2.0
    runs = {s.labels["status"]: s.value for s in families["designer_runs"].samples}
    assert runs["completed"] >= 1


def test_requests_for_endpoints_that_do_not_exist_share_one_series(app, client, served):
    """Made-up endpoint names must not grow the metrics: every 404 is counted under one name."""
    for n in range(25):
        assert client.post(f"/endpoints/made-up-{n}/score", json={"data": ROWS}).status_code == 404
    score(client, served)
    monitor_for(app).flush()
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").data.decode())}
    names = {s.labels["endpoint"] for s in families["designer_endpoint_requests"].samples}
    assert names == {"iris-live", "(unknown)"}
    unknown = [s.value for s in families["designer_endpoint_requests"].samples
               if s.labels["endpoint"] == "(unknown)" and s.name.endswith("_total")]
    assert unknown == [25.0]
    assert client.get("/api/endpoints/made-up-3/metrics").status_code == 404


def test_request_logging_is_off_by_default_and_capped_when_on(client, served):
    score(client, served)
    assert client.get(f"/api/endpoints/{served['name']}/requests").get_json()["requests"] == []
    changed = client.patch(f"/api/endpoints/{served['name']}",
                           json={"logging": {"enabled": True, "sample_rate": 1.0, "max_entries": 2}})
    assert changed.status_code == 200 and changed.get_json()["logging"]["enabled"] is True
    for _ in range(3):
        score(client, served)
    score(client, served, rows=[{"sepal length (cm)": "tall"}])
    logged = client.get(f"/api/endpoints/{served['name']}/requests").get_json()
    assert len(logged["requests"]) == 2
    assert logged["requests"][0]["status"] == 400 and "tall" in logged["requests"][0]["request"]
    assert '"predictions"' in logged["requests"][1]["response"]


@pytest.mark.parametrize("body", [
    {"logging": {"enabled": "yes"}}, {"logging": {"enabled": True, "sample_rate": 0}},
    {"logging": {"enabled": True, "sample_rate": 1.5}}, {"logging": {"max_entries": 0}},
    {"logging": {"colour": 1}}, {"logging": []}, {"drift_threshold": -1}, {"name": "renamed"},
])
def test_bad_monitoring_settings_are_refused(client, served, body):
    assert client.patch(f"/api/endpoints/{served['name']}", json=body).status_code == 400


@pytest.mark.parametrize("path", ["metrics", "requests", "drift", "promotions"])
def test_monitoring_of_an_unknown_endpoint_is_404(client, path):
    assert client.get(f"/api/endpoints/nope/{path}").status_code == 404
    assert client.patch("/api/endpoints/nope", json={"drift_threshold": 0.3}).status_code == 404


@pytest.mark.parametrize("query", ["metrics?minutes=0", "metrics?minutes=abc", "metrics?minutes=99999999",
                                   "drift?hours=0", "drift?hours=9999", "requests?limit=0"])
def test_a_bad_window_or_limit_is_refused(client, served, query):
    response = client.get(f"/api/endpoints/{served['name']}/{query}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid-query"


# ---------------------------------------------------------------- drift

def test_psi_is_small_for_the_same_distribution_and_large_when_shifted():
    rng = np.random.default_rng(0)
    training = pd.Series(rng.normal(0, 1, 5000))
    profile = feature_profile(training)
    same = bin_counts(profile, pd.Series(rng.normal(0, 1, 2000)))
    shifted = bin_counts(profile, pd.Series(rng.normal(1.5, 1, 2000)))
    labels = bin_labels(profile)
    assert psi(profile["expected"], same, labels) < 0.05
    assert psi(profile["expected"], shifted, labels) > 0.5


def test_categorical_drift_counts_unseen_values_as_other():
    training = pd.Series(["red"] * 500 + ["blue"] * 500)
    profile = feature_profile(training)
    report = drift_report({"colour": profile},
                          {"colour": bin_counts(profile, pd.Series(["green"] * 300 + ["red"] * 100))})
    feature = report["features"][0]
    assert report["drifting"] and feature["psi"] > 1
    assert feature["actual"][feature["bins"].index("(other)")] == 300


def test_an_endpoint_drifts_when_what_it_scores_moves_away_from_its_training_data(client, served):
    from sklearn.datasets import load_iris

    flowers = load_iris(as_frame=True).data.sample(frac=1.0, random_state=3)
    like_training = flowers.to_dict(orient="records")
    for start in range(0, 150, 25):
        assert score(client, served, rows=like_training[start:start + 25]).status_code == 200
    calm = client.get(f"/api/endpoints/{served['name']}/drift").get_json()
    assert calm["available"] and calm["threshold"] == 0.2
    by_feature = {f["feature"]: f for f in calm["features"]}
    assert set(by_feature) == {"sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"}
    assert all(f["psi"] < 0.1 for f in by_feature.values()), by_feature
    shifted = [{**row, "petal length (cm)": 20.0 + i} for i, row in enumerate(ROWS * 200)]
    assert score(client, served, rows=shifted).status_code == 200
    drifting = client.get(f"/api/endpoints/{served['name']}/drift").get_json()
    petal = next(f for f in drifting["features"] if f["feature"] == "petal length (cm)")
    assert drifting["drifting"] and petal["drifting"] and petal["psi"] > 1
    assert len(petal["bins"]) == len(petal["expected"]) == len(petal["actual"])
    assert client.patch(f"/api/endpoints/{served['name']}", json={"drift_threshold": 50}).status_code == 200
    assert client.get(f"/api/endpoints/{served['name']}/drift").get_json()["drifting"] is False


def test_a_monitor_wraps_any_wsgi_scoring_app():
    class Store:
        def all_logging_settings(self):
            return {}

    def scoring_app(environ, start_response):
        start_response("503 Service Unavailable", [("Content-Type", "application/json")])
        return [b"{}"]

    monitor = EndpointMonitor(Store())
    app = monitor.wsgi(scoring_app)
    environ = {"PATH_INFO": "/endpoints/other/score", "REQUEST_METHOD": "POST"}
    assert app(environ, lambda status, headers, exc_info=None: None) == [b"{}"]
    app({"PATH_INFO": "/api/health", "REQUEST_METHOD": "GET"}, lambda *a: None)
    rollup = next(iter(monitor._rollups.values()))
    assert (rollup.requests, rollup.errors_5xx) == (1, 1)
    assert training_profile(pd.DataFrame({"a": [1, 2]}), ["a", "missing"]).keys() == {"a"}


def test_monitor_scoring_app_counts_another_servers_requests_into_the_same_store(app):
    from datetime import datetime, timedelta, timezone

    from designer.serving.monitoring import monitor_scoring_app

    def production_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"predictions": [1]}']

    designer = app.extensions["designer"]
    wrapped, monitor = monitor_scoring_app(production_app, designer, flush_seconds=3600)
    for _ in range(4):
        wrapped({"PATH_INFO": "/endpoints/elsewhere/score", "REQUEST_METHOD": "POST"}, lambda *a: None)
    monitor.stop()  # flushes what is left
    rows = designer.store.endpoint_minutes("elsewhere", datetime.now(timezone.utc) - timedelta(minutes=2))
    assert sum(r["requests"] for r in rows) == 4
