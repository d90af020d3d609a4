"""Every message key the GUI names exists in both languages (a typo would show a raw key on screen)."""

from __future__ import annotations

import re
from pathlib import Path

from exposurecheck.core.advice.model import SEVERITY_ORDER
from exposurecheck.core.i18n import catalog, plural_key
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import SourceState
from exposurecheck.gui.glance import URGENCY_LEVELS
from exposurecheck.gui.pages.details import REGIONS
from tests.conftest import REPO

GUI = REPO / "desktop" / "exposurecheck" / "gui"
OWN = [p for p in GUI.rglob("*.py") if p.name not in {"guided_view.py", "case_sheet.py"}]
KEY = re.compile(r"""["'](gui(?:\.[a-z0-9_]+)+)["']""")


def _literal_keys() -> set[str]:
    found: set[str] = set()
    for path in [*OWN, REPO / "desktop" / "exposurecheck" / "cli" / "gui_cmd.py"]:
        found |= set(KEY.findall(Path(path).read_text(encoding="utf-8")))
    return found


def _dynamic_keys() -> set[str]:
    keys = {f"gui.region.{code}" for code in REGIONS}
    keys |= {f"gui.checking.state.{state.value}" for state in SourceState} | {"gui.checking.state.running"}
    for kind in IdentifierType:
        keys |= {f"gui.details.field.{kind.value}", f"gui.details.placeholder.{kind.value}"}
    keys |= {"gui.consent.sends.hibp-passwords", "gui.consent.sends.service", "gui.consent.sends.other"}
    keys |= {f"gui.passphrase.{kind}{suffix}" for kind in ("create", "open") for suffix in ("", "_note")}
    keys |= {"gui.checking.title", "gui.checking.title_problem"}
    keys |= {f"gui.glance.urgency.{level}" for level in URGENCY_LEVELS}
    keys |= {f"gui.results.urgency.{level}" for level in (*SEVERITY_ORDER, "presumed")}  # a plan item's tag
    for kind in ("data_file", "profile"):
        keys |= {f"gui.publisher.{kind}.{part}" for part in (
            "window_title", "heading", "how_to_compare", "means", "unsure", "details", "trust", "decline")}
    return keys


def test_every_key_exists_in_both_languages():
    keys = _literal_keys() | _dynamic_keys()
    assert len(keys) > 100
    for lang in ("en", "zh_CN"):
        missing = sorted(k for k in keys if k not in catalog(lang))
        assert missing == [], lang


def test_no_unused_gui_keys():
    used = _literal_keys() | _dynamic_keys()
    # A plural form ("….one") is used wherever its general key is.
    unused = sorted(k for k in catalog("en") if k.startswith("gui.") and (plural_key(k) or k) not in used)
    assert unused == []
