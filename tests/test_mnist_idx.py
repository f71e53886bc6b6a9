"""The IDX reader: raw and gzipped files, and the malformed ones it must refuse by name."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from demos.mnist.idx import IdxError, encode_idx, file_content, gunzip, parse_idx


def images(n: int = 3) -> np.ndarray:
    return np.arange(n * 28 * 28, dtype=np.int64).reshape(n, 28, 28).astype(np.uint8)


def test_raw_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(encode_idx(images()))
    array = parse_idx(file_content(path), name=path.name)
    assert array.shape == (3, 28, 28)
    assert array.dtype == np.uint8
    np.testing.assert_array_equal(array, images())


def test_header_is_the_idx_one() -> None:
    # Two zero bytes, type 0x08 (unsigned byte), 1 dimension, size 4 big-endian.
    assert encode_idx(np.array([7, 2, 1, 0], dtype=np.uint8)) == bytes.fromhex(
        "000008010000000407020100"
    )


def test_gzipped_file_is_recognized_by_its_bytes(tmp_path: Path) -> None:
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    path = tmp_path / "labels-without-gz-suffix"
    path.write_bytes(gzip.compress(encode_idx(labels)))
    np.testing.assert_array_equal(parse_idx(file_content(path), name="x"), labels)


def test_big_endian_types_are_read_in_native_order() -> None:
    values = np.array([[1, -2], [300, -40000]], dtype=np.int32)
    parsed = parse_idx(encode_idx(values), name="ints")
    np.testing.assert_array_equal(parsed, values)
    assert parsed.dtype.isnative


def test_bad_magic_names_the_file() -> None:
    data = b"\x1f\x00\x08\x01" + b"\x00\x00\x00\x01" + b"\x05"
    with pytest.raises(IdxError, match=r"t10k-labels-idx1-ubyte : ce n'est pas un fichier IDX"):
        parse_idx(data, name="t10k-labels-idx1-ubyte")


def test_unknown_type_code() -> None:
    with pytest.raises(IdxError, match=r"f : type IDX inconnu 0x07"):
        parse_idx(b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", name="f")


def test_truncated_file_names_the_file_and_sizes() -> None:
    data = encode_idx(images(2))[:-100]
    with pytest.raises(IdxError, match=r"train-images : fichier IDX tronqué \(1484 octets"):
        parse_idx(data, name="train-images")


def test_truncated_header() -> None:
    with pytest.raises(IdxError, match="en-tête IDX tronqué"):
        parse_idx(b"\x00\x00\x08\x03\x00\x00\x00\x02", name="f")


def test_trailing_bytes_are_refused() -> None:
    with pytest.raises(IdxError, match="trop long"):
        parse_idx(encode_idx(images(1)) + b"\x00", name="f")


def test_too_short() -> None:
    with pytest.raises(IdxError, match="trop court"):
        parse_idx(b"\x00\x00", name="f")


def test_corrupt_and_truncated_gzip(tmp_path: Path) -> None:
    packed = gzip.compress(encode_idx(images()))
    path = tmp_path / "a.gz"
    path.write_bytes(packed[:-30])
    with pytest.raises(IdxError, match=r"a\.gz : fichier gzip (tronqué|corrompu)"):
        file_content(path)
    path.write_bytes(packed[:10] + bytes(len(packed) - 10))
    with pytest.raises(IdxError, match=r"a\.gz : fichier gzip corrompu"):
        file_content(path)


def test_gunzip_refuses_an_output_over_the_cap() -> None:
    bomb = gzip.compress(bytes(100_000))
    with pytest.raises(IdxError, match="plus de 1000 octets"):
        gunzip(bomb, name="bomb", max_bytes=1000)
    assert gunzip(bomb, name="bomb", max_bytes=100_000) == bytes(100_000)
