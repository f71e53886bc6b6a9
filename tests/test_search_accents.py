"""Accent-free words added to Material's search index (the browser side: test_browser.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import PluginCollection

from generator.pages.search_accents import (
    FIELD,
    accent_free_words,
    add_accent_free_field,
    fold_word,
    merge_rebuilt,
)
from site_plugins.search_accents_plugin import SearchAccentsPlugin

from .conftest import build_site


@pytest.mark.parametrize(
    ("word", "folded"),
    [("modèles", "modeles"), ("Œuvrés", "oeuvres"), ("Ça", "ca"), ("naïf", "naif"), ("IA", "ia")],
)
def test_fold_word(word: str, folded: str) -> None:
    assert fold_word(word) == folded


def test_only_accented_words_once_each_in_order_and_elisions_split() -> None:
    words = accent_free_words(
        "Les <em>modèles</em> et l’évaluation", "des modèles, d'évaluation &amp; réseaux"
    )
    assert words == "modeles evaluation reseaux"


def test_no_accent_no_words() -> None:
    assert accent_free_words("plain English text", "<p>code</p>") == ""


def _index() -> dict[str, object]:
    return {
        "config": {
            "lang": ["fr"],
            "separator": "[\\s\\-'’]+",
            "pipeline": ["stopWordFilter"],
            "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}},
        },
        "docs": [
            {"location": "a/", "title": "Réseaux", "text": "<p>Des modèles</p>"},
            {"location": "b/", "title": "Plain", "text": "<p>nothing</p>"},
        ],
    }


def test_the_field_is_added_and_declared_without_touching_the_input() -> None:
    index = _index()
    before = json.dumps(index)
    folded = add_accent_free_field(index)
    assert json.dumps(index) == before
    assert folded["config"]["fields"][FIELD] == {"boost": 1.0}
    assert folded["config"]["separator"] == "[\\s\\-'’]+"
    first, second = folded["docs"]
    assert first[FIELD] == "reseaux modeles"
    assert first["text"] == "<p>Des modèles</p>"  # what the reader sees is unchanged
    assert FIELD not in second


@pytest.mark.parametrize(
    "broken",
    [[], {"docs": []}, {"config": {}, "docs": []}, {"config": {"fields": {}}, "docs": [1]}],
)
def test_a_malformed_index_is_refused(broken: object) -> None:
    with pytest.raises(ValueError):
        add_accent_free_field(broken)


def _plugin_and_config(site: Path) -> tuple[SearchAccentsPlugin, MkDocsConfig]:
    plugin = SearchAccentsPlugin()
    errors, warnings = plugin.load_config({})
    assert errors == [] and warnings == []
    config = MkDocsConfig()
    config.load_dict({"site_name": "Test", "site_dir": str(site)})
    return plugin, config


def _post_build(plugin: SearchAccentsPlugin, config: MkDocsConfig) -> None:
    """The plugin's post-build hooks, run the way MkDocs runs them (by priority)."""
    plugins = PluginCollection()
    plugins["search_accents"] = plugin
    plugins.on_post_build(config=config)


def test_the_plugin_rewrites_the_index_material_wrote(tmp_path: Path) -> None:
    path = tmp_path / "search" / "search_index.json"
    path.parent.mkdir()
    path.write_text(json.dumps(_index()), encoding="utf-8")
    plugin, config = _plugin_and_config(tmp_path)
    _post_build(plugin, config)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["docs"][0][FIELD] == "reseaux modeles"


def test_the_plugin_names_an_unreadable_index(tmp_path: Path) -> None:
    path = tmp_path / "search" / "search_index.json"
    path.parent.mkdir()
    path.write_text("{pas du JSON", encoding="utf-8")
    plugin, config = _plugin_and_config(tmp_path)
    with pytest.raises(PluginError, match=r"search_index\.json"):
        _post_build(plugin, config)


def test_without_an_index_the_plugin_does_nothing(tmp_path: Path) -> None:
    plugin, config = _plugin_and_config(tmp_path)
    _post_build(plugin, config)
    assert not (tmp_path / "search").exists()


def _material_site(root: Path, rest: str) -> None:
    """A test site's ``mkdocs.yml``: Material in French, then ``rest``."""
    (root / "mkdocs.yml").write_text(
        "site_name: Test\ntheme:\n  name: material\n  language: fr\n" + rest, encoding="utf-8"
    )


def _doc(location: str, text: str) -> dict[str, str]:
    return {"location": location, "title": location, "text": text}


def test_a_partial_index_replaces_only_the_pages_it_rebuilt() -> None:
    previous = {
        "config": {"old": True},
        "docs": [_doc("a/", "A"), _doc("a/#x", "A x"), _doc("b/", "B"), _doc("c/", "C")],
    }
    fresh = {
        "config": {"new": True},
        "docs": [_doc("b/", "B2"), _doc("b/#y", "B2 y"), _doc("d/", "D")],
    }
    merged = merge_rebuilt(previous, fresh)
    assert merged["config"] == {"new": True}
    assert [(d["location"], d["text"]) for d in merged["docs"]] == [
        ("a/", "A"),
        ("a/#x", "A x"),
        ("b/", "B2"),
        ("b/#y", "B2 y"),
        ("c/", "C"),
        ("d/", "D"),
    ]
    assert previous["docs"][2]["text"] == "B"  # inputs untouched


