"""The built portal in headless Chromium (Debian's chromium and chromedriver, driven by Selenium).

The session builds the site into build/portal/ exactly as `make portal` does, opens it from the file
system, and leaves a screenshot of every page it checks in build/portal/screenshots/ for review.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from platformctl.catalog import Catalog
from platformctl.paths import BUILD_DIR, CONFIG_DIR, ROOT
from platformctl.portal.build import BuildReport, build_site

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SITE = BUILD_DIR / "portal"
SHOTS = SITE / "screenshots"


def _missing() -> str | None:
    if CHROMIUM is None or CHROMEDRIVER is None:
        return "Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)"
    if shutil.which("dot") is None:
        return "Graphviz dot is not installed (apt-get install -y graphviz)"
    if not (ROOT / "node_modules" / ".bin" / "redocly").exists():
        return "@redocly/cli is not installed: run `make portal` (npm ci from package-lock.json) first"
    return None


@pytest.fixture(scope="module")
def site() -> BuildReport:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    report = build_site(ROOT, CONFIG_DIR, BUILD_DIR, SITE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return report


def _driver(javascript: bool = True):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1400",
        "--allow-file-access-from-files",
    ):
        options.add_argument(argument)
    # Chrome's network events, so a test can tell a request that left the page from one the CSP blocked.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    if not javascript:
        options.add_argument("--blink-settings=scriptEnabled=false")
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER or ""))


@pytest.fixture(scope="module")
def browser(site: BuildReport) -> Iterator[object]:
    driver = _driver()
    yield driver
    driver.quit()


def _open(driver, relative: str):  # type: ignore[no-untyped-def]
    path, _, query = relative.partition("?")
    driver.get((SITE / path).as_uri() + (f"?{query}" if query else ""))
    return driver


def _shot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def _text(driver) -> str:  # type: ignore[no-untyped-def]
    return driver.find_element("tag name", "body").text


def _summaries(spec_path: str) -> list[str]:
    """The operations' summaries as the spec writes them (one `summary:` line each)."""
    from platformctl.openapi.source import read_spec

    text = read_spec(str(ROOT / spec_path))
    return [line.split("summary:", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("summary:")]


def test_every_api_page_renders_owner_environments_urls_and_auth(browser, catalog: Catalog) -> None:
    for entry in catalog.apis:
        _open(browser, f"apis/{entry.name}/index.html")
        assert browser.find_element("tag name", "h1").text == f"API {entry.name}"
        text = _text(browser)
        assert entry.owner in text and entry.description in text
        for env, settings in entry.environments.items():
            section = browser.find_element("id", f"env-{env}").text
            assert settings.authorizer.function_arn in section
            if settings.custom_domain is not None:
                url = f"https://{settings.custom_domain.domain_name}/{settings.custom_domain.mapping_key}"
                assert url in section
            for tier in settings.usage_plans:
                assert tier in section
        assert "passes" in browser.find_element("id", "lint-verdict").text
        listed = browser.find_element("css selector", "table.operations").text
        for summary in _summaries(entry.spec_path):
            assert summary in listed
        assert f"platformctl api new {entry.name} --owner {entry.owner}" in text
        _shot(browser, f"api-{entry.name}")


def _network_requests_not_blocked(driver, settle: float = 5.0) -> list[str]:  # type: ignore[no-untyped-def]
    """http(s) requests of the page that its Content-Security-Policy did not block.

    Chrome reports a blocked request as requestWillBeSent followed by loadingFailed (blockedReason
    csp); events are read until every such request has its outcome, or `settle` seconds passed."""
    sent: dict[str, str] = {}
    outcome: dict[str, str] = {}
    deadline = time.monotonic() + settle
    while True:
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            request = params.get("requestId", "")
            if message["method"] == "Network.requestWillBeSent":
                url = params.get("request", {}).get("url", "")
                if url.startswith(("http:", "https:")):
                    sent[request] = url
            elif message["method"] == "Network.loadingFailed":
                outcome[request] = params.get("blockedReason") or params.get("errorText") or "failed"
            elif message["method"] == "Network.responseReceived":
                outcome[request] = "answered"
        if all(request in outcome for request in sent) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return sorted(
        f"{url} ({outcome.get(request, 'no outcome')})"
        for request, url in sent.items()
        if outcome.get(request) != "csp"
    )


def test_every_api_reference_is_rendered_by_redoc_without_the_network(browser, catalog: Catalog) -> None:
    for entry in catalog.apis:
        _open(browser, f"apis/{entry.name}/reference.html")
        summaries = _summaries(entry.spec_path)
        deadline = time.monotonic() + 30
        while summaries[0] not in _text(browser) and time.monotonic() < deadline:
            time.sleep(0.2)
        text = _text(browser)
        for summary in summaries:
            assert summary in text, f"{entry.name}: Redoc does not show the operation {summary!r}"
        assert _network_requests_not_blocked(browser) == [], f"{entry.name}: the reference reached the network"
        _shot(browser, f"reference-{entry.name}")


def test_every_table_page_lists_its_columns_nested_fields_and_stream(browser, catalog: Catalog) -> None:
    for entry in catalog.streams:
        _open(browser, f"tables/{entry.table}/index.html")
        assert browser.find_element("tag name", "h1").text == f"Iceberg table {entry.table}"
        columns = browser.find_element("css selector", "table.columns").text
        for column in entry.columns:
            assert column.name in columns and column.type in columns
            for field_name, _ in column.parsed_type.fields:
                assert f"{column.name}.{field_name}" in columns
        text = _text(browser)
        assert entry.stream_name in text
        if entry.route is not None:
            assert f"records where {entry.route.field} == {entry.route.equals!r}" in text
        _shot(browser, f"table-{entry.table}")


def test_routing_warehouse_and_topology_pages_render(browser, site: BuildReport, catalog: Catalog) -> None:
    _open(browser, "routing.html")
    text = _text(browser)
    for env in catalog.environments:
        assert browser.find_element("id", f"env-{env}")
    assert "High priority" in text and "Standard" in text
    _shot(browser, "routing")
    _open(browser, "warehouse.html")
    assert "list price" in _text(browser).lower()
    _shot(browser, "warehouse")
    for env in catalog.environments:
        _open(browser, f"environments/{env}.html")
        image = browser.find_element("css selector", "img.topology")
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", image)
        _shot(browser, f"topology-{env}")
    assert site.diagrams == len(catalog.environments)


def _local_links(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href], img[src], link[href], script[src]'))"
        ".map(function (e) { return e.href || e.src; });"
    )


