#!/usr/bin/env python3
"""A fake breach CSV as messy as real dumps: every phone, email and ID-number shape the builders must handle.

`scripts/make_synthetic_breach.py --messy` writes five tidy phone styles that all take the fast path. This one
writes what leaked tables really hold, in proportions that make the slow shapes count:

- phones: 11 digits, `+86…`, `+86-…`, `+86 138 0013 8000`, `0086…`, `8613…`, `(+86)…`, `(86)…`, `138.0013.8000`,
  `(138)0013-8000`, leading/trailing spaces, full-width digits, a zero-width space inside, landlines such as
  `010-6552 9988`, and a few that cannot exist (too short, unknown prefix, letters);
- emails: mixed case, `+tags`, `mailto:`, IDN domains (`例子.中国`, `bücher.de`), a Unicode local part, a few
  invalid ones (no `@`, `localhost`);
- ID numbers: 18 characters with `X` or `x`, 15-digit legacy numbers, spaced groups, some wrong check characters;
- usernames: ASCII in mixed case, Chinese names, full-width letters;
- rows: some empty cells, quoted cells with commas, a broken quote, a short row, and an unused column holding
  bytes that are not UTF-8 (which must cost nothing).

Every value is random; any resemblance to a real person's number is chance.

    .venv/bin/python bench/messy_breach.py --rows 1000000 --out messy.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "145", "147", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "170", "176", "177", "178", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "191", "198", "199",
)  # fmt: skip
REGION_CODES = ("110101", "310101", "440106", "330106", "510104", "420102", "320102", "610103", "500103", "370102")
SYLLABLES = (
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu",
    "hu", "guo", "he", "lin", "gao", "luo", "zheng", "liang", "xie", "song", "tang", "han", "feng",
)  # fmt: skip
DOMAINS = ("qq.com", "QQ.com", "163.com", "126.com", "sina.com", "Gmail.com", "foxmail.com", "outlook.com",
           "sohu.com", "yahoo.com.cn", "hotmail.com", "139.com")  # fmt: skip
IDN_DOMAINS = ("例子.中国", "bücher.de", "公司.cn", "münchen.de")
HANZI = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐韩冯伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
CITIES = ("北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆")
HEADER = ("id", "name", "phone", "email", "cn_id", "username", "city", "note")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def _check(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def phone(rng: random.Random) -> str:
    n = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    a, b, c = n[:3], n[3:7], n[7:]
    roll = rng.randrange(100)
    shapes = (
        n, n, n, n, n, n, n, n, n, n, n, n,  # 12%: the plain 11 digits
        "+86" + n, "+86" + n, "+86" + n, "+86" + n, "+86" + n, "+86" + n, "+86" + n, "+86" + n,
        f"+86-{n}", f"+86-{n}", f"+86-{n}", f"+86-{n}", f"+86-{n}", f"+86-{n}",
        f"+86 {a} {b} {c}", f"+86 {a} {b} {c}", f"+86 {a} {b} {c}", f"+86 {a} {b} {c}", f"+86 {a} {b} {c}",
        "0086" + n, "0086" + n, "0086" + n, "0086" + n, "0086" + n, f"0086 {n}", f"0086-{n}",
        "86" + n, "86" + n, "86" + n, "86" + n, "86" + n, "86" + n, "86" + n, "86" + n,
        f"(+86){n}", f"(+86){n}", f"(+86){n}", f"(+86){n}", f"(+86) {a}-{b}-{c}", f"(+86) {a}-{b}-{c}",
        f"(86){n}", f"(86){n}", f"(0086){n}",
        f"{a}.{b}.{c}", f"{a}.{b}.{c}", f"{a}.{b}.{c}", f"{a}.{b}.{c}", f"{a}.{b}.{c}",
        f"({a}){b}-{c}", f"({a}){b}-{c}", f"({a}) {b} {c}",
        f"{a}-{b}-{c}", f"{a}-{b}-{c}", f"{a}-{b}-{c}", f"{a}-{b}-{c}", f"{a}-{b}-{c}",
        f"{a} {b} {c}", f"{a} {b} {c}", f"{a} {b} {c}", f"{a} {b} {c}",
        f"+86 ({a}) {b} {c}", f"+86.{a}.{b}.{c}", f"0{n}",
        f" {n} ", f" {n} ", f"\t+86{n}",
    )  # fmt: skip
    if roll < len(shapes):
        return shapes[roll]
    extra = roll - len(shapes)
    if extra < 4:
        return n.translate(FULL_WIDTH)  # full-width digits, as typed with a Chinese input method
    if extra < 6:
        return f"{a}\u200b{b}\u200b{c}"  # a zero-width space pasted from a web page
    if extra < 8:
        return f"0{rng.choice(('10', '21', '755', '20'))}-{rng.randrange(2, 9)}{rng.randrange(10**6, 10**7)}"
    if extra < 9:
        return n[:10]  # a digit short
    if extra < 10:
        return "120" + n[3:]  # no such mobile prefix
    if extra < 20:
        return f"+86 {n}"
    return rng.choice(("n/a", "无", "13800x138000", "0"))


def email(rng: random.Random) -> str:
    given = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
    handle = f"{given}{rng.randrange(100000)}"
    roll = rng.randrange(100)
    if roll < 40:
        return f"{handle}@{rng.choice(DOMAINS)}"
    if roll < 60:
        return f"{handle.title()}@{rng.choice(DOMAINS).upper()}"
    if roll < 70:
        return f"{given}.{rng.choice(SYLLABLES)}+{rng.randrange(100)}@{rng.choice(DOMAINS)}"
    if roll < 78:
        return f" {handle}@{rng.choice(DOMAINS)} "
    if roll < 86:
        return f"{handle}@{rng.choice(IDN_DOMAINS)}"  # internationalized domains
    if roll < 88:
        return f"mailto:{handle}@{rng.choice(DOMAINS)}"
    if roll < 91:
        return f"{rng.choice(HANZI)}{rng.choice(HANZI)}{rng.randrange(100)}@{rng.choice(DOMAINS)}"  # Unicode local part
    if roll < 93:
        return f"{handle.upper()}@{rng.choice(IDN_DOMAINS)}"
    if roll < 96:
        return handle  # no @-sign
    if roll < 98:
        return f"{handle}@localhost"
    return f"{handle}@{rng.choice(DOMAINS)}."  # a trailing dot: invalid


def cn_id(rng: random.Random) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 60))
    roll = rng.randrange(100)
    region = rng.choice(REGION_CODES)
    if roll < 15 and born.year < 2000:
        return f"{region}{born:%y%m%d}{rng.randrange(1000):03d}"  # 15-digit legacy number
    first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    check = _check(first17)
    if roll < 20:
        check = _CHECK[(_CHECK.index(check) + 1) % 11]  # a typo: wrong check character
    value = first17 + check
    if roll < 28:
        return value.lower()  # x instead of X
    if roll < 32:
        return f"{value[:6]} {value[6:14]} {value[14:]}"
    return value


def username(rng: random.Random) -> str:
    roll = rng.randrange(100)
    given = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
    if roll < 60:
        return f"{given}_{rng.randrange(10**6)}"
    if roll < 80:
        return f"{given.title()}{rng.randrange(1000)}"
    if roll < 95:
        return "".join(rng.choice(HANZI) for _ in range(rng.randrange(2, 4)))
    return f"ｕｓｅｒ{rng.randrange(1000)}"


def _cell(value: str) -> str:
    if any(ch in value for ch in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def lines(count: int, seed: int) -> Iterator[bytes]:
    """The file as encoded lines: header first, then `count` records (a few of them broken on purpose)."""
    rng = random.Random(seed)
    yield (",".join(HEADER) + "\n").encode()
    for row_id in range(1, count + 1):
        roll = rng.randrange(1000)
        if roll == 0:
            yield f'{row_id},"broken,{phone(rng)},x\n'.encode()  # an unclosed quote
            continue
        if roll == 1:
            yield f"{row_id},short row\n".encode()
            continue
        given = rng.choice(SYLLABLES)
        cells = [
            str(row_id),
            f"{given.title()}, {rng.choice(SYLLABLES).title()}",  # a comma inside: quoted
            phone(rng) if rng.randrange(20) else "",
            email(rng) if rng.randrange(10) else "",
            cn_id(rng) if rng.randrange(8) else "",
            username(rng),
            rng.choice(CITIES),
        ]
        line = ",".join(_cell(c) for c in cells).encode()
        note = b"ok" if roll > 20 else "备注".encode("gbk")  # not UTF-8, in a column no map uses
        yield line + b"," + note + b"\n"


def write(path: Path, count: int, seed: int = 1) -> int:
    """Write the file; returns its size in bytes."""
    size = 0
    with path.open("wb") as handle:
        for line in lines(count, seed):
            handle.write(line)
            size += len(line)
    return size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write(args.out, args.rows, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
