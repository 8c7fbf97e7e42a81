"""apply-sql-transformation: DuckDB's answer over the connected tables, and clear node errors for bad SQL."""
import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from components.ports import column_roles, with_roles
from components.spec import ComponentError


@pytest.fixture
def orders():
    return with_roles(pd.DataFrame({"customer": ["a", "b", "a", "c"], "amount": [10.0, 5.0, 7.5, 1.0],
                                    "bought": [1, 0, 1, 0]}), label="bought")


@pytest.fixture
def customers():
    return pd.DataFrame({"customer": ["a", "b", "c"], "city": ["oslo", "rome", "oslo"]})


def test_a_query_over_t1_gives_what_duckdb_gives_directly(run_component, orders):
    query = "select customer, sum(amount) as total, count(*) as n from t1 group by customer order by customer"
    out = run_component("apply-sql-transformation", {"t1": orders}, {"sql_query_script": query})["results_dataset"]
    t1 = orders.copy()
    t1.attrs = {}
    connection = duckdb.connect()
    connection.register("t1", t1)
    expected = connection.execute(query).fetchdf()
    assert_frame_equal(out, expected)
    assert out["total"].tolist() == [17.5, 5.0, 1.0]


def test_t2_and_t3_join_in_one_query(run_component, orders, customers):
    cities = pd.DataFrame({"city": ["oslo", "rome"], "country": ["NO", "IT"]})
    query = ("select t1.customer, t1.amount, t3.country from t1 join t2 using (customer) "
             "join t3 using (city) order by t1.amount")
    out = run_component("apply-sql-transformation", {"t1": orders, "t2": customers, "t3": cities},
                        {"sql_query_script": query})["results_dataset"]
    assert out.to_dict("list") == {"customer": ["c", "b", "a", "a"], "amount": [1.0, 5.0, 7.5, 10.0],
                                   "country": ["NO", "IT", "NO", "NO"]}


def test_columns_kept_from_t1_keep_their_roles(run_component, orders):
    out = run_component("apply-sql-transformation", {"t1": orders},
                        {"sql_query_script": "select amount, bought from t1 where amount > 2"})["results_dataset"]
    assert column_roles(out)["label"] == "bought"
    assert len(out) == 3


@pytest.mark.parametrize("query, words", [
    ("selec * frm t1", ["does not parse", "selec"]),
    ("select nosuchcolumn from t1", ["nosuchcolumn"]),
    ("select * from t2", ["t2", "not connected"]),
    ("select * from read_csv('/etc/passwd')", ["failed"]),
    ("   ", ["empty"]),
])
def test_bad_sql_is_a_node_error_naming_the_problem(run_component, orders, query, words):
    with pytest.raises(ComponentError) as caught:
        run_component("apply-sql-transformation", {"t1": orders}, {"sql_query_script": query})
    for word in words:
        assert word in str(caught.value)


def test_sql_that_does_not_parse_fails_the_node_in_a_real_run(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    graph = {"format": "designer-graph/1", "name": "bad sql", "nodes": [
        {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}},
        {"id": "sql", "component": "apply-sql-transformation", "params": {"sql_query_script": "selec oops"}}],
        "edges": [{"source": "iris", "source_port": "dataset", "target": "sql", "target_port": "t1"}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(graph))
    designer = Path(sys.executable).with_name("designer")
    result = subprocess.run([str(designer), "run", str(path), "--json", "--home", str(tmp_path / "home")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["nodes"]["sql"]["status"] == "failed"
    assert "does not parse" in json.dumps(report["nodes"]["sql"])
