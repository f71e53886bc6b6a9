"""A Wowchemy site dropped into ``content/``: sections, events, authors, all read.

The corpus (``tests/fixtures/wowchemy/content/``) is modelled on a Hugo/Wowchemy site:
infolettres as page bundles, single files and a Quarto ``index.qmd``; articles
(``post/``), events (``event/``) and talks (``talk/``); Hugo author profiles; the
front matter as Wowchemy writes it (commented-out keys, ``image: {caption,
focal_point}``, ``projects: []``, ``slides: ""``, ``url_pdf``…). It is built strictly by
MkDocs, with content warnings at INFO level so that the expected ones are checked here.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from generator.content import frontmatter
from generator.content.keys import KEYS, Use

from .sites import FIXTURES, build_logged, copy_corpus_site

CORPUS = FIXTURES / "wowchemy" / "content"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The corpus built strictly, and the warnings about its content (paths relative
    to ``content/``)."""
    project = copy_corpus_site(tmp_path_factory.mktemp("wowchemy") / "project", CORPUS)
    # An author folder without a profile (git keeps no empty folder: made here).
    (project / "content" / "authors" / "carla").mkdir(exist_ok=True)
    site, logs = build_logged(project, strict=True)
    prefix = f"site_plugins: {project / 'content'}/"
    return site, [line.removeprefix(prefix) for line in logs if line.startswith(prefix)]


