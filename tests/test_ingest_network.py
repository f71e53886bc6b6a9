"""Network faults and hostile servers during online ingestion, against real servers on
127.0.0.1 (``tests/netserver.py``): a cut or partial download, a malformed feed, an item
whose text shrinks, a server that drips bytes, an address that is not public. Whatever
happens, what the archive holds stays byte for byte as it was."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path

import pytest

from generator.models import FeedConfig
from generator.veille import http_fetch
from generator.veille.feed_state import FeedState, load_state, state_path
from generator.veille.http_fetch import FetchError, fetch_url
from generator.veille.ingest import ingest_online

from .conftest import run_cli
from .netserver import (
    Entry,
    RawServer,
    cut,
    cut_chunked,
    drip,
    head,
    ok,
    redirect,
    rss,
    running,
    unannounced,
)

T1 = datetime(2024, 11, 2, 8, 0, tzinfo=UTC)
T2 = datetime(2024, 11, 3, 8, 0, tzinfo=UTC)
FOUR = [Entry(n) for n in range(1, 5)]


@pytest.fixture
def server() -> Iterator[RawServer]:
    with running() as srv:
        yield srv


def _feed(server: RawServer, path: str, *, allow_private: bool = True) -> FeedConfig:
    return FeedConfig(id="f", title="F", url=server.url(path), allow_private=allow_private)


def _files(content: Path) -> dict[str, bytes]:
    """Every file of the feed's archive folder, by name."""
    return {p.name: p.read_bytes() for p in sorted((content / "archive" / "f").iterdir())}


def _seeded(tmp_path: Path, server: RawServer) -> tuple[Path, FeedState]:
    """A content folder whose feed ``f`` has archived :data:`FOUR`."""
    content = tmp_path / "content"
    server.routes["/seed"] = ok(rss(FOUR))
    result, state = ingest_online(content, _feed(server, "/seed"), FeedState(), now=T1)
    assert result.error == "" and result.report is not None and result.report.new == 4
    return content, state


# --- nothing archived changes on a failed or partial fetch -----------------------------

CHANGED = [Entry(n, text=f"Version corrigée du billet {n}, " + "plus longue encore. " * 12)
           for n in range(1, 5)]  # fmt: skip
FULL = rss(CHANGED)
SHORTER = rss([Entry(n, text="Court.") for n in range(1, 5)])
# A malformed document whose entries lost their text: a tag left open, an undefined entity.
BROKEN = rss([Entry(n, text="<b>&nbsp;") for n in range(1, 5)]).replace(b"<![CDATA[", b"")
BROKEN = BROKEN.replace(b"]]>", b"")


