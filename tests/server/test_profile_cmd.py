"""`exposure-check-admin profile build`: what it builds loads in the app; bad input is explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck.core.trust import profile as prof
from exposurecheck.core.trust.publisher_keys import fingerprint, read_public_key
from exposurecheck_server.cli import main as admin_main
from exposurecheck_server.keys import write_signing_key
from tests.conftest import run_cli
from tests.core.trust.test_profile import advice_document


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    write_signing_key(folder, comment="Safe Lines")
    return folder


def build_args(keys: Path, out: Path, *extra: str) -> list[str]:
    return [
        "profile",
        "build",
        "--name-en",
        "Safe Lines Network",
        "--name-zh",
        "安全热线网络",
        "--hotline",
        "400-000-0000",
        "--website",
        "https://safelines.example.org",
        "--email",
        "help@safelines.example.org",
        "--signing-key",
        str(keys / "publisher.key"),
        "--out",
        str(out),
        *extra,
    ]


@pytest.mark.parametrize(
    ("lang", "said"), [("C.UTF-8", "Organisation profile written"), ("zh_CN.UTF-8", "机构配置文件已写入")]
)
def test_build_says_what_it_wrote_in_the_operators_language(keys: Path, tmp_path: Path, lang: str, said: str) -> None:
    # It printed a bare path and an untranslated "fingerprint:" line.
    out = tmp_path / prof.FILE_NAME
    result = run_cli(*build_args(keys, out), admin=True, env={"LANG": lang})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(said) and str(out) in result.stdout
    assert fingerprint(read_public_key(keys / "publisher.pub")) in result.stdout


def test_build_from_the_command_line_loads_in_the_app(keys: Path, tmp_path: Path) -> None:
    advice = tmp_path / "advice.json"
    advice.write_text(json.dumps([advice_document("en"), advice_document("zh_CN", "拨打我们的热线")]), encoding="utf-8")
    extra_key = tmp_path / "keys2"
    write_signing_key(extra_key)
    out = tmp_path / "stick" / prof.FILE_NAME
    out.parent.mkdir()
    result = run_cli(
        *build_args(
            keys,
            out,
            "--advice",
            str(advice),
            "--trust-key",
            str(extra_key / "publisher.pub"),
            "--offline-only",
            "--default-source",
            "demo",
        ),
        admin=True,
    )
    assert result.returncode == 0, result.stderr
    signer = read_public_key(keys / "publisher.pub")
    assert fingerprint(signer) in result.stdout
    loaded = prof.load_profile(out, trusted_fingerprints={fingerprint(signer)})
    assert loaded.name("zh_CN") == "安全热线网络"
    assert loaded.email == "help@safelines.example.org"
    assert loaded.trusted_keys == (read_public_key(extra_key / "publisher.pub"),)
    assert loaded.offline_only
    assert loaded.default_sources == ("demo",)
    assert [d["lang"] for d in loaded.advice] == ["en", "zh_CN"]
    assert prof.discover_profile([out.parent]) == out


def test_passphrase_protected_key(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    write_signing_key(folder, passphrase=b"correct horse")
    out = tmp_path / prof.FILE_NAME
    wrong = run_cli(*build_args(folder, out, "--passphrase-stdin"), stdin="nope\n", admin=True)
    assert wrong.returncode == 2
    assert "Traceback" not in wrong.stderr
    assert not out.exists()
    right = run_cli(*build_args(folder, out, "--passphrase-stdin"), stdin="correct horse\n", admin=True)
    assert right.returncode == 0, right.stderr
    assert prof.load_profile(out).hotline == "400-000-0000"


@pytest.mark.parametrize(
    ("content", "key_name"),
    [
        ("not json", "helpdesk.admin.advice_not_json"),
        ('{"lang": "en", "entries": [{"id": "x"}]}', "helpdesk.profile.bad_advice_entry"),
        ("[1]", "helpdesk.profile.bad_advice"),
    ],
)
def test_bad_advice_file_is_explained(
    keys: Path, tmp_path: Path, content: str, key_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    advice = tmp_path / "advice.json"
    advice.write_text(content, encoding="utf-8")
    out = tmp_path / prof.FILE_NAME
    assert admin_main(build_args(keys, out, "--advice", str(advice))) == 2
    assert UserError(key_name).message("en").split("{")[0] in capsys.readouterr().err
    assert not out.exists()


def test_non_web_website_is_refused(keys: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = build_args(keys, tmp_path / prof.FILE_NAME)
    args[args.index("--website") + 1] = "file:///etc/passwd"
    assert admin_main(args) == 2
    assert "https://" in capsys.readouterr().err


def test_missing_signing_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert admin_main(build_args(tmp_path / "none", tmp_path / prof.FILE_NAME)) == 2
    assert capsys.readouterr().err.strip()


def test_profile_without_action_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert admin_main(["profile"]) == 2
    assert "build" in capsys.readouterr().out
