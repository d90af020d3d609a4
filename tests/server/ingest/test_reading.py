"""Breach-file ingestion: bad rows are counted and skipped, good rows are never lost."""

from __future__ import annotations

import json

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck_server.ingest import IngestStats, iter_identifiers, parse_map

PHONE_A, PHONE_B, PHONE_C = "+8613800138000", "+8613912345678", "+8615012345678"
ID_A = "11010519491231002X"


def _collect(path, fmt="csv", spec="phone=phone,email=email,cn_id=cn_id,username=username", **kw):
    stats = IngestStats()
    found = list(iter_identifiers([path], fmt, parse_map(spec), stats=stats, **kw))
    return {(i.type.value, i.canonical) for i in found}, stats


def test_parse_map_names_and_numbers():
    assert parse_map("phone=3, Email=E-Mail,cn-id=1") == (
        (IdentifierType.PHONE, 2),
        (IdentifierType.EMAIL, "e-mail"),
        (IdentifierType.CN_ID, 0),
    )
    for bad in ("", "password=1", "phone", "phone=0", "nonsense=2"):
        with pytest.raises(UserError):
            parse_map(bad)


def test_messy_csv_keeps_every_good_row_and_counts_the_rest(tmp_path):
    lines = [
        "phone,email,cn_id,username,city",  # preceded by a BOM below
        f"{PHONE_A},Alice@Example.COM,{ID_A},Alice,北京",
        '"13912345678,broken@example.com,,bob,上海',  # unclosed quote: must not swallow the next rows
        f"{PHONE_C},carol@example.com,,carol,广州",
        "too,few",  # wrong column count
        "12345,not-an-email,110105194912310021,dave,深圳",  # invalid phone, email, id; valid username
        '"138 0013 8000","quoted@example.com",,"eve, the second",杭州',  # good quoting with a comma inside
        "",  # blank line: not a row
        '13900000000,"multi\nline@example.com",,frank,成都',  # a quoted field across lines that does parse
    ]
    path = tmp_path / "messy.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8") + b"\n\xff\xfe,bad,bytes,x,y\n")
    found, stats = _collect(path)
    assert ("phone", PHONE_A) in found
    assert ("email", "alice@example.com") in found
    assert ("cn_id", ID_A) in found
    assert ("phone", PHONE_C) in found  # the row right after the broken quote survived
    assert ("username", "carol") in found
    assert ("username", "dave") in found  # its row's other values were invalid, this one is not
    assert ("username", "eve, the second") in found
    assert ("email", "quoted@example.com") in found
    assert ("username", "frank") in found
    assert ("phone", PHONE_B) not in found  # it was on the broken row
    assert stats.rows_rejected == {"broken_quoting": 1, "wrong_column_count": 1, "encoding": 1}
    assert stats.values_rejected["invalid_phone"] == 1
    assert stats.values_rejected["invalid_email"] == 2  # not-an-email, and the multi-line one
    assert stats.values_rejected["invalid_cn_id"] == 1
    assert stats.rows_read == 8  # the two-line record is one row
    assert stats.identifiers["username"] == 5


def test_tsv_without_header_by_number(tmp_path):
    path = tmp_path / "dump.tsv"
    path.write_text(f"x\t{PHONE_A}\nx\t{PHONE_B}\n", encoding="utf-8")
    found, stats = _collect(path, "tsv", "phone=2", header=False)
    assert found == {("phone", PHONE_A), ("phone", PHONE_B)}
    assert stats.rows_read == 2


def test_jsonl_objects_arrays_and_garbage(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"Phone": PHONE_A, "mail": "a@example.com"}),
        "{not json",
        json.dumps([1, 2]),  # an array: column "phone" is a name, so nothing from it
        json.dumps({"phone": 13912345678}),  # an unquoted number still counts
        json.dumps("just a string"),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found, stats = _collect(path, "jsonl", "phone=phone,email=mail")
    assert found == {("phone", PHONE_A), ("email", "a@example.com"), ("phone", PHONE_B)}
    assert stats.rows_rejected == {"not_json": 2}


def test_unknown_header_name_is_a_clear_error(tmp_path):
    path = tmp_path / "dump.csv"
    # No header row: the first row is someone's data and must not be echoed in the message.
    path.write_text(f"{PHONE_A},someone@example.com\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        _collect(path, spec="phone=mobile")
    assert info.value.key == "pack.ingest.no_such_column"
    for lang in ("en", "zh_CN"):
        message = info.value.message(lang)
        assert "mobile" in message
        assert "2" in message
        assert "someone" not in message
        assert "13800138000" not in message


def test_parallel_normalizing_gives_the_same_result(tmp_path):
    path = tmp_path / "many.csv"
    rows = ["phone,username"] + [f"1380013{i:04d},user{i % 50}" for i in range(3000)] + ["bad,ok"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    serial, s1 = _collect(path, spec="phone=phone,username=username")
    parallel, s2 = _collect(path, spec="phone=phone,username=username", jobs=2)
    assert serial == parallel
    assert s1.as_dict() == s2.as_dict()
    assert s1.identifiers["phone"] == 3000
    assert s1.values_rejected["invalid_phone"] == 1


def test_both_builders_take_the_same_input_options() -> None:
    """One definition of --input/--format/--map/... for packs and the lookup service (issue 7: share the code)."""
    from exposurecheck_server.cli import build_parser

    parser = build_parser()
    pack = parser.parse_args(["pack", "build", "--input", "a.tsv", "--map", "phone=2", "--no-header",
                              "--encoding", "gb18030", "--breach", "x", "--catalog", "c.json",
                              "--signing-key", "k", "--out", "o"])  # fmt: skip
    service = parser.parse_args(["service", "build", "--input", "a.tsv", "--map", "phone=2", "--no-header",
                                 "--encoding", "gb18030", "--breach", "x", "--catalog", "c.json",
                                 "--oprf-key", "o", "--signing-key", "k", "--out", "s"])  # fmt: skip
    for args in (pack, service):
        assert (args.format, args.map, args.header, args.encoding) == (None, "phone=2", False, "gb18030")
