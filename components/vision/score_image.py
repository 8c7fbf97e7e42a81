"""Score Image Model: a trained image classifier's predictions for every image, as a scored table."""
from __future__ import annotations

from components.context import RunContext
from components.ports import DataFrame, ImageDirectory as ImageDirectoryPort, TrainedModel
from components.roles import Role
from components.spec import ComponentError, Param, component
from components.vision.image_directory import ImageDirectory
from components.vision.image_model import ImageModel


@component(id="score-image-model", category="Model Scoring and Evaluation",
           inputs={"dataset": ImageDirectoryPort, "trained_model": TrainedModel},
           outputs={"scored_dataset": DataFrame}, roles={Role.SCORER})
def score_image_model(dataset, trained_model, *,
                      top_k: Param(int, 0, min=0, max=1000,
                                   description="Also list the k most likely classes per image, as a JSON list in "
                                               "a `Top <k> Labels` column (0: off)."),
                      batch_size: Param(int, 64, min=1, max=65_536, description="Images per forward pass."),
                      device: Param(str, "auto", description="auto, cpu, cuda or cuda:N."),
                      ctx: RunContext = None):
    """Predict the class of every image: `Scored Labels` and one `Scored Probabilities_<class>` column per
    class, next to `image` (its id) and `label` (its true class, when known) — ready for evaluate-model.

    Images with an attached image transformation use it in inference mode (never random); other
    images get the transformation the model was trained with.
    """
    ctx = ctx or RunContext()
    if not isinstance(trained_model, ImageModel):
        raise ComponentError("connect a trained image model (the output of train-pytorch-model); tabular models "
                             "go to score-model")
    if not isinstance(dataset, ImageDirectory):
        raise ComponentError("connect an image directory to the dataset input")
    from components.vision._networks import pick_device

    target = pick_device(device, ctx.devices)
    ctx.log(f"scoring {len(dataset)} images with {trained_model.architecture.architecture} on {target}")
    scored = trained_model.score(dataset, top_k=top_k, batch_size=batch_size, device=str(target),
                                 progress=ctx.progress)
    ctx.progress(1.0, f"scored {len(scored)} images")
    return scored
