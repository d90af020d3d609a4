"""The email canonical form keeps the domain in Unicode (NFC), as docs/protocol.md and the README say, in the app and
in the builders' fast path alike: an IDNA (xn--) spelling and a Unicode spelling of one address are one identifier."""

from __future__ import annotations

import pytest

from exposurecheck.core.identifiers import IdentifierType, encode, normalize
from tests.conftest import REPO

SPELLINGS = [
    ("Zhang.Wei@例子.中国", "zhang.wei@例子.中国"),
    ("zhang.wei@xn--fsqu00a.xn--fiqs8s", "zhang.wei@例子.中国"),
    ("A@BÜCHER.de", "a@bücher.de"),
    ("a@xn--bcher-kva.de", "a@bücher.de"),
    ("someone@Example.ORG", "someone@example.org"),
]


@pytest.mark.parametrize(("raw", "canonical"), SPELLINGS)
def test_the_app_keeps_the_domain_in_unicode(raw: str, canonical: str) -> None:
    identifier = normalize(IdentifierType.EMAIL, raw)
    assert identifier.canonical == canonical
    assert encode(identifier) == b"\x02" + canonical.encode("utf-8")


@pytest.mark.parametrize(("raw", "canonical"), SPELLINGS)
def test_the_builders_fast_path_agrees(raw: str, canonical: str) -> None:
    fast = pytest.importorskip("exposurecheck_server.ingest.fast.email")
    decided = fast.FastEmail().decide(raw)
    assert decided in (None, canonical)  # None: left to the app's normalizer, which gives `canonical`


def test_the_docs_say_unicode_not_idna() -> None:
    protocol = (REPO / "docs" / "protocol.md").read_text(encoding="utf-8")
    row = next(line for line in protocol.splitlines() if line.startswith("| email |"))
    assert "Unicode" in row and "not IDNA" in row
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "The domain is kept in **Unicode**" in readme
