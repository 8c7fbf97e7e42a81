"""execute-python-script: Azure ML's azureml_main contract, run in a sandboxed process with a time limit."""
import os
import textwrap
import threading
import time

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from components.context import Cancelled, RunContext
from components.ports import DataFrame, column_roles, with_roles
from components.spec import ComponentError


def script(body: str) -> str:
    return textwrap.dedent(body).lstrip()


def logged(ctx) -> list[str]:
    return [payload["text"] for kind, payload in ctx.events if kind == "node.log"]


@pytest.fixture
def iris(run_component):
    return run_component("sample-dataset", params={"name": "iris"})["dataset"]


def test_default_script_returns_dataframe1_unchanged_and_an_empty_second_result(run_component, ctx, iris):
    out = run_component("execute-python-script", {"dataframe1": iris})

    assert_frame_equal(out["result_dataset"], iris)
    assert column_roles(out["result_dataset"]) == column_roles(iris)
    assert out["result_dataset2"].empty
    assert any(line.startswith("Input pandas.DataFrame #1:") for line in logged(ctx))


def test_azure_style_script_with_two_inputs_and_two_outputs(run_component, ctx, artifact_store):
    left = with_roles(pd.DataFrame({"x": [1, 2, 3], "y": [1.0, 2.0, 3.0]}), label="y")
    right = pd.DataFrame({"z": ["a", "b"]})
    code = script("""
        import os
        import pandas as pd

        def azureml_main(dataframe1 = None, dataframe2 = None):
            print("rows:", len(dataframe1), len(dataframe2))
            dataframe1["x2"] = dataframe1["x"] * 2
            return dataframe1, pd.DataFrame({"pid": [os.getpid()], "n": [len(dataframe2)]})
    """)

    out = run_component("execute-python-script", {"dataframe1": left, "dataframe2": right}, {"script": code})

    assert out["result_dataset"]["x2"].tolist() == [2, 4, 6]
    assert column_roles(out["result_dataset"])["label"] == "y"
    assert out["result_dataset2"]["pid"].iloc[0] != os.getpid()  # a separate process
    assert "rows: 3 2" in logged(ctx)
    stored = artifact_store.get(artifact_store.put(DataFrame, out["result_dataset"]))
    assert column_roles(stored)["label"] == "y"


def test_unconnected_inputs_arrive_as_none_and_a_bare_dataframe_return_is_accepted(run_component):
    code = script("""
        import pandas as pd
        def azureml_main(dataframe1, dataframe2):
            return pd.DataFrame({"none": [dataframe1 is None and dataframe2 is None]})
    """)
    out = run_component("execute-python-script", {}, {"script": code})
    assert out["result_dataset"]["none"].tolist() == [True]


def test_grouped_results_keep_their_group_keys_as_columns(run_component, iris):
    code = script("""
        def azureml_main(dataframe1 = None, dataframe2 = None):
            return dataframe1.groupby("species")[["petal width (cm)"]].mean(),
    """)
    result = run_component("execute-python-script", {"dataframe1": iris}, {"script": code})["result_dataset"]
    expected = iris.groupby("species")[["petal width (cm)"]].mean().reset_index()
    assert_frame_equal(result, expected, check_dtype=False)
    assert column_roles(result)["label"] == "species"


def test_a_failing_script_reports_its_own_traceback_only(run_component, ctx, iris):
    code = script("""
        def azureml_main(dataframe1 = None, dataframe2 = None):
            print("about to fail")
            return dataframe1["no such column"],
    """)
    with pytest.raises(ComponentError) as raised:
        run_component("execute-python-script", {"dataframe1": iris}, {"script": code})

    message = str(raised.value)
    assert 'File "script.py", line 3, in azureml_main' in message
    assert "KeyError: 'no such column'" in message
    assert "pandas" not in message and "_script_host" not in message
    assert "about to fail" in logged(ctx)


@pytest.mark.parametrize("code, message", [
    ("def azureml_main(dataframe1 = None, dataframe2 = None)\n    return dataframe1,\n",
     '(?s)File "script.py", line 1.*SyntaxError'),
    ("import pandas as pd\n", "must define a function azureml_main"),
    ("def azureml_main(dataframe1 = None, dataframe2 = None):\n    return {'a': 1}\n",
     "must return a tuple of up to two pandas DataFrames.*not a dict"),
    ("def azureml_main(dataframe1 = None, dataframe2 = None):\n    return dataframe1, dataframe1, dataframe1\n",
     "returned 3 values"),
    ("import sys\ndef azureml_main(dataframe1 = None, dataframe2 = None):\n    sys.exit(3)\n",
     "called exit\\(3\\)"),
    ("import os\ndef azureml_main(dataframe1 = None, dataframe2 = None):\n    os._exit(7)\n",
     "ended abruptly \\(exit status 7\\)"),
])
def test_script_mistakes_become_clear_errors(run_component, code, message):
    with pytest.raises(ComponentError, match=message):
        run_component("execute-python-script", {"dataframe1": pd.DataFrame({"a": [1]})}, {"script": code})


def test_a_script_past_its_time_limit_is_stopped(run_component, ctx):
    code = script("""
        import os, time
        def azureml_main(dataframe1 = None, dataframe2 = None):
            print(f"sandbox-uid={os.getuid()}", flush=True)
            time.sleep(60)
    """)
    started = time.monotonic()
    with pytest.raises(ComponentError, match="did not finish within 2 seconds"):
        run_component("execute-python-script", {}, {"script": code, "timeout_seconds": 2})

    assert time.monotonic() - started < 10
    assert_no_process_of(script_uid(logged(ctx)))


def test_cancelling_the_run_kills_the_script(run_component):
    code = script("""
        import os, time
        def azureml_main(dataframe1 = None, dataframe2 = None):
            print(f"sandbox-uid={os.getuid()}", flush=True)
            time.sleep(60)
    """)
    cancelled, lines = threading.Event(), []

    def report(kind, payload):
        if kind == "node.log":
            lines.append(payload["text"])
            if payload["text"].startswith("sandbox-uid="):
                cancelled.set()

    context = RunContext(is_cancelled=cancelled.is_set, report=report)
    with pytest.raises(Cancelled):
        run_component("execute-python-script", {}, {"script": code}, context=context)

    assert_no_process_of(script_uid(lines))


def test_output_columns_mixing_types_are_kept_as_text(run_component, ctx):
    code = script("""
        import pandas as pd
        def azureml_main(dataframe1 = None, dataframe2 = None):
            return pd.DataFrame({"mixed": [1, "two", None]}),
    """)
    result = run_component("execute-python-script", {}, {"script": code})["result_dataset"]
    assert result["mixed"].tolist()[:2] == ["1", "two"] and pd.isna(result["mixed"].iloc[2])
    assert any("mix value types" in line for line in logged(ctx))


def script_uid(lines: list[str]) -> int:
    """The user id the script ran as (it printed it); a throwaway one per run when the server is root."""
    found = [int(line.split("=", 1)[1]) for line in lines if line.startswith("sandbox-uid=")]
    assert found, f"the script did not report its uid: {lines}"
    return found[0]


def processes_of(uid: int) -> list[int]:
    owned = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    owned.append(int(entry))
            except FileNotFoundError:
                pass
    return owned


def assert_no_process_of(uid: int) -> None:
    if os.geteuid() != 0:
        pytest.skip("only a root server gives each script its own uid to find its processes by")
    assert uid != 0, "a root server must not run scripts as root"
    deadline = time.monotonic() + 5
    while processes_of(uid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_of(uid) == [], f"processes of the script's uid {uid} are still running"
