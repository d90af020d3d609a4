"""Training mode: made-up people in the bundled demo pack, and the practice paths help-desk staff walk through.

Every path runs on this computer only: the demo pack is a local file, and the "source unreachable" path points
Pwned Passwords at a closed port on 127.0.0.1, so no identifier — real or made up — leaves the machine.

The paths:
- `nothing_found`: a demo person who is not in the demo breach;
- `one_leak`: one detail (an email address) of a demo person who is;
- `many_leaks`: every detail of that person (phone, email and ID number are all found);
- `source_unreachable`: a practice password checked against a source that cannot be reached, next to the demo pack.

Results from the demo pack are marked demo by the pack source itself, so every screen and sheet says DEMO.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang, tr
from exposurecheck.core.identifiers import Identifier, IdentifierType, InvalidIdentifier, normalize
from exposurecheck.core.report import Report
from exposurecheck.resources import resource_path

DEMO_SOURCE = "demo"
# Port 9 ("discard") on loopback: nothing listens there, so the connection is refused at once, without a network.
UNREACHABLE_SOURCE = "hibp-passwords=http://127.0.0.1:9"
# Made up for practice; it is only ever sent (as a 5-character hash prefix) to the unreachable loopback address.
PRACTICE_PASSWORD = "practice-only-7f3k"  # noqa: S105 -- not a secret: a value for training mode
PATH_IDS = ("nothing_found", "one_leak", "many_leaks", "source_unreachable")
_FIELDS = (IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID, IdentifierType.USERNAME)


@dataclass(frozen=True)
class DemoIdentity:
    """A made-up person from `resources/training/identities.json`; `expect` is "found" or "not_found"."""

    label_en: str
    label_zh: str
    values: tuple[tuple[IdentifierType, str], ...]
    expect: str

    def label(self, lang: str) -> str:
        return self.label_zh if normalize_lang(lang) == "zh_CN" and self.label_zh else self.label_en

    def value(self, kind: IdentifierType) -> str | None:
        return next((v for k, v in self.values if k is kind), None)


@dataclass(frozen=True)
class PracticePath:
    """One thing staff can practise: which demo details to enter, which sources to use, what they should see."""

    id: str
    values: tuple[tuple[IdentifierType, str], ...]
    source_specs: tuple[str, ...]
    password: str | None = None

    def title(self, lang: str) -> str:
        return tr(f"helpdesk.training.{self.id}.title", lang)

    def description(self, lang: str) -> str:
        """What to enter and what the person will see, in plain words, for the trainer's notes."""
        return tr(f"helpdesk.training.{self.id}.description", lang)

    def identifiers(self) -> list[Identifier]:
        found = [normalize(kind, raw) for kind, raw in self.values]
        if self.password is not None:
            found.append(normalize(IdentifierType.PASSWORD, self.password))
        return found


def load_identities() -> tuple[DemoIdentity, ...]:
    """The demo identities shipped with the demo pack.

    Raises `UserError("helpdesk.training.missing")` when the file is not there and
    `UserError("helpdesk.training.invalid")` when it is damaged or holds a value that is not a valid identifier.
    """
    path = resource_path("training", "identities.json")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError("helpdesk.training.missing") from None
    except (OSError, ValueError):
        raise UserError("helpdesk.training.invalid") from None
    raw = document.get("identities") if isinstance(document, dict) else document
    if not isinstance(raw, list) or not raw:
        raise UserError("helpdesk.training.invalid")
    return tuple(_identity(entry) for entry in raw)


def available_identities() -> tuple[DemoIdentity, ...]:
    """The demo identities, or none when the file is missing or damaged: the window then offers nothing to fill
    in, while `load_identities` (used by the practice paths and their tests) says what is wrong."""
    try:
        return load_identities()
    except UserError:
        return ()


def _identity(entry: object) -> DemoIdentity:
    if not isinstance(entry, dict) or entry.get("expect") not in ("found", "not_found"):
        raise UserError("helpdesk.training.invalid")
    values = []
    for kind in _FIELDS:
        value = entry.get(kind.value)
        if value is None:
            continue
        if not isinstance(value, str):
            raise UserError("helpdesk.training.invalid")
        try:
            normalize(kind, value)
        except InvalidIdentifier:
            raise UserError("helpdesk.training.invalid") from None
        values.append((kind, value))
    if not values:
        raise UserError("helpdesk.training.invalid")
    label_en = str(entry.get("label_en") or "")
    return DemoIdentity(label_en, str(entry.get("label_zh") or label_en), tuple(values), str(entry["expect"]))


def practice_paths(identities: Sequence[DemoIdentity] | None = None) -> tuple[PracticePath, ...]:
    """The four practice paths, built from the demo identities (in PATH_IDS order)."""
    people = tuple(identities) if identities is not None else load_identities()
    found = next((p for p in people if p.expect == "found"), None)
    missing = next((p for p in people if p.expect == "not_found"), None)
    if found is None or missing is None:
        raise UserError("helpdesk.training.invalid")
    email = found.value(IdentifierType.EMAIL)
    one = ((IdentifierType.EMAIL, email),) if email else found.values[:1]
    return (
        PracticePath("nothing_found", missing.values, (DEMO_SOURCE,)),
        PracticePath("one_leak", one, (DEMO_SOURCE,)),
        PracticePath("many_leaks", found.values, (DEMO_SOURCE,)),
        PracticePath(
            "source_unreachable", missing.values[:1], (DEMO_SOURCE, UNREACHABLE_SOURCE), password=PRACTICE_PASSWORD
        ),
    )


def run_practice(path: PracticePath) -> Report:
    """Run a practice path's check from start to end (what the GUI does, without the GUI)."""
    from exposurecheck.core.check import check
    from exposurecheck.core.sources.registry import build_source

    return check(path.identifiers(), [build_source(spec) for spec in path.source_specs])
