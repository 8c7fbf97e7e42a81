"""Output previews straight from a real artifact store: table pages, column profiles, summaries, downloads."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from canvas_store.artifacts import ArtifactNotFound
from components.ports import AnyPort, DataFrame, Metrics
from designer.server.previews import column_profile, download, output_preview, table_columns


def test_a_numeric_profile_has_range_mean_and_a_ten_bin_histogram():
    profile = column_profile("x", pd.Series([1.0, 2.0, np.nan, 4.0, np.inf]))
    assert profile["dtype"] == "float64" and profile["missing"] == 1 and profile["distinct"] == 4
    assert profile["min"] == 1.0 and profile["mean"] == pytest.approx(7 / 3)
    assert len(profile["histogram"]["edges"]) == 11 and sum(profile["histogram"]["counts"]) == 3
    assert profile["top"] is None


def test_a_categorical_profile_has_top_values_and_no_histogram():
    profile = column_profile("c", pd.Series(["a", "b", "a", None], dtype="category"))
    assert profile["top"] == [["a", 2], ["b", 1]] and profile["histogram"] is None
    assert profile["missing"] == 1 and profile["distinct"] == 2


def test_an_all_missing_numeric_column_has_no_histogram():
    profile = column_profile("empty", pd.Series([np.nan, np.nan]))
    assert profile["histogram"] is None and profile["min"] is None and profile["missing"] == 2


def test_booleans_and_unhashable_cells_get_top_values():
    assert column_profile("b", pd.Series([True, False, True]))["top"] == [[True, 2], [False, 1]]
    lists = column_profile("l", pd.Series([[1], [1], [2]]))
    assert lists["distinct"] == 2 and lists["top"][0][1] == 2


def test_a_table_page_turns_missing_values_into_null(artifact_store):
    digest = artifact_store.put(DataFrame, pd.DataFrame({"a": [1.5, np.nan], "b": ["x", None],
                                                         "n": pd.array([1, None], dtype="Int64")}))
    preview = output_preview(artifact_store, digest, offset=0, limit=10)
    assert preview["table"]["rows"] == [[1.5, "x", 1], [None, None, None]]
    assert json.dumps(preview, allow_nan=False)
    assert table_columns(artifact_store, digest) == ["a", "b", "n"]


def test_plain_values_are_summarised_and_zipped(artifact_store):
    digest = artifact_store.put(AnyPort, {1, 2})
    preview = output_preview(artifact_store, digest)
    assert preview["summary"]["python_type"] == "set" and preview["summary"]["form"] == "pickle"
    data, mimetype, name = download(artifact_store, digest, "node-port")
    assert mimetype == "application/zip" and name == "node-port.zip"
    assert sorted(zipfile.ZipFile(io.BytesIO(data.read())).namelist()) == ["meta.json", "value.pkl"]


def test_metrics_with_nan_download_as_valid_json(artifact_store):
    digest = artifact_store.put(Metrics, {"task": "regression", "metrics": {"r2": float("nan")}, "charts": {}})
    assert output_preview(artifact_store, digest)["metrics"]["metrics"]["r2"] != 0
    data, mimetype, _ = download(artifact_store, digest, "m")
    assert mimetype == "application/json" and json.loads(data.read())["metrics"]["r2"] is None


def test_unknown_digests_are_not_found(artifact_store):
    with pytest.raises(ArtifactNotFound):
        output_preview(artifact_store, "0" * 64)
    with pytest.raises(ArtifactNotFound):
        download(artifact_store, "../../etc/passwd", "x")
    assert table_columns(artifact_store, "nope") is None
