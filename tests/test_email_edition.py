"""The email edition of an issue (``python -m generator email``), against a real build."""

from __future__ import annotations

import email
import re
import shutil
import subprocess
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.content.loader import load_posts
from generator.errors import ContentError, PublishingError
from generator.html_text import html_to_text
from generator.publish.email_edition import (
    MailSettings,
    build_edition,
    mail_problems,
    media_rules_only,
    resolve,
    site_files,
    unsubscribe_targets,
)
from generator.publish.site_config import publication_settings

from .conftest import run_cli

SITE_URL = "https://ssphub.netlify.app/"
ISSUE_URL = SITE_URL + "infolettre/infolettre_13/"
TITLE = "Infolettre Avril 2023, première quinzaine (#13)"


@pytest.fixture(scope="module")
def project(built_project: Path) -> Path:
    """The project's sources, built by MkDocs into ``project/site`` (shared, read only)."""
    return built_project


@pytest.fixture(scope="module")
def edition_dir(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("edition")
    result = _email(project, "13", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def _email(
    project: Path, *args: str, content: Path | None = None, site: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m generator email ARGS`` on the built copy of the project."""
    return run_cli(
        "email",
        *args,
        "--config",
        str(project / "mkdocs.yml"),
        "--content",
        str(content or project / "content"),
        "--site",
        str(site or project / "site"),
    )


def _message(edition_dir: Path) -> EmailMessage:
    data = (edition_dir / "infolettre-13.eml").read_bytes()
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "srcset", "action", "background") and value is not None:
                self.urls.append((tag, name, value))


def _urls(html: str) -> list[tuple[str, str, str]]:
    parser = _Urls()
    parser.feed(html)
    return parser.urls


def test_eml_of_issue_13_has_html_and_text_parts(edition_dir: Path) -> None:
    message = _message(edition_dir)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    for part in message.iter_parts():
        assert part.get_content_charset() == "utf-8"
    assert message["Subject"] == TITLE
    assert message["From"] == "Réseau des data scientists <expediteur@example.invalid>"
    assert message["To"] == "Liste de diffusion <destinataires@example.invalid>"
    assert message["Date"] is not None and message["Date"].datetime is not None
    assert re.fullmatch(
        r"<infolettre-13\.[0-9a-f]{16}@ssphub\.netlify\.app>", message["Message-ID"]
    )
    # No contact address in mkdocs.yml: nothing to put in List-Unsubscribe.
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None

    html_part = message.get_body(("html",))
    text_part = message.get_body(("plain",))
    assert html_part is not None and text_part is not None
    # The .eml has CRLF line ends, as mail does.
    html = html_part.get_content().replace("\r\n", "\n")
    text = text_part.get_content().replace("\r\n", "\n")
    assert html.rstrip() == (edition_dir / "infolettre-13.html").read_text(encoding="utf-8")
    assert text.rstrip() == (edition_dir / "infolettre-13.txt").read_text(encoding="utf-8").rstrip()
    assert TITLE in html and TITLE in text
    assert "Actualités de la data science" in text
    assert "<https://vicuna.lmsys.org/>" in text  # links kept as text <URL>


def test_html_has_no_script_no_style_block_and_only_absolute_urls(edition_dir: Path) -> None:
    html = (edition_dir / "infolettre-13.html").read_text(encoding="utf-8")
    for tag in ("script", "form", "iframe", "svg"):
        assert not re.search(rf"<{tag}\b", html, re.IGNORECASE), tag
    # One <style> is left, in the head, with the phones' @media rule alone: every other
    # rule is inlined.
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert len(styles) == 1 and html.index("<style>") < html.index("</head>")
    assert styles[0].strip().startswith("@media only screen and (max-width: 620px)")
    assert media_rules_only(styles[0])
    # A fluid column, 600 px at most (Outlook for Windows alone gets a fixed width).
    assert re.search(r'<table [^>]*class="container"[^>]*style="[^"]*max-width: 600px', html)
    assert re.search(r'<table [^>]*class="container"[^>]*width="100%"', html)
    assert "<!--[if mso]><table" in html
    urls = _urls(html)
    assert len(urls) > 50
    for tag, name, url in urls:
        assert re.match(r"(https?|mailto):", url), (tag, name, url)
    # Styles are inlined, and the layout is a table.
    assert re.search(r'<h1 style="[^"]*font-size', html)
    assert re.search(r'<table [^>]*role="presentation"', html)
    assert 'lang="fr"' in html
    images = [url for tag, _, url in urls if tag == "img"]
    assert ISSUE_URL + "featured.jpg" in images
    assert ISSUE_URL + "treso.webp" in images
    assert mail_problems(html) == []


def test_links_to_the_site_are_absolute_and_point_to_the_issue(edition_dir: Path) -> None:
    html = (edition_dir / "infolettre-13.html").read_text(encoding="utf-8")
    hrefs = {url for _, name, url in _urls(html) if name == "href"}
    assert ISSUE_URL in hrefs  # "Lire cette infolettre en ligne"
    assert SITE_URL + "abonnement/" in hrefs
    assert "https://framaforms.org/integration-reseau-des-data-scientists-1676407156" in hrefs


def test_announcement_has_title_summary_and_link(edition_dir: Path) -> None:
    text = (edition_dir / "infolettre-13-annonce.txt").read_text(encoding="utf-8")
    assert TITLE in text
    assert "Infolettre du mois d'avril, première quinzaine" in text
    assert text.rstrip().endswith(ISSUE_URL)


def test_links_to_missing_pages_of_the_site_are_warned(project: Path, tmp_path: Path) -> None:
    result = _email(project, "13", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    # Issue #13 links to issues #11 and #12, which this site does not publish.
    assert re.search(
        r"AVERTISSEMENT .*infolettre_13/index\.md:\d+: lien « https://ssphub\.netlify\.app/"
        r"infolettre/infolettre_11/ »",
        result.stderr,
    )


def test_unknown_issue_lists_the_available_numbers(project: Path, tmp_path: Path) -> None:
    result = _email(project, "99", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "infolettre n° 99 introuvable (numéros publiés : 13)" in result.stderr
    assert not any(tmp_path.iterdir())


def test_sender_given_on_the_command_line_is_checked(project: Path, tmp_path: Path) -> None:
    result = _email(project, "13", "--out", str(tmp_path / "out"), "--from", "nobody")
    assert result.returncode == 1
    assert "--from : « nobody » n'est pas une adresse électronique" in result.stderr
    result = _email(project, "13", "--out", str(tmp_path / "ok"), "--to", "Équipe <a@b.fr>")
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(
        (tmp_path / "ok" / "infolettre-13.eml").read_bytes(), policy=policy.default
    )
    assert message["To"] == "Équipe <a@b.fr>"


def test_site_not_built_says_how_to_build_it(project: Path, tmp_path: Path) -> None:
    result = _email(project, "13", "--out", str(tmp_path / "out"), site=tmp_path / "nothing")
    assert result.returncode == 1
    assert "site construit introuvable" in result.stderr
    assert "make build" in result.stderr


def test_relative_link_leading_nowhere_fails_naming_file_and_line(
    project: Path, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(project / "content", content)
    post = content / "infolettre" / "infolettre_13" / "index.md"
    text = post.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    post.write_text(text + "\nVoir [la page disparue](../nulle-part/).\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _email(project, "13", "--out", str(out), content=content)
    assert result.returncode == 1
    assert f"infolettre_13/index.md:{line}: lien relatif « ../nulle-part/ »" in result.stderr
    assert "https://ssphub.netlify.app/infolettre/nulle-part/" in result.stderr
    assert not out.exists()


def test_image_missing_from_the_built_site_fails_naming_it(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(project / "site", site)
    (site / "infolettre" / "infolettre_13" / "treso.webp").unlink()
    out = tmp_path / "out"
    result = _email(project, "13", "--out", str(out), site=site)
    assert result.returncode == 1
    assert re.search(
        r"infolettre_13/index\.md:\d+: image « treso\.webp » absente du site construit "
        r"\(attendue : infolettre/infolettre_13/treso\.webp\)",
        result.stderr,
    )
    assert not out.exists()


def test_list_unsubscribe_when_a_contact_address_is_set(project: Path) -> None:
    post = next(p for p in load_posts(project / "content") if p.number == 13)
    settings = MailSettings(
        site_url=SITE_URL,
        site_name="Infolettre",
        sender="Réseau <infolettre@example.org>",
        recipient="liste@example.org",
        contact_email="infolettre@example.org",
    )
    edition = build_edition(
        post, settings, files=site_files(project / "site"), now=datetime(2024, 5, 2, tzinfo=UTC)
    )
    message = email.message_from_bytes(edition.eml, policy=policy.default)
    assert (
        message["List-Unsubscribe"] == "<mailto:infolettre@example.org?subject=D%C3%A9sinscription>"
    )
    # No https address that unsubscribes in one click: no one-click header.
    assert message["List-Unsubscribe-Post"] is None
    assert message["Date"] == "Thu, 02 May 2024 00:00:00 +0000"
    assert 'href="mailto:infolettre@example.org"' in edition.html
    # Same content, same Message-ID: rebuilding the edition gives the same file.
    again = build_edition(
        post, settings, files=site_files(project / "site"), now=datetime(2024, 5, 2, tzinfo=UTC)
    )
    assert again.eml == edition.eml


def test_an_issue_absent_from_the_built_site_is_refused(project: Path) -> None:
    post = next(p for p in load_posts(project / "content") if p.number == 13)
    settings = MailSettings(site_url=SITE_URL, site_name="x", sender="a@b.fr", recipient="c@d.fr")
    files = frozenset(f for f in site_files(project / "site") if "infolettre_13" not in f)
    with pytest.raises(PublishingError, match=r"infolettre_13/index\.md: .*make build"):
        build_edition(post, settings, files=files, now=datetime(2024, 5, 2, tzinfo=UTC))


FILES = frozenset({"index.html", "infolettre/a/index.html", "infolettre/a/x.png", "feed.json"})
PAGE = SITE_URL + "infolettre/a/"


@pytest.mark.parametrize(
    ("tag", "raw", "url", "error"),
    [
        ("a", "x.png", PAGE + "x.png", ""),
        ("a", "../../feed.json", SITE_URL + "feed.json", ""),
        ("a", "../a/index.md#part", PAGE + "#part", ""),
        ("a", "#part", PAGE + "#part", ""),
        ("a", "//example.org/p", "https://example.org/p", ""),
        ("a", "mailto:a@b.fr", "mailto:a@b.fr", ""),
        ("a", "https://example.org/", "https://example.org/", ""),
        ("a", "../b/", None, "lien relatif « ../b/ » : aucune page"),
        ("a", "javascript:alert(1)", None, "« javascript: » n'est pas lu"),
        ("a", "ftp://example.org/f", None, "« ftp: » n'est pas lu"),
        ("img", "x.png", PAGE + "x.png", ""),
        ("img", "https://example.org/i.png", "https://example.org/i.png", ""),
        ("img", SITE_URL + "absent.png", None, "image « https://ssphub.netlify.app/absent.png »"),
        ("img", "y.png", None, "image « y.png » absente du site construit"),
        ("img", "data:image/png;base64,AAAA", None, "« data: » n'est pas lu"),
    ],
)
def test_resolve(tag: str, raw: str, url: str | None, error: str) -> None:
    result = resolve(tag, raw, page_url=PAGE, site_url=SITE_URL, files=FILES)
    assert result.url == url
    assert error in result.error
    assert bool(result.error) == bool(error)


def test_a_link_to_a_missing_page_of_the_site_is_a_warning() -> None:
    result = resolve("a", SITE_URL + "talk/x/", page_url=PAGE, site_url=SITE_URL, files=FILES)
    assert result.url == SITE_URL + "talk/x/" and not result.error
    assert "pas de page à cette adresse" in result.warning


def test_plain_text_of_html() -> None:
    html = (
        '<div style="display: none">caché</div><h1>Titre</h1><p>Un <a href="https://a.org/">'
        'lien</a> et <a href="mailto:x@y.fr">x@y.fr</a>.</p><ul><li>un</li><li>deux</li></ul>'
        '<ol><li>a</li></ol><img src="https://a.org/i.png" alt="Une image"><pre><code>x = 1\n'
        "y = 2</code></pre><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr>"
        "</table><script>alert(1)</script>"
    )
    assert html_to_text(html) == (
        "Titre\n=====\n\nUn lien <https://a.org/> et x@y.fr.\n\n- un\n- deux\n\n1. a\n\n"
        "[image : Une image]\n\n    x = 1\n    y = 2\n\nA | B\n1 | 2\n"
    )


def test_eml_with_a_contact_from_mkdocs_yml_has_list_unsubscribe(
    project: Path, tmp_path: Path
) -> None:
    config = tmp_path / "mkdocs.yml"
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert '    contact_email: ""\n' in text
    config.write_text(
        text.replace('    contact_email: ""\n', "    contact_email: infolettre@example.org\n"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli(
        "email",
        "13",
        "--out",
        str(out),
        "--config",
        str(config),
        "--content",
        str(project / "content"),
        "--site",
        str(project / "site"),
    )
    assert result.returncode == 0, result.stderr
    message = _message(out)
    assert message["List-Unsubscribe"] == (
        "<mailto:infolettre@example.org?subject=D%C3%A9sinscription>"
    )
    assert message["List-Unsubscribe-Post"] is None


def _settings(**changes: str) -> MailSettings:
    values = {"site_url": SITE_URL, "site_name": "x", "sender": "a@b.fr", "recipient": "c@d.fr"}
    return MailSettings(**{**values, **changes})


def test_unsubscribe_targets_one_click_first_then_mail() -> None:
    assert unsubscribe_targets(_settings()) == []
    assert unsubscribe_targets(_settings(contact_email="x@y.fr")) == [
        "mailto:x@y.fr?subject=D%C3%A9sinscription"
    ]
    both = _settings(contact_email="x@y.fr", unsubscribe_url="https://liste.example.org/d?u=1")
    assert unsubscribe_targets(both) == [
        "https://liste.example.org/d?u=1",
        "mailto:x@y.fr?subject=D%C3%A9sinscription",
    ]


def test_one_click_unsubscribe_header_needs_an_https_address(project: Path) -> None:
    post = next(p for p in load_posts(project / "content") if p.number == 13)
    settings = _settings(
        contact_email="x@y.fr", unsubscribe_url="https://liste.example.org/desinscription"
    )
    edition = build_edition(
        post, settings, files=site_files(project / "site"), now=datetime(2024, 5, 2, tzinfo=UTC)
    )
    message = email.message_from_bytes(edition.eml, policy=policy.default)
    assert message["List-Unsubscribe"] == (
        "<https://liste.example.org/desinscription>, <mailto:x@y.fr?subject=D%C3%A9sinscription>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_unsubscribe_url_in_mkdocs_yml_must_be_https(tmp_path: Path) -> None:
    for value, ok in (
        ("https://l.example.org/d", True),
        ("http://l.example.org/d", False),
        ("mailto:x@y.fr", False),
        ("", True),
    ):
        extra = {"infolettre": {"unsubscribe_url": value}}
        if ok:
            assert publication_settings(extra, tmp_path / "mkdocs.yml").unsubscribe_url == value
        else:
            with pytest.raises(ContentError, match=r"extra\.infolettre\.unsubscribe_url"):
                publication_settings(extra, tmp_path / "mkdocs.yml")


@pytest.mark.parametrize(
    ("css", "ok"),
    [
        ("@media (max-width: 620px) { .a { color: red !important; } }", True),
        ("\n@media print { p { x: y } }\n@media screen { a { b: c } }\n", True),
        ("", True),
        ("p { color: red }", False),
        ("@media (max-width: 620px) { .a { color: red; } } p { color: red }", False),
        ("@media (max-width: 620px) { .a { color: red; }", False),
        ("@import url(x.css);", False),
    ],
)
def test_media_rules_only(css: str, ok: bool) -> None:
    assert media_rules_only(css) is ok


def test_a_style_element_other_than_head_media_rules_is_a_problem() -> None:
    head = "<html><head><style>@media (max-width: 1px) { p { a: b } }</style></head>"
    assert mail_problems(head + "<body><p>x</p></body></html>") == []
    assert mail_problems("<html><head><style>p { a: b }</style></head><body></body></html>") == [
        "élément <style> présent (hors règles @media de l'en-tête)"
    ]
    assert mail_problems(
        head + "<body><style>@media print { p { a: b } }</style></body></html>"
    ) == ["élément <style> présent (hors règles @media de l'en-tête)"]


@given(st.text(max_size=80), st.text(max_size=40))
def test_list_unsubscribe_addresses_stay_inside_their_angle_brackets(path: str, local: str) -> None:
    settings = _settings(
        unsubscribe_url="https://liste.example.org/" + path,
        contact_email=f"{local or 'x'}@example.org",
    )
    for way in unsubscribe_targets(settings):
        # Printable ASCII without space, < or >: the header cannot be broken out of.
        assert all(33 <= ord(c) < 127 and c not in "<>" for c in way), way
