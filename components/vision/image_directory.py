"""The ImageDirectory value (images, their labels and the class names) and the `image-directory` input.

On-disk form (a directory; `torchvision.datasets.ImageFolder(<dir>/images)` reads it as is):

    images/<class folder>/<file>   labelled images, one folder per class (ImageFolder layout)
    unlabelled/<file>              images without a label (new data to score)
    labels.csv                     columns image,label,file: one row per image, in order;
                                   `image` is the image's id, `file` its path in this directory
    classes.json                   {"format": "image-directory/1", "classes": [...],
                                    "class_folders": {class: folder}, "transformation": {...} | null}

Images are PNG files; JPEG files read from a datastore are kept byte for byte (re-encoding a
lossy JPEG as PNG would only make it bigger). `transformation` is the image transformation that
`apply-image-transformation` attached: it is applied when images are turned into tensors, so random
augmentation is drawn afresh every epoch and dropped at inference.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Sequence

from components.context import RunContext
from components.ports import ImageDirectory as ImageDirectoryPort
from components.roles import Kind
from components.spec import ComponentError, Param, component

FORMAT = "image-directory/1"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
_KEPT_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
_IGNORED_FOLDERS = frozenset({"__MACOSX"})


@dataclass(frozen=True)
class ImageEntry:
    """One image: a unique id (e.g. "cat/0001.jpg"), its label (None when unknown) and where its pixels are."""

    id: str
    label: str | None
    #: An image file to read, or ...
    source: Path | None = None
    #: ... the pixels themselves: a uint8 numpy array, H×W (grayscale) or H×W×3 (RGB).
    pixels: Any = None

    def open(self):
        """The image as an RGB PIL image (decoded now; raises ComponentError naming the file if it is corrupt)."""
        from PIL import Image

        if self.pixels is not None:
            return Image.fromarray(self.pixels).convert("RGB")
        try:
            with Image.open(self.source) as image:
                image.load()
                return image.convert("RGB")
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise ComponentError(f"image file '{self.id}' cannot be read ({error}); remove or replace it") from None


class ImageDirectory:
    """Images with labels and class names; the value an ImageDirectory port carries."""

    def __init__(self, entries: Sequence[ImageEntry], classes: Sequence[str], transformation=None):
        self.entries = list(entries)
        self.classes = [str(c) for c in classes]
        #: An ImageTransformation (components.vision.transforms) applied when images become tensors.
        self.transformation = transformation
        seen: set[str] = set()
        known = set(self.classes)
        for entry in self.entries:
            if entry.id in seen:
                raise ComponentError(f"two images have the same id '{entry.id}'")
            seen.add(entry.id)
            if entry.label is not None and entry.label not in known:
                raise ComponentError(f"image '{entry.id}' has label '{entry.label}', which is not one of the "
                                     f"classes {self.classes}")

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"ImageDirectory({len(self)} images, classes={self.classes})"

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.entries]

    @property
    def labels(self) -> list[str | None]:
        return [e.label for e in self.entries]

    def class_counts(self) -> dict[str, int]:
        counts = {c: 0 for c in self.classes}
        for entry in self.entries:
            if entry.label is not None:
                counts[entry.label] += 1
        return counts

    def subset(self, indices: Iterable[int]) -> "ImageDirectory":
        return ImageDirectory([self.entries[i] for i in indices], self.classes, self.transformation)

    def with_transformation(self, transformation) -> "ImageDirectory":
        return ImageDirectory(self.entries, self.classes, transformation)

    def summary(self) -> dict:
        return {"images": len(self), "classes": self.classes, "per_class": self.class_counts(),
                "unlabelled": sum(1 for e in self.entries if e.label is None),
                "transformation": self.transformation.to_json() if self.transformation else None}

    # ------------------------------------------------------------ on-disk form
    def save_to(self, directory: Path) -> dict:
        directory = Path(directory)
        folders = _class_folders(self.classes)
        used: set[str] = set()
        rows = []
        for entry in self.entries:
            folder = f"images/{folders[entry.label]}" if entry.label is not None else "unlabelled"
            kept = _kept_file(entry)
            relative = _free_name(folder, entry.id, kept.suffix.lower() if kept else ".png", used)
            target = directory / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if kept is not None:
                shutil.copyfile(kept, target)
            else:
                _encoded_image(entry).save(target, format="PNG")
            rows.append((entry.id, "" if entry.label is None else entry.label, relative))
        with open(directory / "labels.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["image", "label", "file"])
            writer.writerows(rows)
        (directory / "classes.json").write_text(json.dumps({
            "format": FORMAT, "classes": self.classes, "class_folders": folders,
            "transformation": self.transformation.to_json() if self.transformation else None,
        }, indent=1, sort_keys=True))
        return {"images": len(self), "classes": self.classes}

    @classmethod
    def load_from(cls, directory: Path) -> "ImageDirectory":
        directory = Path(directory)
        if not (directory / "labels.csv").is_file():
            # A plain ImageFolder tree (class folders under images/, or at the top).
            root = directory / "images" if (directory / "images").is_dir() else directory
            return read_class_folders(root, str(directory), verify=False)
        info = json.loads((directory / "classes.json").read_text())
        entries = []
        with open(directory / "labels.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                entries.append(ImageEntry(row["image"], row["label"] or None, source=directory / row["file"]))
        transformation = None
        if info.get("transformation"):
            from components.vision.transforms import ImageTransformation

            transformation = ImageTransformation.from_json(info["transformation"])
        return cls(entries, info["classes"], transformation)


def _kept_file(entry: ImageEntry) -> Path | None:
    """The source file when it is stored byte for byte (a real PNG or JPEG), else None (encoded as PNG)."""
    source = entry.source
    if entry.pixels is None and source is not None and source.suffix.lower() in _KEPT_SUFFIXES \
            and _is_same_format(source):
        return source
    return None


def _encoded_image(entry: ImageEntry):
    from PIL import Image

    return Image.fromarray(entry.pixels) if entry.pixels is not None else entry.open()


def _is_same_format(path: Path) -> bool:
    """True when the file's bytes match its suffix (a .png that is really a JPEG is re-encoded)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if path.suffix.lower() == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    return head.startswith(b"\xff\xd8\xff")


