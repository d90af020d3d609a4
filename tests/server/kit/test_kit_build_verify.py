"""A kit built by the real `exposure-check-admin kit build` verifies with `exposure-check kit verify`, and stops
verifying after any file in it is changed, added or removed, or its signature is swapped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck.core.trust import kit
from exposurecheck.core.trust.profile import ProfileBody, sign_profile
from exposurecheck.core.trust.publisher_keys import fingerprint, read_public_key
from exposurecheck_server.keys import load_signing_key, write_signing_key
from tests.conftest import REPO, run_cli
from tests.support.app_bundle import write_app_stand_in

DEMO_PACK = REPO / "resources" / "packs" / "demo.ecpack"


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Publisher keys, an NGO profile, a pack and a small app bundle folder, as an NGO would have them."""
    root = tmp_path_factory.mktemp("kit-material")
    write_signing_key(root / "publisher")
    write_signing_key(root / "other")
    profile = root / "profile.ecprofile"
    body = ProfileBody(name_en="Test Help Line", name_zh="测试热线", hotline="+86 10 1234 5678")
    profile.write_bytes(sign_profile(body, load_signing_key(root / "publisher" / "publisher.key")))
    pack = DEMO_PACK
    bundle = root / "exposure-check"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    write_app_stand_in(bundle / "exposure-check")
    (bundle / "_internal" / "resources" / "strings.json").write_text('{"hello": "你好"}', encoding="utf-8")
    return {"root": root, "profile": profile, "pack": pack, "bundle": bundle}


