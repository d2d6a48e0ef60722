"""Where pages come from: a scanner's multi-page PDF or TIFF, or a folder of photos.

Each source yields ``(name, image)`` pages one at a time (a 300-page PDF is never held in
memory whole), and :func:`read_source` reads them with a progress callback and a cancel
check between pages, so the desktop runs it off the GUI thread (``ui/tasks.py``) with a
progress bar and a Cancel button, and the command line prints its progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.reading.image import PaperFor, Reading, read_image

HEIC = (".heic", ".heif")
"""What iPhones save by default: decoded by pi-heif (libheif and libde265, decode only)."""
PHOTOS = (".jpg", ".jpeg", ".png", *HEIC)
"""Photo formats a folder is read for."""
RENDER_DPI = 150
"""A scanned PDF's pages are rendered at this resolution, whatever they were scanned at: the
resolution boxes are scored at (facilitator.reading.image.DPI), a QR module 10 pixels, and
fast (a 300 dpi scan's image is downsampled as it is decoded)."""

Progress = Callable[[int, int], None]
"""Called with (pages done, pages in all) after each page."""
Cancelled = Callable[[], bool]


class SourceError(UserError):
    """A file or folder that cannot be read as pages."""


def count_pages(path: Path) -> int:
    path = Path(path)
    if path.is_dir():
        return len(_photos(path))
    if path.suffix.lower() == ".pdf":
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(str(path))
        except (pypdfium2.PdfiumError, OSError) as exc:
            raise SourceError(_("“{name}” is not a PDF that can be read: {why}").format(
                name=path.name, why=exc)) from None
        try:
            return len(document)
        finally:
            document.close()
    if path.suffix.lower() in (".tif", ".tiff"):
        return cv2.imcount(str(path))
    if path.suffix.lower() in PHOTOS:
        return 1
    raise SourceError(_("“{name}” is not a PDF, a TIFF, a photo or a folder of photos."
                        ).format(name=path.name))


def _photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in PHOTOS)


def read_photo(photo: Path) -> np.ndarray | None:
    """A photo as a grey image, turned upright (a JPEG's EXIF orientation, a HEIC's own
    rotation and mirroring); None when it cannot be decoded."""
    if photo.suffix.lower() not in HEIC:
        return cv2.imread(str(photo), cv2.IMREAD_GRAYSCALE)
    import pi_heif

    try:
        heif = pi_heif.open_heif(str(photo), convert_hdr_to_8bit=True)
        pixels = np.asarray(heif)
    except (ValueError, OSError):  # not a HEIF image, or cut short
        return None
    if pixels.ndim == 2:
        return np.ascontiguousarray(pixels)
    code = cv2.COLOR_RGBA2GRAY if pixels.shape[2] == 4 else cv2.COLOR_RGB2GRAY
    return cv2.cvtColor(pixels, code)


def pages(path: Path, dpi: int = RENDER_DPI) -> Iterator[tuple[str, np.ndarray]]:
    """The pages of ``path`` as grey images, with a name each (file and page number)."""
    path = Path(path)
    count_pages(path)  # refuses what is not a source, before anything is read
    if path.is_dir() or path.suffix.lower() in PHOTOS:
        for photo in _photos(path) if path.is_dir() else [path]:
            image = read_photo(photo)
            if image is not None:
                yield photo.name, image
        return
    if path.suffix.lower() == ".pdf":
        import pypdfium2

        document = pypdfium2.PdfDocument(str(path))
        try:
            for index in range(len(document)):
                bitmap = document[index].render(scale=dpi / 72, grayscale=True)
                array = bitmap.to_numpy()
                yield f"{path.name} p{index + 1}", np.ascontiguousarray(
                    array if array.ndim == 2 else array[..., 0])
        finally:
            document.close()
        return
    ok, images = cv2.imreadmulti(str(path), flags=cv2.IMREAD_GRAYSCALE)
    if not ok:
        raise SourceError(_("“{name}” is not a TIFF that can be read.").format(name=path.name))
    for index, image in enumerate(images):
        yield f"{path.name} p{index + 1}", image


@dataclass(frozen=True)
class SourcePage:
    name: str
    reading: Reading
    image: np.ndarray
    """The page as it came (kept when no paper could be found on it)."""


def read_source(path: Path, paper_for: PaperFor, *, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> Iterator[SourcePage]:
    """Read every page of ``path``; stops between pages when ``cancelled()`` says so."""
    total = count_pages(Path(path))
    for done, (name, image) in enumerate(pages(Path(path)), start=1):
        if cancelled is not None and cancelled():
            return
        yield SourcePage(name, read_image(image, paper_for), image)
        if progress is not None:
            progress(done, total)
