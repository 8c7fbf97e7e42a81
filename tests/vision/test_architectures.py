"""Architectures and their weights: strict loading with errors that say what is wrong and what to do."""
from __future__ import annotations

import pytest
import torch
from vision_support import recording_context, run

from components.spec import ComponentError
from components.vision._networks import build_network


@pytest.fixture
def weights_ctx(tmp_path):
    datastore = tmp_path / "datastore"
    (datastore / "weights").mkdir(parents=True)
    return recording_context(datastore=datastore)


def save_weights(ctx, name: str, architecture: str, classes: int) -> str:
    torch.save(build_network(architecture, classes, dropout=0.0).state_dict(), ctx.datastore / "weights" / name)
    return f"weights/{name}"


def test_weights_for_another_architecture_are_rejected_naming_both(weights_ctx):
    path = save_weights(weights_ctx, "resnet.pth", "resnet18", 3)
    with pytest.raises(ComponentError, match="is for another architecture than mobilenet_v2 \\(it looks like "
                                             "resnet18 weights\\)"):
        run("mobilenet-v2", params={"pretrained_weights": path, "num_classes": 3}, ctx=weights_ctx)
    with pytest.raises(ComponentError, match="another architecture than resnet34 \\(it looks like resnet18"):
        run("resnet", params={"depth": 34, "pretrained_weights": path}, ctx=weights_ctx)


def test_weights_for_another_class_count_are_rejected(weights_ctx):
    path = save_weights(weights_ctx, "five.pth", "mobilenet_v2", 5)
    with pytest.raises(ComponentError, match="has a classification head for 5 classes but this model has 3"):
        run("mobilenet-v2", params={"pretrained_weights": path, "num_classes": 3}, ctx=weights_ctx)
    # Asking for a new head keeps only the backbone: that is transfer learning.
    model = run("mobilenet-v2", params={"pretrained_weights": path, "num_classes": 3, "weights_head": "new"},
                ctx=weights_ctx)["model"]
    assert model.weights_file.endswith("five.pth")


def test_an_imagenet_head_is_replaced_for_transfer_learning(weights_ctx):
    path = save_weights(weights_ctx, "imagenet.pth", "mobilenet_v2", 1000)
    model = run("mobilenet-v2", params={"pretrained_weights": path, "num_classes": 4, "freeze_backbone": True},
                ctx=weights_ctx)["model"]
    net = model.create(4, log=lambda text: None)
    source = torch.load(weights_ctx.datastore / path, weights_only=True)
    assert torch.equal(net.state_dict()["features.0.0.weight"], source["features.0.0.weight"])
    assert net.classifier[1].out_features == 4
    assert any("replaced by a new 4-class head" in p.get("text", "") for _, p in weights_ctx.events)


def test_torchvisions_published_densenet_layer_names_load():
    import re

    from components.vision._networks import load_pretrained

    imagenet = build_network("densenet121", 1000, dropout=0.0).state_dict()
    published = {re.sub(r"(denselayer\d+\.(?:norm|relu|conv))([12])\.", r"\1.\2.", k): v for k, v in imagenet.items()
                 if not k.endswith("num_batches_tracked")}
    assert "features.denseblock1.denselayer1.norm.1.weight" in published
    net = build_network("densenet121", 5, dropout=0.0)
    load_pretrained(net, "densenet121", published, "densenet121-a639ec97.pth", head_policy="auto", log=lambda t: None)
    assert torch.equal(net.state_dict()["features.denseblock1.denselayer1.norm1.weight"],
                       imagenet["features.denseblock1.denselayer1.norm1.weight"])


def test_a_missing_weights_file_says_where_to_put_it(weights_ctx):
    with pytest.raises(ComponentError) as error:
        run("mobilenet-v2", params={"pretrained_weights": "weights/mobilenet_v2-b0353104.pth"}, ctx=weights_ctx)
    message = str(error.value)
    assert "was not found: put it at " + str(weights_ctx.datastore / "weights" / "mobilenet_v2-b0353104.pth") in message
    assert f"inside the datastore {weights_ctx.datastore}" in message


def test_registry_weights_need_a_model_registry(weights_ctx):
    with pytest.raises(ComponentError, match="model registry not available"):
        run("resnet", params={"pretrained_weights": "registry:my-resnet:3"}, ctx=weights_ctx)
    path = save_weights(weights_ctx, "registered.pth", "resnet18", 2)
    weights_ctx.resolve_registered_weights = lambda name, version: weights_ctx.datastore / path
    model = run("resnet", params={"pretrained_weights": "registry:my-resnet:3", "num_classes": 2},
                ctx=weights_ctx)["model"]
    assert model.weights_file.endswith("registered.pth")


def test_a_file_that_is_not_weights_is_rejected(weights_ctx):
    (weights_ctx.datastore / "weights" / "notes.pth").write_text("not a checkpoint")
    with pytest.raises(ComponentError, match="'weights/notes.pth' cannot be read as PyTorch weights"):
        run("densenet", params={"pretrained_weights": "weights/notes.pth"}, ctx=weights_ctx)


def test_a_frozen_backbone_needs_pretrained_weights():
    with pytest.raises(ComponentError, match="give pretrained_weights too"):
        run("resnet", params={"freeze_backbone": True})


def test_the_untrained_model_carries_a_copy_of_its_weights_in_its_on_disk_form(weights_ctx, tmp_path):
    from components.vision.architectures import ImageArchitecture

    path = save_weights(weights_ctx, "two.pth", "resnet18", 2)
    original = torch.load(weights_ctx.datastore / path, weights_only=True)
    model = run("resnet", params={"pretrained_weights": path, "num_classes": 2}, ctx=weights_ctx)["model"]
    model.save_to(tmp_path)
    (weights_ctx.datastore / path).unlink()  # the saved value no longer needs the datastore
    loaded = ImageArchitecture.load_from(tmp_path)
    assert loaded.weights_file == str(tmp_path / "pretrained.pth") and loaded.weights_name == path
    net = loaded.create(2, log=lambda text: None)
    assert all(torch.equal(net.state_dict()[k], v) for k, v in original.items())


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error on a machine without a GPU")
@pytest.mark.parametrize("device", ["cuda", "cuda:1"])
def test_asking_for_cuda_without_a_gpu_is_a_clear_error(device):
    from vision_support import shapes_directory

    architecture = run("resnet", params={"input_size": 16})["model"]
    with pytest.raises(ComponentError, match=f"device '{device}' was asked for but no CUDA GPU is available"):
        run("train-pytorch-model", {"untrained_model": architecture,
                                    "dataset": shapes_directory(per_class=2, size=8)},
            {"device": device, "epochs": 1})
