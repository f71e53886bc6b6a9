"""The links the generator writes in its own HTML: final URLs, as MkDocs would write them.

The generated tree renders under plain MkDocs, without the site's plugins: no ``.md``
link is left in the HTML, and every relative link leads to a file of the built site.
The pages that hold such links are indexes (``a/b/index.md``), so that a renderer
resolving them against the source's folder (Zensical) finds the same pages.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.structure.files import File

from generator.cli.main import main
from generator.content.loader import load_content
from generator.errors import GeneratorError
from generator.pages.build import Generated, generate
from generator.pages.links import UrlStyle, missing_targets, page_link, page_url
from generator.pages.output import write_pages

from .conftest import ROOT, build_config, link_items_to_a_missing_tag, site_config
from .test_pages import NOW

_SEGMENT = st.sampled_from(["a", "b", "index", "README", "page", "2", "x-y", "é t", "veille"])
_PATH = st.builds(
    lambda parts, last, ext: "/".join([*parts, last]) + ext,
    st.lists(_SEGMENT, max_size=3),
    _SEGMENT,
    st.sampled_from([".md", ".md", ".png", ".xml"]),
)


def _mkdocs_file(path: str, directory_urls: bool) -> File:
    return File(path, "/docs", "/site", use_directory_urls=directory_urls)


@settings(max_examples=300, deadline=None)
@given(source=_PATH, target=_PATH, directory_urls=st.booleans(), anchor=st.sampled_from(["", "#s"]))
def test_links_are_the_urls_mkdocs_gives(
    source: str, target: str, directory_urls: bool, anchor: str
) -> None:
    # Without the blog, every page is published where MkDocs puts it.
    style = UrlStyle(directory_urls=directory_urls, post_url_format="")
    expected = _mkdocs_file(target, directory_urls)
    assert page_url(target, style) == expected.url
    if source.endswith(".md"):
        relative = expected.url_relative_to(_mkdocs_file(source, directory_urls))
        assert page_link(source, target + anchor, style) == relative + anchor


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("post_url_format", ["{slug}", "/archives/{slug}/", ""])
def test_a_post_is_linked_where_the_blog_publishes_it(
    directory_urls: bool, post_url_format: str
) -> None:
    style = UrlStyle(directory_urls=directory_urls, post_url_format=post_url_format)
    # As Material's blog: the format, without its outer slashes, as a page of the blog.
    published = (
        f"infolettre/{post_url_format.strip('/').format(slug='n-12')}.md"
        if post_url_format
        else "infolettre/posts/n-12/index.md"
    )
    expected = _mkdocs_file(published, directory_urls)
    assert page_url("infolettre/posts/n-12/index.md", style) == expected.url
    source = _mkdocs_file("themes/events/index.md", directory_urls)
    assert page_link("themes/events/index.md", "infolettre/posts/n-12/index.md", style) == (
        expected.url_relative_to(source)
    )
    # A post's own files stay where they are.
    assert page_url("infolettre/posts/n-12/a.png", style) == "infolettre/posts/n-12/a.png"


def test_a_post_url_format_the_generator_cannot_follow_is_refused() -> None:
    with pytest.raises(GeneratorError, match=r"post_url_format « \{date\}/\{slug\} ».*date"):
        UrlStyle(post_url_format="{date}/{slug}")
    with pytest.raises(GeneratorError, match="post_url_format"):
        UrlStyle(post_url_format="{slug")


def test_a_link_to_a_missing_page_is_reported_naming_its_page() -> None:
    out = Generated(now=NOW)
    assert out.link("themes/a/index.md", "veille/f/x/index.md#s") == "../../veille/f/x/#s"
    out.link("themes/a/index.md", "themes/b/index.md")
    assert missing_targets(out.links, {"themes/a/index.md", "themes/b/index.md"}) == [
        "themes/a/index.md : lien vers « veille/f/x/index.md », page introuvable"
    ]


def test_the_generator_reports_its_links_to_missing_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = load_content(ROOT / "content")
    assert not [w for w in generate(content, now=NOW).warnings if "introuvable" in w]
    link_items_to_a_missing_tag(monkeypatch)
    warnings = generate(content, now=NOW).warnings
    item = "veille/framablog/2024-10-31-l-ia-open-source-existe-t-elle-vraiment/index.md"
    assert f"{item} : lien vers « themes/nulle/index.md », page introuvable" in warnings


def test_the_defaults_are_the_sites_settings() -> None:
    # The infolettre plugin passes no URL settings: the generator's defaults must be
    # those of mkdocs.yml, or every link of the generated HTML would be off.
    config = load_config(str(ROOT / "mkdocs.yml"))
    blog = config.plugins["material/blog"]
    assert UrlStyle() == UrlStyle(
        directory_urls=config.use_directory_urls,
        post_url_format=blog.config["post_url_format"],
    )


def test_every_link_is_right_from_the_source_folder_too() -> None:
    # A renderer that resolves a relative link against the folder of the page's source
    # (Zensical), rather than leaving it to the browser at the page's URL (MkDocs),
    # reaches the same page: the pages holding the generator's HTML are indexes.
    generated = generate(load_content(ROOT / "content"), now=NOW)
    assert len(generated.links) > 40
    for page, target in generated.links:
        link = page_link(page, target, UrlStyle())
        from_source = posixpath.normpath(posixpath.join(posixpath.dirname(page), link))
        assert from_source == posixpath.normpath(page_url(target, UrlStyle())), (page, link)


# --- the generated tree under plain MkDocs -------------------------------------------------

_LINK = re.compile(r'\b(?:href|src)="([^"]*)"')
_FEEDS = {"feed_rss.xml", "feed.json"}
"""The site's feeds: the plugin writes them beside the pages, they are not in the tree."""

