"""Pwned Passwords against a real HTTP server on 127.0.0.1 serving real and damaged range bodies."""

from __future__ import annotations

import gzip
import json
import time

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.sources.base import Cancelled, CancelToken
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource, parse_range, range_query
from tests.support.loopback import Reply, loopback_server

P_AT_SSW0RD = Identifier(IdentifierType.PASSWORD, "P@ssw0rd")  # SHA-1 prefix 21BD1, the real recorded range


def _fixture(testdata, name: str) -> bytes:
    return (testdata / "pwned_passwords" / "fixtures" / name).read_bytes()


def _malformed(testdata, name: str) -> bytes:
    return (testdata / "adversarial" / "malformed_range_responses" / name).read_bytes()


def _lookup(url: str, identifier: Identifier = P_AT_SSW0RD):
    return PwnedPasswordsSource(url).lookup([identifier], lambda *_: None, CancelToken())


def test_range_query_splits_sha1_of_the_password_as_typed(testdata) -> None:
    known = json.loads((testdata / "pwned_passwords" / "known_hashes.json").read_text(encoding="utf-8"))
    for entry in known["passwords"]:
        query = range_query(entry["password"])
        assert query.prefix + query.suffix == entry["sha1"]


def test_real_range_body_reports_the_recorded_count(testdata) -> None:
    body = _fixture(testdata, "range_21BD1_sha1_2018-10-29_ediblepwn.txt")
    with loopback_server() as server:
        server.set("/range/21BD1", Reply(200, body, {"Content-Type": "text/plain"}))
        result = _lookup(server.url)
        (method, path, headers, _), = server.requests
    assert [e.count for e in result.exposures] == [49938]
    assert result.exposures[0].hint == "******"
    assert (method, path) == ("GET", "/range/21BD1")
    assert headers.get("Add-Padding") == "true"
    assert "P@ssw0rd" not in json.dumps(server.requests, default=str)


def test_only_the_five_character_prefix_leaves(testdata) -> None:
    body = _fixture(testdata, "range_21BD1_sha1_2018-10-29_ediblepwn.txt")
    query = range_query("P@ssw0rd")
    with loopback_server() as server:
        server.set("/range/", Reply(200, body))
        _lookup(server.url)
        sent = repr(server.requests)
    assert query.prefix in sent
    assert query.suffix not in sent and query.suffix.lower() not in sent


def test_padded_body_ignores_count_zero_rows(testdata) -> None:
    body = _fixture(testdata, "DERIVED_range_21BD1_sha1_padded.txt")
    counts = parse_range(body)
    assert counts[range_query("P@ssw0rd").suffix] == 49938
    assert all(count > 0 for count in counts.values())


def test_password_not_in_range_is_not_exposed(testdata) -> None:
    body = _fixture(testdata, "range_21BD1_sha1_2018-10-29_ediblepwn.txt")
    with loopback_server() as server:
        server.set("/range/", Reply(200, body))
        result = _lookup(server.url, Identifier(IdentifierType.PASSWORD, "a much longer passphrase nobody uses 8%"))
    assert result.exposures == ()


ACCEPTED = [
    "01_real_crlf_no_trailing_newline.txt",
    "02_lf_only.txt",
    "03_trailing_crlf.txt",
    "04_cr_only.txt",
    "05_lowercase_hex.txt",
    "06_padded_unsorted_tail.txt",
    "12_duplicate_suffix.txt",
    "13_utf8_bom.bin",
    "16_gzip_without_content_encoding.bin",
    "20_whitespace_around_colon.txt",
]
REFUSED = [
    "07_non_hex_suffix_line.txt",
    "08_missing_colon.txt",
    "09_wrong_suffix_lengths.txt",
    "10_bad_counts.txt",
    "11_huge_counts.txt",
    "14_html_error_page_200.txt",
    "15_empty_body_200.txt",
    "18_nul_and_controls.bin",
    "19_extra_fields.txt",
    "21_ntlm_mode_body.txt",
]


