"""Demo identities for training mode, read from `resources/training/identities.json` (written with the demo pack).

They are made-up people whose details are in the demo pack, so help-desk staff can practise a whole check without
anyone's real data. Labels are shown in the person's language; values fill the input fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from exposurecheck.core.i18n import normalize_lang
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.resources import resource_path

_FIELDS = {kind.value: kind for kind in IdentifierType}


@dataclass(frozen=True)
class DemoIdentity:
    id: str
    label_en: str
    label_zh: str
    values: dict[IdentifierType, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return self.label_zh if normalize_lang(lang) == "zh_CN" and self.label_zh else self.label_en


def load_demo_identities() -> tuple[DemoIdentity, ...]:
    """The bundled demo identities; an empty tuple when the file is missing (training then fills nothing in)."""
    path = resource_path("training", "identities.json")
    if not path.is_file():
        return ()
    document = json.loads(path.read_text(encoding="utf-8"))
    raw = document.get("identities", []) if isinstance(document, dict) else document
    found = []
    for index, entry in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(entry, dict):
            continue
        values = {kind: str(entry[name]) for name, kind in _FIELDS.items() if isinstance(entry.get(name), str)}
        label = entry.get("label")
        label_en = label.get("en", "") if isinstance(label, dict) else str(entry.get("label_en") or label or "")
        label_zh = label.get("zh_CN", "") if isinstance(label, dict) else str(entry.get("label_zh") or "")
        ident = str(entry.get("id") or index + 1)
        found.append(DemoIdentity(ident, label_en or ident, label_zh, values))
    return tuple(found)
