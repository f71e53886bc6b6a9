"""Fetch a feed over HTTP(S) with the standard library, defensively.

Only ``http`` and ``https`` are ever opened, redirects included (at most
:data:`MAX_REDIRECTS`, followed here, each hop checked). Every hop's host is resolved,
and its addresses must all be public (:mod:`generator.veille.net_guard`) unless the feed allows
private ones; the connection then goes to an address that was checked, never to a
second resolution of the name (DNS rebinding). One deadline covers the whole fetch:
resolution, connections, TLS, headers and body, every hop; each read of the socket waits
at most the time left, so a server that drips a byte at a time cannot hold it longer.
The body is read in chunks, the download stops past :data:`MAX_BYTES`, and a body
shorter than its ``Content-Length`` (connection cut) is an error, never a short
document. A conditional GET (``If-None-Match`` / ``If-Modified-Since``) answered
``304`` gives a body of ``None``. No proxy is used. Every failure is a
:class:`FetchError`, a :class:`~generator.errors.FeedError` that also carries the HTTP
status when there was one.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv6Address, ip_address
from typing import Any
from urllib.parse import urljoin, urlsplit

from generator import __version__
from generator.errors import FeedError
from generator.veille.net_guard import OPT_IN, public_address, resolve

SITE_URL = "https://ssphub.netlify.app/"
USER_AGENT = f"infolettre-generator/{__version__} (+{SITE_URL})"
TIMEOUT = 20.0
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_SCHEMES = ("http", "https")

Resolver = Callable[[str, int], Sequence[str]]
"""Host and port → IP addresses (:func:`generator.veille.net_guard.resolve`; tests pass others)."""


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


class _Deadline(Exception):
    """The fetch's deadline passed (turned into a :class:`FetchError`)."""


def _time_left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Deadline
    return left


