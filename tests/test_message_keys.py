"""Every message key the code uses exists in both catalogs, and the catalogs hold no key nothing uses.

A key lost from `resources/i18n/*.json` does not crash anything: `tr` shows the bare key, in a dialog or a
terminal, which is how `pack.build.spark_missing` went unnoticed after a later commit dropped it. This test reads
`desktop/` and `server/` (tests/support/message_keys.py): the literal keys passed to `tr` and to every function,
method or class that passes a key on (found, not listed), key-shaped strings wherever they stand, and the keys built
with f-strings, each expanded below from where its values come from.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from enum import Enum
from functools import cache
from pathlib import Path

from exposurecheck.core.advice.model import PLATFORMS, SEVERITY_ORDER, WHEN_ORDER
from exposurecheck.core.i18n import LANGUAGES, catalog, plural_key
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.protocol import privacy
from exposurecheck.core.report import Outcome, Reason, SourceState
from tests.conftest import REPO
from tests.support.message_keys import (
    Code,
    KeyUse,
    key_uses,
    keylike_patterns,
    keylike_strings,
    read_code,
    taker_defaults,
)

DESKTOP = REPO / "desktop"
SERVER = REPO / "server"
PACKAGE = DESKTOP / "exposurecheck"


@cache
def code() -> Code:
    return read_code([DESKTOP, SERVER])


@cache
def uses() -> tuple[list[KeyUse], list[tuple[Path, int, str]]]:
    found, unreadable = key_uses(code())
    return found + list(taker_defaults(code())), unreadable


def constant(path: Path, name: str) -> tuple[str, ...]:
    """A module-level tuple of strings, read without importing its module (some import Qt)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                values = (
                    node.value.elts
                    if isinstance(node.value, ast.Tuple) and isinstance(target, ast.Tuple)
                    else [node.value]
                )
                for each, value in zip(names, values, strict=True):
                    if isinstance(each, ast.Name) and each.id == name:
                        found = ast.literal_eval(value)
                        return tuple(found) if isinstance(found, tuple) else (found,)
    raise AssertionError(f"{name} not found in {path}")


def _values(members: Iterable[Enum]) -> tuple[str, ...]:
    return tuple(str(member.value) for member in members)


