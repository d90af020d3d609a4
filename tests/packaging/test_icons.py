"""The platform icons hold every size each platform asks for (packaging/icons.py writes them from the SVG)."""

from __future__ import annotations

import struct

from tests.conftest import REPO

ICONS = REPO / "resources" / "gui" / "icons"
PNG = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG)
    return struct.unpack(">II", data[16:24])


def test_windows_icon_has_every_size_from_16_to_256():
    data = (ICONS / "exposure-check.ico").read_bytes()
    _reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert kind == 1
    sizes = set()
    for index in range(count):
        width, _h, _c, _r, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        image = data[offset : offset + length]
        assert _png_size(image)[0] == (width or 256)
        sizes.add(width or 256)
    assert sizes >= {16, 20, 24, 32, 40, 48, 64, 256}


def test_macos_icon_has_every_size_at_1x_and_2x():
    data = (ICONS / "exposure-check.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found, position = {}, 8
    while position < len(data):
        kind, length = data[position : position + 4], struct.unpack(">I", data[position + 4 : position + 8])[0]
        found[kind] = _png_size(data[position + 8 : position + length])[0]
        position += length
    expected = {b"icp4": 16, b"icp5": 32, b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024,
                b"ic11": 32, b"ic12": 64, b"ic13": 256, b"ic14": 512}  # fmt: skip
    assert {kind: found.get(kind) for kind in expected} == expected


def test_window_icon_is_256_px():
    assert _png_size((ICONS / "exposure-check.png").read_bytes()) == (256, 256)
