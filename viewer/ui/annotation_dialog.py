"""The dialog in which the analyst stars an event and writes a note and their own tags on it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from viewer.store.workspace import MAX_ANALYST_TAGS, MAX_NOTE_LENGTH, Annotation

TAG_SEPARATOR = ","


class AnnotationDialog(QDialog):
    """Star, note and tags of one event; the note and tags stay the analyst's, beside the file."""

    def __init__(self, title: str, annotation: Annotation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationDialog")
        self.setAccessibleName("Note and tags")
        self.setWindowTitle("Note and Tags")
        heading = QLabel(title, self)
        heading.setTextFormat(heading.textFormat().PlainText)  # the event's title is data, never markup
        heading.setWordWrap(True)
        heading.setObjectName("annotationEvent")
        self.starred = QCheckBox("&Starred", self)
        self.starred.setObjectName("annotationStar")
        self.starred.setAccessibleName("Starred")
        self.starred.setChecked(annotation.starred)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("annotationNote")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What you make of this event (kept beside the file, never in it)")
        self.note.setPlainText(annotation.note or "")
        self.tags = QLineEdit(self)
        self.tags.setObjectName("annotationTags")
        self.tags.setAccessibleName("Your tags")
        self.tags.setPlaceholderText("follow-up, brief")
        self.tags.setText(f"{TAG_SEPARATOR} ".join(annotation.tags))
        self.problem = QLabel(self)
        self.problem.setObjectName("annotationProblem")
        self.problem.setTextFormat(self.problem.textFormat().PlainText)
        self.problem.setStyleSheet("color: #c0392b")
        self.problem.hide()
        form = QFormLayout()
        form.addRow(self.starred)
        form.addRow("&Note", self.note)
        form.addRow("&Tags", self.tags)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.note.setFocus()
        self.resize(460, 320)

    def tag_list(self) -> list[str]:
        """The tags as typed, comma-separated, blanks left out."""
        return [tag.strip() for tag in self.tags.text().split(TAG_SEPARATOR) if tag.strip()]

    def note_text(self) -> str:
        """The note as typed."""
        return self.note.toPlainText()

    def _accept_if_valid(self) -> None:
        problem, length = "", len(self.note_text())
        if length > MAX_NOTE_LENGTH:
            problem = f"A note may have at most {MAX_NOTE_LENGTH:,} characters (this one has {length:,})."
        elif len(self.tag_list()) > MAX_ANALYST_TAGS:
            problem = f"An event may have at most {MAX_ANALYST_TAGS} of your tags."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        if not problem:
            self.accept()
