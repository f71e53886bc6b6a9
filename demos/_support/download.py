"""Downloading a data file over HTTP(S): progress on stderr, size cap, atomic write.

Only ``http`` and ``https`` addresses are opened, redirects included. The body is
streamed to a temporary file beside the destination, hashed on the way, and renamed
onto the destination only once complete (and, when a digest is expected, verified):
an interrupted or refused download leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, TextIO
from urllib.parse import urlsplit

USER_AGENT = "infolettre-demos (+https://ssphub.netlify.app/)"
_CHUNK = 256 * 1024
_SCHEMES = ("http", "https")


class DownloadError(RuntimeError):
    """A download that failed or was refused (the message names the address)."""


def check_scheme(url: str) -> None:
    """Refuse any address that is not ``http`` or ``https``.

    Raises:
        DownloadError: The scheme is another one (``file``, ``ftp``…).
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        raise DownloadError(
            f"adresse refusée (schéma « {scheme or '?'} », seuls http et https sont permis) : {url}"
        )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects (urllib's limit of 10) only towards http(s) addresses."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        check_scheme(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class ProgressBar:
    """A download's progress on a text stream.

    On a terminal one line is rewritten in place; elsewhere (a build log) a line is
    written at each quarter, so that logs stay short.
    """

    def __init__(self, label: str, total: int | None, stream: TextIO | None) -> None:
        self.label = label
        self.total = total
        self.stream = stream
        self.tty = stream is not None and stream.isatty()
        self._quarter = -1

    def update(self, done: int) -> None:
        """Show that ``done`` bytes have arrived."""
        if self.stream is None:
            return
        mb = f"{done / 1e6:.1f}"
        if self.total:
            fraction = min(done / self.total, 1.0)
            bar = "#" * int(30 * fraction) + "." * (30 - int(30 * fraction))
            text = f"{self.label} [{bar}] {100 * fraction:3.0f} % ({mb}/{self.total / 1e6:.1f} Mo)"
            quarter = int(4 * fraction)
        else:
            text = f"{self.label} {mb} Mo"
            quarter = int(done // 10_000_000)
        if self.tty:
            self.stream.write("\r" + text)
        elif quarter != self._quarter:
            self.stream.write(text + "\n")
        self._quarter = quarter
        self.stream.flush()

    def close(self) -> None:
        """End the line on a terminal."""
        if self.stream is not None and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def download(
    url: str,
    dest: Path,
    *,
    max_bytes: int,
    sha256: str | None = None,
    timeout: float = 30.0,
    max_seconds: float = 900.0,
    stream: TextIO | None = sys.stderr,
    label: str | None = None,
) -> str:
    """Download ``url`` into ``dest``, atomically.

    Args:
        url: An ``http`` or ``https`` address.
        dest: The file to write (its folder is created if missing).
        max_bytes: The largest body accepted.
        sha256: The expected SHA-256 of the body (hex); ``None`` to accept any.
        timeout: Seconds allowed for the connection and for each read.
        max_seconds: Seconds allowed for the whole download.
        stream: Where the progress bar goes (``None`` for none).
        label: The progress bar's label (the file's name by default).

    Returns:
        The body's SHA-256 (hex).

    Raises:
        DownloadError: Refused scheme, network or HTTP error, timeout, body over
            ``max_bytes``, or a digest other than ``sha256``.
    """
    check_scheme(url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    opener = urllib.request.build_opener(_CheckedRedirects())
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest = _fetch(opener, request, out, max_bytes, timeout, max_seconds, stream, label)
        if sha256 is not None and digest != sha256.lower():
            raise DownloadError(
                f"empreinte SHA-256 inattendue pour {url} : obtenue {digest}, attendue {sha256}"
            )
        os.chmod(tmp, 0o644)  # mkstemp makes it private; downloads are shared data
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def _fetch(
    opener: urllib.request.OpenerDirector,
    request: urllib.request.Request,
    out: IO[bytes],
    max_bytes: int,
    timeout: float,
    max_seconds: float,
    stream: TextIO | None,
    label: str | None,
) -> str:
    url = request.full_url
    deadline = time.monotonic() + max_seconds
    hasher = hashlib.sha256()
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            total = int(length) if length.strip().isdigit() else None
            if total is not None and total > max_bytes:
                raise DownloadError(
                    f"fichier trop volumineux ({total} octets annoncés, limite {max_bytes}) : {url}"
                )
            bar = ProgressBar(label or Path(urlsplit(url).path).name or url, total, stream)
            done = 0
            while chunk := response.read(_CHUNK):
                done += len(chunk)
                if done > max_bytes:
                    raise DownloadError(
                        f"fichier trop volumineux (plus de {max_bytes} octets) : {url}"
                    )
                if time.monotonic() > deadline:
                    raise DownloadError(f"délai dépassé ({max_seconds:g} s) : {url}")
                hasher.update(chunk)
                out.write(chunk)
                bar.update(done)
            bar.close()
            if total is not None and done != total:
                raise DownloadError(f"téléchargement incomplet ({done} octets sur {total}) : {url}")
    except urllib.error.HTTPError as err:
        err.close()
        raise DownloadError(f"erreur HTTP {err.code} ({err.reason}) : {url}") from None
    except urllib.error.URLError as err:
        raise DownloadError(f"connexion impossible ({err.reason}) : {url}") from None
    except TimeoutError:
        raise DownloadError(f"délai dépassé ({timeout:g} s sans réponse) : {url}") from None
    except (OSError, http.client.HTTPException) as err:
        raise DownloadError(f"erreur réseau ({type(err).__name__}: {err}) : {url}") from None
    return hasher.hexdigest()