def test_a_dirty_build_keeps_every_page_in_the_search_index(tmp_path: Path) -> None:
    """MkDocs' --dirty build indexes only the pages it renders again; the others stay."""
    import os
    import time

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("index", "modèles", "réseaux"):
        (docs / f"{name}.md").write_text(f"# {name}\n\nÀ propos de {name}.\n", encoding="utf-8")
    _material_site(tmp_path, "plugins:\n  - search\n  - search_accents\n")

    configs = []

    def run(*, dirty: bool) -> list[dict[str, str]]:
        site = build_site(tmp_path, dirty=dirty, strict=False)
        index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
        configs.append(index["config"])
        docs_: list[dict[str, str]] = index["docs"]
        return docs_

    full = run(dirty=False)
    edited = docs / "réseaux.md"
    edited.write_text("# réseaux\n\nÉdition nouvelle.\n", encoding="utf-8")
    later = time.time() + 5  # newer than the built page, whatever the clock's grain
    os.utime(edited, (later, later))
    partial = run(dirty=True)
    assert {d["location"] for d in partial} == {d["location"] for d in full}
    texts = " ".join(d["text"] for d in partial)
    assert "Édition nouvelle" in texts and "À propos de modèles" in texts
    assert "À propos de réseaux" not in texts
    assert all(FIELD in d for d in partial if "propos" in d["text"] or "Édition" in d["text"])
    # The settings as Material writes them, the accent-free field declared.
    assert configs[0] == configs[1] and FIELD in configs[1]["fields"]
    assert set(configs[1]) == {"lang", "separator", "pipeline", "fields"}


def test_the_plugin_leaves_out_excluded_pages_and_cuts_long_ones(tmp_path: Path) -> None:
    """``exclude`` and ``max_entry_chars`` of mkdocs.yml reach the index a build writes."""
    docs = tmp_path / "docs"
    (docs / "reference").mkdir(parents=True)
    (docs / "index.md").write_text("# Accueil\n\nBienvenue.\n", encoding="utf-8")
    (docs / "reference" / "index.md").write_text("# API\n\nfonction.\n", encoding="utf-8")
    long_text = "\n\n".join(f"Paragraphe numéro {n} " + "mot " * 40 for n in range(20))
    (docs / "article.md").write_text(f"# Article\n\n{long_text}\n", encoding="utf-8")
    _material_site(
        tmp_path,
        "plugins:\n  - search\n  - search_accents:\n      exclude: [reference/]\n"
        "      max_entry_chars: 600\n",
    )
    site = build_site(tmp_path, strict=False)
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert (site / "reference" / "index.html").is_file()
    assert not [loc for loc in locations if loc.startswith("reference/")]
    pieces = [doc for doc in index["docs"] if doc["location"].startswith("article/")]
    assert len(pieces) > 5 and all(len(doc["text"]) <= 600 for doc in pieces)
    assert pieces[1]["location"].startswith("article/#:~:text=Paragraphe%20num%C3%A9ro%20")
    assert any(FIELD in doc for doc in pieces)  # accents still folded in the pieces


_PAGES = {
    "index.md": "# Accueil\n\nBienvenue sur le réseau.\n",
    "sans-titre.md": "Un texte sans titre, puis une section.\n\n## Partie\n\nSuite.\n",
    "avec-meta.md": (
        "---\ntitle: 'Modèles <b>ouverts</b> & « LLM »'\ntags: [IA, événements, 3]\n"
        "search:\n  boost: 2\n---\n\n# Titre\n\nIntro.\n\n## Une section\n\nTexte.\n\n"
        "### Plus bas\n\nEncore.\n"
    ),
    "exclue.md": "---\nsearch:\n  exclude: true\n---\n\n# Exclue\n\nRien.\n",
    "section-exclue.md": "# Page\n\nGardé.\n\n## Cachée { data-search-exclude }\n\nNon.\n",
    "dossier/profond.md": "# Profond\n\nÀ propos de réseaux.\n",
}


def test_pages_indexed_by_a_child_give_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ``index`` piece: Material's index is the same, byte for byte, whether each page
    is indexed here or handed to a child process, and the pages' own options stay."""
    from generator import parallel
    from site_plugins import search_accents_plugin

    handed: list[tuple[int, bool]] = []
    finish = search_accents_plugin._HandedIndex.finish

    def counting(self: search_accents_plugin._HandedIndex) -> None:
        handed.append((self.handed, self.worker.forked))
        finish(self)

    monkeypatch.setattr(search_accents_plugin._HandedIndex, "finish", counting)
    written = {}
    for off in ("", "index", "read back"):
        if off == "read back":
            # No page handed over: the index Material writes is read back and completed,
            # as a --dirty build's is.
            monkeypatch.setattr(search_accents_plugin.SearchAccentsPlugin, "on_env", None)
        else:
            monkeypatch.setenv(parallel.OFF_VARIABLE, off)
        root = tmp_path / (off or "on").replace(" ", "-")
        for name, text in _PAGES.items():
            (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "docs" / name).write_text(text, encoding="utf-8")
        _material_site(
            root, "markdown_extensions: [attr_list]\nplugins:\n  - search\n  - search_accents\n"
        )
        site = build_site(root, strict=False)
        written[off] = (site / "search" / "search_index.json").read_bytes()
        html = (site / "exclue" / "index.html").read_text(encoding="utf-8")
        assert "Exclue" in html
    # Every page but the excluded one went to the child when the piece was on; off, they
    # are indexed here, by the same code.
    assert handed == [(len(_PAGES) - 1, True), (len(_PAGES) - 1, False)]
    assert written[""] == written["index"] == written["read back"]
    docs = json.loads(written[""])["docs"]
    assert [d["location"] for d in docs if d["location"].startswith("avec-meta/")] == [
        "avec-meta/",
        "avec-meta/#une-section",
        "avec-meta/#plus-bas",
    ]
    assert all(d.get("boost") == 2 for d in docs if d["location"].startswith("avec-meta/"))
    assert not [d for d in docs if d["location"].startswith("exclue/")]
