"""Rows from a byte range of an input file, split into fields before anything is decoded.

Input is read in large pieces and split on line feeds (memory stays flat however big the file). Fields are bytes
until a worker decodes the ones a column map uses, so a bad byte in an unused column costs nothing.

A bad row never takes a good row with it:
- a CSV line with an unclosed quote is only joined with the following lines when that join parses into a row of
  the right width; otherwise the line alone is rejected ("broken_quoting") and reading resumes on the next line;
- a line longer than MAX_LINE is rejected ("line_too_long") and skipped to its end;
- JSON Lines: a line that is not a JSON object or array is rejected ("not_json").

A line is decoded whole when it can be (the common case: one decode instead of one per field) and split as text.
A line with undecodable bytes is split as Latin-1 (one character per byte) and its fields are handed on as bytes,
for the worker to decode one by one: the quote, delimiter and line-break bytes never occur inside a multi-byte
character of the encodings read this way (see encoding.py), so both splits give exactly the same fields.
"""

from __future__ import annotations

import csv
import json
from collections import deque
from collections.abc import Callable, Iterator
from typing import BinaryIO

MAX_LINE = 1 << 20  # a "line" of 1 MiB or more is not a breach record
MAX_CONTINUATION = 8  # physical lines a quoted field may span before the row is called broken
PIECE = 1 << 20  # bytes read at a time
BATCH_LINES = 1024  # lines handed to one csv reader at a time


