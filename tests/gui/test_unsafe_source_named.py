"""The window names a plain-http source (allowed only with --allow-insecure-http) as unsafe wherever it lists
sources: on the consent page, before the person agrees, and in the checking rows."""

from __future__ import annotations

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from tests.support.loopback import Reply, loopback_server


def test_an_insecure_source_is_named_unsafe_before_and_during_the_check(qtbot, make_window):
    with loopback_server() as server:
        server.set("/range/", Reply(200, b"0000000000000000000000000000000000A:1\r\n"))
        remote_looking = server.url.replace("127.0.0.1", "[::ffff:127.0.0.1]")
        source = PwnedPasswordsSource(remote_looking, allow_insecure_http=True)
        window = make_window(lambda _t: [source], lang="zh_CN")
        window.show_page(window.details)
        window.details.fields[IdentifierType.PASSWORD].edit.setText("hunter2-canary")
        window.details.check_button.click()
        qtbot.waitUntil(lambda: window.current_page() is window.consent, timeout=5_000)
        assert "未加密：不安全" in window.consent.sources_label.text()
        window.consent.accept_button.click()
        qtbot.waitUntil(lambda: bool(window.checking.rows), timeout=5_000)
        assert "未加密：不安全" in window.checking.rows["hibp-passwords"].label.text()
        qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
        assert len(server.requests) == 1


def test_a_secure_source_carries_no_warning(qtbot, make_window):
    source = PwnedPasswordsSource("https://api.pwnedpasswords.example")
    window = make_window(lambda _t: [source])
    window.consent.ask((source,))
    assert "unsafe" not in window.consent.sources_label.text()
