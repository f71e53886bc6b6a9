"""The email edition in headless Chromium at a phone's width: nothing wider than the
screen (the column is fluid, images scale), with the site's own images served.

The edition is the one ``python -m generator email`` writes for issue 13 of the built
project. Its URLs point to the published site: the test answers them from the built
site's files; an image of another site gets a blank image, any other request is
refused. The screenshots go under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import mimetypes
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route

from generator.content.loader import load_posts
from generator.publish.email_edition import MailSettings, build_edition, site_files

from .browser import BLANK_PNG, chromium, screenshot, watch

SITE_URL = "https://ssphub.netlify.app/"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def edition_html(built_project: Path) -> str:
    post = next(p for p in load_posts(built_project / "content") if p.number == 13)
    settings = MailSettings(
        site_url=SITE_URL,
        site_name="Infolettre du réseau",
        sender="Réseau <infolettre@example.org>",
        recipient="liste@example.org",
        contact_email="infolettre@example.org",
    )
    edition = build_edition(
        post,
        settings,
        files=site_files(built_project / "site"),
        now=datetime(2024, 5, 2, tzinfo=UTC),
    )
    return edition.html


def _serve_site(site: Path, outside: list[str]) -> object:
    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(SITE_URL):
            path = site / urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))
            if path.is_dir():
                path = path / "index.html"
            if path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                route.fulfill(status=200, content_type=kind, body=path.read_bytes())
                return
            route.fulfill(status=404, body=b"")
            return
        outside.append(f"{route.request.resource_type} {url}")
        if route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            route.abort()

    return route


def test_the_email_fits_a_phone_screen(
    browser: Browser, edition_html: str, built_project: Path
) -> None:
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    try:
        page = context.new_page()
        problems = watch(page)
        outside: list[str] = []
        page.route("**/*", _serve_site(built_project / "site", outside))  # type: ignore[arg-type]
        page.set_content(edition_html, wait_until="load")
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.body.scrollWidth]"
        )
        assert max(widths) <= PHONE["width"], widths
        # The column takes the screen; every image (the cover is 1,200 px wide) fits in it.
        column = page.evaluate(
            "() => document.querySelector('table[role=presentation] table').offsetWidth"
        )
        assert column == PHONE["width"]
        images = page.evaluate(
            "() => [...document.images].map(i => [i.src, i.naturalWidth, i.width])"
        )
        assert len(images) >= 2
        for src, natural, shown in images:
            assert natural > 0, f"image non chargée : {src}"
            assert shown <= PHONE["width"], (src, shown)
        assert any(natural > PHONE["width"] for _, natural, _ in images)  # one had to scale
        # The media query for phones applies: narrower margins than the 24 px of a desktop.
        padding = page.evaluate(
            "() => getComputedStyle(document.querySelector('td[class=content]')).paddingLeft"
        )
        assert padding == "16px"
        screenshot(page, "email-390")
        assert problems.all() == []
        # Images of other sites (answered with a blank image here) and nothing else.
        assert all(request.startswith("image https://") for request in outside), outside
    finally:
        context.close()


def test_the_email_keeps_its_600_px_column_on_a_wide_screen(
    browser: Browser, edition_html: str, built_project: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        page = context.new_page()
        page.route("**/*", _serve_site(built_project / "site", []))  # type: ignore[arg-type]
        page.set_content(edition_html, wait_until="load")
        column = page.evaluate(
            "() => document.querySelector('table[role=presentation] table').offsetWidth"
        )
        assert column == 600
        padding = page.evaluate(
            "() => getComputedStyle(document.querySelector('td[class=content]')).paddingLeft"
        )
        assert padding == "24px"
        screenshot(page, "email-1280")
    finally:
        context.close()