def test_no_link_is_broken(browser, site: BuildReport) -> None:
    pages = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html") if "reference.html" not in p.name)
    checked: set[str] = set()
    broken: list[str] = []
    for page in pages:
        _open(browser, page)
        for url in _local_links(browser):
            parts = urlsplit(url)
            if parts.scheme != "file":
                broken.append(f"{page}: {url} leaves the site")
                continue
            target = Path(unquote(parts.path))
            if not target.is_file():
                broken.append(f"{page}: {url} does not exist")
                continue
            if parts.fragment and (str(target), parts.fragment) not in checked:
                checked.add((str(target), parts.fragment))  # type: ignore[arg-type]
                html = target.read_text(encoding="utf-8")
                if f'id="{parts.fragment}"' not in html:
                    broken.append(f"{page}: {url} has no #{parts.fragment}")
    assert broken == []
    assert len(pages) >= site.api_pages + site.table_pages


def test_search_finds_an_api_by_name(browser, catalog: Catalog) -> None:
    name = sorted(entry.name for entry in catalog.apis)[0]
    _open(browser, "index.html")
    field = browser.find_element("css selector", "form.search input[name=q]")
    field.send_keys(name)
    field.submit()
    deadline = time.monotonic() + 15
    while "search.html" not in browser.current_url and time.monotonic() < deadline:
        time.sleep(0.1)
    results = browser.find_elements("css selector", "#results li a")
    titles = [link.text for link in results]
    assert f"API {name}" in titles
    index = json.loads((SITE / "search.json").read_text(encoding="utf-8"))
    expected = [
        e["title"] for e in index if name in " ".join((e["title"], e["summary"], e["keywords"], e["kind"])).lower()
    ]
    assert titles == expected
    assert len(titles) < len(index)
    _shot(browser, "search")
    results[titles.index(f"API {name}")].click()
    assert browser.find_element("tag name", "h1").text == f"API {name}"


def test_the_basics_work_without_javascript(site: BuildReport, catalog: Catalog) -> None:
    driver = _driver(javascript=False)
    try:
        _open(driver, "search.html?q=nothing-matches-this")
        listed = [link.text for link in driver.find_elements("css selector", "#results li a")]
        for entry in catalog.apis:
            assert f"API {entry.name}" in listed
        for table in catalog.streams:
            assert f"Table {table.table}" in listed
        _open(driver, "index.html")
        links = {link.text for link in driver.find_elements("css selector", "#apis ~ table a")}
        assert {entry.name for entry in catalog.apis} <= links
        _shot(driver, "index-without-javascript")
    finally:
        driver.quit()
