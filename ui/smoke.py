"""``facilitator --smoke-test``: the whole app once, offscreen, as a packager checks a build.

It opens the demo event, shows every page and the projector, writes a PDF (badges, with the
bundled fonts) and reads its first QR code back from the page as Qt renders it (QtPdf +
zxing-cpp), starts the phone server on 127.0.0.1 and fetches its join page and style sheet,
serves stations on 127.0.0.1 and pairs one over TLS (cheroot and cryptography load late),
reads a marked ballot paper back (the paper reader add-on: OpenCV, numpy, PDFium) or, in a
frozen app without that add-on, checks that the Reading page says which one to install,
loads every compiled catalogue and imports every module of facilitator and ui. Any exception
or Qt warning fails it (exit 1, each problem on stderr). Run on the frozen app it proves the
bundle holds what the app needs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSize, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from facilitator.store import EventStore
from ui.main_window import PAGE_KEYS, MainWindow
from ui.pages.stations.page import smoke_check as stations_smoke_check

# Started with no locale (env -i, a service), Qt says it chose C.UTF-8 itself: not our fault.
BENIGN_HERE = ('Detected locale "C"',)
PDF_DPI = 150  # a badge's QR module is about 1.3 mm: 11 pixels at 150 dpi


def run(args: argparse.Namespace, make_app: Callable[[], object]) -> int:
    from ui.context import AppContext
    from ui.sound import BENIGN_QT_MESSAGES

    problems: list[str] = []

    def on_qt_message(kind: QtMsgType, _context: object, message: str) -> None:
        # The offscreen platform cannot raise or resize windows, a headless machine has no
        # sound server; Qt says so, and neither is a fault of ours.
        if message.startswith((*BENIGN_QT_MESSAGES, *BENIGN_HERE)):
            return
        if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg:
            problems.append(f"Qt {kind.name}: {message}")

    def on_exception(kind: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> None:
        problems.append("".join(traceback.format_exception(kind, exc, tb)))

    qInstallMessageHandler(on_qt_message)
    sys.excepthook = on_exception
    app = make_app()
    assert isinstance(app, QApplication)
    done: list[str] = []
    with tempfile.TemporaryDirectory(prefix="facilitator-smoke-") as tmp:
        context = AppContext.build(args.config_dir or Path(tmp) / "config",
                                   args.data_dir or Path(tmp) / "data", smoke_test=True)
        window = MainWindow(context)
        window.open_demo()
        window.show()
        app.processEvents()
        if window.store is None:
            problems.append("the demo event did not open")
        visit_pages(window, app, problems)
        done.append(f"{len(PAGE_KEYS)} pages")
        window.toggle_projector()
        app.processEvents()
        if window.projector is None or not window.projector.isVisible():
            problems.append("the projector window did not open")
        window.toggle_projector()
        done.append("the projector")
        if window.store is not None:
            for name, check in (("a PDF and its QR code", pdf_and_qr),
                                ("the phone server", phone_server),
                                ("a station paired over TLS", stations_smoke_check),
                                ("the paper reader", paper_reader)):
                try:
                    said = check(window.store, Path(tmp))
                    done.append(said if isinstance(said, str) else name)
                except Exception as exc:  # each check says what failed and the rest goes on
                    problems.append(f"{name}: {type(exc).__name__}: {exc}")
        try:
            done.append(catalogues())
        except Exception as exc:
            problems.append(f"translations: {type(exc).__name__}: {exc}")
        done.append(every_module(problems))
        window.close()
        app.processEvents()
        window.deleteLater()
        app.processEvents()
    qInstallMessageHandler(None)
    if problems:
        print("smoke test FAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("smoke test passed: " + ", ".join(done), flush=True)
    return 0


def visit_pages(window: MainWindow, app: QApplication, problems: list[str]) -> None:
    from ui.pages.participants import ParticipantsPage

    for key in PAGE_KEYS:
        window.show_page(key)
        app.processEvents()
        if window.current_page_key() != key:
            problems.append(f"page {key} could not be shown")
    page = window.pages.get("participants")
    if isinstance(page, ParticipantsPage):
        window.show_page("participants")
        page.search_edit.setText("a")
        app.processEvents()
        page.search_edit.clear()


def pdf_and_qr(store: EventStore, folder: Path) -> None:
    """Print the demo's badges, render the first page with QtPdf, read its QR code."""
    import zxingcpp

    from facilitator.reports.tables import badges_of, write_badges

    badges = badges_of(store)
    pdf = write_badges(folder / "badges.pdf", badges, printed_at=datetime.now(UTC))
    page = _pdf_page(pdf, 0)
    found = [code.text for code in zxingcpp.read_barcodes(
        page, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))]
    first = badges.people[0]
    expected = getattr(first, "qr_text", first.badge_code)  # the phone link, when there is one
    if found != [expected]:
        raise RuntimeError(f"the first badge's QR code read {found}, not [{expected!r}]")


