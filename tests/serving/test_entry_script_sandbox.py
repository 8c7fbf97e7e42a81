"""Entry-script deployments run in the script sandbox: hostile score.py files are stopped, Azure's sample still works,
the process stays warm (init() once) and comes back after it dies; a hang or a blown memory limit is a clear 5xx."""
from __future__ import annotations

import io
import json
import os
import signal
import socket
import sys
import textwrap
import threading
import time
from pathlib import Path

import joblib
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from components import script_sandbox
from designer.server import close_app, create_app
from designer.serving import entry_script
from designer.serving.entry_script import EntryScriptEndpoint, EntryScriptFailed

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / area) for area in ("workspace", "components")]
from test_python_script import processes_of  # noqa: E402
from test_python_script_sandbox import FORK_BOMB  # noqa: E402
from workspace_support import AZURE_DOCS_SCORE_PY, bearer, deploy  # noqa: E402

ISOLATION = script_sandbox.detect_isolation().level
needs_bubblewrap = pytest.mark.skipif(ISOLATION != "bubblewrap", reason="bubblewrap is not usable here")
#: Whether the rlimits fallback gives the script a throwaway uid here (root, and a Python others may run).
FALLBACK_OWN_UID = os.geteuid() == 0 and script_sandbox.others_can_run_python()
X, Y = load_iris(return_X_y=True)


def script(body: str) -> str:
    return textwrap.dedent(body).lstrip()


def isolated(sandbox: str) -> bool:
    """Whether the script under `sandbox` cannot reach the server's files (bubblewrap, or a throwaway uid)."""
    return (sandbox == "auto" and ISOLATION == "bubblewrap") or FALLBACK_OWN_UID


@pytest.fixture(params=["auto", "rlimits"])
def sandbox(request, monkeypatch):
    """Each test runs under what the machine offers and again under the rlimits fallback."""
    monkeypatch.setenv("DESIGNER_SCRIPT_SANDBOX", request.param)
    return request.param


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("iris-model")
    joblib.dump(LogisticRegression(max_iter=1000).fit(X, Y), folder / "model.pkl")
    return folder


@pytest.fixture
def serve(model_dir):
    started: list[EntryScriptEndpoint] = []

    def start(code: str) -> EntryScriptEndpoint:
        started.append(EntryScriptEndpoint("sandboxed", {"kind": "entry-script", "entry_script": code}, model_dir))
        return started[-1]

    yield start
    for endpoint in started:
        endpoint.close()


WARM = script("""
    import json, os, uuid
    import joblib
    INITS = 0
    def init():
        global INITS, model, token
        INITS += 1
        token = uuid.uuid4().hex
        model = joblib.load(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.pkl"))
    def run(raw_data):
        return {"inits": INITS, "token": token, "labels": model.predict(json.loads(raw_data)["data"]).tolist()}
""")


def test_the_azure_docs_score_py_works_unchanged_in_the_sandbox(serve, sandbox):
    endpoint = serve(AZURE_DOCS_SCORE_PY)
    assert endpoint.run(json.dumps({"data": X[[0, 60, 120]].tolist()})) == [0, 1, 2]
    isolation = next(line for line in endpoint.log_tail() if line.startswith("isolation:"))
    assert ("rlimits" if sandbox == "rlimits" else ISOLATION) in isolation and "MiB memory" in isolation


def test_init_runs_once_and_every_request_reaches_the_same_warm_process(serve, sandbox):
    endpoint = serve(WARM)
    answers = [endpoint.run(json.dumps({"data": X[[i]].tolist()})) for i in (0, 60, 120, 1)]
    assert [a["labels"] for a in answers] == [[0], [1], [2], [0]]
    assert {a["inits"] for a in answers} == {1} and len({a["token"] for a in answers}) == 1


def test_a_killed_process_is_started_again_by_the_next_request(serve, sandbox):
    endpoint = serve(WARM)
    before = endpoint.run(json.dumps({"data": X[:1].tolist()}))
    process = endpoint._process.process
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    after = endpoint.run(json.dumps({"data": X[:1].tolist()}))
    assert after["labels"] == [0] and after["inits"] == 1 and after["token"] != before["token"]
    assert any("starting it again" in line for line in endpoint.log_tail())


def test_a_process_started_by_a_thread_that_has_ended_stays_warm(model_dir):
    """A request's thread deploys or restarts the endpoint and then ends; the process must not end with it."""
    started: list = []

    def deploy_and_score():
        started.append(EntryScriptEndpoint("from-a-thread", {"kind": "entry-script", "entry_script": WARM}, model_dir))
        started.append(started[0].run(json.dumps({"data": X[:1].tolist()})))

    thread = threading.Thread(target=deploy_and_score)
    thread.start()
    thread.join()
    endpoint, first = started
    try:
        time.sleep(0.5)
        later = endpoint.run(json.dumps({"data": X[:1].tolist()}))
        assert later["token"] == first["token"], endpoint.log_tail()
        assert not any("starting it again" in line for line in endpoint.log_tail())
    finally:
        endpoint.close()


