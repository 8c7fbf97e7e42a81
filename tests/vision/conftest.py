"""Vision test fixtures: generated coloured-shape images and one small trained model shared per module."""
from __future__ import annotations

import pytest
from vision_support import recording_context, run, shapes_directory


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """The vision tests train real networks on a CPU shared with other work: one thread keeps them
    predictable (two threads contending with other processes are several times slower)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def shapes_split():
    """Training and test images (16 px coloured circles, squares and triangles), sized by a 16 px transformation."""
    transformation = run("init-image-transformation", params={"resize": 16, "keep_aspect_ratio": False})
    train = shapes_directory(per_class=16, size=16, seed=0)
    test = shapes_directory(per_class=10, size=16, seed=1)
    apply = "apply-image-transformation"
    return {"transformation": transformation["transformation"],
            "train": run(apply, {"transformation": transformation["transformation"], "image_directory": train},
                         {"mode": "training"})["image_directory"],
            "test": run(apply, {"transformation": transformation["transformation"], "image_directory": test},
                        {"mode": "inference"})["image_directory"]}


@pytest.fixture(scope="module")
def trained_shapes(shapes_split, tmp_path_factory):
    """A ResNet-18 trained from scratch for 4 epochs on the shapes, with the context that recorded it."""
    context = recording_context(work_dir=tmp_path_factory.mktemp("train-work"))
    architecture = run("resnet", params={"depth": 18, "input_size": 16})["model"]
    model = run("train-pytorch-model", {"untrained_model": architecture, "dataset": shapes_split["train"],
                                        "validation_dataset": shapes_split["test"]},
                {"epochs": 4, "batch_size": 8, "learning_rate": 0.001, "lr_schedule": "cosine", "seed": 3},
                context)["trained_model"]
    return {"model": model, "context": context, "architecture": architecture}
