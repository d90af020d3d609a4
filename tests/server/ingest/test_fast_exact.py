"""The builders' fast paths give the app's exact answer on every value they decide, byte for byte after encode().

Values come from generators of the shapes breach dumps hold (and the ones meant to trip the fast paths), from
random text, and from the shared real-world cases. Where a fast path decides (returns a form, or "" for invalid),
the app's own `normalize` must give the same canonical form (or reject the value); `None` hands the value on.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposurecheck.core.identifiers import Identifier, IdentifierType, InvalidIdentifier, encode, normalize
from exposurecheck.core.identifiers.cn_id import check_character as exact_check_character
from exposurecheck_server.ingest.fast import ValueNormalizer, fast_deciders
from exposurecheck_server.ingest.fast import cn_id as fast_cn_id
from exposurecheck_server.ingest.fast.phone import PREFIX_DIGITS, FastPhone

PHONE, EMAIL = IdentifierType.PHONE, IdentifierType.EMAIL
CN_ID, USERNAME = IdentifierType.CN_ID, IdentifierType.USERNAME
MANY = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _exact(kind: IdentifierType, raw: str, region: str = "CN") -> str | None:
    try:
        return normalize(kind, raw, region=region).canonical
    except InvalidIdentifier:
        return None


def _agree(kind: IdentifierType, decide: Callable[[str], str | None], raw: str, region: str = "CN") -> bool:
    """True if the fast path decided; fails the test if its answer differs from the app's in any byte."""
    fast = decide(raw)
    if fast is None:
        return False
    exact = _exact(kind, raw, region)
    assert (fast or None) == exact, (kind, raw)
    if exact is not None:
        assert encode(Identifier(kind, fast)) == encode(normalize(kind, raw, region=region))
    return True


# --- phone ---------------------------------------------------------------------------------------------------

DIGITS = "0123456789"
ARABIC_INDIC = str.maketrans(DIGITS, "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans(DIGITS + "+()-", "０１２３４５６７８９＋（）－")
national = st.one_of(
    st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1)),
    st.builds(lambda rest: f"179{rest:08d}", st.integers(0, 10**8 - 1)),  # a carrier-code prefix: not decided
    st.builds(lambda first, rest: f"{first}{rest}", st.sampled_from("0122"), st.text(DIGITS, min_size=6, max_size=11)),
    st.text(DIGITS, min_size=0, max_size=16),
)
prefixes = st.sampled_from(["", "", "+86", "+86 ", "+86-", "0086", "0086 ", "00 86 ", "00-86-", "86", "86 ", "(+86)",
                            "(+86) ", "(86)", "(0086)", "0", "+", "00", "(", "+0086", "+ 86", "+(86)", "086", "+1 "])
separators = st.sampled_from(["", "", " ", "-", ".", "  ", "(", ")", "/", "x", "~", "#", "\u00ad", "\u200b", "\u3000"])


@st.composite
def phone_shapes(draw: st.DrawFn) -> str:
    number = draw(national)
    cuts = sorted(draw(st.lists(st.integers(0, len(number)), max_size=3)))
    parts, last = [], 0
    for cut in cuts:
        parts += [number[last:cut], draw(separators)]
        last = cut
    text = draw(prefixes) + "".join(parts) + number[last:]
    style = draw(st.integers(0, 9))
    if style == 0:
        text = text.translate(FULL_WIDTH)
    elif style == 1:
        text = text.translate(ARABIC_INDIC)
    elif style == 2:
        text = f" {text}\t"
    elif style == 3:
        text = "tel:" + text
    return text


@MANY
@given(phone_shapes())
def test_phone_fast_path_agrees_on_dump_shapes(raw: str) -> None:
    _agree(PHONE, FastPhone("CN").decide, raw)


