"""Qt's own translations (standard dialogs' buttons such as "Cancel" / "取消") follow the app's language.

The app's own strings never go through Qt's translator: they come from `core.i18n` like the core's messages.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication


class QtTranslations:
    """Owns the installed QTranslator, so switching language replaces it instead of stacking another one."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._translator: QTranslator | None = None

    def apply(self, lang: str) -> bool:
        """Install qtbase_zh_CN for Chinese, remove it for English; True when a catalog is in effect."""
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if lang != "zh_CN":
            QLocale.setDefault(QLocale(QLocale.Language.English))
            return False
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        translator = QTranslator(self._app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not translator.load("qtbase_zh_CN", folder):
            return False
        self._app.installTranslator(translator)
        self._translator = translator
        return True
