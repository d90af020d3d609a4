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
from exposurecheck.core.sources.lookup_service_state import SequenceStore
from tests.server.service.site_helpers import Keys, build, make_keys, planted_identifiers
from tests.support.loopback import Reply, loopback_server


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Keys, Path]:
    keys = make_keys(tmp_path_factory.mktemp("keys"))
    return keys, build(keys, tmp_path_factory.mktemp("site") / "site", filler=30)


def honest_eval(key: oprf.KeyPair) -> Callable[[str, dict[str, str], bytes], Reply]:
    def answer(_path: str, _headers: dict[str, str], body: bytes) -> Reply:
        request = messages.parse_request(body)
        evaluated, proof = oprf.blind_evaluate_verifiable(key, request.elements)
        return Reply(200, messages.encode_response(request.epoch, evaluated, proof))

    return answer


def static(site: Path) -> Callable[[str, dict[str, str], bytes], Reply]:
    def answer(path: str, _headers: dict[str, str], _body: bytes) -> Reply:
        file = site / path.lstrip("/")
        return Reply(200, file.read_bytes()) if file.is_file() else Reply(404, b"")

    return answer


def run(url: str, keys: Keys, state: Path) -> None:
    source = ServiceSource(url, [keys.publisher_raw], state=SequenceStore(state))
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
        server.set("/v1/eval", eval_reply)
        server.set("/v1/", static(site))
        with pytest.raises(UserError) as caught:
            run(server.url, keys, tmp_path)
    assert caught.value.key == expected


def test_html_instead_of_a_bucket(built: tuple[Keys, Path], tmp_path: Path) -> None:
    keys, site = built
    with loopback_server() as server:
        server.set("/v1/eval", honest_eval(keys.oprf()))
        server.set("/v1/epochs/", Reply(200, b"<!DOCTYPE html><title>Login</title>"))
        server.set("/v1/", static(site))
        with pytest.raises(UserError) as caught:
            run(server.url, keys, tmp_path)
    assert caught.value.key == "service.error.html"


def test_truncated_bucket(built: tuple[Keys, Path], tmp_path: Path) -> None:
    keys, site = built

    def short(path: str, headers: dict[str, str], body: bytes) -> Reply:
        return Reply(200, static(site)(path, headers, body).body[:-1])

    with loopback_server() as server:
        server.set("/v1/eval", honest_eval(keys.oprf()))
        server.set("/v1/epochs/", short)
        server.set("/v1/", static(site))
        with pytest.raises(UserError) as caught:
            run(server.url, keys, tmp_path)
    assert caught.value.key == "service.error.bucket_invalid"


def test_scripted_honest_server_works(built: tuple[Keys, Path], tmp_path: Path) -> None:
    keys, site = built
    with loopback_server() as server:
        server.set("/v1/eval", honest_eval(keys.oprf()))
        server.set("/v1/", static(site))
        source = ServiceSource(server.url, [keys.publisher_raw], state=SequenceStore(tmp_path))
        assert source.breach_catalog() is None
        result = source.lookup(planted_identifiers(), lambda _n, _f: None, CancelToken())
    assert len(result.exposures) == 4
    catalog = source.breach_catalog()
    assert catalog is not None
    assert all(b in catalog for e in result.exposures for b in e.breaches)


def test_cancel_stops_before_the_network(built: tuple[Keys, Path], tmp_path: Path) -> None:
    from exposurecheck.core.sources.base import Cancelled

    keys, site = built
    with loopback_server() as server:
        server.set("/v1/", static(site))
        source = ServiceSource(server.url, [keys.publisher_raw], state=SequenceStore(tmp_path))
        with pytest.raises(Cancelled):
            source.lookup(planted_identifiers(), lambda _n, _f: None, CancelToken(lambda: True))
        assert server.requests == []  # a check cancelled before it starts sends nothing, not even the manifest


def test_sequence_store_keeps_the_highest_and_survives_damage(tmp_path: Path) -> None:
    store = SequenceStore(tmp_path / "state")
    assert store.last("https://a/") is None
    store.record("https://a/", 5)
    store.record("https://a/", 3)  # never lowered
    store.record("https://b/", 9)
    assert (store.last("https://a/"), store.last("https://b/")) == (5, 9)
    if hasattr(__import__("os"), "geteuid"):
        assert (tmp_path / "state").stat().st_mode & 0o077 == 0
    store.path.write_text("{not json")
    assert store.last("https://a/") is None  # a damaged file reads as empty rather than crashing a check


def test_candidate_lines_state_the_honest_limit() -> None:
    ids = [normalize(IdentifierType.PHONE, "13800138000"), normalize(IdentifierType.USERNAME, "someone")]
    lines = [line.text("en") for line in candidate_lines(ids, 16)]
    assert lines == [
        "Only whoever holds the service's secret key could narrow a bucket number down, and then only to about "
        "24,400 possible phone numbers."
    ]
    assert "24,400" in candidate_lines(ids, 16)[0].text("zh_CN")


def test_more_identifiers_than_a_batch_use_whole_extra_batches(built: tuple[Keys, Path], tmp_path: Path) -> None:
    keys, site = built
    extra = [normalize(IdentifierType.EMAIL, f"not.planted.{i}@example.net") for i in range(6)]
    with loopback_server() as server:
        server.set("/v1/eval", honest_eval(keys.oprf()))
        server.set("/v1/", static(site))
        source = ServiceSource(server.url, [keys.publisher_raw], state=SequenceStore(tmp_path))
        result = source.lookup(planted_identifiers() + extra, lambda _n, _f: None, CancelToken())
        posts = [r for r in server.requests if r[0] == "POST"]
        gets = [r for r in server.requests if "/buckets/" in r[1]]
    assert len(result.exposures) == 4
    assert [len(r[3]) for r in posts] == [12 + 8 * 32] * 2  # 10 identifiers: two full batches of 8
    assert len(gets) == 16  # two sets of 8 buckets
    assert len({r[1] for r in gets}) == 16
