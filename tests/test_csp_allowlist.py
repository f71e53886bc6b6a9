"""The Content-Security-Policy allows the inline scripts of the site's templates, only.

The allow-list is computed from the theme (its templates rendered for a page without
content at each depth), never from the built pages: an inline script that came with a
page's content is not allowed, and stops the build, naming the page. In Chromium, the
clean site served with its real ``_headers`` has no violation of the policy, and a script
slipped into a page after the build is blocked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort
from playwright.sync_api import Browser

from generator.publish.netlify_headers import csp_hash, headers_file, page_inline

from .browser import chromium, serving, visiting
from .conftest import build_site, copy_small_site, run_mkdocs

KB_PAGE = "cours-chatbots"
"""A knowledge-base page of the project's content."""


@pytest.fixture(scope="module")
def clean_site(built_small_site: Path) -> Path:
    """The small site, built once for the session (read only)."""
    return built_small_site / "site"


def _policy(site: Path) -> str:
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("Content-Security-Policy:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("pas de Content-Security-Policy dans _headers")


def test_the_policy_allows_exactly_the_scripts_of_the_templates(clean_site: Path) -> None:
    policy = _policy(clean_site)
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
    allowed = set(script_src.split()[2:])
    assert "'unsafe-inline'" not in allowed
    found = {
        csp_hash(script)
        for page in clean_site.rglob("*.html")
        for script in page_inline(page.read_text(encoding="utf-8")).scripts
    }
    # Every script of the pages is allowed; what is allowed is Material's three scripts,
    # the site root's one at each depth the pages have (and the 404 page's).
    assert found == allowed
    depths = {len(p.relative_to(clean_site).parts) - 1 for p in clean_site.rglob("index.html")}
    assert len(allowed) == 2 + len(depths) + 1


def test_the_allow_list_does_not_follow_the_pages() -> None:
    pages = [
        ("a/index.html", "<script>theme()</script><script>pwn()</script>"),
        ("b/index.html", '<script type="application/json">{}</script><script>theme()</script>'),
    ]
    result = headers_file(pages, allowed_scripts={"theme()"})
    assert result.script_hashes == (csp_hash("theme()"),)
    assert result.foreign == ("a/index.html: « pwn() »",)


@pytest.mark.parametrize(
    ("path", "page"),
    [
        (f"connaissances/{KB_PAGE}.md", f"connaissances/{KB_PAGE}/index.html"),
        ("infolettre/infolettre_13/index.md", "infolettre/infolettre_13/index.html"),
    ],
)
def test_an_inline_script_in_content_stops_the_build_naming_the_page(
    small_site_copy: Path, caplog: pytest.LogCaptureFixture, path: str, page: str
) -> None:
    project = small_site_copy
    source = project / "content" / path
    source.write_text(
        source.read_text(encoding="utf-8") + '\n\n<script>alert("contenu")</script>\n',
        encoding="utf-8",
    )
    with pytest.raises(Abort):  # MkDocs reports the plugin's error, then aborts
        build_site(project)
    message = caplog.text
    assert "gabarit" in message
    assert f'{page}: « alert("contenu") »' in message
    assert not (project / "site" / "_headers").exists()


# --- in Chromium ------------------------------------------------------------------------

# Registered before any script of the page runs: every violation of the policy is kept.
_LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
    + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    project = copy_small_site(tmp_path_factory.mktemp("csp-browser") / "project")
    with serving(project / "site") as url:
        site = build_site(project, site_url=url)
        yield url, site


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _archived_item(site: Path) -> str:
    item = sorted((site / "veille" / "framablog").glob("20*/index.html"))[0]
    return item.parent.relative_to(site).as_posix() + "/"


def test_the_clean_site_runs_with_zero_violations(
    browser: Browser, served: tuple[str, Path]
) -> None:
    url, site = served
    assert "Content-Security-Policy" in (site / "_headers").read_text(encoding="utf-8")
    with visiting(browser, url) as visit:
        visit.page.add_init_script(_LISTEN)
        for path in (
            "",
            "infolettre/infolettre_13/",
            _archived_item(site),
            "themes/open-source-ai/",
            f"connaissances/{KB_PAGE}/",
        ):
            visit.open(path)
            visit.settle()
            assert visit.page.evaluate("window.__violations") == [], path
        # The search, opened and used (its worker and index load under the policy).
        box = visit.page.locator("input.md-search__input")
        box.click()
        box.fill("modele")
        box.press("End")
        visit.page.wait_for_function(
            "() => /trouvé/.test(document.querySelector('.md-search-result__meta').textContent)",
            timeout=15_000,
        )
        assert visit.page.locator("a.md-search-result__link").count() > 0
        assert visit.page.evaluate("window.__violations") == []
        visit.assert_clean("csp-sans-violation")


def test_a_script_slipped_into_a_page_is_blocked(
    browser: Browser, served: tuple[str, Path]
) -> None:
    # The build refuses such a page; served anyway (a page changed after the build),
    # the real _headers still keeps its script from running.
    url, site = served
    target = site / "connaissances" / KB_PAGE / "index.html"
    original = target.read_text(encoding="utf-8")
    target.write_text(
        original.replace("</body>", "<script>window.__pwned = 1</script></body>", 1),
        encoding="utf-8",
    )
    try:
        with visiting(browser, url) as visit:
            visit.page.add_init_script(_LISTEN)
            visit.open(f"connaissances/{KB_PAGE}/")
            visit.settle()
            assert visit.page.evaluate("window.__pwned === undefined")
            violations = visit.page.evaluate("window.__violations")
            assert any(v.startswith("script-src") for v in violations), violations
    finally:
        target.write_text(original, encoding="utf-8")


def test_mkdocs_build_strict_fails_on_a_script_in_a_page(small_site_copy: Path) -> None:
    project = small_site_copy
    source = project / "content" / "connaissances" / f"{KB_PAGE}.md"
    source.write_text(
        source.read_text(encoding="utf-8") + "\n\n<script>fetch('/x')</script>\n",
        encoding="utf-8",
    )
    result = run_mkdocs(project, "build", "--strict", "--quiet")
    assert result.returncode != 0
    assert f"connaissances/{KB_PAGE}/index.html: « fetch('/x') »" in result.stderr


def test_formulas_render_with_the_site_katex_under_the_policy(
    browser: Browser, served: tuple[str, Path]
) -> None:
    # The knowledge-base course writes its formulas in $…$ and $$…$$: KaTeX, served by the
    # site, renders each of them in the browser, with no violation of the real _headers.
    url, site = served
    page = (site / "connaissances" / KB_PAGE / "index.html").read_text(encoding="utf-8")
    formulas = page.count('class="arithmatex"')
    assert formulas > 5
    with visiting(browser, url) as visit:
        visit.page.add_init_script(_LISTEN)
        visit.open(f"connaissances/{KB_PAGE}/")
        visit.settle()
        rendered = visit.page.evaluate("document.querySelectorAll('.arithmatex .katex').length")
        assert rendered == formulas
        assert visit.page.evaluate("document.querySelectorAll('.katex-error').length") == 0
        assert visit.page.evaluate("window.__violations") == []
