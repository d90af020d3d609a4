"""The window names a plain-http source (allowed only with --allow-insecure-http) as unsafe wherever it lists
sources: on the consent page, before the person agrees, in the checking rows, and on "What left this computer"."""

from __future__ import annotations

from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.gui.widgets import Title
from tests.gui.conftest import type_password_and_ask
from tests.support.loopback import Reply, loopback_server


def _sent_titles(window) -> list[str]:
    """The source names on "What left this computer", opened from the results as the person would."""
    window.results.sent_button.click()
    assert window.current_page() is window.sent
    return [title.text() for title in window.sent.content.findChildren(Title)]


def test_an_insecure_source_is_named_unsafe_before_and_during_the_check(qtbot, make_window):
    with loopback_server() as server:
        server.set("/range/", Reply(200, b"0000000000000000000000000000000000A:1\r\n"))
        remote_looking = server.url.replace("127.0.0.1", "[::ffff:127.0.0.1]")
        source = PwnedPasswordsSource(remote_looking, allow_insecure_http=True)
        window = make_window(lambda _t: [source], lang="zh_CN")
        type_password_and_ask(qtbot, window, "hunter2-canary")
        assert "未加密：不安全" in window.consent.sources_label.text()
        window.consent.accept_button.click()
        qtbot.waitUntil(lambda: bool(window.checking.rows), timeout=5_000)
        assert "未加密：不安全" in window.checking.rows["hibp-passwords"].label.text()
        qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
        assert len(server.requests) == 1
        qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=5_000)
        titles = _sent_titles(window)
        assert len(titles) == 1 and "未加密：不安全" in titles[0]
        window.set_language("en")  # the page is re-labelled, the warning with it
        assert [title.text() for title in window.sent.content.findChildren(Title)] == [
            "Pwned Passwords (Have I Been Pwned) (not encrypted: unsafe)"]


def test_a_loopback_source_is_not_named_unsafe_on_what_left_this_computer(qtbot, make_window):
    with loopback_server() as server:  # plain http, but to this computer: nothing crosses a network
        server.set("/range/", Reply(200, b"0000000000000000000000000000000000A:1\r\n"))
        window = make_window(lambda _t: [PwnedPasswordsSource(server.url)])
        type_password_and_ask(qtbot, window, "hunter2-canary")
        window.consent.accept_button.click()
        qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
        titles = _sent_titles(window)
    assert len(titles) == 1 and "unsafe" not in titles[0]


def test_a_secure_source_carries_no_warning(qtbot, make_window):
    source = PwnedPasswordsSource("https://api.pwnedpasswords.example")
    window = make_window(lambda _t: [source])
    window.consent.ask((source,))
    assert "unsafe" not in window.consent.sources_label.text()