def build(material: dict[str, Path], out: Path, *extra: str):
    return run_cli(
        "kit", "build", "--out", str(out),
        "--bundle", str(material["bundle"]),
        "--pack", str(material["pack"]),
        "--profile", str(material["profile"]),
        "--signing-key", str(material["root"] / "publisher" / "publisher.key"),
        *extra,
        admin=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built_kit(material: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kits") / "kit"
    result = build(material, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def kit_copy(built_kit: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "kit"
    shutil.copytree(built_kit, copy)
    return copy


def trusted(material: dict[str, Path]) -> tuple[bytes, ...]:
    return (read_public_key(material["root"] / "publisher" / "publisher.pub"),)


def verify_cli(folder: Path, material: dict[str, Path], *extra: str):
    return run_cli(
        "kit", "verify", str(folder), "--trust", str(material["root"] / "publisher" / "publisher.pub"), *extra
    )


def test_built_kit_has_the_documented_layout(built_kit: Path, material: dict[str, Path]) -> None:
    names = {p.relative_to(built_kit).as_posix() for p in built_kit.rglob("*") if p.is_file()}
    assert {
        "README.txt", "kit.json", "profile.ecprofile", "keys/publisher.pub", "SHA256SUMS", "SHA256SUMS.sig",
        f"packs/{material['pack'].name}", "app/exposure-check/exposure-check",
        "app/exposure-check/_internal/resources/strings.json",
    } <= names  # fmt: skip
    readme = (built_kit / "README.txt").read_text(encoding="utf-8-sig")
    public = read_public_key(material["root"] / "publisher" / "publisher.pub")
    assert "Test Help Line" in readme and "测试热线" in readme
    assert readme.count(fingerprint(public)) == 2  # once per language
    manifest = json.loads((built_kit / "kit.json").read_text(encoding="utf-8"))
    assert manifest["publisher_fingerprint"] == fingerprint(public)
    assert manifest["contents"]["profile"] == "profile.ecprofile"
    # SHA256SUMS is in the format `sha256sum -c` reads.
    for line in (built_kit / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        assert kit.sha256_file(built_kit / name) == digest


def test_built_kit_verifies_in_core_and_cli(built_kit: Path, material: dict[str, Path]) -> None:
    verified = kit.verify_kit(built_kit, trusted(material))
    assert verified.files == len((built_kit / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert verified.manifest["format"] == "exposurecheck.kit"
    result = verify_cli(built_kit, material, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["verified"] is True


def test_os_metadata_from_opening_the_stick_is_tolerated(kit_copy: Path, material: dict[str, Path]) -> None:
    (kit_copy / ".DS_Store").write_bytes(b"finder")
    (kit_copy / "packs" / "._demo.ecpack").write_bytes(b"appledouble")
    (kit_copy / "System Volume Information").mkdir()
    (kit_copy / "System Volume Information" / "IndexerVolumeGuid").write_bytes(b"x")
    kit.verify_kit(kit_copy, trusted(material))


def _every_file(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("which", ["kit.json", "README.txt", "profile.ecprofile", "keys/publisher.pub", "SHA256SUMS"])
def test_changing_a_file_fails(kit_copy: Path, material: dict[str, Path], which: str) -> None:
    path = kit_copy / which
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(UserError) as info:
        kit.verify_kit(kit_copy, trusted(material))
    assert info.value.key in ("kit.file_changed", "kit.bad_signature")
    assert verify_cli(kit_copy, material).returncode != 0


def test_changing_any_file_fails(built_kit: Path, material: dict[str, Path], tmp_path: Path) -> None:
    # Every single file, one at a time, including the pack and the bundle's deepest files.
    for index, name in enumerate(_every_file(built_kit)):
        if name == kit.SIGNATURE_NAME:
            continue  # covered by the signature-swapping tests
        copy = tmp_path / f"k{index}"
        shutil.copytree(built_kit, copy)
        path = copy / name
        path.write_bytes(path.read_bytes() + b"\0")
        with pytest.raises(UserError) as info:
            kit.verify_kit(copy, trusted(material))
        assert info.value.key in ("kit.file_changed", "kit.bad_signature"), name
        shutil.rmtree(copy)


@pytest.mark.parametrize("where", ["extra.txt", "packs/another.ecpack", "app/exposure-check/_internal/evil.so"])
def test_adding_a_file_fails(kit_copy: Path, material: dict[str, Path], where: str) -> None:
    (kit_copy / where).write_bytes(b"added later")
    with pytest.raises(UserError) as info:
        kit.verify_kit(kit_copy, trusted(material))
    assert info.value.key == "kit.file_added"
    assert info.value.params["file"] == where
    result = verify_cli(kit_copy, material)
    assert result.returncode == 2
    assert where in result.stderr


@pytest.mark.parametrize("which", ["profile.ecprofile", "README.txt", "app/exposure-check/exposure-check"])
def test_removing_a_file_fails(kit_copy: Path, material: dict[str, Path], which: str) -> None:
    (kit_copy / which).unlink()
    with pytest.raises(UserError) as info:
        kit.verify_kit(kit_copy, trusted(material))
    assert info.value.key == "kit.file_missing"


def test_removing_the_signature_fails(kit_copy: Path, material: dict[str, Path]) -> None:
    (kit_copy / kit.SIGNATURE_NAME).unlink()
    with pytest.raises(UserError) as info:
        kit.verify_kit(kit_copy, trusted(material))
    assert info.value.key == "kit.unsigned"


def test_symlink_in_kit_fails(kit_copy: Path, material: dict[str, Path]) -> None:
    target = kit_copy / "README.txt"
    link = kit_copy / "app" / "link.txt"
    link.symlink_to(target)
    with pytest.raises(UserError) as info:
        kit.verify_kit(kit_copy, trusted(material))
    assert info.value.key == "kit.symlink"


def test_re_signed_by_another_key_is_untrusted(kit_copy: Path, material: dict[str, Path]) -> None:
    # An attacker changes a file, recomputes SHA256SUMS and signs with their own key.
    (kit_copy / "README.txt").write_text("call this other number", encoding="utf-8")
    sums = kit.compute_sums(kit_copy)
    other = load_signing_key(material["root"] / "other" / "publisher.key")
    other_public = read_public_key(material["root"] / "other" / "publisher.pub")
    (kit_copy / kit.SUMS_NAME).write_bytes(sums)
    (kit_copy / kit.SIGNATURE_NAME).write_text(
        kit.format_signature(other_public, other.sign(kit.signed_message(sums))), encoding="ascii"
    )
    with pytest.raises(UserError) as info:
        kit.verify_kit(kit_copy, trusted(material))
    assert info.value.key == "kit.untrusted"
    assert info.value.params["fingerprint"] == fingerprint(other_public)
    result = verify_cli(kit_copy, material)
    assert result.returncode == 2
    assert fingerprint(other_public) in result.stderr


def test_signature_from_another_kit_fails(kit_copy: Path, material: dict[str, Path], tmp_path: Path) -> None:
    # A genuine signature by the trusted key, but over a different kit's file list.
    second = tmp_path / "second"
    assert build(material, second).returncode == 0
    (second / "kit.json").write_text("{}", encoding="utf-8")
    sums = kit.compute_sums(second)
    key = load_signing_key(material["root"] / "publisher" / "publisher.key")
    public = trusted(material)[0]
    (kit_copy / kit.SIGNATURE_NAME).write_text(
        kit.format_signature(public, key.sign(kit.signed_message(sums))), encoding="ascii"
    )
    with pytest.raises(UserError) as info:
        kit.verify_kit(kit_copy, trusted(material))
    assert info.value.key == "kit.bad_signature"


def test_signature_swapped_with_garbage_fails(kit_copy: Path, material: dict[str, Path]) -> None:
    (kit_copy / kit.SIGNATURE_NAME).write_text("exposure-check-kit-signature 1\nkey AAAA\nsignature AAAA\n")
    with pytest.raises(UserError) as info:
        kit.verify_kit(kit_copy, trusted(material))
    assert info.value.key == "kit.signature_malformed"


def test_kit_signed_by_unknown_key_fails_without_trust(built_kit: Path) -> None:
    with pytest.raises(UserError) as info:
        kit.verify_kit(built_kit, kit.default_trusted_keys())
    assert info.value.key == "kit.untrusted"
    result = run_cli("kit", "verify", str(built_kit), "--lang", "zh_CN")
    assert result.returncode == 2
    assert "指纹" in result.stderr


def test_build_refuses_non_empty_output(material: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "old.txt").write_text("old kit", encoding="utf-8")
    result = build(material, out)
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]


def test_build_reports_missing_inputs_clearly(material: dict[str, Path], tmp_path: Path) -> None:
    result = run_cli(
        "kit", "build", "--out", str(tmp_path / "k"), "--pack", str(tmp_path / "nope.ecpack"),
        "--profile", str(material["profile"]),
        "--signing-key", str(material["root"] / "publisher" / "publisher.key"),
        admin=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert "nope.ecpack was not found" in result.stderr
    assert not (tmp_path / "k").exists()
    assert list(tmp_path.iterdir()) == []  # no half-built staging folder left behind


def test_find_kit_root_from_the_bundled_executable(built_kit: Path, tmp_path: Path) -> None:
    assert kit.find_kit_root(built_kit / "app" / "exposure-check" / "exposure-check") == built_kit
    assert kit.find_kit_root(tmp_path / "somewhere" / "exposure-check") is None


@pytest.mark.parametrize(
    "line",
    [
        "0" * 64 + "  ../outside",
        "0" * 64 + "  /etc/passwd",
        "0" * 64 + "  C:/x",
        "0" * 64 + "  a\\b",
        "0" * 64 + " one-space",
        "0" * 63 + "  short",
        "0" * 64 + "  a//b",
    ],
)
def test_sums_lines_that_could_escape_or_confuse_are_refused(line: str) -> None:
    with pytest.raises(UserError) as info:
        kit.parse_sums((line + "\n").encode())
    assert info.value.key == "kit.sums_malformed"


# --- packs are opened the way the app opens them -----------------------------------------------------------------


def _ngo_pack(material: dict[str, Path], out: Path, key_dir: str = "publisher", shard_size: int | None = None) -> Path:
    from exposurecheck.core.catalog import load_bundled_catalog
    from exposurecheck.core.identifiers import Identifier, IdentifierType
    from exposurecheck_server.pack.builder import build_pack

    values = [Identifier(IdentifierType.PHONE, f"+86138001{n:05d}") for n in range(20000)]
    # Small chunks so that a small pack can be split into several small shards.
    options = {"shard_size": shard_size, "chunk_size": 4096} if shard_size else {}
    key = load_signing_key(material["root"] / key_dir / "publisher.key")
    out.parent.mkdir(parents=True, exist_ok=True)
    build_pack(values, out=out, catalog=load_bundled_catalog(), breach="demo_breach", signing_key=key, **options)
    return out


def _build_with_pack(material: dict[str, Path], out: Path, pack: Path):
    return run_cli(
        "kit", "build", "--out", str(out), "--pack", str(pack), "--profile", str(material["profile"]),
        "--signing-key", str(material["root"] / "publisher" / "publisher.key"),
        admin=True,
    )  # fmt: skip


def test_a_pack_signed_by_the_kit_signer_is_accepted_with_all_its_shards(
    material: dict[str, Path], tmp_path: Path
) -> None:
    pack = _ngo_pack(material, tmp_path / "packs" / "ngo.ecpack", shard_size=32 * 1024)
    shards = sorted(p.name for p in pack.parent.iterdir())
    assert len(shards) > 1, "the test needs a pack split into shards"
    result = _build_with_pack(material, tmp_path / "kit", pack)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "kit" / "packs").iterdir()) == shards
    kit.verify_kit(tmp_path / "kit", trusted(material))


def test_a_truncated_pack_is_refused(material: dict[str, Path], tmp_path: Path) -> None:
    pack = _ngo_pack(material, tmp_path / "ngo.ecpack")
    data = pack.read_bytes()
    pack.write_bytes(data[: len(data) - 100])
    result = _build_with_pack(material, tmp_path / "kit", pack)
    assert result.returncode == 2
    assert result.stderr.strip()
    assert not (tmp_path / "kit").exists()


def test_a_pack_signed_by_a_key_the_kits_profile_trusts_is_accepted(material: dict[str, Path], tmp_path: Path) -> None:
    # An NGO signs its kit and profile with one key and its packs with another that the profile trusts
    # (docs/helpdesk.md, --trust-key): the app uses such a pack once the profile is confirmed, so kit build must too.
    pack = _ngo_pack(material, tmp_path / "other.ecpack", key_dir="other")
    profile = tmp_path / "profile.ecprofile"
    body = ProfileBody(name_en="Test Help Line", name_zh="测试热线", hotline="+86 10 1234 5678",
                       trusted_keys=(read_public_key(material["root"] / "other" / "publisher.pub"),))  # fmt: skip
    profile.write_bytes(sign_profile(body, load_signing_key(material["root"] / "publisher" / "publisher.key")))
    result = run_cli(
        "kit", "build", "--out", str(tmp_path / "kit"), "--pack", str(pack), "--profile", str(profile),
        "--signing-key", str(material["root"] / "publisher" / "publisher.key"),
        admin=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kit" / "packs" / "other.ecpack").is_file()


def test_kit_build_speaks_the_operators_locale(material: dict[str, Path], tmp_path: Path) -> None:
    # kit build defaulted to English whatever the locale, unlike the other admin commands.
    result = run_cli(
        "kit", "build", "--out", str(tmp_path / "kit"), "--pack", str(material["pack"]),
        "--profile", str(material["profile"]), "--signing-key", str(material["root"] / "publisher" / "publisher.key"),
        admin=True, env={"LANG": "zh_CN.UTF-8"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Kit written" not in result.stdout and "Remember" not in result.stdout + result.stderr
    assert "请记住" in result.stdout + result.stderr


def test_a_pack_from_an_unknown_publisher_is_refused(material: dict[str, Path], tmp_path: Path) -> None:
    pack = _ngo_pack(material, tmp_path / "other.ecpack", key_dir="other")
    result = _build_with_pack(material, tmp_path / "kit", pack)
    assert result.returncode == 2
    assert not (tmp_path / "kit").exists()