_MATERIAL_BLOG = """\
theme:
  name: material
  language: fr
plugins:
  - blog:
      blog_dir: infolettre
      post_url_format: "{slug}"
"""
"""Material and its blog, as the site has them, without any of the site's own plugins."""

_EXTENSIONS = """\
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - md_in_html
  - tables
"""


@pytest.fixture(scope="module", params=["material-blog", "mkdocs-html-urls"])
def plain_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real content's generated tree built by MkDocs without the site's plugins: with
    Material and its blog (pages at ``a/b/``), or with MkDocs' own theme and no blog
    (pages at ``a/b.html``, posts at their docs path)."""
    blog = request.param == "material-blog"
    urls = UrlStyle() if blog else UrlStyle(directory_urls=False, post_url_format="")
    root = tmp_path_factory.mktemp("plain")
    docs = root / "docs"
    generated = generate(load_content(ROOT / "content"), now=NOW, urls=urls)
    assert not generated.warnings
    write_pages(generated.pages, docs)
    # The one editor page the generated pages link to: the blog's index (docs/).
    shutil.copy(ROOT / "docs" / "infolettre" / "index.md", docs / "infolettre" / "index.md")
    shutil.copy(ROOT / "content" / "authors.yml", docs / "infolettre" / ".authors.yml")
    (root / "mkdocs.yml").write_text(
        "site_name: Essai\n"
        + (_MATERIAL_BLOG if blog else "use_directory_urls: false\n")
        + _EXTENSIONS,
        encoding="utf-8",
    )
    config = site_config(root, strict=False)
    assert [p for p in config.plugins if not p.startswith(("material/", "search"))] == []
    return build_config(config)


def _pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    return pages


def test_plain_mkdocs_leaves_no_md_link(plain_site: Path) -> None:
    for page in _pages(plain_site):
        html = page.read_text(encoding="utf-8")
        left = [url for url in _LINK.findall(html) if re.search(r"\.md(#|$)", url)]
        assert not left, (page, left)


def test_every_relative_link_leads_to_a_file_of_the_site(plain_site: Path) -> None:
    linked = 0
    for page in _pages(plain_site):
        html = page.read_text(encoding="utf-8")
        folder = page.parent.relative_to(plain_site).as_posix()
        for url in _LINK.findall(html):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("/", "#")) or not parts.path:
                continue
            if posixpath.basename(parts.path) in _FEEDS:
                continue
            target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
            if (plain_site / target).is_dir():  # a page published as a folder
                target = posixpath.join(target, "index.html")
            assert (plain_site / target).is_file(), (page, url)
            linked += 1
    assert linked > 100


def test_the_command_line_refuses_a_post_url_format_it_cannot_follow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["build", "--content", str(ROOT / "content"), "--out", str(tmp_path / "pages")]
    assert main([*args, "--post-url-format", "{date}"]) == 1
    assert "post_url_format « {date} »" in capsys.readouterr().err
    assert not (tmp_path / "pages").exists()