def _class_folders(classes: Sequence[str]) -> dict[str, str]:
    """A safe, unique folder name per class (the class name itself whenever it is a plain file name)."""
    folders: dict[str, str] = {}
    taken: set[str] = set()
    for name in classes:
        safe = re.sub(r"[^\w.\- ]", "_", name).strip() or "class"
        if safe in (".", "..") or safe.startswith("."):
            safe = "_" + safe
        candidate, n = safe, 2
        while candidate.lower() in taken:
            candidate, n = f"{safe}_{n}", n + 1
        taken.add(candidate.lower())
        folders[name] = candidate
    return folders


def _free_name(folder: str, image_id: str, suffix: str, used: set[str]) -> str:
    stem = re.sub(r"[^\w.\-]", "_", PurePosixPath(image_id).stem) or "image"
    candidate, n = f"{folder}/{stem}{suffix}", 2
    while candidate.lower() in used:
        candidate, n = f"{folder}/{stem}-{n}{suffix}", n + 1
    used.add(candidate.lower())
    return candidate


# ---------------------------------------------------------------- reading class folders

def _is_hidden(path: Path) -> bool:
    return path.name.startswith(".") or path.name in _IGNORED_FOLDERS


def read_class_folders(root: Path, shown: str, *, verify: bool = True,
                       ctx: RunContext | None = None) -> ImageDirectory:
    """An ImageDirectory from an ImageFolder tree: one sub-folder per class, images inside (any depth)."""
    root = Path(root)
    layout_hint = f"put each class's images in its own sub-folder, e.g. {shown.rstrip('/')}/cat/1.jpg"
    if not root.is_dir():
        raise ComponentError(f"folder '{shown}' was not found ({root}); {layout_hint}")
    folders = sorted((d for d in root.iterdir() if d.is_dir() and not _is_hidden(d)), key=lambda d: d.name)
    loose = [f for f in root.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES]
    if len(folders) == 1 and not loose and not _images_in(folders[0], recursive=False) \
            and any(d.is_dir() and not _is_hidden(d) for d in folders[0].iterdir()):
        # A zip of the folder itself: descend into its single top-level folder.
        return read_class_folders(folders[0], f"{shown.rstrip('/')}/{folders[0].name}", verify=verify, ctx=ctx)
    if not folders:
        if loose:
            raise ComponentError(f"the images in '{shown}' are not in class folders; {layout_hint}")
        raise ComponentError(f"no images found in '{shown}'; {layout_hint}")
    entries: list[ImageEntry] = []
    classes = []
    for folder in folders:
        files = _images_in(folder, recursive=True)
        if not files:
            raise ComponentError(f"class folder '{folder.name}' in '{shown}' has no images "
                                 f"(looked for {', '.join(sorted(IMAGE_SUFFIXES))} files)")
        classes.append(folder.name)
        entries += [ImageEntry(f.relative_to(root).as_posix(), folder.name, source=f) for f in files]
    if len(classes) < 2:
        raise ComponentError(f"only one class folder ('{classes[0]}') was found in '{shown}'; an image "
                             f"classifier needs at least two classes, one sub-folder each")
    if verify:
        _verify_images(entries, ctx)
    return ImageDirectory(entries, classes)