class _Socket(socket.socket):
    """A socket whose every read and write waits at most until the fetch's deadline."""

    deadline = float("inf")

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self.settimeout(_time_left(self.deadline))
        return super().recv_into(buffer, nbytes, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        self.settimeout(_time_left(self.deadline))
        return super().recv(bufsize, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self.settimeout(_time_left(self.deadline))
        super().sendall(data, flags)


class _TLSSocket(ssl.SSLSocket):
    """The same, over TLS (``SSLContext.sslsocket_class``)."""

    deadline = float("inf")

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        self.settimeout(_time_left(self.deadline))
        return super().recv_into(buffer, nbytes, flags)

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        self.settimeout(_time_left(self.deadline))
        return super().recv(buflen, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self.settimeout(_time_left(self.deadline))
        super().sendall(data, flags)


def _connect(addresses: Sequence[str], port: int, deadline: float) -> _Socket:
    """A TCP connection to the first of ``addresses`` that answers."""
    error: OSError = ConnectionError("aucune adresse")
    for text in addresses:
        address = ip_address(text.split("%", 1)[0])
        family = socket.AF_INET6 if isinstance(address, IPv6Address) else socket.AF_INET
        sock = _Socket(family, socket.SOCK_STREAM)
        sock.deadline = deadline
        try:
            sock.settimeout(_time_left(deadline))
            sock.connect((text, port))
        except OSError as err:
            sock.close()
            error = err
            continue
        except BaseException:
            sock.close()
            raise
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise error


class _Connection(http.client.HTTPConnection):
    """HTTP to addresses already resolved and checked, within a deadline."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], deadline: float) -> None:
        super().__init__(host, port)
        self.addresses = addresses
        self.deadline = deadline

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.deadline)


class _TLSConnection(http.client.HTTPSConnection):
    """HTTPS to addresses already resolved and checked; the certificate must name ``host``."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], deadline: float) -> None:
        super().__init__(host, port)
        self.addresses = addresses
        self.deadline = deadline

    def connect(self) -> None:
        raw = _connect(self.addresses, self.port, self.deadline)
        context = ssl.create_default_context()
        context.sslsocket_class = _TLSSocket
        try:
            raw.settimeout(_time_left(self.deadline))  # the handshake, at most that long
            sock = context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise
        assert isinstance(sock, _TLSSocket)
        sock.deadline = self.deadline
        self.sock = sock


def _check_scheme(url: str, feed_id: str, *, status: int | None = None) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        raise FetchError(
            feed_id,
            f"adresse refusée (schéma « {scheme or '?'} », seuls http et https sont permis) : "
            f"{url}",
            status=status,
        )


def _resolve(host: str, port: int, resolver: Resolver, deadline: float) -> list[str]:
    """``resolver(host, port)``, given at most the time left (the system's resolver has
    no timeout of its own: it runs in a thread that is abandoned past the deadline)."""
    answer: list[Sequence[str] | BaseException] = []

    def work() -> None:
        try:
            answer.append(resolver(host, port))
        except BaseException as err:  # handed to the caller's thread
            answer.append(err)

    worker = threading.Thread(target=work, name=f"dns {host}", daemon=True)
    worker.start()
    worker.join(_time_left(deadline))
    if not answer:
        raise _Deadline
    result = answer[0]
    if isinstance(result, BaseException):
        raise result
    return list(result)


def _checked_addresses(
    url: str, feed_id: str, *, allow_private: bool, resolver: Resolver, deadline: float
) -> tuple[str, int, list[str]]:
    """Host, port and checked addresses of ``url``'s server."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    if not host:
        raise FetchError(feed_id, f"adresse sans nom d'hôte : {url}")
    try:
        addresses = _resolve(host, port, resolver, deadline)
    except socket.gaierror as err:
        raise FetchError(feed_id, f"nom d'hôte introuvable ({err.strerror}) : {url}") from None
    if not addresses:
        raise FetchError(feed_id, f"nom d'hôte introuvable : {url}")
    if not allow_private:
        for text in addresses:
            if not public_address(ip_address(text.split("%", 1)[0])):
                raise FetchError(
                    feed_id,
                    f"adresse non publique refusée ({host} → {text}) : {url} ; "
                    f"pour un flux interne, ajouter « {OPT_IN} » à ce flux dans feeds.yml",
                )
    return host, port, addresses


def _read_body(
    response: http.client.HTTPResponse, feed_id: str, url: str, max_bytes: int, deadline: float
) -> bytes:
    """The whole body, or a :class:`FetchError`: too large, or shorter than announced."""
    announced = response.length  # Content-Length, None when chunked or unannounced
    if announced is not None and announced > max_bytes:
        raise FetchError(
            feed_id,
            f"document trop volumineux ({announced} octets annoncés, limite {max_bytes}) : {url}",
            status=response.status,
        )
    chunks: list[bytes] = []
    total = 0
    while True:
        _time_left(deadline)
        # read1: what one read of the socket gives, so the deadline is checked often.
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(
                feed_id,
                f"document trop volumineux (plus de {max_bytes} octets) : {url}",
                status=response.status,
            )
        chunks.append(chunk)
    if announced is not None and total < announced:
        raise FetchError(
            feed_id,
            f"téléchargement interrompu ({total} octets reçus sur {announced} annoncés) : {url}",
            status=response.status,
        )
    return b"".join(chunks)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


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
    allow_private: bool = False,
    resolver: Resolver = resolve,
) -> FetchResult:
    """GET ``url``, conditionally when ``etag`` or ``last_modified`` is given.

    Args:
        url: An ``http`` or ``https`` address.
        feed_id: The feed's id, for the error messages.
        etag: The ``ETag`` of the last download, sent as ``If-None-Match``.
        last_modified: Its ``Last-Modified``, sent as ``If-Modified-Since``.
        timeout: Seconds allowed for the whole fetch, redirects included.
        max_bytes: Largest body accepted.
        max_redirects: Most redirects followed.
        user_agent: The ``User-Agent`` header.
        allow_private: Let any hop reach a non-public address (``allow_private`` in
            ``feeds.yml``).
        resolver: Host and port → addresses.

    Returns:
        The status, body (``None`` for ``304``), validators and final address.

    Raises:
        FetchError: Refused scheme or address, too many redirects, HTTP error status,
            deadline passed, network error, body cut short or too large.
    """
    deadline = time.monotonic() + timeout
    current = url
    status: int | None = None
    for _hop in range(max_redirects + 1):
        _check_scheme(current, feed_id, status=status)
        connection: http.client.HTTPConnection | None = None
        response: http.client.HTTPResponse | None = None
        try:
            host, port, addresses = _checked_addresses(
                current, feed_id, allow_private=allow_private, resolver=resolver, deadline=deadline
            )
            kind = _TLSConnection if urlsplit(current).scheme.lower() == "https" else _Connection
            connection = kind(host, port, addresses, deadline)
            headers = {"User-Agent": user_agent, "Accept-Encoding": "identity"}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            connection.request("GET", _request_target(current), headers=headers)
            response = connection.getresponse()
            status = response.status
            if status == 304:
                return FetchResult(
                    status=304,
                    body=None,
                    etag=response.headers.get("ETag", "") or etag,
                    last_modified=response.headers.get("Last-Modified", "") or last_modified,
                    final_url=current,
                )
            location = response.headers.get("Location", "") if status in _REDIRECTS else ""
            if location:
                current = urljoin(current, location.strip())
                continue
            if not 200 <= status < 300:
                raise FetchError(
                    feed_id, f"erreur HTTP {status} ({response.reason}) : {current}", status=status
                )
            body = _read_body(response, feed_id, current, max_bytes, deadline)
            return FetchResult(
                status=status,
                body=body,
                etag=response.headers.get("ETag", "") or "",
                last_modified=response.headers.get("Last-Modified", "") or "",
                final_url=current,
            )
        except (_Deadline, TimeoutError):
            raise FetchError(
                feed_id, f"délai dépassé ({timeout:g} s) : {current}", status=status
            ) from None
        except http.client.IncompleteRead as err:
            raise FetchError(
                feed_id,
                f"téléchargement interrompu ({len(err.partial)} octets reçus) : {current}",
                status=status,
            ) from None
        except ConnectionRefusedError:
            raise FetchError(
                feed_id, f"connexion impossible (refusée) : {current}", status=status
            ) from None
        except (OSError, http.client.HTTPException, UnicodeError, ValueError) as err:
            raise FetchError(
                feed_id,
                f"erreur réseau ({err.__class__.__name__}: {err}) : {current}",
                status=status,
            ) from None
        finally:
            if response is not None:
                response.close()
            if connection is not None:
                connection.close()
    raise FetchError(
        feed_id, f"trop de redirections (plus de {max_redirects}) depuis {url}", status=status
    )
