"""sample-dataset, import-data and enter-data-manually: tables in, clear errors for bad files."""
import json

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sklearn import datasets

from components.ports import DataFrame, column_roles
from components.spec import ComponentError

SAMPLES = {
    "iris": ("load_iris", "species"),
    "wine": ("load_wine", "cultivar"),
    "breast_cancer": ("load_breast_cancer", "diagnosis"),
    "diabetes": ("load_diabetes", "progression"),
    "digits": ("load_digits", "digit"),
}


# ---------------------------------------------------------------- sample-dataset

@pytest.mark.parametrize("name", list(SAMPLES))
def test_sample_dataset_keeps_sklearn_features_and_marks_its_label(run_component, name):
    loader, label = SAMPLES[name]
    bunch = getattr(datasets, loader)(as_frame=True)

    frame = run_component("sample-dataset", params={"name": name})["dataset"]

    assert list(frame.columns) == [*map(str, bunch.data.columns), label]
    assert_frame_equal(frame.drop(columns=[label]), bunch.data, check_names=False)
    assert column_roles(frame)["label"] == label
    assert column_roles(frame)["features"] == list(map(str, bunch.data.columns))


@pytest.mark.parametrize("name, values", [
    ("iris", {"setosa", "versicolor", "virginica"}),
    ("wine", {"class_0", "class_1", "class_2"}),
    ("breast_cancer", {"malignant", "benign"}),
    ("digits", set(range(10))),
])
def test_sample_dataset_labels_are_class_names(run_component, name, values):
    frame = run_component("sample-dataset", params={"name": name})["dataset"]
    label = SAMPLES[name][1]
    assert set(frame[label]) == values


def test_breast_cancer_diagnosis_follows_sklearn_target_names(run_component):
    frame = run_component("sample-dataset", params={"name": "breast_cancer"})["dataset"]
    target = datasets.load_breast_cancer().target
    assert list(frame["diagnosis"]) == ["malignant" if t == 0 else "benign" for t in target]


def test_diabetes_progression_is_the_numeric_target(run_component):
    frame = run_component("sample-dataset", params={"name": "diabetes"})["dataset"]
    assert list(frame["progression"]) == list(datasets.load_diabetes().target)


def test_sample_dataset_survives_the_artifact_store_with_its_roles(run_component, artifact_store):
    frame = run_component("sample-dataset", params={"name": "iris"})["dataset"]

    loaded = artifact_store.get(artifact_store.put(DataFrame, frame))

    assert_frame_equal(loaded, frame)
    assert column_roles(loaded) == column_roles(frame)


def test_sample_dataset_returns_a_fresh_copy_each_time(run_component):
    first = run_component("sample-dataset", params={"name": "iris"})["dataset"]
    first.iloc[0, 0] = -1.0
    second = run_component("sample-dataset", params={"name": "iris"})["dataset"]
    assert second.iloc[0, 0] != -1.0


# ---------------------------------------------------------------- import-data

@pytest.fixture
def table():
    return pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", None], "score": [0.5, 1.5, 2.5]})


def test_import_csv_reads_like_pandas(run_component, ctx, table):
    table.to_csv(ctx.datastore / "t.csv", index=False)

    frame = run_component("import-data", params={"path": "t.csv"})["dataset"]

    assert_frame_equal(frame, pd.read_csv(ctx.datastore / "t.csv"))
    assert any("3 rows" in payload["text"] for kind, payload in ctx.events if kind == "node.log")


def test_import_excel_reads_the_first_sheet_like_pandas(run_component, ctx, table):
    with pd.ExcelWriter(ctx.datastore / "book.xlsx", engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="scores", index=False)
        pd.DataFrame({"other": [1]}).to_excel(writer, sheet_name="notes", index=False)

    frame = run_component("import-data", params={"path": "book.xlsx"})["dataset"]
    bare = run_component("import-data", params={"path": "book.xlsx", "has_header": False})["dataset"]

    assert_frame_equal(frame, pd.read_excel(ctx.datastore / "book.xlsx", sheet_name=0))
    assert list(bare.columns) == ["Col1", "Col2", "Col3"] and bare.iloc[0].tolist() == ["id", "name", "score"]


def test_import_csv_with_another_delimiter_and_no_header(run_component, ctx):
    (ctx.datastore / "raw").mkdir()
    (ctx.datastore / "raw" / "t.txt").write_text("1;x\n2;y\n")

    frame = run_component("import-data", params={"path": "raw/t.txt", "delimiter": ";",
                                                 "has_header": False})["dataset"]

    assert list(frame.columns) == ["Col1", "Col2"]
    assert frame["Col1"].tolist() == [1, 2]


