"""`exposure-check service list | forget`: the pins of lookup services, and the way back after a real new start."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.server.service.site_helpers import PLANTED, build, make_keys, serve_process
from tests.server.service.test_recording_proxy import recording_proxy


def check(url: str, pub: Path) -> dict:
    result = run_cli("check", "--source", f"service={url}", "--trust", str(pub), "--json", "--phone", PLANTED[0][1])
    assert result.returncode in (0, 3), result.stderr
    return json.loads(result.stdout)["sources"][0]


def test_a_service_that_started_again_is_used_only_after_the_person_forgets_its_pin(tmp_path: Path) -> None:
    old = make_keys(tmp_path / "old")
    new = make_keys(tmp_path / "new")  # the organisation lost every key and built the service again
    first = build(old, tmp_path / "site-old", filler=20)
    second = build(new, tmp_path / "site-new", filler=20, sequence=200)
    with serve_process(first, old) as before, recording_proxy(before) as (url, recording):
        assert check(url, old.publisher_pub)["status"] == "ok"
        listed = run_cli("service", "list")
        assert f"{url}/" in listed.stdout and "manifest 100" in listed.stdout
        with serve_process(second, new) as after:
            recording.upstream = after  # the same address, the new service behind it
            # Even with the new key trusted, the pinned service's unannounced change is refused.
            refused = check(url, new.publisher_pub)
            assert refused["status"] == "error" and "does not continue" in refused["error"]
            forgot = run_cli("service", "forget", url)
            assert forgot.returncode == 0 and "Forgot" in forgot.stdout
            assert check(url, new.publisher_pub)["status"] == "ok"  # trusted again, as on first use
    again = run_cli("service", "forget", url + "/nothing", "--lang", "zh_CN")
    assert again.returncode == 1 and "没有" in again.stdout
    assert json.loads(run_cli("service", "list", "--json").stdout)[0]["sequence"] == 200
