"""Graph documents the sweep tests run: a tiny iris neural network with its learning rate as a pipeline parameter."""
from __future__ import annotations


def iris_network(epochs: int = 12, learning_rate: float = 0.05) -> dict:
    return {
        "format": "designer-graph/1", "name": "Iris network sweep",
        "parameters": [{"name": "learning_rate", "type": "float", "default": learning_rate},
                       {"name": "hidden", "type": "str", "default": "8"}],
        "nodes": [
            {"id": "iris", "component": "sample-dataset", "params": {"name": "iris"}},
            {"id": "split", "component": "split-data", "params": {"test_fraction": 0.3, "seed": 7,
                                                                   "stratify_column": "species"}},
            {"id": "nn", "component": "neural-network",
             "params": {"hidden_layers": {"$param": "hidden"}, "epochs": epochs, "batch_size": 16,
                        "learning_rate": {"$param": "learning_rate"}, "validation_fraction": 0.2, "seed": 1}},
            {"id": "train", "component": "train-model", "params": {"label_column": "species"}},
            {"id": "score", "component": "score-model", "params": {}},
            {"id": "eval", "component": "evaluate-model", "params": {}},
        ],
        "edges": [
            {"source": "iris", "source_port": "dataset", "target": "split", "target_port": "dataset"},
            {"source": "split", "source_port": "train", "target": "train", "target_port": "dataset"},
            {"source": "nn", "source_port": "model", "target": "train", "target_port": "untrained_model"},
            {"source": "split", "source_port": "test", "target": "score", "target_port": "dataset"},
            {"source": "train", "source_port": "trained_model", "target": "score", "target_port": "trained_model"},
            {"source": "score", "source_port": "scored_dataset", "target": "eval", "target_port": "scored_dataset"},
        ],
    }
