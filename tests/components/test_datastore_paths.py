"""The datastore is a boundary: no path, and no link at any depth, leads a component outside it."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from components.datastore_paths import OutsideDatastore, ensure_inside, files_inside, resolve_inside
from components.spec import ComponentError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "vision"))
from vision_support import write_shapes_folder  # noqa: E402


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    pd.DataFrame({"secret": [1, 2]}).to_parquet(folder / "secret.parquet")
    (folder / "secret.csv").write_text("secret\n1\n")
    return folder


def test_a_parquet_folder_whose_part_file_links_outside_is_refused(run_component, ctx, outside):
    folder = ctx.datastore / "parq"
    folder.mkdir()
    pd.DataFrame({"x": [1]}).to_parquet(folder / "part-0.parquet")
    (folder / "part-1.parquet").symlink_to(outside / "secret.parquet")
    with pytest.raises(OutsideDatastore, match="part-1.parquet"):
        run_component("import-data", params={"path": "parq"})


def test_a_parquet_folder_with_a_subfolder_linking_outside_is_refused(run_component, ctx, outside):
    folder = ctx.datastore / "parq"
    (folder / "year=2024").mkdir(parents=True)
    pd.DataFrame({"x": [1]}).to_parquet(folder / "year=2024" / "part-0.parquet")
    (folder / "year=2025").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutsideDatastore):
        run_component("import-data", params={"path": "parq"})


def test_a_file_link_outside_and_a_dotdot_path_are_refused(run_component, ctx, outside):
    (ctx.datastore / "data.csv").symlink_to(outside / "secret.csv")
    with pytest.raises(OutsideDatastore):
        run_component("import-data", params={"path": "data.csv"})
    with pytest.raises(OutsideDatastore):
        run_component("import-data", params={"path": "../outside/secret.csv"})


def test_links_that_stay_inside_the_datastore_are_followed(run_component, ctx):
    (ctx.datastore / "raw").mkdir()
    (ctx.datastore / "raw" / "a.csv").write_text("a\n1\n2\n")
    (ctx.datastore / "latest.csv").symlink_to(ctx.datastore / "raw" / "a.csv")
    (ctx.datastore / "parq").mkdir()
    pd.DataFrame({"x": [1, 2, 3]}).to_parquet(ctx.datastore / "raw" / "p.parquet")
    (ctx.datastore / "parq" / "part-0.parquet").symlink_to(ctx.datastore / "raw" / "p.parquet")
    assert len(run_component("import-data", params={"path": "latest.csv"})["dataset"]) == 2
    assert len(run_component("import-data", params={"path": "parq"})["dataset"]) == 3


def test_an_image_class_folder_that_is_a_link_outside_is_refused(run_component, ctx, tmp_path):
    write_shapes_folder(ctx.datastore / "shapes", per_class=2, classes=("square", "circle"))
    elsewhere = write_shapes_folder(tmp_path / "elsewhere", per_class=2, classes=("triangle",))
    (ctx.datastore / "shapes" / "triangle").symlink_to(elsewhere / "triangle", target_is_directory=True)
    with pytest.raises(OutsideDatastore, match="triangle"):
        run_component("image-directory", params={"path": "shapes"})


def test_an_image_that_links_outside_is_refused(run_component, ctx, tmp_path):
    write_shapes_folder(ctx.datastore / "shapes", per_class=2, classes=("square", "circle"))
    elsewhere = write_shapes_folder(tmp_path / "elsewhere", per_class=1, classes=("square",))
    (ctx.datastore / "shapes" / "square" / "extra.png").symlink_to(elsewhere / "square" / "000.png")
    with pytest.raises(OutsideDatastore, match="extra.png"):
        run_component("image-directory", params={"path": "shapes"})


def test_a_nul_byte_an_empty_path_and_a_link_loop_are_clear_errors(ctx):
    with pytest.raises(ComponentError, match="NUL"):
        resolve_inside(ctx.datastore, "a\x00b.csv")
    with pytest.raises(ComponentError, match="no path"):
        resolve_inside(ctx.datastore, "  ")
    (ctx.datastore / "loop").mkdir()
    (ctx.datastore / "loop" / "again").symlink_to(ctx.datastore / "loop", target_is_directory=True)
    (ctx.datastore / "loop" / "a.txt").write_text("a")
    assert [p.name for p in files_inside(ctx.datastore, ctx.datastore / "loop")] == ["a.txt"]


def test_ensure_inside_names_where_a_link_leads(ctx, outside):
    (ctx.datastore / "link").symlink_to(outside / "secret.csv")
    with pytest.raises(OutsideDatastore, match="secret.csv"):
        ensure_inside(ctx.datastore, ctx.datastore / "link")
    assert ensure_inside(ctx.datastore, ctx.datastore) == ctx.datastore.resolve()
