"""The values on model ports: a Learner (an algorithm not yet fitted) and a TrainedModel (one that can score rows).

A TrainedModel carries everything needed to score new rows with no training graph:
its feature columns in order, how each is encoded, the original class values and
the fitted weights. On disk it is a directory with `model.json` plus the weights
(`estimator.joblib` for scikit-learn, `network.pt` state_dict for the neural
network) and `preprocessor.joblib` when text columns are one-hot encoded.
"""
from __future__ import annotations

import contextlib
import json
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from components._features import fitted_preprocessor, missing_value_columns, prepared_features
from components.json_values import python_scalar
from components.ports import ROLES_KEY, with_roles
from components.spec import ComponentError

TASKS = ("classification", "regression", "clustering", "anomaly")
SCORED_LABELS = "Scored Labels"
SCORED_PROBABILITIES = "Scored Probabilities_"
#: An anomaly detector's one probability column: how likely each row is an anomaly.
ANOMALY_PROBABILITY = "Scored Probabilities"
#: A quantile regressor's extra columns: `Quantile_0.25`, ...
QUANTILE_PREFIX = "Quantile_"
ASSIGNMENTS = "Assignments"
LEARNER_FILE = "learner.json"
MODEL_FILE = "model.json"
MODEL_FORMAT = "designer-model/1"
LEARNER_FORMAT = "designer-learner/1"


#: Below this many feature cells, scikit-learn's OpenMP threads cost more than they save, and far
#: more when other work shares the cores (measured: 0.25 s against 9 s for a 569-row boosted tree).
_SINGLE_THREAD_CELLS = 200_000
_thread_controller = None
_thread_controller_lock = threading.Lock()


def _threads_for(matrix: np.ndarray):
    """One OpenMP thread for small tables (a per-calling-thread setting, restored on exit)."""
    global _thread_controller
    if matrix.size >= _SINGLE_THREAD_CELLS:
        return contextlib.nullcontext()
    with _thread_controller_lock:
        if _thread_controller is None:
            from threadpoolctl import ThreadpoolController

            _thread_controller = ThreadpoolController()  # scanning the loaded libraries is the slow part
    return _thread_controller.limit(limits=1, user_api="openmp")


#: Large tables are scored this many rows at a time (at most), each chunk on one thread: a plain script's
#: chunked loop was faster than one multi-threaded call over the whole table, most of all on busy cores.
SCORE_CHUNK_ROWS = 20_000


