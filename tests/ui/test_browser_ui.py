"""The registry UI as people use it: Debian's chromium (headless, through Playwright) against the real
service and Neo4j with the demo registry. The stories of issue #15: search finds the corrupted raw
snapshot; its impact view lists the production deployment first with its explanation path
highlighted; the lineage graph expands step by step and filters; a viewer sees no write actions and
a write forced from its tab is refused by the server; a data steward quarantines and rolls back from
the UI and the pages show the new state. Every page is checked with axe-core (no serious or critical
violations). Set LINEAGEGRAPH_SCREENSHOT_DIR=docs to keep the README's screenshots.

The write story runs last in the module: it changes the demo the others read."""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import expect

from tests.ui.conftest import axe_violations, needs_chromium, screenshot

pytestmark = needs_chromium

RAW = {"kind": "DatasetVersion", "namespace": "s3://raw", "name": "transactions", "version": "2026-03-08"}
PRODUCTION = "production/credit-scoring-api"


def _graph(page):
    return page.get_by_test_id("graph")


def _node_count(page) -> int:
    return int(_graph(page).get_attribute("data-nodes"))


def _node_buttons(page) -> list[str]:
    return [text.strip() for text in page.locator(".node-list button").all_inner_texts()]


def _assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{what}: {violations}"


def test_search_finds_the_corrupted_raw_snapshot(demo, open_ui, token_for):
    page = open_ui(token_for("vic.viewer", "viewer"))
    page.goto("/")
    page.get_by_label("Search names, descriptions and tags").fill("transactions")
    page.get_by_role("button", name="Search", exact=True).click()
    hits = page.get_by_role("table", name="Search hits")
    raw = hits.locator("tr", has=page.get_by_role("link", name="s3://raw/transactions", exact=True))
    assert raw.locator("td").nth(0).inner_text().strip() == "Dataset"
    assert raw.locator("td").nth(2).inner_text().strip() == "data-eng"  # the owner
    assert "core banking" in raw.locator("td").nth(3).inner_text()  # the description
    _assert_accessible(page, "search")
    screenshot(page, "search")

    # A kind filter: only features now, and no dataset among the hits.
    page.get_by_label("Features").check()
    expect(hits.locator("tbody tr[data-kind=Dataset]")).to_have_count(0)
    page.get_by_role("link", name="credit/txn_count_7d").wait_for()
    assert set(hits.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.kind)")) == {"Feature"}
    page.get_by_label("Features").uncheck()

    hits.get_by_role("link", name="@2026-03-08").first.click()
    assert page.get_by_test_id("entity-title").inner_text().strip() == "s3://raw/transactions@2026-03-08"
    page.get_by_text("Double-loaded partition").wait_for()
    # Never verified, and said so (test_browser_health.py follows signals and drift).
    assert "never verified" in page.get_by_test_id("last-verification").inner_text()
    _assert_accessible(page, "dataset version page")
    assert page.errors == []


def test_the_impact_view_lists_the_production_deployment_first_with_its_path_highlighted(demo, open_ui, token_for):
    page = open_ui(token_for("vic.viewer", "viewer"))
    page.goto(f"/entity/DatasetVersion/{demo['raw']}")
    page.get_by_role("link", name="Impact", exact=True).click()
    rows = page.get_by_test_id("impact-items").locator("tbody tr")
    rows.first.wait_for()
    first = rows.first
    assert "Deployment" in first.inner_text() and PRODUCTION in first.inner_text()
    assert first.get_attribute("data-node-id") == demo["production"]
    kinds = rows.evaluate_all("rows => rows.map(r => r.dataset.kind)")
    assert kinds.index("Deployment") == 0 and kinds.count("Deployment") == 2  # production, then staging

    # The path highlighted on the graph is the production deployment's: from the snapshot to it, each
    # hop an edge (five of them, its depth).
    graph = _graph(page)
    highlighted = graph.get_attribute("data-highlighted-nodes").split()
    assert highlighted[0] == demo["raw"] and highlighted[-1] == demo["production"]
    assert demo["v2"] in highlighted
    assert len(graph.get_attribute("data-highlighted-edges").split()) == 5
    assert page.get_by_test_id("path").inner_text().endswith(PRODUCTION)

    counts = page.locator("#counts").inner_text()
    assert "2 Deployment" in counts and "1 ModelVersion" in counts
    owners = page.locator("#owners").inner_text()
    assert "credit-risk" in owners and "data-eng" in owners
    assert page.get_by_test_id("cut").count() == 0  # a complete answer says nothing of cuts

    # Another item's path, chosen from the list, is highlighted instead.
    page.get_by_role("button", name="Highlight the path to staging/credit-scoring-staging").click()
    assert graph.get_attribute("data-highlighted-nodes").split()[-1] == demo["staging"]
    _assert_accessible(page, "impact view")
    page.get_by_role("button", name=f"Highlight the path to {PRODUCTION}").click()
    screenshot(page, "impact")

    # From a time window of the dataset: the versions created in it are the starts.
    window = {"kind": "Dataset", "namespace": "s3://raw", "name": "transactions"}
    page.goto("/impact?" + urlencode({**window, "from": "2026-03-08T00:00", "to": "2026-03-09T00:00"}))
    rows.first.wait_for()
    assert PRODUCTION in rows.first.inner_text()
    assert page.get_by_label("Versions created from (UTC)").input_value() == "2026-03-08T00:00"
    page.goto("/impact?" + urlencode({**window, "from": "2020-01-01T00:00", "to": "2020-02-01T00:00"}))
    assert page.get_by_test_id("nothing-downstream").inner_text() == "No version lies in that window."
    assert page.errors == []