KINDS = _values(IdentifierType)
# The kinds of source registry.build_source makes, as their names start (`pack=PATH`, `service=URL`, ...).
SOURCE_KINDS = ("hibp-passwords", "pack", "demo", "service")
# The stages builders report through their progress callbacks (pack/builder.py, service/build.py call
# `progress("sorting", n)`), read from those calls; "hashing" happens while reading and is never shown.
STAGES = tuple(
    sorted(
        {
            str(node.args[0].value)
            for path in (SERVER / "exposurecheck_server").rglob("*.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "progress"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
        }
        - {"hashing"}
    )
)  # fmt: skip
# Why a row or value of an input was rejected (ingest/rows.py `Rejected(...)`, ingest/worker.py's counters),
# and the kinds the ingest accepts (an identifier kind minus the password, which no pack or service holds).
INGEST_KINDS = tuple(k for k in KINDS if k != "password")
ROW_REASONS = ("broken_quoting", "wrong_column_count", "line_too_long", "not_json", "undecodable_line", "empty")
INGEST_REASONS = ROW_REASONS + tuple(f"{why}_{kind}" for why in ("invalid", "undecodable") for kind in INGEST_KINDS)

# Keys built with f-strings whose placeholder the code around them does not pin down: each pattern, why its values
# are what they are, and every key it makes. A new f-string key fails test_every_f_string_key_is_expanded_here
# until it is added here.
PATTERNS: dict[str, tuple[str, ...]] = {
    # Plan groups, by when their items are due (advice/plan.py).
    "advice.group.{}": WHEN_ORDER,
    # The things a summary names ("your phone number and ID number"): plan._ITEM_ORDER.
    "advice.item.{}": constant(PACKAGE / "core/advice/plan.py", "_ITEM_ORDER"),
    # A step's platform ("iPhone: ..."), the schema's enum.
    "advice.platform.{}": PLATFORMS,
    # A source row's state on the checking page, plus "running" while it works.
    "gui.checking.state.{}": (*_values(SourceState), "running"),
    # What the consent page says each network source receives: only these two have their own line
    # (consent.py tests the name first, everything else says gui.consent.sends.other).
    "gui.consent.sends.{}": ("hibp-passwords", "service"),
    # The details form's field and placeholder per identifier kind.
    "gui.details.field.{}": KINDS,
    "gui.details.placeholder.{}": KINDS,
    # How urgent a plan is, at a glance (glance.URGENCY_LEVELS).
    "gui.glance.urgency.{}": constant(PACKAGE / "gui/glance.py", "URGENCY_LEVELS"),
    # The phone-number regions offered on the details page.
    "gui.region.{}": constant(PACKAGE / "gui/pages/details.py", "REGIONS"),
    # A plan item's tag: its severity, or "presumed" for a step that rests on what is known of large leaks.
    "gui.results.urgency.{}": (*SEVERITY_ORDER, "presumed"),
    # Guided mode's phone-type choice and an item's state (done, skipped).
    "helpdesk.guided.phone.{}": constant(PACKAGE / "gui/pages/guided_view.py", "PHONE_TYPES"),
    "helpdesk.guided.state.{}": constant(PACKAGE / "gui/pages/guided_view.py", "DONE")
    + constant(PACKAGE / "gui/pages/guided_view.py", "SKIPPED"),
    # An identifier kind in words, everywhere.
    "identifier.type.{}": KINDS,
    # The build summary: rejection reasons, accepted kinds, and the entries row of each builder
    # (BuildOutput.builder is "pack" or "service").
    "ingest.reason.{}": INGEST_REASONS,
    "ingest.type.{}": INGEST_KINDS,
    "ingest.summary.entries_{}": ("pack", "service"),
    # A typed identifier's one answer: its line per outcome, and why it was not checked. NO_DATA says it per kind
    # ("this copy has no leak data for phone numbers"), so it has no plain outcome.reason.no_data.
    "outcome.line.{}": _values(Outcome),
    "outcome.reason.{}": tuple(r.value for r in Reason if r is not Reason.NO_DATA),
    "outcome.reason.no_data.{}": KINDS,
    # `pack info`'s line about the publisher: PackInfo.publisher_trust.
    "pack.cli.publisher.{}": ("pinned", "added", "demo", "unknown"),
    # "What left this computer" for a lookup service: the candidates left per kind, for the kinds whose number
    # space privacy.py knows (a username or an email has no such bound).
    "service.sent.candidates.{}": tuple(k.value for k in IdentifierType if privacy.candidates(k, 16) is not None),
    # Source names: the technical one for details, the plain one for the main text (i18n.source_label and
    # plain_source_label try `name` whole, then its kind, and fall back when neither exists).
    "source.{}": SOURCE_KINDS,
    "source.plain.{}": SOURCE_KINDS,
    # The keyring's part of the wipe report: removed / absent, or why the keyring could not be asked
    # (KeystoreUnavailable.reason; "none" when there is no keyring at all).
    "vault.wipe.keyring.{}": ("removed", "absent", "none", "locked", "refused", "damaged"),
}
# Builders report their stages through callbacks the analysis cannot follow (`progress.stage` passed as a function).
CALLBACK_KEYS = tuple(f"ingest.{part}.{stage}" for part in ("stage", "unit") for stage in STAGES)
# Messages no code under desktop/ or server/ uses, kept on purpose, and why. None today: the practice paths' titles
# and notes, which only tests used, moved out of the catalogs into tests/support/practice.py.
KEPT: dict[str, str] = {}
# Counted messages whose English reads right without a singular form, and why.
NO_SINGULAR = {
    "pack.cli.entries": "'Entries: 1 (...)' is a label and a number",
    "kit.file_missing": "'({count} missing in all)' reads right for 1",
    "kit.file_added": "'({count} in all)' reads right for 1",
    "pack.error.shard_missing": "only for a pack of 2 or more parts (opening._open_other_shards)",
    "service.sent.blinded": "a batch is never below the floor of 8 (protocol floors)",
    "service.sent.buckets": "buckets per check are never below the floor of 8 (protocol floors)",
}


def expanded() -> set[str]:
    return {pattern.replace("{}", value) for pattern, values in PATTERNS.items() for value in values}


def used_keys() -> set[str]:
    found, _ = uses()
    keys = {key for use in found for key in use.keys} | expanded() | set(CALLBACK_KEYS)
    areas = {key.split(".", 1)[0] for key in catalog("en")}
    return keys | {value for _path, _line, value in keylike_strings(code(), areas)}


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(REPO)}:{line}"


