"""Inputs as they really are: the encoding is detected or chosen, and a wrong guess never passes silently."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck_server.ingest import IngestStats, iter_identifiers, parse_map
from exposurecheck_server.ingest.encoding import resolve

ROWS = [
    ("phone", "email", "username", "city"),
    ("13800138000", "wang.li@qq.com", "王丽", "北京"),
    ("+86 139 1234 5678", "Zhang@163.COM", "张伟_88", "上海"),
    ("15012345678", "liu@例子.中国", "刘芳", "广州"),
] + [(f"1380013{n:04d}", f"user{n}@sina.com", f"用户{n}", "深圳") for n in range(40)]
EXPECTED = {
    ("phone", "+8613800138000"), ("email", "wang.li@qq.com"), ("username", "王丽"),
    ("phone", "+8613912345678"), ("email", "zhang@163.com"), ("username", "张伟_88"),
    ("phone", "+8615012345678"), ("email", "liu@例子.中国"), ("username", "刘芳"),
}  # fmt: skip
SPEC = "phone=phone,email=email,username=username"


def _write(path: Path, encoding: str, bom: bytes = b"", rows: list[tuple[str, ...]] = ROWS) -> Path:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    path.write_bytes(bom + text.encode(encoding))
    return path


def _read(path: Path, encoding: str | None = None) -> tuple[set[tuple[str, str]], IngestStats]:
    stats = IngestStats()
    found = iter_identifiers([path], "csv", parse_map(SPEC), stats=stats, encoding=encoding, scratch=path.parent)
    return {(i.type.value, i.canonical) for i in found}, stats


@pytest.mark.parametrize(
    ("codec", "bom", "label"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32-le"),
        ("gb18030", b"", "gb18030"),
        ("gbk", b"", "gb18030"),  # GBK is a subset of GB18030
    ],
)
def test_detected_encodings_give_the_same_identifiers(tmp_path: Path, codec: str, bom: bytes, label: str) -> None:
    source = _write(tmp_path / "dump.csv", codec, bom)
    found, stats = _read(source)
    assert found >= EXPECTED
    assert stats.encoding_detected
    assert stats.encoding == label
    assert not stats.values_rejected and not stats.rows_rejected
    assert stats.identifiers["username"] == len(ROWS) - 1
    assert [p.name for p in tmp_path.iterdir()] == ["dump.csv"]  # a transcoding spool is gone afterwards


@pytest.mark.parametrize(("codec", "name"), [("gbk", "gbk"), ("gb18030", "GB18030"), ("big5", "big5"),
                                             ("utf-16-le", "utf-16-le"), ("utf-8", "UTF8")])  # fmt: skip
def test_a_named_encoding_is_used(tmp_path: Path, codec: str, name: str) -> None:
    traditional = [(f"1380013{n:04d}", "a@b.tw", f"陳大文{n}", "臺北") for n in range(40)]
    rows = ROWS if codec != "big5" else [ROWS[0], *traditional]
    found, stats = _read(_write(tmp_path / "dump.csv", codec, rows=rows), encoding=name)
    assert ("phone", "+8613800130001") in found and len(found) > 80
    assert not stats.values_rejected and not stats.encoding_detected


def test_utf8_named_for_a_gbk_file_counts_what_it_cannot_decode(tmp_path: Path) -> None:
    # UTF-8 is strict: the wrong choice does not garble, it shows as undecodable values, counted and reported.
    found, stats = _read(_write(tmp_path / "dump.csv", "gbk"), encoding="utf-8")
    assert ("phone", "+8613800138000") in found  # ASCII fields read the same in both
    assert stats.values_rejected["undecodable_username"] == len(ROWS) - 1
    assert ("username", "王丽") not in found


def test_a_legacy_encoding_named_for_a_utf8_file_is_refused(tmp_path: Path) -> None:
    source = _write(tmp_path / "dump.csv", "utf-8")
    for name in ("gbk", "latin-1", "big5"):
        with pytest.raises(UserError) as info:
            _read(source, encoding=name)
        assert info.value.key == "ingest.encoding_looks_utf8"
        assert name in info.value.message("en") and name in info.value.message("zh_CN")


def test_an_encoding_the_file_is_not_in_is_refused(tmp_path: Path) -> None:
    source = _write(tmp_path / "dump.csv", "gbk")
    with pytest.raises(UserError) as info:
        _read(source, encoding="shift_jis")
    assert info.value.key == "ingest.encoding_mismatch"


def test_an_unknown_encoding_name_is_named_as_the_cause(tmp_path: Path) -> None:
    with pytest.raises(UserError) as info:
        _read(_write(tmp_path / "dump.csv", "utf-8"), encoding="gbk-ish")
    assert info.value.key == "ingest.encoding_unknown_name"
    assert "gbk-ish" in info.value.message("en") and "gbk-ish" in info.value.message("zh_CN")


def test_a_byte_order_mark_overrides_nothing_silently(tmp_path: Path) -> None:
    source = _write(tmp_path / "dump.csv", "utf-16-le", codecs.BOM_UTF16_LE)
    with pytest.raises(UserError) as info:
        _read(source, encoding="gbk")
    assert info.value.key == "ingest.encoding_bom_mismatch"
    assert _read(source, encoding="utf-16")[0] >= EXPECTED  # the generic name agrees with the mark


def test_utf16_without_a_mark_asks_for_the_byte_order(tmp_path: Path) -> None:
    source = _write(tmp_path / "dump.csv", "utf-16-le")
    with pytest.raises(UserError) as info:
        _read(source)
    assert info.value.key == "ingest.encoding_utf16le_no_bom"
    with pytest.raises(UserError) as info:
        _read(source, encoding="utf-16")
    assert info.value.key == "ingest.encoding_needs_byte_order"
    assert _read(source, encoding="utf-16-le")[0] >= EXPECTED


def test_binary_and_unknown_text_are_refused_with_their_cause(tmp_path: Path) -> None:
    binary = tmp_path / "image.csv"
    binary.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(UserError) as info:
        _read(binary)
    assert info.value.key == "ingest.encoding_binary"
    latin = _write(tmp_path / "latin.csv", "latin-1",
                   rows=[("phone", "email", "username", "city")] + [("13800138000", "a@b.cn", f"José{n}", "Málaga")
                                                                    for n in range(30)])  # fmt: skip
    with pytest.raises(UserError) as info:
        _read(latin)
    assert info.value.key == "ingest.encoding_unknown_content"
    found, _ = _read(latin, encoding="latin-1")
    assert ("username", "josé1") in found


def test_undecodable_utf16_is_counted_in_its_field_only(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    good = "\r\n".join(",".join(row) for row in ROWS[:3]).encode("utf-16-le")
    lone_surrogate = b"\x00\xd8"  # half a character: not valid UTF-16
    bad_row = "\r\n15012345678,x@y.cn,".encode("utf-16-le") + lone_surrogate + ",z\r\n".encode("utf-16-le")
    path.write_bytes(codecs.BOM_UTF16_LE + good + bad_row)
    found, stats = _read(path)
    assert ("phone", "+8615012345678") in found
    assert ("email", "x@y.cn") in found
    assert stats.values_rejected == {"undecodable_username": 1}


def test_detection_tolerates_a_stray_byte_in_a_column_nobody_uses(tmp_path: Path) -> None:
    rows = [row if n % 20 else (*row[:3], "\udcff") for n, row in enumerate(ROWS)]
    path = tmp_path / "dump.csv"
    path.write_bytes(("\n".join(",".join(row) for row in rows) + "\n").encode("utf-8", "surrogateescape"))
    assert resolve(path, None).codec == "utf-8"
    found, stats = _read(path)
    assert found >= EXPECTED
    assert not stats.values_rejected


# Traditional Chinese names and Taiwanese addresses (made up), as a Big5 dump from Taiwan or Hong Kong holds them.
BIG5_ROWS = [("phone", "email", "username", "city")] + [
    (f"0912{n:06d}", f"user{n}@example.tw", name + str(n), city)
    for n, (name, city) in enumerate(
        zip(["陳志明", "林俊傑", "黃雅婷", "張淑芬", "李建宏", "王美玲", "吳家豪", "劉怡君", "蔡宗翰", "楊惠如"] * 5,
            ["臺北市", "新北市", "臺中市", "高雄市", "桃園市"] * 10, strict=True)
    )
]  # fmt: skip


def test_a_big5_file_is_not_read_as_gb18030_silently(tmp_path: Path) -> None:
    # Big5 bytes are nearly all valid GB18030: detection took such a file for GB18030 and every name came out as
    # other characters (exit 0, usernames that no lookup would ever find). Now the operator is asked.
    source = _write(tmp_path / "dump.csv", "big5", rows=BIG5_ROWS)
    assert source.read_bytes().decode("gb18030")  # the trap: it does decode
    with pytest.raises(UserError) as info:
        _read(source)
    assert info.value.key == "ingest.encoding_gb_or_big5"
    assert "--encoding big5" in info.value.message("en") and "--encoding big5" in info.value.message("zh_CN")
    stats = IngestStats()
    found = set(iter_identifiers([source], "csv", parse_map(SPEC), stats=stats, encoding="big5", region="TW"))
    assert {(i.type.value, i.canonical) for i in found} >= {("username", "陳志明0"), ("username", "楊惠如49")}
    assert not stats.values_rejected


def test_mainland_text_with_rare_name_characters_is_still_gb18030(tmp_path: Path) -> None:
    # Simplified text decodes as Big5 too, about as often: what tells them apart is GB2312's repertoire, which
    # mainland text keeps to but for a few rare name characters (喆 堃 淼 琇 鑫 here: one name in two has one).
    names = ["王喆", "李堃", "张淼", "刘琇", "陈鑫", "杨伟", "赵敏", "黄磊", "周杰", "吴娟"]
    rows = [ROWS[0]] + [(f"1380013{n:04d}", f"u{n}@qq.com", names[n % 10] + str(n), "上海市浦东新区")
                        for n in range(60)]  # fmt: skip
    source = _write(tmp_path / "dump.csv", "gbk", rows=rows)
    decoding = resolve(source, None)
    assert (decoding.codec, decoding.detected) == ("gb18030", True)
    found, stats = _read(source)
    assert ("username", "王喆0") in found and not stats.values_rejected
