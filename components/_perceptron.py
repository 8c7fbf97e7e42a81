"""The averaged perceptron as a scikit-learn classifier with probabilities (kept apart: it imports scikit-learn)."""
from __future__ import annotations

from sklearn.base import BaseEstimator, ClassifierMixin

from components._estimators import margin_probabilities


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
        return margin_probabilities(self.model_.decision_function(x))
