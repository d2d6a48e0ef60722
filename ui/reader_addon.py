"""The paper reader add-on of the frozen app (issue 14): OpenCV, numpy and PDFium, shipped apart.

The reader (``facilitator.reading``, issue 17) needs OpenCV, numpy, pypdfium2 and pi-heif: 195 MB
of the 420 MB a bundle with them took, against a 250 MB target. So the installers ship them
as a separate package, ``facilitator-reader`` (a .deb, or a .tar.gz unpacked over the app's
folder), that puts them in a ``reader/`` folder beside the app's executable. The frozen app
looks there at start (:func:`add_reader_to_path`); the Reading page asks
:func:`reader_missing` and says which package to install instead of failing.

From a checkout (``python3 dev.py app``) the libraries come from the virtual environment and
the reader is always there.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ADDON = "facilitator-reader"
FOLDER = "reader"
STAMP = "facilitator-reader.json"  # {"version": ..., "python": "3.11"}: which app it fits
# What the reader imports that the core app does not ship (packaging/build.py copies these):
# OpenCV, numpy, PDFium (scanners' PDFs) and pi-heif (iPhones' HEIC photos).
MODULES = ("cv2", "numpy", "pypdfium2", "pypdfium2_raw", "pypdfium2_cfg", "pi_heif", "_pi_heif")


def reader_folder() -> Path:
    """Where the frozen app looks for the add-on: ``reader/`` beside its executable."""
    return Path(sys.executable).resolve().parent / FOLDER


def add_reader_to_path(folder: Path | None = None) -> bool:
    """In the frozen app, put the add-on's folder on ``sys.path`` if it is installed and made
    for this version of the app and its Python. True when it was added."""
    if not getattr(sys, "frozen", False) and folder is None:
        return False
    folder = folder or reader_folder()
    stamp = _stamp(folder)
    if stamp is None or not fits(stamp):
        return False
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
    return True


def _stamp(folder: Path) -> dict[str, str] | None:
    try:
        data = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def fits(stamp: dict[str, str]) -> bool:
    from facilitator import __version__

    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return stamp.get("version") == __version__ and stamp.get("python") == python


def reader_missing() -> str | None:
    """None when papers can be read here; else one sentence naming the add-on to install."""
    for name in MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return _message()
    return None


def _message() -> str:
    from facilitator.i18n import _

    folder = reader_folder()
    stamp = _stamp(folder) if getattr(sys, "frozen", False) else None
    if stamp is not None and stamp.get("version") != _app_version():  # for another version
        return _("The paper reader add-on installed is version {found}, this app is "
                 "{version}: install {addon} {version} to read papers.").format(
            found=stamp.get("version", "?"), version=_app_version(), addon=ADDON)
    return _("Reading papers needs the paper reader add-on, which is not installed: "
             "install {addon} (its .deb, or its .tar.gz unpacked where this app is) and "
             "start Facilitator again. Everything else works without it.").format(addon=ADDON)


def _app_version() -> str:
    from facilitator import __version__

    return __version__
