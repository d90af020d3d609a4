"""Every icon the platforms ask for, rendered with Qt from the one source, resources/gui/icons/exposure-check.svg.

    .venv/bin/python packaging/icons.py --platform-icons      rewrites resources/gui/icons/exposure-check.{png,ico,icns}
    .venv/bin/python packaging/icons.py --hicolor DIR         DIR/<N>x<N>/apps/<name>.png, DIR/scalable/apps/<name>.svg

Sizes, and why:
- Windows (.ico): 16, 20, 24, 32, 40, 48, 64, 96, 128 and 256 px: Explorer, the taskbar and the Start menu pick
  the nearest size for each display scale (100 % to 200 %+), and scale badly from a single large image.
- macOS (.icns): 16, 32, 64, 128, 256, 512 and 1024 px, as the 1x and 2x ("@2x") entries Finder and the Dock use.
- Linux (hicolor theme): 16, 22, 24, 32, 48, 64, 128, 256 and 512 px and the SVG itself (GNOME, KDE, the
  AppStream catalogue wants 64 and 128).

The containers are written here rather than with an image library: both are a small header and a list of PNG
images, and writing them ourselves keeps the output byte-identical from one build to the next.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "gui" / "icons" / "exposure-check.svg"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 256)
# (type code, pixel size) for the .icns entries.
ICNS_ENTRIES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
    (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512), (b"ic10", 1024),
)  # fmt: skip
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
WINDOW_ICON_SIZE = 256


class Renderer:
    """PNG bytes of the SVG at any size (Qt, offscreen: no display needed)."""

    def __init__(self, svg: Path = SOURCE) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtSvg import QSvgRenderer

        self._app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
        self._svg = QSvgRenderer(str(svg))
        if not self._svg.isValid():
            raise SystemExit(f"icons: cannot read {svg}")

    def png(self, size: int) -> bytes:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtGui import QImage, QPainter

        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._svg.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows icon file holding PNG images (supported since Windows Vista)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory, blobs = b"", b""
    for size in sizes:
        data = images[size]
        edge = 0 if size >= 256 else size  # 0 means 256 in the directory's one-byte fields
        directory += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return header + directory + blobs


def icns(entries: list[tuple[bytes, bytes]]) -> bytes:
    """A macOS icon file: big-endian 'icns' + length, then (type, length, PNG) entries."""
    body = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_platform_icons(folder: Path, renderer: Renderer) -> list[Path]:
    cache: dict[int, bytes] = {}

    def png(size: int) -> bytes:
        if size not in cache:
            cache[size] = renderer.png(size)
        return cache[size]

    outputs = {
        folder / "exposure-check.png": png(WINDOW_ICON_SIZE),
        folder / "exposure-check.ico": ico({size: png(size) for size in ICO_SIZES}),
        folder / "exposure-check.icns": icns([(kind, png(size)) for kind, size in ICNS_ENTRIES]),
    }
    for path, data in outputs.items():
        path.write_bytes(data)
    return list(outputs)


def write_hicolor(folder: Path, name: str, renderer: Renderer) -> list[Path]:
    written = []
    for size in HICOLOR_SIZES:
        path = folder / f"{size}x{size}" / "apps" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(renderer.png(size))
        written.append(path)
    scalable = folder / "scalable" / "apps" / f"{name}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SOURCE.read_bytes())
    return [*written, scalable]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform-icons", action="store_true", help="rewrite resources/gui/icons/*.{png,ico,icns}")
    parser.add_argument("--hicolor", type=Path, metavar="DIR", help="write a hicolor icon tree into DIR")
    parser.add_argument("--name", default="org.exposurecheck.ExposureCheck", help="icon name in the hicolor tree")
    args = parser.parse_args()
    if not (args.platform_icons or args.hicolor):
        parser.error("nothing to do: give --platform-icons and/or --hicolor DIR")
    renderer = Renderer()
    if args.platform_icons:
        for path in write_platform_icons(SOURCE.parent, renderer):
            print(path.relative_to(ROOT))
    if args.hicolor:
        print(f"{len(write_hicolor(args.hicolor, args.name, renderer))} files in {args.hicolor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
