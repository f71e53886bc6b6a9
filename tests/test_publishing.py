"""The published site around its pages: Netlify's files, 404, link previews, sitemap,
subscription page, French dates. One real, strict MkDocs build of the project, shared
with the other modules that read it (``built_project``)."""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from mkdocs.exceptions import Abort, PluginError

from generator.content.loader import load_taxonomy
from generator.content.posts import alias_paths
from generator.errors import ContentError
from generator.models import FeedConfig, Post, TagRule, Taxonomy
from generator.publish.netlify_headers import csp_hash, headers_file
from generator.publish.redirects import hugo_urlize, legacy_redirects, redirects_file
from generator.publish.site_config import (
    PublicationSettings,
    parse_site_config,
    publication_settings,
    read_site_config,
)
from generator.publish.subscription import subscription_page

from .conftest import ROOT, build_config, site_config

SITE_URL = "https://ssphub.netlify.app/"
FRENCH_MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)


@pytest.fixture(scope="module")
def site(built_project: Path) -> Path:
    """The project's site built by MkDocs (shared, read only)."""
    return built_project / "site"


def _pages(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


def _headers(site: Path) -> dict[str, str]:
    """The headers of the ``/*`` rule of ``_headers``."""
    lines = (site / "_headers").read_text(encoding="utf-8").splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "/*"
    headers = {}
    for line in rules[1:]:
        assert line.startswith("  "), line  # every header belongs to the /* rule
        name, _, value = line.strip().partition(": ")
        headers[name] = value
    return headers


def _csp(site: Path) -> dict[str, list[str]]:
    policy = _headers(site)["Content-Security-Policy"]
    directives = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


def _exists(site: Path, path: str) -> bool:
    target = site / path.lstrip("/")
    return (target / "index.html").is_file() if path.endswith("/") else target.is_file()


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each ``<script>``."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


# --- Netlify -----------------------------------------------------------------------------


def test_netlify_toml_agrees_with_readme_and_mkdocs() -> None:
    netlify = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    site_config = read_site_config(ROOT / "mkdocs.yml")
    command = netlify["build"]["command"]
    assert command == "make build"
    # The README documents that command as the one that builds the site into site_dir.
    assert re.search(rf"^{re.escape(command)}\s+# construit le site dans site/", readme, re.M)
    assert (ROOT / netlify["build"]["publish"]).resolve() == site_config.site_dir
    python = netlify["build"]["environment"]["PYTHON_VERSION"]
    assert python == pyproject["tool"]["mypy"]["python_version"] == "3.11"
    assert pyproject["project"]["requires-python"].startswith(f">={python}")
    assert "Python 3.11" in readme


def test_security_headers(site: Path) -> None:
    headers = _headers(site)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = _csp(site)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"]


def test_every_inline_script_of_the_built_pages_is_allowed_by_hash(site: Path) -> None:
    allowed = set(_csp(site)["script-src"])
    scripts: set[str] = set()
    for html in _pages(site).values():
        # Found with a regular expression here, with an HTML parser in the product.
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL):
            attributes, body = match.groups()
            if "src=" in attributes:
                continue
            kind = re.search(r'type="([^"]*)"', attributes)
            if kind and kind.group(1) == "application/json":
                continue  # a data block: never run, the policy does not apply
            scripts.add(body)
    assert len(scripts) >= 3  # Material's palette, scope and tabs scripts at each depth
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:80]


def test_no_inline_handler_javascript_url_or_style_the_policy_would_block(site: Path) -> None:
    csp = _csp(site)
    for path, html in _pages(site).items():
        for tag, attributes in _tags(html):
            for name, value in attributes.items():
                assert not name.startswith("on"), f"{path}: <{tag} {name}>"
                assert not re.match(r"\s*javascript:", value, re.IGNORECASE), f"{path}: {value}"
            if "style" in attributes:
                assert "'unsafe-inline'" in csp["style-src"], f"{path}: <{tag} style>"
        for style in re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.DOTALL):
            assert csp_hash(style) in csp["style-src"] or "'unsafe-inline'" in csp["style-src"]


