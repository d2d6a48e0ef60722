"""Dialogs of the Voting page, each with ``ask(...) -> Result | None`` so tests can drive them.

:class:`RoundDialog` defines a round and its questions (every kind, with its decision rule or
funding rule, and a preview of how to vote on it as the paper and the phones will say it),
how it is voted (paper, phones or both) and who may vote;
:class:`PrintDialog` asks how many papers to print (or which batch to print again);
:class:`NoteDialog` asks for the note that closing with a discrepancy, or reopening, needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots import (
    CHANNEL_NAMES,
    CHANNELS,
    PB_RULES,
    RANK_METHODS_ONE_SEAT,
    RANK_METHODS_SEATS,
    ROLE_NAMES,
    VOTER_ROLES,
    BallotRound,
    Kind,
    Question,
    QuestionError,
    kind_name,
    pb_rule_name,
    rank_method_name,
)
from facilitator.ballots.questions import (
    default_grades,
    default_scale,
    format_amount,
    format_share,
)
from facilitator.i18n import _
from facilitator.people import ROLES
from ui.widgets import ScrollDown, error_label, ok_cancel

KEPT = ("max_rank", "support_points", "oppose_points")
"""Question fields the form does not offer (set in a round file): kept as they are when the
question is edited, unless its kind changes."""
THRESHOLDS = (("1/2", False), ("3/5", True), ("2/3", True), ("3/4", True), ("4/5", True),
              ("1", True))


def _threshold_label(value: str, inclusive: bool) -> str:
    names = {"1/2": _("more than 50% (simple majority)"), "3/5": _("at least 60%"),
             "2/3": _("at least two thirds"), "3/4": _("at least 75%"),
             "4/5": _("at least 80%"), "1": _("100% (unanimity)")}
    if (value, inclusive) in THRESHOLDS:
        return names[value]
    # A threshold from a round file (``ballots new``) that the menu does not offer: kept
    # as it is, never silently replaced by the first item.
    share = format_share(Fraction(value))
    return (_("at least {share}") if inclusive else _("more than {share}")).format(share=share)


def _threshold_key(value: str, inclusive: bool) -> str:
    return f"{value}|{int(inclusive)}"


def _threshold_of(key: str) -> tuple[str, bool]:
    value, _sep, inclusive = key.partition("|")
    return value, inclusive == "1"


@dataclass(frozen=True)
class RoundDefinition:
    title: str
    questions: tuple[Question, ...]
    instructions: str
    language: str | None
    double_entry: bool
    channel: str | None = None
    voters: tuple[str, ...] = VOTER_ROLES


def blank_draft(kind: Kind = Kind.YES_NO) -> dict[str, Any]:
    return {"kind": kind.value, "text": "", "options": "", "allow_abstain": True,
            "max_choices": 0, "seats": 1, "score_min": 0, "score_max": 5, "dots": 5,
            "max_dots": 0, "budget": "", "grades": "\n".join(default_grades()),
            "threshold": THRESHOLDS[0], "base": "votes_cast", "abstentions": "excluded",
            "quorum": 0, "quorum_share": None, "note": "", "pb_rule": PB_RULES[0].value,
            "rank_method": "", "kept": None}


def _draft_from_question(q: Question) -> dict[str, Any]:
    draft = blank_draft(q.kind)
    draft.update({
        "text": q.text, "allow_abstain": q.allow_abstain, "max_choices": q.max_choices or 0,
        "seats": q.seats, "score_min": q.score_min, "score_max": q.score_max,
        "dots": q.dots or 5, "max_dots": q.max_dots_per_option or 0,
        "budget": format_amount(q.budget) if q.budget is not None else "",
        "grades": "\n".join(q.grades or default_grades()),
        "threshold": (str(q.rule.threshold), q.rule.inclusive),
        "base": q.rule.base.value, "abstentions": q.rule.abstentions.value,
        "quorum": q.rule.quorum, "note": q.note, "pb_rule": q.pb_rule.value,
        "rank_method": q.rank_method,
        "quorum_share": None if q.rule.quorum_share is None else str(q.rule.quorum_share),
    })
    unedited = KEPT + (("seats",) if q.kind is Kind.APPROVAL else ())  # approval: winners
    draft["kept"] = {"kind": q.kind.value, **{k: v for k, v in q.to_json().items()
                                              if k in unedited}}
    if q.kind is Kind.BUDGET:
        draft["options"] = "\n".join(f"{p.name or p.id}; {format_amount(p.cost)}"
                                     for p in q.projects)
    elif q.kind is not Kind.YES_NO:
        draft["options"] = "\n".join(q.options)
    return draft


def how_to_vote_preview(question: Question) -> str:
    """What voters will read under the question, on the paper and on their phones (the very
    texts :meth:`Question.how_to_vote` gives both), and how it is decided."""
    lines = [_("On the paper: {how}").format(how=question.how_to_vote()),
             _("On phones: {how}").format(how=question.how_to_vote(phone=True))]
    decided = question.decided_by()
    if decided:
        lines.append(decided)
    return "\n".join(lines)


def question_from_draft(draft: dict[str, Any]) -> Question:
    """Build (and so validate) a question from the form's values."""
    kind = Kind(draft["kind"])
    lines = [line.strip() for line in str(draft["options"]).splitlines() if line.strip()]
    threshold, inclusive = draft["threshold"]
    data: dict[str, Any] = {
        "kind": kind.value, "text": draft["text"], "note": draft["note"],
        "rule": {"threshold": threshold, "inclusive": inclusive, "base": draft["base"],
                 "abstentions": draft["abstentions"], "quorum": int(draft["quorum"])},
    }
    if draft.get("quorum_share") is not None:
        data["rule"]["quorum_share"] = draft["quorum_share"]
    if kind is Kind.YES_NO:
        data["allow_abstain"] = bool(draft["allow_abstain"])
    elif kind is Kind.BUDGET:
        projects = []
        for number, line in enumerate(lines, start=1):
            name, sep, cost = line.rpartition(";")
            if not sep:
                raise QuestionError(_("Project line {n} needs a name, a semicolon and a cost, "
                                      "e.g. “Playground; 40000”.").format(n=number))
            projects.append({"id": f"p{number}", "name": name.strip(), "cost": cost.strip()})
        data["projects"] = projects
        data["budget"] = str(draft["budget"]).strip() or "0"
        data["pb_rule"] = draft["pb_rule"]
    else:
        data["options"] = lines
    if kind in (Kind.APPROVAL, Kind.BUDGET) and int(draft["max_choices"]):
        data["max_choices"] = int(draft["max_choices"])
    if kind is Kind.RANK:
        data["seats"] = int(draft["seats"])
        if draft.get("rank_method"):
            data["rank_method"] = draft["rank_method"]
    if kind is Kind.SCORE:
        data["score_min"], data["score_max"] = int(draft["score_min"]), int(draft["score_max"])
    if kind is Kind.DOTS:
        data["dots"] = int(draft["dots"])
        if int(draft["max_dots"]):
            data["max_dots_per_option"] = int(draft["max_dots"])
    if kind is Kind.JUDGMENT:
        data["grades"] = [g.strip() for g in str(draft["grades"]).splitlines() if g.strip()]
    if kind is Kind.SCALE and not lines:
        data["options"] = list(default_scale())
    kept = draft.get("kept") or {}
    if kept.get("kind") == kind.value:
        data.update({k: v for k, v in kept.items() if k != "kind"})
    return Question.from_json(data)