def test_import_tsv_defaults_to_tab_separated(run_component, ctx):
    (ctx.datastore / "t.tsv").write_text("a\tb\n1\t2\n")
    frame = run_component("import-data", params={"path": "t.tsv"})["dataset"]
    assert frame.to_dict("records") == [{"a": 1, "b": 2}]


def test_import_parquet_file_and_folder(run_component, ctx, table):
    table.to_parquet(ctx.datastore / "t.parquet")
    (ctx.datastore / "parts").mkdir()
    table.to_parquet(ctx.datastore / "parts" / "part-0.parquet")

    assert_frame_equal(run_component("import-data", params={"path": "t.parquet"})["dataset"], table)
    assert_frame_equal(run_component("import-data", params={"path": "parts"})["dataset"], table)


@pytest.mark.parametrize("text", [
    '[{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]',
    '{"id": 1, "name": "a"}\n{"id": 2, "name": "b"}\n',
    '{"id": [1, 2], "name": ["a", "b"]}',
    '{"columns": ["id", "name"], "data": [[1, "a"], [2, "b"]]}',
])
def test_import_json_in_its_common_shapes(run_component, ctx, text):
    (ctx.datastore / "t.json").write_text(text)
    frame = run_component("import-data", params={"path": "t.json"})["dataset"]
    assert frame.to_dict("records") == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]


def test_import_json_flattens_nested_records(run_component, ctx):
    (ctx.datastore / "t.json").write_text(json.dumps([{"id": 1, "address": {"city": "Oslo"}}]))
    frame = run_component("import-data", params={"path": "t.json"})["dataset"]
    assert list(frame.columns) == ["id", "address.city"]


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", "a/../../outside.csv"])
def test_import_refuses_paths_outside_the_datastore(run_component, ctx, path):
    (ctx.datastore.parent / "outside.csv").write_text("a\n1\n")
    with pytest.raises(ComponentError, match="outside the datastore"):
        run_component("import-data", params={"path": path})


@pytest.mark.parametrize("name, content, message", [
    ("missing.csv", None, "not found"),
    ("empty.csv", "", "is empty"),
    ("blank.csv", "\n\n  \n", "is empty"),
    ("ragged.csv", "a,b\n1,2\n1,2,3,4\n", "could not be read as CSV.*line 3"),
    ("latin1.csv", "name\ncaf\xe9\n".encode("latin-1"), "not UTF-8"),
    ("broken.parquet", "not parquet at all", "could not be read as Parquet"),
    ("broken.json", '[{"a": 1},', "not valid JSON"),
    ("scalar.json", "42", "not a table"),
    ("data.xls", "whatever", "cannot tell the format"),
    ("fake.xlsx", b"PK\x03\x04 not a workbook", "could not be read as an Excel workbook"),
])
def test_import_explains_files_it_cannot_read(run_component, ctx, name, content, message):
    if isinstance(content, bytes):
        (ctx.datastore / name).write_bytes(content)
    elif content is not None:
        (ctx.datastore / name).write_text(content)
    with pytest.raises(ComponentError, match=message):
        run_component("import-data", params={"path": name})


def test_import_with_an_explicit_format_ignores_the_suffix(run_component, ctx):
    (ctx.datastore / "export.dat").write_text('[{"a": 1}]')
    frame = run_component("import-data", params={"path": "export.dat", "format": "json"})["dataset"]
    assert frame.to_dict("records") == [{"a": 1}]


def test_import_refuses_a_multi_character_delimiter(run_component, ctx):
    (ctx.datastore / "t.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ComponentError, match="one character"):
        run_component("import-data", params={"path": "t.csv", "delimiter": "::"})


def test_import_without_a_path_says_so(run_component):
    with pytest.raises(ComponentError, match="no path"):
        run_component("import-data", params={"path": ""})


# ---------------------------------------------------------------- enter-data-manually

def test_enter_data_as_csv(run_component):
    frame = run_component("enter-data-manually", params={"data": "x, y\n1, hello\n2, world\n"})["dataset"]
    assert frame.to_dict("records") == [{"x": 1, "y": "hello"}, {"x": 2, "y": "world"}]


def test_enter_data_as_json_records(run_component):
    frame = run_component("enter-data-manually",
                          params={"data": '[{"x": 1.5}, {"x": null}]', "format": "json"})["dataset"]
    assert frame["x"].iloc[0] == 1.5 and pd.isna(frame["x"].iloc[1])


@pytest.mark.parametrize("data, fmt, message", [
    ("", "csv", "entered data is empty"),
    ("a,b\n1,2,3,4\n", "csv", "could not be read as CSV"),
    ("{oops", "json", "not valid JSON"),
])
def test_enter_data_explains_what_it_cannot_read(run_component, data, fmt, message):
    with pytest.raises(ComponentError, match=message):
        run_component("enter-data-manually", params={"data": data, "format": fmt})