def test_pages_load_scripts_styles_and_fonts_from_the_site_only(site: Path) -> None:
    for path, html in _pages(site).items():
        page_url = urljoin(SITE_URL, path)
        for tag, attributes in _tags(html):
            if tag == "script" and "src" in attributes:
                url = urljoin(page_url, attributes["src"])
            elif tag == "link" and attributes.get("rel") in ("stylesheet", "preconnect"):
                url = urljoin(page_url, attributes["href"])
            elif tag == "img":
                # img-src allows 'self', data: and https: (post and feed images, avatars).
                assert re.match(r"(https:|data:|[^:]*$)", attributes.get("src", "")), path
                continue
            else:
                continue
            assert url.startswith(SITE_URL), f"{path}: {url}"
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_headers_file_reports_inline_code_it_cannot_allow() -> None:
    pages = [
        ("a.html", '<p onclick="x()">a</p><script>ok()</script>'),
        (
            "b.html",
            '<a href=" JavaScript:alert(1)">b</a><script type="application/json">{}</script>',
        ),
        ("c.html", '<p style="color: red">c</p><style>p{}</style>'),
        # Disguised: upper case, entities, invisible characters, an SVG link, a form.
        (
            "d.html",
            '<IMG SRC=x ONERROR="y()"><a href="jav&#x61;script:z()">d</a>'
            '<a href="java&#9;script:w()">e</a><svg><a xlink:href="javascript:v()">f</a></svg>'
            '<form><button formaction="javascript:u()">g</button></form>',
        ),
    ]
    result = headers_file(pages, allowed_scripts={"ok()"})
    assert result.problems == (
        "a.html: <p onclick=…> (gestionnaire d'événement en ligne)",
        'b.html: <a href=" JavaScript:alert(1)"> (adresse javascript:)',
        'd.html: <a href="java\tscript:w()"> (adresse javascript:)',
        'd.html: <a href="javascript:z()"> (adresse javascript:)',
        'd.html: <a xlink:href="javascript:v()"> (adresse javascript:)',
        'd.html: <button formaction="javascript:u()"> (adresse javascript:)',
        "d.html: <img onerror=…> (gestionnaire d'événement en ligne)",
    )
    assert result.script_hashes == (csp_hash("ok()"),)  # the JSON data block is not run
    assert result.foreign == ()
    # A style attribute cannot be allowed by a hash: styles fall back to 'unsafe-inline'.
    assert "style-src 'self' 'unsafe-inline'" in result.policy
    without_attribute = headers_file([("c.html", "<style>p{}</style>")], allowed_scripts=())
    assert f"style-src 'self' {csp_hash('p{}')}" in without_attribute.policy


def _redirects(site: Path) -> list[tuple[str, str, int]]:
    rules = []
    for line in (site / "_redirects").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            source, target, status = line.split()
            rules.append((source, target, int(status)))
    return rules


def test_every_redirect_leads_to_a_page_of_the_built_site(site: Path) -> None:
    rules = _redirects(site)
    for source, target, status in rules:
        assert status == 301
        assert _exists(site, target), f"{source} → {target}"
        if "*" not in source:
            assert not _exists(site, source), f"{source} is a page: the rule would never apply"
    found = {source: target for source, target, _ in rules}
    assert found["/index.xml"] == "/feed_rss.xml"
    assert found["/infolettre/index.xml"] == "/feed_rss.xml"
    assert found["/tag/infolettre/"] == "/infolettre/category/infolettre/"
    assert found["/tag/chatgpt/"] == "/themes/"
    assert found["/category/infolettre/"] == "/infolettre/category/infolettre/"
    assert found["/author/linogaliana/"] == "/infolettre/author/linogaliana/"
    # Catch-alls come after every specific rule (Netlify applies the first that matches).
    sources = [source for source, _, _ in rules]
    first_splat = min(i for i, s in enumerate(sources) if "*" in s)
    assert all("*" in s for s in sources[first_splat:])
    assert "/tag/*" in sources and "/category/*" in sources


def _post(**changes: object) -> Post:
    values: dict[str, object] = {
        "path": Path("content/infolettre/infolettre_20/index.md"),
        "slug": "infolettre_20",
        "title": "Infolettre (#20)",
        "date": datetime(2024, 1, 1, tzinfo=UTC),
        "body": "",
        "tags": ("Deep learning", "Actualité des LLM", "Python"),
        "categories": ("Actualités",),
        "authors": ("linogaliana",),
        "aliases": ("/post/infolettre-20/",),
    }
    values.update(changes)
    return Post(**values)  # type: ignore[arg-type]


