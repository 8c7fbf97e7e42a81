"""Image directories are stored by copying each source once while hashing it: same files, same digest."""
from __future__ import annotations

from canvas_store.artifacts import ArtifactStore, directory_digest
from components.ports import ImageDirectory, save_value
from components.vision.image_directory import read_class_folders

from data_support import make_image_folder


def test_stored_image_directory_has_the_files_and_digest_save_value_writes(tmp_path):
    root = make_image_folder(tmp_path / "imgs", classes=("a b", "a", "Cat"), per_class=3)
    (root / "a" / "odd.bmp").write_bytes((root / "a" / "0.png").read_bytes())  # not what its suffix says
    images = read_class_folders(root, "imgs", verify=False)
    store = ArtifactStore(tmp_path / "artifacts")
    digest = store.put(ImageDirectory, images)
    written = tmp_path / "written"
    written.mkdir()
    save_value(ImageDirectory, images, written)
    stored = store.path(digest)
    assert digest == directory_digest(written) == directory_digest(stored)
    assert sorted(p.relative_to(stored).as_posix() for p in stored.rglob("*")) == \
        sorted(p.relative_to(written).as_posix() for p in written.rglob("*"))
    again = store.get(digest)
    assert again.ids == images.ids and again.classes == images.classes


def test_editing_a_source_image_in_place_leaves_the_stored_copy_alone(tmp_path):
    root = make_image_folder(tmp_path / "imgs")
    images = read_class_folders(root, "imgs", verify=False)
    store = ArtifactStore(tmp_path / "artifacts")
    digest = store.put(ImageDirectory, images)
    source = root / "cat" / "0.png"
    source.write_bytes(b"overwritten in place")
    assert directory_digest(store.path(digest)) == digest
