"""Qt's own translations (standard dialogs' buttons such as "Cancel" / "取消") follow the app's language.

The app's own strings never go through Qt's translator: they come from `core.i18n` like the core's messages.
Qt's Chinese catalog (qtbase_zh_CN) leaves some labels of its file and print dialogs in English and says 您 in a few
questions; resources/gui/qt/dialogs_zh_CN.qm fills those in and is installed after it, so it wins where both speak.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from exposurecheck.resources import resource_path

# Our supplement to Qt's catalog, per language (the .ts source beside it says how to rebuild it).
SUPPLEMENTS = {"zh_CN": ("gui", "qt", "dialogs_zh_CN.qm")}


class QtTranslations:
    """Owns the installed QTranslators, so switching language replaces them instead of stacking more."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._translators: list[QTranslator] = []

    def apply(self, lang: str) -> bool:
        """Install qtbase_zh_CN and our supplement for Chinese, remove them for English; True when Qt's catalog is
        in effect (the supplement alone would leave most of Qt's dialogs in English)."""
        for translator in self._translators:
            self._app.removeTranslator(translator)
            translator.deleteLater()  # parented to the app: without this each language switch would keep two more
        self._translators = []
        if lang != "zh_CN":
            QLocale.setDefault(QLocale(QLocale.Language.English))
            return False
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        qt_catalog = QTranslator(self._app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not qt_catalog.load("qtbase_zh_CN", folder):
            qt_catalog.deleteLater()
            return False
        self._install(qt_catalog)
        supplement = QTranslator(self._app)
        if supplement.load(str(resource_path(*SUPPLEMENTS[lang]))):  # after Qt's: the last installed is asked first
            self._install(supplement)
        else:
            supplement.deleteLater()
        return True

    def _install(self, translator: QTranslator) -> None:
        self._app.installTranslator(translator)
        self._translators.append(translator)