def _refusing_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (the system picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


FAILURES = {
    # name: (route or None, fetch options, what the error says)
    "coupé avant Content-Length": (cut(FULL, len(FULL) // 2), {}, "interrompu"),
    "coupé, réponse par morceaux": (cut_chunked(FULL, 3000), {}, "interrompu"),
    "XML tronqué sans Content-Length": (unannounced(FULL[: len(FULL) * 2 // 3]), {}, "mal formé"),
    "XML mal formé, textes perdus": (ok(BROKEN), {}, "mal formé"),
    "HTTP 500": (lambda c, _: c.sendall(head("500 Oups", Content_Length=0)), {}, "HTTP 500"),
    "HTTP 404": (lambda c, _: c.sendall(head("404 Absent", Content_Length=0)), {}, "HTTP 404"),
    "délai dépassé": (drip(head(Content_Length=len(FULL)), FULL, 0.1), {"timeout": 1.0}, "délai"),
    "document trop gros": (ok(FULL), {"max_bytes": 1000}, "trop volumineux"),
    "adresse non publique": (ok(FULL), {"allow_private": False}, "non publique"),
}


@pytest.mark.parametrize("name", list(FAILURES))
def test_nothing_archived_changes_on_a_failed_or_partial_fetch(
    tmp_path: Path, server: RawServer, name: str
) -> None:
    content, state = _seeded(tmp_path, server)
    before = _files(content)
    mtimes = {p.name: p.stat().st_mtime_ns for p in (content / "archive" / "f").iterdir()}
    route, options, reason = FAILURES[name]
    server.routes["/feed"] = route
    private = options.pop("allow_private", True)
    fetch = partial(fetch_url, **options) if options else fetch_url
    feed = _feed(server, "/feed", allow_private=bool(private))
    result, after = ingest_online(content, feed, state, now=T2, fetch=fetch)  # type: ignore[arg-type]
    assert reason in result.error and "« f »" in result.error
    assert reason in after.last_error
    assert after.last_success == T1  # the last success stays the last success
    assert _files(content) == before
    assert {p.name: p.stat().st_mtime_ns for p in (content / "archive" / "f").iterdir()} == mtimes


def test_refused_connection_changes_nothing(tmp_path: Path, server: RawServer) -> None:
    content, state = _seeded(tmp_path, server)
    before = _files(content)
    feed = FeedConfig(
        id="f", title="F", url=f"http://127.0.0.1:{_refusing_port()}/", allow_private=True
    )
    result, after = ingest_online(content, feed, state, now=T2)
    assert "connexion impossible" in result.error and result.error == after.last_error
    assert _files(content) == before


def test_an_update_that_loses_half_the_text_keeps_the_stored_item(
    tmp_path: Path, server: RawServer
) -> None:
    content, state = _seeded(tmp_path, server)
    before = _files(content)
    server.routes["/feed"] = ok(SHORTER)
    result, after = ingest_online(content, _feed(server, "/feed"), state, now=T2)
    assert result.error == "" and result.report is not None
    assert (result.report.updated, len(result.report.kept)) == (0, 4)
    assert sorted(f"{slug}.md" for slug in result.report.kept) == sorted(before)
    assert _files(content) == before
    assert after.last_success == T2  # the feed itself was read fine

    # A longer version is an ordinary update.
    server.routes["/longer"] = ok(FULL)
    result, _ = ingest_online(content, _feed(server, "/longer"), after, now=T2)
    assert result.report is not None and result.report.updated == 4
    assert all("Version corrigée" in text.decode() for text in _files(content).values())


def test_cut_download_is_an_error_even_without_archive(server: RawServer) -> None:
    body = rss(FOUR)
    server.routes["/cut"] = cut(body, len(body) - 10)
    with pytest.raises(FetchError, match=r"interrompu \(\d+ octets reçus sur \d+ annoncés\)"):
        fetch_url(server.url("/cut"), feed_id="f", allow_private=True)


def test_truncated_feed_adds_only_its_whole_new_items(tmp_path: Path, server: RawServer) -> None:
    """A cut document: the entries before the cut are whole and new ones are added; the
    entry the cut went through is not, and archived items are not updated from it."""
    content, state = _seeded(tmp_path, server)
    before = _files(content)
    entries = [Entry(6), Entry(5), *CHANGED]
    data = rss(entries)
    cut_at = data.index(b"du billet 2, plus longue")  # inside item 2's text
    server.routes["/feed"] = unannounced(data[:cut_at])
    result, after = ingest_online(content, _feed(server, "/feed"), state, now=T2)
    assert "mal formé" in result.error and "gardés tels quels" in after.last_error
    assert result.report is not None and result.report.new == 2
    assert result.report.updated == 0 and result.report.kept  # item 1 not updated
    files = _files(content)
    assert {name: files[name] for name in before} == before
    assert len(files) == len(before) + 2
    assert after.etag == state.etag  # validators kept: the next run fetches it whole


# --- one deadline for the whole fetch --------------------------------------------------


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(drip(head(Content_Length=100_000), b"x" * 100_000, 0.2), id="corps"),
        pytest.param(drip(b"HTTP/1.1 200 OK\r\n", b"X-Lent: " + b"y" * 5000, 0.2), id="en-têtes"),
        pytest.param(drip(b"", head(Content_Length=10), 0.2), id="ligne d'état"),
    ],
)
def test_a_dripping_server_cannot_outlast_the_deadline(server: RawServer, route: object) -> None:
    server.routes["/drip"] = route  # type: ignore[assignment]
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"délai dépassé \(1\.5 s\)"):
        fetch_url(server.url("/drip"), feed_id="f", allow_private=True, timeout=1.5)
    assert time.monotonic() - started < 2.5


def test_the_deadline_covers_every_redirect(server: RawServer) -> None:
    body = rss(FOUR)
    for hop in range(4):
        # About 0.4 s a hop: each is well within the deadline, three are not.
        answer = head("302 Found", Location=f"/hop{hop + 1}", Content_Length=0)
        server.routes[f"/hop{hop}"] = drip(b"", answer, 0.4 / len(answer))
    server.routes["/hop4"] = ok(body)
    started = time.monotonic()
    with pytest.raises(FetchError, match="délai dépassé"):
        fetch_url(server.url("/hop0"), feed_id="f", allow_private=True, timeout=1.0)
    assert time.monotonic() - started < 2.0
    assert server.targets()[:2] == ["/hop0", "/hop1"] and "/hop4" not in server.targets()


def test_a_slow_resolver_counts_in_the_deadline(server: RawServer) -> None:
    def slow(host: str, port: int) -> list[str]:
        time.sleep(3)
        return ["127.0.0.1"]

    started = time.monotonic()
    with pytest.raises(FetchError, match="délai dépassé"):
        fetch_url("http://lent.test/", feed_id="f", timeout=0.5, resolver=slow)
    assert time.monotonic() - started < 1.5


# --- public addresses only -------------------------------------------------------------


def test_a_private_address_is_refused_without_opt_in(server: RawServer) -> None:
    server.routes["/feed"] = ok(rss(FOUR))
    with pytest.raises(FetchError, match="adresse non publique refusée") as info:
        fetch_url(server.url("/feed"), feed_id="f")
    assert "127.0.0.1" in str(info.value) and "allow_private: true" in str(info.value)
    assert server.requests == []  # refused before connecting
    assert fetch_url(server.url("/feed"), feed_id="f", allow_private=True).body


def test_a_name_is_checked_once_resolved_and_its_checked_address_is_used(
    server: RawServer,
) -> None:
    server.routes["/feed"] = ok(rss(FOUR))
    asked: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["127.0.0.1"]

    url = f"http://flux.intranet.test:{server.port}/feed"
    with pytest.raises(FetchError, match=r"flux\.intranet\.test → 127\.0\.0\.1"):
        fetch_url(url, feed_id="f", resolver=resolver)
    assert server.requests == []
    # Opted in: the connection goes to the address checked (no second resolution).
    result = fetch_url(url, feed_id="f", resolver=resolver, allow_private=True)
    assert result.body and asked == [("flux.intranet.test", server.port)] * 2
    assert server.requests[0][1]["Host"] == f"flux.intranet.test:{server.port}"


def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    with pytest.raises(FetchError, match=r"10\.0\.0\.7"):
        fetch_url(
            "http://melange.test/",
            feed_id="f",
            resolver=lambda host, port: ["93.184.215.14", "10.0.0.7"],
        )


@pytest.fixture
def second_loopback() -> Iterator[RawServer]:
    """A server on 127.0.0.2, another loopback address."""
    with running("127.0.0.2") as srv:
        yield srv


def test_a_public_feed_redirecting_to_a_private_address_is_refused(
    server: RawServer, second_loopback: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first server stands for a public one (127.0.0.1 counted as public); its
    redirects to 127.0.0.2 and to the cloud metadata address are refused, and never
    reached."""
    real = http_fetch.public_address

    def public(address: IPv4Address | IPv6Address) -> bool:
        return address == ip_address("127.0.0.1") or real(address)

    monkeypatch.setattr(http_fetch, "public_address", public)
    second_loopback.routes["/secret"] = ok(b"<rss>secret</rss>")
    server.routes["/to-private"] = redirect(second_loopback.url("/secret"))
    server.routes["/to-metadata"] = redirect("http://169.254.169.254/latest/meta-data/")
    server.routes["/to-mapped"] = redirect(f"http://[::ffff:127.0.0.2]:{second_loopback.port}/")
    for path, address in [
        ("/to-private", "127.0.0.2"),
        ("/to-metadata", "169.254.169.254"),
        ("/to-mapped", "::ffff:127.0.0.2"),
    ]:
        with pytest.raises(FetchError, match="adresse non publique refusée") as info:
            fetch_url(server.url(path), feed_id="f")
        assert address in str(info.value)
    assert second_loopback.requests == []
    # The same redirect with the feed's opt-in is followed.
    result = fetch_url(server.url("/to-private"), feed_id="f", allow_private=True)
    assert result.body == b"<rss>secret</rss>"
    assert result.final_url == second_loopback.url("/secret")


def test_ingest_records_the_refusal_and_keeps_the_archive(
    tmp_path: Path, server: RawServer
) -> None:
    content, state = _seeded(tmp_path, server)
    before = _files(content)
    server.routes["/feed"] = ok(FULL)
    result, after = ingest_online(
        content, _feed(server, "/feed", allow_private=False), state, now=T2
    )
    assert "adresse non publique refusée" in after.last_error
    assert result.report is None and _files(content) == before
    assert server.targets() == ["/seed"]


def test_cli_reports_kept_items_and_malformed_feeds(tmp_path: Path, server: RawServer) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "feeds.yml").write_text(
        f"feeds:\n  - id: f\n    title: F\n    url: {server.url('/feed')}\n"
        "    allow_private: true\n",
        encoding="utf-8",
    )
    server.routes["/feed"] = ok(rss(FOUR))
    assert run_cli("ingest", "--content", str(content)).returncode == 0
    before = _files(content)

    server.routes["/feed"] = ok(SHORTER)
    shorter = run_cli("ingest", "--content", str(content))
    assert shorter.returncode == 0, shorter.stderr
    assert "f: 0 nouveaux, 0 mis à jour, 0 inchangés" in shorter.stdout
    assert "f: AVERTISSEMENT 4 articles archivés gardés tels quels" in shorter.stderr
    assert "perd plus de la moitié du texte" in shorter.stderr

    server.routes["/feed"] = unannounced(FULL[: len(FULL) // 2])
    cut_short = run_cli("ingest", "--content", str(content))
    assert cut_short.returncode == 1
    assert "(document mal formé)" in cut_short.stderr and "f: ERREUR" in cut_short.stderr
    assert "1 flux : 0 lus, 1 en erreur" in cut_short.stdout
    assert {name: data for name, data in _files(content).items() if name in before} == before
    assert "mal formé" in load_state(state_path(content))["f"].last_error


# --- over TLS -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for ``flux.test`` and its key (``openssl`` command)."""
    if shutil.which("openssl") is None:
        pytest.skip("la commande openssl, qui fabrique le certificat du serveur TLS, manque")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=flux.test", "-addext", "subjectAltName=DNS:flux.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[RawServer]:
    """An HTTPS server on 127.0.0.1 whose certificate the fetch trusts (for this test)."""
    cert, key = certificate
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(http_fetch.ssl, "create_default_context", lambda: client_context)
    with running(tls=server_context) as srv:
        yield srv


def _local(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


def test_https_checks_the_certificate_name_and_keeps_the_deadline(tls_server: RawServer) -> None:
    body = rss(FOUR)
    tls_server.routes["/feed"] = ok(body)
    tls_server.routes["/drip"] = drip(head(Content_Length=len(body)), body, 0.1)
    url = f"https://flux.test:{tls_server.port}"
    fetch = partial(fetch_url, feed_id="f", resolver=_local, allow_private=True)
    assert fetch(f"{url}/feed").body == body
    with pytest.raises(FetchError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        fetch(f"https://autre.test:{tls_server.port}/feed")  # same server, other name
    started = time.monotonic()
    with pytest.raises(FetchError, match="délai dépassé"):
        fetch(f"{url}/drip", timeout=1.0)
    assert time.monotonic() - started < 2.0
