"""The compliance report as a reviewer opens it: served by the real service, rendered by Debian's
chromium (headless, through Playwright), its summary on screen first. Set LINEAGEGRAPH_SCREENSHOT
to a file to keep the screenshot (the README's is docs/compliance-report.png)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ADMIN_HEADERS, load_demo

CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (./dev test installs it as root)")
def test_the_html_report_renders_in_chromium_with_its_summary_visible(graph, settings, queries, live_service, tmp_path):
    from playwright.sync_api import sync_playwright

    load_demo(settings, queries)
    with sync_playwright() as playwright:
        # --no-sandbox: the suite may run as root (CI containers), where Chromium's sandbox refuses to start.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(extra_http_headers=ADMIN_HEADERS, viewport={"width": 1100, "height": 1400})
            response = page.goto(f"{live_service}/reports/deployments/production/credit-scoring-api")
            assert response is not None and response.status == 200
            summary = page.locator("#summary")
            assert summary.is_visible()
            text = summary.inner_text()
            assert "credit-scoring@2" in text and "production" in text.lower()
            # The summary comes first: nothing of the report is drawn above it.
            assert summary.bounding_box()["y"] < 400
            shot = Path(os.environ.get("LINEAGEGRAPH_SCREENSHOT") or tmp_path / "report.png")
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000  # a page was drawn, not a blank
        finally:
            browser.close()
