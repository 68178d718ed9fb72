"""Every dashboard in a real browser: Debian's Chromium, headless, driven by Playwright.

Starts Superset on the tiny fixture warehouse (tests/superset_fixtures.py), logs in
through the login form, opens every dashboard, waits until every chart has finished
loading, fails on any chart error (an error alert in a chart, or a failed
``/api/v1/chart/data`` response) and saves a screenshot per dashboard to
``docs/screenshots/<slug>.png``.

Playwright's own browser download does not work here: the test drives the system
``chromium`` (Debian package) through ``executable_path``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.superset_fixtures import REPO_ROOT, SupersetServer, running_superset

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
# every dashboard in dashboards/assets/dashboards, by slug
DASHBOARD_SLUGS = {"capability-gaps", "learning-alignment-impact", "training-spend-roi", "data-health"}
VIEWPORT = {"width": 1400, "height": 1000}
CHART_TIMEOUT_S = 90

CHART_HOLDER = '[data-test="dashboard-component-chart-holder"]'
# what Superset shows inside a chart that failed (ErrorAlert / ErrorMessageWithStackTrace)
ERROR_SELECTORS = (
    f"{CHART_HOLDER} .ant-alert-error",
    f"{CHART_HOLDER} [data-test='error-tooltip']",
    f"{CHART_HOLDER} [role='alert']",
)
LOADING = f"{CHART_HOLDER} [data-test='loading-indicator'], {CHART_HOLDER} .loading"
# a chart that rendered: an ECharts canvas/svg, a table, or a big number
RENDERED = "canvas, svg, table, .header-line, [data-test='chart-container'] > div"


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    with running_superset(tmp_path_factory.mktemp("superset-browser"), request) as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    try:
        from playwright import sync_api as playwright_api  # noqa: PLC0415 - only this test needs it
    except ImportError:
        pytest.fail("the playwright package is missing from the pipeline venv (requirements lock)")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport=VIEWPORT,
        )
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


def dashboards(server: SupersetServer) -> list[dict[str, Any]]:
    response = server.get(
        "/api/v1/dashboard/", params={"q": "(columns:!(id,slug,dashboard_title,published),page_size:100)"}
    )
    assert response.status_code == 200, response.text
    found = response.json()["result"]
    assert found, "no dashboards imported"
    return found


def chart_count(server: SupersetServer, dashboard_id: int) -> int:
    response = server.get(f"/api/v1/dashboard/{dashboard_id}/charts")
    assert response.status_code == 200, response.text
    return len(response.json()["result"])


def log_in(page: Any, server: SupersetServer) -> None:
    page.goto(server.base_url + "/login/")
    page.locator("input#username, input[name='username']").first.fill(server.env["SUPERSET_ADMIN_USER"])
    page.locator("input#password, input[name='password']").first.fill(server.env["SUPERSET_ADMIN_PASSWORD"])
    page.locator("button[type='submit'], input[type='submit']").first.click()
    # "commit": the redirect away from the login form is enough; the welcome page may be slow
    page.wait_for_url(lambda url: "/login" not in url, timeout=120_000, wait_until="commit")


def wait_for_charts(page: Any, expected: int, chart_responses: list[tuple[str, int]]) -> None:
    """Until every chart holder is on the page, rendered and none is still loading
    (or, sooner, until a chart shows an error or a chart data request failed)."""
    deadline = time.monotonic() + CHART_TIMEOUT_S
    while True:
        holders = page.locator(CHART_HOLDER)
        loading = page.locator(LOADING).count()
        rendered = sum(1 for i in range(holders.count()) if holders.nth(i).locator(RENDERED).count() > 0)
        errors = sum(page.locator(selector).count() for selector in ERROR_SELECTORS)
        if errors or any(status >= 400 for _url, status in chart_responses):
            return
        if holders.count() >= expected and loading == 0 and rendered >= expected:
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"charts did not finish loading in {CHART_TIMEOUT_S}s: "
                f"{holders.count()} holders, {rendered} rendered, {loading} loading (expected {expected})"
            )
        page.wait_for_timeout(500)


def test_every_dashboard_renders_without_chart_errors(superset: SupersetServer, browser: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    chart_responses: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda response: (
            chart_responses.append((response.url, response.status)) if "/api/v1/chart/data" in response.url else None
        ),
    )
    log_in(page, superset)

    found_dashboards = dashboards(superset)
    assert {found["slug"] for found in found_dashboards} == DASHBOARD_SLUGS
    for found in found_dashboards:
        slug = found["slug"] or str(found["id"])
        expected = chart_count(superset, found["id"])
        chart_responses.clear()
        page.goto(f"{superset.base_url}/superset/dashboard/{slug}/")
        wait_for_charts(page, expected, chart_responses)
        page.wait_for_load_state("networkidle")
        failed = [f"{status} {url}" for url, status in chart_responses if status >= 400]
        errors = {
            selector: page.locator(selector).all_inner_texts()
            for selector in ERROR_SELECTORS
            if page.locator(selector).count()
        }
        page.wait_for_timeout(1000)  # let ECharts finish its entry animation
        target = SCREENSHOTS / f"{slug}.png"
        page.screenshot(path=str(target), full_page=True)
        assert not errors, f"{slug}: chart errors on the page: {errors}"
        assert not failed, f"{slug}: chart data requests failed: {failed}"
        ok = [url for url, status in chart_responses if status == 200]
        assert len(ok) >= expected, f"{slug}: {len(ok)} chart data responses for {expected} charts"
        assert target.stat().st_size > 20_000, f"{slug}: screenshot looks empty"
