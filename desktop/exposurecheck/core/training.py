"""Training mode: made-up people in the bundled demo pack (`resources/training/identities.json`), offered on the
details page so staff can practise with details that belong to nobody.

Results from the demo pack are marked demo by the pack source itself, so every screen and sheet says DEMO.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang
from exposurecheck.core.identifiers import IdentifierType, InvalidIdentifier, normalize
from exposurecheck.resources import resource_path

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
