"""Every command that signs checks its arguments before it asks for the signing key's passphrase: a wrong
--valid-days, a missing input or a file that is not a manifest fails on the argument at once, instead of after the
operator typed a long passphrase at the terminal. Driven through a real pseudo-terminal with an encrypted key, as an
operator runs them; a correct command still asks (the control), so "no prompt" is not simply "never prompts"."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from exposurecheck_server.keys import load_signing_key
from tests.conftest import REPO, cli_env
from tests.server.service.site_helpers import Keys, build, make_keys
from tests.support.terminal import on_a_terminal

PASSPHRASE = "long passphrase typed for nothing"
PROMPT = "Passphrase for"


class Typist:
    """Types the passphrase at every prompt, and remembers whether it was asked at all."""

    def __init__(self) -> None:
        self.asked = 0

    def __call__(self, since: bytes) -> str | None:
        if PROMPT.encode() in since and since.rstrip().endswith(b":"):
            self.asked += 1
            return PASSPHRASE
        return None


def admin(*args: str, lang: str = "en") -> tuple[int, str, int]:
    """(exit code, screen, passphrase prompts) of `exposure-check-admin ARGS` at a terminal."""
    typist = Typist()
    env = cli_env({"LANG": "zh_CN.UTF-8" if lang == "zh_CN" else "C.UTF-8"})
    code, screen = on_a_terminal([sys.executable, "-m", "exposurecheck_server", *args], typist, env=env, timeout=120)
    return code, screen, typist.asked


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A built site, its keys, the same signing key encrypted with PASSPHRASE, a catalog and a small input file."""
    root = tmp_path_factory.mktemp("signing")
    keys: Keys = make_keys(root / "keys")
    site = build(keys, root / "site", filler=20)
    encrypted = root / "encrypted.key"
    encrypted.write_bytes(
        load_signing_key(keys.signing_key).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    catalog = root / "catalog.json"
    catalog.write_bytes((REPO / "resources" / "catalog" / "breaches.json").read_bytes())
    rows = root / "in.csv"
    rows.write_text("phone\n" + "".join(f"1350000{n:04d}\n" for n in range(200)), encoding="utf-8")
    not_a_manifest = root / "notes.json"
    not_a_manifest.write_text('{"hello": "world"}', encoding="utf-8")
    random_bytes = root / "exposure-check"
    random_bytes.write_bytes(bytes(range(256)) * 8)
    return {
        "root": root, "site": site, "key": encrypted, "oprf": keys.oprf_key, "bucketing": keys.bucketing_key,
        "catalog": catalog, "rows": rows, "not_a_manifest": not_a_manifest, "random_bytes": random_bytes,
    }  # fmt: skip


Command = Callable[[dict[str, Path], Path], list[str]]


def _renew(w: dict[str, Path], _tmp: Path) -> list[str]:
    return ["service", "renew", "--site", str(w["site"]), "--signing-key", str(w["key"]), "--valid-days", "0"]


def _renew_no_site(w: dict[str, Path], tmp: Path) -> list[str]:
    return ["service", "renew", "--site", str(tmp / "nowhere"), "--signing-key", str(w["key"])]


def _sign_not_a_manifest(w: dict[str, Path], tmp: Path) -> list[str]:
    return ["service", "sign", "--manifest", str(w["not_a_manifest"]), "--signing-key", str(w["key"]),
            "--out", str(tmp / "signed.json")]  # fmt: skip


def _sign_over_a_file(w: dict[str, Path], tmp: Path) -> list[str]:
    unsigned = tmp / "next.json"
    manifest = [sys.executable, "-m", "exposurecheck_server", "service", "manifest", "--unsigned",
                "--site", str(w["site"]), "--out", str(unsigned)]  # fmt: skip
    assert on_a_terminal(manifest, lambda _s: None, env=cli_env())[0] == 0  # needs no key
    return ["service", "sign", "--manifest", str(unsigned), "--signing-key", str(w["key"]),
            "--out", str(w["catalog"])]  # fmt: skip


def _manifest_zero_days(w: dict[str, Path], tmp: Path) -> list[str]:
    return ["service", "manifest", "--unsigned", "--site", str(w["site"]), "--out", str(tmp / "m.json"),
            "--valid-days", "0"]  # fmt: skip


def _publish_not_a_manifest(w: dict[str, Path], _tmp: Path) -> list[str]:
    return ["service", "publish", "--site", str(w["site"]), "--manifest", str(w["not_a_manifest"])]


def _service_build(w: dict[str, Path], tmp: Path, *extra: str) -> list[str]:
    return ["service", "build", "--input", str(w["rows"]), "--map", "phone=phone", "--breach", "demo_breach",
            "--catalog", str(w["catalog"]), "--oprf-key", str(w["oprf"]), "--bucketing-key", str(w["bucketing"]),
            "--signing-key", str(w["key"]), "--out", str(tmp / "new-site"), *extra]  # fmt: skip


def _pack_build(w: dict[str, Path], tmp: Path, *extra: str) -> list[str]:
    return ["pack", "build", "--input", str(w["rows"]), "--map", "phone=phone", "--breach", "demo_breach",
            "--catalog", str(w["catalog"]), "--signing-key", str(w["key"]), "--out", str(tmp / "p.ecpack"),
            *extra]  # fmt: skip


def _profile_build(w: dict[str, Path], tmp: Path, *extra: str) -> list[str]:
    return ["profile", "build", "--name-en", "Safe Lines", "--signing-key", str(w["key"]),
            "--out", str(tmp / "profile.ecprofile"), *extra]  # fmt: skip


def _kit_build(w: dict[str, Path], tmp: Path, *extra: str) -> list[str]:
    return ["kit", "build", "--out", str(tmp / "kit"), "--signing-key", str(w["key"]), *extra]


CASES: list[tuple[str, Command, str]] = [
    ("renew --valid-days 0", _renew, "between 1 and 366 days"),
    ("renew, no site there", _renew_no_site, "is not a built lookup-service site"),
    ("sign, not a manifest", _sign_not_a_manifest, "is not a manifest"),
    ("sign --out an existing file", _sign_over_a_file, "already exists"),
    ("manifest --valid-days 0", _manifest_zero_days, "between 1 and 366 days"),
    ("publish, not a manifest", _publish_not_a_manifest, "is not a manifest"),
    ("service build --valid-days 0", lambda w, t: _service_build(w, t, "--valid-days", "0"), "between 1 and 366"),
    ("service build, unknown breach", lambda w, t: _service_build(w, t, "--breach", "no_such_breach"),
     "no_such_breach is not in the catalog"),
    ("service build, missing input", lambda w, t: _service_build(w, t, "--input", str(t / "gone.csv")),
     "Could not read the input file"),
    ("service build, no such column", lambda w, t: _service_build(w, t, "--map", "phone=mobile"),
     'no column "mobile"'),
    ("service build --out in a missing folder", lambda w, t: _service_build(w, t, "--out", str(t / "a" / "b")),
     "does not exist"),
    ("pack build, missing input", lambda w, t: _pack_build(w, t, "--input", str(t / "gone.csv")),
     "Could not read the input file"),
    ("pack build, unknown breach", lambda w, t: _pack_build(w, t, "--breach", "no_such_breach"),
     '"no_such_breach" is not in the catalog'),
    ("pack build, unknown encoding", lambda w, t: _pack_build(w, t, "--encoding", "klingon"),
     "is not an encoding name"),
    ("profile build, missing advice file", lambda w, t: _profile_build(w, t, "--advice", str(t / "gone.json")),
     "could not be read"),
    ("profile build --out in a missing folder", lambda w, t: _profile_build(w, t, "--out", str(t / "a" / "p")),
     "Could not write"),
    ("kit build, random bytes as the app", lambda w, t: _kit_build(
        w, t, "--bundle", str(w["random_bytes"]), "--profile", str(w["root"] / "profile.ecprofile")),
     "is not the Exposure Check app"),
    ("kit build, missing profile", lambda w, t: _kit_build(w, t, "--profile", str(t / "gone.ecprofile")),
     "was not found"),
]


@pytest.fixture(scope="module")
def profile(world: dict[str, Path]) -> Path:
    """A real signed profile for the kit cases (built at the terminal, answering the passphrase)."""
    code, screen, asked = admin(*_profile_build(world, world["root"]))
    assert code == 0 and asked == 1, screen
    return world["root"] / "profile.ecprofile"


@pytest.mark.parametrize(("name", "command", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_wrong_argument_fails_before_the_passphrase_is_asked_for(
    name: str, command: Command, message: str, world: dict[str, Path], profile: Path, tmp_path: Path
) -> None:
    code, screen, asked = admin(*command(world, tmp_path))
    assert asked == 0, screen
    assert code == 2, screen
    assert message in screen, screen
    assert "Traceback" not in screen


def test_the_same_commands_ask_for_it_when_the_arguments_are_right(world: dict[str, Path], tmp_path: Path) -> None:
    code, screen, asked = admin(*_pack_build(world, tmp_path))
    assert (code, asked) == (0, 1), screen
    code, screen, asked = admin(*_service_build(world, tmp_path))
    assert (code, asked) == (0, 1), screen
    code, screen, asked = admin("service", "renew", "--site", str(world["site"]), "--signing-key", str(world["key"]))
    assert (code, asked) == (0, 1), screen


def test_the_refusal_is_in_chinese_for_a_chinese_operator(world: dict[str, Path], tmp_path: Path) -> None:
    code, screen, asked = admin(*_renew(world, tmp_path), lang="zh_CN")
    assert (code, asked) == (2, 0)
    assert "有效期必须在 1 到 366 天之间" in screen
