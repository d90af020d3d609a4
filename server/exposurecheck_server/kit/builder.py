"""Assemble and sign a USB kit. The format, and how the app verifies it, is described in `exposurecheck.core.trust.kit`.

The kit is built in a temporary folder next to the output and renamed into place at the end, so an interrupted
build (full stick, Ctrl-C) never leaves something that looks like a finished kit.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck import __version__
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.trust import kit
from exposurecheck.core.trust.profile import FILE_NAME as PROFILE_NAME
from exposurecheck.core.trust.profile import Profile, load_profile
from exposurecheck.core.trust.publisher_keys import fingerprint, format_public_key

README_NAME = "README.txt"
APP_FOLDER = "app"
PACKS_FOLDER = "packs"
KEY_PATH = Path("keys") / "publisher.pub"


@dataclass(frozen=True)
class BuiltKit:
    root: Path
    files: int
    signer: bytes


def build_kit(
    out: Path,
    *,
    bundles: Sequence[Path],
    packs: Sequence[Path],
    profile: Path,
    signing_key: Ed25519PrivateKey,
    today: dt.date | None = None,
    checked: Profile | None = None,
) -> BuiltKit:
    """Create the kit folder `out` (which must not exist or be empty) and sign it with `signing_key`. `checked`: the
    profile `check_kit` returned for the same arguments (its checks are not repeated)."""
    out = Path(out)
    org = checked if checked is not None else check_kit(out, bundles=bundles, packs=packs, profile=profile)
    public = signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    # Packs are opened the way the app will open them, so a kit never carries one the app would refuse (a truncated
    # pack, a missing shard, a publisher nobody trusts); that needs the signing key, which may trust them.
    pack_files = [path for pack in packs for path in pack_files_checked(Path(pack), [public, *org.trusted_keys])]
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-building-", dir=parent))
    except OSError:
        raise UserError("kit.build.write_failed", folder=str(out)) from None
    try:
        contents = _copy_contents(staging, bundles, pack_files, profile)
        (staging / KEY_PATH).parent.mkdir(parents=True)
        (staging / KEY_PATH).write_text(format_public_key(public, "kit publisher"), encoding="utf-8")
        manifest = {
            "format": kit.MANIFEST_FORMAT,
            "version": 1,
            "app_version": __version__,
            "created": (today or dt.datetime.now(dt.UTC).date()).isoformat(),
            "publisher_fingerprint": fingerprint(public),
            "contents": contents,
        }
        (staging / kit.MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")
        (staging / README_NAME).write_text(_readme(_org_name(org), manifest), encoding="utf-8")
        sums = kit.compute_sums(staging)
        signature = signing_key.sign(kit.signed_message(sums))
        (staging / kit.SUMS_NAME).write_bytes(sums)
        (staging / kit.SIGNATURE_NAME).write_text(kit.format_signature(public, signature), encoding="ascii")
        if out.exists():
            out.rmdir()  # checked empty above
        staging.rename(out)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError("kit.build.write_failed", folder=str(out)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuiltKit(root=out, files=len(sums.splitlines()), signer=public)


def check_kit(out: Path, *, bundles: Sequence[Path], packs: Sequence[Path], profile: Path) -> Profile:
    """Everything about a kit that needs no signing key: the output folder, the inputs (each bundle really the app)
    and the profile, opened as the app opens it. `kit build` runs it before asking for the key's passphrase."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError("kit.build.out_not_empty", folder=str(out))
    _check_inputs(bundles, packs, profile)
    return load_profile(profile)


def _check_inputs(bundles: Sequence[Path], packs: Sequence[Path], profile: Path) -> None:
    for path in (*bundles, *packs, profile):
        if not Path(path).exists():
            raise UserError("kit.build.missing_input", file=str(path))
    for pack in packs:
        if not Path(pack).is_file():
            raise UserError("kit.build.not_a_pack", file=str(pack))
    from exposurecheck_server.kit.bundle_check import check_bundle

    for bundle in bundles:
        check_bundle(Path(bundle))  # a stick must never go out with random bytes where the app should be
    for group in (bundles, packs):
        names = [Path(p).name for p in group]
        for name in names:
            if names.count(name) > 1:
                raise UserError("kit.build.duplicate_name", file=name)


def pack_files_checked(pack: Path, kit_keys: Sequence[bytes]) -> list[Path]:
    """The files of the pack whose first file is `pack` (its shards too), after opening and authenticating it in
    full. Trusted: the keys the app trusts on this computer, and `kit_keys`: the key signing the kit (an NGO signs
    both) and the keys the kit's profile trusts, which the app uses for packs once the profile is confirmed."""
    from exposurecheck.core.packs import format as pack_format
    from exposurecheck.core.packs.opening import open_pack

    with open_pack(pack, extra_keys=list(kit_keys), full_check=True) as reader:
        count = reader.info.shard_count
    return [pack.with_name(pack_format.shard_name(pack.name, index)) for index in range(count)]


def _copy_contents(staging: Path, bundles: Sequence[Path], packs: Sequence[Path], profile: Path) -> dict[str, object]:
    app_names = []
    for bundle in map(Path, bundles):
        target = staging / APP_FOLDER / bundle.name
        target.parent.mkdir(exist_ok=True)
        if bundle.is_dir():
            # symlinks=False copies what a link points to: FAT32 sticks cannot hold links and the kit refuses them.
            shutil.copytree(bundle, target, symlinks=False)
        else:
            shutil.copy2(bundle, target)
        app_names.append(f"{APP_FOLDER}/{bundle.name}")
    pack_names = []
    for pack in map(Path, packs):
        (staging / PACKS_FOLDER).mkdir(exist_ok=True)
        shutil.copy2(pack, staging / PACKS_FOLDER / pack.name)
        pack_names.append(f"{PACKS_FOLDER}/{pack.name}")
    shutil.copy2(profile, staging / PROFILE_NAME)
    return {"app": app_names, "packs": pack_names, "profile": PROFILE_NAME}


def _org_name(profile: object) -> dict[str, str]:
    # The profile's names were already reduced to plain one-line text when it was loaded.
    names = {"en": str(getattr(profile, "name_en", "") or ""), "zh_CN": str(getattr(profile, "name_zh", "") or "")}
    names["zh_CN"] = names["zh_CN"] or names["en"]
    return names


def _readme(org: dict[str, str], manifest: dict[str, object]) -> str:
    """README.txt: the same text in English and then Chinese, so it reads right whichever language opens it."""
    sections = []
    for lang in ("en", "zh_CN"):
        title = tr("kit.readme.title", lang)
        body = tr(
            "kit.readme.body",
            lang,
            org=org[lang],
            version=manifest["app_version"],
            date=manifest["created"],
            fingerprint=manifest["publisher_fingerprint"],
        )
        sections.append(f"{title}\n{'=' * 40}\n\n{body}")
    # A byte-order mark lets older Windows Notepad versions recognise UTF-8 and show the Chinese correctly.
    return "\ufeff" + "\n\n".join(sections).replace("\n", "\r\n")