def _images_in(folder: Path, *, recursive: bool) -> list[Path]:
    candidates = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in candidates if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                  and not any(part.startswith(".") or part in _IGNORED_FOLDERS
                              for part in p.relative_to(folder).parts))


def _verify_images(entries: list[ImageEntry], ctx: RunContext | None) -> None:
    """Decode every image once, so a corrupt file fails here, named, and not in the middle of training."""
    from concurrent.futures import ThreadPoolExecutor

    def check(entry: ImageEntry) -> None:
        entry.open()

    with ThreadPoolExecutor(max_workers=4) as pool:
        for done, _ in enumerate(pool.map(check, entries), start=1):
            if ctx is not None and (done % 200 == 0 or done == len(entries)):
                ctx.progress(0.1 + 0.85 * done / len(entries), f"checked {done}/{len(entries)} images")


# ---------------------------------------------------------------- zip uploads

def extract_zip_safely(archive: Path, shown: str, target_root: Path) -> Path:
    """Extract `archive` under `target_root` (once per content), refusing any member that escapes it."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise ComponentError(f"'{shown}' is not a readable zip file ({error})") from None
    with zf:
        for info in zf.infolist():
            name = info.filename.replace("\\", "/")
            parts = PurePosixPath(name).parts
            is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
            if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]) or is_link:
                raise ComponentError(f"zip file '{shown}' contains an unsafe entry '{info.filename}' (an absolute "
                                     f"path, a '..' or a link that would land outside the extraction folder); "
                                     f"nothing was extracted")
        digest = hashlib.sha256()
        with open(archive, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        target = Path(target_root) / digest.hexdigest()[:20]
        if (target / ".complete").is_file():
            return target
        staging = Path(str(target) + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for info in zf.infolist():
            destination = (staging / info.filename.replace("\\", "/")).resolve()
            if staging.resolve() not in destination.parents and destination != staging.resolve():
                raise ComponentError(f"zip file '{shown}' contains an unsafe entry '{info.filename}'")
        zf.extractall(staging)
        (staging / ".complete").write_text("ok")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        return target


@component(id="image-directory", category="Data Input and Output", outputs={"image_directory": ImageDirectoryPort})
def image_directory(*, path: Param(str, "images", kind=Kind.READ_PATH, required=True,
                                   description="A folder inside the datastore with one sub-folder per class "
                                               "(ImageFolder layout, e.g. images/cat/1.jpg), or a .zip of one."),
                    ctx: RunContext = None):
    """Images from class folders in the datastore, or from an uploaded zip of them.

    Each sub-folder of `path` is one class and holds that class's images (PNG, JPEG, BMP, GIF,
    WebP or TIFF, at any depth) — the layout torchvision's ImageFolder reads. Every image is
    decoded once here, so a corrupt file is reported by name before any training starts.
    """
    ctx = ctx or RunContext()
    location = ctx.datastore_path(path)
    if location.is_file() and location.suffix.lower() == ".zip":
        ctx.progress(0.02, f"extracting {path}")
        root = extract_zip_safely(location, path, ctx.scratch("unzipped"))
    elif location.is_file():
        raise ComponentError(f"'{path}' is a file; give a folder of class sub-folders or a .zip of one")
    elif not location.exists():
        raise ComponentError(f"'{path}' was not found in the datastore; put the class folders under "
                             f"{location} (or upload a .zip there)")
    else:
        root = location
    images = read_class_folders(root, path, ctx=ctx)
    counts = images.class_counts()
    ctx.log(f"{len(images)} images in {len(counts)} classes: "
            + ", ".join(f"{name} ({n})" for name, n in counts.items()))
    ctx.progress(1.0, f"{len(images)} images")
    return images
