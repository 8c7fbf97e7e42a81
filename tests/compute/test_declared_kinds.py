"""A compute kind is declared once (settings, flag, builder) and the registry, the CLI and the API follow."""
from __future__ import annotations

import json

import pytest

from designer.cli import main
from designer.compute.kinds import Setting, TargetKind, add_kind, target_kinds
from designer.compute.local import LocalTarget
from designer.compute.registry import TargetRegistry


class ToyTarget(LocalTarget):
    kind = "toy-threads"


def build_toy(name: str, settings: dict) -> ToyTarget:
    target = ToyTarget(name, workers=settings.get("threads"))
    target.colour = settings.get("colour", "plain")
    return target


TOY = TargetKind("toy-threads", "threads, for tests", f"{__name__}:build_toy", (
    Setting("threads", int, "threads", min=1, flag="--toy-threads", metavar="N"),
    Setting("colour", str, "a label"),
))


@pytest.fixture(autouse=True, scope="module")
def toy_kind():
    add_kind(TOY)
    yield
    target_kinds().pop(TOY.name, None)


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_declared_kind_is_built_by_the_registry_from_stored_settings():
    registry = TargetRegistry(lambda: {"toys": ("toy-threads", {"threads": 3, "colour": "red"})})
    try:
        target = registry("toys")
        assert isinstance(target, ToyTarget) and target.workers == 3 and target.colour == "red"
    finally:
        registry.close()


def test_the_cli_offers_the_kind_s_flag_and_its_settings(tmp_path, capsys):
    home = ["--home", str(tmp_path)]
    assert run_cli(capsys, "compute", "add", "t", "--toy-threads", "2", "--setting", "colour=blue", *home)[0] == 0
    code, out, _ = run_cli(capsys, "compute", "list", "--json", *home)
    assert {t["name"]: (t["kind"], t["settings"]) for t in json.loads(out)}["t"] == \
        ("toy-threads", {"threads": 2, "colour": "blue"})


def test_the_cli_takes_any_kind_by_name_with_typed_settings(tmp_path, capsys):
    home = ["--home", str(tmp_path)]
    assert run_cli(capsys, "compute", "add", "p", "--kind", "process", "--setting", "workers=3",
                   "--setting", "cancel_grace_seconds=0.5", *home)[0] == 0
    _, out, _ = run_cli(capsys, "compute", "list", "--json", *home)
    assert {t["name"]: t["settings"] for t in json.loads(out)}["p"] == {"workers": 3, "cancel_grace_seconds": 0.5}


@pytest.mark.parametrize("args, message", [
    (("--dask-local", "0"), "settings.local_workers must be a whole number of at least 1"),
    (("--process", "many"), "--process: expected a whole number"),
    (("--kind", "process", "--setting", "wokers=2"), "with a setting of the 'process' kind"),
    (("--toy-threads", "1", "--setting", "colour"), "expects NAME=VALUE"),
])
def test_the_cli_refuses_bad_settings_with_exit_2(tmp_path, capsys, args, message):
    code, _, err = run_cli(capsys, "compute", "add", "x", *args, "--home", str(tmp_path))
    assert code == 2 and message in err


def test_the_api_checks_settings_against_the_declared_kind(tmp_path):
    from designer.server import close_app, create_app

    app = create_app(home=str(tmp_path))
    try:
        _check_api(app.test_client())
    finally:
        close_app(app)


def _check_api(app_client):
    assert app_client.post("/api/compute", json={"name": "t", "kind": "toy-threads",
                                                 "settings": {"threads": 2}}).status_code == 201
    refused = app_client.post("/api/compute", json={"name": "u", "kind": "toy-threads", "settings": {"threads": 0}})
    assert refused.status_code == 400 and refused.json["error"]["details"]["field"] == "settings.threads"
    assert "toy-threads" in app_client.get("/api/compute").json["kinds"]
