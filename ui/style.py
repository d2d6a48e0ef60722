"""Look: large type and strong contrast, readable on a projector and by tired eyes."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

STYLESHEET = """
QWidget { font-size: 12pt; }
#pageTitle { font-size: 22pt; font-weight: 700; padding-bottom: 4px; }
#summary { font-size: 15pt; font-weight: 600; color: #1e3a5f; padding: 2px 0 6px 0; }
#placeholderText { font-size: 14pt; color: #374151; }
#scanField { font-size: 18pt; padding: 8px 10px; border: 2px solid #2563eb; border-radius: 6px; }
#sidePanel { background: #1f2937; }
#sidebarEvent { color: #fde68a; font-size: 12pt; font-weight: 600; padding: 14px 14px 10px 14px;
                border-bottom: 1px solid #374151; }
#sidebar { background: #1f2937; color: #f9fafb; border: none; font-size: 14pt; outline: 0; }
#sidebar::item { padding: 8px 14px; }
#sidebar::item:selected { background: #2563eb; color: #ffffff; }
QPushButton { padding: 6px 12px; }
#plenarySpeaker { font-size: 18pt; font-weight: 700; }
#plenaryCountdown { font-size: 72pt; font-weight: 800; background: #111827; border-radius: 8px;
                    padding: 4px; }
QGroupBox { font-weight: 600; }
#dialogError { color: #b91c1c; font-weight: 600; }
#qaNow { font-size: 16pt; font-weight: 700; }
#qaTimer { font-size: 30pt; font-weight: 800; }
QPushButton#primary { background: #2563eb; color: #ffffff; font-weight: 700;
                      border: 1px solid #1d4ed8; border-radius: 4px; }
QPushButton#primary:focus { border: 2px solid #f59e0b; }
QPushButton#filterButton:checked { background: #1e3a5f; color: #ffffff; }
QTableView { font-size: 12pt; }
QTableView::item:selected { background: #2563eb; color: #ffffff; }
QHeaderView::section { font-weight: 600; padding: 4px; }
#tableCard { background: #ffffff; border: 1px solid #cbd5e1; border-radius: 8px; }
#tableCard[repeat="true"] { border: 2px solid #f59e0b; }
#tableCard[closed="true"] { background: #f3f4f6; border: 1px dashed #9ca3af; }
#tableCardTitle { font-size: 13pt; font-weight: 700; color: #1e3a5f; }
#tableCardDetail { font-size: 10pt; color: #92400e; }
#seatList { border: none; background: transparent; font-size: 11pt; }
#roundInner { background: #eef2f7; }
#driftLabel { background: #fef3c7; color: #78350f; border: 1px solid #f59e0b; border-radius: 6px;
              padding: 6px 10px; font-weight: 600; }
#qualityFigure { font-size: 14pt; font-weight: 700; color: #166534; }
#qualityFigure[bad="true"] { color: #b45309; }
#ballotHeader { font-size: 16pt; font-weight: 700; color: #1e3a5f; padding: 2px 0 4px 0; }
#ballotHeader[spoiled="true"] { color: #b91c1c; }
#ballotQuestion { font-size: 14pt; background: #ffffff; border: 2px solid #d1d5db;
                  border-radius: 6px; padding: 6px; }
#ballotQuestion[current="true"] { border: 2px solid #2563eb; }
#ballotKeys { font-size: 10pt; color: #4b5563; }
#operatorField { font-size: 13pt; padding: 4px 6px; }
#discrepancies { font-size: 12pt; font-weight: 600; color: #92400e; }
#figure { font-size: 13pt; font-weight: 700; }
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(12)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
