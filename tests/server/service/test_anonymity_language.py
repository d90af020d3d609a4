"""The build summary's anonymity set, read by a Chinese-speaking operator: round figures in 万 and 亿, not
"13,000,000" (core/i18n.py `approx_figure`), from a real `service build` and from the summary line itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from exposurecheck_server.service.commands import anonymity_lines
from tests.conftest import REPO, run_cli
from tests.server.service.site_helpers import breach_ids, make_keys


def test_a_chinese_build_summary_writes_the_anonymity_set_in_wan_and_yi(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    rows = ["phone,email"] + [f"1380013{n:04d},person{n}@example.net" for n in range(50)]
    (tmp_path / "leak.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    built = run_cli(
        "service", "build", "--input", str(tmp_path / "leak.csv"), "--format", "csv", "--map", "phone=1,email=2",
        "--breach", breach_ids()[0], "--catalog", str(REPO / "resources" / "catalog" / "breaches.json"),
        "--oprf-key", str(keys.oprf_key), "--bucketing-key", str(keys.bucketing_key),
        "--signing-key", str(keys.signing_key), "--out", str(tmp_path / "site"),
        env={"LANG": "zh_CN.UTF-8"}, admin=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    # A small site is one block: a check reveals nothing, so the set is the whole space (1.6e9 phone numbers).
    assert "透露0位" in built.stdout
    assert "手机号码缩小到约16亿个候选，身份证号码约10亿个，电子邮箱地址约40亿个。" in built.stdout
    assert "1,600,000,000" not in built.stdout


def test_the_anonymity_line_follows_the_operators_language(monkeypatch: pytest.MonkeyPatch) -> None:
    # 16-bit buckets in blocks of 8 reveal 13 bits: 195,312 phone numbers, 122,070 ID numbers, 488,281 emails.
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    chinese = anonymity_lines(13, 8)
    assert "一整组8个分桶，透露13位" in chinese
    assert "约20万个候选，身份证号码约12万个，电子邮箱地址约49万个。" in chinese
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    english = anonymity_lines(13, 8)
    assert "about 200,000 candidates, an ID number to about 120,000, an email address to about 490,000" in english
