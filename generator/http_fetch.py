"""Fetch a feed over HTTP(S) with the standard library, defensively.

Only ``http`` and ``https`` are ever opened, redirects included (at most
:data:`MAX_REDIRECTS`, followed here, not by urllib, so that each hop is checked). The
body is read in chunks and the download stops past :data:`MAX_BYTES`. A conditional GET
(``If-None-Match`` / ``If-Modified-Since``) answered ``304`` gives a body of ``None``.
Every failure is a :class:`FetchError`, a :class:`~generator.errors.FeedError` that also
carries the HTTP status when there was one.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from . import __version__
from .errors import FeedError

SITE_URL = "https://ssphub.netlify.app/"
USER_AGENT = f"infolettre-generator/{__version__} (+{SITE_URL})"
TIMEOUT = 20.0
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_SCHEMES = ("http", "https")


class FetchError(FeedError):
    """A feed could not be fetched.

    Args:
        feed_id: The feed's id.
        message: What went wrong, in French.
        status: The HTTP status of the last response, if one came.
    """

    def __init__(self, feed_id: str, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(feed_id, message)


@dataclass(frozen=True, kw_only=True)
class FetchResult:
    """The answer to a successful fetch."""

    status: int
    body: bytes | None  # None for 304 Not Modified
    etag: str = ""
    last_modified: str = ""
    final_url: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back to :func:`fetch_url`, which checks and counts it."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _NoRedirect(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _check_scheme(url: str, feed_id: str, *, status: int | None = None) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        raise FetchError(
            feed_id,
            f"adresse refusée (schéma « {scheme or '?'} », seuls http et https sont permis) : "
            f"{url}",
            status=status,
        )


def _read_capped(
    response: http.client.HTTPResponse, feed_id: str, url: str, max_bytes: int, deadline: float
) -> bytes:
    length = response.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise FetchError(
            feed_id,
            f"document trop volumineux ({int(length)} octets annoncés, limite {max_bytes}) : {url}",
            status=response.status,
        )
    chunks: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(
                feed_id,
                f"document trop volumineux (plus de {max_bytes} octets) : {url}",
                status=response.status,
            )
        chunks.append(chunk)


def fetch_url(
    url: str,
    *,
    feed_id: str,
    etag: str = "",
    last_modified: str = "",
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    user_agent: str = USER_AGENT,
) -> FetchResult:
    """GET ``url``, conditionally when ``etag`` or ``last_modified`` is given.

    Args:
        url: An ``http`` or ``https`` address.
        feed_id: The feed's id, for the error messages.
        etag: The ``ETag`` of the last download, sent as ``If-None-Match``.
        last_modified: Its ``Last-Modified``, sent as ``If-Modified-Since``.
        timeout: Seconds allowed for each network operation and for the whole download.
        max_bytes: Largest body accepted.
        max_redirects: Most redirects followed.
        user_agent: The ``User-Agent`` header.

    Returns:
        The status, body (``None`` for ``304``), validators and final address.

    Raises:
        FetchError: Refused scheme, too many redirects, HTTP error status, timeout,
            network error or body too large.
    """
    opener = _opener()
    deadline = time.monotonic() + timeout
    current = url
    status: int | None = None
    for _hop in range(max_redirects + 1):
        _check_scheme(current, feed_id, status=status)
        request = urllib.request.Request(current, headers={"User-Agent": user_agent})
        if etag:
            request.add_header("If-None-Match", etag)
        if last_modified:
            request.add_header("If-Modified-Since", last_modified)
        remaining = max(deadline - time.monotonic(), 0.001)
        try:
            with opener.open(request, timeout=min(timeout, remaining)) as response:
                body = _read_capped(response, feed_id, current, max_bytes, deadline)
                return FetchResult(
                    status=response.status,
                    body=body,
                    etag=response.headers.get("ETag", "") or "",
                    last_modified=response.headers.get("Last-Modified", "") or "",
                    final_url=current,
                )
        except urllib.error.HTTPError as err:
            with err:
                status = err.code
                headers = err.headers
                if err.code == 304:
                    return FetchResult(
                        status=304,
                        body=None,
                        etag=headers.get("ETag", "") or etag,
                        last_modified=headers.get("Last-Modified", "") or last_modified,
                        final_url=current,
                    )
                location = headers.get("Location", "") if err.code in _REDIRECTS else ""
                if not location:
                    raise FetchError(
                        feed_id, f"erreur HTTP {err.code} ({err.reason}) : {current}", status=status
                    ) from None
            current = urljoin(current, location.strip())
        except TimeoutError:
            raise FetchError(
                feed_id, f"délai dépassé ({timeout:g} s) : {current}", status=status
            ) from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise FetchError(
                    feed_id, f"délai dépassé ({timeout:g} s) : {current}", status=status
                ) from None
            raise FetchError(
                feed_id, f"connexion impossible ({err.reason}) : {current}", status=status
            ) from None
        except (OSError, http.client.HTTPException) as err:
            raise FetchError(
                feed_id,
                f"erreur réseau ({err.__class__.__name__}: {err}) : {current}",
                status=status,
            ) from None
    raise FetchError(
        feed_id, f"trop de redirections (plus de {max_redirects}) depuis {url}", status=status
    )
