"""Plain-language checks for advice text, run in CI and usable by NGOs on their own entries.

English: the average sentence length of an entry must stay at or under 20 words (the Plain English Campaign's
15–20 and Iowa's "under 20"), and no single sentence may run past 35 words. Chinese: sentences stay short and no
untranslated English word appears, apart from a small allow-list of terms people meet on their phones, cards and
in the news as they are (SIM, PIN, PUK, App, ID, IP, QQ, CVV, IMEI, IMSI, MAC, AI), and help-desk reference codes
such as P-01. Chinese also avoids a few words that read wrong on mainland screens (`ZH_AVOID`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_AVG_WORDS_EN = 20.0
MAX_WORDS_EN_SENTENCE = 35  # one run-on sentence hides in a good average; this catches it
MAX_AVG_CHARS_ZH = 30.0
# Titles are read at a glance: at most 12 words / 20 characters (CONTENT-RESEARCH.md §6).
MAX_TITLE_WORDS_EN = 12
MAX_TITLE_CHARS_ZH = 20
MAX_CHARS_ZH_SENTENCE = 60

# Latin-script words allowed in Chinese text: each is printed this way on Chinese phones, SIM packs and cards
# (CVV on the back of credit cards; IMEI, IMSI and MAC in a phone's "about" and network settings), or is how
# police notices and the news name the thing (AI换脸, AI拟声).
ZH_ALLOWED_LATIN = frozenset({"SIM", "PIN", "PUK", "App", "ID", "IP", "QQ", "CVV", "IMEI", "IMSI", "MAC", "AI"})

# Words that read wrong to mainland readers, with what to write instead. 您 is too distant for this app (it
# addresses the reader as 你); 上网地址 is an invented term; 公民社会 is a politically loaded label; and a lost
# or leaked bank card is reported with 挂失 — 冻结 is what courts and police do to an account.
ZH_AVOID: dict[str, tuple[re.Pattern[str], str]] = {
    "您": (re.compile("您"), "你"),
    "上网地址": (re.compile("上网地址"), "IP地址"),
    "公民社会": (re.compile("公民社会"), "a neutral label"),
    "冻结…卡": (re.compile(r"冻结[^，。；！？]{0,4}卡|卡[^，。；！？]{0,4}冻结"), "挂失"),
}

_EN_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|(?<=[.!?])[\"')\]]*$")
_EN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*|[\u4e00-\u9fff]+")
_ZH_SENTENCE_END = re.compile(r"[。！？；]")
_URL_OR_DOMAIN = re.compile(r"(?:https?://)?(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}\S*")
_REFERENCE_CODE = re.compile(r"(?<![A-Za-z])[A-Z]{1,3}-[0-9]{2,3}(?![0-9])")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# After a Chinese character or full-width punctuation, Chinese uses ，；：？！ — never ASCII ,;:?! (Latin text inside
# a Chinese sentence, such as "https://" or "Ctrl+C:", keeps its own punctuation).
ASCII_PUNCT_AFTER_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]\s*[,;:?!]")
_ZH_PUNCT = re.compile(r"[\s，。！？；：、“”‘’（）《》…—\-\"'()+/→·]")


@dataclass(frozen=True)
class TextStats:
    sentences: int
    words: int

    @property
    def average(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


def english_sentences(text: str) -> list[str]:
    """Split English text into sentences at . ! ? followed by a space or the end."""
    return [s for s in (part.strip() for part in _EN_SENTENCE_END.split(text)) if s]


def english_stats(texts: Iterable[str]) -> TextStats:
    """Sentence and word counts over several pieces of English text (each piece ends at least one sentence)."""
    sentences = words = 0
    for text in texts:
        for sentence in english_sentences(text):
            count = len(_EN_WORD.findall(sentence))
            if count:
                sentences += 1
                words += count
    return TextStats(sentences, words)


def chinese_sentences(text: str) -> list[str]:
    return [s for s in (part.strip() for part in _ZH_SENTENCE_END.split(text)) if s]


def chinese_stats(texts: Iterable[str]) -> TextStats:
    """Sentence and character counts (punctuation and spaces not counted) over Chinese text."""
    sentences = chars = 0
    for text in texts:
        for sentence in chinese_sentences(text):
            length = len(_ZH_PUNCT.sub("", sentence))
            if length:
                sentences += 1
                chars += length
    return TextStats(sentences, chars)


def chinese_latin_words(text: str) -> set[str]:
    """Latin-script words in Chinese text that are not on the allow-list (web addresses and codes are ignored)."""
    stripped = _REFERENCE_CODE.sub(" ", _URL_OR_DOMAIN.sub(" ", text))
    return {w for w in _LATIN_WORD.findall(stripped) if w not in ZH_ALLOWED_LATIN}


def english_problems(texts: Iterable[str]) -> list[str]:
    """Why this English text is not plain enough (empty when it passes)."""
    texts = list(texts)
    problems = []
    stats = english_stats(texts)
    if stats.sentences and stats.average > MAX_AVG_WORDS_EN:
        problems.append(f"average {stats.average:.1f} words per sentence (limit {MAX_AVG_WORDS_EN:.0f})")
    for text in texts:
        for sentence in english_sentences(text):
            if len(_EN_WORD.findall(sentence)) > MAX_WORDS_EN_SENTENCE:
                problems.append(f"sentence longer than {MAX_WORDS_EN_SENTENCE} words: {sentence[:40]}…")
    return problems


def chinese_problems(texts: Iterable[str]) -> list[str]:
    """Why this Chinese text is not plain enough (empty when it passes)."""
    texts = list(texts)
    problems = []
    stats = chinese_stats(texts)
    if stats.sentences and stats.average > MAX_AVG_CHARS_ZH:
        problems.append(f"average {stats.average:.1f} characters per sentence (limit {MAX_AVG_CHARS_ZH:.0f})")
    for text in texts:
        for sentence in chinese_sentences(text):
            if len(_ZH_PUNCT.sub("", sentence)) > MAX_CHARS_ZH_SENTENCE:
                problems.append(f"sentence longer than {MAX_CHARS_ZH_SENTENCE} characters: {sentence[:20]}…")
        latin = chinese_latin_words(text)
        if latin:
            problems.append("untranslated English: " + ", ".join(sorted(latin)))
        problems += chinese_wording_problems(text)
        if ASCII_PUNCT_AFTER_CJK.search(text):
            problems.append(f"ASCII punctuation in Chinese text: {text[:20]}…")
    return problems


def chinese_wording_problems(text: str) -> list[str]:
    """Words from `ZH_AVOID` in Chinese text, each with what to write instead."""
    return [f"write {instead}, not {word}" for word, (pattern, instead) in ZH_AVOID.items() if pattern.search(text)]
