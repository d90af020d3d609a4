"""The manifest says which identifier kinds the service holds (`types`), so the app never calls a kind the service
has no data for "not found" (issue 12.1). Real builds, a real server on 127.0.0.1, the real client."""

from __future__ import annotations

from pathlib import Path

import pytest

from exposurecheck.core.check import check
from exposurecheck.core.identifiers import IdentifierType, normalize
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol.canonical import canonical_json
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck_server.keys import load_signing_key
from exposurecheck_server.service.build import BuildSettings, build_site
from exposurecheck_server.service.renew import Renewal, renew
from exposurecheck_server.service.server import ServiceServer, make_config
from exposurecheck_server.service.site import read_site_manifest, read_site_payload
from tests.server.service.site_helpers import Keys, breach_ids, build, catalog_json, filler_phones, make_keys

PHONE = normalize(IdentifierType.PHONE, "+86 138 0013 8000")
EMAIL = normalize(IdentifierType.EMAIL, "planted.person@example.org")
CN_ID = normalize(IdentifierType.CN_ID, "11010519491231002X")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("keys"))


def _phones_only_site(keys: Keys, out: Path) -> Path:
    first, _second = breach_ids()
    records = [(PHONE, first)] + [(p, first) for p in filler_phones(300)]
    settings = BuildSettings(
        oprf_key=keys.oprf(),
        bucketing_key=keys.bucketing(),
        signing_keys=[load_signing_key(keys.signing_key)],
        catalog=catalog_json(),
        prefix_bits=8,
        sequence=100,
        workers=2,
    )
    build_site(records, out, settings)
    return out


def _check_against(site: Path, keys: Keys, state: Path, identifiers: list) -> list[tuple[str, str, str | None]]:
    server = ServiceServer(make_config(site, keys.oprf(), keys.bucketing()))
    server.start_in_thread()
    try:
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(state))
        report = check(identifiers, [source])
    finally:
        server.close()
    return [(s.type.value, s.outcome.value, s.reason.value if s.reason else None) for s in report.identifiers]


def test_a_phones_only_service_leaves_email_and_id_not_checked(keys: Keys, tmp_path: Path) -> None:
    site = _phones_only_site(keys, tmp_path / "site")
    assert read_site_manifest(site).types == ("phone",)
    answers = _check_against(site, keys, tmp_path / "state", [PHONE, EMAIL, CN_ID])
    assert answers == [
        ("phone", "found", None),
        ("email", "not_checked", "no_data"),
        ("cn_id", "not_checked", "no_data"),
    ]


def test_a_service_with_every_kind_says_not_found_for_an_absent_email(keys: Keys, tmp_path: Path) -> None:
    site = build(keys, tmp_path / "site")
    assert set(read_site_manifest(site).types or ()) == {"phone", "email", "cn_id", "username"}
    absent = normalize(IdentifierType.EMAIL, "nobody.here@example.org")
    assert _check_against(site, keys, tmp_path / "state", [absent]) == [("email", "not_found", None)]


def test_renewing_keeps_the_types(keys: Keys, tmp_path: Path) -> None:
    site = _phones_only_site(keys, tmp_path / "site")
    renewed = renew(site, Renewal(), [load_signing_key(keys.signing_key)])
    assert renewed.types == ("phone",)


@pytest.mark.parametrize("types", [["password"], ["phone", "phone"], "phone", [1], [{"a": 1}]])
def test_a_manifest_with_bad_types_is_refused(keys: Keys, tmp_path: Path, types: object) -> None:
    payload = read_site_payload(_phones_only_site(keys, tmp_path / "site"))
    payload["types"] = types
    with pytest.raises(ProtocolError):
        manifests.parse_payload(canonical_json(payload))


def test_a_manifest_that_does_not_say_counts_every_kind_it_accepts(keys: Keys, tmp_path: Path) -> None:
    payload = read_site_payload(_phones_only_site(keys, tmp_path / "site"))
    del payload["types"]
    assert manifests.parse_payload(canonical_json(payload)).types is None