@pytest.mark.parametrize("name", ACCEPTED)
def test_harmless_variations_still_give_the_right_count(testdata, name: str) -> None:
    counts = parse_range(_malformed(testdata, name))
    assert counts[range_query("P@ssw0rd").suffix] == 49938


@pytest.mark.parametrize("name", REFUSED)
def test_damaged_bodies_are_refused_rather_than_miscounted(testdata, name: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_range(_malformed(testdata, name))
    assert caught.value.key.startswith("pwned.")
    assert caught.value.message("zh_CN") != caught.value.key


def test_gzip_with_content_encoding_is_decoded_by_the_client(testdata) -> None:
    body = _malformed(testdata, "17_gzip_with_content_encoding.bin")
    with loopback_server() as server:
        server.set("/range/", Reply(200, body, {"Content-Encoding": "gzip"}))
        result = _lookup(server.url)
    assert [e.count for e in result.exposures] == [49938]


@pytest.mark.parametrize(
    ("reply", "key"),
    [
        (Reply(200, b"<!DOCTYPE html><html><body>Please log in to the Wi-Fi</body></html>"), "pwned.html"),
        (Reply(200, b""), "pwned.empty"),
        (Reply(500, b"oops"), "http.status"),
        (Reply(404, b"nope"), "http.status"),
        (Reply(429, b"slow down", {"Retry-After": "3600"}), "http.rate_limited"),
        (Reply(200, b"0" * 35 + b":1\r\n" * 1 + b"A" * (3 * 1024 * 1024)), "http.too_large"),
    ],
)
def test_server_failures_become_plain_errors(reply: Reply, key: str) -> None:
    with loopback_server() as server:
        server.set("/range/", reply)
        with pytest.raises(UserError) as caught:
            _lookup(server.url)
    assert caught.value.key == key


def test_429_with_a_short_retry_after_is_honoured_then_succeeds(testdata) -> None:
    body = _fixture(testdata, "range_21BD1_sha1_2018-10-29_ediblepwn.txt")
    calls = []

    def route(_path, _headers, _body):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Reply(429, b"", {"Retry-After": "1"})
        return Reply(200, body)

    with loopback_server() as server:
        server.set("/range/", route)
        result = _lookup(server.url)
    assert [e.count for e in result.exposures] == [49938]
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.9  # waited as asked (a lower bound only, never an upper one)


def test_a_server_that_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("exposurecheck.core.http.READ_TIMEOUT", 0.5)
    with loopback_server() as server:
        server.set("/range/", Reply(200, b"", delay=3))
        with pytest.raises(UserError) as caught:
            _lookup(server.url)
    assert caught.value.key == "http.timeout"


def test_nothing_listening_is_unreachable() -> None:
    with pytest.raises(UserError) as caught:
        _lookup("http://127.0.0.1:9")
    assert caught.value.key == "http.unreachable"


def test_cancel_before_the_request_sends_nothing(testdata) -> None:
    with loopback_server() as server:
        server.set("/range/", Reply(200, b"x"))
        with pytest.raises(Cancelled):
            PwnedPasswordsSource(server.url).lookup([P_AT_SSW0RD], lambda *_: None, CancelToken(lambda: True))
        assert server.requests == []


def test_gzip_helper_roundtrip() -> None:
    body = b"2DC183F740EE76F27B78EB39C8AD972A757:5\r\n"
    assert parse_range(gzip.compress(body)) == {"2DC183F740EE76F27B78EB39C8AD972A757": 5}


def test_what_left_is_recorded_as_the_prefix_only_and_translated_when_shown(testdata) -> None:
    body = _fixture(testdata, "range_21BD1_sha1_2018-10-29_ediblepwn.txt")
    with loopback_server() as server:
        server.set("/range/", Reply(200, body))
        result = _lookup(server.url)
    (line,) = result.sent.items
    assert "21BD1" in line.text("en")
    assert "21BD1" in line.text("zh_CN")
    assert line.text("en") != line.text("zh_CN")
    assert range_query("P@ssw0rd").suffix not in repr(result.sent)
