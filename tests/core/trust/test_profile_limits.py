"""Hostile profiles on a stick cost nothing: the file and each field are capped before parsing, and what is
parsed is cleaned in linear time (a 120 KB field of unclosed tags once took 90 s, before anyone confirmed it)."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.errors import UserError
from exposurecheck.core.trust import profile as prof
from tests.conftest import run_cli
from tests.core.trust.test_profile import advice_document, make_body

HOSTILE = "<a "


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(data)
    return path


def test_a_120_kb_hostile_field_is_refused_by_the_real_cli_in_moments(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    path = _write(tmp_path, prof.sign_profile(make_body(hotline=HOSTILE * 40_000), key))  # 120 KB, validly signed
    started = time.monotonic()
    result = run_cli("profile", "show", str(path), timeout=60)
    assert time.monotonic() - started < 30  # a process start; the old cleaner needed ~90 s for this field alone
    assert result.returncode != 0
    assert "not an Exposure Check organisation profile" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_10_mb_profile_is_refused_before_it_is_parsed(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    body = json.loads(prof.sign_profile(make_body(), key))
    body["profile"]["hotline"] = HOSTILE * 3_500_000
    path = _write(tmp_path, json.dumps(body).encode())
    assert path.stat().st_size > 10_000_000
    with pytest.raises(UserError) as caught:
        prof.load_profile(path)
    assert caught.value.key == "helpdesk.profile.invalid"
    result = run_cli("profile", "show", str(path), "--lang", "zh_CN", timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "机构配置文件" in result.stderr


def test_hostile_text_within_the_caps_loads_as_plain_text(key: Ed25519PrivateKey) -> None:
    body = make_body(name_en="Safe <a <a <b>Lines</b>", hotline=HOSTILE * 500)
    loaded = prof.parse_profile(prof.sign_profile(body, key))
    assert loaded.name_en == "Safe ＜a ＜a Lines"
    assert "<" not in loaded.hotline and len(loaded.hotline) <= 200


def _profile_with_advice(key: Ed25519PrivateKey, documents: int) -> bytes:
    # Advice text refuses markup, so the hostile part is the sources list: capped fields full of unclosed tags.
    sources = tuple(f"pack={HOSTILE * 300}{n}" for n in range(20))
    return prof.sign_profile(make_body(advice=(advice_document(),) * documents, default_sources=sources), key)


def test_parsing_grows_linearly_with_the_profile(key: Ed25519PrivateKey) -> None:
    small, large = _profile_with_advice(key, 50), _profile_with_advice(key, 200)
    assert len(large) < prof._MAX_FILE

    def seconds(data: bytes) -> float:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            prof.parse_profile(data)
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    growth = seconds(large) / seconds(small)
    size_ratio = len(large) / len(small)
    assert growth < 2 * size_ratio, f"{size_ratio:.1f}× the bytes took {growth:.1f}× the time"
