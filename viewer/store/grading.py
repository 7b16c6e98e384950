"""How sure an analyst is: source reliability, information credibility, link confidence.

The grades of a document follow its grading scheme, declared in the document; without one it
is the Admiralty code NATO uses (STANAG 2511 / AJP-2.1): source reliability A (completely
reliable) to E (unreliable) and F (cannot be judged), information credibility 1 (confirmed by
other sources) to 5 (improbable) and 6 (cannot be judged). A team may declare another scale,
say 5×5. In each scale the grades run from best to worst; a grade that is not judged ("F",
"6") is never "at least" any other. A link's confidence is one of three words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MAX_GRADES = 26  # a scale has 2 to 26 grades
MAX_CODE_LENGTH = 8
MAX_LABEL_LENGTH = 200


class Confidence(StrEnum):
    """How sure a link is: drawn solid, dashed or dotted."""

    CONFIRMED = "confirmed"
    PROBABLE = "probable"
    POSSIBLE = "possible"


@dataclass(frozen=True, slots=True)
class Grade:
    """One grade of a scale: its code ("A", "3"), what it means, and whether it judges at all."""

    code: str
    label: str
    judged: bool = True


@dataclass(frozen=True, slots=True)
class GradingScheme:
    """The two scales a document's grades follow, best grade first."""

    name: str
    reliability: tuple[Grade, ...]
    credibility: tuple[Grade, ...]

    def reliability_grade(self, code: object) -> str:
        """The reliability code as the scheme writes it ("a" → "A"); ValueError when not one of its grades."""
        return _grade_of(self.reliability, code, "reliability", self.name)

    def credibility_grade(self, code: object) -> str:
        """The credibility code as the scheme writes it (3 → "3"); ValueError when not one of its grades."""
        return _grade_of(self.credibility, code, "credibility", self.name)

    def reliability_rank(self, code: str | None) -> int | None:
        """0 for the best reliability, 1 for the next…; None for no grade, or one that does not judge."""
        return _rank(self.reliability, code)

    def credibility_rank(self, code: str | None) -> int | None:
        """0 for the best credibility, 1 for the next…; None for no grade, or one that does not judge."""
        return _rank(self.credibility, code)

    def scale(self, scale: str) -> tuple[Grade, ...]:
        """The grades of "reliability" or "credibility", best first."""
        return self.reliability if scale == "reliability" else self.credibility

    def position(self, scale: str, code: str | None) -> int | None:
        """Where a grade stands in its scale (0 for the first), judged or not; None when not one of its grades."""
        return next((number for number, grade in enumerate(self.scale(scale)) if grade.code == code), None)

    def at_least(self, scale: str, code: str) -> tuple[str, ...]:
        """The judged grades as good as ``code`` or better (``code`` checked: ValueError when not a grade,
        or one that does not judge)."""
        code = _grade_of(self.scale(scale), code, scale, self.name)
        rank = _rank(self.scale(scale), code)
        if rank is None:
            raise ValueError(f"{code!r} does not judge ({self.label(scale, code).lower()}): "
                             f"name a grade of the {self.name} that does")
        return tuple(grade.code for grade in self.scale(scale) if grade.judged)[: rank + 1]

    def best(self, scale: str, codes: Iterable[str | None]) -> str | None:
        """The best of ``codes`` in ``scale`` (a judged grade before one that cannot judge; codes that
        are not grades of the scale left out): an event's best source, say."""
        graded = [code for code in codes if code is not None and self.position(scale, code) is not None]
        return min(graded, key=lambda code: (_rank(self.scale(scale), code) is None,
                                             self.position(scale, code)), default=None)

    def credibility_level(self, code: str | None) -> str | None:
        """How a credibility is drawn: "sure" (the best two fifths of the judged grades: 1 and 2 of the
        Admiralty code), "uncertain" (the next fifth, 3, and a grade that cannot be judged, 6),
        "doubtful" (the rest, 4 and 5); None without a grade."""
        if code is None or self.position("credibility", code) is None:
            return None
        rank = self.credibility_rank(code)
        judged = sum(grade.judged for grade in self.credibility)
        if rank is None:
            return "uncertain"
        return "sure" if rank < judged * 2 // 5 else "uncertain" if rank < judged * 3 // 5 else "doubtful"

    def label(self, scale: str, code: str) -> str:
        """What a grade means: ("reliability", "A") → "Completely reliable"."""
        grades = self.reliability if scale == "reliability" else self.credibility
        return next((grade.label for grade in grades if grade.code == code), code)


