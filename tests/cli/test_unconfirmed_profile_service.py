"""An NGO profile nobody confirmed cannot send the command line's checks anywhere (issue 19.4).

The attack: a profile left on a stick names a lookup service and a publisher key of its own choosing. Before the
fix the command line used its sources and keys at once, so the person's check went to whoever wrote the file. Here
the service is a real `service serve` process on 127.0.0.1 behind a recording proxy, and the profile is validly
signed and trusts that service's publisher key: while it is unconfirmed, not one request reaches the service; once
confirmed (`profile show --confirm`, the store the window writes), the same command checks against it.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.trust import profile as prof
from tests.conftest import run_cli
from tests.server.service.site_helpers import build, make_keys, serve_process
from tests.server.service.test_recording_proxy import recording_proxy

PHONE = "+86 138 0013 8000"  # planted in every site `build` makes (site_helpers.PLANTED)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unconfirmed_profile_sends_nothing_to_the_service_it_names(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=10, filler=20)
    dead = f"http://127.0.0.1:{_closed_port()}"  # anything else that tries the internet fails at once
    with serve_process(site, keys) as upstream, recording_proxy(upstream) as (url, recording):
        body = prof.ProfileBody(
            name_en="Safe Lines Network",
            name_zh="安全热线网络",
            hotline="400-123-4567",
            trusted_keys=(keys.publisher_raw,),
            default_sources=(f"service={url}",),
        )
        path = tmp_path / "stick" / prof.FILE_NAME
        path.parent.mkdir()
        path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
        env = {"EXPOSURECHECK_PROFILE": str(path), "HTTPS_PROXY": dead, "HTTP_PROXY": dead, "NO_PROXY": "127.0.0.1"}
        fingerprint = prof.load_profile(path).fingerprint

        for lang, said in (("en", "not used"), ("zh_CN", "没有使用")):
            ignored = run_cli("check", "--phone", PHONE, "--json", "--lang", lang, env=env)
            assert "Traceback" not in ignored.stderr
            assert said in ignored.stderr and fingerprint in ignored.stderr
            report = json.loads(ignored.stdout)
            assert "service" not in [s["name"] for s in report["sources"]]
            assert [i["status"] for i in report["identifiers"]] == ["not_checked"]
        assert recording.requests == []  # not even the signed data list was asked for

        assert run_cli("profile", "show", "--confirm", env=env).returncode == 0
        used = run_cli("check", "--phone", PHONE, "--json", "--lang", "en", env=env)
        assert used.returncode == 0, used.stderr
        assert [i["status"] for i in json.loads(used.stdout)["identifiers"]] == ["found"]
        assert any(path == "/v2/eval" for _m, path, _h, _b in recording.requests)  # the same command, now used
