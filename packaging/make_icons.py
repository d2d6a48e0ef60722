"""Render facilitator.svg to the raster icons the packages need (run after editing the SVG).

    .venv/bin/python packaging/make_icons.py

facilitator.png (256 px: Linux desktop entry and Qt window icon), facilitator.ico (Windows:
the .exe and the installer) and facilitator.icns (macOS .app). Qt draws the SVG, Pillow
writes the .ico and .icns; both are already the app's dependencies.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent


def render(size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(HERE / "facilitator.svg")).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> None:
    from PIL import Image

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    (HERE / "facilitator.png").write_bytes(render(256))
    big = Image.open(io.BytesIO(render(1024)))
    big.save(HERE / "facilitator.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48),
                                                (64, 64), (128, 128), (256, 256)])
    big.save(HERE / "facilitator.icns")
    print("wrote facilitator.png, facilitator.ico, facilitator.icns")


if __name__ == "__main__":
    main()
