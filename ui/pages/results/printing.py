"""Direct printing of a result sheet: the very PDF that is saved, sent to a printer.

The sheet is written once with reportlab; QtPdf (PySide6-Addons, already a dependency)
renders each page at the printer's resolution and QPainter puts it on the QPrinter the
Qt print dialog set up. What is printed is therefore exactly what was saved, on every
platform, with no external tool.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from facilitator.errors import UserError
from facilitator.i18n import _

RASTER_DPI = 300


def print_pdf(pdf: Path, printer: QPrinter) -> int:
    """Print every page of ``pdf`` on ``printer``; returns the number of pages printed."""
    document = QPdfDocument()
    document.load(str(pdf))
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise UserError(_("The result sheet could not be read back for printing."))
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(_("The printer could not be started."))
    try:
        dpi = printer.resolution()
        target = printer.pageLayout().paintRectPixels(dpi)
        for page in range(pages):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            scale = min(target.width() / points.width(), target.height() / points.height())
            # rendered at no more than 300 dpi (sharp on paper, quick and small to spool),
            # then scaled onto the printer's page
            raster = min(scale, RASTER_DPI / 72)
            image = document.render(page, QSize(int(points.width() * raster),
                                                int(points.height() * raster)))
            painter.drawImage(QRect(0, 0, int(points.width() * scale),
                                    int(points.height() * scale)), image)
    finally:
        painter.end()
        document.close()
    return pages


def temporary_pdf_path(name: str) -> Path:
    """Where to write a PDF that is only on its way to a printer: a folder of its own."""
    return Path(tempfile.mkdtemp(prefix="facilitator-print-")) / name


def print_temporary_pdf(path: Path, printer: QPrinter,
                        send: Callable[[Path, QPrinter], int] = print_pdf) -> int:
    """Put ``path`` (from :func:`temporary_pdf_path`) on ``printer`` with ``send``, then
    remove its folder, printed or not; the number of pages sent. Raises UserError."""
    try:
        return send(path, printer)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def ask_printer(parent: QWidget, page_size: str, title: str | None = None) -> QPrinter | None:
    """The system's print dialog (``title``: what is printed); the printer it set up, or
    None if cancelled. Where the system offers printing to a PDF file, the dialog does."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter if page_size == "letter"
                                  else QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title or _("Print the result sheet"))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    return printer
