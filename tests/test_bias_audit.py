"""mart_rating_bias_audit on a hand-made review cycle of 14 people.

The mart is built alone (`--select mart_rating_bias_audit`) against hand-written tables
standing in for the marts it reads: fct_review, dim_employee_protected and
mart_capability_gap. One cycle, `2024 H2`, period end 2024-12-31, gap month 2024-12-01.
`bias_audit_min_expected_count` is lowered to 2 for this build (default 5) so that a
14-person fixture can carry share tests at all; the gate itself is still exercised.

Manager ratings (the latest manager review each; P07's earlier rating 1 and P01's self
rating 1 are ignored), gender, ethnicity, birth year, open gap in December:

    person  rating  gender  ethnicity  born  open gap
    P01     5       F       Z          1995  no   (an open gap in November only)
    P02     5       F       X          1995  yes  (and a closed one)
    P03     5       F       X          1995  no
    P04     5       F       X          1995  no
    P05     5       F       Y          1995  no
    P06     4       F       Z          1995  no
    P07     3       F       Z          1995  not assessed
    P08     5       M       Z          1995  yes
    P09     3       M       Z          1995  no
    P10     3       M       Y          1995  yes
    P11     3       M       Y          1985  no
    P12     2       M       Z          1985  yes
    P13     2       M       Y          1985  no   (ethnicity unknown before 2024-07-01)
    P14     1       M       Y          1985  yes  (first record dated 2025-03-01)

Gender, F (n1 = 7) against M (n2 = 7):
    ratings F sum 32, sum of squares 150: mean 32/7 = 4.571429,
        s1^2 = (7*150 - 32^2) / (7*6) = 26/42 = 0.619048
    ratings M sum 19, sum of squares 61:  mean 19/7 = 2.714286,
        s2^2 = (7*61 - 19^2) / 42 = 66/42 = 1.571429
    Welch: se = sqrt(0.619048/7 + 1.571429/7) = sqrt(0.312925) = 0.559397,
        t = (13/7) / 0.559397 = 3.319900,
        df = 0.312925^2 / ((0.088435^2 + 0.224490^2) / 6) = 10.0922,
        two-sided p from Student t(10.09) = 0.007654 (scipy ttest_ind, equal_var=False).
    Top rating (5): F 5/7 = 0.714286, M 1/7 = 0.142857; pooled 6/14, expected counts
        7*6/14 = 3 and 7*8/14 = 4 (>= 2): z = (4/7) / sqrt(6/14 * 8/14 * 2/7) = 2.160247,
        p = 2 (1 - Phi(2.160247)) = 0.030754.
    Bottom rating (1): F 0/7, M 1/7; expected 7 * 1/14 = 0.5 < 2: no test.
    Open gap: F 1 of 6 assessed (P07 is not), M 4 of 7; pooled 5/13, smallest expected
        count 6*5/13 = 2.31: z = (1/6 - 4/7) / sqrt(5/13 * 8/13 * (1/6 + 1/7)) = -1.495430,
        p = 0.134802.
    Two values: M's row is the same test mirrored (t and z negated, same p-values).
Ethnicity: X has 3 people (suppressed); Y 5 and Z 6 each have 9 and 8 others, but with
    exactly one value suppressed the smallest other (Y) is suppressed too, or X = total
    - Y - Z. Z (n = 6: P01 P06 P07 P08 P09 P12) against the 8 others:
    Z ratings 5 4 3 5 3 2: mean 22/6 = 3.666667, s^2 = (6*88 - 22^2) / 30 = 1.466667;
    others sum 29, squares 123: mean 3.625, s^2 = (8*123 - 29^2) / 56 = 2.553571;
    t = 0.041667 / sqrt(1.466667/6 + 2.553571/8) = 0.055499, df = 11.986, p = 0.956655.
    Top: Z 2/6, others 4/8; smallest expected 6*6/14 = 2.57:
        z = (1/3 - 1/2) / sqrt(6/14 * 8/14 * (1/6 + 1/8)) = -0.623610, p = 0.532884.
    Open gap: Z 2 of 5, others 3 of 8; smallest expected 5*5/13 = 1.92 < 2: no test.
Age band (recomputed from the birth year at 2024-12-31, not the stored 2018 band):
    25-34 (P01-P10, 10 people) and 35-44 (P11-P14, 4): 35-44 is below 5 and 25-34's
    complement is 4: both suppressed.
Benjamini-Hochberg over the cycle's m = 5 distinct tests (gender counted once):
    sorted p 0.007654, 0.030754, 0.134802, 0.532884, 0.956655;
    p * m / rank = 0.038271, 0.076884, 0.224670, 0.666105, 0.956655 (already monotone).
    Gender: mean rating adjusted 0.038271 < 0.05, significant (the top-share difference,
    raw p 0.031, is not after adjustment: 0.076884); ethnicity Z: nothing significant.

mart_calibration_shift reads the same people's Lattice reviews with both ratings
(int_performance__reviews_resolved): calibration lowers P01, P02 and P03 from 5 to 4 and
raises P13 from 2 to 3; nobody else moves.
    F shifts -1 -1 -1 0 0 0 0: mean -3/7, s^2 = (7*3 - 9)/42 = 0.285714;
    M shifts 0 0 0 0 0 +1 0: mean 1/7, s^2 = (7*1 - 1)/42 = 0.142857;
    t = (-4/7) / sqrt(0.285714/7 + 0.142857/7) = -0.571429 / 0.247436 = -2.309401,
    df = 10.80, p = 0.041750 (scipy). Moved-down share 3/7 against 0/7: smallest expected
    count 7*3/14 = 1.5 < 2, no test; moved up 0/7 against 1/7: no test.
    Z shifts -1 0 0 0 0 0 (mean -1/6) against the others' -1 -1 0 0 0 0 +1 0 (mean -1/8):
    t = -0.148134, p = 0.884740.
    Benjamini-Hochberg over m = 2: gender 0.041750 * 2 = 0.083500, Z 0.884740: nothing is
    significant after adjustment, though the gender p-value alone is below 0.05.

The last tests render the statistical macros with Jinja and run them on DuckDB without
dbt: the t and normal p-values against scipy over a grid, both adjustments by hand, and
the expected-count gate.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from scipy import stats

from tests.test_dbt_duckdb import dbt, summary

CYCLE = ("cyc-1", "2024 H2", "2024-12-31")
# person: (gender, ethnicity, birth year, rating, open gap in December: True/False/None)
PEOPLE = {
    "P01": ("F", "Z", 1995, 5, False),
    "P02": ("F", "X", 1995, 5, True),
    "P03": ("F", "X", 1995, 5, False),
    "P04": ("F", "X", 1995, 5, False),
    "P05": ("F", "Y", 1995, 5, False),
    "P06": ("F", "Z", 1995, 4, False),
    "P07": ("F", "Z", 1995, 3, None),
    "P08": ("M", "Z", 1995, 5, True),
    "P09": ("M", "Z", 1995, 3, False),
    "P10": ("M", "Y", 1995, 3, True),
    "P11": ("M", "Y", 1985, 3, False),
    "P12": ("M", "Z", 1985, 2, True),
    "P13": ("M", "Y", 1985, 2, False),
    "P14": ("M", "Y", 1985, 1, True),
}
RATINGS = {person: values[3] for person, values in PEOPLE.items()}
F = [RATINGS[p] for p, v in PEOPLE.items() if v[0] == "F"]
M = [RATINGS[p] for p, v in PEOPLE.items() if v[0] == "M"]
Z = [RATINGS[p] for p, v in PEOPLE.items() if v[1] == "Z"]
NOT_Z = [RATINGS[p] for p, v in PEOPLE.items() if v[1] != "Z"]


def _age_band_then(born: int) -> str:
    """The band the dim stores, as of a 2018 record (the mart must not use it)."""
    age = 2018 - born
    return "under 25" if age < 25 else "25-34" if age < 35 else "35-44"


def _write_inputs(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_review (review_id varchar, review_cycle_id varchar, review_cycle_name varchar,"
            " period_end_on date, employee_id varchar, reviewer_employee_id varchar, review_type varchar,"
            " rater_type varchar, overall_rating double, submitted_at timestamp)"
        )
        reviews = [
            (f"R{p}", *CYCLE, p, "MGR", "downward", "manager", float(rating), "2025-01-10 09:00:00")
            for p, rating in RATINGS.items()
        ]
        reviews.append(("R0-P07", *CYCLE, "P07", "MGR", "downward", "manager", 1.0, "2025-01-02 09:00:00"))
        reviews.append(("RS-P01", *CYCLE, "P01", "P01", "self", "self", 1.0, "2025-01-11 09:00:00"))
        con.executemany("insert into marts.fct_review values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", reviews)

        con.execute(
            "create table marts.dim_employee_protected (employee_protected_key varchar, employee_id varchar,"
            " gender varchar, age_band varchar, ethnicity varchar, birth_year integer, source_system varchar,"
            " source_record_id varchar, valid_from date, valid_to date, is_current boolean)"
        )
        versions = []
        for p, (gender, ethnicity, born, _rating, _gap) in PEOPLE.items():
            band = _age_band_then(born)
            if p == "P13":  # ethnicity first recorded in a July 2024 file
                versions.append(
                    (f"{p}-a", p, gender, band, None, born, "hr_files", "x:1", "2018-01-01", "2024-06-30", False)
                )
                versions.append(
                    (f"{p}-b", p, gender, band, ethnicity, born, "hr_files", "x:2", "2024-07-01", None, True)
                )
            elif p == "P14":  # only a record dated after the cycle: its first version is used
                versions.append(
                    (f"{p}-a", p, gender, band, ethnicity, born, "hr_files", "x:3", "2025-03-01", None, True)
                )
            else:
                versions.append(
                    (f"{p}-a", p, gender, band, ethnicity, born, "hr_files", "x:4", "2018-01-01", None, True)
                )
        con.executemany("insert into marts.dim_employee_protected values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", versions)

        con.execute(
            "create table marts.mart_capability_gap (month_start_on date, employee_id varchar,"
            " capability_id varchar, manager_assessed_level integer, is_open_gap boolean)"
        )
        gaps = [
            ("2024-12-01", p, "CAP-1", None if gap is None else 2, bool(gap))
            for p, (_g, _e, _b, _r, gap) in PEOPLE.items()
        ]
        gaps.append(("2024-12-01", "P02", "CAP-2", 4, False))  # a closed gap beside the open one
        gaps.append(("2024-11-01", "P01", "CAP-1", 1, True))  # another month: not counted
        con.executemany("insert into marts.mart_capability_gap values (?, ?, ?, ?, ?)", gaps)

        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_performance__reviews_resolved (review_id varchar,"
            " review_cycle_id varchar, review_cycle_name varchar, period_end_on date, employee_id varchar,"
            " rater_type varchar, rating integer, calibrated_rating integer, submitted_at timestamp)"
        )
        calibrated = {**RATINGS, "P01": 4, "P02": 4, "P03": 4, "P13": 3}
        lattice = [
            (f"R{p}", *CYCLE, p, "manager", rating, calibrated[p], "2025-01-10 09:00:00")
            for p, rating in RATINGS.items()
        ]
        lattice.append(("R0-P07", *CYCLE, "P07", "manager", 1, 1, "2025-01-02 09:00:00"))  # superseded
        lattice.append(("RX-P08", *CYCLE, "P08", "manager", 4, None, "2025-01-12 09:00:00"))  # not calibrated
        lattice.append(("RS-P01", *CYCLE, "P01", "self", 1, None, "2025-01-11 09:00:00"))
        con.executemany(
            "insert into intermediate.int_performance__reviews_resolved values (?, ?, ?, ?, ?, ?, ?, ?, ?)", lattice
        )


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bias_audit")
    path = work / "warehouse.duckdb"
    _write_inputs(path)
    env = {**os.environ, "WAREHOUSE_PATH": str(path)}
    args = ["build", "--target", "duckdb", "--select", "mart_rating_bias_audit", "mart_calibration_shift"]
    result = dbt([*args, "--vars", "{bias_audit_min_expected_count: 2}"], env, work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert summary(result)["error"] == 0
    return path


def _rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


SUMMARY = (
    "select attribute_name, attribute_value, is_suppressed, people_count, others_people_count,"
    " mean_rating, others_mean_rating, mean_rating_difference, mean_rating_t_statistic,"
    " mean_rating_degrees_of_freedom, mean_rating_p_value, mean_rating_p_value_adjusted,"
    " top_rating_share, others_top_rating_share, top_rating_z_statistic, top_rating_p_value,"
    " top_rating_p_value_adjusted, bottom_rating_share, bottom_rating_z_statistic, bottom_rating_p_value,"
    " gap_assessed_count, others_gap_assessed_count, open_gap_share, others_open_gap_share,"
    " open_gap_z_statistic, open_gap_p_value, open_gap_p_value_adjusted, p_value_adjustment, is_significant"
    " from marts.mart_rating_bias_audit where row_type = 'summary'"
)


def _summary(path: Path, attribute: str, value: str) -> dict:
    found = _rows(path, f"{SUMMARY} and attribute_name = '{attribute}' and attribute_value = '{value}'")
    assert len(found) == 1, found
    names = [c.strip().split(" ")[-1] for c in SUMMARY.split(" from ")[0].removeprefix("select ").split(",")]
    return dict(zip(names, found[0], strict=True))


@pytest.mark.slow
def test_groups_and_suppression(audit: Path) -> None:
    groups = _rows(
        audit,
        "select attribute_name, attribute_value, is_suppressed, group_people_count from marts.mart_rating_bias_audit"
        " where row_type = 'summary' order by attribute_name, attribute_value",
    )
    assert groups == [
        ("age_band", "25-34", True, None),  # its complement (35-44) has 4 people
        ("age_band", "35-44", True, None),  # 4 people
        ("ethnicity", "X", True, None),  # 3 people
        ("ethnicity", "Y", True, None),  # 5 people, suppressed so X cannot be recovered
        ("ethnicity", "Z", False, 6),
        ("gender", "F", False, 7),
        ("gender", "M", False, 7),
    ]
    # A suppressed group shows no measure on any row.
    shown = _rows(
        audit,
        "select count(*) from marts.mart_rating_bias_audit where is_suppressed and (people_count is not null"
        " or people_share is not null or mean_rating is not null or top_rating_share is not null"
        " or open_gap_share is not null or mean_rating_p_value is not null or is_significant is not null)",
    )
    assert shown == [(0,)]


@pytest.mark.slow
def test_rating_distribution(audit: Path) -> None:
    distribution = _rows(
        audit,
        "select rating_level, people_count, people_share, group_people_count from marts.mart_rating_bias_audit"
        " where row_type = 'rating' and attribute_name = 'gender' and attribute_value = 'F' order by rating_level",
    )
    assert distribution == [
        (1, 0, 0.0, 7),  # P07's earlier rating 1 is replaced by her latest, 3
        (2, 0, 0.0, 7),
        (3, 1, pytest.approx(1 / 7), 7),
        (4, 1, pytest.approx(1 / 7), 7),
        (5, 5, pytest.approx(5 / 7), 7),
    ]


@pytest.mark.slow
def test_significant_difference_by_gender(audit: Path) -> None:
    women = _summary(audit, "gender", "F")
    welch = stats.ttest_ind(F, M, equal_var=False)
    assert (women["people_count"], women["others_people_count"]) == (7, 7)
    assert women["mean_rating"] == pytest.approx(32 / 7)
    assert women["others_mean_rating"] == pytest.approx(19 / 7)
    assert women["mean_rating_difference"] == pytest.approx(13 / 7)
    assert women["mean_rating_t_statistic"] == pytest.approx(3.319900, abs=1e-6)
    assert women["mean_rating_t_statistic"] == pytest.approx(welch.statistic)
    assert women["mean_rating_degrees_of_freedom"] == pytest.approx(welch.df)
    assert women["mean_rating_p_value"] == pytest.approx(0.007654, abs=1e-6)
    assert women["mean_rating_p_value"] == pytest.approx(welch.pvalue, abs=1e-5)  # Hill's approximation

    z_top = (5 / 7 - 1 / 7) / (6 / 14 * 8 / 14 * 2 / 7) ** 0.5
    assert women["top_rating_share"] == pytest.approx(5 / 7)
    assert women["others_top_rating_share"] == pytest.approx(1 / 7)
    assert women["top_rating_z_statistic"] == pytest.approx(z_top)
    assert women["top_rating_p_value"] == pytest.approx(2 * stats.norm.sf(z_top), abs=1e-6)
    assert women["top_rating_p_value"] == pytest.approx(0.030754, abs=1e-6)

    # Bottom rating: one person in 14, expected counts 0.5 < 2: the share is shown, untested.
    assert women["bottom_rating_share"] == 0.0
    assert (women["bottom_rating_z_statistic"], women["bottom_rating_p_value"]) == (None, None)

    z_gap = (1 / 6 - 4 / 7) / (5 / 13 * 8 / 13 * (1 / 6 + 1 / 7)) ** 0.5
    assert (women["gap_assessed_count"], women["others_gap_assessed_count"]) == (6, 7)
    assert women["open_gap_share"] == pytest.approx(1 / 6)
    assert women["others_open_gap_share"] == pytest.approx(4 / 7)
    assert women["open_gap_z_statistic"] == pytest.approx(z_gap)
    assert women["open_gap_p_value"] == pytest.approx(2 * stats.norm.sf(abs(z_gap)), abs=1e-6)

    # Benjamini-Hochberg over 5 tests: the mean difference survives, the top share does not.
    assert women["p_value_adjustment"] == "benjamini_hochberg"
    assert women["mean_rating_p_value_adjusted"] == pytest.approx(welch.pvalue * 5, abs=5e-5)
    assert women["top_rating_p_value_adjusted"] == pytest.approx(2 * stats.norm.sf(z_top) * 5 / 2, abs=1e-6)
    assert women["open_gap_p_value_adjusted"] == pytest.approx(2 * stats.norm.sf(abs(z_gap)) * 5 / 3, abs=1e-6)
    assert women["is_significant"] is True

    # The mirror row: the same tests with the sign turned.
    men = _summary(audit, "gender", "M")
    assert men["mean_rating_t_statistic"] == pytest.approx(-women["mean_rating_t_statistic"])
    assert men["top_rating_z_statistic"] == pytest.approx(-women["top_rating_z_statistic"])
    for column in ("mean_rating_p_value", "mean_rating_p_value_adjusted", "top_rating_p_value_adjusted"):
        assert men[column] == pytest.approx(women[column])
    assert men["is_significant"] is True


@pytest.mark.slow
def test_no_significant_difference_by_ethnicity(audit: Path) -> None:
    group = _summary(audit, "ethnicity", "Z")
    welch = stats.ttest_ind(Z, NOT_Z, equal_var=False)
    assert (group["people_count"], group["others_people_count"]) == (6, 8)
    assert group["mean_rating"] == pytest.approx(22 / 6)
    assert group["others_mean_rating"] == pytest.approx(29 / 8)
    assert group["mean_rating_t_statistic"] == pytest.approx(0.055499, abs=1e-6)
    assert group["mean_rating_p_value"] == pytest.approx(welch.pvalue, abs=1e-5)
    assert group["mean_rating_p_value"] == pytest.approx(0.956655, abs=1e-5)
    z_top = (1 / 3 - 1 / 2) / (6 / 14 * 8 / 14 * (1 / 6 + 1 / 8)) ** 0.5
    assert group["top_rating_z_statistic"] == pytest.approx(z_top)
    assert group["top_rating_p_value"] == pytest.approx(0.532884, abs=1e-6)
    # Open gap: 2 of 5 against 3 of 8, smallest expected count 25/13 < 2: untested.
    assert group["open_gap_share"] == pytest.approx(2 / 5)
    assert group["open_gap_p_value"] is None
    assert group["mean_rating_p_value_adjusted"] == pytest.approx(welch.pvalue, abs=1e-5)  # rank 5 of 5
    assert group["top_rating_p_value_adjusted"] == pytest.approx(0.532884 * 5 / 4, abs=1e-6)
    assert group["is_significant"] is False


@pytest.mark.slow
def test_calibration_shift(audit: Path) -> None:
    shifts = {"F": [-1, -1, -1, 0, 0, 0, 0], "M": [0, 0, 0, 0, 0, 1, 0]}
    welch = stats.ttest_ind(shifts["F"], shifts["M"], equal_var=False)
    found = _rows(
        audit,
        "select attribute_value, is_suppressed, people_count, others_people_count, mean_submitted_rating,"
        " mean_calibrated_rating, mean_shift, others_mean_shift, mean_shift_t_statistic,"
        " mean_shift_degrees_of_freedom, mean_shift_p_value, mean_shift_p_value_adjusted, lowered_share,"
        " others_lowered_share, lowered_p_value, raised_share, raised_p_value, is_significant"
        " from marts.mart_calibration_shift where attribute_name = 'gender' order by attribute_value",
    )
    assert found[0] == (
        "F",
        False,
        7,
        7,
        pytest.approx(32 / 7),  # P07 superseded review (1 -> 1) is not used
        pytest.approx(29 / 7),
        pytest.approx(-3 / 7),
        pytest.approx(1 / 7),
        pytest.approx(-2.309401, abs=1e-6),
        pytest.approx(welch.df),
        pytest.approx(welch.pvalue, abs=1e-5),
        pytest.approx(welch.pvalue * 2, abs=2e-5),
        pytest.approx(3 / 7),
        0.0,
        None,  # expected counts below 2
        0.0,
        None,
        False,
    )
    # P08's later review has no calibrated rating: his calibrated one (5 -> 5) is used.
    assert found[1][:6] == ("M", False, 7, 7, pytest.approx(19 / 7), pytest.approx(20 / 7))
    assert found[1][8] == pytest.approx(2.309401, abs=1e-6)
    suppressed = _rows(
        audit,
        "select attribute_name, attribute_value from marts.mart_calibration_shift where is_suppressed"
        " and people_count is null and mean_shift is null order by 1, 2",
    )
    assert suppressed == [("age_band", "25-34"), ("age_band", "35-44"), ("ethnicity", "X"), ("ethnicity", "Y")]
    group = _rows(
        audit,
        "select mean_shift, others_mean_shift, mean_shift_p_value, mean_shift_p_value_adjusted"
        " from marts.mart_calibration_shift where attribute_name = 'ethnicity' and attribute_value = 'Z'",
    )
    assert group == [
        (
            pytest.approx(-1 / 6),
            pytest.approx(-1 / 8),
            pytest.approx(0.884740, abs=1e-5),
            pytest.approx(0.884740, abs=1e-5),
        )
    ]


# Each derived check of the two suites against one corruption of a copy of the fixture
# warehouse (the demo warehouse has these marts empty). Why each breaks only its own check,
# from the fixture's rows above:
AUDIT = "marts.mart_rating_bias_audit"
SHIFT = "marts.mart_calibration_shift"
SUMMARY_F = "where row_type = 'summary' and attribute_name = 'gender' and attribute_value = 'F'"
SUMMARY_Z = "where row_type = 'summary' and attribute_name = 'ethnicity' and attribute_value = 'Z'"
CORRUPTIONS = [
    # The age-band rows (all suppressed) moved to a cycle fct_review does not know: the other
    # checks pass suppressed rows, and the moved ones are two suppressed values, not one.
    (AUDIT, "cycle_in_fct_review", f"update {AUDIT} set review_cycle_id = 'cyc-0' where attribute_name = 'age_band'"),
    # F's mean difference 1.0 instead of 32/7 - 19/7 = 1.857143 (still positive, like t).
    (AUDIT, "difference_matches_means", f"update {AUDIT} set mean_rating_difference = 1.0 {SUMMARY_F}"),
    # F's rating-5 share 0.7 instead of 5/7 = 0.714286: the counts still add up to 7.
    (
        AUDIT,
        "distribution_adds_up",
        f"update {AUDIT} set people_share = 0.7 where row_type = 'rating' and attribute_value = 'F'"
        " and rating_level = 5",
    ),
    # Suppressed X (3 people) shows a count on its rating-5 row.
    (
        AUDIT,
        "measures_match_suppression",
        f"update {AUDIT} set people_count = 2 where attribute_value = 'X' and rating_level = 5",
    ),
    # Y's rows dropped instead of suppressed too: X is the one suppressed ethnicity beside Z.
    (AUDIT, "no_single_suppressed_value", f"delete from {AUDIT} where attribute_value = 'Y'"),
    # Z's adjusted mean p-value 0.478 below its raw 0.956655 (still not significant).
    (
        AUDIT,
        "p_values_match_statistics",
        f"update {AUDIT} set mean_rating_p_value_adjusted = mean_rating_p_value / 2 {SUMMARY_Z}",
    ),
    # fct_review gains a 15th person with a manager rating: group + others = 14 on the
    # shown summary rows (F, M, Z).
    (
        AUDIT,
        "population_matches_fct_review",
        "insert into marts.fct_review values ('RP15', 'cyc-1', '2024 H2', '2024-12-31', 'P15', 'MGR',"
        " 'downward', 'manager', 3.0, '2025-01-10 09:00:00')",
    ),
    # X's rating-1 row twice (suppressed, so nothing is counted twice): the key repeats.
    (
        AUDIT,
        "row_key",
        f"insert into {AUDIT} select * from {AUDIT} where attribute_value = 'X' and rating_level = 1",
    ),
    # F not significant though its adjusted mean p-value is 0.038271 < 0.05.
    (AUDIT, "significance_matches_p_values", f"update {AUDIT} set is_significant = false {SUMMARY_F}"),
    # F's t statistic -3.3199 against a difference of +1.857143.
    (
        AUDIT,
        "statistics_signed_like_differences",
        f"update {AUDIT} set mean_rating_t_statistic = -mean_rating_t_statistic {SUMMARY_F}",
    ),
    # As above for the shift mart: the suppressed age-band rows in an unknown cycle.
    (SHIFT, "cycle_in_fct_review", f"update {SHIFT} set review_cycle_id = 'cyc-0' where attribute_name = 'age_band'"),
    # Suppressed X shows its 3 people.
    (SHIFT, "measures_match_suppression", f"update {SHIFT} set people_count = 3 where attribute_value = 'X'"),
    # F moved down 3/7 and up 5/7: 8/7 of the group moved (each share alone within 0-1).
    (SHIFT, "moved_shares_add_up", f"update {SHIFT} set raised_share = 5.0 / 7 where attribute_value = 'F'"),
    # Y's row dropped: X is the one suppressed ethnicity beside Z.
    (SHIFT, "no_single_suppressed_value", f"delete from {SHIFT} where attribute_value = 'Y'"),
    # Z's adjusted p-value 0.442 below its raw 0.884740 (still not significant).
    (
        SHIFT,
        "p_values_match_statistics",
        f"update {SHIFT} set mean_shift_p_value_adjusted = mean_shift_p_value / 2 where attribute_value = 'Z'",
    ),
    # Z counts 6 + 9 = 15 people, F and M 7 + 7 = 14, in the same cycle.
    (SHIFT, "population_constant_in_cycle", f"update {SHIFT} set others_people_count = 9 where attribute_value = 'Z'"),
    # F's mean shift -0.5 instead of 29/7 - 32/7 = -3/7 (-0.428571).
    (SHIFT, "shift_matches_means", f"update {SHIFT} set mean_shift = -0.5 where attribute_value = 'F'"),
    # Z significant though its only adjusted p-value is 0.884740.
    (SHIFT, "significance_matches_p_values", f"update {SHIFT} set is_significant = true where attribute_value = 'Z'"),
]


@pytest.mark.slow
def test_fixture_passes_both_suites(audit: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unchanged, the fixture warehouse fails no expectation: every failure below is the corruption's."""
    from expectations import validate_all

    for key in [k for k in os.environ if k.startswith("EXPECTATIONS_")]:
        monkeypatch.delenv(key)
    results = validate_all(str(audit), [AUDIT, SHIFT])
    assert [(r.suite, r.error, r.failed) for r in results] == [(AUDIT, None, ()), (SHIFT, None, ())]