def test_the_lineage_graph_expands_step_by_step_and_filters(demo, open_ui, token_for):
    page = open_ui(token_for("vic.viewer", "viewer"))
    page.goto("/lineage?" + urlencode(RAW))
    page.get_by_test_id("cut").wait_for()  # one hop each way: more lies downstream, and says so
    assert _node_count(page) == 3  # the snapshot, its dataset (upstream), the cleaning run
    assert any("more downstream" in b for b in _node_buttons(page))

    # Expand downstream from whatever the registry says has more beyond it, one step at a time.
    for _ in range(10):
        frontier = page.locator(".node-list button", has_text="more downstream")
        if frontier.count() == 0:
            break
        frontier.first.click()
        page.get_by_role("button", name="Expand downstream").click()
        page.get_by_text("Expanded downstream").wait_for()
    buttons = _node_buttons(page)
    assert any(PRODUCTION in b for b in buttons) and any("staging/credit-scoring-staging" in b for b in buttons)
    assert page.get_by_test_id("cut").count() == 0  # all drawn: no longer a cut answer
    expanded = _node_count(page)
    screenshot(page, "lineage")
    _assert_accessible(page, "lineage graph")

    # Filters: by kind, by environment, by version — hidden, not forgotten.
    page.get_by_label("Run", exact=True).uncheck()
    assert not any(b.startswith("Run") for b in _node_buttons(page))
    assert _node_count(page) == expanded - 2
    page.get_by_label("Run", exact=True).check()
    page.get_by_label("Environment").select_option("PRODUCTION")
    buttons = _node_buttons(page)
    assert any(PRODUCTION in b for b in buttons) and not any("credit-scoring-staging" in b for b in buttons)
    page.get_by_label("Environment").select_option("")
    page.get_by_label("Version contains").fill("2026-03-15")
    assert not any("transactions_clean@2026-03-08" in b for b in _node_buttons(page))
    assert any("s3://raw/transactions@2026-03-08" in b for b in _node_buttons(page))  # the start stays
    page.get_by_label("Version contains").fill("")
    assert _node_count(page) == expanded

    # As of 15 March, before the redeploy, production served credit-scoring@1.
    page.goto("/lineage?" + urlencode({"kind": "Deployment", "environment": "PRODUCTION", "name": "credit-scoring-api"}))
    page.locator(".node-list button", has_text="credit-scoring@2").wait_for()
    page.get_by_label("As of (UTC)").fill("2026-03-15T00:00")
    page.locator(".node-list button", has_text="credit-scoring@1").wait_for()
    assert not any("credit-scoring@2" in b for b in _node_buttons(page))
    assert page.errors == []


def test_a_viewer_sees_no_write_actions_and_a_forced_write_is_refused(demo, open_ui, token_for):
    page = open_ui(token_for("vic.viewer", "viewer"))
    page.goto("/impact?" + urlencode(RAW))
    page.get_by_test_id("no-actions").wait_for()
    assert page.get_by_role("button", name="Quarantine", exact=False).count() == 0
    assert page.get_by_role("button", name="Roll back", exact=False).count() == 0
    page.goto("/incidents")
    page.get_by_role("heading", name="Incidents").wait_for()
    assert page.get_by_role("button", name="Release this quarantine").count() == 0

    # The same tab sends the write the UI hid, with its token: the server refuses it, writes nothing.
    answer = page.evaluate("""async () => {
        const response = await fetch('/graphql', { method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + sessionStorage.getItem('lineagegraph.token') },
            body: JSON.stringify({ query: `mutation { quarantine(input: { reason: "forced",
                datasetVersion: { namespace: "s3://raw", name: "transactions", version: "2026-03-08" } })
                { __typename ... on UserError { code } } }` }) });
        return await response.json();
    }""")
    assert answer["data"]["quarantine"] == {"__typename": "ForbiddenError", "code": "FORBIDDEN"}
    page.goto(f"/entity/DatasetVersion/{demo['raw']}")
    page.get_by_text("Double-loaded partition").wait_for()
    assert "quarantined" not in page.get_by_test_id("entity-title").inner_text()


