"""How sure each drawn event and link is, and what the legend says of it (pure, no Qt).

An event's credibility grade (a position in its scheme's scale) is drawn at one of three
levels: sure (and ungraded) as usual, uncertain outlined, doubtful outlined and faded
(:meth:`GradingScheme.credibility_level` decides which grade is which). A link's confidence
is drawn solid (confirmed), dashed (probable) or dotted (possible).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from viewer.store.grading import GradingScheme
from viewer.store.time_index import TimeIndex

SURE, UNCERTAIN, DOUBTFUL = 0, 1, 2  # how a mark is drawn: as usual, outlined, outlined and faded
CONFIRMED, PROBABLE, POSSIBLE = 0, 1, 2  # a link: solid, dashed, dotted
_LEVELS = {None: SURE, "sure": SURE, "uncertain": UNCERTAIN, "doubtful": DOUBTFUL}
CONFIDENCE_NAMES = ("confirmed", "probable", "possible")


@lru_cache(maxsize=16)
def level_table(grading: GradingScheme) -> np.ndarray:
    """The level of each credibility grade of ``grading``, by position, and SURE last (for -1: no grade)."""
    levels = [_LEVELS[grading.credibility_level(grade.code)] for grade in grading.credibility]
    return np.array([*levels, SURE], dtype=np.int8)


def credibility_levels(index: TimeIndex, positions: np.ndarray) -> np.ndarray:
    """The level (SURE, UNCERTAIN, DOUBTFUL) each of ``positions`` is drawn at; SURE for no grade."""
    if index.credibility is None or not positions.size:
        return np.zeros(positions.size, dtype=np.int8)
    table = level_table(index.grading)
    grades = index.credibility[positions].astype(np.int64)
    grades[(grades < 0) | (grades >= table.size - 1)] = -1  # not a grade of the scale: drawn as ungraded
    return table[grades]


def levels_present(index: TimeIndex) -> set[int]:
    """The levels other than SURE that some event of ``index`` is drawn at."""
    if index.credibility is None or not len(index):
        return set()
    table = level_table(index.grading)
    counts = np.bincount(index.credibility.astype(np.int64) + 1, minlength=table.size)[1 : table.size]
    return {int(table[grade]) for grade in np.flatnonzero(counts).tolist()} - {SURE}


def confidences_present(confidence: np.ndarray) -> set[int]:
    """The link confidences present (CONFIRMED, PROBABLE, POSSIBLE)."""
    if not confidence.size:
        return set()
    return set(np.flatnonzero(np.bincount(np.clip(confidence, 0, 2).astype(np.int64), minlength=3)).tolist())


def level_codes(grading: GradingScheme, level: int) -> str:
    """The credibility grades drawn at ``level``, as the legend names them: "3 or cannot be judged", "4–5"."""
    table = level_table(grading)
    chosen = [grade for grade, drawn in zip(grading.credibility, table.tolist(), strict=False) if drawn == level]
    judged = [grade.code for grade in chosen if grade.judged]
    named = judged[0] if len(judged) == 1 else f"{judged[0]}–{judged[-1]}" if judged else ""
    if any(not grade.judged for grade in chosen):
        named = f"{named} or cannot be judged" if named else "cannot be judged"
    return named


def level_legend(grading: GradingScheme, level: int) -> str:
    """The legend's words for a level of credibility."""
    codes = level_codes(grading, level)
    words = "outlined: credibility uncertain" if level == UNCERTAIN else "faded outline: credibility doubtful"
    return f"{words} ({codes})" if codes else words
