"""The neural-network algorithm: a PyTorch multilayer perceptron behind fit/predict, saved as a state_dict.

Only `components.models` imports this module, and only when a network is built,
trained or loaded, so importing the component library never pays for torch.
The network standardises its own inputs (the mean and scale are buffers in the
state_dict) and regression targets are standardised during training, so a
saved network needs nothing but its architecture and its weights.
"""
from __future__ import annotations

import contextlib
import copy
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from components.spec import ComponentError

WEIGHTS_FILE = "network.pt"
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh}
OPTIMIZERS = ("adam", "sgd")
#: Rows per forward pass when predicting, so scoring a large table stays within memory.
_PREDICT_CHUNK = 65536
#: Below this many multiply-adds per forward pass, one CPU thread is faster: waking the OpenMP
#: pool costs more than it saves, and far more when other work shares the cores.
_SINGLE_THREAD_WORK = 5_000_000


@contextlib.contextmanager
def _threads_for(work: float):
    """Run small tensor work on one thread; with OpenMP this setting is per calling thread, and is restored."""
    before = torch.get_num_threads()
    if work < _SINGLE_THREAD_WORK and before > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def _weights(architecture: dict) -> int:
    widths = [architecture["inputs"], *architecture["hidden_layers"], architecture["outputs"]]
    return sum(a * b for a, b in zip(widths, widths[1:]))


