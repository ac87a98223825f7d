"""The UI benchmark, in Debian's chromium (headless, through Playwright): printed, not asserted.

    ./dev serve                                     # the demo registry, anonymous reads on
    .venv/bin/python -m bench.ui --url http://127.0.0.1:8000 [--token lg_…] [--repeat 5] [--nodes 500]

- **Impact view, time to first render**: a fresh tab opens
  `/impact?…s3://raw/transactions@2026-03-08` (the demo's corrupted snapshot) and waits for the first
  row of the affected list; the figure is that moment on the page's clock (navigation start = 0), so
  it covers loading the app, signing the request, the `impact` query, and drawing the list and graph.
- **500-node graph, layout and draw**: `/bench/graph?n=500` lays out a synthetic layered graph
  shaped like the registry's (seven layers, snapshots to deployments, two edges per node to the layer
  before) with the lineage view's own component (Cytoscape.js + dagre) and no server in the way; the
  figure is from building the elements to the first frame painted after the layout.

Each is run `--repeat` times in a new tab; it prints every run and the median.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from urllib.parse import urlencode

IMPACT = {"kind": "DatasetVersion", "namespace": "s3://raw", "name": "transactions", "version": "2026-03-08"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a running service with the demo registry")
    parser.add_argument("--token", help="an API token (without one, the service must allow anonymous reads)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--nodes", type=int, default=500)
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is needed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    impact_ms: list[float] = []
    graph_ms: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for _ in range(args.repeat):
                context = browser.new_context(base_url=args.url, viewport={"width": 1300, "height": 950})
                page = context.new_page()
                if args.token:  # kept in the tab's sessionStorage, as the sign-in page keeps it
                    page.goto("/signin")
                    page.evaluate("t => sessionStorage.setItem('lineagegraph.token', t)", args.token)
                page.goto("/impact?" + urlencode(IMPACT), wait_until="commit")
                page.locator("[data-testid=impact-items] tbody tr").first.wait_for(timeout=60_000)
                impact_ms.append(page.evaluate("() => performance.now()"))
                context.close()
            for _ in range(args.repeat):
                context = browser.new_context(base_url=args.url, viewport={"width": 1300, "height": 950})
                page = context.new_page()
                page.goto(f"/bench/graph?n={args.nodes}")
                page.wait_for_function("() => window.__graphDrawnMs !== undefined", timeout=120_000)
                graph_ms.append(page.evaluate("() => window.__graphDrawnMs"))
                context.close()
        finally:
            browser.close()
    print(f"| measure (Chromium {chromium}, {args.repeat} runs) | median ms | runs ms |")
    print("|---|---:|---|")
    print(f"| impact view, first render | {statistics.median(impact_ms):.0f} | {', '.join(f'{x:.0f}' for x in impact_ms)} |")
    print(f"| {args.nodes}-node graph, layout + draw | {statistics.median(graph_ms):.0f} | {', '.join(f'{x:.0f}' for x in graph_ms)} |")


if __name__ == "__main__":
    main()
