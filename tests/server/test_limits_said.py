"""`pack build` and `kit build` say what a pack cannot hide, every time, where the operator reads it: after the
summary, or on stderr when stdout is JSON for a script (which must stay valid JSON)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, cli_env
from tests.support.app_bundle import write_app_stand_in

REMINDER_EN = "anyone holding this pack can test every Chinese mobile number against it in 8-25 minutes"
REMINDER_ZH = "任何拿到这个数据包的人"


def _admin(tmp: Path, *args: str, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = cli_env({"LANG": lang, "EXPOSURECHECK_CONFIG_DIR": str(tmp / "cfg")})
    return subprocess.run([sys.executable, "-m", "exposurecheck_server", *args], capture_output=True, text=True,
                          env=env, timeout=300, check=False, stdin=subprocess.DEVNULL)


def test_pack_and_kit_build_remind_who_may_hold_a_pack(tmp_path: Path) -> None:
    assert _admin(tmp_path, "keygen", "--out", str(tmp_path / "keys"), "--unencrypted").returncode == 0
    breach = tmp_path / "breach.csv"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_synthetic_breach.py"), "--out", str(breach),
                    "--rows", "300"], check=True)
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps([{"Name": "Shop", "Title": "Shop", "BreachDate": "2024-03-01",
                                    "DataClasses": ["Phone numbers"]}]), encoding="utf-8")
    common = ["pack", "build", "--format", "csv", "--map", "phone=phone", "--breach", "Shop", "--catalog",
              str(catalog), "--signing-key", str(tmp_path / "keys" / "publisher.key"), "--input", str(breach),
              "--quiet"]
    text = _admin(tmp_path, *common, "--out", str(tmp_path / "a.ecpack"))
    assert text.returncode == 0, text.stderr
    assert REMINDER_EN in text.stdout
    scripted = _admin(tmp_path, *common, "--json", "--out", str(tmp_path / "b.ecpack"))
    assert scripted.returncode == 0, scripted.stderr
    json.loads(scripted.stdout)  # still pure JSON
    assert REMINDER_EN in scripted.stderr
    chinese = _admin(tmp_path, *common, "--out", str(tmp_path / "c.ecpack"), lang="zh_CN.UTF-8")
    assert REMINDER_ZH in chinese.stdout

    profile = tmp_path / "profile.ecprofile"
    assert _admin(tmp_path, "profile", "build", "--name-en", "Safe Lines", "--signing-key",
                  str(tmp_path / "keys" / "publisher.key"), "--out", str(profile)).returncode == 0
    bundle = write_app_stand_in(tmp_path / "bundle" / "exposure-check" / "exposure-check").parent
    kit = _admin(tmp_path, "kit", "build", "--out", str(tmp_path / "kit"), "--bundle", str(bundle), "--pack",
                 str(tmp_path / "a.ecpack"), "--profile", str(profile), "--signing-key",
                 str(tmp_path / "keys" / "publisher.key"))
    assert kit.returncode == 0, kit.stderr
    assert REMINDER_EN in kit.stdout
