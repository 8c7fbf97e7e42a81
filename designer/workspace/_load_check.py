"""Child process: load an uploaded model file as its flavor says and print one JSON line {"ok", "reason"|"summary"}.

Run as `python -m designer.workspace._load_check PATH FLAVOR ARCHITECTURE_JSON`. Unpickling runs
the file's code, so it happens here, never in the server.
"""
import json
import sys


def _sklearn(path: str, architecture: dict) -> dict:
    try:
        import joblib

        model = joblib.load(path)
    except Exception as joblib_error:  # noqa: BLE001 - a plain pickle is the other accepted form
        import pickle

        try:
            with open(path, "rb") as fh:
                model = pickle.load(fh)
        except Exception as pickle_error:  # noqa: BLE001
            raise ValueError(f"joblib.load: {type(joblib_error).__name__}: {joblib_error}; pickle.load: "
                             f"{type(pickle_error).__name__}: {pickle_error}") from None
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"the file holds a {type(model).__module__}.{type(model).__name__}, which has no "
                        f"predict(); upload a fitted scikit-learn estimator or pipeline")
    summary = {"class": f"{type(model).__module__}.{type(model).__name__}"}
    for attribute in ("n_features_in_", "classes_"):
        value = getattr(model, attribute, None)
        if value is not None:
            summary[attribute.rstrip("_")] = value.tolist() if hasattr(value, "tolist") else value
    return summary


def _torch(path: str, architecture: dict) -> dict:
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict):
        raise TypeError(f"the file holds a {type(state).__name__}, not a state dict (save model.state_dict())")
    if architecture.get("kind") == "mlp":
        network = _mlp(architecture, standardized="0.mean" in state)
    else:
        from components.vision._networks import build_network

        heads = [v for k, v in state.items() if k.endswith("weight") and getattr(v, "ndim", 0) == 2]
        if not heads:
            raise ValueError("the state dict has no classifier layer")
        network = build_network(architecture["architecture"], int(heads[-1].shape[0]), dropout=0.0)
        architecture = {**architecture, "num_classes": int(heads[-1].shape[0])}
    network.load_state_dict(state, strict=True)
    return {"parameters": int(sum(p.numel() for p in network.parameters())), "architecture": architecture}


def _mlp(architecture: dict, standardized: bool):
    """The designer's MLP (first layer standardises) or the same Linear/activation stack without it."""
    from torch import nn

    from components._neural_network import ACTIVATIONS, build_network

    settings = {**architecture, "activation": architecture.get("activation", "relu")}
    if standardized:
        return build_network(settings)
    layers, width = [], settings["inputs"]
    for hidden in settings["hidden_layers"]:
        layers += [nn.Linear(width, hidden), ACTIVATIONS[settings["activation"]]()]
        width = hidden
    layers.append(nn.Linear(width, settings["outputs"]))
    return nn.Sequential(*layers)


def main(path: str, flavor: str, architecture_json: str) -> int:
    loaders = {"sklearn": _sklearn, "torch": _torch}
    try:
        summary = loaders[flavor](path, json.loads(architecture_json or "{}"))
    except Exception as exc:  # noqa: BLE001 - the reason goes back to the uploader
        print(json.dumps({"ok": False, "reason": f"{type(exc).__name__}: {exc}"[:4000]}))
        return 0
    print(json.dumps({"ok": True, "summary": summary}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
