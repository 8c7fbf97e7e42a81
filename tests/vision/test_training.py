"""Training and scoring image classifiers: they learn, resume, export and reload faithfully."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
import torch
from vision_support import metrics_of, recording_context, run, shapes_directory

from canvas_store.artifacts import ArtifactStore
from components.context import Cancelled, RunContext
from components.ports import TrainedModel, column_roles
from components.spec import ComponentError
from components.vision.batches import ImageBatches

CLASSES = ["circle", "square", "triangle"]


def scored(model, images, **params):
    return run("score-image-model", {"dataset": images, "trained_model": model}, params)["scored_dataset"]


def test_training_learns_coloured_shapes_well_above_chance(trained_shapes, shapes_split):
    table = scored(trained_shapes["model"], shapes_split["test"])
    accuracy = (table["label"] == table["Scored Labels"]).mean()
    assert accuracy >= 0.8, f"accuracy {accuracy:.2f} on 3 classes (chance is 0.33)"
    context = trained_shapes["context"]
    epochs = metrics_of(context)
    assert [m["epoch"] for m in epochs] == [1, 2, 3, 4]
    assert set(epochs[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    assert epochs[-1]["loss"] < epochs[0]["loss"]
    messages = [p["message"] for kind, p in context.events if kind == "node.progress"]
    assert "epoch 4/4, batch 6/6" in messages
    assert (context.work_dir / "train-checkpoint.pt").is_file()


def test_scored_images_follow_the_scored_columns_convention_and_evaluate(trained_shapes, shapes_split):
    table = scored(trained_shapes["model"], shapes_split["test"], top_k=2)
    assert list(table.columns) == ["image", "label", "Scored Labels"] + [
        f"Scored Probabilities_{c}" for c in CLASSES] + ["Top 2 Labels"]
    assert column_roles(table)["label"] == "label"
    assert column_roles(table)["score"] == {"task": "classification", "label": "label", "classes": CLASSES}
    probabilities = table[[f"Scored Probabilities_{c}" for c in CLASSES]].to_numpy()
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    top = table["Top 2 Labels"].map(json.loads)
    assert (top.str[0] == table["Scored Labels"]).all() and (top.str.len() == 2).all()
    metrics = run("evaluate-model", {"scored_dataset": table})["metrics"]
    assert metrics["metrics"]["accuracy"] == pytest.approx((table["label"] == table["Scored Labels"]).mean())
    assert metrics["charts"]["confusion_matrix"]["labels"] == CLASSES


def test_a_saved_model_loads_and_scores_identically_without_the_training_graph(trained_shapes, shapes_split,
                                                                                tmp_path):
    store = ArtifactStore(tmp_path / "store")
    digest = store.put(TrainedModel, trained_shapes["model"])
    loaded = store.get(digest)
    assert loaded.classes == CLASSES and loaded.architecture.architecture == "resnet18"
    test = shapes_split["test"]
    pd.testing.assert_frame_equal(loaded.score(test), trained_shapes["model"].score(test))


@pytest.mark.filterwarnings("ignore:`torch.jit")
def test_torchscript_export_gives_the_same_outputs(trained_shapes, shapes_split, tmp_path):
    model = trained_shapes["model"]
    path = model.to_torchscript(tmp_path / "shapes.pt")
    extra = {"classes.json": ""}
    scripted = torch.jit.load(str(path), _extra_files=extra)
    assert json.loads(extra["classes.json"]) == CLASSES
    test = shapes_split["test"]
    pixels = next(ImageBatches(test, model.transformation, test.classes, batch_size=len(test)).epoch())[0]
    expected = model.probabilities(model.transformation.batch(pixels))
    with torch.no_grad():
        exported = scripted(pixels.float() / 255)
    torch.testing.assert_close(exported, expected, rtol=1e-5, atol=1e-6)


def test_predict_images_scores_single_images_like_the_scored_table(trained_shapes, shapes_split):
    model, test = trained_shapes["model"], shapes_split["test"]
    images = [entry.open() for entry in test.entries[:5]]
    encoded = io.BytesIO()
    images[0].save(encoded, format="PNG")
    records = model.predict_images(images + [encoded.getvalue()])
    table = model.score(test.subset(range(5)))
    assert [r["Scored Labels"] for r in records[:5]] == table["Scored Labels"].tolist()
    for record, (_, row) in zip(records, table.iterrows()):
        for name in CLASSES:
            assert record[f"Scored Probabilities_{name}"] == pytest.approx(row[f"Scored Probabilities_{name}"],
                                                                           abs=1e-6)
    assert records[5] == pytest.approx(records[0])


def test_weights_saved_by_one_run_load_into_another_with_identical_outputs(trained_shapes, shapes_split, ctx):
    model = trained_shapes["model"]
    (ctx.datastore / "weights").mkdir()
    torch.save(model.network().state_dict(), ctx.datastore / "weights" / "shapes-resnet18.pth")
    architecture = run("resnet", params={"depth": 18, "input_size": 16, "num_classes": 3,
                                         "pretrained_weights": "weights/shapes-resnet18.pth"}, ctx=ctx)["model"]
    reloaded = run("train-pytorch-model", {"untrained_model": architecture, "dataset": shapes_split["train"]},
                   {"epochs": 0}, ctx)["trained_model"]
    pd.testing.assert_frame_equal(reloaded.score(shapes_split["test"]), model.score(shapes_split["test"]))


@pytest.mark.parametrize("augmentation", [{}, {"horizontal_flip": True}], ids=["cached-features", "augmented"])
def test_a_frozen_backbone_changes_only_the_head(trained_shapes, shapes_split, ctx, augmentation):
    (ctx.datastore / "weights").mkdir()
    torch.save(trained_shapes["model"].network().state_dict(), ctx.datastore / "weights" / "start.pth")
    before = torch.load(ctx.datastore / "weights" / "start.pth", weights_only=True)
    transformation = run("init-image-transformation", params={"resize": 16, **augmentation})["transformation"]
    images = transformation.apply(shapes_directory(per_class=16, size=16, seed=0), mode="training")
    architecture = run("resnet", params={"depth": 18, "input_size": 16, "pretrained_weights": "weights/start.pth",
                                         "freeze_backbone": True}, ctx=ctx)["model"]
    trained = run("train-pytorch-model", {"untrained_model": architecture, "dataset": images},
                  {"epochs": 2, "batch_size": 8, "learning_rate": 0.05, "optimizer": "sgd"}, ctx)["trained_model"]
    after = trained.state_dict
    head = [k for k in after if k.startswith("fc.")]
    assert head == ["fc.weight", "fc.bias"]
    assert all(not torch.equal(before[k], after[k]) for k in head)
    unchanged = [k for k in after if k not in head]
    assert unchanged and all(torch.equal(before[k], after[k]) for k in unchanged), \
        "backbone weights and batch-norm statistics stay as loaded"
    cached = any("backbone features are computed once" in p.get("text", "") for _, p in ctx.events)
    assert cached == (not augmentation), "features are cached exactly when nothing random happens"


def test_resume_after_a_cancel_continues_from_the_last_checkpoint(tmp_path):
    images = shapes_directory(per_class=8, size=16)
    architecture = run("mobilenet-v2", params={"input_size": 16})["model"]
    inputs = {"untrained_model": architecture, "dataset": images}
    params = {"epochs": 3, "batch_size": 8, "optimizer": "sgd", "learning_rate": 0.01, "seed": 11}
    uninterrupted = run("train-pytorch-model", inputs, params, recording_context(tmp_path / "a"))["trained_model"]

    checks_after_epoch_one = []

    def cancel_inside_epoch_two(events):
        if metrics_of_events(events):
            checks_after_epoch_one.append(1)
        return len(checks_after_epoch_one) > 2

    cancelled = recording_context(tmp_path / "b", cancel_when=cancel_inside_epoch_two)
    with pytest.raises(Cancelled):
        run("train-pytorch-model", inputs, params, cancelled)
    assert [m["epoch"] for m in metrics_of(cancelled)] == [1], "cancelled inside epoch 2"

    resumed_ctx = recording_context(tmp_path / "b")
    resumed = run("train-pytorch-model", inputs, params, resumed_ctx)["trained_model"]
    logs = [p["text"] for kind, p in resumed_ctx.events if kind == "node.log"]
    assert "resuming from the checkpoint after epoch 1 of 3" in logs
    progress = [p["message"] for kind, p in resumed_ctx.events if kind == "node.progress"]
    assert not any(m.startswith("epoch 1/3") for m in progress), "epoch 1 is not trained again"
    assert [m["epoch"] for m in metrics_of(resumed_ctx)] == [1, 2, 3]
    assert resumed.history == uninterrupted.history
    assert all(torch.equal(resumed.state_dict[k], v) for k, v in uninterrupted.state_dict.items()), \
        "a resumed run ends exactly where an uninterrupted one does (same seed)"


def metrics_of_events(events):
    return [p for kind, p in events if kind == "node.metrics"]


def test_training_data_must_be_labelled_with_two_classes():
    architecture = run("resnet", params={"input_size": 16})["model"]
    one_class = shapes_directory(per_class=3, size=8, classes=("circle",))
    with pytest.raises(ComponentError, match="all belong to one class \\(circle\\)"):
        run("train-pytorch-model", {"untrained_model": architecture, "dataset": one_class})
    unlabelled = shapes_directory(per_class=2, size=8)
    unlabelled.entries[0] = type(unlabelled.entries[0])("x.png", None, pixels=unlabelled.entries[0].pixels)
    with pytest.raises(ComponentError, match="1 training images have no label"):
        run("train-pytorch-model", {"untrained_model": architecture, "dataset": unlabelled})
    with pytest.raises(ComponentError, match="train-pytorch-model trains image architectures"):
        run("train-pytorch-model", {"untrained_model": object(), "dataset": unlabelled})
    four = run("resnet", params={"input_size": 16, "num_classes": 4})["model"]
    with pytest.raises(ComponentError, match="set up for 4 classes but the images have 3"):
        run("train-pytorch-model", {"untrained_model": four, "dataset": shapes_directory(per_class=2, size=8)})


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_training_on_cuda_with_mixed_precision_gives_a_model_that_scores_on_the_cpu(shapes_split):
    architecture = run("resnet", params={"input_size": 16})["model"]
    model = run("train-pytorch-model", {"untrained_model": architecture, "dataset": shapes_split["train"]},
                {"epochs": 2, "batch_size": 8, "device": "auto", "mixed_precision": True},
                RunContext(devices=("cpu", "cuda:0")))["trained_model"]
    assert all(t.device.type == "cpu" for t in model.state_dict.values())
    assert len(model.score(shapes_split["test"], device="cpu")) == len(shapes_split["test"])