def paper_reader(store: EventStore, folder: Path) -> str:
    """With the reader add-on (ui/reader_addon.py): print a yes/no paper, cross its first box
    on the page as Qt renders it, read the photo back (OpenCV, numpy) and the PDF itself
    (PDFium) and find the paper counted as marked. Without it: the Reading page says which
    add-on to install, and offers no reading."""
    import importlib

    from ui.bus import ChangeBus
    from ui.pages.reading.page import ReadingPage
    from ui.reader_addon import ADDON, MODULES, reader_missing

    missing = reader_missing()
    page = ReadingPage(store, ChangeBus())
    try:
        if missing is not None:
            if page.read_button.isEnabled() or ADDON not in page.title.text():
                raise RuntimeError("the Reading page does not say the reader is missing")
            return f"the paper reader not installed ({ADDON}: the Reading page says so)"
    finally:
        page.deleteLater()
    for name in MODULES:  # each library of the add-on loads (pi_heif: iPhones' photos)
        importlib.import_module(name)
    from PySide6.QtCore import QLineF
    from PySide6.QtGui import QPen

    from facilitator.ballots import queries as ballot_queries
    from facilitator.ballots.marks import Answer
    from facilitator.ballots.ops import create_round, issue_codes
    from facilitator.ballots.questions import Question
    from facilitator.reading import ops, queries
    from facilitator.reports.ballots import paper_layout, write_ballot_papers

    question = Question.yes_no("Smoke test?")
    created = create_round(store, "Smoke test", (question,), actor="smoke test").round
    printed = issue_codes(store, created.id, 2, actor="smoke test")
    pdf = write_ballot_papers(folder / "papers.pdf", printed.round, printed.papers,
                              event_name=store.name)
    layout = paper_layout(printed.round, event_name=store.name)
    image = _pdf_page(pdf, 0)
    scale = PDF_DPI / 72
    box = next(b for b in layout.pages[0].boxes if b.question == 0 and b.option == 0)
    x, y = box.x * scale, (layout.height - box.y - box.h) * scale
    w, h = box.w * scale, box.h * scale
    painter = QPainter(image)
    painter.setPen(QPen(Qt.GlobalColor.black, PDF_DPI / 25.4 * 0.6))  # a 0.6 mm pen
    painter.drawLine(QLineF(x + 0.1 * w, y + 0.1 * h, x + 0.9 * w, y + 0.9 * h))
    painter.drawLine(QLineF(x + 0.9 * w, y + 0.1 * h, x + 0.1 * w, y + 0.9 * h))
    painter.end()
    photo = folder / "marked.png"
    if not image.save(str(photo)):
        raise RuntimeError("could not save the marked page")
    read = ops.read_into(store, photo, actor="smoke test")
    scanned = ops.read_into(store, pdf, actor="smoke test")  # both papers, the first refused
    entries = {e.code: e for e in ballot_queries.entries(store, created.id)}
    first, second = (paper.code for paper in printed.papers)
    if read.count(queries.COUNTED) != 1 or first not in entries:
        raise RuntimeError(f"the marked paper was not counted: {read.statuses} "
                           f"{read.messages}")
    if list(entries[first].answers) != [Answer.choose(question, 0)]:
        raise RuntimeError(f"the marked paper read {entries[first].answers}, not Yes")
    if second not in entries or scanned.count(queries.REFUSED) != 1:
        raise RuntimeError(f"the printed PDF read {scanned.statuses} {scanned.messages}")
    return "a marked paper read (the paper reader add-on)"


def _pdf_page(pdf: Path, index: int) -> QImage:
    """Page ``index`` of ``pdf`` as QtPdf renders it at PDF_DPI, on white."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    document.load(str(pdf))
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() <= index:
        raise RuntimeError(f"QtPdf could not open {pdf.name} ({document.error().name})")
    points = document.pagePointSize(index)
    size = QSize(round(points.width() * PDF_DPI / 72), round(points.height() * PDF_DPI / 72))
    page = QImage(size, QImage.Format.Format_RGB32)  # paper: the render is on transparency
    page.fill(Qt.GlobalColor.white)
    painter = QPainter(page)
    painter.drawImage(0, 0, document.render(index, size))
    painter.end()
    document.close()
    return page


def phone_server(store: EventStore, _folder: Path) -> None:
    """Start the phone server on loopback, fetch the join page and its style sheet."""
    from facilitator.lan.server import LanServer

    server = LanServer(store, "127.0.0.1", 0)
    server.start()
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        for path, expected in (("/", b"<form"), ("/static/phone.css", b"{")):
            with direct.open(server.base_url + path, timeout=10) as reply:
                body = reply.read()
                if reply.status != 200 or expected not in body:
                    raise RuntimeError(f"GET {path} answered {reply.status}, {len(body)} bytes")
    finally:
        server.stop()


def every_module(problems: list[str]) -> str:
    """Import every module of facilitator and ui (a frozen build that missed one, or a
    library one of them imports late, fails here rather than on the day)."""
    import importlib
    import pkgutil

    import facilitator
    import ui

    names = [info.name for package in (facilitator, ui)
             for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
             if not info.name.endswith(".__main__")]
    from ui.reader_addon import MODULES, reader_missing

    without_reader = reader_missing() is not None
    skipped = 0
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Without the reader add-on, the reader's modules lack OpenCV, numpy or PDFium.
            if without_reader and (exc.name or "").split(".")[0] in MODULES:
                skipped += 1
            else:
                problems.append(f"import {name}: {type(exc).__name__}: {exc}")
        except Exception as exc:
            problems.append(f"import {name}: {type(exc).__name__}: {exc}")
    if skipped:
        return (f"{len(names) - skipped} modules imported ({skipped} need the paper reader "
                "add-on)")
    return f"{len(names)} modules imported"


def catalogues() -> str:
    """Load every compiled catalogue bundled (a missing or broken .mo raises)."""
    import gettext

    from facilitator.i18n import DOMAIN
    from facilitator.paths import resource_path

    languages = sorted(p.parent.parent.name for p in
                       resource_path("locale").glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    for language in languages:
        gettext.translation(DOMAIN, localedir=str(resource_path("locale")),
                            languages=[language])
    return f"{len(languages)} catalogues ({', '.join(languages)})"
