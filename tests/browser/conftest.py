"""Browser fixtures: a real designer server over a real home, and real Chromium driven by Playwright."""
from __future__ import annotations

import json
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from designer.server import close_app, create_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser
# Assertions wait on the page's state; on a busy two-core machine 5 s (Playwright's default) is tight.
expect.set_options(timeout=15_000)


class LiveServer:
    """The designer served over HTTP on a free loopback port, as `designer serve` does."""

    def __init__(self, home: Path):
        self.app = create_app(home=home)
        self.designer = self.app.extensions["designer"]
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def api(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return json.loads(text) if text else None

    def create_graph(self, document: dict) -> str:
        return self.api("POST", "/api/graphs", document)["id"]

    def example(self, name: str) -> dict:
        return json.loads((ROOT / "examples" / f"{name}.json").read_text())

    def close(self):
        for run_id in list(getattr(self.designer, "_threads", {})):
            self.designer.cancel_run(run_id)
            self.designer.wait(run_id, 20)
        self.server.shutdown()
        close_app(self.app)


@pytest.fixture
def live_server(tmp_path):
    if not (ROOT / "static" / "dist" / "index.html").exists():
        pytest.fail("the browser app is not built (make browser-app)")
    server = LiveServer(tmp_path / "home")
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    context.close()
