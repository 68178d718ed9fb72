"""xAPI statements as LMSs really send them, written by hand into a DuckDB warehouse and
built with `dbt build`: staging reads every value without failing, resolves language maps,
scores, durations and actors, and the cmi5 sessions and attempts match values worked out
by hand. The same raw rows are built on PostgreSQL and must give the same rows.

The warehouse (raw_lms.statements shaped as the connector writes it; rows marked legacy
have the columns an older load left null):
  * Ada (E00001) completes CRS-001 with `result.success` = "yes" (legacy: the string made
    every query of stg_lms__statements.result_success fail before); attempts CRS-003 with a
    timestamp without offset (legacy); progresses in an Open edX block for
    P3Y1M29DT4H35M59.14S = 3 x 8766 + 730.5 + 29 x 24 + 4 + 35/60 + 59.14/3600
    = 27 729.0997611 h; completes CRS-004, voided by the connector; juggles (unlisted verb).
  * Bea (E00002, as `mbox` and as a Moodle account) passes CRS-002 with score.scaled 1.2
    (null, flagged) and raw 120 of 0-100; completes a Moodle page named in `en` (described
    in `en-GB` and `de`: en-GB wins); views a page named only in `fr` and `de` (`de`, the
    first tag); completes CRS-005, voided by a legacy voiding statement (no `voided_by`).
  * Dee (E00005) is known only by mbox_sha1sum = sha1("mailto:dee@example.com").
  * Unresolved: a mbox_sha1sum nobody has, an openid, a login two employees share
    (ambiguous), a contractor.
  * cmi5, registration R1 (Bea): AU1 session A launched 14:00:00, initialized 14:00:10,
    an allowed statement, abandoned 14:30:00 (reported PT9M50S, elapsed 29 min 50 s);
    session B launched 09:00:00, initialized 09:00:30, passed 09:40:30 (0.85),
    terminated 09:45:30 (PT45M); AU2 waived 09:44; the course satisfied 09:45:40.
    Registration R2 (Ada): AU1 launched, initialized, failed (0.5), terminated (PT31M),
    moveOn `Passed`.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tests.test_dbt_duckdb import dbt, summary
from tests.test_dbt_postgres import postgres  # noqa: F401  (the throwaway PostgreSQL server fixture)

pytestmark = pytest.mark.slow

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CMI5_EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
CMI5_COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
CMI5_REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"
LMS = "https://lms.example"
R1 = "3f0c2a9e-1b7d-4c55-9a51-6f2d8e0b7c11"
R2 = "8a1e6b42-55c3-4f0e-b2d7-0c9d4e3f2a22"
AU1 = "https://cmi5.example/course/1/au/1"
AU2 = "https://cmi5.example/course/1/au/2"
COURSE = "https://cmi5.example/course/1"
# xAPI defines mbox_sha1sum as the SHA-1 of the mailto IRI (an identifier, not a secret).
DEE_SHA1 = hashlib.sha1(b"mailto:dee@example.com", usedforsecurity=False).hexdigest()
GHOST_SHA1 = hashlib.sha1(b"mailto:ghost@example.com", usedforsecurity=False).hexdigest()
LONG_DURATION_HOURS = 3 * 8766 + 730.5 + 29 * 24 + 4 + 35 / 60 + 59.14 / 3600
# Sources the hand-made org does not hold: switched off, so the build stays small.
DISABLED = "culture_amp,fifteen_five,workday,learnupon"
SELECT = ["+int_learning__cmi5_attempts", "+mart_cmi5_attempts", "+mart_identity_match_report"]

EMPLOYEES = [
    ("1", "E00001", "Ada", "Lovelace", "ada@example.com"),
    ("2", "E00002", "Bea", "Learner", "bea@example.com"),
    ("3", "E00003", "Cy", "Shared", "shared@example.com"),
    ("4", "E00004", "Cyd", "Shared", "shared@example.com"),
    ("5", "E00005", "Dee", "Hash", "dee@example.com"),
]


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def account(name: str, home: str = LMS) -> dict:
    return {"objectType": "Agent", "account": {"homePage": home, "name": name}}


ADA, BEA = account("Ada@Example.com"), {"mbox": "mailto:Bea@Example.com"}


def activity(iri: str, name: dict | str | None = None, **definition) -> dict:
    if name is not None:
        definition["name"] = name
    return {"objectType": "Activity", "id": iri, **({"definition": definition} if definition else {})}


def course(code: str) -> dict:
    return activity(f"{LMS}/courses/{code}", {"en-US": f"Course {code}"})


def cmi5_context(registration: str, session: str, category: bool = True, **extensions) -> dict:
    context: dict = {
        "registration": registration,
        "extensions": {CMI5_EXT + "sessionid": session, **{CMI5_EXT + k: v for k, v in extensions.items()}},
    }
    if category:
        context["contextActivities"] = {"category": [{"id": CMI5_CATEGORY}]}
    return context


# n, timestamp, actor, verb IRI, object, result, context, conformance issues ("legacy": the
# connector's newer columns null, as an older load left them)
# fmt: off
STATEMENTS: list[tuple] = [
    (1, "2024-04-01T09:00:00Z", ADA, ADL + "completed", course("CRS-001"),
     {"success": "yes", "completion": True, "score": {"scaled": 0.9}, "duration": "PT1H"}, None, "legacy"),
    (2, "2024-04-01T10:00:00Z", BEA, ADL + "passed", course("CRS-002"),
     {"success": True, "score": {"raw": 120, "min": 0, "max": 100, "scaled": 1.2}, "duration": "PT30M"}, None,
     ["result.score.scaled: outside [-1, 1]", "result.score.raw: outside min..max"]),
    (3, "2024-04-02T10:00:00", ADA, ADL + "attempted", course("CRS-003"), None, None, "legacy"),
    (4, "2024-04-03T09:00:00Z", account("bea@example.com", "https://moodle.example"), ADL + "completed",
     activity("https://moodle.example/mod/page/view.php?id=7", {"en": "Safety induction"},
              description={"en-GB": "Colour and safety", "de": "Farbe und Sicherheit"}),
     {"completion": True}, None, []),
    (5, "2024-04-03T10:00:00Z", BEA, "http://id.tincanapi.com/verb/viewed",
     activity("https://moodle.example/mod/page/view.php?id=8", {"fr": "Protection des données", "de": "Datenschutz"}),
     None, None, []),
    (6, "2024-04-04T09:00:00Z", ADA, ADL + "progressed",
     activity("https://edx.example/xblock/block-v1:Org+C1+2024+type@html+block@1", {"en-US": "Unit 1"}),
     {"duration": "P3Y1M29DT4H35M59.14S"}, None, []),
    (7, "2024-04-04T10:00:00Z", {"mbox_sha1sum": DEE_SHA1}, ADL + "completed", course("CRS-002"),
     {"completion": True, "duration": "PT2H"}, None, []),
    (8, "2024-04-04T11:00:00Z", {"mbox_sha1sum": GHOST_SHA1}, ADL + "experienced", course("CRS-001"), None, None, []),
    (9, "2024-04-04T12:00:00Z", {"openid": "https://openid.example.org/ada"}, ADL + "experienced", course("CRS-001"),
     None, None, []),
    (10, "2024-04-04T13:00:00Z", account("shared@example.com"), ADL + "completed", course("CRS-001"),
     {"completion": True}, None, []),
    (11, "2024-04-04T14:00:00Z", account("contractor@partner.example"), ADL + "completed", course("CRS-001"),
     {"completion": True}, None, []),
    (12, "2024-04-05T09:00:00Z", ADA, ADL + "completed", course("CRS-004"), {"completion": True}, None, []),
    (13, "2024-04-05T10:00:00Z", ADA, ADL + "voided", {"objectType": "StatementRef", "id": uid(12)}, None, None, []),
    (14, "2024-04-06T09:00:00Z", BEA, ADL + "completed", course("CRS-005"), {"completion": True}, None, "legacy"),
    (15, "2024-04-06T10:00:00Z", BEA, ADL + "voided", {"objectType": "StatementRef", "id": uid(14).upper()}, None, None,
     "legacy"),
    (16, "2024-04-07T09:00:00Z", ADA, "https://example.com/verbs/juggled", course("CRS-001"), None, None, []),
    # cmi5, registration R1 (Bea), AU1 session A: abandoned
    (17, "2024-04-30T14:00:00Z", BEA, ADL + "launched", activity(AU1),
     None, cmi5_context(R1, "sess-a", launchmode="Normal", moveon="CompletedOrPassed"), []),
    (18, "2024-04-30T14:00:10Z", BEA, ADL + "initialized", activity(AU1), None, cmi5_context(R1, "sess-a"), []),
    (19, "2024-04-30T14:10:00Z", BEA, ADL + "experienced", activity(AU1 + "/slide/3"),
     None, cmi5_context(R1, "sess-a", category=False), []),
    (20, "2024-04-30T14:30:00Z", BEA, "https://w3id.org/xapi/adl/verbs/abandoned", activity(AU1),
     {"duration": "PT9M50S"}, cmi5_context(R1, "sess-a"), []),
    # AU1 session B: passed, terminated
    (21, "2024-05-01T09:00:00Z", BEA, ADL + "launched", activity(AU1),
     None, cmi5_context(R1, "sess-b", launchmode="Normal", moveon="CompletedOrPassed"), []),
    (22, "2024-05-01T09:00:30Z", BEA, ADL + "initialized", activity(AU1), None, cmi5_context(R1, "sess-b"), []),
    (23, "2024-05-01T09:40:30Z", BEA, ADL + "passed", activity(AU1),
     {"success": True, "score": {"scaled": 0.85}, "duration": "PT40M"},
     cmi5_context(R1, "sess-b", masteryscore=0.8), []),
    (24, "2024-05-01T09:45:30Z", BEA, ADL + "terminated", activity(AU1), {"duration": "PT45M"},
     cmi5_context(R1, "sess-b"), []),
    # AU2 waived by the LMS, then the course satisfied
    (25, "2024-05-01T09:44:00Z", BEA, "https://w3id.org/xapi/adl/verbs/waived", activity(AU2),
     {"success": True, "completion": True, "extensions": {CMI5_REASON: "Tested out"}}, cmi5_context(R1, "sess-w"), []),
    (26, "2024-05-01T09:45:40Z", BEA, "https://w3id.org/xapi/adl/verbs/satisfied",
     activity(COURSE, type=CMI5_COURSE_TYPE), None, cmi5_context(R1, "sess-b"), []),
    # registration R2 (Ada), AU1: failed
    (27, "2024-05-02T08:00:00Z", ADA, ADL + "launched", activity(AU1),
     None, cmi5_context(R2, "sess-c", launchmode="Normal", moveon="Passed"), []),
    (28, "2024-05-02T08:00:05Z", ADA, ADL + "initialized", activity(AU1), None, cmi5_context(R2, "sess-c"), []),
    (29, "2024-05-02T08:30:05Z", ADA, ADL + "failed", activity(AU1),
     {"success": False, "score": {"scaled": 0.5}, "duration": "PT30M"}, cmi5_context(R2, "sess-c"), []),
    (30, "2024-05-02T08:31:05Z", ADA, ADL + "terminated", activity(AU1), {"duration": "PT31M"},
     cmi5_context(R2, "sess-c"), []),
]
# fmt: on
VOIDED_BY = {12: 13}  # the connector marked it (rows 14 / 15: a legacy void, unmarked)


def statement_rows() -> list[tuple]:
    rows = []
    for n, ts, actor, verb, target, result, context, issues in STATEMENTS:
        body: dict = {"id": uid(n), "timestamp": ts, "actor": actor, "verb": {"id": verb}, "object": target}
        if result is not None:
            body["result"] = result
        if context is not None:
            body["context"] = context
        legacy = issues == "legacy"
        object_type = target.get("objectType", "Activity")
        object_id = target["id"].lower() if object_type == "StatementRef" and not legacy else target["id"]
        when = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        if when.tzinfo is None:  # what an old load kept for a statement without offset
            when = when.replace(tzinfo=UTC)
        account_name = (actor.get("account") or {}).get("name") or (actor.get("mbox") or "").removeprefix("mailto:")
        voided_by = uid(VOIDED_BY[n]) if n in VOIDED_BY else None
        rows.append(
            (
                uid(n),
                when,
                None if legacy else when,
                verb,
                account_name or None,
                object_id,
                None if legacy else object_type,
                json.dumps(body),
                None if legacy else json.dumps(issues),
                None if legacy else hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(),
                voided_by,
                None if legacy else voided_by is not None,
            )
        )
    return rows


def write_raw(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("raw_hris", "raw_lms", "raw_performance"):
            con.execute(f"create schema {schema}")
        con.execute(
            "create table raw_hris.employees (id text, employee_number text, first_name text, last_name text,"
            " display_name text, work_email text, hire_date text, termination_date text, status text,"
            " job_title text, department text, division text, location text, supervisor_e_id text, last_changed text)"
        )
        con.executemany(
            "insert into raw_hris.employees values (?, ?, ?, ?, ?, ?, '2020-01-01', null, 'Active', 'Analyst',"
            " 'Analytics', 'Data', 'Remote', null, '2024-12-31')",
            [(i, n, f, la, f"{la}, {f}", e) for i, n, f, la, e in EMPLOYEES],
        )
        con.execute(
            "create table raw_performance.users (id text, name text, email text, title text, manager_id text,"
            " external_user_id text)"
        )
        con.execute(
            'create table raw_lms.statements (id text, "timestamp" timestamptz, stored timestamptz, verb_id text,'
            " actor_account_name text, object_id text, object_type text, statement json,"
            " conformance_issues json, content_sha256 text, voided_by text, is_voided boolean)"
        )
        con.executemany(f"insert into raw_lms.statements values ({', '.join('?' * 12)})", statement_rows())


def build_env(path: Path) -> dict:
    return {**os.environ, "WAREHOUSE_PATH": str(path), "DISABLED_SOURCES": DISABLED}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("xapi")
    path = work / "warehouse.duckdb"
    write_raw(path)
    # cautious: tests that also read unselected models (dim_employee) are left to the full build
    args = ["build", "--target", "duckdb", "--select", *SELECT, "--indirect-selection", "cautious"]
    result = dbt(args, build_env(path), work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert summary(result)["error"] == 0
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def as_dicts(path: Path, sql: str) -> dict[str, dict]:
    """Rows keyed by their first column."""
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def staged(path: Path) -> dict[str, dict]:
    return as_dicts(path, "select * from staging.stg_lms__statements")


def test_every_statement_is_staged_and_every_column_reads(warehouse: Path) -> None:
    everything = rows(warehouse, "select * from staging.stg_lms__statements")
    assert len(everything) == len(STATEMENTS)
    # the column that failed every query before
    assert rows(warehouse, "select count(*), count(result_success) from staging.stg_lms__statements") == [(30, 4)]


def test_bad_values_are_null_and_flagged(warehouse: Path) -> None:
    s = staged(warehouse)
    bad_success = s[uid(1)]
    assert (bad_success["result_success"], bad_success["result_completion"]) == (None, True)
    assert bad_success["staging_issues"] == "result.success.type"
    assert bad_success["score_scaled"] == 0.9
    out_of_range = s[uid(2)]
    assert (out_of_range["score_scaled"], out_of_range["score_raw"]) == (None, 120.0)
    assert (out_of_range["score_min"], out_of_range["score_max"], out_of_range["result_success"]) == (0.0, 100.0, True)
    assert out_of_range["staging_issues"] == "result.score.scaled.range"
    assert out_of_range["conformance_issue_count"] == 2
    clean = s[uid(4)]
    assert (clean["staging_issues"], clean["conformance_issue_count"]) == (None, 0)


def test_legacy_rows_read_as_utc_with_unknown_conformance(warehouse: Path) -> None:
    naive = staged(warehouse)[uid(3)]
    assert naive["occurred_at"] == datetime(2024, 4, 2, 10, 0)
    assert naive["stored_at"] is None
    assert naive["conformance_issue_count"] is None  # never checked, not clean
    assert (naive["object_type"], naive["is_voided"], naive["is_voiding"]) == ("Activity", False, False)


def test_language_maps_follow_the_preference_list(warehouse: Path) -> None:
    s = staged(warehouse)
    moodle = s[uid(4)]
    assert (moodle["object_name"], moodle["object_description"]) == ("Safety induction", "Colour and safety")
    assert s[uid(5)]["object_name"] == "Datenschutz"  # no English: the first tag (de < fr)
    assert s[uid(6)]["object_name"] == "Unit 1"


def test_durations_in_hours(warehouse: Path) -> None:
    s = staged(warehouse)
    assert s[uid(6)]["duration_hours"] == pytest.approx(LONG_DURATION_HOURS, abs=1e-9)
    assert s[uid(6)]["duration_hours"] == pytest.approx(27729.0997611, abs=1e-6)
    assert s[uid(20)]["duration_hours"] == pytest.approx(590 / 3600)
    assert s[uid(1)]["duration_hours"] == 1.0


def test_voided_statements_stay_in_staging_and_leave_the_facts(warehouse: Path) -> None:
    s = staged(warehouse)
    assert (s[uid(12)]["is_voided"], s[uid(12)]["voided_by_statement_id"]) == (True, uid(13))
    # a legacy void: no voided_by from the connector, the voiding statement (upper-case ref) says so
    assert (s[uid(14)]["is_voided"], s[uid(14)]["voided_by_statement_id"]) == (True, uid(15))
    assert (s[uid(13)]["is_voiding"], s[uid(13)]["is_voided"]) == (True, False)
    resolved = set(dict(rows(warehouse, "select statement_id, 1 from intermediate.int_learning__statements_resolved")))
    assert resolved == {uid(n) for n in range(1, 31)} - {uid(12), uid(13), uid(14), uid(15)}


def test_actors_resolve_by_account_mbox_and_sha1(warehouse: Path) -> None:
    actors = as_dicts(
        warehouse,
        "select actor_key, identifier_type, employee_id, match_method, match_status"
        " from intermediate.int_identity__lms_actors",
    )
    found = {
        k: (v["identifier_type"], v["employee_id"], v["match_method"], v["match_status"]) for k, v in actors.items()
    }
    assert found == {
        "ada@example.com": ("xapi_account_name", "E00001", "email", "matched"),
        "bea@example.com": ("xapi_account_name", "E00002", "email", "matched"),
        f"mbox_sha1sum:{DEE_SHA1}": ("xapi_mbox_sha1sum", "E00005", "mbox_sha1sum", "matched"),
        f"mbox_sha1sum:{GHOST_SHA1}": ("xapi_mbox_sha1sum", None, None, "unmatched"),
        "openid:https://openid.example.org/ada": ("xapi_openid", None, None, "unmatched"),
        "shared@example.com": ("xapi_account_name", None, None, "ambiguous"),
        "contractor@partner.example": ("xapi_account_name", None, None, "unmatched"),
    }
    report = rows(
        warehouse,
        "select identity_count, matched_count, ambiguous_count, unmatched_count, matched_share"
        " from marts.mart_identity_match_report where source_system = 'lms'",
    )
    assert report == [(7, 3, 1, 3, pytest.approx(3 / 7))]
    learners = dict(
        rows(warehouse, "select statement_id, employee_id from intermediate.int_learning__statements_resolved")
    )
    assert [learners[uid(n)] for n in (7, 2, 4, 9)] == ["E00005", "E00002", "E00002", None]


def test_verb_semantics_decide_completions(warehouse: Path) -> None:
    found = as_dicts(
        warehouse,
        "select statement_id, activity_status, is_completion from intermediate.int_learning__statements_resolved",
    )
    completions = {k for k, v in found.items() if v["is_completion"]}
    assert completions == {uid(1), uid(2), uid(4), uid(7), uid(10), uid(11), uid(23)}
    assert found[uid(5)]["activity_status"] == "experienced"  # Tin Can viewed
    assert found[uid(6)]["activity_status"] == "progressed"
    assert found[uid(16)]["activity_status"] is None  # unlisted verb
    assert found[uid(20)]["activity_status"] == "abandoned"


def test_cmi5_sessions(warehouse: Path) -> None:
    found = rows(
        warehouse,
        "select registration, session_id, au_id, employee_id, launched_at, initialized_at, terminated_at,"
        " abandoned_at, session_status, round(duration_hours, 9), round(elapsed_hours, 9), launch_mode, move_on,"
        " mastery_score, is_completed, is_passed, is_failed, score_scaled, statement_count, cmi5_statement_count"
        " from intermediate.int_learning__cmi5_sessions order by launched_at",
    )
    t = datetime
    # fmt: off
    assert found == [
        (R1, "sess-a", AU1, "E00002", t(2024, 4, 30, 14, 0), t(2024, 4, 30, 14, 0, 10), None, t(2024, 4, 30, 14, 30),
         "abandoned", round(590 / 3600, 9), round(1790 / 3600, 9), "Normal", "CompletedOrPassed", None,
         False, False, False, None, 4, 3),
        (R1, "sess-b", AU1, "E00002", t(2024, 5, 1, 9, 0), t(2024, 5, 1, 9, 0, 30), t(2024, 5, 1, 9, 45, 30), None,
         "terminated", 0.75, 0.75, "Normal", "CompletedOrPassed", 0.8, False, True, False, 0.85, 4, 4),
        (R2, "sess-c", AU1, "E00001", t(2024, 5, 2, 8, 0), t(2024, 5, 2, 8, 0, 5), t(2024, 5, 2, 8, 31, 5), None,
         "terminated", round(31 / 60, 9), round(31 / 60, 9), "Normal", "Passed", None, False, False, True, 0.5, 4, 4),
    ]
    # fmt: on


def test_cmi5_attempts(warehouse: Path) -> None:
    found = rows(
        warehouse,
        "select registration, au_id, employee_id, first_launched_at, session_count, terminated_session_count,"
        " abandoned_session_count, round(session_hours, 9), is_completed, is_passed, first_passed_at,"
        " first_pass_score_scaled, failed_count, best_score_scaled, is_waived, waived_at, move_on, is_move_on_met,"
        " satisfied_at, is_move_on_satisfied, attempt_status"
        " from marts.mart_cmi5_attempts order by registration, au_id",
    )
    t = datetime
    satisfied = t(2024, 5, 1, 9, 45, 40)
    # fmt: off
    assert found == [
        (R1, AU1, "E00002", t(2024, 4, 30, 14, 0), 2, 1, 1, round(590 / 3600 + 0.75, 9), False, True,
         t(2024, 5, 1, 9, 40, 30), 0.85, 0, 0.85, False, None, "CompletedOrPassed", True, satisfied, True, "passed"),
        (R1, AU2, "E00002", None, 0, 0, 0, 0.0, False, False, None, None, 0, None, True, t(2024, 5, 1, 9, 44), None,
         True, satisfied, True, "waived"),
        (R2, AU1, "E00001", t(2024, 5, 2, 8, 0), 1, 1, 0, round(31 / 60, 9), False, False, None, None, 1, 0.5, False,
         None, "Passed", False, None, False, "failed"),
    ]
    # fmt: on


def test_an_older_warehouse_builds_staging_in_any_time_zone(tmp_path: Path) -> None:
    """A warehouse of an older connector: text timestamps (one without offset), no
    conformance or voiding columns. The dbt session runs in New York time: a naive
    timestamp must still read as UTC (a plain cast would move it to 15:00)."""
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_lms")
        con.execute(
            'create table raw_lms.statements (id text, "timestamp" text, stored text, verb_id text,'
            " actor_account_name text, object_id text, statement json)"
        )
        body = {"actor": {"account": {"name": "old@example.com"}}, "result": {"success": "yes", "duration": "PT1H"}}
        con.executemany(
            "insert into raw_lms.statements values (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    "o1",
                    "2024-03-04T10:00:00",
                    None,
                    ADL + "completed",
                    "old@example.com",
                    f"{LMS}/courses/CRS-1",
                    json.dumps(body),
                ),
                (
                    "o2",
                    "2024-03-04T10:00:00+02:00",
                    "2024-03-04 08:00:01Z",
                    ADL + "completed",
                    "old@example.com",
                    f"{LMS}/courses/CRS-1",
                    json.dumps(body),
                ),
                ("o3", "not a time", None, ADL + "voided", "old@example.com", "O1", "{}"),
            ],
        )
    env = {**build_env(path), "TZ": "America/New_York"}
    result = dbt(["run", "--target", "duckdb", "--select", "stg_lms__statements"], env, tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    found = rows(
        path,
        "select statement_id, occurred_at, stored_at, result_success, staging_issues, conformance_issue_count,"
        " is_voided, is_voiding from staging.stg_lms__statements order by statement_id",
    )
    t = datetime
    assert found == [
        ("o1", t(2024, 3, 4, 10, 0), None, None, "result.success.type", None, True, False),
        ("o2", t(2024, 3, 4, 8, 0), t(2024, 3, 4, 8, 0, 1), None, "result.success.type", None, False, False),
        ("o3", None, None, None, "timestamp.format", None, False, True),
    ]


# --- PostgreSQL: the same raw rows, the same answers ------------------------------------

COMPARED = {
    "staging.stg_lms__statements": (
        "statement_id, occurred_at, stored_at, verb, verb_display, actor_ifi_type, actor_key, object_type, object_id,"
        " course_id, object_name, object_description, result_completion, result_success, score_raw, score_scaled,"
        " duration_hours, registration, has_cmi5_category, cmi5_session_id, cmi5_move_on,"
        " cmi5_mastery_score, conformance_issue_count, staging_issues, is_voided, is_voiding, voided_by_statement_id"
    ),
    "intermediate.int_learning__statements_resolved": "statement_id, employee_id, activity_status, is_completion",
    "intermediate.int_identity__lms_actors": "actor_key, identifier_type, employee_id, match_method, match_status",
    "intermediate.int_learning__cmi5_sessions": (
        "registration, session_id, au_id, employee_id, launched_at, ended_at, session_status,"
        " duration_hours, elapsed_hours, move_on, is_passed,"
        " score_scaled, statement_count"
    ),
    "marts.mart_cmi5_attempts": (
        "registration, au_id, employee_id, session_count, abandoned_session_count,"
        " session_hours, first_passed_at, is_waived, is_move_on_met, satisfied_at,"
        " is_move_on_satisfied, attempt_status"
    ),
    "marts.mart_identity_match_report": (
        "source_system, identity_count, matched_count, ambiguous_count, unmatched_count"
    ),
}


def copy_to_postgres(source: Path, credentials: str) -> None:
    import psycopg2
    from psycopg2.extras import execute_values

    types = {"JSON": "jsonb", "TIMESTAMP WITH TIME ZONE": "timestamptz", "BOOLEAN": "boolean"}
    with duckdb.connect(str(source), read_only=True) as con, psycopg2.connect(credentials) as pg, pg.cursor() as cur:
        cur.execute("create extension if not exists pgcrypto")  # mbox_sha1sum needs SHA-1 (macro sha1_hex)
        for schema, table in con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema like 'raw_%'"
        ).fetchall():
            columns = con.execute(
                "select column_name, data_type from information_schema.columns"
                f" where table_schema = '{schema}' and table_name = '{table}' order by ordinal_position"
            ).fetchall()
            cur.execute(f"create schema if not exists {schema}")
            typed = ", ".join(f'"{name}" {types.get(kind, "text")}' for name, kind in columns)
            cur.execute(f'create table {schema}."{table}" ({typed})')
            data = con.execute(f'select * from {schema}."{table}"').fetchall()
            if data:
                names = ", ".join(f'"{name}"' for name, _ in columns)
                execute_values(cur, f'insert into {schema}."{table}" ({names}) values %s', data)


def normalised(values: list[tuple]) -> list[tuple]:
    def value(v):
        if isinstance(v, float) or type(v).__name__ == "Decimal":
            return round(float(v), 6)
        if isinstance(v, datetime):
            return v.replace(tzinfo=None)
        return v

    return sorted((tuple(value(v) for v in row) for row in values), key=repr)


@pytest.mark.postgres
def test_postgres_gives_the_same_rows(warehouse: Path, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    import psycopg2

    server = request.getfixturevalue("postgres")
    admin = psycopg2.connect(server.credentials)
    admin.autocommit = True  # create database cannot run in a transaction
    with admin.cursor() as cursor:
        cursor.execute("create database xapi_staging")
    admin.close()
    credentials = server.credentials.rsplit("/", 1)[0] + "/xapi_staging"
    copy_to_postgres(warehouse, credentials)
    env = {**server.env(), "PGDATABASE": "xapi_staging", "DISABLED_SOURCES": DISABLED}
    args = ["build", "--target", "postgres", "--select", *SELECT, "--indirect-selection", "cautious"]
    result = dbt(args, env, tmp_path)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    with psycopg2.connect(credentials) as pg, pg.cursor() as cursor:
        for relation, columns in COMPARED.items():
            sql = f"select {columns} from {relation}"
            cursor.execute(sql)
            on_postgres = normalised(cursor.fetchall())
            on_duckdb = normalised(rows(warehouse, sql))
            assert on_postgres == on_duckdb, relation
            assert on_duckdb, relation
