"""What the operator tools say about the limits of what they build, every time they build it (issue 19.8).

A pack's key travels with the pack, so whoever holds one can enumerate the small identifier spaces against it
(bench/bench_enumerate.py measures how fast). `pack build` and `kit build` end with that reminder, on stdout after
the human summary, or on stderr when stdout is JSON for a script.
"""

from __future__ import annotations

import sys

from exposurecheck.core.i18n import tr


def remind_who_may_hold_packs(lang: str, *, json_output: bool = False) -> None:
    stream = sys.stderr if json_output else sys.stdout
    stream.write("\n" + tr("limits.pack_holders", lang) + "\n")