def test_the_gate_view_says_what_a_promotion_still_needs(demo, open_ui, token_for):
    page = open_ui(token_for("vic.viewer", "viewer"))
    page.goto("/gate?model=credit-scoring&version=3")
    unmet = page.get_by_test_id("unmet")
    unmet.wait_for()
    assert "CC-BY-NC-4.0" in unmet.inner_text() and "LICENSE" in unmet.inner_text()
    assert page.get_by_test_id("gate-verdict").inner_text().startswith("Not allowed")
    _assert_accessible(page, "gate view")
    page.get_by_label("Stage").select_option("STAGING")
    page.get_by_role("heading", name="Gate: credit-scoring@3 → staging").wait_for()
    page.get_by_test_id("gate-verdict").wait_for()

    page.goto(f"/entity/ModelVersion/{demo['v2']}")
    page.locator("#checks").get_by_text("BIAS_ASSESSMENT").wait_for()
    assert "PRODUCTION" in page.locator("#stages").inner_text()
    assert page.locator("#documents").get_by_role("link", name="Compliance report", exact=True).is_visible()
    _assert_accessible(page, "model version page")
    assert page.errors == []


def test_signing_in_keeps_the_token_for_the_tab_only(demo, open_ui, token_for, browser, live_service):
    page = open_ui(token_for("vic.viewer", "viewer"))
    assert "vic.viewer" in page.get_by_test_id("who").inner_text()
    _assert_accessible(page, "sign-in page")
    # Another tab of the same browser profile is not signed in (sessionStorage is per tab) and, with
    # anonymous reads off, the API refuses it: the page says so instead of showing an empty registry.
    other = page.context.new_page()
    other.goto(live_service + "/?q=transactions")
    other.get_by_role("alert").wait_for()
    assert "UNAUTHENTICATED" in other.get_by_role("alert").first.inner_text()
    assert other.get_by_role("link", name="Sign in").is_visible()
    # A wrong token is refused at sign-in and not kept.
    bad = open_ui(None)
    bad.goto("/signin")
    bad.get_by_label("API token").fill("lg_not-a-token-at-all-0000000000000000000000")
    bad.get_by_role("button", name="Sign in").click()
    bad.get_by_role("alert").wait_for()
    assert bad.evaluate("() => sessionStorage.getItem('lineagegraph.token')") is None


# Last: it changes the registry the tests above read.
def test_a_steward_quarantines_then_rolls_back_from_the_ui_and_the_pages_show_it(demo, open_ui, token_for):
    page = open_ui(token_for("sue.steward", "data_steward"))
    page.goto("/impact?" + urlencode(RAW))
    page.get_by_label("Reason").fill("Double-loaded partition: amounts doubled")
    page.get_by_role("button", name="Quarantine s3://raw/transactions@2026-03-08 and everything downstream").click()
    outcome = page.get_by_test_id("quarantine-outcome")
    outcome.wait_for()
    assert outcome.inner_text().startswith("Quarantined: 3 version(s) flagged")  # the two snapshots and credit-scoring@2

    rollback = page.locator(f"[data-deployment='PRODUCTION/credit-scoring-api']")
    rollback.get_by_role("button").click()
    done = rollback.get_by_test_id("rollback-outcome")
    done.wait_for()
    assert "Rolled back from credit-scoring@2 to credit-scoring@1" in done.inner_text()
    # Staging never served anything before credit-scoring@2: the registry refuses, and says why.
    staging = page.locator("[data-deployment='STAGING/credit-scoring-staging']")
    staging.get_by_role("button").click()
    refused = staging.get_by_test_id("rollback-outcome")
    refused.wait_for()
    assert refused.inner_text().strip().startswith("Refused (CONFLICT):")
    _assert_accessible(page, "impact view after the response")

    page.goto(f"/entity/Deployment/{demo['production']}")
    serves = page.get_by_test_id("serves")
    serves.wait_for()
    assert serves.inner_text().strip() == "credit-scoring@1"
    assert "rollback: Double-loaded partition" in page.locator("#serving").inner_text()
    audit = page.locator("#audit")
    audit.get_by_text("rollbackDeployment").first.wait_for()  # a steward may read the audit trail
    _assert_accessible(page, "deployment page")

    page.goto(f"/entity/DatasetVersion/{demo['raw']}")
    page.get_by_test_id("entity-title").get_by_text("quarantined").wait_for()

    page.goto("/incidents")
    incident = page.locator("section", has_text="Double-loaded partition: amounts doubled")
    incident.wait_for()
    assert "rolled back from credit-scoring@2 to credit-scoring@1" in incident.inner_text()
    _assert_accessible(page, "incidents")

    # Production now serves credit-scoring@1, which the snapshot does not reach: the impact view no
    # longer lists it (SERVES edges count while open), and staging still waits for its rollback.
    page.goto("/impact?" + urlencode(RAW))
    rows = page.get_by_test_id("impact-items").locator("tbody tr")
    rows.first.wait_for()
    texts = rows.all_inner_texts()
    assert not any(PRODUCTION in text for text in texts)
    assert "credit-scoring-staging" in texts[0]
    assert page.errors == []
