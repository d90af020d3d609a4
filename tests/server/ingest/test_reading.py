"""Breach-file ingestion: bad rows are counted and skipped, good rows are never lost, and worker processes reading
their own byte ranges give exactly what one reader going through the whole file gives."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs import format as pack_format
from exposurecheck_server.ingest import IngestStats, iter_identifiers, parse_map
from exposurecheck_server.ingest import blocks as blocks_module
from exposurecheck_server.ingest.blocks import plan_blocks
from exposurecheck_server.ingest.rows import Rejected
from exposurecheck_server.ingest.worker import BlockTask, process_block

PHONE_A, PHONE_B, PHONE_C = "+8613800138000", "+8613912345678", "+8615012345678"
ID_A = "11010519491231002X"
ALL = "phone=phone,email=email,cn_id=cn_id,username=username"


def _collect(path: Path, fmt: str = "csv", spec: str = ALL, **kw: object) -> tuple[set[tuple[str, str]], IngestStats]:
    stats = IngestStats()
    found = list(iter_identifiers([path], fmt, parse_map(spec), stats=stats, **kw))  # type: ignore[arg-type]
    return {(i.type.value, i.canonical) for i in found}, stats


def test_parse_map_names_and_numbers() -> None:
    assert parse_map("phone=3, Email=E-Mail,cn-id=1") == (
        (IdentifierType.PHONE, 2),
        (IdentifierType.EMAIL, "e-mail"),
        (IdentifierType.CN_ID, 0),
    )
    for bad in ("", "password=1", "phone", "phone=0", "nonsense=2"):
        with pytest.raises(UserError) as info:
            parse_map(bad)
        assert info.value.key.startswith("ingest.map_")


def test_messy_csv_keeps_every_good_row_and_counts_the_rest(tmp_path: Path) -> None:
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
    # The last row has bytes that are not UTF-8 in its phone field: only that value is lost, not the row.
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8") + b"\n\xff\xfe,bad,bytes,xavier,y\n")
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
    assert ("username", "xavier") in found  # the row with a bad byte elsewhere still counts
    assert ("phone", PHONE_B) not in found  # it was on the broken row
    assert stats.rows_rejected == {"broken_quoting": 1, "wrong_column_count": 1}
    assert stats.values_rejected == {
        "invalid_phone": 1, "invalid_email": 3, "invalid_cn_id": 2, "undecodable_phone": 1,
    }  # fmt: skip
    assert stats.rows_read == 8  # the two-line record is one row
    assert stats.rows_accepted == 6
    assert stats.identifiers["username"] == 6
    assert stats.encoding == "utf-8"


def test_a_bad_byte_in_an_unused_column_costs_nothing(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    note = "备注".encode("gbk")  # not UTF-8
    rows = [b"phone,note"] + [f"1380013{i:04d},".encode() + (note if i % 3 else b"ok") for i in range(90)]
    path.write_bytes(b"\n".join(rows) + b"\n")
    found, stats = _collect(path, spec="phone=phone", encoding="utf-8")
    assert len(found) == 90
    assert not stats.rows_rejected
    assert not stats.values_rejected
    assert stats.rows_accepted == 90


def test_tsv_without_header_by_number(tmp_path: Path) -> None:
    path = tmp_path / "dump.tsv"
    path.write_text(f"x\t{PHONE_A}\nx\t{PHONE_B}\n", encoding="utf-8")
    found, stats = _collect(path, "tsv", "phone=2", header=False)
    assert found == {("phone", PHONE_A), ("phone", PHONE_B)}
    assert stats.rows_read == 2


def test_jsonl_objects_arrays_and_garbage(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"Phone": PHONE_A, "mail": "a@example.com"}).encode(),
        b"{not json",
        json.dumps([1, 2]).encode(),  # an array: column "phone" is a name, so nothing from it
        json.dumps({"phone": 13912345678}).encode(),  # an unquoted number still counts
        json.dumps("just a string").encode(),
        b'{"phone": "15012345678", "note": "\xff\xfe"}',  # a bad byte in an unused field costs nothing
        b'{"phone": "1501234\xff5679"}',  # ... and in a used one only that value
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    found, stats = _collect(path, "jsonl", "phone=phone,email=mail", encoding="utf-8")
    assert found == {("phone", PHONE_A), ("email", "a@example.com"), ("phone", PHONE_B), ("phone", PHONE_C)}
    assert stats.rows_rejected == {"not_json": 2}
    assert stats.values_rejected == {"undecodable_phone": 1}


def test_a_quoted_header_is_read_and_a_broken_one_named(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_text(f'"Phone","E-Mail"\n{PHONE_A},a@b.cn\n', encoding="utf-8")
    found, _ = _collect(path, spec="phone=phone,email=e-mail")
    assert found == {("phone", PHONE_A), ("email", "a@b.cn")}
    path.write_text(f'"phone,email\n{PHONE_A},a@b.cn\n', encoding="utf-8")
    with pytest.raises(UserError) as info:
        _collect(path, spec="phone=phone")
    assert info.value.key == "ingest.bad_header"
    assert str(path) in info.value.message("zh_CN")


def test_unknown_header_name_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    # No header row: the first row is someone's data and must not be echoed in the message.
    path.write_text(f"{PHONE_A},someone@example.com\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        _collect(path, spec="phone=mobile")
    assert info.value.key == "ingest.no_such_column"
    for lang in ("en", "zh_CN"):
        message = info.value.message(lang)
        assert "mobile" in message
        assert "2" in message
        assert "someone" not in message
        assert "13800138000" not in message


def test_parallel_normalizing_gives_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks_module, "MIN_BLOCK", 4096)  # many small blocks over two processes
    path = tmp_path / "many.csv"
    rows = ["phone,username"] + [f"1380013{i:04d},user{i % 50}" for i in range(3000)] + ["bad,ok"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    serial, s1 = _collect(path, spec="phone=phone,username=username")
    parallel, s2 = _collect(path, spec="phone=phone,username=username", jobs=2)
    assert serial == parallel
    assert s1.as_dict() == s2.as_dict()
    assert s1.identifiers["phone"] == 3000
    assert s1.values_rejected["invalid_phone"] == 1


def test_several_files_are_read_as_one_input(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(f"phone\n{PHONE_A}\n", encoding="utf-8")
    second.write_text(f"phone\n{PHONE_B}\n", encoding="utf-8")
    stats = IngestStats()
    found = list(iter_identifiers([first, second], "csv", parse_map("phone=phone"), stats=stats))
    assert {i.canonical for i in found} == {PHONE_A, PHONE_B}
    assert stats.rows_read == 2


def test_a_build_that_accepts_too_little_stops_with_the_reasons(tmp_path: Path) -> None:
    path = tmp_path / "sparse.csv"
    rows = ["phone"] + [PHONE_A] * 3 + ["not a phone"] * 7
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        _collect(path, spec="phone=phone", min_accepted=0.5)
    assert info.value.key == "ingest.too_few_accepted"
    message = info.value.message("en")
    assert "3 of 10" in message and "30%" in message and "invalid phone 7" in message
    assert "13800138000" not in message
    found, _ = _collect(path, spec="phone=phone", min_accepted=0.3)
    assert found == {("phone", PHONE_A)}


def test_a_build_that_accepts_nothing_always_stops(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_text("phone\n" + "nope\n" * 5, encoding="utf-8")
    with pytest.raises(UserError) as info:
        _collect(path, spec="phone=phone", min_accepted=0.0)
    assert info.value.key == "ingest.nothing_accepted"
    assert "5" in info.value.message("zh_CN")
    found, stats = _collect(path, spec="phone=phone")  # a library caller that checks for itself
    assert not found and stats.rows_accepted == 0


def test_both_builders_take_the_same_input_options() -> None:
    """One definition of --input/--format/--map/... for packs and the lookup service (issue 7: share the code)."""
    from exposurecheck_server.cli import build_parser

    parser = build_parser()
    common = ["--input", "a.tsv", "--map", "phone=2", "--no-header", "--encoding", "gb18030", "--min-accepted", "20%"]
    pack = parser.parse_args(["pack", "build", *common, "--breach", "x", "--catalog", "c.json",
                              "--signing-key", "k", "--out", "o"])  # fmt: skip
    service = parser.parse_args(["service", "build", *common, "--breach", "x", "--catalog", "c.json", "--oprf-key",
                                 "o", "--bucketing-key", "b", "--signing-key", "k", "--out", "s"])  # fmt: skip
    for args in (pack, service):
        assert (args.format, args.map, args.header, args.encoding) == (None, "phone=2", False, "gb18030")
        assert args.min_accepted == pytest.approx(0.2)


def test_tags_from_the_workers_equal_the_pack_formats(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"phone,email\n{PHONE_A},Someone@Example.org\n", encoding="utf-8")
    salt = bytes(range(32))
    columns = ((IdentifierType.PHONE.code, 0), (IdentifierType.EMAIL.code, 1))
    task = BlockTask(path, len("phone,email\n"), path.stat().st_size, "csv", columns, 2, "utf-8", "CN", salt)
    result = process_block(task)
    for kind, canonical in ((IdentifierType.PHONE, PHONE_A), (IdentifierType.EMAIL, "someone@example.org")):
        expected = pack_format.keyed_tag(salt, Identifier(kind, canonical)).to_bytes(8, "big")
        assert result.values[kind.code] == expected


# --- cutting files into blocks: every cut gives what one reader gives ------------------------------------------

LINE_SHAPES = [
    "13800138000,a@b.com,x",
    '"13800138000","a,b@c.com",x',
    '"broken,13900000000,x',  # an unclosed quote
    'x,"multi',  # opens a record that a following line may close ...
    'line",y',  # ... like this one
    '"",,',
    "only,two",
    "",
    "   ",
    '"a""b",c,d',
    'ab"c,d,e',
    '"ab"c,d,e',  # strict CSV refuses text after a closing quote
    "15012345678,\ufeffz@y.cn,备注",
]


def _read_in_blocks(path: Path, start: int, size: int) -> tuple[dict[str, object], Counter[str]]:
    stats = IngestStats()
    values: Counter[str] = Counter()
    columns = ((IdentifierType.PHONE.code, 0), (IdentifierType.EMAIL.code, 1), (IdentifierType.USERNAME.code, 2))
    for lo, hi in plan_blocks(path, start, path.stat().st_size, b",", size):
        result = process_block(BlockTask(path, lo, hi, "csv", columns, 3, "utf-8", "CN"))
        stats.add(result.counts)
        for code, joined in result.values.items():
            assert isinstance(joined, str)
            values.update(f"{code}:{value}" for value in joined.split("\n"))
    return {**stats.as_dict(), "bytes_read": stats.bytes_read}, values


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LINE_SHAPES), min_size=1, max_size=60), st.integers(1, 64), st.booleans())
def test_any_cut_of_a_csv_reads_like_one_reader(tmp_path: Path, shapes: list[str], size: int, crlf: bool) -> None:
    path = tmp_path / "cuts.csv"
    path.write_bytes((("\r\n" if crlf else "\n").join(shapes) + "\n").encode("utf-8"))
    whole, whole_values = _read_in_blocks(path, 0, 1 << 30)
    cut, cut_values = _read_in_blocks(path, 0, size)
    assert cut == whole
    assert cut_values == whole_values
    assert whole["bytes_read"] == path.stat().st_size


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*LINE_SHAPES, "a,\udcff\udcfe,b", '"x\ry",1,2', "1,2\r3,4", "\x00,b,c"]), max_size=80),
       st.sampled_from([1, 2, 3, 1024]))  # fmt: skip
def test_batches_of_lines_read_like_one_line_at_a_time(shapes: list[str], batch: int) -> None:
    from exposurecheck_server.ingest import rows as rows_module

    data = ("\n".join(shapes) + "\n").encode("utf-8", "surrogateescape")
    lines = list(rows_module.iter_lines(io.BytesIO(data), 0, len(data)))
    careful = list(rows_module.careful_rows(iter(lines), b",", None, "utf-8"))
    old, rows_module.BATCH_LINES = rows_module.BATCH_LINES, batch
    try:
        batched = list(rows_module.delimited_rows(iter(lines), b",", None, "utf-8"))
    finally:
        rows_module.BATCH_LINES = old
    assert [r.reason if isinstance(r, Rejected) else r for r in batched] == [
        r.reason if isinstance(r, Rejected) else r for r in careful
    ]


def test_blocks_never_split_a_record_that_spans_lines(tmp_path: Path) -> None:
    path = tmp_path / "spans.csv"
    record = '13800138000,"a@b.com",x\n' * 5 + 'x,"multi\nline",y\n'
    path.write_text(record * 40, encoding="utf-8")
    for size in range(1, 200, 7):
        for lo, hi in plan_blocks(path, 0, path.stat().st_size, b",", size):
            text = path.read_bytes()[lo:hi].decode()
            assert not text.startswith('line"'), (size, lo)  # a cut never lands inside the two-line record