class _Standardize(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.register_buffer("mean", torch.zeros(width))
        self.register_buffer("scale", torch.ones(width))

    def forward(self, x):
        return (x - self.mean) / self.scale


def build_network(architecture: dict) -> nn.Sequential:
    """The module an architecture describes, with untrained weights."""
    layers: list[nn.Module] = [_Standardize(architecture["inputs"])]
    width = architecture["inputs"]
    activation = ACTIVATIONS[architecture["activation"]]
    for hidden in architecture["hidden_layers"]:
        layers += [nn.Linear(width, hidden), activation()]
        width = hidden
    layers.append(nn.Linear(width, architecture["outputs"]))
    return nn.Sequential(*layers)


class NeuralNetworkEstimator:
    """A multilayer perceptron for classification (labels as codes 0..k-1) or regression."""

    def __init__(self, task: str, hidden_layers=(64,), activation: str = "relu", epochs: int = 50,
                 batch_size: int = 32, learning_rate: float = 0.001, optimizer: str = "adam",
                 weight_decay: float = 0.0, seed: int = 0, patience: int = 0,
                 validation_fraction: float = 0.1):
        if task not in ("classification", "regression"):
            raise ValueError(f"a neural network does {task!r}? only classification or regression")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}")
        self.task = task
        self.hidden_layers = [int(h) for h in hidden_layers]
        self.activation = activation
        self.epochs = int(epochs)
        self.batch_size = int(batch_size)
        self.learning_rate = float(learning_rate)
        self.optimizer = optimizer
        self.weight_decay = float(weight_decay)
        self.seed = int(seed)
        self.patience = int(patience)
        self.validation_fraction = float(validation_fraction)
        self.architecture: dict | None = None
        self.network: nn.Sequential | None = None
        #: One dict per epoch, as reported through ctx.metrics.
        self.history: list[dict] = []

    # ------------------------------------------------------------ training
    def fit(self, X, y, *, n_outputs: int = 1, ctx=None, progress_span=(0.0, 1.0)) -> "NeuralNetworkEstimator":
        """Train; with a ctx, report each epoch's metrics and progress within `progress_span`."""
        X = np.asarray(X, dtype=np.float32)
        classification = self.task == "classification"
        y = np.asarray(y, dtype=np.int64 if classification else np.float64)
        target_mean, target_scale = 0.0, 1.0
        if not classification:
            target_mean = float(y.mean())
            target_scale = float(y.std()) or 1.0
        self.architecture = {
            "inputs": int(X.shape[1]), "hidden_layers": self.hidden_layers, "activation": self.activation,
            "outputs": int(n_outputs) if classification else 1, "task": self.task,
            "target_mean": target_mean, "target_scale": target_scale,
        }
        # Seed a private copy of the global generator: the same seed gives the same
        # weights and batches, and the caller's random state is left as it was.
        work = min(self.batch_size, len(X)) * _weights(self.architecture)
        with torch.random.fork_rng(devices=[]), _threads_for(work):
            torch.manual_seed(self.seed)
            generator = torch.Generator().manual_seed(self.seed)
            network = build_network(self.architecture)
            scale = X.std(axis=0)
            network[0].mean.copy_(torch.from_numpy(X.mean(axis=0)))
            network[0].scale.copy_(torch.from_numpy(np.where(scale > 0, scale, 1.0).astype(np.float32)))
            features = torch.from_numpy(X)
            if classification:
                targets = torch.from_numpy(y)
            else:
                targets = torch.from_numpy(((y - target_mean) / target_scale).astype(np.float32)).unsqueeze(1)
            self.network = self._train(network, features, targets, generator, ctx, progress_span)
        self.network.eval()
        return self

    def _train(self, network, features, targets, generator, ctx, progress_span):
        classification = self.task == "classification"
        loss_function = nn.CrossEntropyLoss() if classification else nn.MSELoss()
        if self.optimizer == "adam":
            optimizer = torch.optim.Adam(network.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay)
        else:
            optimizer = torch.optim.SGD(network.parameters(), lr=self.learning_rate, momentum=0.9,
                                        weight_decay=self.weight_decay)
        rows = len(features)
        order = torch.randperm(rows, generator=generator)
        held_out = int(round(rows * self.validation_fraction)) if rows >= 10 else 0
        validation, training = order[:held_out], order[held_out:]
        best_loss, best_state, epochs_without_gain = math.inf, None, 0
        self.history = []
        for epoch in range(1, self.epochs + 1):
            network.train()
            shuffled = training[torch.randperm(len(training), generator=generator)]
            total_loss, correct = 0.0, 0
            for batch_number, start in enumerate(range(0, len(shuffled), self.batch_size)):
                if ctx is not None and batch_number % 50 == 49:
                    ctx.check_cancelled()
                batch = shuffled[start:start + self.batch_size]
                optimizer.zero_grad()
                outputs = network(features[batch])
                loss = loss_function(outputs, targets[batch])
                loss.backward()
                optimizer.step()
                total_loss += loss.item() * len(batch)
                if classification:
                    correct += int((outputs.argmax(1) == targets[batch]).sum())
            record = {"epoch": epoch, "loss": total_loss / len(shuffled)}
            if not math.isfinite(record["loss"]):
                raise ComponentError(f"The neural network diverged at epoch {epoch} (the loss is not a number); "
                                     "lower learning_rate or standardise the features.")
            if classification:
                record["accuracy"] = correct / len(shuffled)
            if held_out:
                network.eval()
                with torch.no_grad():
                    outputs = network(features[validation])
                    record["val_loss"] = float(loss_function(outputs, targets[validation]))
                    if classification:
                        record["val_accuracy"] = float((outputs.argmax(1) == targets[validation]).double().mean())
            self.history.append(record)
            if ctx is not None:
                ctx.metrics(record)
                first, last = progress_span
                ctx.progress(first + (last - first) * epoch / self.epochs,
                             f"epoch {epoch}/{self.epochs}: loss {record['loss']:.4f}")
            if self.patience > 0:
                watched = record.get("val_loss", record["loss"])
                if watched < best_loss:
                    best_loss, best_state, epochs_without_gain = watched, copy.deepcopy(network.state_dict()), 0
                else:
                    epochs_without_gain += 1
                    if epochs_without_gain >= self.patience:
                        if ctx is not None:
                            ctx.log(f"early stopping after epoch {epoch}: no improvement for {self.patience} epochs")
                        break
        if best_state is not None:
            network.load_state_dict(best_state)
        return network

    # ------------------------------------------------------------ predicting
    def _outputs(self, X) -> np.ndarray:
        if self.network is None:
            raise RuntimeError("the neural network is not trained")
        X = np.asarray(X, dtype=np.float32)
        chunks = []
        with torch.no_grad(), _threads_for(min(len(X), _PREDICT_CHUNK) * _weights(self.architecture)):
            for start in range(0, len(X), _PREDICT_CHUNK):
                chunks.append(self.network(torch.from_numpy(X[start:start + _PREDICT_CHUNK])).double().numpy())
        if not chunks:
            return np.zeros((0, self.architecture["outputs"]))
        return np.concatenate(chunks)

    def predict_proba(self, X) -> np.ndarray:
        logits = self._outputs(X)
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        outputs = self._outputs(X)
        if self.task == "classification":
            return outputs.argmax(axis=1)
        return outputs[:, 0] * self.architecture["target_scale"] + self.architecture["target_mean"]

    # ------------------------------------------------------------ on disk
    def settings(self) -> dict:
        return {"task": self.task, "hidden_layers": self.hidden_layers, "activation": self.activation,
                "epochs": self.epochs, "batch_size": self.batch_size, "learning_rate": self.learning_rate,
                "optimizer": self.optimizer, "weight_decay": self.weight_decay, "seed": self.seed,
                "patience": self.patience, "validation_fraction": self.validation_fraction}

    def save(self, directory: Path) -> dict:
        """Write the weights as a state_dict; return the JSON description needed to rebuild the network."""
        torch.save(self.network.state_dict(), Path(directory) / WEIGHTS_FILE)
        return {"architecture": self.architecture, "settings": self.settings(), "file": WEIGHTS_FILE,
                "history": self.history}

    @classmethod
    def load(cls, directory: Path, description: dict) -> "NeuralNetworkEstimator":
        estimator = cls(**description["settings"])
        estimator.architecture = description["architecture"]
        estimator.history = list(description.get("history") or [])
        network = build_network(estimator.architecture)
        state = torch.load(Path(directory) / description.get("file", WEIGHTS_FILE), weights_only=True)
        network.load_state_dict(state)
        network.eval()
        estimator.network = network
        return estimator
