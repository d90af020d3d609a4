"""Every typed identifier gets exactly one honest answer (issue 12.1), and an unchecked kind still gets its steps
(issue 12.2). Real parts: packs built with the server's builder, the bundled demo pack, Pwned Passwords on a
loopback server."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.advice import advice_json, plan_for_report
from exposurecheck.core.catalog import Breach, Catalog
from exposurecheck.core.check import check
from exposurecheck.core.identifiers import Identifier, IdentifierType, mask
from exposurecheck.core.packs.publisher import pack_publisher
from exposurecheck.core.report import Outcome, Reason
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.choice import plan_sources
from exposurecheck.core.sources.pack import PackSource, demo_pack_source
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.core.vault.codec import report_from_json, report_to_json
from exposurecheck_server.pack.builder import build_pack
from tests.support.loopback import Reply, loopback_server

BREACH = "synthetic_2025"
CATALOG = Catalog(
    [
        Breach(
            id=BREACH,
            title_en="Synthetic breach",
            title_zh="合成泄露",
            date="2025-01-01",
            pwn_count=1000,
            data_classes=("Phone numbers", "Usernames"),
            description_en="Made-up data for tests.",
            description_zh="测试用的虚构数据。",
        )
    ]
)
PHONE = Identifier(IdentifierType.PHONE, "+8613800138000")
OTHER_PHONE = Identifier(IdentifierType.PHONE, "+8613900139000")
EMAIL = Identifier(IdentifierType.EMAIL, "someone@example.org")
CN_ID = Identifier(IdentifierType.CN_ID, "11010519491231002X")
PASSWORD = Identifier(IdentifierType.PASSWORD, "canary horse staple 91")


def _pack(folder: Path, rows: list[Identifier]) -> PackSource:
    """A real signed pack holding `rows` (plus filler phone numbers), trusted by its source."""
    key = Ed25519PrivateKey.generate()
    filler = [Identifier(IdentifierType.PHONE, f"+86135{i:08d}") for i in range(500)]
    folder.mkdir(parents=True, exist_ok=True)
    built = build_pack([*filler, *rows], out=folder / "test.ecpack", catalog=CATALOG, breach=BREACH, signing_key=key)
    return PackSource(built.files[0], trusted_keys=[key.public_key().public_bytes_raw()])


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _range_body(password: str, count: int) -> bytes:
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    return f"{digest[5:]}:{count}\r\n{'0' * 35}:0\r\n".encode()


def _outcomes(report) -> list[tuple[str, str, str | None]]:
    return [(s.type.value, s.outcome.value, s.reason.value if s.reason else None) for s in report.identifiers]


def test_a_pack_without_emails_never_calls_an_email_not_found(tmp_path: Path) -> None:
    pack = _pack(tmp_path, [PHONE])
    report = check([PHONE, OTHER_PHONE, EMAIL], [pack])
    assert _outcomes(report) == [
        ("phone", "found", None),
        ("phone", "not_found", None),
        ("email", "not_checked", "no_data"),
    ]
    assert [s.hint for s in report.identifiers] == [mask(PHONE), mask(OTHER_PHONE), mask(EMAIL)]
    assert report.identifiers[2].reason_text("en") == "This copy of the app has no leak data for email addresses."
    assert "电子邮箱" in report.identifiers[2].reason_text("zh_CN")
    assert not report.all_failed


def test_two_usernames_with_one_hint_get_their_own_answers(tmp_path: Path) -> None:
    alice, alex = Identifier(IdentifierType.USERNAME, "alice_w"), Identifier(IdentifierType.USERNAME, "alex_q")
    assert mask(alice) == mask(alex)  # "a***": only the position tells them apart
    report = check([alex, alice], [_pack(tmp_path, [alice])])
    assert [s.outcome for s in report.identifiers] == [Outcome.NOT_FOUND, Outcome.FOUND]


def test_the_demo_pack_answers_for_the_kinds_it_holds_and_not_for_passwords() -> None:
    report = check([PHONE, PASSWORD], [demo_pack_source()])
    assert _outcomes(report) == [("phone", "found", None), ("password", "not_checked", "no_data")]
    assert report.identifiers[1].reason_text("en") == "No source here checks passwords."
    assert report.identifiers[1].hint == "******"


def test_an_unreachable_service_is_said_as_such_and_the_pack_still_answers(tmp_path: Path) -> None:
    dead = PwnedPasswordsSource(f"http://127.0.0.1:{_closed_port()}")
    report = check([PHONE, PASSWORD], [dead, _pack(tmp_path, [PHONE])])
    assert _outcomes(report) == [("phone", "found", None), ("password", "not_checked", "unreachable")]
    assert report.identifiers[1].reason_text("en") == "The service that checks this could not be reached."
    assert not report.all_failed


def test_a_bad_answer_is_a_source_that_failed_not_an_unreachable_one() -> None:
    with loopback_server() as server:
        server.set("/range/", Reply(503, b"down"))
        report = check([PASSWORD], [PwnedPasswordsSource(server.url)])
    assert _outcomes(report) == [("password", "not_checked", "source_failed")]
    assert report.all_failed


def test_a_refused_pack_leaves_its_kinds_not_checked(tmp_path: Path) -> None:
    trusted = _pack(tmp_path, [PHONE])
    untrusted = PackSource(trusted.path)  # the same file, but its publisher is not trusted here
    report = check([PHONE], [untrusted])
    # Refused only for its publisher: the reason says so (confirming the publisher is the way forward, 12.2).
    assert report.sources[0].error_key and _outcomes(report) == [("phone", "not_checked", "unknown_publisher")]
    damaged = tmp_path / "damaged.ecpack"
    data = bytearray(trusted.path.read_bytes())
    data[-3] ^= 1
    damaged.write_bytes(bytes(data))
    key = pack_publisher(trusted.path).key
    report = check([PHONE], [PackSource(damaged, trusted_keys=[key])])
    assert report.sources[0].error_key and _outcomes(report) == [("phone", "not_checked", "source_failed")]


def test_found_by_pwned_passwords_on_a_real_range_answer() -> None:
    with loopback_server() as server:
        server.set("/range/", Reply(200, _range_body(PASSWORD.canonical, 7)))
        report = check([PHONE, PASSWORD], [PwnedPasswordsSource(server.url)])
    assert _outcomes(report) == [("phone", "not_checked", "no_data"), ("password", "found", None)]


def test_offline_only_holds_back_the_service_and_says_so(tmp_path: Path) -> None:
    pack = _pack(tmp_path, [PHONE])
    with loopback_server() as server:
        chosen = plan_sources(lambda _t: [PwnedPasswordsSource(server.url), pack], training=False, offline_only=True)
        report = check([PHONE, PASSWORD], chosen.sources, held_back=chosen.held_back)
        assert server.requests == []
    assert [s.name for s in chosen.sources] == ["pack"]
    assert _outcomes(report) == [("phone", "found", None), ("password", "not_checked", "offline_only")]
    assert "offline only" in report.identifiers[1].reason_text("en")


def test_no_source_at_all_still_answers_every_identifier() -> None:
    report = check([PHONE, CN_ID, PASSWORD], [])
    assert _outcomes(report) == [
        ("phone", "not_checked", "no_data"),
        ("cn_id", "not_checked", "no_data"),
        ("password", "not_checked", "no_data"),
    ]
    assert report.unchecked_types == (IdentifierType.PHONE, IdentifierType.CN_ID, IdentifierType.PASSWORD)


def test_a_cancelled_check_says_it_was_stopped(tmp_path: Path) -> None:
    report = check([PHONE], [_pack(tmp_path, [PHONE])], cancel=CancelToken(lambda: True))
    assert _outcomes(report) == [("phone", "not_checked", "cancelled")]


def test_every_line_holds_the_hint_never_the_value(tmp_path: Path) -> None:
    report = check([PHONE, EMAIL, PASSWORD], [_pack(tmp_path, [PHONE])])
    for lang in ("en", "zh_CN"):
        text = "\n".join(s.line(lang) for s in report.identifiers)
        for value in (PHONE.canonical, "13800138000", EMAIL.canonical, PASSWORD.canonical):
            assert value not in text
        assert mask(PHONE) in text and mask(EMAIL) in text


# --- the plan: no dead end -------------------------------------------------------------------------------------


def test_unchecked_phone_and_id_get_their_steps_labelled_as_not_from_a_match() -> None:
    report = check([PHONE, CN_ID], [])
    for lang in ("en", "zh_CN"):
        plan = plan_for_report(report, lang)
        codes = {item.code for item in plan.items()}
        assert {"P-01", "P-02", "I-01"} <= codes  # the phone steps and the ID steps
        assert all(item.presumed for item in plan.items() if item.code != "B-01")
        assert plan.unchecked == ("phone", "cn_id") and plan.unchecked_note
        assert "在查过的数据来源里，没有找到你的信息" not in plan.summary
    en = plan_for_report(report, "en")
    assert "could not check your phone number and ID number" in en.summary
    assert "not on a match" in en.summary and "data file" in en.unchecked_note
    assert not en.estimate  # not the questionnaire's estimate: the window says so with the note instead
    rows = advice_json(en)
    assert all(row["presumed"] for row in rows if row["code"] != "B-01")


def test_a_found_phone_and_an_unchecked_email_are_told_apart(tmp_path: Path) -> None:
    report = check(
        [PHONE, EMAIL],
        [_pack(tmp_path, [PHONE])],
    )
    plan = plan_for_report(report, "en", catalog=CATALOG)
    items = {item.code: item for item in plan.items()}
    assert not items["P-01"].presumed  # the phone was found: its steps rest on a match
    assert items["E-01"].presumed  # the email could not be checked
    assert "were in 1 leak" in plan.summary or "was in 1 leak" in plan.summary
    assert "could not check your email address" in plan.summary


def test_nothing_found_in_what_was_checked_and_the_rest_said_plainly(tmp_path: Path) -> None:
    report = check([OTHER_PHONE, EMAIL], [_pack(tmp_path, [PHONE])])
    plan = plan_for_report(report, "en", catalog=CATALOG)
    assert plan.summary.startswith("Your phone number was not found in the data checked here.")
    assert "could not check your email address" in plan.summary


def test_everything_checked_and_nothing_found_keeps_the_plain_summary(tmp_path: Path) -> None:
    report = check([OTHER_PHONE], [_pack(tmp_path, [PHONE])])
    plan = plan_for_report(report, "zh_CN", catalog=CATALOG)
    assert plan.unchecked == () and plan.unchecked_note == ""
    assert not any(item.presumed for item in plan.items())


# --- kept in the vault -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_statuses", [True, False])
def test_statuses_survive_the_vault_and_older_checks_still_open(tmp_path: Path, with_statuses: bool) -> None:
    report = check([PHONE, EMAIL, PASSWORD], [_pack(tmp_path, [PHONE])])
    data = report_to_json(report)
    if not with_statuses:
        del data["identifiers"]  # a check saved before statuses existed
    again = report_from_json(data)
    assert again.identifiers == (report.identifiers if with_statuses else ())
    assert again.exposures == report.exposures
    if with_statuses:
        assert again.identifiers[2].reason is Reason.NO_DATA
