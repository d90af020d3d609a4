"""`exposure-check check`'s text output names sources in the window's plain words (issue 12.9): "Online password
check", "Data file on this computer", never a service brand or "pack" / "数据包"; `--json` keeps the technical names
scripts rely on. Real CLI processes in a throwaway home; the password service is a real server on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exposurecheck.core.i18n import catalog, plain_source_label
from tests.conftest import run_cli
from tests.core.packs.conftest import make_pack
from tests.support.loopback import Reply, loopback_server

PLAIN = {
    "en": {"hibp-passwords": "Online password check", "pack": "Data file on this computer"},
    "zh_CN": {"hibp-passwords": "在线密码泄露查询", "pack": "本机上的数据文件"},
}
# Words for the technical names (a file name such as "test.ecpack" may of course be quoted).
TECHNICAL = {"en": (r"Pwned", r"\b[Pp]acks?\b"), "zh_CN": (r"Pwned", r"数据包", r"泄露密码库")}


@pytest.fixture(scope="module")
def unknown_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real signed data file whose publisher nobody added: the check reports it as that source's problem."""
    return make_pack(tmp_path_factory.mktemp("pack"), count=200).path


def text_check(lang: str, password_url: str, pack: Path) -> str:
    home = pack.parent / f"home-{lang}"
    home.mkdir(exist_ok=True)
    result = run_cli(
        "check", "--password-stdin", "--phone", "13800138000", "--lang", lang,
        "--source", f"hibp-passwords={password_url}", "--source", f"pack={pack}",
        stdin="correct horse battery staple\n", env={"HOME": str(home)},
    )  # fmt: skip
    assert result.returncode == 3, result.stderr  # every source failed, and the text says so plainly
    assert "Traceback" not in result.stderr
    return result.stdout


def test_the_plain_labels_are_the_ones_the_command_line_uses() -> None:
    # The window shows the same words: its source_label is plain_source_label (tests/gui/test_plain_words.py).
    for lang, labels in PLAIN.items():
        for name, label in labels.items():
            assert catalog(lang)[f"source.plain.{name}"] == label
            assert plain_source_label(f"{name}=x" if name != "demo" else name, lang) == label


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_text_output_names_sources_in_plain_words(lang: str, unknown_pack: Path) -> None:
    with loopback_server() as server:
        server.set("/range/", Reply(500, b"busy"))
        out = text_check(lang, server.url, unknown_pack)
    lines = out.splitlines()
    for name, label in PLAIN[lang].items():
        assert any(line.startswith(label) for line in lines), (name, out)
    for word in TECHNICAL[lang]:
        assert not re.search(word, out), word


def test_json_keeps_the_technical_source_names(unknown_pack: Path) -> None:
    with loopback_server() as server:
        server.set("/range/", Reply(500, b"busy"))
        result = run_cli(
            "check", "--password-stdin", "--json", "--source", f"hibp-passwords={server.url}",
            "--source", f"pack={unknown_pack}", stdin="correct horse battery staple\n",
        )  # fmt: skip
    names = [source["name"] for source in json.loads(result.stdout)["sources"]]
    assert names == ["hibp-passwords", "pack"]


def test_a_found_line_names_the_source_plainly() -> None:
    identities = json.loads((Path(__file__).resolve().parents[2] / "resources/training/identities.json").read_text())
    person = next(p for p in identities if p["expect"] == "found")
    for lang in ("en", "zh_CN"):
        out = run_cli("check", "--source", "demo", "--phone", person["phone"], "--lang", lang).stdout
        assert catalog(lang)["source.plain.demo"] in out
        assert catalog(lang)["source.demo"] not in out  # "Demo pack (practice data)" / "演示数据包（练习用）"
