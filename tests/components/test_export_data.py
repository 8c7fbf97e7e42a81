"""export-data: files written whole into the datastore and readable again by import-data."""
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from components.ports import with_roles
from components.spec import ComponentError


@pytest.fixture
def table():
    return with_roles(pd.DataFrame({"id": [1, 2, 3], "name": ["a", None, "c"], "score": [0.5, 1.5, None]}),
                      label="score")


@pytest.mark.parametrize("path, fmt", [("out/t.csv", "auto"), ("t.parquet", "auto"), ("t.json", "auto"),
                                       ("t.data", "parquet"), ("report/t.xlsx", "auto")])
def test_exported_file_imports_back_to_the_same_table(run_component, ctx, table, path, fmt):
    assert run_component("export-data", {"dataset": table}, {"path": path, "format": fmt}) == {}

    back = run_component("import-data", params={"path": path, "format": fmt})["dataset"]

    assert_frame_equal(back, table, check_dtype=False)
    assert any(f"wrote 3 rows to {path}" in payload["text"] for kind, payload in ctx.events)


def test_exported_csv_equals_pandas_to_csv(run_component, ctx, table):
    run_component("export-data", {"dataset": table}, {"path": "t.csv"})
    assert (ctx.datastore / "t.csv").read_text() == table.to_csv(index=False)


def test_export_replaces_an_existing_file_only_when_allowed(run_component, ctx, table):
    target = ctx.datastore / "t.csv"
    target.write_text("old\n")

    with pytest.raises(ComponentError, match="already exists; turn overwrite on"):
        run_component("export-data", {"dataset": table}, {"path": "t.csv", "overwrite": False})
    assert target.read_text() == "old\n"

    run_component("export-data", {"dataset": table}, {"path": "t.csv", "overwrite": True})
    assert target.read_text().startswith("id,name,score")


def test_a_failed_export_leaves_the_old_file_and_no_partial_file(run_component, ctx):
    target = ctx.datastore / "t.parquet"
    target.write_bytes(b"old")
    unstorable = pd.DataFrame({"mixed": [1, "two", 3.5]})

    with pytest.raises(ComponentError, match="could not be written as PARQUET"):
        run_component("export-data", {"dataset": unstorable}, {"path": "t.parquet"})

    assert target.read_bytes() == b"old"
    assert [p.name for p in ctx.datastore.iterdir()] == ["t.parquet"]


@pytest.mark.parametrize("path, message", [
    ("../escape.csv", "outside the datastore"),
    ("/tmp/escape.csv", "outside the datastore"),
    ("", "no path"),
    ("results", "cannot tell the format"),
])
def test_export_explains_paths_it_cannot_use(run_component, table, path, message):
    with pytest.raises(ComponentError, match=message):
        run_component("export-data", {"dataset": table}, {"path": path})


def test_export_to_a_folder_name_is_refused(run_component, ctx, table):
    (ctx.datastore / "out.csv").mkdir()
    with pytest.raises(ComponentError, match="is a folder"):
        run_component("export-data", {"dataset": table}, {"path": "out.csv"})


def test_a_table_from_the_store_is_written_as_its_stored_bytes_without_encoding_it_again(run_component, ctx,
                                                                                        table, artifact_store):
    from components.ports import DataFrame

    digest = artifact_store.put(DataFrame, table)
    ctx.stored_inputs = {"dataset": artifact_store.path(digest)}
    run_component("export-data", {"dataset": artifact_store.get(digest)}, {"path": "t.parquet"})
    assert (ctx.datastore / "t.parquet").read_bytes() == (artifact_store.path(digest) / "data.parquet").read_bytes()
    assert_frame_equal(pd.read_parquet(ctx.datastore / "t.parquet"), table.set_axis(table.columns, axis=1),
                       check_dtype=False)
    # Encoded anew when the stored file also holds an index of its own, or for another format.
    filtered = table[table["id"] > 1]
    digest = artifact_store.put(DataFrame, filtered)
    ctx.stored_inputs = {"dataset": artifact_store.path(digest)}
    run_component("export-data", {"dataset": artifact_store.get(digest)}, {"path": "f.parquet"})
    assert pd.read_parquet(ctx.datastore / "f.parquet").index.tolist() == [0, 1]
    run_component("export-data", {"dataset": artifact_store.get(digest)}, {"path": "f.csv"})
    assert (ctx.datastore / "f.csv").read_text() == filtered.to_csv(index=False)
