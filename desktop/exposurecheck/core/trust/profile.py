"""NGO profiles: one signed file carrying an organisation's name, contact details, advice and defaults.

An NGO puts `profile.ecprofile` next to the app or at the top of the USB stick it hands out. The app shows the
contact block on results and case sheets, adds the profile's advice entries and trusted publisher keys, and may
default to offline sources only.

File format (UTF-8 JSON)::

    {"format": "exposurecheck.profile", "version": 1,
     "profile": {...the body, see `ProfileBody.to_json`...},
     "signer": "<64 hex: the NGO's Ed25519 public key>",
     "signature": "<128 hex: Ed25519 over SIGNING_CONTEXT + canonical_json(profile)>"}

Anyone can sign a profile with a key of their own, so a valid signature only proves the file was not changed
after signing. Trust comes from the person or help-desk confirming the key's fingerprint the first time (the
app remembers confirmed fingerprints in the config folder), or from `trusted_fingerprints` given by the caller.

All text in a profile is untrusted: it is reduced to one line of plain text (no markup, no control characters)
before it becomes part of a `Profile`.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from exposurecheck.core.catalog import plain_text
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang
from exposurecheck.core.protocol.canonical import canonical_json
from exposurecheck.core.untrusted_text import raw_cap

FORMAT_NAME = "exposurecheck.profile"
FORMAT_VERSION = 1
FILE_NAME = "profile.ecprofile"
# Domain separation: a profile signature can never be replayed as a pack or manifest signature, or vice versa.
SIGNING_CONTEXT = b"exposurecheck.profile.v1\x00"
ENV_PROFILE = "EXPOSURECHECK_PROFILE"
KIT_APP_FOLDER = "app"  # where `exposure-check-admin kit build` puts the app inside a kit

_MAX_FILE = 2 * 1024 * 1024  # advice entries included; a profile is a small file
_MAX_NAME = 120
_MAX_FIELD = 200
_MAX_KEYS = 50
_MAX_ADVICE = 500
_MAX_SOURCES = 20
_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")
_HEX_SIG = re.compile(r"^[0-9a-f]{128}$")
_CONFIRMED_FILE = "confirmed-profiles.json"


@dataclass(frozen=True)
class ProfileBody:
    """What an NGO says about itself: the signed part of a profile. All text is plain text."""

    name_en: str
    name_zh: str = ""
    hotline: str = ""
    website: str = ""
    email: str = ""
    # Advice documents (`{"lang": ..., "entries": [...]}`) to pass to `plan_for_report(..., extra_entries=...)`.
    advice: tuple[Mapping[str, Any], ...] = ()
    trusted_keys: tuple[bytes, ...] = ()
    offline_only: bool = False
    default_sources: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        """The organisation's name in `lang`, falling back to the other language."""
        if normalize_lang(lang) == "zh_CN" and self.name_zh:
            return self.name_zh
        return self.name_en or self.name_zh

    def to_json(self) -> dict[str, Any]:
        """The body as JSON; `canonical_json` of this is what gets signed."""
        return {
            "name": {"en": self.name_en, "zh_CN": self.name_zh},
            "hotline": self.hotline,
            "website": self.website,
            "email": self.email,
            "advice": [dict(entry) for entry in self.advice],
            "trusted_keys": [key.hex() for key in self.trusted_keys],
            "offline_only": self.offline_only,
            "default_sources": list(self.default_sources),
        }


@dataclass(frozen=True)
class Profile(ProfileBody):
    """A profile whose signature has been checked. `signer` is the raw 32-byte Ed25519 public key."""

    signer: bytes = field(default=b"", repr=False)
    path: Path | None = None

    @property
    def fingerprint(self) -> str:
        """The signer key's fingerprint, as shown for first-use confirmation (same form as publisher keys)."""
        return key_fingerprint(self.signer)

    def contact_lines(self, lang: str) -> tuple[str, ...]:
        """The contact block as plain-text lines: name, hotline, website, email (empty parts left out)."""
        lines = [self.name(lang), self.hotline, self.website, self.email]
        return tuple(line for line in lines if line)


def key_fingerprint(public_key: bytes) -> str:
    """Fingerprint of a raw Ed25519 public key, shared with publisher keys so staff see one format everywhere."""
    from exposurecheck.core.trust.publisher_keys import fingerprint

    return fingerprint(public_key)


# --- signing (used by the admin tool) and reading ---------------------------------------------------------------


def signed_message(body: ProfileBody) -> bytes:
    """The exact bytes an NGO signs for `body`."""
    return SIGNING_CONTEXT + canonical_json(body.to_json())


