"""Estimators behind the second wave of learners, and their builders in `components.models.ALGORITHMS`.

Where scikit-learn has the algorithm it is used as is (PoissonRegressor,
LinearSVC with CalibratedClassifierCV, SGDClassifier's averaged perceptron,
OneVsRestClassifier, OneVsOneClassifier); the quantile forest and the PCA
anomaly detector are thin layers over RandomForestRegressor and PCA.
"""
from __future__ import annotations

import numpy as np

from components.models import ALGORITHMS, QUANTILE_PREFIX


def margin_probabilities(scores) -> np.ndarray:
    """Probabilities from margins: the softmax of per-class scores; one score per row (two classes) is the
    margin of the second class, so its probability is the logistic of the margin."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([np.zeros_like(scores), scores])
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class _Wrapped:
    """An estimator around another, passing fit and predict through."""

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, x, y):
        self.estimator.fit(x, y)
        self.classes_ = self.estimator.classes_
        return self

    def predict(self, x):
        return self.estimator.predict(x)


class TwoClassOnly(_Wrapped):
    """Refuses more than two classes, naming the wrapper that handles them."""

    def __init__(self, estimator, name: str):
        super().__init__(estimator)
        self.name = name

    def fit(self, x, y):
        if len(np.unique(y)) != 2:
            raise ValueError(f"{self.name} is a two-class learner and the label has {len(np.unique(y))} classes; "
                             f"wrap it in one-vs-all-multiclass or one-vs-one-multiclass")
        return super().fit(x, y)

    def predict_proba(self, x):
        return self.estimator.predict_proba(x)


class VoteProbabilities(_Wrapped):
    """One-vs-one gives votes, not probabilities: these are the softmax of its per-class confidences
    (scikit-learn's decision_function), so they rank classes the way `predict` picks them."""

    def predict_proba(self, x):
        return margin_probabilities(self.estimator.decision_function(x))


#: Rows scored at once by the quantile forest (its weight matrix is block × training rows).
_QUANTILE_BLOCK = 512


class QuantileForest:
    """A quantile regression forest (Meinshausen 2006) on scikit-learn's RandomForestRegressor.

    Each tree's leaf holding a row weighs the training targets in that leaf by
    1 / leaf size; the quantiles of those weighted targets, averaged over the
    trees, are the row's predicted quantiles. `predict` gives the middle quantile.
    """

    def __init__(self, quantiles: list[float], **forest):
        from sklearn.ensemble import RandomForestRegressor

        self.quantiles = sorted(float(q) for q in quantiles)
        self.forest = RandomForestRegressor(bootstrap=False, **forest)

    def fit(self, x, y):
        self.forest.fit(x, y)
        self.train_leaves_ = self.forest.apply(x)
        self.y_ = np.asarray(y, dtype=np.float64)
        return self

    def quantile_predictions(self, x) -> np.ndarray:
        """(rows, quantiles): rows are taken in blocks so the weight matrix stays small."""
        from scipy import sparse

        order = np.argsort(self.y_, kind="stable")
        sorted_y = self.y_[order]
        trees = self.train_leaves_.shape[1]
        # Per tree, a (leaf × training row) matrix of 1 / leaf size, columns in target order.
        weights_by_leaf = []
        for tree in range(trees):
            leaves = self.train_leaves_[order, tree]
            sizes = np.bincount(leaves)
            weights_by_leaf.append(sparse.csr_matrix((1.0 / sizes[leaves], (leaves, np.arange(len(leaves)))),
                                                     shape=(sizes.size, len(leaves))))
        query = self.forest.apply(x)
        out = np.empty((len(x), len(self.quantiles)))
        for start in range(0, len(x), _QUANTILE_BLOCK):
            rows = query[start:start + _QUANTILE_BLOCK]
            weights = sum(weights_by_leaf[t][rows[:, t]] for t in range(trees)).toarray() / trees
            cumulative = np.cumsum(weights, axis=1)
            for position, q in enumerate(self.quantiles):
                index = (cumulative < q - 1e-12).sum(axis=1)
                out[start:start + len(rows), position] = sorted_y[np.minimum(index, len(sorted_y) - 1)]
        return out

    def predict(self, x):
        return self.quantile_predictions(x)[:, len(self.quantiles) // 2]

    def extra_score_columns(self) -> list[str]:
        return [f"{QUANTILE_PREFIX}{q:g}" for q in self.quantiles]

    def extra_scores(self, x) -> dict[str, np.ndarray]:
        predictions = self.quantile_predictions(x)
        return {f"{QUANTILE_PREFIX}{q:g}": predictions[:, i] for i, q in enumerate(self.quantiles)}


class PcaAnomalyDetector:
    """PCA-based anomaly detection: a row's score is its squared distance from the principal subspace
    (scikit-learn's PCA, after standardising when `normalize`); the probability of being an anomaly is the
    share of training rows that scored lower, and rows above the `1 - contamination` quantile are anomalies."""

    def __init__(self, n_components: int, oversampling: int, normalize: bool, contamination: float, seed: int):
        self.n_components, self.oversampling = n_components, oversampling
        self.normalize, self.contamination, self.seed = normalize, contamination, seed

    def fit(self, x, y=None):
        from sklearn.decomposition import PCA
        from sklearn.preprocessing import StandardScaler

        if self.n_components >= x.shape[1]:
            raise ValueError(f"number_of_components ({self.n_components}) must be below the number of "
                             f"features ({x.shape[1]})")
        self.scaler_ = StandardScaler(with_std=self.normalize).fit(x)
        self.pca_ = PCA(n_components=self.n_components, svd_solver="randomized", n_oversamples=self.oversampling,
                        random_state=self.seed).fit(self.scaler_.transform(x))
        self.training_scores_ = np.sort(self.anomaly_scores(x))
        self.threshold_ = float(np.quantile(self.training_scores_, 1.0 - self.contamination))
        return self

    def anomaly_scores(self, x) -> np.ndarray:
        centred = self.scaler_.transform(x)
        rebuilt = self.pca_.inverse_transform(self.pca_.transform(centred))
        return ((centred - rebuilt) ** 2).sum(axis=1)

    def predict(self, x):
        return (self.anomaly_scores(x) > self.threshold_).astype(np.int64)

    def anomaly_probabilities(self, x) -> np.ndarray:
        ranks = np.searchsorted(self.training_scores_, self.anomaly_scores(x), side="left")
        return ranks / len(self.training_scores_)


# ---------------------------------------------------------------- builders

def _support_vector_machine(task: str, hp: dict):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    svm = LinearSVC(C=hp.get("C", 1.0), max_iter=hp.get("max_iter", 1000), tol=hp.get("tol", 1e-4),
                    random_state=hp.get("seed", 0))
    calibrated = CalibratedClassifierCV(svm, method=hp.get("calibration", "sigmoid"), cv=hp.get("calibration_folds", 3))
    return TwoClassOnly(calibrated, "support-vector-machine")


def _averaged_perceptron(task: str, hp: dict):
    from components._perceptron import AveragedPerceptron

    return AveragedPerceptron(hp.get("learning_rate", 1.0), hp.get("max_iter", 10), hp.get("seed", 0))


def _wrapped_binary(hp: dict):
    from components.models import Learner

    inner = Learner.from_json(hp["binary_model"])
    estimator = inner.build_estimator()
    return estimator.estimator if isinstance(estimator, TwoClassOnly) else estimator


def _one_vs_all(task: str, hp: dict):
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(_wrapped_binary(hp))


def _one_vs_one(task: str, hp: dict):
    from sklearn.multiclass import OneVsOneClassifier

    return VoteProbabilities(OneVsOneClassifier(_wrapped_binary(hp)))


def _poisson_regression(task: str, hp: dict):
    from sklearn.linear_model import PoissonRegressor

    return PoissonRegressor(alpha=hp.get("alpha", 1.0), max_iter=hp.get("max_iter", 100), tol=hp.get("tol", 1e-4),
                            fit_intercept=hp.get("fit_intercept", True))


def _fast_forest_quantile_regression(task: str, hp: dict):
    return QuantileForest(hp.get("quantiles", [0.25, 0.5, 0.75]), n_estimators=hp.get("n_estimators", 100),
                          max_leaf_nodes=hp.get("max_leaf_nodes", 20) or None,
                          min_samples_leaf=hp.get("min_samples_leaf", 10), random_state=hp.get("seed", 0))


def _pca_anomaly_detection(task: str, hp: dict):
    return PcaAnomalyDetector(hp.get("n_components", 2), hp.get("oversampling", 2), hp.get("normalize", True),
                              hp.get("contamination", 0.05), hp.get("seed", 0))


ALGORITHMS.update({
    "support-vector-machine": (("classification",), _support_vector_machine),
    "averaged-perceptron": (("classification",), _averaged_perceptron),
    "one-vs-all-multiclass": (("classification",), _one_vs_all),
    "one-vs-one-multiclass": (("classification",), _one_vs_one),
    "poisson-regression": (("regression",), _poisson_regression),
    "fast-forest-quantile-regression": (("regression",), _fast_forest_quantile_regression),
    "pca-based-anomaly-detection": (("anomaly",), _pca_anomaly_detection),
})
