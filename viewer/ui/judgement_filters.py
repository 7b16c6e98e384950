"""The Filters dock's judgement part: the grades an event must have, how sure a link must be,
and the analyst's own marks (starred, with a note)."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QWidget

from viewer.store.filters import EventFilter
from viewer.store.grading import ADMIRALTY, Confidence, GradingScheme

LINK_CHOICES = (
    (None, "All links"),
    (Confidence.PROBABLE, "Probable or confirmed"),
    (Confidence.CONFIRMED, "Confirmed only"),
)


class JudgementFilters(QWidget):
    """Minimum source reliability and information credibility, link confidence, starred, with a note."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("judgementFilters")
        self.setAccessibleName("Grades and marks")
        self.min_reliability = self._combo("minReliability", "Sources at least")
        self.min_credibility = self._combo("minCredibility", "Information at least")
        self.link_confidence = self._combo("linkConfidence", "Links at least")
        for confidence, text in LINK_CHOICES:
            self.link_confidence.addItem(text, confidence.value if confidence else None)
        self.starred = QCheckBox("Starred", self)
        self.starred.setObjectName("starredOnly")
        self.starred.setAccessibleName("Only starred events")
        self.starred.setToolTip("Only the events you starred (Ctrl+D)")
        self.noted = QCheckBox("With a note", self)
        self.noted.setObjectName("notedOnly")
        self.noted.setAccessibleName("Only events with a note")
        self.noted.setToolTip("Only the events you wrote a note on")
        for box in (self.starred, self.noted):
            box.toggled.connect(lambda _on: self.changed.emit())
        marks = QHBoxLayout()
        marks.setContentsMargins(0, 0, 0, 0)
        marks.addWidget(self.starred)
        marks.addWidget(self.noted)
        marks.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Sources", self.min_reliability)
        form.addRow("Information", self.min_credibility)
        form.addRow("Links", self.link_confidence)
        form.addRow("Yours", marks)
        self.set_grading(ADMIRALTY)

    def _combo(self, name: str, label: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(label)
        combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        return combo

    def set_grading(self, grading: GradingScheme) -> None:
        """Offer the judged grades of ``grading`` (keeping the choices that are still grades)."""
        for combo, scale, anything in ((self.min_reliability, "reliability", "Any reliability"),
                                       (self.min_credibility, "credibility", "Any credibility")):
            chosen = combo.currentData()
            with QSignalBlocker(combo):
                combo.clear()
                combo.addItem(anything, None)
                judged = [grade for grade in grading.scale(scale) if grade.judged]
                for number, grade in enumerate(judged):
                    better = " or better" if number else ""
                    combo.addItem(f"{grade.code}{better} — {grade.label}", grade.code)
                found = combo.findData(chosen)
                combo.setCurrentIndex(max(found, 0))
        self.min_reliability.setToolTip(f"Keep the events whose best source is graded this or better ({grading.name})")
        self.min_credibility.setToolTip(f"Keep the events whose information is graded this or better ({grading.name})")

    def applied(self, event_filter: EventFilter) -> EventFilter:
        """``event_filter`` with the choices made here."""
        confidence = self.link_confidence.currentData()
        return event_filter.with_changes(
            min_reliability=self.min_reliability.currentData(), min_credibility=self.min_credibility.currentData(),
            link_confidence=Confidence(confidence) if confidence else None,
            starred=self.starred.isChecked(), noted=self.noted.isChecked(),
        )

    def show_filter(self, event_filter: EventFilter) -> None:
        """Show the judgement part of ``event_filter`` (without announcing a change)."""
        with (QSignalBlocker(self.min_reliability), QSignalBlocker(self.min_credibility),
              QSignalBlocker(self.link_confidence), QSignalBlocker(self.starred), QSignalBlocker(self.noted)):
            for combo, value in ((self.min_reliability, event_filter.min_reliability),
                                 (self.min_credibility, event_filter.min_credibility),
                                 (self.link_confidence,
                                  event_filter.link_confidence.value if event_filter.link_confidence else None)):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            self.starred.setChecked(event_filter.starred)
            self.noted.setChecked(event_filter.noted)

    def reset(self) -> None:
        """Nothing narrowed (without announcing a change)."""
        self.show_filter(EventFilter())
