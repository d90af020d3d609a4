"""`core.sources.choice`: one decision about sources, from settings, a confirmed profile, offline only, training,
packs opened by hand and command-line overrides (issue 13.1)."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.catalog import Breach, Catalog
from exposurecheck.core.check import check
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.report import Outcome, Reason
from exposurecheck.core.settings import Settings, save_settings
from exposurecheck.core.sources.choice import chosen_specs, default_factory, factory_for, plan_sources
from exposurecheck.core.sources.pack import demo_pack_path
from exposurecheck.core.trust import profile as prof
from exposurecheck_server.pack.builder import build_pack


def _profile(tmp_path: Path, **fields) -> prof.Profile:
    body = prof.ProfileBody(name_en="Safe Lines Network", **fields)
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    return prof.load_profile(path)


def _names(plan) -> list[str]:
    return [s.name for s in plan.sources]


def test_the_order_training_then_command_line_then_settings_then_profile_then_defaults(tmp_path: Path) -> None:
    profile = _profile(tmp_path, default_sources=("pack=/media/stick/ngo.ecpack",))
    assert chosen_specs(True, override=["service=https://x"], settings_specs=["demo"], profile=profile) == ["demo"]
    assert chosen_specs(False, override=["hibp-passwords"], settings_specs=["demo"], profile=profile) == [
        "hibp-passwords"
    ]
    assert chosen_specs(False, settings_specs=["demo"], profile=profile) == ["demo"]
    assert chosen_specs(False, profile=profile) == ["pack=/media/stick/ngo.ecpack"]
    assert chosen_specs(False) == ["hibp-passwords"]  # no pack found (the tests' pack folder is empty)


def test_settings_sources_are_used(app_dirs) -> None:
    save_settings(Settings(sources=("demo",)))
    assert _names(plan_sources(default_factory, training=False, offline_only=False)) == ["demo"]


def test_offline_only_from_settings_or_profile_removes_network_sources_and_remembers_what_they_check(
    app_dirs, tmp_path: Path
) -> None:
    save_settings(Settings(sources=("hibp-passwords", "demo")))
    online = plan_sources(default_factory, training=False, offline_only=False)
    assert _names(online) == ["hibp-passwords", "demo"] and online.held_back == {}
    offline = plan_sources(default_factory, training=False, offline_only=True)
    assert _names(offline) == ["demo"]
    assert offline.held_back == {IdentifierType.PASSWORD: Reason.OFFLINE_ONLY}
    profile = _profile(tmp_path, offline_only=True)
    by_profile = plan_sources(factory_for(profile), training=False, offline_only=False, profile=profile)
    assert _names(by_profile) == ["demo"] and IdentifierType.PASSWORD in by_profile.held_back


def test_packs_opened_by_hand_are_added_except_in_training(app_dirs) -> None:
    save_settings(Settings(sources=("hibp-passwords",)))
    path = str(demo_pack_path())
    assert _names(plan_sources(default_factory, training=False, offline_only=False, pack_files=[path])) == [
        "hibp-passwords",
        "demo",  # the bundled demo pack, opened by hand like any pack file
    ]
    assert _names(plan_sources(default_factory, training=True, offline_only=False, pack_files=[path])) == ["demo"]


def test_a_bad_spec_is_one_problem_not_the_end_of_the_check(app_dirs) -> None:
    save_settings(Settings(sources=("carrier-pigeon", "demo")))
    plan = plan_sources(default_factory, training=False, offline_only=False)
    assert _names(plan) == ["demo"]
    assert [p.key for p in plan.problems] == ["source.unknown"]


def test_a_confirmed_profile_s_key_opens_its_packs_and_nothing_else_does(tmp_path: Path) -> None:
    """A pack signed by the NGO's own publisher key is used only through the profile that names that key."""
    ngo_key = Ed25519PrivateKey.generate()
    phone = Identifier(IdentifierType.PHONE, "+8613800138000")
    catalog = Catalog([Breach("ngo_2025", "NGO list", "NGO list", "2025-01-01", None, ("Phone numbers",), "", "")])
    built = build_pack([phone], out=tmp_path / "ngo.ecpack", catalog=catalog, breach="ngo_2025", signing_key=ngo_key)
    spec = [f"pack={built.files[0]}"]
    profile = _profile(tmp_path, trusted_keys=(ngo_key.public_key().public_bytes_raw(),))
    with_profile = plan_sources(factory_for(profile, spec), training=False, offline_only=False, profile=profile)
    assert check([phone], with_profile.sources).identifiers[0].outcome is Outcome.FOUND
    without = plan_sources(factory_for(None, spec), training=False, offline_only=False)
    assert check([phone], without.sources).identifiers[0].reason is Reason.UNKNOWN_PUBLISHER
