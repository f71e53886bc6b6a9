"""The publication's entry point for the site (:mod:`generator.publish.site`) on plain
values: settings, the subscription page, link previews and the finish step (``_headers``
and ``_redirects`` written into a built site), as the ``publication`` plugin uses it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.errors import ContentError
from generator.publish.netlify_headers import csp_hash
from generator.publish.site import (
    PageFacts,
    Publication,
    PublicationError,
    content_folder,
    depth_of,
    inline_scripts,
    open_publication,
)
from generator.publish.site_config import PublicationSettings

from .sites import FIXTURES

CONTENT = FIXTURES / "site" / "content"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
THEME_SCRIPT = "var __root = new URL('..', location);"
PAGE = "<html><head><title>t</title></head><body>{}</body></html>"


def _publication(tmp_path: Path, **options: object) -> Publication:
    return Publication(
        content_dir=CONTENT,
        settings=PublicationSettings(contact_email="ecrire@example.org"),
        cache_file=tmp_path / "cache" / "inline.json",
        site_url="https://example.org/infolettre/",
        site_name="Infolettre",
        site_description="La description du site",
        **options,  # type: ignore[arg-type]
    )


def _facts(dest: Path, **fields: object) -> PageFacts:
    values: dict[str, object] = {
        "meta": {"title": "Une page"},
        "src_uri": "guide/page.md",
        "title": "Titre trouvé",
        "is_homepage": False,
        "url": "https://example.org/infolettre/guide/page/",
        "dest": dest,
    }
    values.update(fields)
    return PageFacts(**values)  # type: ignore[arg-type]


def _write(site_dir: Path, path: str, body: str) -> Path:
    target = site_dir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(PAGE.format(body), encoding="utf-8")
    return target


def test_one_content_folder_for_every_plugin(tmp_path: Path) -> None:
    assert content_folder(tmp_path, shared=None, own=None) == (tmp_path / "content").resolve()
    assert content_folder(tmp_path, shared="src", own=None) == (tmp_path / "src").resolve()
    assert content_folder(tmp_path, shared="src", own="./src") == (tmp_path / "src").resolve()
    with pytest.raises(PublicationError) as caught:
        content_folder(tmp_path, shared=None, own="ailleurs")
    assert str(caught.value) == (
        "publication.content_dir (« ailleurs ») diffère du dossier de contenu du plugin "
        "infolettre (« content ») : un seul dossier de contenu pour tout le site ; retirez "
        "l'option de publication"
    )


def test_depth_of_a_built_page() -> None:
    assert [depth_of(p) for p in ("index.html", "404.html", "a/index.html", "a/b/c.html")] == [
        0,
        0,
        1,
        2,
    ]


def test_inline_scripts_are_those_a_browser_runs() -> None:
    html = PAGE.format(
        "<script>a()</script><script src='x.js'></script><script type='application/json'>{}"
        "</script>"
    )
    assert inline_scripts(html) == ("a()",)


def test_open_publication_checks_settings_and_tells_what_is_left(tmp_path: Path) -> None:
    config_file = tmp_path / "mkdocs.yml"
    site = open_publication(config_file, {}, shared_content_dir="src", cache_dir="c")
    assert site.content_dir == (tmp_path / "src").resolve()
    assert site.cache_file == tmp_path / "c" / "inline.json"
    assert site.notices == (
        "extra.infolettre.contact_email est vide : la page Abonnement annonce une adresse à venir",
    )
    told = open_publication(
        config_file,
        {"infolettre": {"contact_email": "ecrire@example.org"}},
        shared_content_dir=None,
    )
    assert told.notices == ()
    with pytest.raises(ContentError, match="contact_email"):
        open_publication(
            config_file,
            {"infolettre": {"contact_email": "pas une adresse"}},
            shared_content_dir=None,
        )


def test_subscription_page_lists_the_feeds_and_refuses_a_file_in_its_place(
    tmp_path: Path,
) -> None:
    site = _publication(tmp_path)
    page = site.subscription(existing=set(), docs_dir="docs")
    assert page.path.endswith(".md") and page.text is not None
    assert "ecrire@example.org" in page.text
    assert "https://example.org/infolettre/feed_rss.xml" in page.text
    with pytest.raises(PublicationError) as caught:
        site.subscription(existing={page.path}, docs_dir="/site/docs")
    assert str(caught.value) == (
        f"« {page.path} » existe dans /site/docs et est aussi produit par le plugin "
        "publication : retirez l'un des deux"
    )


def test_post_page_adds_previews_only_with_a_site_url(tmp_path: Path) -> None:
    html = PAGE.format("<p>x</p>")
    site = _publication(tmp_path, netlify=False)
    shown = site.post_page(html, _facts(tmp_path / "x.html"))
    assert '<meta property="og:title" content="Une page">' in shown
    assert '<meta property="og:url" content="https://example.org/infolettre/guide/page/">' in shown
    assert shown.endswith("</head><body><p>x</p></body></html>")
    assert site.post_page(html, _facts(tmp_path / "x.html", url=None)) == html
    assert _publication(tmp_path, share_meta=False).post_page(html, _facts(tmp_path)) == html
    no_url = _publication(tmp_path, netlify=False)
    no_url.site_url = None
    assert no_url.post_page(html, _facts(tmp_path / "x.html")) == html
    assert site.scanner is None  # without netlify, no page is read


def test_finish_writes_headers_and_redirects_from_the_built_pages(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    site = _publication(tmp_path)
    site.start_build()
    for path in ("index.html", "guide/page/index.html"):
        dest = _write(site_dir, path, f"<script>{THEME_SCRIPT}</script>")
        site.post_page(dest.read_text(encoding="utf-8"), _facts(dest))
    assert site.scanner is not None
    _write(site_dir, "404.html", '<a onclick="go()">x</a>')  # never handed: read at the end
    asked: list[list[int]] = []

    def template_scripts(depths: object) -> set[str]:
        asked.append(sorted(depths))  # type: ignore[call-overload]
        return {THEME_SCRIPT}

    warned: list[str] = []
    informed: list[str] = []
    written = site.finish(
        site_dir,
        template_scripts=template_scripts,
        now=NOW,
        warn=warned.append,
        inform=informed.append,
    )
    assert written is not None and written.script_hashes == 1
    assert written.summary == (
        f"_headers (1 empreintes de scripts) et _redirects ({written.rules} règles) écrits"
    )
    assert asked == [[0, 0, 2]]
    assert warned == [
        "code JavaScript en ligne que la politique CSP bloquerait : "
        "404.html: <a onclick=…> (gestionnaire d'événement en ligne)"
    ]
    headers = (site_dir / "_headers").read_text(encoding="utf-8")
    assert csp_hash(THEME_SCRIPT) in headers
    redirects = (site_dir / "_redirects").read_text(encoding="utf-8")
    assert redirects.startswith("# Écrit à chaque construction (generator/publish/redirects.py)")
    # The fixture site's targets are not built here: each rule left out is told.
    assert informed and all(line.startswith("redirection non écrite : ") for line in informed)
    assert site.scanner is None
    assert (tmp_path / "cache" / "inline.json").is_file()


def test_finish_refuses_a_script_no_template_writes(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    _write(site_dir, "a/index.html", f"<script>{THEME_SCRIPT}</script><script>evil()</script>")
    site = _publication(tmp_path)
    with pytest.raises(PublicationError) as caught:
        site.finish(
            site_dir,
            template_scripts=lambda depths: {THEME_SCRIPT},
            now=NOW,
            warn=print,
            inform=print,
        )
    assert str(caught.value).endswith(
        "du HTML du contenu qui passe pour du code ?) :\n  a/index.html: « evil() »"
    )
    assert not (site_dir / "_headers").exists() and not (site_dir / "_redirects").exists()


def test_finish_without_netlify_writes_nothing(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    _write(site_dir, "index.html", "<script>evil()</script>")
    site = _publication(tmp_path, netlify=False)

    def never(depths: object) -> set[str]:
        raise AssertionError("templates rendered without netlify")

    assert site.finish(site_dir, template_scripts=never, now=NOW, warn=print, inform=print) is None
    assert sorted(p.name for p in site_dir.iterdir()) == ["index.html"]


def test_cancel_stops_reading_pages(tmp_path: Path) -> None:
    site = _publication(tmp_path)
    site.post_page(PAGE.format(""), _facts(tmp_path / "x.html"))
    assert site.scanner is not None
    site.cancel()
    assert site.scanner is None
