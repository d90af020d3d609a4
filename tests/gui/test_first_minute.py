"""Issue 12.4 and 12.5: a data file from an unknown publisher asks with a dialog (never a command line), and trust is
stored as `exposure-check trust add` stores it; "Wipe everything" asks first, naming what will be lost, and reports
in plain words without file paths; "End session" says what it cleared. Real packs from the real builder, a real
passphrase vault, real widgets."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.fail
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt

from exposurecheck.core.catalog import Breach, Catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.trust import publisher_keys
from exposurecheck.core.vault.keystore import KeyringKeyStore
from exposurecheck.core.vault.store import Vault, vault_exists
from exposurecheck.gui.dialogs import ConfirmDialog, PublisherDialog, fingerprint_groups
from exposurecheck.gui.publisher_link import PublisherLink
from exposurecheck_server.pack.builder import build_pack
from tests.conftest import run_cli
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW, ListSource, all_texts

BREACH = "ngo_sample_2024"
CATALOG = Catalog([Breach(id=BREACH, title_en="Sample leak", title_zh="样本泄露", date="2024-03-01", pwn_count=600,
                          data_classes=("Phone numbers", "Names"), description_en="Made-up data for tests.",
                          description_zh="测试用的虚构数据。")])
TITLE = "Legal Aid Centre: sample leak data"


@pytest.fixture
def folders(tmp_path, monkeypatch) -> Path:
    """This computer's own folders in the test's: the trust store, settings and vault; no packs found by search."""
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.setenv(f"EXPOSURECHECK_{name}_DIR", str(tmp_path / name.lower()))
    monkeypatch.setenv("EXPOSURECHECK_PACK_DIRS", "")
    return tmp_path


def _unknown_pack(folder: Path) -> tuple[Path, bytes]:
    """A real pack holding the test phone number, signed by a key this computer has never seen."""
    key = Ed25519PrivateKey.generate()
    folder.mkdir(parents=True, exist_ok=True)
    filler = [Identifier(IdentifierType.PHONE, f"+86135{i:08d}") for i in range(500)]
    built = build_pack([*filler, Identifier(IdentifierType.PHONE, PHONE_CANONICAL)], out=folder / "ngo.ecpack",
                       catalog=CATALOG, breach=BREACH, signing_key=key, title=TITLE)
    return built.files[0], key.public_key().public_bytes_raw()


def _typed_phone(window) -> None:
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_an_unknown_publisher_is_asked_about_in_a_dialog_and_trusted_as_trust_add_would(
        qtbot, make_window, folders, lang):
    path, raw = _unknown_pack(folders / "stick")
    window = make_window(lang=lang)
    _typed_phone(window)
    window.use_pack_file(str(path))  # as "Open a data file…" does

    dialog = window.flow.publishers.dialog
    assert isinstance(dialog, PublisherDialog) and dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    assert TITLE in dialog.claims.text() and "ngo.ecpack" in dialog.claims.text()
    # The fingerprint in eight groups of four, numbered, to read aloud; the same groups `trust list` prints.
    fingerprint = publisher_keys.fingerprint(raw)
    groups = [label.text() for label in dialog.code.findChildren(type(dialog.claims), "publisherCodeGroup")]
    assert groups == fingerprint_groups(fingerprint) and len(groups) == 8 and all(len(g) == 4 for g in groups)
    shown = dialog.heading.text() + dialog.how.text() + dialog.means.text() + dialog.unsure.text()
    assert "trust add" not in shown and "exposure-check" not in shown, "no command line for the person"
    assert dialog.trust_button.text() in {"Trust this publisher", "信任这个发布者"}
    assert dialog.decline_button.text() in {"Don't use it", "不使用"}
    assert dialog.decline_button.isDefault(), "Enter by habit loses nothing"
    assert window.current_page() is window.details and not window.busy, "nothing runs before the answer"

    dialog.trust_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    assert publisher_keys.trusted_keys() == (raw,)
    listed = run_cli("trust", "list", env={"EXPOSURECHECK_CONFIG_DIR": str(folders / "config")})
    assert fingerprint in listed.stdout, "stored as `trust add` stores it"
    assert [e.type for e in window.session.report.exposures] == [IdentifierType.PHONE]
    assert window.flow.publishers.dialog is None


def test_dont_use_it_leaves_the_file_out_and_says_so_in_plain_words(qtbot, make_window, folders):
    path, _raw = _unknown_pack(folders / "stick")
    window = make_window(lambda _t: [ListSource({})])
    _typed_phone(window)
    window.use_pack_file(str(path))
    dialog = window.flow.publishers.dialog
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc is "Don't use it"
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    assert publisher_keys.trusted_keys() == ()
    problems = window.results.problems.text()
    assert "ngo.ecpack" in problems and "not to trust" in problems
    assert "trust add" not in all_texts(window) and "fingerprint" not in problems
    # Asked once per session: checking again does not ask again.
    window.start_check()
    assert window.flow.publishers.dialog is None
    window.end_session()
    assert window.flow.publishers.declined == set()


def test_files_that_are_damaged_or_fine_are_not_asked_about(folders):
    from exposurecheck.core.sources.pack import PackSource

    link = PublisherLink()
    not_a_pack = folders / "note.ecpack"
    not_a_pack.write_text("hello")
    demo = PackSource(Path(__file__).parents[2] / "resources" / "packs" / "demo.ecpack")
    review = link.review([PackSource(not_a_pack), demo], (), "en")
    assert review.ask is None and len(review.sources) == 2, "the check itself reports a damaged file"
    # A refused publisher reported by a source that could not even be opened: said without a command line.
    review = link.review([], (UserError("pack.error.unknown_publisher", file="x.ecpack", fingerprint="0"),), "en")
    assert [e.key for e in review.problems] == ["gui.publisher.unknown"]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_opening_the_dialogs_details_brings_them_into_view(qtbot, make_window, lang):
    """On a screen too small for the whole dialog, "Details" opens below the fold; pressing it must show them, not
    seem to do nothing (seen on the English screenshot at 1024×768)."""
    window = make_window(lang=lang)
    dialog = PublisherDialog(lang, "data_file", TITLE, "0123456789abcdef" * 2, file_name="ngo.ecpack",
                             parent=window)
    qtbot.addWidget(dialog)
    dialog.setMaximumHeight(360)  # a small screen: the text scrolls
    dialog.show()
    qtbot.waitExposed(dialog)
    viewport = dialog.text_area.viewport()

    def in_view(widget) -> bool:  # type: ignore[no-untyped-def]
        """Wholly in sight (or, if taller than the view, filling it from its top)."""
        top = widget.mapTo(viewport, widget.rect().topLeft()).y()
        return top >= 0 and top + min(widget.height(), viewport.height()) <= viewport.height()

    assert not in_view(dialog.details.text)
    dialog.details.button.click()
    qtbot.waitUntil(lambda: dialog.details.text.isVisible() and in_view(dialog.details.text), timeout=2_000)
    assert in_view(dialog.details.button), "the button that opened them stays in sight, to close them again"
    dialog.reject()


# --- wipe and end session ------------------------------------------------------------------------------------


def _vault_with_two_checks(window) -> Vault:
    keystore = KeyringKeyStore(keyring.backends.fail.Keyring())
    vault = Vault.open("a passphrase for the test", keystore=keystore)
    for _ in range(2):
        vault.save_check(window.session.report)
    window.vault_link.keystore = keystore
    window.vault_link.vault = vault
    window.saved.show_checks(vault.list_checks(), "")
    window.show_page(window.saved)
    return vault


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_wipe_everything_asks_first_and_reports_without_paths(qtbot, make_window, folders, lang):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})], lang=lang)
    _typed_phone(window)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    _vault_with_two_checks(window)
    assert vault_exists()

    window.saved.wipe_button.click()
    dialog = window.vault_link.wipe_dialog
    assert isinstance(dialog, ConfirmDialog) and dialog.isVisible()
    assert "2" in dialog.text.text() and ("saved checks" in dialog.text.text() or "次查询" in dialog.text.text())
    assert dialog.cancel_button.isDefault() and dialog.confirm_button.property("destructive") is True
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc keeps everything
    assert vault_exists() and window.current_page() is window.saved

    window.saved.wipe_button.click()
    window.vault_link.wipe_dialog.confirm_button.click()
    assert not vault_exists()
    assert window.current_page() is window.welcome
    said = window.welcome.status.text()
    assert window.welcome.status.isVisible() and said
    assert str(folders) not in said and "/" not in said and "\\" not in said, "no file paths"
    assert ("2 saved checks" in said) if lang == "en" else ("2次保存的查询" in said)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_end_session_says_what_it_cleared(qtbot, make_window, lang):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})], lang=lang)
    window.top.end_button.click()
    nothing = window.welcome.status.text()
    assert nothing in {"Session ended. There was nothing to clear.", "本次使用已结束。没有需要清除的内容。"}

    _typed_phone(window)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    window.results.item_cards[0].findChild(type(window.welcome.offline_box), "markDone").setChecked(True)
    window.top.end_button.click()
    said = window.welcome.status.text()
    if lang == "en":
        for part in ("the details you typed", "the results and the plan", "1 step marked done"):
            assert part in said
    else:
        for part in ("你输入的信息", "查询结果和应对计划", "1个“已完成”标记"):
            assert part in said
    assert PHONE_RAW not in said and "8000" not in said
    assert window.current_page() is window.welcome and window.welcome.status.isVisible()
