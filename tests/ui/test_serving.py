"""How the service serves the UI (app/http/ui.py): the built app at / and at every client route, its
hashed assets cached for good, GraphiQL from the service's own files at GET /graphql and /graphiql —
and working with no internet — all without a token while the API behind them still wants one; an
unbuilt UI is a page saying how to build it, never a 404; unknown service paths stay JSON 404s and a
known path asked with the wrong method stays 405."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.http.app import create_app
from tests.ui.conftest import needs_chromium

NO_TOKEN = {"Authorization": ""}  # the session client sends the admin's token unless told otherwise


def test_the_built_ui_is_served_at_the_root_and_every_client_route_without_a_token(client, built_ui):
    for path in ("/", "/entity/DatasetVersion/some-id", "/impact?kind=DatasetVersion&namespace=s3%3A%2F%2Fraw",
                 "/lineage", "/incidents", "/signin"):
        response = client.get(path, headers=NO_TOKEN)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert '<div id="root">' in response.text
        assert response.headers["cache-control"] == "no-cache"  # the page names this build's files
    # …while the API behind the page still refuses a request without a token (anonymous reads off).
    assert client.post("/graphql", json={"query": "{ me { name } }"}, headers=NO_TOKEN).status_code == 401


def test_assets_are_the_builds_hashed_files_cached_for_good(client, built_ui):
    page = client.get("/", headers=NO_TOKEN).text
    scripts = re.findall(r'src="(/assets/[^"]+\.js)"', page)
    assert scripts
    response = client.get(scripts[0], headers=NO_TOKEN)
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "immutable" in response.headers["cache-control"]
    assert client.get("/assets/no-such-file.js", headers=NO_TOKEN).status_code == 404


def test_unknown_service_paths_stay_404_and_wrong_methods_405(client, built_ui):
    # A path nothing serves is a plain 404 with no error code, as before the UI: the pipeline CLI
    # tells "no endpoint here" (a wrong URL) from "the endpoint refused" by that.
    for path in ("/api/v2/nothing", "/exports", "/graphql/more", "/healthz/more", "/favicon.ico", "/index.html"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.text == "Not Found", path
    assert client.post("/somewhere", json={}).status_code == 404  # only GET and HEAD fall back to the app
    assert client.post("/not-the-registry/api/v1/lineage", json={}).text == "Not Found"
    assert client.get("/api/v1/lineage").status_code == 405
    assert client.post("/healthz").status_code == 405


def test_graphiql_comes_from_the_services_own_files(client, built_ui):
    for path in ("/graphql", "/graphiql"):
        response = client.get(path, headers={"Accept": "text/html", **NO_TOKEN})
        assert response.status_code == 200, path
        assert '<div id="graphiql">' in response.text
        scripts = re.findall(r'(?:src|href)="(/assets/[^"]+)"', response.text)
        assert scripts and all(client.get(s, headers=NO_TOKEN).status_code == 200 for s in scripts)
        assert not re.search(r"https?://(?!127\.0\.0\.1)", response.text.split("<body>")[0].replace("http://www.w3.org", ""))
    assert not any(cdn in (built_ui / "graphiql.html").read_text() for cdn in ("unpkg.com", "jsdelivr", "cdnjs"))


def test_an_unbuilt_ui_says_how_to_build_it(settings, tmp_path):
    unbuilt = Settings(**{**settings.model_dump(by_alias=True), "LINEAGEGRAPH_UI_DIR": str(tmp_path / "nothing")})
    with TestClient(create_app(unbuilt, configure_logs=False), raise_server_exceptions=False) as bare:
        for path in ("/", "/entity/Model/x"):
            response = bare.get(path)
            assert response.status_code == 200
            assert "npm ci" in response.text and "npm run build" in response.text and "not built" in response.text
        graphiql = bare.get("/graphql", headers={"Accept": "text/html"})
        assert graphiql.status_code == 200 and "graphiql.html" in graphiql.text
        assert bare.get("/assets/main.js").status_code == 404


def test_graphiql_can_be_turned_off(settings, tmp_path):
    off = Settings(**{**settings.model_dump(by_alias=True), "LINEAGEGRAPH_GRAPHIQL": False})
    with TestClient(create_app(off, configure_logs=False), raise_server_exceptions=False) as bare:
        assert bare.get("/graphiql").status_code == 404


@needs_chromium
def test_graphiql_works_with_no_internet(token_for, browser, live_service):
    """Every request that leaves for another host is cut off: GraphiQL still draws and runs a query."""
    context = browser.new_context(base_url=live_service)
    try:
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        page = context.new_page()
        page.goto("/signin")
        page.get_by_label("API token").fill(token_for("gil.viewer", "viewer"))
        page.get_by_role("button", name="Sign in").click()
        page.get_by_test_id("whoami").wait_for()
        page.goto("/graphiql")  # the same tab: GraphiQL sends the token the sign-in kept
        page.locator(".graphiql-container").wait_for(timeout=15_000)
        page.locator(".graphiql-query-editor .CodeMirror").click()
        page.keyboard.press("Control+A")
        page.keyboard.type("{ me { name } }")
        page.locator(".graphiql-execute-button").click()
        page.locator(".result-window", has_text="gil.viewer").wait_for(timeout=15_000)
    finally:
        context.close()
