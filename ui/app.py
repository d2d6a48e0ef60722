"""Entry point of the desktop app: builds everything once and hands it down (HOUSE_STYLE 2).

    facilitator                 open the most recent event (or the demo event)
    facilitator EVENTFILE       open that event
    facilitator --demo          open the bundled demo event
    facilitator --smoke-test    open the demo offscreen, visit every page, exit 0 if all is well
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

_STARTED = time.perf_counter()


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    from facilitator.i18n import _

    parser = argparse.ArgumentParser(prog="facilitator", description=_(
        "Facilitator: the day of a citizens' assembly, on one laptop, offline."))
    parser.add_argument("event", nargs="?", type=Path, metavar="EVENTFILE",
                        help=_("the event file to open"))
    parser.add_argument("--demo", action="store_true", help=_("open the bundled demo event"))
    parser.add_argument("--smoke-test", action="store_true",
                        help=_("open the demo event offscreen, visit every page and exit"))
    parser.add_argument("--config-dir", type=Path, help=_("where settings are kept"))
    parser.add_argument("--data-dir", type=Path, help=_("where the demo event is kept"))
    parser.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    if args.smoke_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return _smoke_test(args)
    return _run(args)


def _make_app() -> object:
    from PySide6.QtWidgets import QApplication

    from facilitator import __version__
    from ui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Facilitator")
    app.setOrganizationName("Facilitator")
    app.setApplicationVersion(__version__)
    apply_style(app)  # type: ignore[arg-type]
    return app


def _standard_dir(kind: str) -> Path:
    from PySide6.QtCore import QStandardPaths

    location = (QStandardPaths.StandardLocation.AppConfigLocation if kind == "config"
                else QStandardPaths.StandardLocation.AppDataLocation)
    return Path(QStandardPaths.writableLocation(location))


def _run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from facilitator.i18n import _
    from ui.context import AppContext
    from ui.main_window import MainWindow

    app = _make_app()
    assert isinstance(app, QApplication)
    context = AppContext.build(args.config_dir or _standard_dir("config"),
                               args.data_dir or _standard_dir("data"))
    window = MainWindow(context)

    def excepthook(kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, exc, tb))
        sys.stderr.write(text)
        QMessageBox.critical(window, _("Something went wrong"), _(
            "Facilitator hit a bug. Everything confirmed so far is saved in the event file.\n\n"
            "{detail}").format(detail=text[-1500:]))

    sys.excepthook = excepthook
    if args.event is not None:
        window.open_event(args.event)
    elif args.demo:
        window.open_demo()
    else:
        recent = context.recent.existing()
        if recent:
            window.open_event(recent[0])
        else:
            window.open_demo()
    window.show()
    if args.exit_when_shown:
        def report() -> None:
            print(f"shown after {time.perf_counter() - _STARTED:.3f} s in-process", flush=True)
            window.close()
            app.quit()
        QTimer.singleShot(0, report)
    return app.exec()


def _smoke_test(args: argparse.Namespace) -> int:
    """Open the demo event offscreen, visit every page, and fail on any error or Qt warning."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from ui.context import AppContext
    from ui.main_window import PAGE_KEYS, MainWindow
    from ui.pages.participants import ParticipantsPage
    from ui.sound import BENIGN_QT_MESSAGES

    problems: list[str] = []

    def on_qt_message(kind: QtMsgType, _context: object, message: str) -> None:
        # The offscreen platform cannot raise or resize windows, a headless machine has no
        # sound server; Qt says so, and neither is a fault of ours.
        if message.startswith(BENIGN_QT_MESSAGES):
            return
        if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg:
            problems.append(f"Qt {kind.name}: {message}")

    def on_exception(kind: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> None:
        problems.append("".join(traceback.format_exception(kind, exc, tb)))

    qInstallMessageHandler(on_qt_message)
    sys.excepthook = on_exception
    app = _make_app()
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="facilitator-smoke-") as tmp:
        context = AppContext.build(args.config_dir or Path(tmp) / "config",
                                   args.data_dir or Path(tmp) / "data", smoke_test=True)
        window = MainWindow(context)
        window.open_demo()
        window.show()
        app.processEvents()
        if window.store is None:
            problems.append("the demo event did not open")
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
        window.toggle_projector()
        app.processEvents()
        if window.projector is None or not window.projector.isVisible():
            problems.append("the projector window did not open")
        window.toggle_projector()
        window.close()
        app.processEvents()
        window.deleteLater()
        app.processEvents()
    qInstallMessageHandler(None)
    if problems:
        print("smoke test FAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"smoke test passed: {len(PAGE_KEYS)} pages and the projector visited", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
