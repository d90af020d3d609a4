"""A real signed pack, built with the real builder from synthetic identifiers, for the reader and source tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.catalog import Breach, Catalog
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck_server.pack.builder import build_pack

BREACH = "synthetic_2024"
CATALOG = Catalog(
    [
        Breach(
            id=BREACH,
            title_en="Synthetic breach",
            title_zh="合成泄露",
            date="2024-01-01",
            pwn_count=3000,
            data_classes=("Phone numbers", "Email addresses"),
            description_en="Made-up data for tests.",
            description_zh="测试用的虚构数据。",
        )
    ]
)
PLANTED = (
    Identifier(IdentifierType.PHONE, "+8613800138000"),
    Identifier(IdentifierType.EMAIL, "planted@example.org"),
    Identifier(IdentifierType.CN_ID, "11010519491231002X"),
    Identifier(IdentifierType.USERNAME, "planted_user"),
)
ABSENT = (
    Identifier(IdentifierType.PHONE, "+8613900139000"),
    Identifier(IdentifierType.EMAIL, "absent@example.org"),
    Identifier(IdentifierType.CN_ID, "110105194912310021"),
    Identifier(IdentifierType.USERNAME, "absent_user"),
    # The same text as a planted value but another type: personalisation keeps them apart.
    Identifier(IdentifierType.USERNAME, "+8613800138000"),
)


@dataclass(frozen=True)
class BuiltPack:
    path: Path
    files: tuple[Path, ...]
    public_key: bytes
    signing_key: Ed25519PrivateKey
    filler: tuple[Identifier, ...]


def filler(count: int) -> list[Identifier]:
    return [Identifier(IdentifierType.PHONE, f"+86135{i:08d}") for i in range(count)]


def make_pack(folder: Path, *, count: int = 3000, demo: bool = False, **options) -> BuiltPack:
    key = Ed25519PrivateKey.generate()
    rows = filler(count)
    folder.mkdir(parents=True, exist_ok=True)
    result = build_pack(
        [*rows[: count // 2], *PLANTED, *rows[count // 2 :], *rows[:50]],  # with duplicates
        out=folder / "test.ecpack",
        catalog=CATALOG,
        breach=BREACH,
        signing_key=key,
        demo=demo,
        **options,
    )
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return BuiltPack(result.files[0], result.files, public, key, tuple(rows))


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    monkeypatch.setenv("EXPOSURECHECK_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def pack(tmp_path, config_dir) -> BuiltPack:
    return make_pack(tmp_path / "pack", chunk_size=1024)


@pytest.fixture
def sharded(tmp_path, config_dir) -> BuiltPack:
    # Tiny shards and chunks: many files, and prefix ranges that run across file boundaries.
    return make_pack(tmp_path / "sharded", chunk_size=512, shard_size=4096)
