"""A cold pack (nothing in the page cache, as on a freshly plugged USB stick) is read where lookups land: opening it
and looking values up reads the head, the prefix index and the chunks the lookups touch, not the OS's read-ahead
window around every page fault (8 MiB per fault on this project's VM: a cold lookup read 16 MiB, see reader.py)."""

from __future__ import annotations

import os
import sys

import pytest

from exposurecheck.core.packs.opening import open_pack

from .conftest import ABSENT, BREACH, PLANTED, make_pack

CHUNK = 4096  # small chunks make the bound tight: a read-ahead window of 128 KiB (the usual default) overshoots it

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/io is Linux's")


def _read_bytes() -> int:
    with open("/proc/self/io") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("read_bytes"))


def _drop_from_page_cache(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)  # the pack was just written: dirty pages would not be dropped
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def test_a_cold_open_and_lookups_read_only_the_head_the_index_and_the_touched_chunks(tmp_path, config_dir):
    pack = make_pack(tmp_path / "pack", count=200_000, chunk_size=CHUNK)  # about 1 MB
    size = pack.path.stat().st_size
    # Opened once first, so that what the open imports and the trusted keys it reads are not counted below.
    open_pack(pack.path, extra_keys=[pack.public_key], full_check=False).close()
    _drop_from_page_cache(pack.path)
    before = _read_bytes()
    with open_pack(pack.path, extra_keys=[pack.public_key], full_check=False) as reader:
        assert reader.lookup(PLANTED[0]) == (BREACH,)
        assert reader.lookup(ABSENT[0]) == ()
        read = _read_bytes() - before
        head = size - reader.body_length
        index = sum(section.index_entries * 4 for section in reader.sections)
    if read == 0:
        pytest.skip("nothing was read from storage: the folder does not drop cached pages (tmpfs?)")
    # The head, the index's chunks (read when opened) and at most two chunks per lookup (high words, low bytes),
    # each range rounded out to whole 4 KiB pages at both ends.
    index_chunks = -(-index // CHUNK) + 1
    bound = head + 4096 + (index_chunks + 2 * 2) * (CHUNK + 2 * 4096)
    assert read <= bound, f"read {read:,} bytes of a {size:,}-byte pack for one open and two lookups (bound {bound:,})"
