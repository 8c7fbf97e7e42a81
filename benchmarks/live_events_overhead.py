"""What a browser watching a run live costs the run: the wine example with and without a watcher.

    .venv/bin/python benchmarks/live_events_overhead.py [--rounds 3] [--epochs N] [--dist DIR]

Watched: a designer server (the app `designer serve` runs, on a free loopback port) over a fresh
home; headless Chromium opens the graph at `#/graphs/<id>` and presses Submit and Run, so the page
joins the run's Socket.IO room at once and renders every node.status / node.progress /
node.metrics event (plus its fallback polling) while the run goes. The run ends when the page
shows it completed.
Bare: the same document run by the Designer service the CLI uses (`designer run`), over another
fresh home, with no listener but the run recorder.
Each round runs bare then watched (fresh homes, so nothing comes from the cache); one warm-up run
of each comes first so that importing torch and scikit-learn, and the page's first load, are
not counted. A run's time is the server's own record: started_at -> finished_at. The script waits
for the run in Python rather than by polling the page, so the harness adds no work to the watched
side; the page's main-thread busy time during the run is printed (Chromium's TaskDuration).
Reported: the median of the per-round ratios watched / bare. Target <= 1.1x.
The shipped example trains 60 epochs and runs in ~0.2 s, so what the page does once when Run is
pressed (closing the dialog, a toast, fetching the run, rendering statuses) weighs heavily; with
`--epochs 600` the per-event cost of a long training run dominates instead.
"""
from __future__ import annotations

import argparse
import copy
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.home import Home  # noqa: E402
from designer.server import close_app, create_app  # noqa: E402
from designer.service import Designer  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.ERROR)

WINE = ROOT / "examples" / "wine-neural-network.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
LIVE_EVENTS = ("run.status", "node.status", "node.progress", "node.log", "node.metrics")
# Counts, inside the page, the live events that reach it over Socket.IO's WebSocket or its long-polling.
COUNT_RECEIVED = """
(() => {
  const names = %s;
  window.__liveEvents = 0;
  const count = (text) => {
    if (typeof text !== 'string') return;
    for (const name of names) {
      for (let i = text.indexOf('"' + name + '"'); i !== -1; i = text.indexOf('"' + name + '"', i + 1)) window.__liveEvents += 1;
    }
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) { super(...args); this.addEventListener('message', (e) => count(e.data)); }
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (...args) {
    if (String(args[1]).includes('/socket.io/')) this.addEventListener('load', () => count(this.responseText));
    return open.apply(this, args);
  };
})();
""" % json.dumps(list(LIVE_EVENTS))


def run_seconds(record: dict) -> float:
    started = datetime.fromisoformat(record["started_at"])
    finished = datetime.fromisoformat(record["finished_at"])
    return (finished - started).total_seconds()


def bare_run(document: dict) -> float:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as home:
        designer = Designer(Home.resolve(home))
        try:
            result = designer.run(document)
            assert result.status == "completed", result.error
            return run_seconds(designer.store.get_run(result.run_id))
        finally:
            designer.close()


def watched_run(browser, document: dict, dist: str | None = None) -> tuple[float, int, int, float]:
    """Returns the run's seconds, the live events the run emitted, how many of them reached the page,
    and the page's main-thread busy seconds from pressing Run until the run finished."""
    from playwright.sync_api import expect

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as home:
        app = create_app(home=Path(home), config={"STATIC_DIST": dist} if dist else None)
        emitted = []
        app.extensions["designer"].listeners.append(lambda event: emitted.append(event.get("event")))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        try:
            client = app.test_client()
            graph_id = client.post("/api/graphs", json=document).get_json()["id"]
            page = context.new_page()
            page.add_init_script(COUNT_RECEIVED)
            page.goto(f"http://127.0.0.1:{server.server_port}/#/graphs/{graph_id}")
            expect(page.get_by_test_id("save-state")).to_have_text("Saved")
            page.get_by_test_id("btn-run").click()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            busy_before = main_thread_seconds(cdp)
            with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/runs")) as submitted:
                page.get_by_test_id("btn-submit-run").click()
            run_id = submitted.value.json()["run_id"]
            # Wait in Python, not by polling the page: the harness must not add work to the watched side.
            app.extensions["designer"].wait(run_id, 120)
            busy = main_thread_seconds(cdp) - busy_before
            expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "completed", timeout=30_000)
            record = client.get(f"/api/runs/{run_id}").get_json()
            assert record["status"] == "completed", record.get("error")
            received = page.evaluate("() => window.__liveEvents")
            return run_seconds(record), sum(name in LIVE_EVENTS for name in emitted), received, busy
        finally:
            context.close()
            server.shutdown()
            close_app(app)


def main_thread_seconds(cdp) -> float:
    """The page's renderer main thread busy time so far (Chromium's TaskDuration)."""
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "TaskDuration")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=None, help="override the example's epochs (default: as shipped)")
    parser.add_argument("--dist", help="serve another build of the browser app (to compare two builds)")
    args = parser.parse_args()

    document = json.loads(WINE.read_text())
    if args.epochs is not None:
        document = copy.deepcopy(document)
        next(n for n in document["nodes"] if n["component"] == "neural-network")["params"]["epochs"] = args.epochs
    epochs = next(n for n in document["nodes"] if n["component"] == "neural-network")["params"]["epochs"]

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            bare_run(document)  # warm-up: imports torch and scikit-learn
            watched_run(browser, document, args.dist)  # warm-up: the page's first load
            bare, watched, ratios, busies = [], [], [], []
            for r in range(args.rounds):
                b = bare_run(document)
                started = time.perf_counter()
                w, emitted, received, busy = watched_run(browser, document, args.dist)
                wall = time.perf_counter() - started
                bare.append(b)
                watched.append(w)
                ratios.append(w / b)
                busies.append(busy)
                print(f"round {r + 1}: bare {b:.3f} s, watched {w:.3f} s (ratio {w / b:.2f}x; the page received "
                      f"{received} of the run's {emitted} live events and its main thread was busy {busy * 1000:.0f} ms "
                      f"while the run went; {wall:.1f} s from opening the page to seeing the run completed)",
                      flush=True)
        finally:
            browser.close()

    print()
    print(f"wine example ({epochs} epochs), {args.rounds} alternating rounds, fresh homes:")
    print(f"  bare (Designer/CLI, no listeners): median {statistics.median(bare):.3f} s")
    print(f"  watched by the browser:            median {statistics.median(watched):.3f} s "
          f"(page main thread busy: median {statistics.median(busies) * 1000:.0f} ms per run)")
    ratio = statistics.median(ratios)
    print(f"  median ratio watched / bare: {ratio:.2f}x  [target <= 1.1x: {'met' if ratio <= 1.1 else 'NOT met'}]")


if __name__ == "__main__":
    main()
