"""What an operator sees after a small `service build` at a real terminal, in both languages: the progress line left
on screen is the build's last state (100%, not "writing buckets 0%"), stage counts carry their unit, and the
summary's Output row gives the site's shape with numbers formatted as the pack summary's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env
from tests.server.service.site_helpers import Keys, make_keys
from tests.support.terminal import on_a_terminal

EXPECT = {
    "en": {
        "progress": ("evaluating 100%  3,000 of 3,000 records", "writing buckets 100%  "),
        "output": "Output",
        "shape": "buckets of {size} bytes",
    },
    "zh_CN": {
        "progress": ("计算 100%  3,000/3,000 条记录", "写入分桶 100%  "),
        "output": "输出",
        "shape": "个分桶，每个 {size} 字节",
    },
}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("keys"))


def _rows(path: Path, count: int) -> Path:
    path.write_text("phone\n" + "".join(f"1350000{n:04d}\n" for n in range(count)), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_small_build_ends_its_progress_at_100_percent_with_units(tmp_path: Path, keys: Keys, lang: str) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes((REPO / "resources" / "catalog" / "breaches.json").read_bytes())
    rows = _rows(tmp_path / "in.csv", 3000)
    command = [
        sys.executable, "-m", "exposurecheck_server", "service", "build", "--input", str(rows),
        "--map", "phone=phone", "--breach", "demo_breach", "--catalog", str(catalog),
        "--oprf-key", str(keys.oprf_key), "--bucketing-key", str(keys.bucketing_key),
        "--signing-key", str(keys.signing_key), "--out", str(tmp_path / "site"), "--sequence", "1234567",
    ]  # fmt: skip
    env = cli_env({"LANG": "zh_CN.UTF-8" if lang == "zh_CN" else "C.UTF-8"})
    code, screen = on_a_terminal(command, lambda _since: None, env=env, timeout=120)
    assert code == 0, screen
    progress, _, summary = screen.partition("\r\n")  # the progress line ends where the summary starts
    drawn = progress.split("\r")
    evaluating, buckets = EXPECT[lang]["progress"]
    assert any(state.startswith(evaluating) for state in drawn), progress
    assert drawn[-1].startswith(buckets), drawn[-1]  # the line left on screen is where the build ended
    output = next(line for line in summary.splitlines() if line.startswith(EXPECT[lang]["output"]))
    size = sum(f.stat().st_size for f in (tmp_path / "site").rglob("*.bin")) // int(
        output.split("(" if lang == "en" else "（")[1].split(" ")[0]
    )
    assert EXPECT[lang]["shape"].format(size=f"{size:,}") in output
    assert "1234567" in output  # the sequence is a name to compare, not a quantity: no separators
    assert "13500000000" not in screen
