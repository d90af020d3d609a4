"""The app shows its welcome page first and builds the other pages at the first turn of the event loop."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QThreadPool

from exposurecheck.gui.main_window import MainWindow
from tests.conftest import REPO, cli_env


def test_deferred_pages_are_built_right_after_the_first_paint(qtbot):
    window = MainWindow("zh_CN", QThreadPool(), defer_pages=True)
    qtbot.addWidget(window)
    window.show()
    assert not window.pages_built
    assert window.current_page() is window.welcome
    assert window.welcome.start_button.text() == "开始查询"
    qtbot.waitUntil(lambda: window.pages_built)
    window.welcome.start_button.click()
    assert window.current_page() is window.details
    assert window.details.check_button.text() == "查询"


def test_first_window_imports_stay_light():
    """Building the first window must not import the slow parts (normalizers, advice engine, vault, HTTP)."""
    code = (
        "import sys\n"
        "from exposurecheck.gui.app import create_window\n"
        "r = create_window('en', install_hook=False, defer_pages=True, offscreen=True)\n"
        "slow = [m for m in ('phonenumbers', 'email_validator', 'exposurecheck.core.advice',"
        " 'exposurecheck.core.vault.store', 'requests', 'keyring') if m in sys.modules]\n"
        "print(slow)\n"
        "r.app.processEvents()\n"
        "assert r.window.pages_built\n"
    )
    result = subprocess.run([sys.executable, "-c", code], env=cli_env({"QT_QPA_PLATFORM": "offscreen"}),
                            capture_output=True, text=True, timeout=120, check=False, cwd=str(REPO))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_app_icon_is_there_and_loads():
    from PySide6.QtGui import QIcon

    from exposurecheck.resources import resource_path

    for name in ("exposure-check.png", "exposure-check.ico", "exposure-check.icns", "exposure-check.svg"):
        assert resource_path("gui", "icons", name).is_file()
    assert not QIcon(str(resource_path("gui", "icons", "exposure-check.png"))).isNull()