def test_a_fork_bomb_in_run_is_bounded_by_the_process_limit_and_ends_with_its_answer(serve, monkeypatch):
    if not isolated("auto") or os.geteuid() != 0:
        pytest.skip("the process limit binds only a throwaway uid (root server with bubblewrap or o+x Python)")
    monkeypatch.setenv("DESIGNER_SCRIPT_SANDBOX", "auto")
    monkeypatch.setenv("DESIGNER_SCRIPT_MAX_PROCESSES", "32")
    endpoint = serve(FORK_BOMB + script("""
        def init():
            pass
        def run(raw_data):
            return {**azureml_main()[0].iloc[0].to_dict(), "uid": os.getuid()}
    """))
    outcome = endpoint.run("{}")
    assert outcome["forks"] < 32 and "Resource temporarily unavailable" in outcome["error"], outcome
    deadline = time.monotonic() + 5
    while len(processes_of(outcome["uid"])) > 1 and time.monotonic() < deadline:  # the warm host itself stays
        time.sleep(0.05)
    assert len(processes_of(outcome["uid"])) == 1
    endpoint.close()
    assert processes_of(outcome["uid"]) == []


def test_without_bubblewrap_it_falls_back_to_rlimits_and_says_why(serve, monkeypatch):
    monkeypatch.setenv("DESIGNER_SCRIPT_SANDBOX", "auto")
    monkeypatch.setattr(script_sandbox.shutil, "which", lambda name: None)
    endpoint = serve(AZURE_DOCS_SCORE_PY)
    assert endpoint.run(json.dumps({"data": X[:1].tolist()})) == [0]
    assert any("rlimits only (bubblewrap is not installed" in line for line in endpoint.log_tail())


