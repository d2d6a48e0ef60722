"""Entry point of the desktop app: builds everything once and hands it down (HOUSE_STYLE 2).

    facilitator                 open the most recent event (or the demo event)
    facilitator EVENTFILE       open that event
    facilitator --demo          open the bundled demo event
    facilitator --station       a station of the main laptop's event (check-in, keying, Q&A)
    facilitator --smoke-test    check the whole app offscreen (ui/smoke.py), exit 0 if all is well

An event already open in another Facilitator window is never opened twice: that window is
brought forward and this launch exits 0. Held by a command instead, it says by whom, exits 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitator.store import EventInUseError, EventStore
    from ui.context import AppContext
    from ui.instance import InstanceServer
    from ui.main_window import MainWindow

_STARTED = time.perf_counter()


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    from facilitator.i18n import LANGUAGES, _

    parser = argparse.ArgumentParser(prog="facilitator", description=_(
        "Facilitator: the day of a citizens' assembly, on one laptop, offline."))
    parser.add_argument("event", nargs="?", type=Path, metavar="EVENTFILE",
                        help=_("the event file to open"))
    parser.add_argument("--demo", action="store_true", help=_("open the bundled demo event"))
    parser.add_argument("--smoke-test", action="store_true",
                        help=_("open the demo event offscreen, visit every page and exit"))
    parser.add_argument("--config-dir", type=Path, help=_("where settings are kept"))
    parser.add_argument("--data-dir", type=Path, help=_("where the demo event is kept"))
    parser.add_argument("--language", choices=list(LANGUAGES), help=_(
        "the language of the app: en (English), cy (Cymraeg) or ar (Arabic); kept for the "
        "next starts (else the first start asks, and the Language menu changes it)"))
    parser.add_argument("--station", action="store_true", help=_(
        "start as a station of the main laptop's event: check-in, ballot entry, Q&A capture"))
    parser.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    from ui.reader_addon import add_reader_to_path

    add_reader_to_path()  # the frozen app's paper reader add-on, when installed
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    if args.smoke_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return _smoke_test(args)
    if args.station:
        return _run_station(args)
    return _run(args)


def station_folder(args: argparse.Namespace) -> Path:
    """Where a station keeps its pairing, its outbox and the cached event (issue 18)."""
    return (args.data_dir or _standard_dir("data")) / "station"


def _run_station(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from ui.station_window import StationWindow

    app = _make_app()
    assert isinstance(app, QApplication)
    window = StationWindow(station_folder(args))
    window.show()
    if args.exit_when_shown:
        window.close()
        return 0
    return app.exec()


def _make_app() -> object:
    from PySide6.QtWidgets import QApplication

    from facilitator import __version__
    from ui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Facilitator")
    app.setOrganizationName("Facilitator")
    app.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("facilitator")  # the desktop entry: its icon and name
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

    from facilitator.errors import UserError
    from facilitator.i18n import _
    from facilitator.store import EventInUseError, set_program
    from ui.context import AppContext
    from ui.language import start_language
    from ui.main_window import MainWindow

    app = _make_app()
    assert isinstance(app, QApplication)
    set_program(_("the Facilitator app"))
    context = AppContext.build(args.config_dir or _standard_dir("config"),
                               args.data_dir or _standard_dir("data"))
    start_language(app, context.config_dir, args.language,
                   may_ask=not (args.exit_when_shown or args.exit_when_ready)
                   and app.platformName() not in ("offscreen", "minimal"))
    # Own the event before any window exists: if another Facilitator has it, that one's
    # window comes forward and this launch ends without ever opening the file.
    target = _first_event(args, context)
    store: EventStore | None = None
    problem: tuple[str, str] | None = None
    try:
        store = _open_first_event(target, context)
    except EventInUseError as exc:
        return _hand_over(target, exc)
    except (UserError, OSError) as exc:
        problem = (_("Cannot open the demo event") if target == context.demo_path
                   else _("Cannot open the event"), str(exc))
    window = MainWindow(context, store)
    listen_for_second_launches(window)

    def excepthook(kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, exc, tb))
        sys.stderr.write(text)
        QMessageBox.critical(window, _("Something went wrong"), _(
            "Facilitator hit a bug. Everything confirmed so far is saved in the event file.\n\n"
            "{detail}").format(detail=text[-1500:]))

    sys.excepthook = excepthook
    if problem is not None:
        window.show_error(*problem)
    window.show()
    # For the start benchmarks: "shown" when the loop first runs, "ready" when every page
    # is built (on idle after the window showed); each with this process's CPU time.
    def report(what: str) -> None:
        print(f"{what} after {time.perf_counter() - _STARTED:.3f} s in-process "
              f"(CPU {time.process_time():.3f} s)", flush=True)
        if what == "ready" or args.exit_when_shown:
            window.close()
            app.quit()

    if args.exit_when_shown or args.exit_when_ready:
        QTimer.singleShot(0, lambda: report("shown"))
    if args.exit_when_ready:
        window.all_pages_built.connect(lambda: report("ready"))
    return app.exec()


def listen_for_second_launches(window: MainWindow) -> InstanceServer:
    """Answer a second launch on the window's event (following File > Open) by bringing
    the window forward."""
    from ui.instance import InstanceServer

    server = InstanceServer(window, window)
    window.event_opened.connect(server.listen)
    if window.store is not None:
        server.listen(window.store.path)
    return server


def _first_event(args: argparse.Namespace, context: AppContext) -> Path:
    """The event this launch opens: the one named, else the demo, else the most recent."""
    if args.event is not None:
        return Path(args.event)
    if not args.demo:
        recent = context.recent.existing()
        if recent:
            return recent[0]
    return context.demo_path


def _open_first_event(path: Path, context: AppContext) -> EventStore:
    from facilitator.demo import create_demo_event
    from facilitator.store import EventStore

    if path == context.demo_path and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        return create_demo_event(path, context.clock, with_votes=True)
    return EventStore.open(path, context.clock)


def _hand_over(path: Path, refusal: EventInUseError) -> int:
    """The event is owned elsewhere: bring its Facilitator window forward, or say who has it.

    Never opens the event: one owner, one writer. Exit 0 when the other window came
    forward; 1 when the holder is a command, or a Facilitator that does not answer."""
    from facilitator.i18n import _
    from ui.instance import ask_to_show

    if ask_to_show(path):
        print(_("{path} is already open in Facilitator; its window was brought to the "
                "front.").format(path=path), flush=True)
        return 0
    print(refusal.message, file=sys.stderr, flush=True)
    tell_event_in_use(refusal.message)
    return 1


def tell_event_in_use(message: str) -> None:
    """Say (in a message box) that the event is held by someone else. Tests replace it."""
    from PySide6.QtWidgets import QMessageBox

    from facilitator.i18n import _

    QMessageBox.warning(None, _("The event is already open"), message)


def _smoke_test(args: argparse.Namespace) -> int:
    """Every page, the projector, a PDF and its QR code, the phone server: ui/smoke.py."""
    from ui.smoke import run

    def make_app() -> object:
        app = _make_app()
        if args.language:  # `--smoke-test --language ar`: the whole check in Arabic
            from PySide6.QtWidgets import QApplication

            from ui.language import apply_language

            assert isinstance(app, QApplication)
            apply_language(app, args.language)
        return app

    return run(args, make_app)


if __name__ == "__main__":
    sys.exit(main())