def encode_profile(body: ProfileBody, signer: bytes, signature: bytes) -> bytes:
    """The profile file's bytes for a body and a signature made over `signed_message(body)`."""
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "profile": body.to_json(),
        "signer": signer.hex(),
        "signature": signature.hex(),
    }
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def sign_profile(body: ProfileBody, private_key: Ed25519PrivateKey) -> bytes:
    """The complete, signed profile file for `body` (the admin tool's `profile build` writes these bytes)."""
    # Imported here: cryptography's serialization module costs ~10 ms, and only the admin tool signs profiles.
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    signer = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return encode_profile(body, signer, private_key.sign(signed_message(body)))


def parse_profile(
    data: bytes, *, trusted_fingerprints: Iterable[str] | None = None, path: Path | None = None
) -> Profile:
    """Read and verify profile bytes.

    Raises `UserError("helpdesk.profile.*")` when the file is not a profile, is from a newer version, was changed
    after signing (`helpdesk.profile.tampered`), or — when `trusted_fingerprints` is given — was signed by a key
    that is not among them (`helpdesk.profile.wrong_key`).
    """
    if len(data) > _MAX_FILE:
        raise UserError("helpdesk.profile.invalid")
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise UserError("helpdesk.profile.invalid") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise UserError("helpdesk.profile.invalid")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise UserError("helpdesk.profile.invalid")
    if version > FORMAT_VERSION:
        raise UserError("helpdesk.profile.version")
    signer_hex, signature_hex, raw_body = document.get("signer"), document.get("signature"), document.get("profile")
    if not (isinstance(signer_hex, str) and _HEX_KEY.match(signer_hex)):
        raise UserError("helpdesk.profile.invalid")
    if not (isinstance(signature_hex, str) and _HEX_SIG.match(signature_hex)):
        raise UserError("helpdesk.profile.invalid")
    if not isinstance(raw_body, dict):
        raise UserError("helpdesk.profile.invalid")
    signer = bytes.fromhex(signer_hex)
    # The signature covers the body exactly as written in the file, before any cleaning, so one changed byte of
    # content (even one the cleaner would drop) is caught.
    try:
        message = SIGNING_CONTEXT + canonical_json(raw_body)
        Ed25519PublicKey.from_public_bytes(signer).verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        raise UserError("helpdesk.profile.tampered") from None
    profile = Profile(**vars(_body_from_json(raw_body)), signer=signer, path=path)
    if trusted_fingerprints is not None and profile.fingerprint not in set(trusted_fingerprints):
        raise UserError("helpdesk.profile.wrong_key", fingerprint=profile.fingerprint)
    return profile


