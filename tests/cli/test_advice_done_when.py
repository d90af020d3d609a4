"""Issue 14's done-when, the way a help desk would see it: the real `exposure-check` in both languages. A phone
number and an ID number found in a real signed data file whose breach is the 2022 Shanghai police leak get Today =
the SIM PIN (lock-out warning first, default tried once), the service password and the fake-police warning; the
questionnaire adds the police-records entry only when the person says their name is in police records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.catalog import load_bundled_catalog
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.trust.publisher_keys import format_public_key
from exposurecheck_server.pack.builder import build_pack
from tests.conftest import run_cli

SHANGHAI = "shanghai_police_2022"
PHONE = "+8613800138000"
CN_ID = "11010519491231002X"
DEFAULT_PIN = ("1234", "0000")


@pytest.fixture(scope="module")
def shanghai_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """A real pack for the Shanghai breach holding the phone and ID number, its publisher's key file, a fresh HOME."""
    folder = tmp_path_factory.mktemp("advice_done_when")
    key = Ed25519PrivateKey.generate()
    rows = [Identifier(IdentifierType.PHONE, f"+86135{i:08d}") for i in range(300)]
    rows += [Identifier(IdentifierType.PHONE, PHONE), Identifier(IdentifierType.CN_ID, CN_ID)]
    built = build_pack(rows, out=folder / "shanghai.ecpack", catalog=load_bundled_catalog(), breach=SHANGHAI,
                       signing_key=key)
    pub = folder / "publisher.pub"
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    pub.write_text(format_public_key(raw, "test publisher"), encoding="utf-8")
    home = folder / "home"
    home.mkdir()
    return built.files[0], pub, {"HOME": str(home), "EXPOSURECHECK_CONFIG_DIR": str(home / "config")}


def _today(advice: list[dict]) -> list[str]:
    return [item["code"] for item in advice if item["when"] == "today"]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_shanghai_phone_and_id_today_is_sim_pin_service_password_fake_police(lang: str, shanghai_pack) -> None:
    pack, pub, env = shanghai_pack
    result = run_cli("check", "--phone", PHONE, "--cn-id", CN_ID, "--source", f"pack={pack}", "--trust", str(pub),
                     "--json", "--lang", lang, env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [i["status"] for i in data["identifiers"]] == ["found", "found"]
    assert {b["id"] for e in data["exposures"] for b in e["breaches"]} == {SHANGHAI}
    advice = data["advice"]
    assert _today(advice) == ["P-01", "P-02", "S-02"]
    assert all(not item["presumed"] for item in advice)  # found by a check, not an estimate
    sim = next(item for item in advice if item["code"] == "P-01")
    texts = sim["steps"]  # each as shown, with its platform label ("iPhone: ...") where it has one
    warning = next(i for i, text in enumerate(texts) if "PUK" in text)
    first_pin = next(i for i, text in enumerate(texts) if any(pin in text for pin in DEFAULT_PIN))
    assert warning == 0 < first_pin  # read before any PIN is typed
    assert not texts[0].startswith(tr("advice.platform.carrier", lang))  # not shown as a carrier-only step
    assert ("once" if lang == "en" else "只试一次") in texts[first_pin]
    police = " ".join(next(item for item in advice if item["code"] == "S-02")["steps"])
    assert ("safe account" if lang == "en" else "安全账户") in police
    assert "R-03" not in [item["code"] for item in advice]  # a check alone never says someone is in police records
    # The text a help desk reads on screen has the same Today, in the same order.
    text = run_cli("check", "--phone", PHONE, "--cn-id", CN_ID, "--source", f"pack={pack}", "--trust", str(pub),
                   "--lang", lang, env=env).stdout
    today_title = "== Today ==" if lang == "en" else "== 今天 =="
    after = text.split(today_title, 1)[1].split("==", 1)[0]
    assert [line.split("]")[0] + "]" for line in after.strip().splitlines()] == ["[P-01]", "[P-02]", "[S-02]"]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_questionnaire_adds_police_records_only_when_the_person_says_so(lang: str) -> None:
    def codes(*answers: str) -> list[dict]:
        args = [arg for answer in answers for arg in ("--answer", answer)]
        result = run_cli("presumed", *args, "--json", "--lang", lang)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["advice"]

    named = codes("shanghai_before_2022=yes", "police_named=yes")
    assert "R-03" in [item["code"] for item in named]
    assert _today(named) == ["P-01", "P-02", "S-02"]
    assert "R-03" not in [item["code"] for item in codes("shanghai_before_2022=yes")]
    assert "R-03" not in [item["code"] for item in codes("shanghai_before_2022=yes", "police_named=no")]