def test_the_analysis_finds_the_helpers_that_take_keys() -> None:
    """A check on the checker: the helpers named in this round's review are found without being listed."""
    takers = {d.name for defs in code().defs.values() for group in defs.values() for d in group if d.takers}
    expected = {"tr", "t", "UserError", "InvalidIdentifier", "SentLine", "sent_line", "SourceStatus",
                "BoundedInflater", "inflate_bounded", "_read_limited", "_unpack", "_get", "set_texts", "_say",
                "KeystoreUnavailable", "SetAside", "LoadedSettings", "PublisherDialog"}  # fmt: skip
    assert expected <= takers, expected - takers
    found, _ = uses()
    assert len(found) > 800
    assert any("pack.build.spark_missing" in use.keys for use in found)  # server/.../spark/session.py


def test_every_literal_key_exists_in_both_languages() -> None:
    found, _ = uses()
    for lang in LANGUAGES:
        messages = catalog(lang)
        missing = sorted(f"{_where(u.path, u.line)} {key}" for u in found for key in u.keys if key not in messages)
        assert missing == [], lang


def test_every_key_shaped_string_exists_in_both_languages() -> None:
    """Keys kept in tables or constants, which no call shows: any `area.word` string of a known area."""
    areas = {key.split(".", 1)[0] for key in catalog("en")}
    file_names = {"settings.json", "vault.ecv", "kit.json"}  # names of the app's files, not messages
    strings = [(p, n, v) for p, n, v in keylike_strings(code(), areas) if v not in file_names]
    assert len(strings) > 800
    for lang in LANGUAGES:
        missing = sorted(f"{_where(p, n)} {v}" for p, n, v in strings if v not in catalog(lang))
        assert missing == [], lang


def test_every_f_string_key_is_expanded_here() -> None:
    found, _ = uses()
    areas = {key.split(".", 1)[0] for key in catalog("en")}
    in_code = {(p, u.path, u.line) for u in found for p in u.patterns}
    in_code |= {(p, path, line) for path, line, p in keylike_patterns(code(), areas)}
    undeclared = sorted(f"{_where(path, line)} {p}" for p, path, line in in_code if p not in PATTERNS)
    assert undeclared == []
    stale = sorted(set(PATTERNS) - {p for p, _, _ in in_code})
    assert stale == []  # a pattern the code no longer builds: take it out of PATTERNS


def test_every_expanded_key_exists_in_both_languages() -> None:
    assert all(PATTERNS.values()) and STAGES
    for lang in LANGUAGES:
        missing = sorted(key for key in expanded() | set(CALLBACK_KEYS) if key not in catalog(lang))
        assert missing == [], lang


def test_counted_messages_have_their_english_singular() -> None:
    """A message called with count= and showing the count needs its `.one` form in English ("1 leak")."""
    found, _ = uses()
    en = catalog("en")
    lacking = sorted(
        f"{_where(u.path, u.line)} {key}" for u in found if u.counted for key in u.keys
        if "{count}" in en.get(key, "") and f"{key}.one" not in en and key not in NO_SINGULAR
    )  # fmt: skip
    assert lacking == []
    assert all(f"{key}.one" not in en for key in NO_SINGULAR)  # one that gained its form: take it off the list


def test_only_known_calls_hide_their_key() -> None:
    """The calls whose key this file cannot see: a saved check's stored error key is the only one."""
    _, unreadable = uses()
    assert [p for p, _, _ in unreadable] == [PACKAGE / "core/vault/codec.py"], unreadable


def test_no_message_is_left_that_nothing_uses() -> None:
    used = used_keys()
    unused = sorted(k for k in catalog("en") if (plural_key(k) or k) not in used | set(KEPT))
    assert unused == []
    assert not used & set(KEPT)  # a kept message the code uses again: take it off the list
