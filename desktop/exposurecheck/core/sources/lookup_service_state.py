"""The last manifest sequence number seen per lookup service, for rollback protection.

The file maps a service's base URL to a counter. Neither says anything about the person or what they checked, so
it is a plain JSON file in the state folder (DESIGN.md section 7 allows settings of that kind); it is written
atomically so a crash cannot leave a half-written file that would silently reset the protection.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from exposurecheck.core.paths import ensure_private_dir, state_dir

FILE_NAME = "service-sequences.json"


class SequenceStore:
    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    def path(self) -> Path:
        return (self._folder or state_dir()) / FILE_NAME

    def _read(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}

    def last(self, base_url: str) -> int | None:
        return self._read().get(base_url)

    def record(self, base_url: str, sequence: int) -> None:
        """Remember `sequence` if it is the highest yet. Failing to write only weakens rollback protection, so an
        unwritable state folder does not stop a check."""
        data = self._read()
        if data.get(base_url, -1) >= sequence:
            return
        data[base_url] = sequence
        try:
            folder = ensure_private_dir(self.path.parent)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".sequences-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, sort_keys=True)
            os.replace(temporary, self.path)
        except OSError:
            return
