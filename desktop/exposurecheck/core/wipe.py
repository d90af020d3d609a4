"""Wipe everything: the vault (and any set-aside copies), the keyring entry, settings, state and anything else the
app or its parts wrote into its folders (`paths.all_dirs()`), and a report of what was removed.

Deleting a file does not overwrite its blocks (and cannot, reliably, on SSDs and journaling file systems); that is
why the vault is encrypted and its key lives elsewhere: once the keyring entry is gone, a recovered vault file is
unreadable. A passphrase vault has no keyring entry; deleting the file is all there is.

Safety: a folder that is the file-system root, the home folder (or one of its parents) or a mount point is never
emptied, even if an `EXPOSURECHECK_*_DIR` variable points there by mistake; it is listed in `skipped` instead.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from exposurecheck.core import paths
from exposurecheck.core.i18n import tr
from exposurecheck.core.vault.keystore import KeyringKeyStore, KeystoreUnavailable


@dataclass(frozen=True)
class WipeReport:
    """What `wipe_everything` did.

    `removed`: files and folders deleted. `keyring`: "removed", "absent" (there was no key), or a
    `KeystoreUnavailable.reason` ("none", "locked", "refused", "damaged"). `skipped`: folders not emptied for
    safety. `failed`: paths that could not be deleted.
    """

    removed: tuple[Path, ...]
    keyring: str
    skipped: tuple[Path, ...] = ()
    failed: tuple[Path, ...] = ()

    @property
    def complete(self) -> bool:
        """True if nothing the app wrote is known to be left behind."""
        return not self.skipped and not self.failed and self.keyring in ("removed", "absent", "none")

    def lines(self, lang: str = "en") -> list[str]:
        """The report in plain words, one line each (paths are the app's own folders, never identifiers)."""
        out = [tr("vault.wipe.removed", lang, path=str(path)) for path in self.removed]
        if not self.removed:
            out.append(tr("vault.wipe.nothing", lang))
        out.append(tr(f"vault.wipe.keyring.{self.keyring}", lang))
        out.extend(tr("vault.wipe.skipped", lang, path=str(path)) for path in self.skipped)
        out.extend(tr("vault.wipe.failed", lang, path=str(path)) for path in self.failed)
        return out


def wipe_everything(keystore: KeyringKeyStore | None = None) -> WipeReport:
    """Delete everything the app keeps. Never raises for a missing file or an unreachable keyring: it reports."""
    keystore = keystore or KeyringKeyStore()
    try:
        keyring_state = "removed" if keystore.delete_key() else "absent"
    except KeystoreUnavailable as exc:
        keyring_state = exc.reason
    removed: list[Path] = []
    skipped: list[Path] = []
    failed: list[Path] = []
    seen: set[Path] = set()
    for folder in paths.all_dirs():
        resolved = folder.resolve() if folder.exists() else folder.absolute()
        if resolved in seen or not folder.exists():
            continue
        seen.add(resolved)
        if _too_broad(resolved):
            skipped.append(folder)
            continue
        for entry in sorted(folder.iterdir()):
            _remove(entry, removed, failed)
        if _is_default_location(folder):
            try:
                folder.rmdir()
                removed.append(folder)
            except OSError:
                failed.append(folder)
    return WipeReport(tuple(removed), keyring_state, tuple(skipped), tuple(failed))


def _remove(entry: Path, removed: list[Path], failed: list[Path]) -> None:
    try:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        removed.append(entry)
    except OSError:
        failed.append(entry)


def _too_broad(folder: Path) -> bool:
    home = Path.home().resolve()
    if folder == Path(folder.anchor) or folder == home or folder in home.parents:
        return True
    return os.path.ismount(folder)


def _is_default_location(folder: Path) -> bool:
    # A folder named by an EXPOSURECHECK_*_DIR variable was made by whoever set it up (an NGO's stick layout):
    # empty it but leave it. The platform's own per-app folder is the app's to remove.
    overrides = {
        os.environ.get(name)
        for name in ("EXPOSURECHECK_CONFIG_DIR", "EXPOSURECHECK_DATA_DIR", "EXPOSURECHECK_STATE_DIR")
    }
    return str(folder) not in overrides