def _html(site: Path, path: str) -> str:
    """The content of a built page (its ``<article>``)."""
    page = (site / path / "index.html").read_text(encoding="utf-8")
    found = re.search(r"<article\b.*?</article>", page, re.S)
    assert found is not None, path
    return found[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def _byline(html: str) -> str:
    found = re.search(r'<p class="infolettre-authors">(.*?)</p>', html)
    assert found is not None
    return _text(found[1])


def test_every_section_and_form_is_published(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    for page in (
        "infolettre/infolettre_10",  # infolettre/x.md
        "infolettre/infolettre_11",  # bundle
        "infolettre/infolettre_12",  # single file
        "infolettre/infolettre_13",
        "infolettre/infolettre_14",  # Quarto index.qmd
        "billets/premier-billet",  # post/ bundle
        "billets/second-billet",  # post/x.md
        "evenements/seminaire-ia",  # event/ bundle
        "evenements/journee-rencontres",  # event/x.md
        "evenements/a-venir",
        "evenements/intervention-jms",  # talk/
    ):
        assert (site / page / "index.html").is_file(), page
    assert (site / "billets" / "premier-billet" / "featured.png").is_file()
    assert (site / "evenements" / "seminaire-ia" / "featured.png").is_file()


def test_quarto_issue(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    html = _html(site, "infolettre/infolettre_14")
    assert 'src="couverture.png"' in html  # image: as a plain string
    assert (site / "infolettre" / "infolettre_14" / "couverture.png").is_file()
    assert "Un numéro écrit avec Quarto." in html  # description: the summary
    assert re.search(r'<h3 id="les-modeles-de-langue">Les modèles de langue', html)
    # Authors by name: Alice's profile found by her name, Bob's too.
    assert _byline(html) == (
        "Par Alice Martin (Data scientist, Institut de statistique), Bob Durand (Statisticien)"
    )


def test_issue_numbers_and_same_day_issues(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert [item["title"][:14] for item in feed["items"]] == [
        "Infolettre #14",
        "Infolettre d'a",
        "Infolettre N° ",
        "Infolettre n°1",
        "Infolettre num",
    ]
    twelve = _html(site, "infolettre/infolettre_12")
    thirteen = _html(site, "infolettre/infolettre_13")
    assert re.search(r'href="\.\./infolettre_11/"[^>]*>← Infolettre précédente \(#11\)', twelve)
    assert re.search(r'href="\.\./infolettre_13/"[^>]*>Infolettre suivante \(#13\)', twelve)
    assert re.search(r'href="\.\./infolettre_12/"[^>]*>← Infolettre précédente \(#12\)', thirteen)
    ten = _html(site, "infolettre/infolettre_11")
    assert re.search(r"Infolettre précédente \(#10\)", ten)  # "numéro 10" is issue 10


def test_events_are_not_newsletter_issues(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    feed = (site / "feed.json").read_text(encoding="utf-8") + (site / "feed_rss.xml").read_text(
        encoding="utf-8"
    )
    for title in ("Séminaire", "JMS", "Atelier", "billet", "graphiques"):
        assert title not in feed, title
    for slug in ("infolettre_13", "infolettre_14"):
        assert "evenements" not in _html(site, f"infolettre/{slug}").split("infolettre-pager")[-1]


def test_event_page_shows_its_box(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    html = _html(site, "evenements/seminaire-ia")
    box = re.search(r'<div class="admonition info infolettre-event">(.*?)</div>', html, re.S)
    assert box is not None
    text = _text(box[1])
    assert "Date : du 28 au 29 septembre 2023" in text
    assert (
        "Lieu : Centre de conférences — 88 avenue Verdier, 92120 Montrouge, Île-de-France, France"
        in text
    )
    assert (
        '<a href="https://example.org/seminaire">Séminaire du réseau des data scientists</a>'
        in box[1]
    )
    assert "<strong>modèles de langue</strong>" in html  # abstract, Markdown rendered
    assert "Affiche du séminaire" in html  # image.caption
    assert 'href="https://example.org/diapositives-seminaire">Présentation</a>' in html
    talk = _text(_html(site, "evenements/intervention-jms"))
    assert "Date : 29 mars 2022, de 14 h à 15 h 30" in talk  # Paris time
    day = _text(_html(site, "evenements/journee-rencontres"))
    assert "Date : du 4 au 5 décembre 2023" in day
    assert "Lieu : Paris — 1 rue de l'Exemple, 75014 Paris" in day  # address as a line


def test_events_listing(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    text = _text(_html(site, "evenements"))
    coming = text.index("À venir")
    past = text.index("Passés")
    assert coming < text.index("Atelier à venir") < past
    order = [text.index(t) for t in ("Journée des rencontres", "Séminaire sur l", "JMS")]
    assert past < order[0] < order[1] < order[2]
    assert "10 mars 2099, de 15 h à 17 h 30 · En ligne · Atelier du futur" in text
    home = _html(site, "")
    assert 'href="evenements/"' in home and 'href="billets/"' in home


def test_event_feed_entries(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    feed = json.loads((site / "themes" / "events" / "feed.json").read_text(encoding="utf-8"))
    summaries = {item["title"]: item.get("summary", "") for item in feed["items"]}
    events = json.loads((site / "evenements" / "feed.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in events["items"]] == [
        "Atelier à venir",
        "Journée des rencontres",
        "Séminaire sur l'IA générative",
        "Intervention aux JMS",
    ]
    assert events["items"][0]["url"] == "https://ssphub.netlify.app/evenements/a-venir/"
    articles = (site / "billets" / "feed_rss.xml").read_text(encoding="utf-8")
    assert "<title>Un billet en un seul fichier</title>" in articles
    assert 'href="feed_rss.xml"' in _html(site, "evenements")
    assert (
        summaries["Atelier à venir"]
        == "10 mars 2099, de 15 h à 17 h 30 · En ligne · Atelier du futur"
    )


def test_articles_and_their_listing(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    html = _html(site, "billets/premier-billet")
    assert "<em>Un billet du réseau</em>" in html
    assert 'href="/uploads/datavisualisation.pdf">PDF</a>' in html  # url_pdf, from the root
    assert 'href="https://example.org/depot-graphiques">Code</a>' in html
    assert 'href="https://example.org/tutoriel">Tutoriel</a>' in html  # links:
    assert "Graphique refait" in html
    assert _byline(html) == (
        "Par Alice Martin (Data scientist, Institut de statistique), "
        "Bob Durand (Statisticien), Jean Sansfiche"
    )
    listing = _text(_html(site, "billets"))
    assert listing.index("Un billet en un seul fichier") < listing.index(
        "Retour sur la datavisualisation"
    )


def test_coauthors_are_kept(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    html = _html(site, "infolettre/infolettre_13")
    page = (site / "infolettre" / "infolettre_13" / "index.html").read_text(encoding="utf-8")
    assert "La rédaction" in page  # authors.yml: shown by Material's blog, beside the post
    assert (
        _byline(html) == "Avec Alice Martin (Data scientist, Institut de statistique), zoe-inconnue"
    )
    assert 'title="Alice travaille sur la datavisualisation."' in html  # bio


def test_legacy_urls_redirect(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    rules = {
        tuple(line.split()[:2])
        for line in (site / "_redirects").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    for source, target in (
        ("/post/premier-billet/", "/billets/premier-billet/"),
        ("/post/second-billet/", "/billets/second-billet/"),
        ("/event/seminaire-ia/", "/evenements/seminaire-ia/"),
        ("/talk/intervention-jms/", "/evenements/intervention-jms/"),
        ("/post/", "/billets/"),
        ("/event/", "/evenements/"),
        ("/talk/", "/evenements/"),
    ):
        assert (source, target) in rules


EXPECTED_WARNINGS = {
    "home: non lu, le site ne reprend pas cette partie du contenu",
    "infolettre/brouillons: dossier sans index.md ni index.qmd, ignoré",
    "event/_index.md:4: texte de la page de section non repris (liste faite par le site)",
    "event/sans-page: dossier sans index.md ni index.qmd, ignoré",
    "talk/intervention-jms/index.md:14: clé « slug » non reprise : l'adresse vient du dossier ;"
    " aliases garde les anciennes",
    "authors/alice-martin/_index.md:23: clé « interests » non reprise : les pages de profil"
    " Wowchemy ne sont pas reprises",
    "authors/alice-martin/_index.md:27: clé « social » non reprise : les pages de profil"
    " Wowchemy ne sont pas reprises",
    "authors/alice-martin/avatar.png: fichier du profil non repris (seuls nom, rôle et"
    " biographie le sont)",
    "authors/alice-martin/_index.md:40: texte du profil non repris (bio en tient lieu)",
    "authors/carla: ni profil authors/<id>/_index.md, ignoré",
    "infolettre/infolettre_13/index.md:22: auteur « zoe-inconnue » absent de authors.yml et de"
    " authors/zoe-inconnue/_index.md : affiché sous ce nom",
    "post/premier-billet/index.md:32: auteur « Jean Sansfiche » absent de authors.yml et de"
    " authors/Jean Sansfiche/_index.md : affiché sous ce nom",
}


def test_warnings_name_file_and_line(built: tuple[Path, list[str]]) -> None:
    _, warnings = built
    assert set(warnings) == EXPECTED_WARNINGS
    assert len(warnings) == len(EXPECTED_WARNINGS)


def _keys(meta: dict[str, object]) -> list[str]:
    names = []
    for key, value in meta.items():
        names.append(key)
        if isinstance(value, dict) and key in ("image", "address"):
            names += [f"{key}.{sub}" for sub in value]
    return names


def test_nothing_dropped_silently(built: tuple[Path, list[str]]) -> None:
    """Every file of the corpus is published (a page, a file beside it), is read into
    another (a profile, a section page, authors.yml) or is named in a warning; every
    key of every front matter is used, known to have no effect, or named in a warning."""
    site, warnings = built
    published = {
        "infolettre": "infolettre",
        "post": "billets",
        "event": "evenements",
        "talk": "evenements",
    }
    read_into_others = {"authors.yml"}
    counted = 0
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file():
            continue
        counted += 1
        relative = path.relative_to(CORPUS).as_posix()
        parts = relative.split("/")
        in_skipped_folder = any(relative.startswith(w.split(":")[0] + "/") for w in warnings)
        named = in_skipped_folder or any(w.startswith(f"{relative}:") for w in warnings)
        if relative in read_into_others or named:
            pass
        elif parts[0] in published and path.suffix in (".md", ".qmd") and path.name != "_index.md":
            slug = parts[1] if len(parts) > 2 else path.stem
            assert (site / published[parts[0]] / slug / "index.html").is_file(), relative
        elif parts[0] in published and len(parts) > 2:
            assert (site / published[parts[0]] / parts[1] / "/".join(parts[2:])).is_file(), relative
        elif path.name == "_index.md":
            pass  # a section page or an author profile: read (its keys are checked below)
        else:
            pytest.fail(f"{relative}: ni publié, ni lu, ni signalé")
        if path.suffix not in (".md", ".qmd") or in_skipped_folder:
            continue
        front, _, _ = frontmatter.split(path.read_text(encoding="utf-8"), path)
        meta = frontmatter.parse(front or "", path)
        for key in _keys(meta):
            use = KEYS.get(key)
            if use is not None and use[0] is not Use.WARNED:
                continue
            assert any(w.startswith(f"{relative}:") and f"« {key} »" in w for w in warnings) or (
                use is not None and meta.get(key) in (None, "", [], {})
            ), (relative, key)
    assert counted == 25