@MANY
@given(st.text(alphabet=DIGITS + " +-().x#~/\u00adab", max_size=24))
def test_phone_fast_path_agrees_on_random_text(raw: str) -> None:
    _agree(PHONE, FastPhone("CN").decide, raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_phone_fast_path_agrees_on_any_text(raw: str) -> None:
    _agree(PHONE, FastPhone("CN").decide, raw)


def test_phone_fast_path_decides_the_common_shapes_and_agrees() -> None:
    decide = FastPhone("CN").decide
    for raw in ("13800138000", "+8613800138000", "+86-13800138000", "+86 138 0013 8000", "008613800138000",
                "8613800138000", "(+86)13800138000", "(+86) 138-0013-8000", "(86)13800138000", "(0086)13800138000",
                "138.0013.8000", "(138)0013-8000", "138 0013 8000", " 13800138000 ", "013800138000",
                "１３８００１３８０００", "138\u200b0013\u200b8000", "0086 13800138000",
                "+86.138.0013.8000"):  # fmt: skip
        assert _agree(PHONE, decide, raw), raw
    for raw in ("n/a", "无", "0", "", "12"):  # junk is decided too (as invalid)
        assert _agree(PHONE, decide, raw), raw
    assert decide("010-6552 9988") is None  # landlines take the exact path
    assert decide("17912345678") is None  # 179: a carrier-code prefix
    for raw in ("1380013800", "+86 138 0013 80001", "16800138", "0086 1380013"):  # other lengths of N: decided
        assert _agree(PHONE, decide, raw), raw


def test_phone_fast_path_is_off_for_other_regions() -> None:
    assert FastPhone("HK").decide("13800138000") is None


def test_phone_real_world_cases(testdata) -> None:
    cases = json.loads((testdata / "phone" / "cn_phone_cases.json").read_text(encoding="utf-8"))["cases"]
    decide = FastPhone("CN").decide
    decided = sum(_agree(PHONE, decide, case["input"]) for case in cases if (case.get("region") or "CN") == "CN")
    assert decided >= 20


def test_validity_of_cn_mobiles_depends_only_on_the_first_five_digits() -> None:
    """Point 4 of fast/phone.py, checked on every five-digit prefix 13000-19999 and every length with the pinned
    metadata.

    The argument reads the CN patterns of phonenumbers 9.0.43; a new version must be checked again (and this test,
    with its suffixes at both ends of the range and random ones between, run against it).
    """
    assert phonenumbers.__version__ == "9.0.43", "re-check fast/phone.py's argument against the new metadata"
    rng = random.Random(5)
    fast = FastPhone("CN")
    for prefix in range(13000, 20000):
        head = str(prefix)
        if head.startswith("179"):
            continue
        answers = set()
        for suffix in ("000000", "999999", f"{rng.randrange(10**6):06d}", f"{rng.randrange(10**6):06d}"):
            number = phonenumbers.PhoneNumber(country_code=86, national_number=int(head + suffix))
            answers.add(phonenumbers.is_valid_number(number))
        assert len(answers) == 1, head
        assert fast.decide(head + "000000") == ("+86" + head + "000000" if answers.pop() else "")
        # Other lengths (7-12 digits): one random number per prefix and length, both ends for the premium range.
        for length in (7, 8, 9, 10, 12):
            rest = length - 5
            suffixes = [f"{rng.randrange(10**rest):0{rest}d}"]
            if head.startswith("16"):
                suffixes += ["0" * rest, "9" * rest]
            verdicts = set()
            for suffix in suffixes:
                number = phonenumbers.PhoneNumber(country_code=86, national_number=int(head + suffix))
                verdicts.add(phonenumbers.is_valid_number(number))
                assert fast.decide(head + suffix) == ("+86" + head + suffix if verdicts == {True} else ""), head
            assert len(verdicts) == 1, (head, length)
    assert PREFIX_DIGITS == 5


# --- email ---------------------------------------------------------------------------------------------------

ATEXT = "abcxyzABCXYZ0189_!#$%&'*+-/=?^`{|}~"
domains = st.sampled_from([
    "qq.com", "QQ.COM", "163.com", "Example.Org", "例子.中国", "bücher.de", "BÜCHER.de", "xn--bcher-kva.de",
    "xn--fsqu00a.xn--fiqs8s", "münchen.de", "a.b.c.d.example.net", "localhost", "x.local", "test", "a.test",
    "example", "-bad.com", "bad-.com", "a..b.com", ".com", "com.", "1.2.3.4", "[1.2.3.4]", "[IPv6:::1]", "ab--c.com",
    "xn--zz.com", "a_b.com", "a b.com", "例子。中国", "ＱＱ.ＣＯＭ", "\u0301x.com", "x" * 70 + ".com",
    ".".join(["label"] * 50), "onion.onion", "sub.invalid", "exa\u200bmple.com", "arpa",
])  # fmt: skip


@st.composite
def email_shapes(draw: st.DrawFn) -> str:
    atoms = draw(st.lists(st.text(ATEXT, min_size=0, max_size=8), min_size=1, max_size=3))
    local = ".".join(atoms)
    style = draw(st.integers(0, 12))
    if style == 0:
        local = draw(st.text(max_size=6)) + local  # anything in front: Unicode, quotes, spaces, "<"
    elif style == 4:
        local += draw(st.sampled_from(["\u0301", "\u0338", "é", "ﬁ", "\u200b", "\u2028", "\ue000", "Ω", "\u00a0"]))
    elif style == 1:
        local = f'"{local}"'
    elif style == 2:
        local = "用户" + local
    elif style == 3:
        local = "x" * draw(st.integers(60, 250))
    address = local + "@" + draw(domains)
    if draw(st.booleans()):
        address = draw(st.sampled_from(["mailto:", "MAILTO:", " ", "\t", "mailto: ", "Name <"])) + address
    if draw(st.integers(0, 5)) == 0:
        address += draw(st.sampled_from([" ", ">", "@", ".", "\u200b"]))
    return address


@MANY
@given(email_shapes())
def test_email_fast_path_agrees_on_dump_shapes(raw: str) -> None:
    _agree(EMAIL, fast_deciders("CN")[EMAIL], raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ATEXT + "@.\"<> 例", max_size=30))
