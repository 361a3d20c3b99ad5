"""Django serves the built web app: its shell for browser routes, its hashed assets
cached for a year, and leaves the API's own 404s alone."""

from pathlib import Path

import pytest
from django.test import Client, override_settings

SHELL = (
    '<!doctype html><html><head><script type="module" crossorigin '
    'src="/static/app/assets/index-Ab12_xYz.js"></script></head>'
    '<body><div id="root"></div></body></html>'
)


@pytest.fixture
def dist(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(SHELL)
    (tmp_path / "assets" / "index-Ab12_xYz.js").write_text("console.log('app');\n")
    with override_settings(WEB_DIST_DIR=tmp_path, STATICFILES_DIRS=[("app", tmp_path)]):
        yield tmp_path


@pytest.mark.parametrize(
    "path", ["/", "/videos/00000000-0000-4000-8000-00000000d302", "/sign-in", "/invitations/k1"]
)
def test_browser_routes_get_the_shell_with_its_hashed_asset_links(dist: Path, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-cache"
    assert b'src="/static/app/assets/index-Ab12_xYz.js"' in response.content


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/nothing"])
def test_an_api_404_stays_json(dist: Path, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["/media/x.png", "/admin/nothing-here/", "/monitoring/x", "/ws/x"])
def test_server_paths_never_get_the_shell(dist: Path, path: str) -> None:
    response = Client().get(path)
    assert b'<div id="root">' not in response.content


def test_hashed_assets_are_cached_for_a_year(dist: Path) -> None:
    response = Client().get("/static/app/assets/index-Ab12_xYz.js")
    assert response.status_code == 200
    assert b"console.log('app');" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


def test_a_missing_build_says_how_to_build_it(tmp_path: Path) -> None:
    with override_settings(WEB_DIST_DIR=tmp_path / "dist"):
        response = Client().get("/")
    assert response.status_code == 200
    assert b"make web" in response.content
