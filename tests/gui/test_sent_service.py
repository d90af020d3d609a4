"""What left this computer, for the lookup service: the anonymity set comes from the service's real parameters.

A real check (core.check with the service source) against a real server on 127.0.0.1, shown on the real page,
offscreen, in both languages.
"""

from __future__ import annotations

from pathlib import Path

from exposurecheck.core.check import check
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck.gui.pages.sent import SentPage
from exposurecheck_server.service.server import ServiceServer, make_config
from tests.server.service.site_helpers import build, make_keys, planted_identifiers


def test_the_sent_page_states_the_anonymity_set_of_the_service_checked(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # qtbot is pytest-qt's untyped fixture
    keys = make_keys(tmp_path / "keys")
    # 10-bit buckets fetched in blocks of 8 reveal 7 bits: 1.6e9 / 2^7 = 12.5 million phone numbers per group.
    site = build(keys, tmp_path / "site", prefix_bits=10, filler=30)
    server = ServiceServer(make_config(site, keys.oprf(), keys.bucketing()))
    server.start_in_thread()
    try:
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(tmp_path / "state"))
        report = check(planted_identifiers()[:1], [source])
    finally:
        server.close()
    page = SentPage()
    qtbot.addWidget(page)
    page.show_report(report)
    # Chinese first, then English: the figure is written when shown, in the language shown (1300万 / 13,000,000).
    page.retranslate("zh_CN")
    chinese = "\n".join(label.text() for label in page.findChildren(type(page.intro)))
    assert "无论你查询多少次" in chinese and "约1300万个可能的手机号码" in chinese
    assert "13,000,000" not in chinese
    page.retranslate("en")
    english = "\n".join(label.text() for label in page.findChildren(type(page.intro)))
    assert "8 bucket numbers of 10 bits each (whole groups of 8" in english
    assert "about 13,000,000 possible phone numbers, however often you check" in english
    assert "万" not in english
