"""The front-matter keys of Hugo/Wowchemy and Quarto pages, and what becomes of each.

One table (:data:`KEYS`): every key a page of ``infolettre/``, ``post/``, ``event/`` or
``talk/`` may carry, with what it maps to, or why it has no effect here. A key that is
not in the table, or that is in it as :attr:`Use.WARNED` with a value, gives a warning
naming the file and line (:func:`unused_keys`): nothing an editor wrote is dropped
without a word. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any


class Use(StrEnum):
    """What a front-matter key does."""

    USED = "repris"
    """Mapped onto the page (its text says where)."""
    NO_EFFECT = "sans effet"
    """A presentation setting of Wowchemy or Quarto that the site does its own way:
    nothing of the editor's content is lost (its text says why)."""
    WARNED = "averti"
    """Content this site cannot show: a warning when the key has a value."""


KEYS: Mapping[str, tuple[Use, str]] = {
    # Hugo / Wowchemy, every section
    "title": (Use.USED, "titre de la page"),
    "subtitle": (Use.USED, "sous-titre, sous le titre"),
    "summary": (Use.USED, "extrait des listes, description de la page et des flux"),
    "description": (Use.USED, "extrait quand summary manque (Hugo, Quarto)"),
    "date": (Use.USED, "date de publication ; début d'un événement"),
    "lastmod": (Use.USED, "date de mise à jour"),
    "publishDate": (Use.USED, "la page attend cette date pour paraître (comme Hugo)"),
    "draft": (Use.USED, "jamais publié"),
    "featured": (Use.USED, "« À la une » de l'accueil"),
    "toc": (Use.USED, "table des matières"),
    "authors": (Use.USED, "auteurs (authors.yml, authors/<id>/_index.md, ou leur nom)"),
    "tags": (Use.USED, "thèmes et étiquettes"),
    "categories": (Use.USED, "catégories"),
    "aliases": (Use.USED, "anciennes adresses, redirigées (_redirects)"),
    "issue": (Use.USED, "numéro de l'infolettre"),
    "numero": (Use.USED, "numéro de l'infolettre"),
    "force_tags": (Use.USED, "thèmes imposés"),
    "forbid_tags": (Use.USED, "thèmes interdits"),
    "image": (Use.USED, "image de couverture (bloc Wowchemy ou nom de fichier Quarto)"),
    "image.filename": (Use.USED, "fichier de l'image de couverture"),
    "image.caption": (Use.USED, "légende de la couverture"),
    "image.preview_only": (Use.USED, "couverture dans les listes seulement"),
    "image.alt_text": (Use.USED, "texte de remplacement de la couverture"),
    "image.focal_point": (Use.NO_EFFECT, "recadrage Wowchemy : le site montre l'image entière"),
    "image.placement": (Use.NO_EFFECT, "largeur Wowchemy : le thème règle la mise en page"),
    "links": (Use.USED, "liens sous le titre (name, url)"),
    "url_pdf": (Use.USED, "lien « PDF » sous le titre"),
    "url_slides": (Use.USED, "lien « Présentation » sous le titre"),
    "url_video": (Use.USED, "lien « Vidéo » sous le titre"),
    "url_code": (Use.USED, "lien « Code » sous le titre"),
    "url_dataset": (Use.USED, "lien « Données » sous le titre"),
    "url_poster": (Use.USED, "lien « Poster » sous le titre"),
    "url_project": (Use.USED, "lien « Projet » sous le titre"),
    "url_source": (Use.USED, "lien « Source » sous le titre"),
    # Wowchemy events and talks
    "event": (Use.USED, "nom de l'événement, dans l'encadré"),
    "event_short": (Use.USED, "nom de l'événement quand event manque"),
    "event_url": (Use.USED, "lien vers l'événement, dans l'encadré"),
    "location": (Use.USED, "lieu, dans l'encadré"),
    "address": (Use.USED, "adresse, dans l'encadré"),
    "address.street": (Use.USED, "adresse, dans l'encadré"),
    "address.city": (Use.USED, "adresse, dans l'encadré"),
    "address.region": (Use.USED, "adresse, dans l'encadré"),
    "address.postcode": (Use.USED, "adresse, dans l'encadré"),
    "address.country": (Use.USED, "adresse, dans l'encadré"),
    "abstract": (Use.USED, "résumé de l'événement, en tête de page"),
    "date_end": (Use.USED, "fin de l'événement (dates « du … au … »)"),
    "all_day": (Use.USED, "événement sur la journée : dates sans heure"),
    # Wowchemy presentation settings
    "math": (Use.NO_EFFECT, "réglage d'affichage Wowchemy"),
    "highlight": (Use.NO_EFFECT, "coloration du code : toujours active"),
    "diagram": (Use.NO_EFFECT, "réglage d'affichage Wowchemy"),
    "commentable": (Use.NO_EFFECT, "le site n'a pas de commentaires"),
    "share": (Use.NO_EFFECT, "les aperçus de partage sont toujours écrits"),
    "profile": (Use.NO_EFFECT, "réglage d'affichage Wowchemy (encadré de l'auteur)"),
    "reading_time": (Use.NO_EFFECT, "le temps de lecture est toujours affiché"),
    "show_date": (Use.NO_EFFECT, "la date est toujours affichée"),
    "show_related": (Use.NO_EFFECT, "réglage d'affichage Wowchemy"),
    "weight": (Use.NO_EFFECT, "ordre des menus Hugo : les listes sont par date"),
    "type": (Use.NO_EFFECT, "gabarit Hugo : la section donne le genre de page"),
    "layout": (Use.NO_EFFECT, "gabarit Hugo : la section donne le genre de page"),
    "header": (Use.NO_EFFECT, "bandeau Wowchemy : l'image de couverture en tient lieu"),
    "markup": (Use.NO_EFFECT, "toujours Markdown"),
    "view": (Use.NO_EFFECT, "présentation d'une liste Wowchemy : le site fait ses listes"),
    "cms_exclude": (Use.NO_EFFECT, "réglage de l'éditeur en ligne de Wowchemy"),
    "publication_types": (Use.NO_EFFECT, "type de publication Wowchemy : sans usage ici"),
    # Wowchemy content this site does not have
    "projects": (Use.WARNED, "les pages de projets Wowchemy ne sont pas reprises"),
    "slides": (Use.WARNED, "les diaporamas Wowchemy ne sont pas repris (url_slides l'est)"),
    "slug": (Use.WARNED, "l'adresse vient du dossier ; aliases garde les anciennes"),
    "url": (Use.WARNED, "l'adresse vient du dossier ; aliases garde les anciennes"),
    "expiryDate": (Use.WARNED, "une page n'expire pas ici"),
    "headless": (Use.WARNED, "les pages sans adresse ne sont pas reprises"),
    # Quarto
    "author": (Use.USED, "auteurs (Quarto : un nom, une liste, ou des name:)"),
    "date-modified": (Use.USED, "date de mise à jour (Quarto)"),
    "format": (Use.NO_EFFECT, "sortie Quarto : le site fait la sienne"),
    "execute": (Use.NO_EFFECT, "les cellules Quarto ne sont pas exécutées (voir démonstrations)"),
    "jupyter": (Use.NO_EFFECT, "noyau Quarto : les cellules ne sont pas exécutées"),
    "engine": (Use.NO_EFFECT, "moteur Quarto : les cellules ne sont pas exécutées"),
    "freeze": (Use.NO_EFFECT, "les cellules Quarto ne sont pas exécutées"),
    "lang": (Use.NO_EFFECT, "le site est en français"),
    "editor": (Use.NO_EFFECT, "réglage de l'éditeur RStudio"),
    "number-sections": (Use.NO_EFFECT, "le thème ne numérote pas les titres"),
    "toc-depth": (Use.NO_EFFECT, "le thème règle la table des matières"),
    "toc-title": (Use.NO_EFFECT, "le thème règle la table des matières"),
    "code-fold": (Use.NO_EFFECT, "le code reste affiché"),
    "page-layout": (Use.NO_EFFECT, "le thème règle la mise en page"),
    "title-block-banner": (Use.NO_EFFECT, "le thème règle l'en-tête"),
    "filters": (Use.NO_EFFECT, "filtres Pandoc de Quarto : sans usage ici"),
    "bibliography": (Use.WARNED, "les citations Quarto ne sont pas reprises"),
    # Hugo author profiles (authors/<id>/_index.md)
    "name": (Use.USED, "nom de l'auteur (sinon title)"),
    "role": (Use.USED, "rôle, après le nom de l'auteur"),
    "bio": (Use.USED, "biographie, dans l'infobulle du nom"),
    "first_name": (Use.USED, "nom de l'auteur quand title et name manquent"),
    "last_name": (Use.USED, "nom de l'auteur quand title et name manquent"),
    "organizations": (Use.USED, "organisation, après le rôle de l'auteur"),
    "superuser": (Use.NO_EFFECT, "réglage de Wowchemy (auteur principal du site)"),
    "highlight_name": (Use.NO_EFFECT, "réglage d'affichage Wowchemy"),
    "user_groups": (Use.NO_EFFECT, "groupes de la page « équipe » Wowchemy, absente ici"),
    "avatar": (Use.NO_EFFECT, "l'avatar n'est pas affiché"),
    "interests": (Use.WARNED, "les pages de profil Wowchemy ne sont pas reprises"),
    "education": (Use.WARNED, "les pages de profil Wowchemy ne sont pas reprises"),
    "social": (Use.WARNED, "les pages de profil Wowchemy ne sont pas reprises"),
    "email": (Use.WARNED, "les adresses des auteurs ne sont pas publiées"),
}
"""Every known key (dotted for the keys of ``image`` and ``address``): its use, and what
it maps to or why it has no effect."""