def _in_chunks(predict, matrix: np.ndarray) -> np.ndarray:
    """`predict(matrix)`, over near-equal row chunks of at most SCORE_CHUNK_ROWS (no tiny last chunk)."""
    if not isinstance(matrix, np.ndarray) or matrix.ndim != 2 or len(matrix) <= SCORE_CHUNK_ROWS:
        with _threads_for(matrix):
            return predict(matrix)
    # Each chunk in the memory layout the whole matrix had, as a table of just those rows would give it.
    layout = np.asfortranarray if matrix.flags.f_contiguous else np.ascontiguousarray
    results = []
    for part in np.array_split(matrix, -(-len(matrix) // SCORE_CHUNK_ROWS)):
        part = layout(part)
        with _threads_for(part):
            results.append(predict(part))
    return np.concatenate(results)


def probability_column(cls: Any) -> str:
    return f"{SCORED_PROBABILITIES}{cls}"


def is_scored_column(name: str) -> bool:
    return name in (SCORED_LABELS, ASSIGNMENTS, ANOMALY_PROBABILITY) or str(name).startswith(
        (SCORED_PROBABILITIES, QUANTILE_PREFIX))


# ---------------------------------------------------------------- what to fit

def _logistic_regression(task: str, hp: dict):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=hp.get("C", 1.0), l1_ratio=hp.get("l1_ratio", 0.0),
                              solver=hp.get("solver", "lbfgs"), max_iter=hp.get("max_iter", 1000),
                              tol=hp.get("tol", 1e-4), fit_intercept=hp.get("fit_intercept", True),
                              random_state=hp.get("seed", 0))


def _linear_regression(task: str, hp: dict):
    from sklearn.linear_model import LinearRegression, Ridge

    if hp.get("alpha", 0.0) > 0:
        return Ridge(alpha=hp["alpha"], fit_intercept=hp.get("fit_intercept", True))
    return LinearRegression(fit_intercept=hp.get("fit_intercept", True))


def _depth(value) -> int | None:
    return None if not value else int(value)


def _decision_forest(task: str, hp: dict):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    forest = RandomForestClassifier if task == "classification" else RandomForestRegressor
    return forest(n_estimators=hp.get("n_estimators", 100), max_depth=_depth(hp.get("max_depth")),
                  min_samples_leaf=hp.get("min_samples_leaf", 1), random_state=hp.get("seed", 0))


def _boosted_decision_tree(task: str, hp: dict):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    boosted = HistGradientBoostingClassifier if task == "classification" else HistGradientBoostingRegressor
    # early_stopping off: n_estimators means what it says, whatever the table's size.
    return boosted(learning_rate=hp.get("learning_rate", 0.1), max_iter=hp.get("n_estimators", 100),
                   max_depth=_depth(hp.get("max_depth")), max_leaf_nodes=hp.get("max_leaf_nodes", 31) or None,
                   min_samples_leaf=hp.get("min_samples_leaf", 20),
                   l2_regularization=hp.get("l2_regularization", 0.0),
                   early_stopping=False, random_state=hp.get("seed", 0))


def _neural_network(task: str, hp: dict):
    from components._neural_network import NeuralNetworkEstimator

    return NeuralNetworkEstimator(task, **hp)


def _k_means(task: str, hp: dict):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=hp.get("n_clusters", 3), init=hp.get("init", "k-means++"),
                  n_init=hp.get("n_init", 10), max_iter=hp.get("max_iter", 300), random_state=hp.get("seed", 0))


#: algorithm id → (tasks it can do, builder of its unfitted estimator)
ALGORITHMS: dict[str, tuple[tuple[str, ...], Callable[[str, dict], Any]]] = {
    "logistic-regression": (("classification",), _logistic_regression),
    "linear-regression": (("regression",), _linear_regression),
    "decision-forest": (("classification", "regression"), _decision_forest),
    "boosted-decision-tree": (("classification", "regression"), _boosted_decision_tree),
    "neural-network": (("classification", "regression"), _neural_network),
    "k-means": (("clustering",), _k_means),
}


@dataclass(frozen=True)
class Learner:
    """The UntrainedModel value: which algorithm, for which task, with which hyperparameters (all JSON)."""

    algorithm: str
    task: str
    hyperparameters: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"unknown algorithm {self.algorithm!r}; known: {sorted(ALGORITHMS)}")
        if self.task not in ALGORITHMS[self.algorithm][0]:
            raise ValueError(f"{self.algorithm} cannot do {self.task!r}")

    def build_estimator(self):
        """A fresh, unfitted estimator (scikit-learn, or the neural network's own)."""
        return ALGORITHMS[self.algorithm][1](self.task, dict(self.hyperparameters))

    def to_json(self) -> dict:
        return {"format": LEARNER_FORMAT, "algorithm": self.algorithm, "task": self.task,
                "hyperparameters": dict(self.hyperparameters)}

    @classmethod
    def from_json(cls, data: dict) -> "Learner":
        return cls(data["algorithm"], data["task"], dict(data.get("hyperparameters") or {}))

    def summary(self) -> dict:
        return {"algorithm": self.algorithm, "task": self.task, "hyperparameters": dict(self.hyperparameters)}

    def save_to(self, directory: Path) -> dict:
        (Path(directory) / LEARNER_FILE).write_text(json.dumps(self.to_json(), sort_keys=True, indent=1))
        return {"algorithm": self.algorithm, "task": self.task}

    @classmethod
    def load_from(cls, directory: Path) -> "Learner":
        return cls.from_json(json.loads((Path(directory) / LEARNER_FILE).read_text()))