def test_email_fast_path_agrees_on_random_text(raw: str) -> None:
    _agree(EMAIL, fast_deciders("CN")[EMAIL], raw)


def test_email_fast_path_decides_the_common_shapes() -> None:
    decide = fast_deciders("CN")[EMAIL]
    for raw in ("someone@qq.com", "Some.One@QQ.COM", " a+b@163.com ", "mailto:X@Example.org", "user@例子.中国",
                "USER@BÜCHER.DE", "no-at-sign", "a@localhost", "a@b"):  # fmt: skip
        assert _agree(EMAIL, decide, raw), raw
    for raw in ("用户@qq.com", "Ünïcode@例子.中国", "e\u0301@qq.com", "a..b@qq.com", "@qq.com", "用户@"):
        assert _agree(EMAIL, decide, raw), raw  # Unicode local parts: the library's own local-part check
    assert decide('"quoted"@qq.com') is None
    assert decide("Name <a@qq.com>") is None


def test_email_real_world_cases(testdata) -> None:
    cases = json.loads((testdata / "email" / "email_validator_cases.json").read_text(encoding="utf-8"))["cases"]
    decide = fast_deciders("CN")[EMAIL]
    decided = sum(_agree(EMAIL, decide, case["input"]) for case in cases if isinstance(case.get("input"), str))
    assert decided >= 100


# --- ID numbers ------------------------------------------------------------------------------------------------

REGIONS = ["110105", "310101", "440106", "990101", "000000", "710101", "910101"]