ADMIRALTY = GradingScheme(
    "Admiralty code (6×6)",
    (
        Grade("A", "Completely reliable"),
        Grade("B", "Usually reliable"),
        Grade("C", "Fairly reliable"),
        Grade("D", "Not usually reliable"),
        Grade("E", "Unreliable"),
        Grade("F", "Reliability cannot be judged", judged=False),
    ),
    (
        Grade("1", "Confirmed by other sources"),
        Grade("2", "Probably true"),
        Grade("3", "Possibly true"),
        Grade("4", "Doubtfully true"),
        Grade("5", "Improbable"),
        Grade("6", "Truth cannot be judged", judged=False),
    ),
)


def grade_text(reliability: str | None, credibility: str | None) -> str:
    """A grade as analysts write it: "A1", "B" (no credibility), "–2" (no reliability), "" (neither)."""
    if reliability is None and credibility is None:
        return ""
    return (reliability or "–") + (credibility or "")


def _normal_code(code: object) -> str:
    if isinstance(code, bool) or not isinstance(code, (str, int)):
        raise ValueError(f"a grade must be text or a whole number, not {type(code).__name__}")
    return str(code).strip().upper()


def _grade_of(grades: tuple[Grade, ...], code: object, scale: str, scheme: str) -> str:
    text = _normal_code(code)
    if any(grade.code == text for grade in grades):
        return text
    codes = ", ".join(grade.code for grade in grades)
    raise ValueError(f"{str(code)[:20]!r} is not a {scale} grade of the {scheme} (use one of: {codes})")


def _rank(grades: tuple[Grade, ...], code: str | None) -> int | None:
    if code is None:
        return None
    for number, grade in enumerate(grades):
        if grade.code == code:
            return number if grade.judged else None
    return None


def scheme_from_dict(value: object) -> GradingScheme:
    """A scheme as a document declares it (see docs/format.md); ValueError naming the field when it is not one."""
    if not isinstance(value, dict):
        raise ValueError('grading: must be {"name": …, "reliability": […], "credibility": […]}')
    unknown = set(value) - {"name", "reliability", "credibility"}
    if unknown:
        raise ValueError(f"grading.{sorted(unknown)[0]}: unknown field")
    name = value.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_LABEL_LENGTH:
        raise ValueError(f"grading.name: the scheme needs a name of 1 to {MAX_LABEL_LENGTH} characters")
    return GradingScheme(name.strip(), _scale(value.get("reliability"), "reliability"),
                         _scale(value.get("credibility"), "credibility"))


def _scale(value: object, scale: str) -> tuple[Grade, ...]:
    where = f"grading.{scale}"
    if not isinstance(value, list) or not 2 <= len(value) <= MAX_GRADES:
        raise ValueError(f"{where}: must be a list of 2 to {MAX_GRADES} grades, best first")
    grades: list[Grade] = []
    for index, item in enumerate(value, start=1):
        at = f"{where}[{index}]"
        if not isinstance(item, dict) or not set(item) <= {"code", "label", "judged"}:
            raise ValueError(f'{at}: must be {{"code": …, "label": …}} (and "judged": false for "cannot be judged")')
        code = _normal_code(item.get("code", ""))
        if not code or len(code) > MAX_CODE_LENGTH or not code.isalnum():
            raise ValueError(f"{at}.code: a code is 1 to {MAX_CODE_LENGTH} letters or digits")
        if any(grade.code == code for grade in grades):
            raise ValueError(f"{at}.code: {code!r} is given twice")
        label = item.get("label")
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL_LENGTH:
            raise ValueError(f"{at}.label: a grade needs a label of 1 to {MAX_LABEL_LENGTH} characters")
        judged = item.get("judged", True)
        if not isinstance(judged, bool):
            raise ValueError(f"{at}.judged: must be true or false")
        grades.append(Grade(code, label.strip(), judged))
    if not any(grade.judged for grade in grades):
        raise ValueError(f"{where}: at least one grade must judge")
    return tuple(grades)


def scheme_to_dict(scheme: GradingScheme) -> dict[str, Any]:
    """The scheme as a document declares it."""
    def scale(grades: tuple[Grade, ...]) -> list[dict[str, Any]]:
        return [{"code": g.code, "label": g.label, **({} if g.judged else {"judged": False})} for g in grades]

    return {"name": scheme.name, "reliability": scale(scheme.reliability), "credibility": scale(scheme.credibility)}


MAX_SCHEME_JSON = 20_000  # a scheme as stored in a database's meta: 2 × 26 grades of short labels


def scheme_to_json(scheme: GradingScheme) -> str:
    """The scheme as a database's ``meta`` keeps it."""
    return json.dumps(scheme_to_dict(scheme), ensure_ascii=False, separators=(",", ":"))


def scheme_from_json(text: object) -> GradingScheme:
    """A scheme kept in ``meta``; ValueError when it is not one (a crafted file may hold anything)."""
    if not isinstance(text, str) or len(text) > MAX_SCHEME_JSON:
        raise ValueError("grading: not a scheme")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("grading: not JSON") from None
    return scheme_from_dict(value)
