"""The client source against a scripted loopback server: every kind of bad answer becomes a clear UserError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exposurecheck.core.crypto import oprf
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType, normalize
from exposurecheck.core.protocol import messages
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.lookup_service import ServiceSource, candidate_lines
from exposurecheck.core.sources.lookup_service_state import PinStore
from tests.server.service.site_helpers import Keys, build, make_keys, planted_identifiers
from tests.support.loopback import Reply, loopback_server


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Keys, Path]:
    keys = make_keys(tmp_path_factory.mktemp("keys"))
    return keys, build(keys, tmp_path_factory.mktemp("site") / "site", filler=30)


def honest_eval(keys: Keys) -> Callable[[str, dict[str, str], bytes], Reply]:
    def answer(_path: str, _headers: dict[str, str], body: bytes) -> Reply:
        request = messages.parse_request(body)
        evaluated, proof = oprf.blind_evaluate_verifiable(keys.oprf(), request.elements)
        by_bucketing, bucketing_proof = oprf.blind_evaluate_verifiable(keys.bucketing(), request.elements)
        return Reply(200, messages.encode_response(request.epoch, evaluated, proof, by_bucketing, bucketing_proof))

    return answer


def static(site: Path) -> Callable[[str, dict[str, str], bytes], Reply]:
    def answer(path: str, _headers: dict[str, str], _body: bytes) -> Reply:
        file = site / path.lstrip("/")
        return Reply(200, file.read_bytes()) if file.is_file() else Reply(404, b"")

    return answer


def run(url: str, keys: Keys, state: Path) -> None:
    source = ServiceSource(url, [keys.publisher_raw], state=PinStore(state))
    source.lookup(planted_identifiers(), lambda _n, _f: None, CancelToken())


@pytest.mark.parametrize(
    ("eval_reply", "expected"),
    [
        (Reply(200, b"garbage"), "service.error.bad_response"),
        (Reply(200, b"<html><body>blocked</body></html>"), "service.error.html"),
        (Reply(500, b"oops"), "http.status"),
    ],
)
def test_bad_eval_answers(built: tuple[Keys, Path], tmp_path: Path, eval_reply: Reply, expected: str) -> None:
    keys, site = built
    with loopback_server() as server:
        server.set("/v2/eval", eval_reply)
        server.set("/v2/", static(site))
        with pytest.raises(UserError) as caught:
            run(server.url, keys, tmp_path)
    assert caught.value.key == expected


def test_html_instead_of_a_bucket(built: tuple[Keys, Path], tmp_path: Path) -> None:
    keys, site = built
    with loopback_server() as server:
        server.set("/v2/eval", honest_eval(keys))
        server.set("/v2/epochs/", Reply(200, b"<!DOCTYPE html><title>Login</title>"))
        server.set("/v2/", static(site))
        with pytest.raises(UserError) as caught:
            run(server.url, keys, tmp_path)
    assert caught.value.key == "service.error.html"


def test_truncated_bucket(built: tuple[Keys, Path], tmp_path: Path) -> None:
    keys, site = built

    def short(path: str, headers: dict[str, str], body: bytes) -> Reply:
        return Reply(200, static(site)(path, headers, body).body[:-1])

    with loopback_server() as server:
        server.set("/v2/eval", honest_eval(keys))
        server.set("/v2/epochs/", short)
        server.set("/v2/", static(site))
        with pytest.raises(UserError) as caught:
            run(server.url, keys, tmp_path)
    assert caught.value.key == "service.error.bucket_invalid"


def test_scripted_honest_server_works(built: tuple[Keys, Path], tmp_path: Path) -> None:
    keys, site = built
    with loopback_server() as server:
        server.set("/v2/eval", honest_eval(keys))
        server.set("/v2/", static(site))
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(tmp_path))
        assert source.catalog() is None
        result = source.lookup(planted_identifiers(), lambda _n, _f: None, CancelToken())
    assert len(result.exposures) == 4
    catalog = source.catalog()
    assert catalog is not None
    assert all(b in catalog for e in result.exposures for b in e.breaches)


def test_cancel_stops_before_the_network(built: tuple[Keys, Path], tmp_path: Path) -> None:
    from exposurecheck.core.sources.base import Cancelled

    keys, site = built
    with loopback_server() as server:
        server.set("/v2/", static(site))
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(tmp_path))
        with pytest.raises(Cancelled):
            source.lookup(planted_identifiers(), lambda _n, _f: None, CancelToken(lambda: True))
        assert server.requests == []  # a check cancelled before it starts sends nothing, not even the manifest


def test_pin_store_round_trip_forget_and_damage(tmp_path: Path) -> None:
    from exposurecheck.core.protocol.chain import Pin

    store = PinStore(tmp_path / "state")
    assert store.get("https://a/") is None
    pin = Pin(b"\x01" * 32, 5, b"\x02" * 32, frozenset({b"\x03" * 32}), frozenset({b"\x04" * 32, b"\x05" * 32}), 13)
    store.put("https://a/", pin)
    assert store.get("https://a/") == pin
    if hasattr(__import__("os"), "geteuid"):
        assert (tmp_path / "state").stat().st_mode & 0o077 == 0
    text = store.path.read_text()
    assert "https://a/" in text and "03" * 32 in text  # a service URL and public keys: nothing about the person
    assert store.forget("https://a/") and store.get("https://a/") is None
    store.put("https://a/", pin)
    store.path.write_text("{not json")
    assert store.get("https://a/") is None  # a damaged file reads as first use rather than crashing a check


def test_candidate_lines_state_the_honest_limit() -> None:
    ids = [normalize(IdentifierType.PHONE, "13800138000"), normalize(IdentifierType.USERNAME, "someone")]
    # 16-bit buckets fetched in blocks of 8 reveal 13 bits: 1.6e9 / 2^13 = 195,312.5 phone numbers.
    lines = [line.text("en") for line in candidate_lines(ids, 13)]
    assert lines == [
        "Whoever runs the service could narrow each group down only to about 200,000 possible phone numbers, "
        "however often you check."
    ]
    assert "约20万个可能的手机号码" in candidate_lines(ids, 13)[0].text("zh_CN")
    assert "every bucket" in candidate_lines(ids, 0)[0].text("en")  # a small site: one block is the whole site


def test_more_identifiers_than_a_batch_use_whole_extra_batches(built: tuple[Keys, Path], tmp_path: Path) -> None:
    keys, site = built
    extra = [normalize(IdentifierType.EMAIL, f"not.planted.{i}@example.net") for i in range(6)]
    with loopback_server() as server:
        server.set("/v2/eval", honest_eval(keys))
        server.set("/v2/", static(site))
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(tmp_path))
        result = source.lookup(planted_identifiers() + extra, lambda _n, _f: None, CancelToken())
        posts = [r for r in server.requests if r[0] == "POST"]
        gets = [r[1] for r in server.requests if "/buckets/" in r[1]]
    assert len(result.exposures) == 4
    assert [len(r[3]) for r in posts] == [12 + 8 * 32] * 2  # 10 identifiers: two full batches of 8
    assert len(gets) % 8 == 0 and len(set(gets)) == len(gets)  # whole blocks of 8, each bucket once
    numbers = sorted(int(path.rsplit("/", 1)[1].split(".")[0], 16) for path in gets)
    assert all(numbers[i] % 8 == 0 and numbers[i + 7] == numbers[i] + 7 for i in range(0, len(numbers), 8))


def test_the_expiry_warning_counts_days_in_words_that_fit_the_number(built: tuple[Keys, Path]) -> None:
    # "runs out in 1 days": a SentLine keeps its parameters as text, so the count no longer chose the plural form.
    from datetime import timedelta

    from exposurecheck.core.sources.lookup_service import expiry_notices
    from exposurecheck_server.service.site import read_site_manifest

    manifest = read_site_manifest(built[1])
    (last_day,) = expiry_notices(manifest, manifest.expires_at - timedelta(hours=5))
    (three_days,) = expiry_notices(manifest, manifest.expires_at - timedelta(days=3))
    assert "runs out within a day." in last_day.text("en") and "1 days" not in last_day.text("en")
    assert "runs out in 3 days." in three_days.text("en")
    assert "1 天内过期" in last_day.text("zh_CN")
    assert expiry_notices(manifest, manifest.expires_at - timedelta(days=8)) == ()
