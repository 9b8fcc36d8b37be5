from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.domain.instruments import (
    FLAG_LABELS,
    INSTRUMENTS,
    Score,
    options_for,
    score,
)

ITEM_COUNTS = {
    "AUDIT": 10,
    "AUDIT-C": 3,
    "DAST-10": 10,
    "PHQ-9": 9,
    "GAD-7": 7,
    "BARC-10": 10,
    "WHO-5": 5,
}


def ans(*values):
    """Answers q1..qN from positional raw values, for hand-worked cases."""
    return {f"q{n}": value for n, value in enumerate(values, start=1)}


# --- the seam ------------------------------------------------------------


def test_instrument_codes_are_the_seam():
    assert set(INSTRUMENTS) == {
        "AUDIT",
        "AUDIT-C",
        "DAST-10",
        "PHQ-9",
        "GAD-7",
        "BARC-10",
        "WHO-5",
    }


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_item_keys_run_q1_to_qn_in_order(code):
    instrument = INSTRUMENTS[code]
    assert instrument.code == code
    assert [item.key for item in instrument.items] == [
        f"q{n}" for n in range(1, ITEM_COUNTS[code] + 1)
    ]


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_bands_are_ordered_and_cover_every_possible_total(code):
    instrument = INSTRUMENTS[code]
    band_sets = [instrument.bands] + [bands for _, bands in instrument.sex_bands]
    for bands in band_sets:
        assert bands[0].min == instrument.min_total
        assert bands[-1].max == instrument.max_total
        for before, after in zip(bands, bands[1:], strict=False):
            assert after.min == before.max + 1
        for band in bands:
            assert band.label
            assert set(band.flags) <= set(FLAG_LABELS)


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_declared_range_matches_the_items(code):
    instrument = INSTRUMENTS[code]
    assert sum(max(item.values) for item in instrument.items) == instrument.max_total
    assert sum(min(item.values) for item in instrument.items) == instrument.min_total


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_every_definition_names_its_source_and_explains_itself(code):
    instrument = INSTRUMENTS[code]
    assert instrument.name and instrument.purpose and instrument.respondent
    assert instrument.timeframe
    assert any(str(year) in instrument.source for year in range(1980, 2030))
    for rule in instrument.item_flags:
        assert rule.flag in FLAG_LABELS
        assert rule.item in [item.key for item in instrument.items]


def test_named_sources():
    assert "World Health Organization" in INSTRUMENTS["AUDIT"].source
    assert "Bush" in INSTRUMENTS["AUDIT-C"].source
    assert "Bradley" in INSTRUMENTS["AUDIT-C"].source
    assert "Skinner" in INSTRUMENTS["DAST-10"].source
    assert "Kroenke" in INSTRUMENTS["PHQ-9"].source
    assert "Spitzer" in INSTRUMENTS["GAD-7"].source
    assert "Vilsaint" in INSTRUMENTS["BARC-10"].source
    assert "Drug and Alcohol Dependence" in INSTRUMENTS["BARC-10"].source


def test_audit_c_asks_the_first_three_audit_questions():
    assert INSTRUMENTS["AUDIT-C"].items == INSTRUMENTS["AUDIT"].items[:3]


def test_published_wording_of_key_items():
    assert (
        INSTRUMENTS["DAST-10"].items[2].text
        == "Are you always able to stop using drugs when you want to?"
    )
    assert (
        INSTRUMENTS["PHQ-9"].items[8].text.startswith("Thoughts that you would be better off dead")
    )
    assert INSTRUMENTS["BARC-10"].items[0].text == (
        "There are more important things to me in life than using substances."
    )
    assert INSTRUMENTS["PHQ-9"].timeframe == "Over the last 2 weeks"
    assert INSTRUMENTS["GAD-7"].timeframe == "Over the last 2 weeks"


def test_options_for():
    assert [o.value for o in options_for("AUDIT", "q9")] == [0, 2, 4]
    assert [o.value for o in options_for("AUDIT", "q8")] == [0, 1, 2, 3, 4]
    assert [o.label for o in options_for("PHQ-9", "q1")] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert [o.value for o in options_for("BARC-10", "q4")] == [1, 2, 3, 4, 5, 6]
    assert options_for("BARC-10", "q4")[0].label == "Strongly disagree"
    assert [(o.value, o.label) for o in options_for("DAST-10", "q3")] == [(0, "No"), (1, "Yes")]
    with pytest.raises(ValueError):
        options_for("PHQ-9", "q10")
    with pytest.raises(ValueError):
        options_for("CAGE", "q1")


