import json

from tests.conftest import run_cli


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_full_width_phone_from_stdin() -> None:
    result = run_cli("normalize", "--type", "phone", stdin="１３８ ００１３ ８０００\n")
    assert result.returncode == 0
    assert _lines(result.stdout) == [{"ok": True, "type": "phone", "canonical": "+8613800138000"}]
    assert '"canonical": "+8613800138000"' in result.stdout


def test_values_as_arguments_one_object_each_and_exit_1_when_any_is_invalid() -> None:
    result = run_cli("normalize", "--type", "cn-id", "11010519491231002x", "110105194912310021")
    assert result.returncode == 1
    good, bad = _lines(result.stdout)
    assert good == {"ok": True, "type": "cn_id", "canonical": "11010519491231002X"}
    assert bad["ok"] is False and bad["type"] == "cn_id"
    assert "mistyped" in bad["error"]


def test_invalid_id_message_in_chinese() -> None:
    result = run_cli("normalize", "--type", "cn-id", "--lang", "zh_CN", "110105194913310029")
    (line,) = _lines(result.stdout)
    assert "出生日期" in line["error"]
    assert result.returncode == 1


def test_region_option_and_usage_errors() -> None:
    uk = run_cli("normalize", "--type", "phone", "--region", "GB", "020 7946 0958")
    assert _lines(uk.stdout)[0]["canonical"] == "+442079460958"
    assert run_cli("normalize", "--type", "phone", "--region", "XX", "1").returncode == 2
    assert run_cli("normalize", "--type", "fax", "1").returncode == 2
    assert run_cli("normalize").returncode == 2


def test_stdin_lines_with_crlf_and_blank_lines() -> None:
    result = run_cli("normalize", "--type", "email", stdin="A@Example.com\r\nnot-an-email\r\n")
    lines = _lines(result.stdout)
    assert lines[0]["canonical"] == "a@example.com"
    assert lines[1]["ok"] is False
    assert result.returncode == 1


def test_an_unknown_region_is_named_as_such_in_both_languages() -> None:
    # normalize said it in English only; check said "This does not look like a phone number" for a good number.
    for command in (("normalize", "--type", "phone"), ("check", "--source", "demo", "--phone")):
        english = run_cli(*command, "13800138000", "--region", "XX", "--lang", "en")
        chinese = run_cli(*command, "13800138000", "--region", "XX", "--lang", "zh_CN")
        assert english.returncode == chinese.returncode == 2
        assert '"XX" is not a country or region code' in english.stderr and "phone number" not in english.stderr
        assert "不认识国家或地区代码“XX”" in chinese.stderr
        assert "Traceback" not in english.stderr + chinese.stderr