class Rejected:
    """A line or row that is skipped, and why."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


Line = bytes | Rejected
Row = list[str] | list[bytes] | Rejected  # str fields: the line decoded; bytes fields: decode each one


def iter_lines(handle: BinaryIO, start: int, end: int) -> Iterator[Line]:
    """Lines in bytes [start, end) of the file (which start at a line start), without line endings.

    Blank lines are skipped; a line of MAX_LINE bytes or more becomes one Rejected("line_too_long").
    """
    handle.seek(start)
    remaining = end - start
    carry = b""
    skipping = False  # inside a line that was already rejected as too long
    while remaining > 0:
        piece = handle.read(min(PIECE, remaining))
        if not piece:
            break
        remaining -= len(piece)
        lines = piece.split(b"\n")
        if skipping:
            if len(lines) == 1:
                continue
            lines[0] = b""
            skipping = False
        else:
            lines[0] = carry + lines[0]
        carry = lines.pop()
        for line in lines:
            if len(line) >= MAX_LINE:
                yield Rejected("line_too_long")
            elif line.strip():
                yield line[:-1] if line[-1:] == b"\r" else line
        if len(carry) >= MAX_LINE:
            yield Rejected("line_too_long")
            carry, skipping = b"", True
    if carry.strip() and not skipping:
        yield carry[:-1] if carry[-1:] == b"\r" else carry


class QuotedParser:
    """One CSV record from a line with quotes, or None if that line alone is not a complete, well-formed record."""

    def __init__(self, delimiter: str) -> None:
        self._lines: list[str] = []
        self._reader = csv.reader(self, delimiter=delimiter, strict=True)

    def __iter__(self) -> QuotedParser:
        return self

    def __next__(self) -> str:
        # The csv reader pulls one more line when a quoted field runs past the end: there is none, so a record
        # that is not complete within the text given fails ("unexpected end of data") instead of reading on.
        if not self._lines:
            raise StopIteration
        return self._lines.pop()

    def parse(self, text: str) -> list[str] | None:
        """The fields of `text` (possibly several lines joined by LF), or None."""
        self._lines = [part + "\n" for part in reversed(text.split("\n"))]
        try:
            row = next(self._reader)
        except (csv.Error, StopIteration):
            return None
        if self._lines:  # the text held more than one record
            return None
        return row


def delimited_rows(lines: Iterator[Line], delimiter: bytes, width: int | None, codec: str) -> Iterator[Row]:
    """Rows of fields; `width` is the row width continuation joins must produce (None: the first row's).

    Most lines are one record each. Those are parsed in batches by one csv reader (in C, no Python per line), and
    the reader's line count shows where a record does not fit one line: from that line on, one line is read the
    careful way (`_one_row`: alone, or joined with the next ones only if that gives a row of the right width), and
    batching resumes after it. Both ways give the same rows for the same lines (tests compare them).
    """
    sep = delimiter.decode("ascii")
    parser = QuotedParser(sep)
    queue: deque[Line] = deque()  # lines read ahead, or put back after a failed join

    def next_line() -> Line | None:
        if queue:
            return queue.popleft()
        return next(lines, None)

    while True:
        batch: list[bytes] = []
        while len(batch) < BATCH_LINES and (line := next_line()) is not None:
            if isinstance(line, Rejected) or b"\r" in line:  # csv would end a record at a carriage return
                queue.appendleft(line)
                break
            batch.append(line)
        if batch:
            texts, dirty = _decode_batch(batch, codec)
            reader = csv.reader(texts, delimiter=sep, strict=True)
            done = 0
            try:
                for row in reader:
                    if reader.line_num != done + 1:
                        break  # the record that starts at line `done` does not end there
                    if width is None:
                        width = len(row)
                    yield [cell.encode("latin-1") for cell in row] if done in dirty else row
                    done += 1
            except csv.Error:
                pass  # line `done` is not a well-formed record by itself
            if done == len(batch):
                continue
            queue.extendleft(reversed(batch[done:]))
        line = next_line()
        if line is None:
            return
        single = _one_row(line, parser, sep, codec, width, next_line, queue)
        if width is None and not isinstance(single, Rejected):
            width = len(single)
        yield single


def careful_rows(lines: Iterator[Line], delimiter: bytes, width: int | None, codec: str) -> Iterator[Row]:
    """`delimited_rows` one line at a time, without batches: the reference the tests hold the batches to."""
    sep = delimiter.decode("ascii")
    parser = QuotedParser(sep)
    queue: deque[Line] = deque()

    def next_line() -> Line | None:
        if queue:
            return queue.popleft()
        return next(lines, None)

    while (line := next_line()) is not None:
        row = _one_row(line, parser, sep, codec, width, next_line, queue)
        if width is None and not isinstance(row, Rejected):
            width = len(row)
        yield row


def _decode_batch(batch: list[bytes], codec: str) -> tuple[list[str], set[int]]:
    """The lines as text (one decode for the whole batch when it can), and which ones held undecodable bytes:
    those are read as Latin-1, for their fields to be decoded one by one."""
    try:
        return b"\n".join(batch).decode(codec).split("\n"), set()
    except UnicodeDecodeError:
        pass
    texts: list[str] = []
    dirty: set[int] = set()
    for index, line in enumerate(batch):
        try:
            texts.append(line.decode(codec))
        except UnicodeDecodeError:
            texts.append(line.decode("latin-1"))
            dirty.add(index)
    return texts, dirty


def _one_row(
    line: Line,
    parser: QuotedParser,
    sep: str,
    codec: str,
    width: int | None,
    next_line: Callable[[], Line | None],
    lookahead: deque[Line],
) -> Row:
    """The row that starts at `line`, read on its own (see the module docstring for the rules)."""
    if isinstance(line, Rejected):
        return line
    try:
        text, clean = line.decode(codec), True
    except UnicodeDecodeError:
        text, clean = line.decode("latin-1"), False
    if '"' not in text:
        row = text.split(sep)  # no quoting, so a split is exactly what csv would do
    else:
        parsed = parser.parse(text)
        if parsed is None:
            parsed = _join_continuation(line, parser, width, next_line, lookahead)
            clean = False  # the join is parsed as Latin-1
        if parsed is None:
            return Rejected("broken_quoting")
        row = parsed
    return row if clean else [cell.encode("latin-1") for cell in row]


def may_open_record(line: bytes, delimiter: bytes) -> bool:
    """Whether a line could start a record that continues on the next lines (a quote it does not close)."""
    return b'"' in line and QuotedParser(delimiter.decode("ascii")).parse(line.decode("latin-1")) is None


def _join_continuation(
    line: bytes,
    parser: QuotedParser,
    width: int | None,
    next_line: Callable[[], Line | None],
    lookahead: deque[Line],
) -> list[str] | None:
    """A quoted field may hold a line break: join following lines only if that yields one row of the right width.

    Lines read while trying are put back when the join fails, so a stray quote never swallows good rows.
    """
    taken: list[Line] = []
    joined = line.decode("latin-1")
    for _ in range(MAX_CONTINUATION):
        extra = next_line()
        if extra is None:
            break
        taken.append(extra)
        if isinstance(extra, Rejected):
            break
        joined += "\n" + extra.decode("latin-1")
        row = parser.parse(joined)
        if row is None:
            continue
        if width is None or len(row) == width:
            return row
        break
    lookahead.extendleft(reversed(taken))
    return None


def jsonl_rows(lines: Iterator[Line], codec: str) -> Iterator[tuple[dict[str, object] | list[object], bool] | Rejected]:
    """(object or array, whether the line had undecodable bytes) per line; keys are case-folded.

    A line with bytes that are not valid in `codec` is decoded with those bytes escaped, so only the fields that
    hold them are lost (the caller checks the used ones with `has_escapes`).
    """
    for line in lines:
        if isinstance(line, Rejected):
            yield line
            continue
        dirty = False
        try:
            text = line.decode(codec)
        except UnicodeDecodeError:
            try:
                text, dirty = line.decode(codec, "surrogateescape"), True
            except UnicodeDecodeError:
                yield Rejected("undecodable_line")
                continue
        try:
            value = json.loads(text)
        except ValueError:
            yield Rejected("not_json")
            continue
        if isinstance(value, dict):
            yield {str(k).strip().casefold(): v for k, v in value.items()}, dirty
        elif isinstance(value, list):
            yield value, dirty
        else:
            yield Rejected("not_json")


def json_cell(value: object) -> str | None:
    """A JSON value as a field: strings as they are, numbers as text (unquoted phone numbers), else nothing."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def has_escapes(text: str) -> bool:
    """Whether `text` holds bytes escaped by "surrogateescape" (or any lone surrogate): not decodable input."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
