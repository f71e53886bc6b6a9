"""Link previews: what a page's front matter gives, decided outside the MkDocs plugin."""

from __future__ import annotations

from datetime import UTC, datetime

from generator.publish.share_meta import page_share_info, share_tags, with_share_tags

SITE = {
    "site_url": "https://site.example/",
    "site_name": "Infolettre",
    "site_description": "Le site",
    "default_image": "assets/partage.png",
}


def test_a_post_is_an_article_with_its_cover_and_date() -> None:
    meta = {
        "title": "Numéro 3",
        "description": "Résumé",
        "image": "couverture.png",
        "date": {"created": datetime(2024, 1, 5, 9, tzinfo=UTC)},
    }
    info = page_share_info(
        meta,
        src_uri="infolettre/posts/numero-3/index.md",
        page_title="ignoré",
        is_homepage=False,
        url="https://site.example/infolettre/numero-3/",
        **SITE,
    )
    assert info.article and info.title == "Numéro 3" and info.description == "Résumé"
    assert info.image == "https://site.example/infolettre/numero-3/couverture.png"
    assert info.published == "2024-01-05T09:00:00+00:00"


def test_other_pages_show_the_site_image_and_the_home_page_the_site_name() -> None:
    page = page_share_info(
        {"image": "ailleurs.png"},
        src_uri="veille/flux/article.md",
        page_title="Titre lu dans la page",
        is_homepage=False,
        url="https://site.example/veille/flux/article/",
        **SITE,
    )
    assert not page.article and page.title == "Titre lu dans la page"
    assert page.description == "Le site"
    assert page.image == "https://site.example/assets/partage.png"
    home = page_share_info(
        {"title": "Accueil"},
        src_uri="index.md",
        page_title="Accueil",
        is_homepage=True,
        url="https://site.example/",
        **SITE,
    )
    assert home.title == "Infolettre"


def test_the_tags_go_at_the_end_of_the_head_only() -> None:
    info = page_share_info(
        {}, src_uri="a.md", page_title="A", is_homepage=False, url="https://site.example/a/",
        **SITE,
    )  # fmt: skip
    html = "<html><head><title>A</title></head><body></head></body></html>"
    shared = with_share_tags(html, info)
    assert shared.count(share_tags(info)) == 1
    assert shared.index(share_tags(info)) < shared.index("<body>")
    assert with_share_tags("<p>sans en-tête</p>", info) == "<p>sans en-tête</p>"
