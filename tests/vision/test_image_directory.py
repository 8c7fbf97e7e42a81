"""Image directories: reading class folders and zips, the on-disk form, pixel tables and splits."""
from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest
from vision_support import run, shapes_directory, write_shapes_folder

from canvas_store.artifacts import ArtifactStore
from components.ports import ImageDirectory as ImageDirectoryPort
from components.spec import ComponentError
from components.vision.image_directory import ImageDirectory


def test_class_folders_become_labelled_images_with_sorted_classes(ctx):
    write_shapes_folder(ctx.datastore / "shapes", per_class=3, classes=("square", "circle"))
    images = run("image-directory", params={"path": "shapes"}, ctx=ctx)["image_directory"]
    assert images.classes == ["circle", "square"]
    assert images.class_counts() == {"circle": 3, "square": 3}
    assert images.ids[0] == "circle/000.png"
    assert images.entries[0].open().size == (16, 16)


def test_saved_images_round_trip_and_read_as_a_torchvision_imagefolder(tmp_path):
    from torchvision.datasets import ImageFolder

    original = shapes_directory(per_class=2, size=8)
    store = ArtifactStore(tmp_path / "store")
    digest = store.put(ImageDirectoryPort, original)
    again = store.get(digest)
    assert again.classes == original.classes and again.ids == original.ids and again.labels == original.labels
    assert np.array_equal(np.asarray(again.entries[4].open()), np.asarray(original.entries[4].open()))
    assert store.put(ImageDirectoryPort, again) == digest, "saving the loaded copy gives the same bytes"
    folder = ImageFolder(store.path(digest) / "images")
    assert folder.classes == original.classes and len(folder) == len(original)


def test_a_zip_of_class_folders_is_extracted_and_read(ctx):
    source = write_shapes_folder(ctx.datastore / "pets", per_class=2, classes=("cat", "dog"))
    with zipfile.ZipFile(ctx.datastore / "pets.zip", "w") as archive:
        for path in sorted(source.rglob("*.png")):
            archive.write(path, f"pets/{path.relative_to(source).as_posix()}")  # zipped with its folder
    images = run("image-directory", params={"path": "pets.zip"}, ctx=ctx)["image_directory"]
    assert images.classes == ["cat", "dog"] and len(images) == 4


@pytest.mark.parametrize("member", ["../evil.png", "/etc/evil.png", "cat/../../evil.png"])
def test_a_zip_slip_entry_is_rejected_before_anything_is_extracted(ctx, member):
    with zipfile.ZipFile(ctx.datastore / "bad.zip", "w") as archive:
        archive.writestr("cat/1.png", b"x")
        archive.writestr(member, b"x")
    with pytest.raises(ComponentError, match="unsafe entry"):
        run("image-directory", params={"path": "bad.zip"}, ctx=ctx)
    assert not (ctx.datastore.parent / "evil.png").exists()
    assert not list((ctx.work_dir / "unzipped").glob("*/cat")), "nothing was extracted"


def test_an_empty_class_folder_is_named(ctx):
    write_shapes_folder(ctx.datastore / "shapes", per_class=2, classes=("circle", "square"))
    (ctx.datastore / "shapes" / "triangle").mkdir()
    with pytest.raises(ComponentError, match="class folder 'triangle' .* has no images"):
        run("image-directory", params={"path": "shapes"}, ctx=ctx)


def test_a_corrupt_image_file_is_named(ctx):
    write_shapes_folder(ctx.datastore / "shapes", per_class=2, classes=("circle", "square"))
    (ctx.datastore / "shapes" / "square" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(ComponentError, match="image file 'square/broken.png' cannot be read"):
        run("image-directory", params={"path": "shapes"}, ctx=ctx)


def test_one_class_only_is_rejected(ctx):
    write_shapes_folder(ctx.datastore / "shapes", per_class=2, classes=("circle",))
    with pytest.raises(ComponentError, match="only one class folder \\('circle'\\)"):
        run("image-directory", params={"path": "shapes"}, ctx=ctx)


def test_no_images_and_missing_folders_say_what_to_do(ctx):
    (ctx.datastore / "empty").mkdir()
    with pytest.raises(ComponentError, match="no images found in 'empty'.*sub-folder"):
        run("image-directory", params={"path": "empty"}, ctx=ctx)
    with pytest.raises(ComponentError, match=f"'nowhere' was not found in the datastore; put the class folders "
                                             f"under {ctx.datastore}"):
        run("image-directory", params={"path": "nowhere"}, ctx=ctx)


def test_the_digits_table_becomes_8x8_grayscale_images_scaled_to_255():
    from sklearn.datasets import load_digits

    digits = load_digits(as_frame=True)
    table = digits.frame.rename(columns={"target": "digit"}).head(50)
    images = run("convert-to-image-directory", {"dataset": table}, {"label_column": "digit"})["image_directory"]
    assert images.classes == [str(d) for d in sorted(table["digit"].unique())]
    first = images.entries[0]
    assert first.label == str(table["digit"].iloc[0]) and first.pixels.shape == (8, 8)
    expected = np.rint(table.iloc[0, :64].to_numpy(float) / 16 * 255).reshape(8, 8)
    assert np.array_equal(first.pixels, expected.astype(np.uint8))


def test_a_table_that_is_not_square_needs_a_shape():
    table = pd.DataFrame(np.zeros((2, 6)), columns=[f"p{i}" for i in range(6)]).assign(label=["a", "b"])
    with pytest.raises(ComponentError, match="6 pixel columns do not make a square image"):
        run("convert-to-image-directory", {"dataset": table}, {"label_column": "label"})
    images = run("convert-to-image-directory", {"dataset": table}, {"label_column": "label", "width": 3})
    assert images["image_directory"].entries[0].pixels.shape == (2, 3)


def test_the_split_is_stratified_and_the_same_for_the_same_seed():
    images = shapes_directory(per_class=10, size=4)
    first = run("split-image-directory", {"image_directory": images}, {"test_fraction": 0.3, "seed": 5})
    again = run("split-image-directory", {"image_directory": images}, {"test_fraction": 0.3, "seed": 5})
    other = run("split-image-directory", {"image_directory": images}, {"test_fraction": 0.3, "seed": 6})
    assert first["test"].class_counts() == {"circle": 3, "square": 3, "triangle": 3}
    assert first["train"].class_counts() == {"circle": 7, "square": 7, "triangle": 7}
    assert first["test"].ids == again["test"].ids != other["test"].ids
    assert not set(first["test"].ids) & set(first["train"].ids)
    with pytest.raises(ComponentError, match="leaves the test output empty"):
        run("split-image-directory", {"image_directory": images}, {"test_fraction": 0.0})


def test_an_image_directory_rejects_labels_outside_its_classes():
    with pytest.raises(ComponentError, match="not one of the classes"):
        ImageDirectory(shapes_directory(per_class=1, size=4).entries, ["circle", "square"])
