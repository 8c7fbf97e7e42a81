"""Helpers of the data tests: multipart uploads, waiting for runs, small CSV and image files."""
from __future__ import annotations

import io
import time

FINISHED = ("completed", "failed", "cancelled")
IRIS_CSV = ("sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n7.0,3.2,versicolor\n"
            "6.4,3.2,versicolor\n6.3,3.3,virginica\n5.8,2.7,virginica\n5.0,3.4,setosa\n6.9,3.1,versicolor\n"
            "6.5,3.0,virginica\n")


def upload(client, files, datastore="workspace", **form):
    """POST files [(name, bytes)] as multipart field `file`."""
    data = {key: str(value) for key, value in form.items()}
    data["file"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/api/datastores/{datastore}/files", data=data, content_type="multipart/form-data")


def wait_run(client, run_id, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        run = client.get(f"/api/runs/{run_id}").get_json()
        if run["status"] in FINISHED:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def png_bytes(colour) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_image_folder(root, classes=("cat", "dog"), per_class=3):
    for index, name in enumerate(classes):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(per_class):
            (folder / f"{n}.png").write_bytes(png_bytes((40 * index + n, 100, 200)))
    return root
