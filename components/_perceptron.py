"""The averaged perceptron as a scikit-learn classifier with probabilities (kept apart: it imports scikit-learn)."""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


class AveragedPerceptron(ClassifierMixin, BaseEstimator):
    """scikit-learn's averaged perceptron (SGDClassifier, loss="perceptron", average=True), with probabilities
    as the logistic (two classes) or softmax (more) of its decision function."""

    def __init__(self, learning_rate: float = 1.0, max_iter: int = 10, seed: int = 0):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.seed = seed

    def fit(self, x, y):
        from sklearn.linear_model import SGDClassifier

        self.model_ = SGDClassifier(loss="perceptron", penalty=None, average=True, learning_rate="constant",
                                    eta0=self.learning_rate, max_iter=self.max_iter, tol=None,
                                    random_state=self.seed).fit(x, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, x):
        return self.model_.predict(x)

    def decision_function(self, x):
        return self.model_.decision_function(x)

    def predict_proba(self, x):
        scores = np.asarray(self.model_.decision_function(x), dtype=np.float64)
        if scores.ndim == 1:
            positive = 1.0 / (1.0 + np.exp(-scores))
            return np.column_stack([1.0 - positive, positive])
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
