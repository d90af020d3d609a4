#!/usr/bin/env python3
"""Write a realistic but entirely fake breach file, so tests and benchmarks never need real personal data.

Rows look like a leaked customer table: a row id, a pinyin name, a Chinese mobile number (valid under
libphonenumber, written in the mixed styles real dumps use), an email, an 18-character resident ID number with a
valid region, birth date and check character, a username and a city. Identifiers given with `--plant-*` are put on
rows at random positions, so a test can check that exactly those are found.

    python scripts/make_synthetic_breach.py --rows 100000 --out breach.csv --plant-phone +8613800138000

Every value is random: any resemblance to a real person's number is chance, as with any random number.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

# Mobile prefixes whose whole 10^8 range libphonenumber treats as valid (checked by tests/server/pack).
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189",
)  # fmt: skip
# A few real county-level region codes (GB/T 2260): Beijing Dongcheng, Shanghai Huangpu, Guangzhou Tianhe, ...
REGION_CODES = ("110101", "310101", "440106", "330106", "510104", "420102", "320102", "610103", "500103", "370102")
SYLLABLES = [
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "wu",
    "zhou",
    "xu",
    "sun",
    "ma",
    "zhu",
    "hu",
    "guo",
    "he",
    "lin",
    "gao",
    "luo",
    "zheng",
    "liang",
    "xie",
    "song",
    "tang",
    "han",
    "feng",
    "deng",
    "cao",
    "peng",
    "zeng",
    "xiao",
    "tian",
    "dong",
    "pan",
    "yuan",
    "cai",
    "jiang",
    "yu",
    "du",
    "ye",
    "cheng",
    "wei",
    "su",
    "lu",
    "ding",
    "ren",
    "shen",
    "yao",
]
DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "gmail.com", "foxmail.com", "example.org", "outlook.com")
CITIES = ("北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆")
FIELDS = ("id", "name", "phone", "email", "cn_id", "username", "city")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2, as on the card (kept here so the script runs without the app installed)."""
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def mobile(rng: random.Random, *, messy: bool) -> str:
    number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    if not messy:
        return "+86" + number
    style = rng.randrange(5)
    if style == 0:
        return number
    if style == 1:
        return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    if style == 2:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if style == 3:
        return "0086" + number
    return "+86" + number


def cn_id(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    first17 = f"{rng.choice(REGION_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_character(first17)


def person(rng: random.Random, row_id: int, *, messy: bool) -> dict[str, str]:
    given = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
    family = rng.choice(SYLLABLES)
    handle = f"{given}{family}{rng.randrange(100000)}"
    return {
        "id": str(row_id),
        "name": f"{family.title()} {given.title()}",
        "phone": mobile(rng, messy=messy),
        "email": f"{handle}@{rng.choice(DOMAINS)}",
        "cn_id": cn_id(rng),
        "username": f"{given}_{rng.randrange(10**6)}",
        "city": rng.choice(CITIES),
    }


def rows(count: int, seed: int, plants: dict[str, list[str]], *, messy: bool) -> Iterator[dict[str, str]]:
    """`count` fake rows; each planted value replaces that column on one randomly chosen row."""
    rng = random.Random(seed)
    planted: dict[int, dict[str, str]] = {}
    for column, values in plants.items():
        for value in values:
            position = rng.randrange(max(count, 1))
            while column in planted.get(position, {}):
                position = rng.randrange(max(count, 1))
            planted.setdefault(position, {})[column] = value
    for row_id in range(count):
        row = person(rng, row_id + 1, messy=messy)
        row.update(planted.get(row_id, {}))
        yield row


def write(out: io.TextIOBase, fmt: str, records: Iterator[dict[str, str]]) -> int:
    written = 0
    if fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
        return written
    writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(FIELDS)
    for record in records:
        writer.writerow([record[name] for name in FIELDS])
        written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="file to write ('-' for stdout)")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--format", choices=("csv", "tsv", "jsonl"), default="csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--messy", action="store_true", help="write phone numbers in the mixed styles of real dumps")
    for column in ("phone", "email", "cn_id", "username"):
        parser.add_argument(f"--plant-{column.replace('_', '-')}", action="append", default=[], metavar="VALUE")
    args = parser.parse_args(argv)
    plants = {
        "phone": args.plant_phone,
        "email": args.plant_email,
        "cn_id": args.plant_cn_id,
        "username": args.plant_username,
    }
    records = rows(args.rows, args.seed, plants, messy=args.messy)
    if str(args.out) == "-":
        write(sys.stdout, args.format, records)  # type: ignore[arg-type]
        return 0
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        write(handle, args.format, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
