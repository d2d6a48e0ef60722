"""Paper ballots for a proposal, from the Theatre page: print them, key them back.

A proposal voted on paper (or on paper and phones) has a ballot round of its own
(:func:`facilitator.theatre.ops.define_vote`). This panel, on the Vote tab, prints that
round's papers (the Voting page's print dialog: how many, or a batch again) and keys the
returned ones with the Voting page's keyboard editor: scan a paper's code (Ctrl+K puts the
focus in the scan field), key the mark (1 for, 2 against, 3 abstain, 0 blank), Enter saves and
the focus is back in the scan field for the next one. Everything goes through the ballots'
own ops, so the Voting page shows the same round; the hand-outs of a round on paper and
phones, double entry and adjudication stay there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from facilitator.ballots import (
    FIRST,
    BallotRound,
    CodeError,
    Paper,
    PaperCode,
    get_round,
    ops,
    queries,
)
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.reports.ballots import write_ballot_papers
from ui.pages.base import Page
from ui.pages.common import SaveChooser
from ui.pages.voting.dialogs import PrintDialog, PrintRequest
from ui.pages.voting.editor import BallotEditor
from ui.tasks import TaskRunner

PrintAsker = Callable[[QWidget, BallotRound, int, list[int]], PrintRequest | None]
"""``(parent, round, default count, batches printed) -> what to print`` (the dialog)."""


class PaperPanel(QGroupBox):
    """The chosen proposal's paper ballots: print, then scan and key each returned one."""

    papers_written = Signal(object)
    """Emitted with the PDF's path once the papers are written (off the GUI thread)."""

    def __init__(self, page: Page, tasks: TaskRunner, *, choose_save: SaveChooser,
                 ask_print: PrintAsker = PrintDialog.ask,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Paper ballots"), parent)
        self._page = page
        self._tasks = tasks
        self._choose_save = choose_save
        self._ask_print = ask_print
        self.round_id: int | None = None
        self.printing = False
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.print_button = QPushButton(_("Print papers…"))
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText(_("Scan a returned paper (Ctrl+K)"))
        self.scan_edit.setAccessibleName(_("Scan a returned paper"))
        self.editor = BallotEditor()
        self.editor.setMinimumHeight(90)
        self.hint_label = QLabel(_("Hand-outs (paper and phones), double entry, adjudication "
                                   "and the figures: on the Voting page."))
        self.hint_label.setWordWrap(True)
        self.hint_label.setObjectName("hint")
        layout = QVBoxLayout(self)
        for widget in (self.status_label, self.print_button, self.scan_edit):
            layout.addWidget(widget)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.hint_label)

        self.print_button.clicked.connect(self.print_papers)
        self.scan_edit.returnPressed.connect(self.scan)
        self.editor.save_requested.connect(self.save)
        self.editor.cancelled.connect(self.put_aside)
        self.editor.scan_started.connect(self._scan_started)
        self.show_round(None)

    # -- which round -------------------------------------------------------------------------

    def show_round(self, round_id: int | None) -> None:
        """The round of the proposal chosen on the Vote tab (None: not voted on paper)."""
        if round_id != self.round_id and self.editor.loaded:
            self.editor.clear()
        self.round_id = round_id
        ballot_round = get_round(self._page.store, round_id) if round_id is not None else None
        open_ = ballot_round is not None and not ballot_round.is_closed
        self.print_button.setEnabled(open_ and not self.printing)
        self.scan_edit.setEnabled(open_)
        if not open_:
            self.scan_edit.clear()
        if ballot_round is None:
            self.status_label.setText(_("This proposal is not voted on paper."))
            return
        figures = queries.reconcile(self._page.store, ballot_round.id)
        self.status_label.setText(
            _("Round “{title}”: {printed} papers printed, {keyed} keyed.").format(
                title=ballot_round.title, printed=figures.printed, keyed=figures.entered)
            + ("" if open_ else " " + _("The vote is closed.")))

    def focus_scan(self) -> None:
        if self.round_id is None or not self.scan_edit.isEnabled():
            self._page.refuse(_("Choose a proposal voted on paper, not yet closed."))
            return
        self.scan_edit.setFocus()
        self.scan_edit.selectAll()

    # -- printing ----------------------------------------------------------------------------

    def print_papers(self) -> Path | None:
        """New papers for the round (or a batch again), written to a PDF to print, off the
        GUI thread (200 papers take seconds): :attr:`papers_written` says when."""
        if self.round_id is None or self.printing:
            return None
        store = self._page.store
        ballot_round = get_round(store, self.round_id)
        batches = sorted({p.batch for p in queries.paper_codes(store, ballot_round.id)})
        present = queries.entitled_present(store, ballot_round)
        request = self._ask_print(self, ballot_round, present or 100, batches)
        if request is None:
            return None
        suggested = f"{ballot_round.title} - papers.pdf".replace("/", "-")
        path = self._choose_save(self, _("Save the ballot papers as"), suggested)
        if path is None:
            return None
        papers: list[PaperCode]
        if request.batch is not None:
            papers = queries.paper_codes(store, ballot_round.id, request.batch)
        else:
            issued = self._page.run(lambda: ops.issue_codes(
                store, ballot_round.id, request.count, actor=self._page.actor))
            if issued is None:
                return None
            papers, ballot_round = list(issued.papers), issued.round
        self.printing = True
        self.print_button.setEnabled(False)
        self._page.banner.show_message(_("Writing {n} papers to {file}…").format(
            n=len(papers), file=path.name), "info")
        printing, event_name, count = ballot_round, store.name, len(papers)

        def work() -> Path:
            return write_ballot_papers(path, printing, papers, event_name=event_name,
                                       page_size=request.page_size)

        self._tasks.run(work, lambda done: self._printed(done, count), self._print_failed)
        return path

    def _printed(self, path: Path, count: int) -> None:
        self.printing = False
        self.show_round(self.round_id)
        self._page.banner.show_message(
            _("✓ {n} papers written to {path}. Print them, then scan each returned paper "
              "here.").format(n=count, path=path), "ok")
        self.papers_written.emit(path)

    def _print_failed(self, exc: Exception) -> None:
        self.printing = False
        self.show_round(self.round_id)
        self._page.refuse(_("The papers could not be written: {error}").format(error=exc))

    # -- keying ------------------------------------------------------------------------------

    def scan(self) -> None:
        text = self.scan_edit.text().strip()
        if not text or self.round_id is None:
            return
        round_id = self.round_id
        try:
            paper = queries.scan(self._page.store, round_id, text, pass_=FIRST,
                                 actor=self._page.actor)
        except UserError as exc:
            self._page.refuse(exc.message)
            if isinstance(exc, CodeError):  # counted on the result sheet as refused scans
                error = exc
                self._page.run(lambda: ops.record_rejected(
                    self._page.store, round_id, text, error, actor=self._page.actor))
            self.scan_edit.selectAll()
            return
        self.scan_edit.clear()
        self._show(paper)

    def _show(self, paper: Paper) -> None:
        self.editor.load(paper)
        self.editor.setFocus()
        self._page.banner.show_message(
            _("Paper {code}: key the mark (1 for, 2 against, 3 abstain, 0 blank), Enter "
              "saves, Esc puts it aside.").format(code=paper.pretty), "info")

    def save(self) -> None:
        paper = self.editor.paper
        if paper is None:
            return
        answers, spoiled = self.editor.answers(), self.editor.spoiled
        saved = self._page.run(lambda: ops.enter(
            self._page.store, paper.round.id, paper.code, answers, actor=self._page.actor,
            spoiled=spoiled, via="desk"))
        if saved is None:
            return
        self.editor.clear()
        self._page.banner.show_message(_("✓ Paper {code} saved.").format(code=paper.pretty),
                                       "ok")
        self.focus_scan()

    def put_aside(self) -> None:
        paper = self.editor.paper
        self.editor.clear()
        if paper is not None:
            self._page.banner.show_message(_("Paper {code} put aside, not saved.").format(
                code=paper.pretty), "info")
        self.focus_scan()

    def _scan_started(self, text: str) -> None:
        """A letter typed in the editor: the scanner is reading the next paper."""
        paper = self.editor.paper
        self.editor.clear()
        if paper is not None:
            self._page.refuse(_("Paper {code} was NOT saved: a new code was scanned before "
                                "Enter. Scan it again to key it.").format(code=paper.pretty))
        self.scan_edit.setFocus()
        self.scan_edit.setText(text)