def sorted_classes(labels: pd.Series) -> list:
    """The distinct label values in sorted order, as plain JSON values (the order of probability columns)."""
    values = pd.unique(labels.dropna())
    try:
        ordered = sorted(values)
    except TypeError:
        ordered = sorted(values, key=str)
    return [python_scalar(v) for v in ordered]


# ---------------------------------------------------------------- the fitted model

class TrainedModel:
    """A fitted model that scores rows: the TrainedModel port's value, also used by endpoints and batch scoring.

    Attributes: `algorithm`, `task`, `label_column` (None for clustering without a label),
    `feature_columns` (exact order), `categorical_columns` (one-hot encoded ones),
    `feature_dtypes` ({column: dtype seen in training}), `classes` (original label values,
    classification only), `hyperparameters`, `estimator`, `preprocessor` (or None),
    `training_rows`.
    """

    def __init__(self, *, algorithm: str, task: str, label_column: str | None, feature_columns: list[str],
                 categorical_columns: list[str], feature_dtypes: dict[str, str], classes: list | None,
                 hyperparameters: dict, estimator: Any, preprocessor: Any = None, training_rows: int = 0):
        self.algorithm = algorithm
        self.task = task
        self.label_column = label_column
        self.feature_columns = list(feature_columns)
        self.categorical_columns = list(categorical_columns)
        self.feature_dtypes = dict(feature_dtypes)
        self.classes = list(classes) if classes is not None else None
        self.hyperparameters = dict(hyperparameters)
        self.estimator = estimator
        self.preprocessor = preprocessor
        self.training_rows = int(training_rows)

    # ------------------------------------------------------------ training
    @classmethod
    def fit(cls, learner: Learner, frame: pd.DataFrame, *, label_column: str | None, feature_columns: list[str],
            categorical_columns: list[str], ctx=None, progress_span=(0.0, 1.0)) -> "TrainedModel":
        """Fit `learner` on `frame`; the caller has already checked the label and the features.

        Epoch-by-epoch learners report progress within `progress_span` through `ctx`.
        """
        features = prepared_features(frame, feature_columns, categorical_columns)
        preprocessor = fitted_preprocessor(features, categorical_columns) if categorical_columns else None
        matrix = preprocessor.transform(features) if preprocessor is not None else features.to_numpy(np.float64)
        classes, target = None, None
        if learner.task == "classification":
            classes = sorted_classes(frame[label_column])
            target = pd.Categorical(frame[label_column], categories=classes).codes.astype(np.int64)
        elif learner.task == "regression":
            target = pd.to_numeric(frame[label_column]).to_numpy(np.float64)
        estimator = learner.build_estimator()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if learner.algorithm == "neural-network":
                    estimator.fit(matrix, target, n_outputs=len(classes or ()), ctx=ctx,
                                  progress_span=progress_span)
                else:
                    with _threads_for(matrix):
                        estimator.fit(*((matrix,) if target is None else (matrix, target)))
            except (ValueError, np.linalg.LinAlgError) as error:
                raise ComponentError(f"{learner.algorithm} could not be trained on this data: {error}") from None
        if ctx is not None:
            for message in dict.fromkeys(str(w.message) for w in caught):
                ctx.log(f"warning: {message}")
        return cls(algorithm=learner.algorithm, task=learner.task, label_column=label_column,
                   feature_columns=feature_columns, categorical_columns=categorical_columns,
                   feature_dtypes={c: str(frame[c].dtype) for c in feature_columns}, classes=classes,
                   hyperparameters=learner.hyperparameters, estimator=estimator, preprocessor=preprocessor,
                   training_rows=len(frame))

    # ------------------------------------------------------------ scoring
    def feature_matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """The numbers the estimator sees for `frame`'s rows; ComponentError on missing or bad columns."""
        features = prepared_features(frame, self.feature_columns, self.categorical_columns)
        gaps = {c: n for c, n in missing_value_columns(features).items() if c not in self.categorical_columns}
        if gaps:
            described = ", ".join(f"'{c}' ({n} rows)" for c, n in gaps.items())
            raise ComponentError(f"Cannot score rows with missing numbers in {described}; "
                                 "add Clean Missing Data before scoring or fill them in.")
        if self.preprocessor is not None:
            return self.preprocessor.transform(features)
        return features.to_numpy(np.float64)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted labels (original class values), numbers, or cluster numbers, one per row."""
        return self._predict_matrix(self.feature_matrix(frame))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray | None:
        """Class probabilities in the order of `classes` (None unless classifying)."""
        if self.task != "classification":
            return None
        return self._probabilities(self.feature_matrix(frame))

    def _probabilities(self, matrix: np.ndarray) -> np.ndarray:
        if len(matrix) == 0:
            return np.zeros((0, len(self.classes)))
        return _in_chunks(lambda part: np.asarray(self.estimator.predict_proba(part), dtype=np.float64), matrix)

    def _predict_matrix(self, matrix: np.ndarray) -> np.ndarray:
        if len(matrix) == 0:
            return self._predictions(matrix)
        return _in_chunks(self._predictions, matrix)

    def _predictions(self, matrix: np.ndarray) -> np.ndarray:
        if self.task == "classification":
            codes = self.estimator.predict(matrix) if len(matrix) else np.zeros(0, dtype=np.int64)
            return self._class_values().take(np.asarray(codes, dtype=np.int64))
        if self.task == "regression":
            return np.asarray(self.estimator.predict(matrix) if len(matrix) else [], dtype=np.float64)
        if self.task == "anomaly":
            return np.asarray(self.estimator.predict(matrix) if len(matrix) else [], dtype=np.int64)
        return np.asarray(self.estimator.predict(matrix) if len(matrix) else [], dtype=np.int64)

    def _class_values(self) -> np.ndarray:
        # The classes as a Series gives them (text as str objects, numbers as their numpy type), made once:
        # building that Series cost more than predicting one row.
        values = self.__dict__.get("_classes_array")
        if values is None:
            values = self.__dict__["_classes_array"] = pd.Series(self.classes).to_numpy()
        return values

    def score(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The input rows with the scored columns appended (see DESIGN's scored columns convention)."""
        matrix = self.feature_matrix(frame)
        scored = frame.drop(columns=[c for c in frame.columns if is_scored_column(c)])
        roles = dict(scored.attrs.get(ROLES_KEY) or {})
        scored.attrs = {}
        new_columns = self.scores_for(matrix)
        scored = pd.concat([scored, pd.DataFrame(new_columns, index=frame.index)], axis=1)
        if roles:
            scored.attrs[ROLES_KEY] = roles
        score_role = {"task": self.task, "label": self.label_column, "classes": self.classes,
                      "features": self.feature_columns, "algorithm": self.algorithm}
        if self.label_column is not None and self.label_column in scored.columns:
            return with_roles(scored, score=score_role, label=self.label_column)
        return with_roles(scored, score=score_role)

    def scores_for(self, matrix: np.ndarray) -> dict[str, np.ndarray]:
        """{scored column: values} for the rows of a feature matrix, in the order `score` appends them."""
        predictions = self._predict_matrix(matrix)
        new_columns: dict[str, Any] = {}
        if self.task == "clustering":
            new_columns[ASSIGNMENTS] = predictions
        else:
            new_columns[SCORED_LABELS] = predictions
        if self.task == "classification":
            probabilities = self._probabilities(matrix)
            for index, cls in enumerate(self.classes):
                new_columns[probability_column(cls)] = probabilities[:, index]
        if self.task == "anomaly":
            new_columns[ANOMALY_PROBABILITY] = (self.estimator.anomaly_probabilities(matrix) if len(matrix)
                                                else np.zeros(0))
        if hasattr(self.estimator, "extra_scores") and len(matrix):
            new_columns.update(self.estimator.extra_scores(matrix))
        return new_columns

    def scored_columns(self) -> list[str]:
        if self.task == "clustering":
            return [ASSIGNMENTS]
        if self.task == "regression":
            return [SCORED_LABELS] + list(getattr(self.estimator, "extra_score_columns", lambda: [])())
        if self.task == "anomaly":
            return [SCORED_LABELS, ANOMALY_PROBABILITY]
        return [SCORED_LABELS] + [probability_column(c) for c in self.classes]

    def predict_records(self, records) -> list[dict]:
        """Score a list of row dicts (an endpoint's request) and return one dict of scored columns per row."""
        frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame.from_records(list(records))
        scored = self.score(frame)
        return scored[self.scored_columns()].to_dict(orient="records")

    def input_schema(self) -> list[dict]:
        """The columns a caller must send: [{"name", "dtype", "kind": "number"|"category"}] in order."""
        return [{"name": c, "dtype": self.feature_dtypes.get(c, ""),
                 "kind": "category" if c in self.categorical_columns else "number"}
                for c in self.feature_columns]

    def schema_facts(self) -> dict:
        """What scoring adds to a table, as JSON (recorded in the artifact's meta for schema before running)."""
        from components.table_schema import column_type_of, model_facts

        label_type = column_type_of(self._class_values().dtype) if self.task == "classification" else "unknown"
        extra = self.scored_columns()[1:] if self.task == "regression" else ()
        return model_facts(self.task, self.label_column, self.classes, self.feature_columns, label_type, extra)

    def summary(self) -> dict:
        out = {"algorithm": self.algorithm, "task": self.task, "label_column": self.label_column,
               "feature_columns": self.feature_columns, "classes": self.classes,
               "training_rows": self.training_rows}
        history = getattr(self.estimator, "history", None)
        if history:
            out["history"] = history
        return out

    # ------------------------------------------------------------ on disk
    def save_to(self, directory: Path) -> dict:
        import joblib
        import sklearn

        directory = Path(directory)
        meta = {"format": MODEL_FORMAT, "algorithm": self.algorithm, "task": self.task,
                "label_column": self.label_column, "feature_columns": self.feature_columns,
                "categorical_columns": self.categorical_columns, "feature_dtypes": self.feature_dtypes,
                "classes": self.classes, "hyperparameters": self.hyperparameters,
                "training_rows": self.training_rows, "versions": {"scikit-learn": sklearn.__version__}}
        if self.preprocessor is not None:
            joblib.dump(self.preprocessor, directory / "preprocessor.joblib")
            meta["preprocessor"] = "preprocessor.joblib"
        if self.algorithm == "neural-network":
            import torch

            meta["weights"] = {"format": "torch-state-dict", **self.estimator.save(directory)}
            meta["versions"]["torch"] = torch.__version__
        else:
            joblib.dump(self.estimator, directory / "estimator.joblib")
            meta["weights"] = {"format": "joblib", "file": "estimator.joblib"}
        (directory / MODEL_FILE).write_text(json.dumps(meta, sort_keys=True, indent=1))
        return {"algorithm": self.algorithm, "task": self.task, "label_column": self.label_column}

    @classmethod
    def load_from(cls, directory: Path) -> "TrainedModel":
        import joblib

        directory = Path(directory)
        meta = json.loads((directory / MODEL_FILE).read_text())
        if meta.get("format") != MODEL_FORMAT:
            raise ComponentError(f"{directory} holds a model in format {meta.get('format')!r}, "
                                 f"not {MODEL_FORMAT!r}.")
        weights = meta["weights"]
        if weights["format"] == "torch-state-dict":
            from components._neural_network import NeuralNetworkEstimator

            estimator = NeuralNetworkEstimator.load(directory, weights)
        else:
            estimator = joblib.load(directory / weights["file"])
        preprocessor = joblib.load(directory / meta["preprocessor"]) if meta.get("preprocessor") else None
        return cls(algorithm=meta["algorithm"], task=meta["task"], label_column=meta["label_column"],
                   feature_columns=meta["feature_columns"], categorical_columns=meta["categorical_columns"],
                   feature_dtypes=meta["feature_dtypes"], classes=meta["classes"],
                   hyperparameters=meta["hyperparameters"], estimator=estimator, preprocessor=preprocessor,
                   training_rows=meta.get("training_rows", 0))


# The second wave of learners registers its builders in ALGORITHMS (it imports this module).
from components import _estimators  # noqa: E402,F401