class RoundDialog(QDialog):
    """Define a ballot round: title, instructions, double entry, and its questions."""

    def __init__(self, existing: BallotRound | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Ballot round"))
        self.resize(980, 680)
        self.drafts: list[dict[str, Any]] = []
        self._loading = False
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("e.g. Saturday morning vote"))
        self.instructions_edit = QPlainTextEdit()
        self.instructions_edit.setMaximumHeight(70)
        self.language_edit = QLineEdit()
        self.language_edit.setPlaceholderText(_("e.g. en, cy, fr (blank: the app's language)"))
        self.double_box = QCheckBox(_("&Double entry: a second operator keys every paper again"))
        self.channel_combo = QComboBox()
        self.channel_combo.setAccessibleName(_("How people vote"))
        for channel in (None, *CHANNELS):
            self.channel_combo.addItem(_(CHANNEL_NAMES[channel]), channel)
        self.channel_combo.setToolTip(_(
            "Paper only or phones only: nobody can vote both ways. Left to the first use, "
            "printing papers makes it a paper round and opening a question to phones a "
            "phone round. With both, each paper is handed out at the desk (badge scanned), "
            "and a person who has a paper cannot vote by phone, nor the other way round."))
        self.voter_boxes: dict[str, QCheckBox] = {}
        voters_row = QHBoxLayout()
        for role in ROLES:
            box = QCheckBox(_(ROLE_NAMES[role]))
            box.setChecked(role in VOTER_ROLES)
            self.voter_boxes[role] = box
            voters_row.addWidget(box)
        voters_row.addStretch(1)
        self.frozen_label = QLabel(_("These choices, the questions and their rules are fixed "
                                     "once papers are printed or a question is opened to "
                                     "phones."))
        self.frozen_label.setWordWrap(True)
        head = QFormLayout()
        head.addRow(_("&Title:"), self.title_edit)
        head.addRow(_("&Instructions on the paper:"), self.instructions_edit)
        head.addRow(_("&Language of the paper:"), self.language_edit)
        head.addRow("", self.double_box)
        head.addRow(_("&How people vote:"), self.channel_combo)
        head.addRow(_("Who may vote:"), voters_row)
        head.addRow("", self.frozen_label)

        self.question_list = QListWidget()
        self.question_list.setAccessibleName(_("Questions"))
        self.add_button = QPushButton(_("&Add question"))
        self.remove_button = QPushButton(_("&Remove"))
        self.up_button = QPushButton(_("Move &up"))
        self.down_button = QPushButton(_("Move do&wn"))
        left = QVBoxLayout()
        left.addWidget(QLabel(_("Questions")))
        left.addWidget(self.question_list, 1)
        row = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            row.addWidget(button)
        left.addLayout(row)

        self.kind_combo = QComboBox()
        for kind in Kind:
            self.kind_combo.addItem(kind_name(kind), kind.value)
        self.text_edit = QLineEdit()
        self.options_label = QLabel()
        self.options_edit = QPlainTextEdit()
        self.abstain_box = QCheckBox(_("Offer “Abstain”"))
        self.k_spin = QSpinBox()
        self.k_spin.setRange(0, 60)
        self.k_spin.setSpecialValueText(_("no limit"))
        self.seats_spin = QSpinBox()
        self.seats_spin.setRange(1, 59)
        self.score_min_spin = QSpinBox()
        self.score_min_spin.setRange(0, 98)
        self.score_max_spin = QSpinBox()
        self.score_max_spin.setRange(1, 99)
        self.dots_spin = QSpinBox()
        self.dots_spin.setRange(1, 99)
        self.max_dots_spin = QSpinBox()
        self.max_dots_spin.setRange(0, 99)
        self.max_dots_spin.setSpecialValueText(_("no limit"))
        self.budget_edit = QLineEdit()
        self.grades_edit = QPlainTextEdit()
        self.grades_edit.setMaximumHeight(110)
        self.note_edit = QLineEdit()
        self.pb_rule_combo = QComboBox()
        self.pb_rule_combo.setAccessibleName(_("Funding rule"))
        for pb_rule in PB_RULES:
            self.pb_rule_combo.addItem(pb_rule_name(pb_rule), pb_rule.value)
        self.method_combo = QComboBox()  # filled for the seats by _fill_methods
        self.method_combo.setAccessibleName(_("Counting method"))
        self.threshold_combo = QComboBox()
        for value, inclusive in THRESHOLDS:
            self.threshold_combo.addItem(_threshold_label(value, inclusive),
                                         _threshold_key(value, inclusive))
        self.base_combo = QComboBox()
        self.base_combo.addItem(_("of the votes cast"), "votes_cast")
        self.base_combo.addItem(_("of the people present"), "present")
        self.abstentions_combo = QComboBox()
        self.abstentions_combo.addItem(_("recorded, not counted in the %"), "excluded")
        self.abstentions_combo.addItem(_("counted in the %"), "counted")
        self.quorum_spin = QSpinBox()
        self.quorum_spin.setRange(0, 10_000)
        self.quorum_spin.setSpecialValueText(_("none"))

        self.form = QFormLayout()
        self.form.addRow(_("&Kind:"), self.kind_combo)
        self.form.addRow(_("&Question:"), self.text_edit)
        self.form.addRow(self.options_label, self.options_edit)
        self.form.addRow("", self.abstain_box)
        self.form.addRow(_("Up to &k choices:"), self.k_spin)
        self.form.addRow(_("&Seats (1 = IRV, more = STV):"), self.seats_spin)
        self.form.addRow(_("Counting &method:"), self.method_combo)
        self.form.addRow(_("Lowest score:"), self.score_min_spin)
        self.form.addRow(_("Highest score:"), self.score_max_spin)
        self.form.addRow(_("Dots to share:"), self.dots_spin)
        self.form.addRow(_("Most dots on one option:"), self.max_dots_spin)
        self.form.addRow(_("&Budget:"), self.budget_edit)
        self.form.addRow(_("&Funding rule:"), self.pb_rule_combo)
        self.form.addRow(_("&Grades (best first):"), self.grades_edit)
        self.form.addRow(_("&Note under the question:"), self.note_edit)
        self.rule_box = QGroupBox(_("Decision rule"))
        rule_form = QFormLayout(self.rule_box)
        rule_form.addRow(_("&Threshold:"), self.threshold_combo)
        rule_form.addRow(_("Percentage:"), self.base_combo)
        rule_form.addRow(_("Abstentions:"), self.abstentions_combo)
        rule_form.addRow(_("&Quorum (people taking part):"), self.quorum_spin)
        self.question_error = error_label()
        self.preview_label = QLabel()
        self.preview_label.setObjectName("howToVote")
        self.preview_label.setWordWrap(True)
        right = QVBoxLayout()
        right.addLayout(self.form)
        right.addWidget(self.rule_box)
        right.addWidget(self.question_error)
        right.addWidget(self.preview_label)
        right.addStretch(1)
        self.editor = QWidget()
        self.editor.setLayout(right)

        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(ScrollDown(self.editor), 3)  # scrolls on a 768 px screen, unsqueezed
        self.error_label = error_label()
        buttons = ok_cancel(self, self._on_buttons_accepted)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(body, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.question_list.currentRowChanged.connect(self._on_question_row_changed)
        for widget in (self.text_edit, self.budget_edit, self.note_edit):
            widget.textChanged.connect(self._on_form_changed)
        for edit in (self.options_edit, self.grades_edit):
            edit.textChanged.connect(self._on_form_changed)
        for spin in (self.k_spin, self.seats_spin, self.score_min_spin, self.score_max_spin,
                     self.dots_spin, self.max_dots_spin, self.quorum_spin):
            spin.valueChanged.connect(self._on_form_changed)
        for combo in (self.kind_combo, self.threshold_combo, self.base_combo,
                      self.abstentions_combo, self.pb_rule_combo, self.method_combo):
            combo.currentIndexChanged.connect(self._on_form_changed)
        self.abstain_box.toggled.connect(self._on_form_changed)

        if existing is not None:
            self.title_edit.setText(existing.title)
            self.instructions_edit.setPlainText(existing.instructions)
            self.language_edit.setText(existing.language or "")
            self.double_box.setChecked(existing.double_entry)
            self.channel_combo.setCurrentIndex(
                max(0, self.channel_combo.findData(existing.channel)))
            for role, box in self.voter_boxes.items():
                box.setChecked(role in existing.voters)
            self.drafts = [_draft_from_question(q) for q in existing.questions]
        else:
            self.drafts = [blank_draft()]
        for _draft in self.drafts:
            self.question_list.addItem(QListWidgetItem())
        self._refresh_items()
        self.question_list.setCurrentRow(0)

    # -- the question list --------------------------------------------------------------------

    def _refresh_items(self) -> None:
        for row, draft in enumerate(self.drafts):
            item = self.question_list.item(row)
            if item is not None:
                text = draft["text"].strip() or _("(no text yet)")
                item.setText(f"{row + 1}. {text} — {kind_name(Kind(draft['kind']))}")
        self.remove_button.setEnabled(len(self.drafts) > 1)

    def _on_add_clicked(self) -> None:
        self.drafts.append(blank_draft())
        self.question_list.addItem(QListWidgetItem())
        self._refresh_items()
        self.question_list.setCurrentRow(len(self.drafts) - 1)
        self.text_edit.setFocus()

    def _on_remove_clicked(self) -> None:
        row = self.question_list.currentRow()
        if len(self.drafts) <= 1 or row < 0:
            return
        del self.drafts[row]
        self._loading = True
        self.question_list.takeItem(row)
        self._loading = False
        self._refresh_items()
        self.question_list.setCurrentRow(min(row, len(self.drafts) - 1))

    def _move(self, step: int) -> None:
        row = self.question_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < len(self.drafts):
            return
        self.drafts[row], self.drafts[target] = self.drafts[target], self.drafts[row]
        self._refresh_items()
        self.question_list.setCurrentRow(target)

    def _on_question_row_changed(self, row: int) -> None:
        if self._loading or not 0 <= row < len(self.drafts):
            return
        self._load(self.drafts[row])

    # -- the form -------------------------------------------------------------------------------

    def _load(self, draft: dict[str, Any]) -> None:
        self._loading = True
        try:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(draft["kind"]))
            self.text_edit.setText(draft["text"])
            self.options_edit.setPlainText(draft["options"])
            self.abstain_box.setChecked(bool(draft["allow_abstain"]))
            self.k_spin.setValue(int(draft["max_choices"]))
            self.seats_spin.setValue(int(draft["seats"]))
            self.score_min_spin.setValue(int(draft["score_min"]))
            self.score_max_spin.setValue(int(draft["score_max"]))
            self.dots_spin.setValue(int(draft["dots"]))
            self.max_dots_spin.setValue(int(draft["max_dots"]))
            self.budget_edit.setText(draft["budget"])
            self.grades_edit.setPlainText(draft["grades"])
            self.note_edit.setText(draft["note"])
            self.pb_rule_combo.setCurrentIndex(
                max(0, self.pb_rule_combo.findData(draft["pb_rule"])))
            self._fill_methods(int(draft["seats"]), draft.get("rank_method", ""))
            key = _threshold_key(*draft["threshold"])
            if self.threshold_combo.findData(key) < 0:
                self.threshold_combo.addItem(_threshold_label(*draft["threshold"]), key)
            self.threshold_combo.setCurrentIndex(self.threshold_combo.findData(key))
            self.base_combo.setCurrentIndex(self.base_combo.findData(draft["base"]))
            self.abstentions_combo.setCurrentIndex(
                self.abstentions_combo.findData(draft["abstentions"]))
            self.quorum_spin.setValue(int(draft["quorum"]))
        finally:
            self._loading = False
        self._show_fields()
        self._check_current()

    def _on_form_changed(self) -> None:
        if self._loading:
            return
        row = self.question_list.currentRow()
        if not 0 <= row < len(self.drafts):
            return
        self.drafts[row] = {
            "kind": self.kind_combo.currentData(), "text": self.text_edit.text(),
            "options": self.options_edit.toPlainText(),
            "allow_abstain": self.abstain_box.isChecked(),
            "max_choices": self.k_spin.value(), "seats": self.seats_spin.value(),
            "score_min": self.score_min_spin.value(), "score_max": self.score_max_spin.value(),
            "dots": self.dots_spin.value(), "max_dots": self.max_dots_spin.value(),
            "budget": self.budget_edit.text(), "grades": self.grades_edit.toPlainText(),
            "threshold": _threshold_of(str(self.threshold_combo.currentData())),
            "base": self.base_combo.currentData(),
            "abstentions": self.abstentions_combo.currentData(),
            "quorum": self.quorum_spin.value(), "note": self.note_edit.text(),
            "quorum_share": self.drafts[row].get("quorum_share"),
            "kept": self.drafts[row].get("kept"),
            "pb_rule": self.pb_rule_combo.currentData(),
            "rank_method": self._fill_methods(self.seats_spin.value(),
                                              self.method_combo.currentData() or ""),
        }
        self._refresh_items()
        self._show_fields()
        self._check_current()

    def _fill_methods(self, seats: int, chosen: str) -> str:
        """Offer the counting methods that fit ``seats``; keep ``chosen`` if it still fits.
        Returns the method now selected ("" for the default)."""
        methods = RANK_METHODS_ONE_SEAT if seats == 1 else RANK_METHODS_SEATS
        wanted = ["", *methods]
        chosen = chosen if chosen in methods else ""
        if [self.method_combo.itemData(i) for i in range(self.method_combo.count())] != wanted:
            self.method_combo.blockSignals(True)
            self.method_combo.clear()
            self.method_combo.addItem(
                _("Instant-runoff (the default)") if seats == 1 else
                _("STV, Scottish rules (the default)"), "")
            for method in methods:
                self.method_combo.addItem(rank_method_name(method), method)
            self.method_combo.blockSignals(False)
        self.method_combo.blockSignals(True)
        self.method_combo.setCurrentIndex(max(0, self.method_combo.findData(chosen)))
        self.method_combo.blockSignals(False)
        return chosen

    def _show_fields(self) -> None:
        kind = Kind(self.kind_combo.currentData())
        shown = {
            self.options_edit: kind is not Kind.YES_NO,
            self.abstain_box: kind is Kind.YES_NO,
            self.k_spin: kind in (Kind.APPROVAL, Kind.BUDGET),
            self.seats_spin: kind is Kind.RANK,
            self.score_min_spin: kind is Kind.SCORE,
            self.score_max_spin: kind is Kind.SCORE,
            self.dots_spin: kind is Kind.DOTS,
            self.max_dots_spin: kind is Kind.DOTS,
            self.budget_edit: kind is Kind.BUDGET,
            self.pb_rule_combo: kind is Kind.BUDGET,
            self.method_combo: kind is Kind.RANK,
            self.grades_edit: kind is Kind.JUDGMENT,
        }
        for widget, visible in shown.items():
            self.form.setRowVisible(widget, visible)
        self.options_label.setText(
            _("&Projects (one a line: name; cost):") if kind is Kind.BUDGET else
            _("&Scale points (top = most support):") if kind is Kind.SCALE else
            _("&Options (one a line):"))
        self.options_label.setBuddy(self.options_edit)
        self.rule_box.setVisible(kind in (Kind.YES_NO, Kind.SCALE, Kind.CHOOSE_ONE))
        if kind is Kind.SCALE and not self.options_edit.toPlainText().strip():
            self.options_edit.setPlainText("\n".join(default_scale()))

    def _check_current(self) -> None:
        row = self.question_list.currentRow()
        try:
            question = question_from_draft(self.drafts[row])
        except QuestionError as exc:
            self.question_error.setText(exc.message)
            self.question_error.setVisible(True)
            self.preview_label.setText("")
        else:
            self.question_error.setText("")
            self.question_error.setVisible(False)
            self.preview_label.setText(how_to_vote_preview(question))

    # -- result ------------------------------------------------------------------------------

    def definition(self) -> RoundDefinition:
        """The round as defined; raises :class:`QuestionError` naming the first problem."""
        title = " ".join(self.title_edit.text().split())
        if not title:
            raise QuestionError(_("The ballot round needs a title."))
        questions = []
        for number, draft in enumerate(self.drafts, start=1):
            try:
                questions.append(question_from_draft(draft))
            except QuestionError as exc:
                raise QuestionError(_("Question {n}: {problem}").format(
                    n=number, problem=exc.message)) from exc
        language = self.language_edit.text().strip() or None
        voters = tuple(role for role, box in self.voter_boxes.items() if box.isChecked())
        if not voters:
            raise QuestionError(_("At least one role must be allowed to vote."))
        return RoundDefinition(title, tuple(questions), self.instructions_edit.toPlainText(),
                               language, self.double_box.isChecked(),
                               self.channel_combo.currentData(), voters)

    def _on_buttons_accepted(self) -> None:
        try:
            self.definition()
        except QuestionError as exc:
            self.error_label.setText(exc.message)
            self.error_label.setVisible(True)
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None,
            existing: BallotRound | None = None) -> RoundDefinition | None:
        dialog = cls(existing, parent)
        try:
            return dialog.definition() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


