"""Grading schemes: the Admiralty code by default, a team's own scale when declared."""

from __future__ import annotations

import pytest

from viewer.store.grading import ADMIRALTY, Confidence, scheme_from_dict, scheme_to_dict


def test_the_admiralty_code_ranks_best_first_and_does_not_rank_what_cannot_be_judged() -> None:
    assert [ADMIRALTY.reliability_rank(code) for code in "ABCDEF"] == [0, 1, 2, 3, 4, None]
    assert [ADMIRALTY.credibility_rank(code) for code in "123456"] == [0, 1, 2, 3, 4, None]
    assert ADMIRALTY.reliability_grade(" a ") == "A" and ADMIRALTY.credibility_grade(3) == "3"
    assert ADMIRALTY.label("reliability", "B") == "Usually reliable"
    for bad, scale in (("G", "reliability"), (7, "credibility"), ("AB", "reliability")):
        with pytest.raises(ValueError, match=f"is not a {scale} grade of the Admiralty code"):
            getattr(ADMIRALTY, f"{scale}_grade")(bad)
    with pytest.raises(ValueError, match="must be text or a whole number"):
        ADMIRALTY.credibility_grade(True)
    assert [c.value for c in Confidence] == ["confirmed", "probable", "possible"]


def test_a_declared_scheme_reads_back_and_bad_ones_name_the_field() -> None:
    five = {"name": "Team 5×5", "reliability": [{"code": c, "label": f"R{c}"} for c in "ABCDE"],
            "credibility": [{"code": str(n), "label": f"C{n}"} for n in range(1, 5)]
            + [{"code": "5", "label": "Cannot be judged", "judged": False}]}
    scheme = scheme_from_dict(five)
    assert scheme_to_dict(scheme) == five and scheme.credibility_rank("5") is None
    assert scheme_from_dict(scheme_to_dict(ADMIRALTY)) == ADMIRALTY
    for broken, field in (
        ({**five, "colour": 1}, "grading.colour"),
        ({**five, "name": ""}, "grading.name"),
        ({**five, "reliability": [{"code": "A", "label": "x"}]}, "grading.reliability"),
        ({**five, "reliability": [{"code": "A", "label": "x"}, {"code": "a", "label": "y"}]},
         "grading.reliability[2].code"),
        ({**five, "credibility": [{"code": "1", "label": "x"}, {"code": "2", "label": ""}]},
         "grading.credibility[2].label"),
        ({**five, "credibility": [{"code": "1 2", "label": "x"}, {"code": "2", "label": "y"}]},
         "grading.credibility[1].code"),
        ({**five, "reliability": [{"code": "A", "label": "x", "judged": False},
                                  {"code": "B", "label": "y", "judged": False}]}, "grading.reliability"),
        ("Admiralty", "grading"),
    ):
        with pytest.raises(ValueError) as refused:
            scheme_from_dict(broken)
        assert str(refused.value).startswith(field), refused.value
