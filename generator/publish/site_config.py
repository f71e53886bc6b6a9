"""What the publishing tools need from ``mkdocs.yml``, read without MkDocs.

The email edition (``python -m generator email``) runs outside MkDocs but needs the
site's address, name and output folder, and the ``extra.infolettre`` settings that the
MkDocs plugins read from the same file. :func:`parse_site_config` reads them (pure);
:func:`publication_settings` checks the ``extra.infolettre`` block for both.

``mkdocs.yml`` holds ``!!python/name:`` and ``!!python/object/apply:`` tags (Markdown
extension options) that a safe loader refuses: they are read as plain values here, never
executed, since none of them matters to publishing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator.content.loader import read_text
from generator.errors import ContentError

SETTINGS_KEY = "infolettre"
"""Key of the project's block under ``extra`` in ``mkdocs.yml``."""

DEFAULT_SENDER = "Réseau des data scientists <expediteur@example.invalid>"
DEFAULT_RECIPIENT = "Liste de diffusion <destinataires@example.invalid>"
DEFAULT_SHARE_IMAGE = "assets/partage.png"


class _TolerantLoader(yaml.SafeLoader):
    """Safe loader that reads Python tags as inert values instead of failing."""


def _inert(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return None  # pragma: no cover - PyYAML has no other node kinds


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _inert)
_TolerantLoader.add_multi_constructor("!", _inert)


@dataclass(frozen=True, kw_only=True)
class PublicationSettings:
    """The ``extra.infolettre`` block of ``mkdocs.yml``, checked."""

    contact_email: str = ""
    """Where readers write to receive the email edition or stop it; empty when the
    network has not chosen one yet (the subscription page then says so)."""
    subscribe_url: str = ""
    """A sign-up form for the mailing list, if there is one (http or https)."""
    unsubscribe_url: str = ""
    """An https address that unsubscribes in one click (RFC 8058: it takes a ``POST``),
    if the mailing list has one; the email edition then offers it to mail clients."""
    email_from: str = DEFAULT_SENDER
    """``From`` of the email edition."""
    email_to: str = DEFAULT_RECIPIENT
    """``To`` of the email edition."""
    share_image: str = DEFAULT_SHARE_IMAGE
    """Image shown by link previews of pages without a cover, relative to the site root."""


@dataclass(frozen=True, kw_only=True)
class SiteConfig:
    """The parts of ``mkdocs.yml`` the publishing tools use."""

    path: Path
    site_url: str
    site_name: str
    site_description: str
    site_dir: Path
    """Absolute: ``site_dir`` resolved against the folder of ``mkdocs.yml``."""
    settings: PublicationSettings


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_address(text: str) -> bool:
    """Whether ``text`` is an email address, bare or with a name (``Nom <a@b.fr>``)."""
    _, address = parseaddr(text)
    local, at, domain = address.partition("@")
    return bool(local and at and "." in domain) and not any(c.isspace() for c in address)


def _address(value: Any, path: Path, key: str) -> str:
    if not isinstance(value, str):
        raise ContentError(path, "une adresse électronique est attendue (texte)", key=key)
    text = value.strip()
    if text and not is_address(text):
        raise ContentError(path, f"« {text} » n'est pas une adresse électronique", key=key)
    return text


def publication_settings(extra: Mapping[str, Any], path: Path | str) -> PublicationSettings:
    """Check the ``extra.infolettre`` block of ``mkdocs.yml``.

    Args:
        extra: The ``extra`` mapping of ``mkdocs.yml``.
        path: ``mkdocs.yml``, named in errors.

    Returns:
        The settings; absent keys keep their defaults.

    Raises:
        ContentError: A value of the wrong type, an invalid address or URL.
    """
    path = Path(path)
    block = extra.get(SETTINGS_KEY) or {}
    prefix = f"extra.{SETTINGS_KEY}"
    if not isinstance(block, Mapping):
        raise ContentError(path, "un dictionnaire est attendu", key=prefix)
    known = {
        "contact_email",
        "subscribe_url",
        "unsubscribe_url",
        "email_from",
        "email_to",
        "share_image",
    }
    unknown = sorted(str(k) for k in block if k not in known)
    if unknown:
        raise ContentError(
            path,
            f"clé inconnue « {unknown[0]} » (clés possibles : {', '.join(sorted(known))})",
            key=prefix,
        )
    contact = _address(block.get("contact_email", ""), path, f"{prefix}.contact_email")
    sender = _address(block.get("email_from") or DEFAULT_SENDER, path, f"{prefix}.email_from")
    recipient = _address(block.get("email_to") or DEFAULT_RECIPIENT, path, f"{prefix}.email_to")
    subscribe = block.get("subscribe_url") or ""
    if not isinstance(subscribe, str) or (subscribe.strip() and not _is_web_url(subscribe)):
        raise ContentError(
            path,
            f"une adresse http(s) est attendue, pas « {subscribe} »",
            key=f"{prefix}.subscribe_url",
        )
    unsubscribe = block.get("unsubscribe_url") or ""
    if not isinstance(unsubscribe, str) or (
        unsubscribe.strip() and not (_is_web_url(unsubscribe) and unsubscribe.startswith("https:"))
    ):
        raise ContentError(
            path,
            f"une adresse https est attendue (désinscription en un clic), pas « {unsubscribe} »",
            key=f"{prefix}.unsubscribe_url",
        )
    image = block.get("share_image") or DEFAULT_SHARE_IMAGE
    if not isinstance(image, str) or "://" in image or image.startswith("/"):
        raise ContentError(
            path,
            f"un chemin relatif à la racine du site est attendu, pas « {image} »",
            key=f"{prefix}.share_image",
        )
    return PublicationSettings(
        contact_email=contact,
        subscribe_url=subscribe.strip(),
        unsubscribe_url=unsubscribe.strip(),
        email_from=sender,
        email_to=recipient,
        share_image=image.strip(),
    )


def parse_site_config(text: str, path: Path) -> SiteConfig:
    """Read the publishing settings from the text of ``mkdocs.yml``.

    Raises:
        ContentError: Invalid YAML, no ``site_url``, or a bad ``extra.infolettre`` value.
    """
    try:
        data = yaml.load(text, Loader=_TolerantLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ContentError(path, f"YAML invalide : {err}", line=line) from err
    if not isinstance(data, dict):
        raise ContentError(path, "un dictionnaire de réglages est attendu")
    site_url = str(data.get("site_url") or "").strip()
    if not _is_web_url(site_url):
        raise ContentError(
            path,
            "adresse du site absente ou invalide : les liens absolus en dépendent",
            key="site_url",
        )
    if not site_url.endswith("/"):
        site_url += "/"
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        raise ContentError(path, "un dictionnaire est attendu", key="extra")
    site_dir = Path(str(data.get("site_dir") or "site"))
    return SiteConfig(
        path=path,
        site_url=site_url,
        site_name=str(data.get("site_name") or "").strip(),
        site_description=str(data.get("site_description") or "").strip(),
        site_dir=site_dir if site_dir.is_absolute() else (path.parent / site_dir).resolve(),
        settings=publication_settings(extra, path),
    )


def read_site_config(path: Path) -> SiteConfig:
    """Read ``mkdocs.yml`` (see :func:`parse_site_config`)."""
    path = path.resolve()
    return parse_site_config(read_text(path), path)