@dataclass(frozen=True)
class PrintRequest:
    count: int
    """New papers to print (0 when reprinting a batch)."""
    batch: int | None
    page_size: str
    to_printer: bool = False
    """True: on to the system's print dialog; False: saved as a PDF file."""


class PrintDialog(QDialog):
    def __init__(self, ballot_round: BallotRound, default_count: int, batches: list[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Print ballot papers"))
        self.what_combo = QComboBox()
        self.what_combo.addItem(_("New papers (new codes)"), None)
        for batch in batches:
            self.what_combo.addItem(_("Batch {n} again (the same codes)").format(n=batch), batch)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 10_000)
        self.count_spin.setValue(max(1, default_count))
        self.size_combo = QComboBox()
        self.size_combo.addItem(_("A4"), "A4")
        self.size_combo.addItem(_("US Letter"), "letter")
        self.printer_button = QRadioButton(_("a &printer (the print dialog opens next)"))
        self.pdf_button = QRadioButton(_("a P&DF file, to print later"))
        self.printer_button.setChecked(True)
        where = QVBoxLayout()
        where.addWidget(self.printer_button)
        where.addWidget(self.pdf_button)
        form = QFormLayout()
        form.addRow(_("Round:"), QLabel(ballot_round.title))
        form.addRow(_("&Print:"), self.what_combo)
        form.addRow(_("&How many:"), self.count_spin)
        form.addRow(_("Paper &size:"), self.size_combo)
        form.addRow(_("Send to:"), where)
        buttons = ok_cancel(self, self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.what_combo.currentIndexChanged.connect(
            lambda _i: self.count_spin.setEnabled(self.what_combo.currentData() is None))

    def request(self) -> PrintRequest:
        batch = self.what_combo.currentData()
        return PrintRequest(0 if batch is not None else self.count_spin.value(),
                            batch, str(self.size_combo.currentData()),
                            to_printer=self.printer_button.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, ballot_round: BallotRound, default_count: int,
            batches: list[int]) -> PrintRequest | None:
        dialog = cls(ballot_round, default_count, batches, parent)
        try:
            return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class NoteDialog(QDialog):
    """Ask for a note; with ``required``, OK stays refused until something is written."""

    def __init__(self, title: str, text: str, required: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.required = required
        self.resize(560, 360)
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName(_("Note"))
        self.error_label = error_label()
        buttons = ok_cancel(self, self._on_buttons_accepted)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.note_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _on_buttons_accepted(self) -> None:
        if self.required and not self.note_edit.toPlainText().strip():
            self.error_label.setText(_("Write a note first: it is kept with the round."))
            self.error_label.setVisible(True)
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str,
            required: bool) -> str | None:
        dialog = cls(title, text, required, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.note_edit.toPlainText().strip()
        finally:
            dialog.deleteLater()
