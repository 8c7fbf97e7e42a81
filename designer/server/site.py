"""The browser app: `/` and `/assets/...` from the built `static/dist`, or a page saying how to build it."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory


blueprint = Blueprint("site", __name__)
#: designer/server/site.py -> the repository (or source tree) root.
REPO_ROOT = Path(__file__).resolve().parents[2]

PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pipeline Designer</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1e293b}
code{background:#f1f5f9;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>Pipeline Designer</h1>
<p>The server is running, but the browser app has not been built yet.</p>
<p>Build it with <code>make serve</code> (which builds it and starts the server), or by hand with
<code>cd static &amp;&amp; npm install &amp;&amp; npm run build</code>, then reload this page.</p>
<p>The JSON API is available meanwhile, e.g. <a href="/api/health">/api/health</a> and
<a href="/api/components">/api/components</a>.</p></body></html>
"""


def default_dist() -> Path:
    return REPO_ROOT / "static" / "dist"


def _dist() -> Path:
    return Path(current_app.config.get("STATIC_DIST") or default_dist())


@blueprint.get("/")
def index():
    dist = _dist()
    if not (dist / "index.html").is_file():
        return Response(PLACEHOLDER, mimetype="text/html")
    response = send_from_directory(dist, "index.html")
    response.headers["Cache-Control"] = "no-cache"  # it names the hashed assets of the newest build
    return response


@blueprint.get("/assets/<path:filename>")
def assets(filename: str):
    # send_from_directory refuses paths that leave the folder.
    return send_from_directory(_dist() / "assets", filename, max_age=31536000)