def test_a_pytorch_model_loads_and_scores_within_the_endpoint_memory_limit(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setenv("DESIGNER_SCRIPT_SANDBOX", "auto")
    torch.manual_seed(0)
    network = torch.nn.Linear(4, 3)
    torch.save(network.state_dict(), tmp_path / "model.pt")
    expected = network(torch.tensor(X[[0, 60]], dtype=torch.float32)).argmax(1).tolist()
    code = script("""
        import json, os
        import torch
        def init():
            global model
            model = torch.nn.Linear(4, 3)
            model.load_state_dict(torch.load(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.pt")))
            model.eval()
        def run(raw_data):
            with torch.no_grad():
                rows = torch.tensor(json.loads(raw_data)["data"], dtype=torch.float32)
                return model(rows).argmax(1).tolist()
    """)
    endpoint = EntryScriptEndpoint("torch", {"kind": "entry-script", "entry_script": code}, tmp_path)
    try:
        assert endpoint.run(json.dumps({"data": X[[0, 60]].tolist()})) == expected
    finally:
        endpoint.close()


def test_the_script_cannot_touch_the_home_the_database_or_its_own_model(serve, sandbox, tmp_path):
    if not isolated(sandbox):
        pytest.skip("without bubblewrap or a throwaway uid the script runs as the server's own user")
    home = tmp_path / "home"
    home.mkdir()
    (home / "designer.db").write_text("SQLite format 3 -- secret rows")
    code = script(f"""
        import os
        def init():
            pass
        def attempt(action):
            try:
                action()
                return "done"
            except OSError as exc:
                return "refused: " + type(exc).__name__
        def run(raw_data):
            model = os.environ["AZUREML_MODEL_DIR"]
            return {{"read_db": attempt(lambda: open({str(home / "designer.db")!r}).read()),
                    "write_home": attempt(lambda: open({str(home / "planted.txt")!r}, "w").write("x")),
                    "write_model": attempt(lambda: open(os.path.join(model, "model.pkl"), "ab").write(b"x")),
                    "add_to_model": attempt(lambda: open(os.path.join(model, "extra.pkl"), "w").write("x")),
                    "rewrite_itself": attempt(lambda: open("script.py", "a").write("# changed")),
                    "scratch": attempt(lambda: open("scratch.txt", "w").write("x"))}}
    """)
    outcome = serve(code).run("{}")
    assert outcome.pop("scratch") == "done"  # its working folder is writable where it must be
    assert all(value.startswith("refused") for value in outcome.values()), outcome
    assert not (home / "planted.txt").exists()


@needs_bubblewrap
def test_with_bubblewrap_the_script_has_no_network_and_a_scrubbed_environment(serve, monkeypatch):
    monkeypatch.setenv("DESIGNER_SCRIPT_SANDBOX", "auto")
    monkeypatch.setenv("DESIGNER_DB_URL", "postgresql://designer:secret@db/designer")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    code = script(f"""
        import os, socket
        def init():
            pass
        def run(raw_data):
            try:
                socket.create_connection(("127.0.0.1", {listener.getsockname()[1]}), timeout=2)
                network = "connected"
            except OSError as exc:
                network = "refused: " + type(exc).__name__
            return {{"network": network, "environment": sorted(os.environ)}}
    """)
    try:
        outcome = serve(code).run("{}")
    finally:
        listener.close()
    assert outcome["network"].startswith("refused"), outcome
    assert "DESIGNER_DB_URL" not in outcome["environment"] and "AZUREML_MODEL_DIR" in outcome["environment"]


GRANDCHILD = script("""
    import os, time
    def init():
        pass
    def run(raw_data):
        if raw_data == "check":
            pid = int(open("grandchild.pid").read())
            try:
                os.kill(pid, 0)
                return "alive"
            except ProcessLookupError:
                return "gone"
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                open("grandchild.pid", "w").write(str(os.getpid()))
                time.sleep(120)
            os._exit(0)
        os.wait()
        while not os.path.exists("grandchild.pid"):
            time.sleep(0.01)
        return "forked"
""")


def test_a_grandchild_run_starts_does_not_outlive_its_answer(serve, sandbox):
    endpoint = serve(GRANDCHILD)
    assert endpoint.run("fork") == "forked"
    assert endpoint.run("check") == "gone"


# ---------------------------------------------------------------- through the scoring route
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(a Flask client over a fresh home, its iris model "NAME:VERSION", the home's folder)."""
    home = tmp_path_factory.mktemp("sandbox-home")
    app = create_app(home=str(home))
    client = app.test_client()
    buffer = io.BytesIO()
    joblib.dump(LogisticRegression(max_iter=1000).fit(X, Y), buffer)
    response = client.post("/api/models", data={"name": "iris-sandboxed", "flavor": "sklearn",
                                                "file": (io.BytesIO(buffer.getvalue()), "model.pkl")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    yield client, f"iris-sandboxed:{response.get_json()['version']}", home
    close_app(app)


TROUBLE = AZURE_DOCS_SCORE_PY.replace("def run(raw_data):", """def run(raw_data):
    if "hang" in raw_data:
        import time
        time.sleep(60)
    if "hog" in raw_data:
        block = bytearray(3 * 1024 ** 3)
    if "crash" in raw_data:
        os._exit(3)
""")


@pytest.mark.parametrize("trouble, status, code, words", [
    ("hang", 504, "scoring-timeout", "did not answer within 2 seconds"),
    ("hog", 502, "entry-script-out-of-memory", "ran out of memory (its limit is 1024 MiB)"),
    ("crash", 502, "entry-script-crashed", "ended while scoring (exit status 3"),
])
def test_a_run_that_hangs_blows_its_memory_or_crashes_is_a_5xx_and_the_next_request_is_served(
        served, monkeypatch, trouble, status, code, words):
    client, model, _ = served
    monkeypatch.setattr(entry_script, "RUN_TIMEOUT", 2)
    monkeypatch.setenv("DESIGNER_ENDPOINT_MEMORY_MB", "1024")
    key = deploy(client, f"troubled-{trouble}", model, TROUBLE)["key"]
    started = time.monotonic()
    failed = client.post(f"/endpoints/troubled-{trouble}/score", json={"data": [], trouble: True}, headers=bearer(key))
    assert time.monotonic() - started < 30
    assert failed.status_code == status, failed.get_json()
    error = failed.get_json()["error"]
    assert error["code"] == code and words in error["message"], error
    fine = client.post(f"/endpoints/troubled-{trouble}/score", json={"data": X[:1].tolist()}, headers=bearer(key))
    assert fine.status_code == 200 and fine.get_json() == [0]
    client.delete(f"/api/endpoints/troubled-{trouble}")


def test_a_deployed_score_py_cannot_read_the_servers_database_or_write_into_its_home(served, monkeypatch):
    monkeypatch.setenv("DESIGNER_SCRIPT_SANDBOX", "auto")
    if not isolated("auto"):
        pytest.skip("without bubblewrap or a throwaway uid the script runs as the server's own user")
    client, model, home = served
    databases = sorted(str(path) for path in home.rglob("*.db"))
    assert databases, "the home has no database file to try"
    code = AZURE_DOCS_SCORE_PY.replace("def run(raw_data):", f"""def run(raw_data):
    if "snoop" in raw_data:
        tried = {{}}
        for path in {databases!r}:
            try:
                tried[path] = open(path, "rb").read(16).decode("latin-1")
            except OSError as exc:
                tried[path] = "refused: " + type(exc).__name__
        try:
            open({str(home / "planted.txt")!r}, "w").write("x")
            tried["home"] = "written"
        except OSError as exc:
            tried["home"] = "refused: " + type(exc).__name__
        return tried
""")
    key = deploy(client, "snooping", model, code)["key"]
    tried = client.post("/endpoints/snooping/score", json={"snoop": True}, headers=bearer(key)).get_json()
    assert tried and all(value.startswith("refused") for value in tried.values()), tried
    assert not (home / "planted.txt").exists()
    client.delete("/api/endpoints/snooping")


def test_an_error_raised_by_run_stays_a_400_with_its_traceback(serve):
    endpoint = serve(AZURE_DOCS_SCORE_PY)
    with pytest.raises(EntryScriptFailed) as failed:
        endpoint.run(json.dumps({"rows": []}))
    assert failed.value.status == 400 and "KeyError: 'data'" in failed.value.traceback