_KEY = re.compile(r"^(?P<indent>[ ]*)(?:- +)?(?P<key>[A-Za-z_][\w.-]*)\s*:(?:\s|$)")


def key_lines(front: str) -> dict[str, int]:
    """The line of each key of a front matter (the file's first ``---`` is line 1):
    top-level keys by name, those of a mapping below them as ``parent.key``."""
    found: dict[str, int] = {}
    parent = ""
    for number, line in enumerate(front.split("\n"), start=2):
        match = _KEY.match(line)
        if match is None:
            continue
        if not match["indent"]:
            parent = match["key"]
            found.setdefault(parent, number)
        elif parent and len(match["indent"]) <= 4:
            found.setdefault(f"{parent}.{match['key']}", number)
    return found


def _has_value(value: Any) -> bool:
    return value not in (None, "", [], {}, False)


def unused_keys(meta: Mapping[str, Any], front: str, path: Path) -> list[str]:
    """Warnings for the keys of ``meta`` that are unknown, or known as content this site
    cannot show (:attr:`Use.WARNED`) and given a value; each names the file and line."""
    lines = key_lines(front)
    warnings = []
    for key, value in meta.items():
        names = [key]
        if isinstance(value, dict) and key in ("image", "address"):
            names += [f"{key}.{sub}" for sub in value]
        for name in names:
            known = KEYS.get(name)
            at = f"{path}:{lines.get(name, lines.get(key, 1))}"
            if known is None:
                warnings.append(f"{at}: clé « {name} » inconnue, ignorée")
            elif known[0] is Use.WARNED and _has_value(value):
                warnings.append(f"{at}: clé « {name} » non reprise : {known[1]}")
    return warnings