@pytest.mark.slow
@pytest.mark.parametrize(("suite", "column", "sql"), CORRUPTIONS, ids=[f"{c[0]}:{c[1]}" for c in CORRUPTIONS])
def test_derived_check_fails_on_its_corruption(
    audit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suite: str, column: str, sql: str
) -> None:
    """Each corruption, on its own copy of the fixture, fails exactly its derived check."""
    from expectations import validate_all

    for key in [k for k in os.environ if k.startswith("EXPECTATIONS_")]:
        monkeypatch.delenv(key)
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(audit, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(sql)
    (result,) = validate_all(str(copy), [suite])

    assert result.error is None
    failed = {(o.column, o.severity) for o in result.failed}
    severity = next(o.severity for o in result.expectations if o.column == column)
    assert failed == {(column, severity)}
    (outcome,) = result.failed
    assert outcome.unexpected_count >= 1


# The macros alone, rendered with Jinja and run on DuckDB: no dbt build.
MACROS = Path(__file__).resolve().parents[1] / "dbt_project" / "macros" / "statistical_tests.sql"


def _macros():
    import jinja2

    return jinja2.Environment().from_string(MACROS.read_text()).module  # noqa: S701 (SQL, not HTML)


def _values(sql: str, rows: list[tuple], columns: str) -> list[tuple]:
    with duckdb.connect() as con:
        con.execute(f"create table v ({columns})")
        con.executemany(f"insert into v values ({', '.join(['?'] * len(rows[0]))})", rows)
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("df", [4.0, 4.5, 7.0, 30.0, 500.0])
def test_student_t_p_value_against_scipy(df: float) -> None:
    """Hill's deviate then the normal tail: within 3e-6 of scipy at 4+ degrees of freedom."""
    m = _macros()
    ts = [i / 20 for i in range(0, 201)]  # t from 0 to 10
    sql = (
        f"with d as (select t, df, {m.student_t_as_normal_deviate('t', 'df')} as z from v)"
        f" select t, {m.normal_two_sided_p_value('z')} from d order by t"
    )
    found = _values(sql, [(t, df) for t in ts], "t double, df double")
    errors = [abs(p - 2 * stats.t.sf(t, df)) for t, p in found]
    assert max(errors) < 3e-6


def test_normal_p_value_against_scipy() -> None:
    """Abramowitz & Stegun 26.2.17: within 1.5e-7 (two-sided); 0 beyond |z| = 37; null in, null out."""
    m = _macros()
    zs = [i / 50 - 10 for i in range(0, 1001)] + [40.0, -40.0]
    found = _values(f"select z, {m.normal_two_sided_p_value('z')} from v", [(z,) for z in zs], "z double")
    assert max(abs(p - 2 * stats.norm.sf(abs(z))) for z, p in found) < 1.5e-7
    assert _values(f"select {m.normal_two_sided_p_value('z')} from v", [(None,)], "z double") == [(None,)]


def test_adjusted_p_values_by_hand() -> None:
    """The fixture cycle's five p-values (module docstring).
    Benjamini-Hochberg: p * 5 / rank = 0.038270, 0.076885, 0.224670, 0.666105, 0.956655.
    Holm: p * (5 - rank + 1) = 0.038270, 0.123016, 0.404406, 1 (1.065768 capped), then the
    running maximum keeps the last at 1 (0.956655 < 1)."""
    m = _macros()
    p_values = [0.956655, 0.007654, 0.532884, 0.030754, 0.134802]
    rows = [(p, rank, 5) for rank, p in enumerate(sorted(p_values), start=1)]
    expected = {
        "benjamini_hochberg": [0.038270, 0.076885, 0.224670, 0.666105, 0.956655],
        "holm": [0.038270, 0.123016, 0.404406, 1.0, 1.0],
    }
    for method, adjusted in expected.items():
        sql = f"select {m.adjusted_p_value(method, 'p', 'p_rank', 'm', 'family')} from v order by p_rank"
        found = _values(
            sql.replace("from v", "from (select *, 1 as family from v) as v"),
            rows,
            "p double, p_rank integer, m integer",
        )
        assert [row[0] for row in found] == pytest.approx(adjusted, abs=1e-6), method


def test_two_proportion_z_gate() -> None:
    """Expected counts: 5 x 42/2005 = 0.10 < 5: no statistic for 2 of 5 against 40 of 2000;
    7 x 6/14 = 3 >= 2: z = (5/7 - 1/7) / sqrt(6/14 x 8/14 x 2/7) = 2.160247 at a gate of 2."""
    m = _macros()
    rows = [(2, 5, 40, 2000, 5), (5, 7, 1, 7, 2), (5, 7, 1, 7, 5), (0, 7, 0, 7, 1)]
    sql = f"select {m.two_proportion_z('x1', 'n1', 'x2', 'n2', 'k')} from v"
    found = _values(sql, rows, "x1 integer, n1 integer, x2 integer, n2 integer, k integer")
    assert found == [(None,), (pytest.approx(2.160247, abs=1e-6),), (None,), (None,)]
