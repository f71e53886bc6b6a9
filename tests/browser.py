"""Helpers for the browser tests: a built site served on localhost, headless Chromium.

The site is served the way Netlify serves it: the headers of the site's ``_headers`` file
(the Content-Security-Policy included, so that a page it would break fails here too), and
``404.html`` with status 404 for a missing page. Chromium is Debian's ``chromium``
(``make test`` installs it), driven by Playwright without any browser download.
"""

from __future__ import annotations

import base64
import fnmatch
import functools
import http.server
import os
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Route,
    sync_playwright,
)

from generator.content.slugs import slugify

from .conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"
"""Where the screenshots go (ignored by git)."""

CHROMIUM_VARIABLE = "CHROMIUM"
"""Environment variable naming a Chromium executable, instead of ``chromium`` on PATH."""

# The machine reaches no host but the package registries: without these, Chromium's
# background services try to, and fill the logs with refused connections.
CHROMIUM_ARGS = (
    "--no-sandbox",  # the tests run as root, as on CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """The Chromium to drive: ``$CHROMIUM``, else ``chromium`` on PATH, else None."""
    named = os.environ.get(CHROMIUM_VARIABLE)
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


# ------------------------------------------------------------------------- the server


@dataclass(frozen=True, kw_only=True)
class HeaderRule:
    """One block of a Netlify ``_headers`` file: a path pattern and its headers."""

    pattern: str
    headers: tuple[tuple[str, str], ...]

    def matches(self, path: str) -> bool:
        """Whether the rule applies to the URL path ``path`` (``*`` matches anything)."""
        return fnmatch.fnmatchcase(path, self.pattern)


def parse_headers_file(text: str) -> tuple[HeaderRule, ...]:
    """Read Netlify's ``_headers`` format: a path at column 0, indented ``Name: value`` lines."""
    rules: list[HeaderRule] = []
    pattern: str | None = None
    headers: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            if pattern is not None:
                rules.append(HeaderRule(pattern=pattern, headers=tuple(headers)))
            pattern, headers = line.strip(), []
            continue
        name, sep, value = line.strip().partition(":")
        if pattern is None or not sep:
            raise ValueError(f"_headers : ligne inattendue « {line.strip()} »")
        headers.append((name.strip(), value.strip()))
    if pattern is not None:
        rules.append(HeaderRule(pattern=pattern, headers=tuple(headers)))
    return tuple(rules)


class NetlifyLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a built site with its ``_headers`` and its ``404.html``, quietly."""

    def __init__(self, *args: object, directory: str, **kwargs: object) -> None:
        self.site = Path(directory)
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass  # pytest shows failures; a line per request would drown them

    def _rules(self) -> tuple[HeaderRule, ...]:
        path = self.site / "_headers"
        if not path.is_file():
            return ()
        return parse_headers_file(path.read_text(encoding="utf-8"))

    def end_headers(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        for rule in self._rules():
            if rule.matches(path):
                for name, value in rule.headers:
                    self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.site / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """Serve ``site`` (which may not exist yet) on 127.0.0.1; yields the base URL.

    Build the site for that address (``build_site(project, site_url=url)``), as on Netlify:
    its absolute links (feeds, sitemap) then point to the test server.
    """
    handler = functools.partial(NetlifyLikeHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ------------------------------------------------------------------------ the browser


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright; skips the test when there is none."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "Chromium not found: `make test` installs Debian's chromium with apt-get; "
            f"without apt-get, install Chromium and put it on PATH or in ${CHROMIUM_VARIABLE}"
        )
    playwright: Playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@dataclass
class PageProblems:
    """What went wrong in a page: console errors, uncaught exceptions, failed loads."""

    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        """Every problem, one line each."""
        return [*self.console, *self.exceptions, *self.failed]


def watch(page: Page) -> PageProblems:
    """Record the problems of ``page`` from now on."""
    problems = PageProblems()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            problems.console.append(f"console : {message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.exceptions.append(f"exception : {error}"))

    def on_failed(request: Request) -> None:
        # A load cut short by leaving the page (net::ERR_ABORTED) is no fault of the page.
        if request.failure != "net::ERR_ABORTED":
            problems.failed.append(f"échec du chargement : {request.url} ({request.failure})")

    page.on("requestfailed", on_failed)
    page.on(
        "response",
        lambda response: (
            problems.failed.append(f"HTTP {response.status} : {response.url}")
            if response.status >= 400
            else None
        ),
    )
    return problems


def screenshot(page: Page, name: str) -> Path:
    """Save what the window shows as ``test-artifacts/browser/<name>.png``.

    The window, not the whole page: a long course takes seconds to capture whole.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{slugify(name)}.png"
    page.screenshot(path=str(path))
    return path


def broken_images(page: Page) -> list[str]:
    """The ``src`` of every image of the page that did not load (``naturalWidth`` 0).

    Lazy images are loaded first by scrolling each into view.
    """
    page.evaluate(
        """async () => {
            for (const img of document.images) {
                img.loading = "eager";
                img.scrollIntoView();
            }
            await Promise.all([...document.images].map(img => img.complete
                ? null
                : new Promise(done => { img.onload = img.onerror = done; })));
        }"""
    )
    result: list[str] = page.evaluate(
        "() => [...document.images].filter(img => !(img.naturalWidth > 0))"
        ".map(img => img.currentSrc || img.src)"
    )
    return result


# A 1×1 transparent PNG: what an outside image gets.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class Visit:
    """A browser page on the test site that records its problems and outside requests.

    The machine reaches no outside host: a request to one is recorded, and answered with
    a blank PNG when it is an image (a feed article's illustration), refused otherwise.
    """

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.problems: PageProblems = watch(page)
        self.outside: list[str] = []
        page.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
            return
        self.outside.append(f"{route.request.resource_type} {url}")
        if route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            route.abort()

    def open(self, path: str) -> None:
        response = self.page.goto(urllib.parse.urljoin(self.base, path))
        status = response.status if response is not None else None
        assert status == 200, f"{path} : HTTP {status}"
        self.page.wait_for_load_state("load")

    def path(self) -> str:
        """The current page's path from the site root, without query or fragment."""
        return urllib.parse.urlsplit(self.page.url).path

    def heading(self) -> str:
        """The page's title (its ``h1``), without the permalink sign."""
        text: str = self.page.locator("article h1").first.evaluate(
            "h1 => [...h1.childNodes].filter(n => !(n.classList && n.classList.contains"
            "('headerlink'))).map(n => n.textContent).join('')"
        )
        return text.strip()

    def settle(self) -> None:
        """Wait until the page has loaded what it loads after ``load`` (the search index,
        the sitemap): no request for 500 ms. Its problems are all recorded then."""
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self, name: str) -> None:
        """Screenshot, then fail on any problem, and on any outside request but images."""
        self.settle()
        screenshot(self.page, name)
        problems = self.problems.all()
        assert problems == [], "\n".join(problems)
        not_images = [request for request in self.outside if not request.startswith("image ")]
        assert not_images == [], f"requêtes vers d'autres hôtes que le site : {not_images}"


def search(page: Page, query: str) -> list[str]:
    """Type ``query`` in the search box; the paths of the result links."""
    box = page.locator("input.md-search__input")
    toggle = page.locator('label.md-header__button[for="__search"]')
    if toggle.is_visible():
        # A narrow window shows a search button in the header, the box behind it.
        toggle.click()
        box.wait_for(state="visible")
        box.focus()
    else:
        box.click()
    box.fill(query)
    # Material reads the box on key-up (fill sends none): a key press, as a reader's last
    # keystroke. A query typed before the search index is ready runs once it is.
    box.press("End")
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function(
        "el => /trouvé/.test(el.textContent)", arg=meta.element_handle(), timeout=15_000
    )
    hrefs: list[str] = page.locator("a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.href)"
    )
    return [urllib.parse.urlsplit(href).path for href in hrefs]


@contextmanager
def visiting(browser: Browser, base: str) -> Iterator[Visit]:
    """A fresh browser context (no cache, no storage) and a :class:`Visit` of ``base``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        yield Visit(context.new_page(), base)
    finally:
        context.close()
