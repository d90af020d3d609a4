"""An NGO profile shapes `check`: its default sources apply when none are named, and its advice overrides ours."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.trust import profile as prof
from exposurecheck.resources import resource_path
from tests.conftest import run_cli

DEMO_PHONE = "+8613800138000"  # demo person A in resources/training/identities.json


def _profile(tmp_path: Path, *, confirmed: bool = True, **fields) -> Path:
    """A signed profile; `confirmed`: its key is in this computer's confirmation store (as after the window's
    "It matches" or `profile show --confirm`)."""
    body = prof.ProfileBody(name_en="Safe Lines Network", name_zh="安全热线网络", hotline="400-123-4567", **fields)
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    if confirmed:
        prof.confirm(prof.load_profile(path))
    return path


def _overridden_sim_pin_entry() -> dict:
    entries = json.loads(resource_path("advice", "entries.en.json").read_text(encoding="utf-8"))["entries"]
    entry = copy.deepcopy(next(e for e in entries if e["code"] == "P-01"))
    entry["title"] = "Call the Safe Lines desk to set your SIM PIN together"
    return entry


def test_profile_default_sources_and_advice_are_used(tmp_path: Path) -> None:
    path = _profile(
        tmp_path,
        default_sources=("demo",),
        advice=({"lang": "en", "entries": [_overridden_sim_pin_entry()]},),
    )
    result = run_cli("check", "--phone", DEMO_PHONE, "--json", "--lang", "en", env={"EXPOSURECHECK_PROFILE": str(path)})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [s["name"] for s in report["sources"]] == ["demo"]
    assert report["exposures"]
    assert report["exposures"][0]["demo"] is True
    titles = {a["code"]: a["title"] for a in report["advice"]}
    assert titles["P-01"] == "Call the Safe Lines desk to set your SIM PIN together"


def test_sources_named_on_the_command_line_win_over_the_profile(tmp_path: Path) -> None:
    path = _profile(tmp_path, default_sources=("demo",))
    result = run_cli(
        "check", "--phone", DEMO_PHONE, "--source", "hibp-passwords=http://127.0.0.1:9", "--json",
        env={"EXPOSURECHECK_PROFILE": str(path)},
    )  # fmt: skip
    assert [s["name"] for s in json.loads(result.stdout)["sources"]] == ["hibp-passwords"]


def test_tampered_profile_is_not_used(tmp_path: Path) -> None:
    path = _profile(tmp_path, default_sources=("demo",))
    path.write_bytes(path.read_bytes().replace(b"400-123-4567", b"400-666-6666"))
    result = run_cli("check", "--phone", DEMO_PHONE, "--json", env={"EXPOSURECHECK_PROFILE": str(path)})
    names = [s["name"] for s in json.loads(result.stdout)["sources"]]
    assert "demo" not in names  # the tampered profile's sources are ignored: the plain defaults apply
    assert result.stderr.strip()  # and the person is told why


def test_the_questionnaire_on_the_command_line_uses_the_profiles_advice_too(tmp_path: Path) -> None:
    # `presumed` left a confirmed profile's entries out, while `check` and the window's questionnaire use them.
    path = _profile(tmp_path, advice=({"lang": "en", "entries": [_overridden_sim_pin_entry()]},))
    args = ("presumed", "--answer", "shanghai_before_2022=yes", "--json", "--lang", "en")
    confirmed = run_cli(*args, env={"EXPOSURECHECK_PROFILE": str(path)})
    titles = {a["code"]: a["title"] for a in json.loads(confirmed.stdout)["advice"]}
    assert titles["P-01"] == "Call the Safe Lines desk to set your SIM PIN together"
    (tmp_path / "other").mkdir()
    unconfirmed = _profile(tmp_path / "other", confirmed=False,
                           advice=({"lang": "en", "entries": [_overridden_sim_pin_entry()]},))  # fmt: skip
    result = run_cli(*args, env={"EXPOSURECHECK_PROFILE": str(unconfirmed)})
    titles = {a["code"]: a["title"] for a in json.loads(result.stdout)["advice"]}
    assert titles["P-01"] == "Lock your SIM card with a PIN"  # not confirmed: not used, and the person is told
    assert "not used" in result.stderr