def test_score_is_frozen_and_carries_the_seam_fields():
    result = score("GAD-7", ans(0, 0, 0, 0, 0, 0, 0))
    assert isinstance(result, Score)
    assert (result.total, result.band, result.flags) == (0, "Minimal anxiety", [])
    assert (result.severity, result.max_total) == ("none", 21)
    with pytest.raises(FrozenInstanceError):
        result.total = 5


def test_flag_labels_use_snake_case_keys():
    for key, label in FLAG_LABELS.items():
        assert key == key.lower() and " " not in key and "-" not in key
        assert label
    assert {"self_harm", "possible_dependence", "positive_screen", "likely_remission"} <= set(
        FLAG_LABELS
    )


# --- AUDIT ---------------------------------------------------------------

AUDIT_CASES = [
    # answers (q1..q10), hand-worked total, band label, severity
    (ans(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "Zone I: low risk", "low"),
    (ans(2, 1, 1, 1, 0, 0, 0, 0, 2, 0), 7, "Zone I: low risk", "low"),
    (ans(2, 1, 1, 1, 1, 0, 0, 0, 2, 0), 8, "Zone II: hazardous drinking", "moderate"),
    (ans(3, 2, 2, 1, 1, 0, 1, 1, 2, 2), 15, "Zone II: hazardous drinking", "moderate"),
    (ans(3, 2, 2, 1, 1, 1, 1, 1, 2, 2), 16, "Zone III: harmful drinking", "high"),
    (ans(4, 3, 3, 1, 1, 1, 1, 1, 2, 2), 19, "Zone III: harmful drinking", "high"),
    (ans(4, 3, 3, 2, 1, 1, 1, 1, 2, 2), 20, "Zone IV: possible dependence", "severe"),
    (ans(4, 4, 4, 4, 4, 4, 4, 4, 4, 4), 40, "Zone IV: possible dependence", "severe"),
]


@pytest.mark.parametrize(("answers", "total", "band", "severity"), AUDIT_CASES)
def test_audit_totals_and_zones(answers, total, band, severity):
    result = score("AUDIT", answers)
    assert (result.total, result.band, result.severity) == (total, band, severity)
    assert result.max_total == 40
    assert ("possible_dependence" in result.flags) is (total >= 20)


@pytest.mark.parametrize("key", ["q9", "q10"])
@pytest.mark.parametrize("value", [1, 3])
def test_audit_items_9_and_10_take_only_0_2_or_4(key, value):
    answers = ans(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    answers[key] = value
    with pytest.raises(ValueError, match=key):
        score("AUDIT", answers)


@pytest.mark.parametrize("value", [0, 2, 4])
def test_audit_item_10_scores_its_raw_value(value):
    assert score("AUDIT", ans(0, 0, 0, 0, 0, 0, 0, 0, 0, value)).total == value


# --- AUDIT-C -------------------------------------------------------------

TWO = ans(1, 0, 1)
THREE = ans(2, 0, 1)
FOUR = ans(2, 1, 1)


@pytest.mark.parametrize(
    ("answers", "sex", "total", "positive", "band"),
    [
        (THREE, "male", 3, False, "Negative for men (below 4)"),
        (FOUR, "male", 4, True, "Positive for men (4 or more)"),
        (TWO, "female", 2, False, "Negative for women (below 3)"),
        (THREE, "female", 3, True, "Positive for women (3 or more)"),
        (TWO, None, 2, False, "Negative (below 3; sex not recorded, lower threshold used)"),
        (THREE, None, 3, True, "Positive (3 or more; sex not recorded, lower threshold used)"),
    ],
)
def test_audit_c_sex_specific_thresholds(answers, sex, total, positive, band):
    result = score("AUDIT-C", answers, sex=sex)
    assert result.total == total
    assert result.band == band
    assert ("positive_screen" in result.flags) is positive
    assert result.max_total == 12


def test_audit_c_with_two_positional_args_uses_the_lower_threshold():
    result = score("AUDIT-C", THREE)
    assert result.flags == ["positive_screen"]
    assert "sex not recorded" in result.band


def test_audit_c_full_range():
    assert score("AUDIT-C", ans(0, 0, 0), sex="male").total == 0
    assert score("AUDIT-C", ans(4, 4, 4), sex="female").total == 12


@pytest.mark.parametrize("sex", ["M", "Male", "other", ""])
def test_unknown_sex_is_rejected(sex):
    with pytest.raises(ValueError, match="sex"):
        score("AUDIT-C", THREE, sex=sex)


def test_sex_does_not_change_instruments_without_sex_bands():
    answers = ans(2, 1, 1, 1, 1, 0, 0, 0, 2, 0)
    assert score("AUDIT", answers, sex="female") == score("AUDIT", answers, sex="male")


# --- DAST-10 -------------------------------------------------------------
# Raw values are yes=1, no=0. "Yes" on q3 (always able to stop) scores 0.


def dast(*yes_items, q3_yes=True):
    answers = {f"q{n}": 0 for n in range(1, 11)}
    for n in yes_items:
        answers[f"q{n}"] = 1
    answers["q3"] = 1 if q3_yes else 0
    return answers


@pytest.mark.parametrize(
    ("answers", "total", "band", "severity"),
    [
        (dast(), 0, "No problems reported", "none"),
        (dast(1), 1, "Low level", "low"),
        (dast(1, 2), 2, "Low level", "low"),
        (dast(1, 2, 5), 3, "Moderate level", "moderate"),
        (dast(1, 2, 4, 5, 6), 5, "Moderate level", "moderate"),
        (dast(1, 2, 4, 5, 6, 7), 6, "Substantial level", "high"),
        (dast(1, 2, 4, 5, 6, 7, 8, 9), 8, "Substantial level", "high"),
        (dast(1, 2, 4, 5, 6, 7, 8, 9, 10), 9, "Severe level", "severe"),
        (dast(1, 2, 4, 5, 6, 7, 8, 9, 10, q3_yes=False), 10, "Severe level", "severe"),
    ],
)
def test_dast_10_totals_and_bands(answers, total, band, severity):
    result = score("DAST-10", answers)
    assert (result.total, result.band, result.severity) == (total, band, severity)
    assert ("intensive_assessment" in result.flags) is (total >= 6)


def test_dast_10_item_3_is_reverse_scored():
    # "Yes, always able to stop" scores nothing; "No" scores 1.
    assert score("DAST-10", dast(q3_yes=True)).total == 0
    assert score("DAST-10", dast(q3_yes=False)).total == 1
    # Answering "no" to every question therefore totals 1, not 0.
    assert score("DAST-10", ans(*[0] * 10)).total == 1
    # And "yes" to every question totals 9, not 10.
    assert score("DAST-10", ans(*[1] * 10)).total == 9


@pytest.mark.parametrize("key", ["q1", "q3", "q10"])
def test_dast_10_accepts_only_0_or_1(key):
    answers = dast()
    answers[key] = 2
    with pytest.raises(ValueError, match=key):
        score("DAST-10", answers)


# --- PHQ-9 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "band", "severity"),
    [
        (ans(0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "Minimal depression", "none"),
        (ans(1, 1, 1, 1, 0, 0, 0, 0, 0), 4, "Minimal depression", "none"),
        (ans(1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "Mild depression", "mild"),
        (ans(2, 2, 1, 1, 1, 1, 1, 0, 0), 9, "Mild depression", "mild"),
        (ans(2, 2, 2, 1, 1, 1, 1, 0, 0), 10, "Moderate depression", "moderate"),
        (ans(2, 2, 2, 2, 2, 2, 2, 0, 0), 14, "Moderate depression", "moderate"),
        (ans(3, 2, 2, 2, 2, 2, 2, 0, 0), 15, "Moderately severe depression", "moderately_severe"),
        (ans(3, 3, 3, 3, 3, 2, 2, 0, 0), 19, "Moderately severe depression", "moderately_severe"),
        (ans(3, 3, 3, 3, 3, 3, 2, 0, 0), 20, "Severe depression", "severe"),
        (ans(3, 3, 3, 3, 3, 3, 3, 3, 0), 24, "Severe depression", "severe"),
    ],
)
def test_phq_9_totals_and_bands(answers, total, band, severity):
    result = score("PHQ-9", answers)
    assert (result.total, result.band, result.severity) == (total, band, severity)
    assert "self_harm" not in result.flags
    assert ("further_evaluation" in result.flags) is (total >= 10)


@pytest.mark.parametrize("q9", [1, 2, 3])
def test_phq_9_item_9_flags_self_harm_even_with_a_low_total(q9):
    result = score("PHQ-9", ans(0, 0, 0, 0, 0, 0, 0, 0, q9))
    assert result.total == q9
    assert result.band == "Minimal depression"
    assert result.flags == ["self_harm"]


def test_phq_9_self_harm_flag_comes_first_alongside_band_flags():
    result = score("PHQ-9", ans(3, 3, 3, 3, 3, 3, 3, 3, 3))
    assert result.total == 27
    assert result.band == "Severe depression"
    assert result.flags == ["self_harm", "further_evaluation"]


# --- GAD-7 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "band", "severity"),
    [
        (ans(0, 0, 0, 0, 0, 0, 0), 0, "Minimal anxiety", "none"),
        (ans(1, 1, 1, 1, 0, 0, 0), 4, "Minimal anxiety", "none"),
        (ans(1, 1, 1, 1, 1, 0, 0), 5, "Mild anxiety", "mild"),
        (ans(2, 2, 1, 1, 1, 1, 1), 9, "Mild anxiety", "mild"),
        (ans(2, 2, 2, 1, 1, 1, 1), 10, "Moderate anxiety", "moderate"),
        (ans(2, 2, 2, 2, 2, 2, 2), 14, "Moderate anxiety", "moderate"),
        (ans(3, 2, 2, 2, 2, 2, 2), 15, "Severe anxiety", "severe"),
        (ans(3, 3, 3, 3, 3, 3, 3), 21, "Severe anxiety", "severe"),
    ],
)
def test_gad_7_totals_and_bands(answers, total, band, severity):
    result = score("GAD-7", answers)
    assert (result.total, result.band, result.severity) == (total, band, severity)
    assert result.max_total == 21
    assert ("further_evaluation" in result.flags) is (total >= 10)


# --- BARC-10 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "remission"),
    [
        (ans(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 10, False),
        (ans(5, 5, 5, 5, 5, 5, 4, 4, 4, 4), 46, False),
        (ans(5, 5, 5, 5, 5, 5, 5, 4, 4, 4), 47, True),
        (ans(6, 6, 6, 6, 6, 6, 6, 6, 6, 6), 60, True),
    ],
)
def test_barc_10_totals_and_remission_cut_off(answers, total, remission):
    result = score("BARC-10", answers)
    assert result.total == total
    assert (result.min_total, result.max_total) == (10, 60)
    assert ("likely_remission" in result.flags) is remission
    assert ("47 or more" in result.band) is remission
    assert result.severity == ("high" if remission else "low")
    assert INSTRUMENTS["BARC-10"].higher_is_better is True


@pytest.mark.parametrize("value", [0, 7, -1])
def test_barc_10_rejects_values_off_the_1_to_6_scale(value):
    answers = ans(*[4] * 10)
    answers["q5"] = value
    with pytest.raises(ValueError, match="q5"):
        score("BARC-10", answers)


# --- bad input -----------------------------------------------------------


def test_missing_answer_is_rejected():
    answers = ans(0, 0, 0, 0, 0, 0, 0, 0, 0)
    del answers["q3"]
    with pytest.raises(ValueError, match="missing.*q3"):
        score("PHQ-9", answers)


def test_empty_answers_are_rejected():
    with pytest.raises(ValueError, match="missing"):
        score("GAD-7", {})


@pytest.mark.parametrize("extra", ["q10", "q0", "Q1", "notes", 1])
def test_extra_keys_are_rejected(extra):
    answers = ans(0, 0, 0, 0, 0, 0, 0, 0, 0)
    answers[extra] = 0
    with pytest.raises(ValueError, match="unknown items"):
        score("PHQ-9", answers)


@pytest.mark.parametrize("bad", ["1", 1.0, 1.5, None, True, False, [1]])
def test_non_int_values_are_rejected(bad):
    # DAST-10 is the hard case: True == 1 and False == 0 are option values there.
    answers = dast()
    answers["q1"] = bad
    with pytest.raises(ValueError, match="q1.*must be an int"):
        score("DAST-10", answers)


@pytest.mark.parametrize("bad", [-1, 4, 100])
def test_out_of_range_values_are_rejected(bad):
    answers = ans(0, 0, 0, 0, 0, 0, 0, 0, 0)
    answers["q2"] = bad
    with pytest.raises(ValueError, match="q2.*not an option"):
        score("PHQ-9", answers)


@pytest.mark.parametrize("code", ["audit", "PHQ9", "CAGE", "", None])
def test_unknown_code_raises_value_error_not_key_error(code):
    with pytest.raises(ValueError, match="Unknown instrument") as excinfo:
        score(code, {})
    assert not isinstance(excinfo.value, KeyError)


def test_answers_must_be_a_mapping():
    with pytest.raises(ValueError, match="mapping"):
        score("GAD-7", [0, 0, 0, 0, 0, 0, 0])


def test_scoring_does_not_change_the_answers():
    answers = dast(1, 2)
    before = dict(answers)
    score("DAST-10", answers)
    assert answers == before


# --- properties ----------------------------------------------------------


@st.composite
def valid_answers(draw):
    code = draw(st.sampled_from(sorted(INSTRUMENTS)))
    instrument = INSTRUMENTS[code]
    answers = {item.key: draw(st.sampled_from(item.values)) for item in instrument.items}
    sex = draw(st.sampled_from([None, "male", "female"]))
    return code, answers, sex


EXPECTED_RANGE = {
    "AUDIT": (0, 40),
    "AUDIT-C": (0, 12),
    "DAST-10": (0, 10),
    "PHQ-9": (0, 27),
    "GAD-7": (0, 21),
    "BARC-10": (10, 60),
    "WHO-5": (0, 25),
}


@settings(database=None, max_examples=300)
@given(valid_answers())
def test_any_valid_answers_score_within_range_and_in_a_matching_band(case):
    code, answers, sex = case
    result = score(code, answers, sex=sex)
    low, high = EXPECTED_RANGE[code]
    assert low <= result.total <= high
    assert result.max_total == high
    matching = [b for b in INSTRUMENTS[code].bands_for(sex) if b.label == result.band]
    assert len(matching) == 1
    assert matching[0].min <= result.total <= matching[0].max
    assert matching[0].severity == result.severity
    assert set(result.flags) <= set(FLAG_LABELS)
    assert len(result.flags) == len(set(result.flags))


@settings(database=None, max_examples=200)
@given(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=9, max_size=9))
def test_phq_9_self_harm_flag_follows_item_9_alone(values):
    result = score("PHQ-9", ans(*values))
    assert result.total == sum(values)
    assert ("self_harm" in result.flags) is (values[8] > 0)


# --- WHO-5 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "poor"),
    [
        ([0, 0, 0, 0, 0], 0, True),
        ([3, 3, 3, 2, 1], 12, True),  # the last raw total in the poor range
        ([3, 3, 3, 2, 2], 13, False),  # the first one out of it
        ([5, 5, 5, 5, 5], 25, False),
    ],
)
def test_who5_scores_at_its_boundaries(answers, total, poor):
    from casework.domain.instruments import who5_percentage

    result = score("WHO-5", {f"q{n}": v for n, v in enumerate(answers, start=1)})
    assert result.total == total and result.max_total == 25
    assert ("poor_wellbeing" in result.flags) is poor
    assert result.band.startswith("Poor wellbeing") is poor
    assert who5_percentage(total) == total * 4


def test_who5_takes_answers_from_0_to_5_only_and_cites_its_source():
    from casework.domain.instruments import who5_percentage

    assert [o.value for o in options_for("WHO-5", "q1")] == [5, 4, 3, 2, 1, 0]
    assert "Topp" in INSTRUMENTS["WHO-5"].source and "times 4" in INSTRUMENTS["WHO-5"].source
    with pytest.raises(ValueError):
        score("WHO-5", {"q1": 6, "q2": 0, "q3": 0, "q4": 0, "q5": 0})
    with pytest.raises(ValueError):
        who5_percentage(26)