def test_legacy_redirects_follow_hugo_addresses_to_existing_targets() -> None:
    taxonomy = Taxonomy(
        tags=(
            TagRule(id="deep-learning", label="Apprentissage profond", description=""),
            TagRule(id="llm-news", label="Actualité des LLM", description=""),
        )
    )
    files = frozenset(
        {
            "index.html",
            "feed_rss.xml",
            "infolettre/index.html",
            "infolettre/infolettre_20/index.html",
            "infolettre/category/actualites/index.html",
            "themes/index.html",
            "themes/deep-learning/index.html",
            "themes/deep-learning/feed_rss.xml",
            "themes/llm-news/index.html",
        }
    )
    result = legacy_redirects([_post()], taxonomy, files)
    rules = {r.source: r.target for r in result.rules}
    assert rules["/post/infolettre-20/"] == "/infolettre/infolettre_20/"
    assert rules["/tag/deep-learning/"] == "/themes/deep-learning/"  # by id
    assert rules["/tag/deep-learning/index.xml"] == "/themes/deep-learning/feed_rss.xml"
    assert rules["/tag/actualite-des-llm/"] == "/themes/llm-news/"  # by label
    assert rules["/tag/python/"] == "/themes/"
    assert rules["/category/actualites/"] == "/infolettre/category/actualites/"
    # No author page in this site: the rule is reported, not written.
    assert "/author/linogaliana/" not in rules
    assert any(s.startswith("/author/linogaliana/ → ") for s in result.skipped)
    assert "/tag/actualite-des-llm/index.xml" not in rules  # llm-news has no feed file here
    text = redirects_file(result)
    assert re.search(r"^/post/infolettre-20/\s+/infolettre/infolettre_20/\s+301$", text, re.M)


def test_hugo_urlize() -> None:
    assert hugo_urlize("chatGPT") == "chatgpt"
    assert hugo_urlize("Deep Learning") == "deep-learning"
    assert hugo_urlize("Événements") == "evenements"
    assert hugo_urlize("c++") == "c++"


def test_aliases_from_front_matter() -> None:
    path = Path("index.md")
    assert alias_paths(["/post/a/", "ancien"], path) == ("/post/a/", "/infolettre/ancien")
    with pytest.raises(ContentError, match=r"index\.md \(clé « aliases »\)"):
        alias_paths(["https://example.org/a/"], path)


# --- 404 ---------------------------------------------------------------------------------


