"""Clients written for Azure ML work unchanged: Studio (classic) tables in and out, the label column ignored."""
from __future__ import annotations

import pytest

from serving_support import IRIS_ROW

COLUMNS = list(IRIS_ROW)


def classic(values, columns=COLUMNS, name="input1"):
    return {"Inputs": {name: {"ColumnNames": columns, "Values": values}}, "GlobalParameters": {}}


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_a_studio_classic_request_gets_a_studio_classic_table_back(home):
    rows = home.test_rows()[:3]
    response = home.in_process(classic([[str(r[c]) for c in COLUMNS] for r in rows]))
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["Results"]
    assert list(result) == ["output1"] and result["output1"]["type"] == "table"
    table = result["output1"]["value"]
    azure = home.in_process({"Inputs": {"WebServiceInput0": rows}}).get_json()["Results"]["WebServiceOutput0"]
    assert table["ColumnNames"] == list(azure[0])
    assert table["ColumnTypes"][:4] == ["Double"] * 4 and table["ColumnTypes"][4] == "String"
    assert all(isinstance(v, str) for row in table["Values"] for v in row)  # as Studio (classic) answered
    for row, expected in zip(table["Values"], azure):
        values = dict(zip(table["ColumnNames"], row))
        assert values["Scored Labels"] == expected["Scored Labels"]
        for column in [c for c in values if c.startswith("Scored Probabilities_")]:
            assert float(values[column]) == expected[column]  # text that reads back bit for bit


def test_classic_values_may_be_numbers_and_the_label_may_come_empty(home):
    rows = home.test_rows()[:2]
    as_numbers = home.in_process(classic([[r[c] for c in COLUMNS] for r in rows])).get_json()
    with_label = home.in_process(classic([[str(r[c]) for c in COLUMNS] + [""] for r in rows],
                                         columns=COLUMNS + ["species"])).get_json()
    assert as_numbers == with_label
    assert "species" not in with_label["Results"]["output1"]["value"]["ColumnNames"]


def test_the_endpoints_own_input_name_keeps_its_output_names(home):
    response = home.in_process(classic([[str(IRIS_ROW[c]) for c in COLUMNS]], name="WebServiceInput0"))
    assert list(response.get_json()["Results"]) == ["WebServiceOutput0"]


@pytest.mark.parametrize("body, code", [
    (classic([["5.1", "3.5", "1.4"]]), "bad-payload"),                        # a row shorter than ColumnNames
    (classic(["5.1,3.5,1.4,0.2"]), "bad-payload"),                            # a row that is not a list
    (classic([["5.1", "3.5", "1.4", "0.2"]], columns="all"), "bad-payload"),  # ColumnNames not a list
    ({"Inputs": {"input1": {"ColumnNames": COLUMNS}}}, "bad-payload"),        # no Values
    (classic([]), "empty-payload"),
    (classic([["5.1", "wide", "1.4", "0.2"]]), "wrong-type"),
    (classic([["5.1", "3.5", "1.4", "0.2", "blue"]], columns=COLUMNS + ["colour"]), "unknown-column"),
    (classic([["5.1", "3.5", "1.4"]], columns=COLUMNS[:3]), "missing-column"),
    (classic([["5.1", "3.5", "1.4", "0.2"]], columns=COLUMNS[:2] + COLUMNS[:2]), "bad-payload"),
    ({"Inputs": {"input1": {"ColumnNames": COLUMNS, "Values": [["1", "2", "3", "4"]]},
                 "input2": {"ColumnNames": COLUMNS, "Values": [["1", "2", "3", "4"]]}}}, "unknown-input"),
    ({"Inputs": {"input1": {"ColumnNames": COLUMNS, "Values": [["1", "2", "3", "4"]]}},
      "GlobalParameters": {"threshold": 1}}, "unknown-parameter"),
])
def test_misshapen_classic_requests_are_400(home, body, code):
    response = home.in_process(body)
    assert response.status_code == 400 and error_code(response) == code, response.get_json()


def test_a_wrong_type_in_a_classic_table_names_the_column(home):
    response = home.in_process(classic([["5.1", "wide", "1.4", "0.2"]]))
    assert response.get_json()["error"]["details"]["column"] == "sepal width (cm)"
