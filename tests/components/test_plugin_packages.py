"""An installed third-party package (found through its entry points) gets the same roles and kinds as built-ins."""
from __future__ import annotations

import sys
import textwrap

import pytest

import components
from components.roles import Role
from designer.compute import kinds


@pytest.fixture
def installed_package(tmp_path, monkeypatch):
    """A real distribution on sys.path: a module with a component and a compute kind, and its entry points."""
    package = tmp_path / "acme_designer"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "parts.py").write_text(textwrap.dedent('''
        from components.ports import DataFrame, TrainedModel
        from components.roles import Role
        from components.spec import Param, component
        from designer.compute.kinds import Setting, TargetKind

        @component(id="acme-plugin-score", category="Acme", inputs={"rows": DataFrame, "model": TrainedModel},
                   outputs={"scores": DataFrame}, roles={Role.SCORER})
        def acme_plugin_score(rows, model, *, threshold: Param(float, 0.5)):
            """Score rows."""
            return model.score(rows)

        THREADS = TargetKind("acme-threads", "threads, the Acme way", "designer.compute.local:from_settings",
                             (Setting("workers", int, "threads", min=1, flag="--acme-threads"),))
    '''))
    info = tmp_path / "acme_designer-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-designer\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[designer.components]\nacme = acme_designer.parts\n\n"
                                           "[designer.compute_kinds]\nacme = acme_designer.parts:THREADS\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(kinds, "_kinds", None)
    yield
    sys.modules.pop("acme_designer.parts", None)
    components.registered().pop("acme-plugin-score", None)


def test_a_plugin_component_is_loaded_with_its_roles(installed_package):
    components._load_plugins()

    spec = components.get("acme-plugin-score")
    assert spec is not None and Role.SCORER in spec.roles
    assert spec.to_json()["roles"] == ["scorer"]


def test_a_plugin_compute_kind_is_discovered_with_its_settings(installed_package):
    found = kinds.target_kinds()

    assert {"local", "process", "dask", "acme-threads"} <= set(found)
    assert found["acme-threads"].setting("workers").flag == "--acme-threads"
    assert found["acme-threads"].problems({"workers": 0}) == [("settings.workers",
                                                               "settings.workers must be a whole number of at least 1")]