def test_404_page_is_french_with_links_home_and_to_the_search(site: Path) -> None:
    html = (site / "404.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in html
    assert "<h1>Page introuvable</h1>" in html
    assert "404 - Not found" not in html
    # Absolute paths: Netlify serves this page at any depth.
    assert '<a href="/">Retour à l\'accueil</a>' in html
    assert '<a href="/?q=">Rechercher sur le site</a>' in html
    assert _exists(site, "/infolettre/")


# --- Reader's view -----------------------------------------------------------------------


def _meta(html: str) -> dict[str, str]:
    found = {}
    for tag, attributes in _tags(html):
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                found[key] = attributes.get("content", "")
    return found


def test_link_previews_of_a_post_use_its_cover(site: Path) -> None:
    meta = _meta((site / "infolettre/infolettre_13/index.html").read_text(encoding="utf-8"))
    assert meta["og:title"] == "Infolettre Avril 2023, première quinzaine (#13)"
    assert meta["og:description"] == "Infolettre du mois d'avril, première quinzaine"
    assert meta["og:url"] == SITE_URL + "infolettre/infolettre_13/"
    assert meta["og:image"] == SITE_URL + "infolettre/infolettre_13/featured.jpg"
    assert meta["og:type"] == "article"
    assert meta["og:locale"] == "fr_FR"
    assert meta["twitter:card"] == "summary_large_image"


def test_every_page_has_link_previews_with_an_existing_absolute_image(site: Path) -> None:
    for path, html in _pages(site).items():
        if path == "404.html":
            continue
        meta = _meta(html)
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
        assert canonical is not None, path
        assert meta["og:url"] == canonical.group(1), path
        assert meta["og:title"] and meta["og:description"], path
        image = meta["og:image"]
        assert image.startswith(SITE_URL), path
        assert _exists(site, urlsplit(image).path), f"{path}: {image}"
    home = _meta((site / "index.html").read_text(encoding="utf-8"))
    assert home["og:image"] == SITE_URL + "assets/partage.png"
    assert home["og:title"] == "Infolettre du réseau des data scientists"


def test_sitemap_lists_every_page_with_the_site_url(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert SITE_URL + "infolettre/infolettre_13/" in locations
    assert SITE_URL + "abonnement/" in locations
    for location in locations:
        assert location.startswith(SITE_URL)
        assert _exists(site, urlsplit(location).path), location
    for path, html in _pages(site).items():
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
        if canonical:
            assert canonical.group(1) in locations, path


def test_dates_are_french(site: Path) -> None:
    times = []
    for html in _pages(site).values():
        times += re.findall(r"<time\b[^>]*>([^<]+)</time>", html)
    assert times
    for text in times:
        assert re.fullmatch(rf"(1er|\d{{1,2}}) ({FRENCH_MONTHS}) \d{{4}}", text.strip()), text
    archive = (site / "infolettre/archives/2023/03/index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1 [^>]*>mars 2023<", archive)  # the blog archive's month
    item = (site / "veille/framablog/index.html").read_text(encoding="utf-8")
    assert "31 octobre 2024" in item
    # Heading permalinks are French too.
    assert 'title="Permanent link"' not in archive
    assert 'title="Lien permanent"' in archive


def test_subscription_page_lists_every_feed_the_site_writes(site: Path) -> None:
    html = (site / "abonnement/index.html").read_text(encoding="utf-8")
    written = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.name in ("feed_rss.xml", "feed.json")
    )
    tags = load_taxonomy(ROOT / "content").tags
    assert len(written) == 2 + 2 * len(tags)  # the newsletter's, and one pair per tag
    for path in written:
        assert f'href="{SITE_URL}{path}"' in html, path
    # The followed sources, with their own feed and their archive here.
    assert 'href="https://framablog.org/feed/"' in html
    assert 'href="../veille/framablog/"' in html
    # How to get the email: the sign-up form, and a clear placeholder for the address.
    assert "https://framaforms.org/integration-reseau-des-data-scientists-1676407156" in html
    assert "adresse à venir" in html
    # In the navigation (tabs) of every page.
    for path, page in _pages(site).items():
        if path != "404.html":
            assert re.search(r'class="md-tabs__link[^"]*">\s*S(\'|&#39;)abonner\s*</a>', page), path


def test_subscription_page_shows_the_contact_address_when_set() -> None:
    settings = PublicationSettings(contact_email="infolettre@example.org")
    page = subscription_page(
        Taxonomy(tags=()),
        (FeedConfig(id="lettre", title="Lettre", url="", kind="email"),),
        settings,
        site_url=SITE_URL,
        site_name="Infolettre",
    )
    assert page.path == "abonnement/index.md" and page.in_nav
    assert "[infolettre@example.org](mailto:infolettre@example.org)" in (page.text or "")
    assert "adresse à venir" not in (page.text or "")
    assert "reçue par courriel, sans flux" in (page.text or "")


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"infolettre": {"contact_email": "pas une adresse"}}, "contact_email"),
        ({"infolettre": {"subscribe_url": "ftp://x"}}, "subscribe_url"),
        ({"infolettre": {"share_image": "https://x/i.png"}}, "share_image"),
        ({"infolettre": {"autre": 1}}, "clé inconnue « autre »"),
    ],
)
def test_bad_publication_settings_name_the_key(extra: dict[str, object], match: str) -> None:
    with pytest.raises(ContentError, match=match):
        publication_settings(extra, "mkdocs.yml")


def test_site_config_reads_mkdocs_yml_without_running_its_python_tags(tmp_path: Path) -> None:
    text = (
        "site_name: S\nsite_url: https://example.org/sub\nmarkdown_extensions:\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:os.system\n"
        "plugins:\n  - demos:\n      enabled: !ENV [X, true]\n"
    )
    config = parse_site_config(text, tmp_path / "mkdocs.yml")
    assert config.site_url == "https://example.org/sub/"
    assert config.site_dir == (tmp_path / "site").resolve()
    assert config.settings == PublicationSettings()
    with pytest.raises(ContentError, match="site_url"):
        parse_site_config("site_name: S\n", tmp_path / "mkdocs.yml")


def test_bad_publication_settings_stop_the_build_naming_the_key(
    site_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config_file = site_copy / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    assert 'contact_email: ""' in text
    config_file.write_text(text.replace('contact_email: ""', "contact_email: nobody"), "utf-8")
    config = site_config(site_copy)
    with pytest.raises((PluginError, Abort)):
        build_config(config)
    assert re.search(r"mkdocs\.yml \(clé « extra\.infolettre\.contact_email »\)", caplog.text)
    assert "« nobody » n'est pas une adresse électronique" in caplog.text