@st.composite
def id_shapes(draw: st.DrawFn) -> str:
    year = draw(st.integers(1840, 2035))
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    first17 = f"{draw(st.sampled_from(REGIONS))}{year:04d}{month:02d}{day:02d}{draw(st.integers(0, 999)):03d}"
    check = exact_check_character(first17) if draw(st.integers(0, 3)) else draw(st.sampled_from("0123456789Xx"))
    text = first17 + check
    style = draw(st.integers(0, 9))
    if style == 0:
        text = text[:6] + text[8:17]  # 15 digits
    elif style == 1:
        text = text.lower()
    elif style == 2:
        text = f" {text[:6]} {text[6:14]}-{text[14:]}\t"
    elif style == 3:
        text = text.translate(FULL_WIDTH)
    elif style == 4:
        text = text[: draw(st.integers(0, 17))]
    elif style == 5:
        text = text + draw(st.sampled_from(["0", "X", "\n", "a"]))
    return text


@MANY
@given(id_shapes())
def test_cn_id_fast_path_agrees(raw: str) -> None:
    _agree(CN_ID, fast_deciders("CN")[CN_ID], raw)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789Xx -\t", max_size=22))
def test_cn_id_fast_path_agrees_on_random_text(raw: str) -> None:
    _agree(CN_ID, fast_deciders("CN")[CN_ID], raw)


def test_cn_id_real_world_cases(testdata) -> None:
    cases = json.loads((testdata / "cn_id" / "cn_resident_id_cases.json").read_text(encoding="utf-8"))["cases"]
    decide = fast_deciders("CN")[CN_ID]
    assert sum(_agree(CN_ID, decide, case["input"]) for case in cases) >= 40


@given(st.text(alphabet=DIGITS, min_size=17, max_size=17))
def test_check_character_in_base_13_equals_the_weighted_sum(first17: str) -> None:
    assert fast_cn_id.check_character(first17) == exact_check_character(first17)


# --- usernames and the dispatcher ------------------------------------------------------------------------------


CJK_EDGES = "\u4e00\u4e01\u9fa5\u9fff\u3400\ua000\uf900\u3000\u00a0\u2f00\uff21"  # in and just outside the set


@MANY
@given(st.one_of(st.text(max_size=20), st.text(alphabet="aZ_09 \t\x00\x1f\x7f.", max_size=12),
                 st.text(alphabet="aZ_9 \t" + CJK_EDGES + "王丽", max_size=10)))  # fmt: skip
def test_username_fast_path_agrees(raw: str) -> None:
    _agree(USERNAME, fast_deciders("CN")[USERNAME], raw)


@pytest.mark.parametrize("kind", [PHONE, EMAIL, CN_ID, USERNAME])
def test_longer_than_the_apps_limit_is_invalid_on_both_paths(kind: IdentifierType) -> None:
    raw = "1" * 321
    assert _agree(kind, fast_deciders("CN")[kind], raw)


def test_username_fast_path_decides_chinese_names() -> None:
    decide = fast_deciders("CN")[USERNAME]
    for raw in ("王丽", " 张伟_88 ", "Zhang伟", "用户 12"):
        assert _agree(USERNAME, decide, raw), raw
    assert decide("ｕｓｅｒ") is None  # full-width: NFKC changes it, the exact path decides


def test_value_normalizer_falls_back_to_the_exact_path_and_counts_it() -> None:
    normalizer = ValueNormalizer("CN")
    phone = normalizer.function(PHONE)
    assert phone("+86 138 0013 8000") == "+8613800138000"
    assert normalizer.exact_calls == 0
    assert phone("010-6552 9988") == "+861065529988"
    assert phone("123") is None
    assert normalizer.exact_calls == 2


@given(st.text(alphabet=ATEXT + ".@ \"é", max_size=12))
def test_dot_atom_check_is_the_librarys_pattern(local: str) -> None:
    from email_validator.rfc_constants import DOT_ATOM_TEXT

    from exposurecheck_server.ingest.fast.email import is_dot_atom

    assert is_dot_atom(local) == bool(DOT_ATOM_TEXT.match(local))
