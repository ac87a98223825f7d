"""What the UI's browser tests share: the built UI (ui/dist), Debian's chromium driven by Playwright
through its executable path, the demo registry loaded once per module, tokens of the roles the
stories need, and an axe-core check of the page as it stands."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.config import default_ui_dir
from tests.conftest import REPO, load_demo

CHROMIUM = shutil.which("chromium")
UI_DIST = default_ui_dir()
AXE = REPO / "ui" / "node_modules" / "axe-core" / "axe.min.js"
# The README's screenshots: `LINEAGEGRAPH_SCREENSHOT_DIR=docs ./dev test tests/ui`.
SCREENSHOT_DIR = os.environ.get("LINEAGEGRAPH_SCREENSHOT_DIR")

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (./dev test installs it as root)")


@pytest.fixture(scope="session")
def built_ui() -> Path:
    """ui/dist as `./dev test` builds it. Without npm nothing can build it (skip); with npm, a missing
    build is a failure that says how to make one."""
    if not (UI_DIST / "index.html").is_file():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed, so the UI (ui/) cannot be built")
        pytest.fail("The UI is not built: run ./dev test (it builds ui/), or `cd ui && npm ci && npm run build`.")
    assert AXE.is_file(), "ui/node_modules/axe-core is missing: `cd ui && npm ci`"
    return UI_DIST


@pytest.fixture(scope="module")
def demo(client, settings, queries, neo4j_driver) -> dict[str, str]:
    """The demo registry (app/cli/demo.py) loaded afresh for the module; the ids the stories follow."""
    neo4j_driver.execute_query(queries["admin.wipe_registry"].text, database_=settings.neo4j_database)
    load_demo(settings, queries)
    data = client.post("/graphql", json={"query": """{
        raw: datasetVersion(namespace: "s3://raw", name: "transactions", version: "2026-03-08") { id }
        production: deployment(environment: PRODUCTION, name: "credit-scoring-api") { id }
        staging: deployment(environment: STAGING, name: "credit-scoring-staging") { id }
        v1: modelVersion(model: "credit-scoring", version: "1") { id }
        v2: modelVersion(model: "credit-scoring", version: "2") { id } }"""}).json()["data"]
    return {name: node["id"] for name, node in data.items()}


@pytest.fixture(scope="module")
def token_for(client) -> Callable[..., str]:
    """`token_for("vic", "viewer")`: a real API token of a principal holding that role, issued by the
    suite's admin."""

    def issue(name: str, *roles: str) -> str:
        answer = client.post("/graphql", json={
            "query": """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
                __typename ... on IssuedApiToken { secret } ... on UserError { message } } }""",
            "variables": {"input": {"principal": name, "roles": [r.upper() for r in roles], "teams": []}},
        }).json()["data"]["createApiToken"]
        assert answer["__typename"] == "IssuedApiToken", answer
        return answer["secret"]

    return issue


@pytest.fixture(scope="module")
def browser(built_ui) -> Iterator:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (./dev test installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: the suite may run as root (CI containers), where Chromium's sandbox refuses to start.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def open_ui(browser, live_service) -> Iterator[Callable]:
    """`open_ui(token)`: a fresh tab signed in with that token through the sign-in page (or signed in
    as nobody with None); errors the page throws fail the test."""
    contexts = []

    def open_tab(token: str | None, *, viewport=(1300, 950)):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, base_url=live_service)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        if token is not None:
            page.goto("/signin")
            page.get_by_label("API token").fill(token)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_test_id("whoami").wait_for()
        return page

    yield open_tab
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    """The serious and critical WCAG 2 A/AA violations axe-core finds on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> None:
    """Keep a screenshot for the README when LINEAGEGRAPH_SCREENSHOT_DIR is set."""
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"ui-{name}.png"), full_page=False)
