"""designer.sdk.Pipeline: build in code, round-trip the JSON document exactly, run here and on a server."""
from __future__ import annotations

import json
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from designer.sdk import Pipeline, PipelineError
from designer.server import close_app, create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def iris_in_code() -> Pipeline:
    p = Pipeline("Iris classification", description="Built with the SDK")
    data = p.add("sample-dataset", node_id="iris", name="iris")
    split = p.add("split-data", node_id="split", test_fraction=p.parameter("test_fraction", "float", 0.3),
                  seed=7, stratify_column="species")
    algo = p.add("logistic-regression", node_id="algo")
    train = p.add("train-model", node_id="train", label_column="species")
    score = p.add("score-model", node_id="score")
    evaluate = p.add("evaluate-model", node_id="eval")
    p.connect(data, split).connect(split["train"], train).connect(algo, train)
    p.connect(split["test"], score).connect(train, score).connect(score, evaluate)
    return p


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_from_json_to_json_is_exactly_the_document(example):
    document = json.loads((EXAMPLES / example).read_text())
    assert Pipeline.from_json(document).to_json() == document
    assert Pipeline.from_json(json.dumps(document)).to_json() == document


def test_a_pipeline_built_in_code_is_the_iris_example_without_positions():
    built = iris_in_code().to_json()
    example = json.loads((EXAMPLES / "iris-classification.json").read_text())
    wiring = ("source", "source_port", "target", "target_port")
    assert sorted(map(json.dumps, built["edges"])) == \
        sorted(json.dumps({k: e[k] for k in wiring}) for e in example["edges"])
    assert {n["id"]: n["params"] for n in built["nodes"]} == {n["id"]: n["params"] for n in example["nodes"]}
    assert built["parameters"][0] == {k: example["parameters"][0][k] for k in ("name", "type", "default")}
    assert iris_in_code().validate() == []


def test_building_mistakes_are_refused_with_a_reason():
    p = Pipeline("t")
    with pytest.raises(PipelineError, match="unknown component"):
        p.add("no-such-thing")
    with pytest.raises(PipelineError, match="no parameter 'fraction'"):
        p.add("split-data", fraction=0.3)
    data, split = p.add("sample-dataset"), p.add("split-data")
    train = p.add("train-model")
    with pytest.raises(PipelineError, match="more than one way"):
        p.connect(split, train)  # train or test?
    p.connect(data, split)
    assert [e["target_port"] for e in p.to_json()["edges"]] == ["dataset"]
    assert {pr.code for pr in p.validate()} == {"missing-input"}
    with pytest.raises(PipelineError, match="not valid"):
        p.run()


def test_run_here_gives_the_same_metrics_as_designer_run(tmp_path):
    from designer.home import Home
    from designer.service import Designer

    result = iris_in_code().run(home=tmp_path / "sdk-home")
    assert result["status"] == "completed"
    designer = Designer(Home.resolve(tmp_path / "cli-home", None))
    try:
        expected = designer.run(json.loads((EXAMPLES / "iris-classification.json").read_text()))
    finally:
        designer.close()
    assert result["nodes"]["eval"]["metrics"] == expected.nodes["eval"].metrics
    saved = tmp_path / "iris.json"
    iris_in_code().save(saved)
    assert Pipeline.load(saved).to_json() == iris_in_code().to_json()


@pytest.fixture
def server(tmp_path):
    app = create_app(home=tmp_path / "server-home", config={"STATIC_DIST": str(tmp_path / "no-dist")})
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    designer = app.extensions["designer"]
    for run_id in list(designer._threads):
        designer.wait(run_id, 20)
    close_app(app)


def test_run_publish_and_deploy_on_a_server(server):
    p = iris_in_code()
    result = p.run(url=server, token="a-token")
    assert result["status"] == "completed" and result["nodes"]["eval"]["metrics"]["accuracy"] > 0.8
    graph_id = p.graph_id
    p.node("train").set(label_column="species")
    again = p.run(url=server)
    assert p.graph_id == graph_id and again["nodes"]["train"]["cached"]
    published = p.publish(url=server)
    assert published["version"] == 1 and published["key"]
    endpoint = p.deploy("iris-sdk", url=server, run_id=result["run_id"])
    assert endpoint["name"] == "iris-sdk" and endpoint["key"]
    row = {"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}
    request = urllib.request.Request(f"{server}/endpoints/iris-sdk/score", data=json.dumps({"data": [row]}).encode(),
                                     headers={"Authorization": f"Bearer {endpoint['key']}",
                                              "Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    assert answer["predictions"][0]["label"] == "setosa"


def test_a_refused_request_says_why(server):
    p = iris_in_code()
    with pytest.raises(PipelineError) as caught:
        p.deploy("Bad Name!", url=server)
    assert caught.value.status == 400