def load_profile(path: Path, *, trusted_fingerprints: Iterable[str] | None = None) -> Profile:
    """Read and verify the profile file at `path` (see `parse_profile`)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_FILE + 1)
    except FileNotFoundError:
        raise UserError("helpdesk.profile.missing") from None
    except OSError:
        raise UserError("helpdesk.profile.unreadable") from None
    return parse_profile(data, trusted_fingerprints=trusted_fingerprints, path=path)


def _body_from_json(raw: Mapping[str, Any]) -> ProfileBody:
    names = raw.get("name")
    if not isinstance(names, dict):
        raise UserError("helpdesk.profile.invalid")
    name_en = _text(names.get("en"), _MAX_NAME)
    name_zh = _text(names.get("zh_CN"), _MAX_NAME)
    if not (name_en or name_zh):
        raise UserError("helpdesk.profile.invalid")
    return ProfileBody(
        name_en=name_en,
        name_zh=name_zh,
        hotline=_text(raw.get("hotline"), _MAX_FIELD),
        website=_clean_website(raw.get("website")),
        email=_text(raw.get("email"), _MAX_FIELD),
        advice=_advice(raw.get("advice", [])),
        trusted_keys=_keys(raw.get("trusted_keys", [])),
        offline_only=raw.get("offline_only") is True,
        default_sources=_sources(raw.get("default_sources", [])),
    )


def _text(value: object, limit: int) -> str:
    """A field as plain text; a field far longer than its limit could ever need refuses the profile before any
    cleaning (the whole file is capped at `_MAX_FILE` before it is parsed)."""
    if isinstance(value, str) and len(value) > raw_cap(limit):
        raise UserError("helpdesk.profile.invalid")
    return plain_text(value, limit)


def _clean_website(value: object) -> str:
    text = _text(value, _MAX_FIELD)
    if not text:
        return ""
    # Only web addresses: a profile must not be able to put e.g. a file: or javascript: link on a results screen.
    if " " in text or not text.lower().startswith(("https://", "http://")):
        raise UserError("helpdesk.profile.bad_website")
    return text


def _advice(value: object) -> tuple[Mapping[str, Any], ...]:
    # Advice documents in the advice engine's own format (`{"lang": "en", "entries": [...]}`, one per language),
    # checked here with the engine's own rules so a bad entry is reported when the profile is loaded, not later.
    from exposurecheck.core.advice.content import parse_document

    if not isinstance(value, list) or len(value) > _MAX_ADVICE:
        raise UserError("helpdesk.profile.invalid")
    for document in value:
        try:
            parse_document(document)
        except UserError as exc:
            if "position" in exc.params:
                raise UserError("helpdesk.profile.bad_advice_entry", position=exc.params["position"]) from None
            raise UserError("helpdesk.profile.bad_advice") from None
    return tuple(value)


def _keys(value: object) -> tuple[bytes, ...]:
    if not isinstance(value, list) or len(value) > _MAX_KEYS:
        raise UserError("helpdesk.profile.invalid")
    if not all(isinstance(key, str) and _HEX_KEY.match(key) for key in value):
        raise UserError("helpdesk.profile.invalid")
    return tuple(dict.fromkeys(bytes.fromhex(key) for key in value))


def _sources(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > _MAX_SOURCES:
        raise UserError("helpdesk.profile.invalid")
    specs = tuple(_text(spec, _MAX_FIELD) for spec in value)
    if not all(specs):
        raise UserError("helpdesk.profile.invalid")
    return specs


# --- where a profile is found -----------------------------------------------------------------------------------


def discover_profile(roots: Sequence[Path] | None = None) -> Path | None:
    """The profile file to use, or None.

    `EXPOSURECHECK_PROFILE` wins (tests, and NGOs who keep the file elsewhere); otherwise the first
    `profile.ecprofile` next to the executable or at the top of a mounted stick.
    """
    override = os.environ.get(ENV_PROFILE)
    if override:
        return Path(override)
    for root in roots if roots is not None else search_roots():
        candidate = root / FILE_NAME
        try:
            if candidate.is_file():
                return candidate
        except OSError:  # a stick pulled out mid-scan, a folder we may not read
            continue
    return None


def search_roots() -> tuple[Path, ...]:
    """Folders where an NGO's files may sit: the app's own folder (when installed or on a stick), then the tops of
    mounted removable drives (found the same way as offline packs)."""
    from exposurecheck.core.drives import removable_mounts

    roots: list[Path] = []
    if getattr(sys, "frozen", False):
        roots.extend(app_roots(Path(sys.executable).resolve().parent))
    roots.extend(removable_mounts())
    return tuple(dict.fromkeys(roots))


def app_roots(app_folder: Path) -> list[Path]:
    """The app's folder, plus the top of the USB kit it sits in (`<kit>/app/<bundle>/`, as `kit build` lays it out),
    so a kit copied off the stick onto a computer still finds its profile."""
    roots = [app_folder]
    if app_folder.parent.name == KIT_APP_FOLDER:
        roots.append(app_folder.parent.parent)
    return roots


# --- first-use confirmation -------------------------------------------------------------------------------------


def confirmed_fingerprints(config_dir: Path | None = None) -> frozenset[str]:
    """Fingerprints of profile keys someone has confirmed on this computer (not personal data: a plain file)."""
    path = _confirmed_path(config_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, OSError):
        return frozenset()
    if not isinstance(data, list):
        return frozenset()
    return frozenset(item for item in data if isinstance(item, str))


def is_confirmed(profile: Profile, config_dir: Path | None = None) -> bool:
    """Whether the profile's key fingerprint was confirmed before (the app shows it and asks when not)."""
    return profile.fingerprint in confirmed_fingerprints(config_dir)


def confirm(profile: Profile, config_dir: Path | None = None) -> None:
    """Remember that the profile's key fingerprint was shown to and confirmed by a person."""
    from exposurecheck.core.paths import ensure_private_dir

    path = _confirmed_path(config_dir)
    ensure_private_dir(path.parent)
    known = sorted(confirmed_fingerprints(config_dir) | {profile.fingerprint})
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(known, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _confirmed_path(config_dir: Path | None) -> Path:
    if config_dir is None:
        from exposurecheck.core.paths import config_dir as default_config_dir

        config_dir = default_config_dir()
    return config_dir / _CONFIRMED_FILE
