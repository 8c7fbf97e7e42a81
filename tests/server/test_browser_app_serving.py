"""`/` and `/assets/...` serve the built browser app, or a page saying how to build it."""
from __future__ import annotations


def test_without_a_build_the_root_says_how_to_build_it(app_client):
    response = app_client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "make serve" in response.get_data(as_text=True)


def test_a_built_app_is_served_from_dist(make_app, tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><script src='/assets/app-1.js'></script>")
    (dist / "assets" / "app-1.js").write_text("console.log('canvas')")
    (tmp_path / "secret.txt").write_text("do not serve")
    client = make_app(STATIC_DIST=str(dist)).test_client()
    index = client.get("/")
    assert index.status_code == 200 and b"/assets/app-1.js" in index.data
    asset = client.get("/assets/app-1.js")
    assert asset.status_code == 200 and asset.data == b"console.log('canvas')"
    assert client.get("/assets/missing.js").status_code == 404
    for sneaky in ("/assets/../index.html", "/assets/..%2F..%2Fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"):
        response = client.get(sneaky)
        assert response.status_code == 404 and b"do not serve" not in response.data
