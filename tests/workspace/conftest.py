"""Workspace fixtures: one real home (SQLite file, Flask test client) where iris and two tiny wine networks trained."""
from __future__ import annotations

import io

import joblib
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from designer.server import close_app, create_app
from workspace_support import Workspace, example, wine_document


@pytest.fixture(scope="session")
def workspace(tmp_path_factory):
    app = create_app(home=str(tmp_path_factory.mktemp("workspace-home")))
    state = Workspace(app)
    state.run("iris", example("iris-classification"), experiment="iris-exp", tags={"team": "tabular"})
    state.run("wine-3", wine_document(3), experiment="wine-exp", display_name="three epochs",
              tags={"team": "deep", "size": "small"})
    state.run("wine-5", wine_document(5, 0.05), experiment="wine-exp", tags={"team": "deep"})
    yield state
    close_app(app)


@pytest.fixture
def client(workspace):
    return workspace.client


@pytest.fixture(scope="session")
def iris_model(workspace):
    """("iris-logistic:N", the iris features): a scikit-learn model uploaded as model.pkl."""
    X, y = load_iris(return_X_y=True)
    buffer = io.BytesIO()
    joblib.dump(LogisticRegression(max_iter=1000).fit(X, y), buffer)
    response = workspace.client.post("/api/models", data={"name": "iris-logistic", "flavor": "sklearn",
                                                          "file": (io.BytesIO(buffer.getvalue()), "model.pkl")},
                                     content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return f"iris-logistic:{response.get_json()['version']}", X
