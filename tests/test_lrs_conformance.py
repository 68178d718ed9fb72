"""The LRS connector against xAPI 1.0.3 / 2.0: per-statement rules, conflicts, voids, the full
pass, and the paging shapes of conformant LRSs (the spec-following emulator in
`demo/xapi_lrs.py`) and of ralph (a real one). Statements here are small invented ones in
the shape of the spec's examples."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
import requests
from dlt.pipeline.exceptions import PipelineStepFailed

from demo.lrs import RalphServer
from demo.xapi_lrs import LrsOptions, XapiLrs
from ingestion.__main__ import main as ingestion_main
from ingestion.errors import SourceError
from ingestion.lrs import lrs_source
from ingestion.lrs.xapi import VOIDED, check_statement, content_sha256, is_duration
from tests.conftest import free_port

NOW = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}}
ADA = {"objectType": "Agent", "name": "Ada Lovelace", "mbox": "mailto:ada@example.com"}


def sid(n: int | str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://example.com/statements/{n}"))


def statement(n: int = 0, **changes: Any) -> dict:
    """A small valid statement; `n` picks its id, object and minute."""
    base = {
        "id": sid(n),
        "actor": ADA,
        "verb": COMPLETED,
        "object": {"objectType": "Activity", "id": f"http://example.com/activities/{n}"},
        "timestamp": f"2024-03-01T10:{n % 60:02d}:00Z",
    }
    base.update(changes)
    return base


def edit(value: dict, path: str, new: Any = ..., drop: bool = False) -> dict:
    """A deep copy of `value` with `path` (dotted, list indexes as numbers) set or dropped."""
    value = copy.deepcopy(value)
    *parents, last = path.split(".")
    node: Any = value
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if drop:
        del node[last]
    else:
        node[int(last) if isinstance(node, list) else last] = new
    return value


# --- valid statements: the spec's shapes ---------------------------------------------------

FULL = statement(
    1,
    object={
        "objectType": "Activity",
        "id": "http://example.com/activities/solo-hang-gliding",
        "definition": {
            "name": {"en-US": "Solo Hang Gliding", "de-DE": "Solo Drachenfliegen"},
            "description": {"en-US": "Flying alone"},
            "type": "http://adlnet.gov/expapi/activities/course",
            "moreInfo": "https://example.com/hang-gliding",
            "extensions": {"http://example.com/ext/difficulty": 3},
        },
    },
    result={
        "score": {"scaled": 0.95, "raw": 95, "min": 0, "max": 100},
        "success": True,
        "completion": True,
        "response": "We agreed on some example actions.",
        "duration": "PT1H0M0.25S",
        "extensions": {"http://example.com/profiles/meetings/resultextensions/minuteslocation": "X:\\minutes"},
    },
    context={
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "instructor": {"objectType": "Agent", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
        "team": {"objectType": "Group", "name": "Team PB", "account": {"homePage": "http://example.com", "name": "pb"}},
        "contextActivities": {
            "parent": [{"id": "http://example.com/activities/hang-gliding-class-a"}],
            "grouping": {"id": "http://example.com/activities/hang-gliding-school"},
            "category": [
                {
                    "id": "http://example.com/profiles/aviation",
                    "definition": {"type": "http://adlnet.gov/expapi/activities/profile"},
                }
            ],
        },
        "revision": "3",
        "platform": "Example virtual meeting software",
        "language": "en-GB",
        "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
        "extensions": {"http://example.com/profiles/meetings/contextextensions/topic": "Hang gliding"},
    },
    version="1.0.3",
    authority={
        "objectType": "Group",
        "member": [
            {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "4e5c1e4a"}},
            {"mbox": "mailto:bob@example.com"},
        ],
    },
    attachments=[
        {
            "usageType": "http://adlnet.gov/expapi/attachments/signature",
            "display": {"en-US": "Signature"},
            "contentType": "application/octet-stream",
            "length": 4235,
            "sha2": "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634",
        }
    ],
)
VALID = {
    "minimal": statement(0),
    "everything": FULL,
    "anonymous group": statement(
        2,
        actor={
            "objectType": "Group",
            "member": [
                {"account": {"homePage": "http://example.com/home", "name": "ada"}},
                {"openid": "http://openid.example.org/12345"},
            ],
        },
    ),
    "identified group": statement(3, actor={"objectType": "Group", "name": "Team", "mbox": "mailto:team@example.com"}),
    "agent object": statement(4, object={"objectType": "Agent", "mbox": "mailto:bob@example.com"}),
    "substatement": statement(
        5,
        verb={"id": "http://example.com/verbs/planned", "display": {"en-US": "planned"}},
        object={
            "objectType": "SubStatement",
            "actor": {"objectType": "Agent", "mbox": "mailto:test@example.com"},
            "verb": {"id": "http://example.com/verbs/visited", "display": {"en-US": "will visit"}},
            "object": {"id": "http://example.com/website", "definition": {"name": {"en-US": "Some Awesome Website"}}},
            "result": {"duration": "P1D"},
            "timestamp": "2024-04-01T10:00:00+02:00",
        },
    ),
    "statement ref": statement(6, object={"objectType": "StatementRef", "id": sid(0)}),
    "choice interaction": statement(
        7,
        object={
            "id": "http://example.com/questions/q1",
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "choice",
                "correctResponsesPattern": ["golf[,]tetris"],
                "choices": [{"id": "golf", "description": {"en-US": "Golf"}}, {"id": "tetris"}],
            },
        },
    ),
    "likert and matching": statement(
        8,
        object={
            "id": "http://example.com/questions/q2",
            "definition": {"interactionType": "matching", "source": [{"id": "a"}], "target": [{"id": "1"}]},
        },
        result={"response": "a[.]1", "duration": "P1Y2M3W4DT5H6M7.5S"},
    ),
    "xAPI 2.0": statement(
        9,
        version="2.0.0",
        context={
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": {"mbox": "mailto:coach@example.com"},
                    "relevantTypes": ["http://example.com/types/coach"],
                }
            ],
            "contextGroups": [
                {
                    "objectType": "contextGroup",
                    "group": {"objectType": "Group", "mbox": "mailto:cohort@example.com"},
                    "relevantTypes": ["http://example.com/types/cohort"],
                }
            ],
        },
    ),
    "week date, offset": statement(10, timestamp="2024-W09-5T10:00:00.123+05:30"),
}


@pytest.mark.parametrize("name", VALID)
def test_the_spec_shapes_have_no_issues(name: str) -> None:
    assert check_statement(VALID[name]).issues == []


@pytest.mark.parametrize("value", ["PT0.01S", "P3W", "P1Y2M3W4DT5H6M7.5S", "PT1H30M", "P0D", "PT1,5S"])
def test_iso_8601_durations(value: str) -> None:
    assert is_duration(value)


@pytest.mark.parametrize("value", ["1 hour", "PT", "P1DT", "PT1.5H30M", "P", "PT-5S", 3600])
def test_not_durations(value: Any) -> None:
    assert not is_duration(value)


# --- every kind of break: its code and its class --------------------------------------------

Q, F = "quarantine", "flag"
BASE = statement(20)
BREAKS = [
    ("two IFIs", edit(BASE, "actor.account", {"homePage": "http://example.com", "name": "ada"}), "actor.ifi", Q),
    ("no IFI", edit(BASE, "actor.mbox", drop=True), "actor.ifi", Q),
    ("actor as a string", edit(BASE, "actor", "ada@example.com"), "actor", Q),
    ("actor missing", edit(BASE, "actor", drop=True), "actor", Q),
    ("actor of a wrong type", edit(BASE, "actor.objectType", "Person"), "actor.objectType", Q),
    (
        "account without name",
        edit(BASE, "actor", {"account": {"homePage": "http://example.com"}}),
        "actor.account.name",
        Q,
    ),
    ("mbox not a string", edit(BASE, "actor.mbox", ["ada@example.com"]), "actor.mbox", Q),
    ("anonymous group, no members", edit(BASE, "actor", {"objectType": "Group", "name": "x"}), "actor.member", Q),
    ("verb as a string", edit(BASE, "verb", "completed"), "verb", Q),
    ("verb without id", edit(BASE, "verb.id", drop=True), "verb.id", Q),
    ("object as a list", edit(BASE, "object", [{"id": "http://example.com/a"}]), "object", Q),
    ("activity without id", edit(BASE, "object.id", drop=True), "object.id", Q),
    ("unknown object type", edit(BASE, "object.objectType", "Course"), "object.objectType", Q),
    ("statement ref without UUID", edit(BASE, "object", {"objectType": "StatementRef", "id": "42"}), "object.id", Q),
    (
        "nested substatement",
        edit(VALID["substatement"], "object.object", {"objectType": "SubStatement"}),
        "object.object.objectType",
        Q,
    ),
    ("substatement without actor", edit(VALID["substatement"], "object.actor", drop=True), "object.actor", Q),
    ("id not a UUID", edit(BASE, "id", "statement-20"), "id", Q),
    ("id missing", edit(BASE, "id", drop=True), "id", Q),
    ("naive timestamp", edit(BASE, "timestamp", "2024-03-01T10:20:00"), "timestamp.naive", Q),
    ("date only", edit(BASE, "timestamp", "2024-03-01"), "timestamp", Q),
    ("timestamp a number", edit(BASE, "timestamp", 1709287200), "timestamp", Q),
    ("timestamp missing", edit(BASE, "timestamp", drop=True), "timestamp", Q),
    ("result as a string", edit(BASE, "result", "passed"), "result", Q),
    ("raw not a number", edit(BASE, "result", {"score": {"raw": "80"}}), "result.score.raw", Q),
    ("success not a boolean", edit(BASE, "result", {"success": "yes"}), "result.success", Q),
    ("scaled out of range", edit(BASE, "result", {"score": {"scaled": 85}}), "result.score.scaled", F),
    ("raw above max", edit(BASE, "result", {"score": {"raw": 120, "min": 0, "max": 100}}), "result.score.raw", F),
    ("duration not ISO 8601", edit(BASE, "result", {"duration": "90 minutes"}), "result.duration", F),
    ("response not a string", edit(BASE, "result", {"response": 42}), "result.response", F),
    ("mbox without mailto", edit(BASE, "actor.mbox", "ada@example.com"), "actor.mbox", F),
    ("sha1 not 40 hex", edit(BASE, "actor", {"mbox_sha1sum": "abc"}), "actor.mbox_sha1sum", F),
    ("account without homePage", edit(BASE, "actor", {"account": {"name": "ada"}}), "actor.account.homePage", F),
    (
        "group member without IFI",
        edit(VALID["anonymous group"], "actor.member.1", {"name": "x"}),
        "actor.member.ifi",
        F,
    ),
    ("verb id not an IRI", edit(BASE, "verb.id", "completed"), "verb.id", F),
    ("display not a language map", edit(BASE, "verb.display", "completed"), "verb.display", F),
    ("language tag", edit(BASE, "object.definition", {"name": {"english": "x"}}), "object.definition.name", F),
    ("activity type not an IRI", edit(BASE, "object.definition", {"type": "course"}), "object.definition.type", F),
    (
        "interaction type",
        edit(BASE, "object.definition", {"interactionType": "essay"}),
        "object.definition.interactionType",
        F,
    ),
    (
        "choices on likert",
        edit(BASE, "object.definition", {"interactionType": "likert", "choices": [{"id": "a"}]}),
        "object.definition.choices",
        F,
    ),
    ("extension key", edit(BASE, "result", {"extensions": {"minutes": 3}}), "result.extensions", F),
    ("context language", edit(BASE, "context", {"language": "english"}), "context.language", F),
    ("registration not a UUID", edit(BASE, "context", {"registration": "r-1"}), "context.registration", F),
    (
        "instructor with two IFIs",
        edit(BASE, "context", {"instructor": {**ADA, "openid": "http://o.example/1"}}),
        "context.instructor.ifi",
        F,
    ),
    ("team not a group", edit(BASE, "context", {"team": ADA}), "context.team.objectType", F),
    (
        "platform with an agent object",
        edit(VALID["agent object"], "context", {"platform": "LMS"}),
        "context.platform",
        F,
    ),
    (
        "context activities key",
        edit(BASE, "context", {"contextActivities": {"parents": []}}),
        "context.contextActivities.unknown",
        F,
    ),
    ("context as a string", edit(BASE, "context", "course 1"), "context", F),
    ("substatement with id", edit(VALID["substatement"], "object.id", sid(99)), "object.id", F),
    ("substatement stored", edit(VALID["substatement"], "object.stored", "2024-03-01T10:00:00Z"), "object.stored", F),
    ("voiding an activity", edit(BASE, "verb", {"id": VOIDED}), "object.objectType", F),
    ("offset -00:00", edit(BASE, "timestamp", "2024-03-01T10:20:00-00:00"), "timestamp.offset", F),
    ("stored naive", edit(BASE, "stored", "2024-03-01T10:20:00"), "stored.naive", F),
    ("version 0.95", edit(BASE, "version", "0.95"), "version", F),
    ("attachment without sha2", edit(FULL, "attachments.0.sha2", drop=True), "attachments.sha2", F),
    ("unknown property", edit(BASE, "grade", "A"), "statement.unknown", F),
    ("null result", edit(BASE, "result", None), "result", F),
]


@pytest.mark.parametrize(("mutated", "code", "kind"), [case[1:] for case in BREAKS], ids=[case[0] for case in BREAKS])
def test_each_break_is_named_and_classed(mutated: dict, code: str, kind: str) -> None:
    verdict = check_statement(mutated)
    matching = [issue for issue in verdict.issues if issue.code == code]
    assert matching, f"no {code} in {[str(issue) for issue in verdict.issues]}"
    assert {issue.blocking for issue in matching} == {kind == Q}
    assert verdict.usable == (kind == F)


def test_issue_text_names_the_rule() -> None:
    verdict = check_statement(BREAKS[0][1])
    assert verdict.reason() == "actor.ifi: exactly one inverse functional identifier (found 2)"


@pytest.mark.parametrize("entry", [None, "statement", 42, 4.2, True, [statement(1)], {}, {"id": []}])
def test_anything_at_all_gets_a_verdict(entry: Any) -> None:
    verdict = check_statement(entry)
    assert not verdict.usable and verdict.blocking


def test_values_no_warehouse_holds_are_blocking() -> None:
    verdict = check_statement(edit(BASE, "result", {"score": {"raw": float("inf")}}))
    assert "statement.value: the number inf does not fit a double, which the warehouse cannot store" in verdict.blocking
    deep: dict = {}
    node = deep
    for _ in range(300):
        node["a"] = node = {}
    verdict = check_statement(edit(BASE, "result", {"extensions": {"http://example.com/ext/deep": deep}}))
    assert verdict.blocking == ["statement.value: nested deeper than 200 levels, which the warehouse cannot store"]


def test_content_hash_ignores_stored_authority_and_order() -> None:
    original = statement(1)
    again = {**dict(reversed(list(original.items()))), "stored": "2024-05-01T00:00:00Z", "authority": ADA}
    assert content_sha256(again) == content_sha256(original)
    assert content_sha256(edit(original, "result", {"success": True})) != content_sha256(original)


# --- the connector against the spec-following emulator ---------------------------------------


@pytest.fixture
def lrs() -> Iterator[XapiLrs]:
    with XapiLrs(password=secrets.token_urlsafe(10), options=LrsOptions(max_limit=4)) as server:
        yield server


def pipeline(tmp_path: Path) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name="lrs_conformance",
        destination=dlt.destinations.duckdb(str(tmp_path / "wh.duckdb")),
        dataset_name="raw_lms",
        pipelines_dir=str(tmp_path / "pipelines"),
    )


def load(lrs: XapiLrs, tmp_path: Path, **options: Any) -> dlt.Pipeline:
    pipe = pipeline(tmp_path)
    pipe.run(lrs_source(base_url=lrs.url, username=lrs.username, password=lrs.password, page_size=4, **options))
    return pipe


def query(tmp_path: Path, sql: str, *params: Any) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def one(tmp_path: Path, sql: str, *params: Any) -> Any:
    return query(tmp_path, sql, *params)[0][0]


def units(tmp_path: Path, load_index: int = -1) -> list[tuple]:
    """(unit, received, loaded, quarantined, rejected, reason) of one load, in unit order."""
    loads = [row[0] for row in query(tmp_path, "select distinct load_id from raw_lms.load_reconciliation order by 1")]
    return query(
        tmp_path,
        "select unit, received, loaded, quarantined, rejected, reason from raw_lms.load_reconciliation"
        " where load_id = ? order by unit",
        loads[load_index],
    )


def cursor_state(pipe: dlt.Pipeline) -> dict:
    return pipe.state["sources"]["lrs"]["resources"]["statements"]


def assert_balanced(tmp_path: Path) -> None:
    unbalanced = query(
        tmp_path,
        "select unit from raw_lms.load_reconciliation where not rejected and received <> loaded + quarantined",
    )
    assert unbalanced == []


def test_spec_examples_load_clean(lrs: XapiLrs, tmp_path: Path) -> None:
    lrs.add(*VALID.values())
    load(lrs, tmp_path)
    assert one(tmp_path, "select count(*) from raw_lms.statements") == len(VALID)
    assert one(tmp_path, "select count(*) from raw_lms.statements where conformance_issues::varchar = '[]'") == len(
        VALID
    )
    assert query(tmp_path, "select count(*) from information_schema.tables where table_name = 'quarantine'") == [(0,)]
    row = query(
        tmp_path,
        "select object_type, object_id, verb_id, actor_account_name, content_sha256, is_voided, voided_by"
        " from raw_lms.statements where id = ?",
        sid(5),
    )
    assert row == [
        (
            "SubStatement",
            None,
            "http://example.com/verbs/planned",
            "ada@example.com",
            content_sha256(VALID["substatement"]),
            False,
            None,
        )
    ]
    assert one(tmp_path, "select timestamp from raw_lms.statements where id = ?", sid(10)) == datetime(
        2024, 3, 1, 4, 30, 0, 123000, tzinfo=UTC
    )
    # the first load is a full pass: 11 statements on 3 pages of 4
    assert units(tmp_path) == [
        ("full pass page 1", 4, 4, 0, False, None),
        ("full pass page 2", 4, 4, 0, False, None),
        ("full pass page 3", 3, 3, 0, False, None),
    ]


def test_lenient_breaks_load_with_their_issues(lrs: XapiLrs, tmp_path: Path) -> None:
    flagged = edit(statement(1, context={"language": "english"}), "result", {"score": {"scaled": 1.5}})
    lrs.add(flagged)
    load(lrs, tmp_path)
    issues = json.loads(one(tmp_path, "select conformance_issues from raw_lms.statements where id = ?", sid(1)))
    assert issues == [
        "result.score.scaled: 1.5 is outside [-1, 1]",
        'context.language: not an RFC 5646 language tag (a string "english")',
    ]


def test_junk_in_the_statements_array_is_quarantined_and_the_load_goes_on(lrs: XapiLrs, tmp_path: Path) -> None:
    junk = [
        None,
        "a statement",
        42,
        [statement(90)],
        statement(91, verb="completed"),
        statement(92, actor="ada@example.com"),
        statement(93, object=[{"id": "http://example.com/a"}]),
        statement(94, timestamp="2024-03-01T10:00:00"),
        # values no warehouse column holds verbatim (dlt's JSON writer, PostgreSQL)
        statement(95, result={"extensions": {"http://example.com/ext/big": 10**30}}),
        statement(96, actor={"name": "Ada\u0000", "mbox": "mailto:ada@example.com"}),
    ]
    lrs.add(statement(1), *junk, statement(2))
    load(lrs, tmp_path)
    assert {row[0] for row in query(tmp_path, "select id from raw_lms.statements")} == {sid(1), sid(2)}
    reasons = dict(query(tmp_path, "select record_key, reason from raw_lms.quarantine"))
    assert len(reasons) == 10
    assert reasons[sid(91)] == 'verb: not an object (a string "completed")'
    assert reasons[sid(92)] == 'actor: not an Agent or Group object (a string "ada@example.com")'
    assert reasons[sid(93)] == "object: not an object (a list)"
    assert reasons[sid(94)] == 'timestamp.naive: a string "2024-03-01T10:00:00" has no time zone offset'
    assert reasons[sid(95)] == (
        "statement.value: the integer 100000000000000000000000000000... does not fit 64 bits,"
        " which the warehouse cannot store"
    )
    assert reasons[sid(96)] == (
        'statement.value: a string "Ada\\u0000" holds a NUL character (U+0000), which the warehouse cannot store'
    )
    assert sorted(reason for key, reason in reasons.items() if key.startswith("sha256:")) == [
        "statement: not a JSON object (a list)",
        "statement: not a JSON object (a number 42)",
        'statement: not a JSON object (a string "a statement")',
        "statement: not a JSON object (null)",
    ]
    assert one(tmp_path, "select payload from raw_lms.quarantine where record_key = ?", sid(93)) == json.dumps(
        lrs_payload(lrs, sid(93)), sort_keys=True
    )
    assert units(tmp_path) == [
        ("full pass page 1", 4, 1, 3, False, None),
        ("full pass page 2", 4, 0, 4, False, None),
        ("full pass page 3", 4, 1, 3, False, None),
    ]


def lrs_payload(lrs: XapiLrs, statement_id: str) -> dict:
    return next(e.value for e in lrs._entries if isinstance(e.value, dict) and e.value.get("id") == statement_id)


def test_statements_without_id_get_one_quarantine_row_each(lrs: XapiLrs, tmp_path: Path) -> None:
    lrs.add(*(edit(statement(n), "id", drop=True) for n in range(3)))
    load(lrs, tmp_path)
    keys = [row[0] for row in query(tmp_path, "select record_key from raw_lms.quarantine where reason = 'id: missing'")]
    assert len(keys) == 3 and all(key.startswith("sha256:") and len(key) == 71 for key in keys)
    load(lrs, tmp_path, full=True)  # read again: the same three rows
    assert one(tmp_path, "select count(*) from raw_lms.quarantine") == 3


def test_same_id_with_other_content_first_wins_and_the_conflict_is_quarantined(lrs: XapiLrs, tmp_path: Path) -> None:
    first = statement(1, result={"success": True})
    second = edit(first, "result.success", False)
    lrs.add(first, second)
    load(lrs, tmp_path)
    assert query(tmp_path, "select content_sha256, statement->>'$.result.success' from raw_lms.statements") == [
        (content_sha256(first), "true")
    ]
    conflict = query(tmp_path, "select record_key, reason, payload from raw_lms.quarantine")
    assert len(conflict) == 1
    assert conflict[0][0] == sid(1)
    assert conflict[0][1].startswith(f"id conflict: content sha256:{content_sha256(second)[:16]} differs from the")
    assert json.loads(conflict[0][2])["result"] == {"success": False}
    # across runs: the same conflict is not written twice, a third version is its own row,
    # and the first version coming again is just a repeat
    third = edit(first, "result.completion", True)
    lrs.add(second, third, first)
    load(lrs, tmp_path, full=True)
    assert one(tmp_path, "select count(*) from raw_lms.quarantine where record_key = ?", sid(1)) == 2
    assert query(tmp_path, "select content_sha256 from raw_lms.statements") == [(content_sha256(first),)]
    assert_balanced(tmp_path)


def test_same_id_same_content_twice_is_one_row(lrs: XapiLrs, tmp_path: Path) -> None:
    original = statement(1)
    lrs.add(original, dict(reversed(list(original.items()))))  # stored differs, order differs
    load(lrs, tmp_path)
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 1
    assert query(tmp_path, "select count(*) from information_schema.tables where table_name = 'quarantine'") == [(0,)]
    assert units(tmp_path) == [("full pass page 1", 2, 2, 0, False, None)]


def test_a_naive_timestamp_is_quarantined_and_never_moves_the_cursor(lrs: XapiLrs, tmp_path: Path) -> None:
    lrs.add(statement(1), statement(7), statement(3, timestamp="2030-01-01T00:00:00"))
    pipe = load(lrs, tmp_path)
    assert one(tmp_path, "select reason from raw_lms.quarantine") == (
        'timestamp.naive: a string "2030-01-01T00:00:00" has no time zone offset'
    )
    assert cursor_state(pipe)["max_timestamp"] == "2024-03-01T10:07:00+00:00"


def test_the_full_pass_finds_what_the_since_query_cannot_see(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # ralph's behaviour: `since` on `timestamp`, and a timestamp it cannot parse never matches
    with XapiLrs(options=LrsOptions(max_limit=4, since_on="timestamp", last_more="missing")) as lrs:
        lrs.add(statement(1), statement(2), statement(3))
        pipe = load(lrs, tmp_path)
        assert cursor_state(pipe)["max_timestamp"] == "2024-03-01T10:03:00+00:00"
        # stored later: one with a timestamp ralph cannot parse, one long before the window
        lrs.add(statement(4, timestamp="2024-03-01t10:04:00z"), statement(5, timestamp="2023-01-01T00:00:00Z"))
        load(lrs, tmp_path)
        assert one(tmp_path, "select count(*) from raw_lms.statements") == 3, "the since query misses both"
        assert units(tmp_path) == [("page 1 (since=2024-02-27T10:03:00+00:00)", 3, 3, 0, False, None)]
        caplog.set_level(logging.INFO, logger="ingestion.lrs")
        load(lrs, tmp_path, full=True)
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 5
    assert units(tmp_path) == [
        ("full pass page 1", 4, 4, 0, False, "found 1 not seen before"),
        ("full pass page 2", 1, 1, 0, False, "found 1 not seen before"),
        ("page 1 (since=2024-02-27T10:03:00+00:00)", 3, 3, 0, False, None),
    ]
    assert "full pass read 5 statements on 2 pages; 2 had not been seen before" in caplog.text
    issues = json.loads(one(tmp_path, "select conformance_issues from raw_lms.statements where id = ?", sid(4)))
    assert issues == ["timestamp.case: a lower-case 't' or 'z' (ISO 8601 writes 'T' and 'Z')"]


def test_the_full_pass_runs_again_after_lrs_full_pass_days(
    lrs: XapiLrs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lrs.add(statement(1))
    pipe = load(lrs, tmp_path)
    first_pass = cursor_state(pipe)["last_full_pass"]
    load(lrs, tmp_path)  # within 7 days: incremental only
    assert [unit for unit, *_ in units(tmp_path)] == ["page 1 (since=2024-02-27T10:01:00+00:00)"]
    monkeypatch.setenv("LRS_FULL_PASS_DAYS", "0")
    pipe = load(lrs, tmp_path)
    assert [unit for unit, *_ in units(tmp_path)] == ["full pass page 1", "page 1 (since=2024-02-27T10:01:00+00:00)"]
    assert cursor_state(pipe)["last_full_pass"] > first_pass


def test_substatements_load(lrs: XapiLrs, tmp_path: Path) -> None:
    nested = edit(VALID["substatement"], "object.object", {"objectType": "SubStatement"})
    with_id = edit(edit(VALID["substatement"], "object.id", sid(9)), "id", sid(51))
    lrs.add(VALID["substatement"], edit(nested, "id", sid(50)), with_id)
    load(lrs, tmp_path)
    assert dict(query(tmp_path, "select id, conformance_issues::varchar from raw_lms.statements")) == {
        sid(5): "[]",
        sid(51): '["object.id: not allowed in a SubStatement"]',
    }
    assert one(tmp_path, "select reason from raw_lms.quarantine where record_key = ?", sid(50)) == (
        "object.object.objectType: a SubStatement cannot contain a SubStatement"
    )


def voiding(n: int, target: str) -> dict:
    return statement(
        n, verb={"id": VOIDED, "display": {"en-US": "voided"}}, object={"objectType": "StatementRef", "id": target}
    )


def test_a_voided_statement_is_marked_and_kept(lrs: XapiLrs, tmp_path: Path) -> None:
    lrs.add(statement(1), statement(2))
    load(lrs, tmp_path)
    # voided after it was loaded: the LRS stops serving it, the warehouse marks it
    lrs.add(voiding(10, sid(1)))
    # stored and voided before the connector ever saw it: read by voidedStatementId
    lrs.add(statement(3), voiding(11, sid(3)))
    load(lrs, tmp_path)
    rows = query(
        tmp_path, "select id, is_voided, voided_by, object_type, object_id from raw_lms.statements order by id"
    )
    assert sorted(rows) == sorted(
        [
            (sid(1), True, sid(10), "Activity", "http://example.com/activities/1"),
            (sid(2), False, None, "Activity", "http://example.com/activities/2"),
            (sid(3), True, sid(11), "Activity", "http://example.com/activities/3"),
            (sid(10), False, None, "StatementRef", sid(1)),
            (sid(11), False, None, "StatementRef", sid(3)),
        ]
    )
    assert ("voided statements", 2, 2, 0, False, "read again to mark them voided") in units(tmp_path)
    asked = [r["query"] for r in lrs.requests if "voidedStatementId" in r["query"]]
    assert {q["voidedStatementId"] for q in asked} == {sid(3)}, "sid(1) came from the warehouse"
    assert_balanced(tmp_path)


def test_a_statement_voided_later_in_the_same_load_is_marked(tmp_path: Path) -> None:
    # an LRS that still serves voided statements (ralph): both arrive, the void second
    with XapiLrs(options=LrsOptions(max_limit=4, hide_voided=False)) as lrs:
        lrs.add(statement(1), statement(2), voiding(3, sid(1)))
        marked = "select id, is_voided, voided_by from raw_lms.statements where id = ?"
        load(lrs, tmp_path)  # written twice in one load: the merge keeps the marked row
        assert query(tmp_path, marked, sid(1)) == [(sid(1), True, sid(3))]
        load(lrs, tmp_path)  # and a re-read keeps the mark
    assert query(tmp_path, marked, sid(1)) == [(sid(1), True, sid(3))]
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 3


@pytest.mark.parametrize(
    ("more", "last_more"),
    [("relative", "empty"), ("absolute", "missing"), ("endpoint", "null"), ("relative", "missing")],
)
def test_more_links_in_every_form(more: str, last_more: str, tmp_path: Path) -> None:
    with XapiLrs(options=LrsOptions(max_limit=4, more=more, last_more=last_more)) as lrs:
        lrs.add(*(statement(n) for n in range(10)))
        load(lrs, tmp_path)
        followed = [r["query"].get("more") is not None for r in lrs.requests]
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 10
    assert [row[:2] for row in units(tmp_path)] == [
        ("full pass page 1", 4),
        ("full pass page 2", 4),
        ("full pass page 3", 2),
    ]
    assert followed == [False, True, True]


def test_consistent_through_caps_the_cursor(tmp_path: Path) -> None:
    through = datetime(2024, 3, 1, 10, 2, tzinfo=UTC)
    with XapiLrs(options=LrsOptions(consistent_through=through)) as lrs:
        lrs.add(*(statement(n) for n in range(10)))
        pipe = load(lrs, tmp_path)
    assert cursor_state(pipe)["max_timestamp"] == "2024-03-01T10:02:00+00:00"


def test_multipart_answers_with_attachments(tmp_path: Path) -> None:
    with XapiLrs(options=LrsOptions(max_limit=4, multipart=True)) as lrs:
        content = b"signed by Ada"
        sha2 = lrs.add_attachment(content)
        signed = edit(FULL, "attachments.0", {**FULL["attachments"][0], "sha2": sha2, "length": len(content)})
        lrs.add(signed, *(statement(n) for n in range(2, 7)))
        load(lrs, tmp_path)
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 6
    assert (
        one(tmp_path, "select statement->>'$.attachments[0].sha2' from raw_lms.statements where id = ?", sid(1)) == sha2
    )
    assert sha2 == hashlib.sha256(content).hexdigest()
    tables = {row[0] for row in query(tmp_path, "select table_name from information_schema.tables")}
    assert not any("attachment" in table for table in tables)


def test_429_and_503_are_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGESTION_BACKOFF_FACTOR", "0.05")
    with XapiLrs(options=LrsOptions(max_limit=4, faults=[429, 503], retry_after=1)) as lrs:
        lrs.add(*(statement(n) for n in range(6)))
        load(lrs, tmp_path)
        assert lrs.faults_served == 2
        assert len(lrs.requests) == 4  # page 1 three times, page 2 once
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 6


def test_a_broken_page_is_rejected_and_read_again_next_run(tmp_path: Path) -> None:
    with XapiLrs(options=LrsOptions(max_limit=4, broken_page=2)) as lrs:
        lrs.add(*(statement(n) for n in range(10)))
        pipe = load(lrs, tmp_path)
        assert one(tmp_path, "select count(*) from raw_lms.statements") == 4
        assert units(tmp_path) == [
            ("full pass page 1", 4, 4, 0, False, None),
            (
                "full pass page 2",
                0,
                0,
                0,
                True,
                'not JSON (Content-Type text/html, 39 bytes: "<html><body>Gateway error</body></html>");'
                " paging stopped, the next run reads this window again",
            ),
        ]
        assert "last_full_pass" not in cursor_state(pipe) and "max_timestamp" not in cursor_state(pipe)
        lrs.options.broken_page = 0
        load(lrs, tmp_path)
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 10


def test_a_first_page_that_is_not_xapi_fails_the_run(tmp_path: Path) -> None:
    with XapiLrs(options=LrsOptions(broken_page=1)) as lrs, pytest.raises(PipelineStepFailed) as failure:
        load(lrs, tmp_path)
    cause = failure.value
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
    assert isinstance(cause, SourceError)
    assert str(cause).startswith("lrs: GET /xAPI/statements did not answer with statements: not JSON")


def test_a_more_link_to_another_host_is_not_followed(tmp_path: Path) -> None:
    with XapiLrs(options=LrsOptions(max_limit=4, foreign_more=True)) as lrs:
        lrs.add(*(statement(n) for n in range(6)))
        pipe = load(lrs, tmp_path)
    assert units(tmp_path) == [
        (
            "full pass page 1",
            4,
            4,
            0,
            False,
            "paging stopped: the 'more' link leaves the LRS (http://lrs.elsewhere.example:80);"
            " not followed with its credentials",
        )
    ]
    assert "last_full_pass" not in cursor_state(pipe)


def test_requests_follow_the_spec_and_2_0_answers_are_read(tmp_path: Path) -> None:
    with XapiLrs(options=LrsOptions(version="2.0.0")) as lrs:
        lrs.add(statement(1, version="2.0.0"))
        load(lrs, tmp_path)
        first = lrs.requests[0]
    assert first["headers"]["X-Experience-API-Version"] == "1.0.3"
    assert first["query"] == {"limit": "4", "ascending": "true", "format": "exact"}
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 1


def test_command_line_full_flag(lrs: XapiLrs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    lrs.add(statement(1), None)
    monkeypatch.setenv("LRS_URL", lrs.url)
    monkeypatch.setenv("LRS_USERNAME", lrs.username)
    monkeypatch.setenv("LRS_PASSWORD", lrs.password)
    assert ingestion_main(["lrs", "--full", "--dry-run"]) == 0
    output = capsys.readouterr().out
    assert "statements" in output and "quarantine" in output
    with pytest.raises(SystemExit) as refused:
        ingestion_main(["framework", "--full"])
    assert refused.value.code == 2


def test_the_emulator_answers_as_the_spec_says(lrs: XapiLrs) -> None:
    headers = {"X-Experience-API-Version": "1.0.3"}
    auth = (lrs.username, lrs.password)
    early, late = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
    lrs.add(statement(1), stored=early)
    lrs.add(statement(2), voiding(3, sid(1)), stored=late)
    url = f"{lrs.url}/xAPI/statements"

    def ids(**params: str) -> list[str]:
        answer = requests.get(url, params=params, headers=headers, auth=auth, timeout=10)
        assert answer.headers["X-Experience-API-Consistent-Through"]
        return [s["id"] for s in answer.json()["statements"]]

    # since/until on `stored` (exclusive/inclusive); the voided statement is left out of lists
    assert ids(until="2024-01-15T00:00:00Z") == []
    assert ids(since="2024-01-15T00:00:00Z", ascending="true") == [sid(2), sid(3)]
    assert ids() == [sid(3), sid(2)]  # newest stored first by default
    voided = requests.get(url, params={"voidedStatementId": sid(1)}, headers=headers, auth=auth, timeout=10)
    assert voided.json()["id"] == sid(1)
    hidden = requests.get(url, params={"statementId": sid(1)}, headers=headers, auth=auth, timeout=10)
    assert hidden.status_code == 404
    assert requests.get(url, auth=auth, timeout=10).status_code == 400  # no version header
    assert requests.get(url, headers=headers, auth=(lrs.username, "wrong"), timeout=10).status_code == 401


# --- ralph, a real LRS, with the odd timestamps it stores ---------------------------------------


@pytest.fixture(scope="module")
def odd_ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphServer]:
    """Ralph holding statements whose timestamps its own `since` filter cannot read."""
    server = RalphServer(tmp_path_factory.mktemp("odd-ralph"), free_port(), "tester", secrets.token_urlsafe(12))
    server.reset_store()
    server.start()
    batch = tmp_path_factory.mktemp("odd-batch") / "statements.jsonl"
    odd = [
        statement(1),
        statement(2),
        statement(3, timestamp="2024-03-01t10:03:00z"),  # Python's parser (ralph's) refuses it
        statement(4, timestamp=1709287440),  # a number: ralph keeps it
        statement(5, timestamp="2024-03-01T10:05:00"),  # no offset: every `since` query then fails
    ]
    batch.write_text("\n".join(json.dumps(s) for s in odd))
    server.fill(batch, "odd")  # ralph's file backend takes one bulk write
    yield server
    server.stop()


def test_ralph_odd_timestamps_nothing_lost(
    odd_ralph: RalphServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INGESTION_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("INGESTION_BACKOFF_FACTOR", "0.05")

    def run(**options: Any) -> dlt.Pipeline:
        pipe = pipeline(tmp_path)
        pipe.run(
            lrs_source(base_url=odd_ralph.url, username=odd_ralph.username, password=odd_ralph.password, **options)
        )
        return pipe

    run()
    assert sorted(row[0] for row in query(tmp_path, "select id from raw_lms.statements")) == sorted(
        [sid(1), sid(2), sid(3)]
    )
    assert dict(query(tmp_path, "select record_key, reason from raw_lms.quarantine")) == {
        sid(4): "timestamp: not an ISO 8601 date and time (a number 1709287440)",
        sid(5): 'timestamp.naive: a string "2024-03-01T10:05:00" has no time zone offset',
    }
    # ralph answers 500 to `since` now: the run reads everything instead, and says so
    run()
    assert [row for row in units(tmp_path) if row[4]] == [
        (
            "page 1 (since=2024-02-27T10:03:00+00:00)",
            0,
            0,
            0,
            True,
            "lrs: HTTP 500 on /xAPI/statements: the LRS cannot answer this query; read everything instead",
        )
    ]
    assert [row[:4] for row in units(tmp_path) if not row[4]] == [("full pass page 1", 5, 3, 2)]
    # a statement an earlier connector lost (never returned by `since`) is found again
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        con.execute("delete from raw_lms.statements where id = ?", [sid(3)])
    run(full=True)
    assert one(tmp_path, "select count(*) from raw_lms.statements") == 3
    assert ("full pass page 1", 5, 3, 2, False, "found 1 not seen before") in units(tmp_path)
    assert one(tmp_path, "select count(*) from raw_lms.quarantine") == 2


@pytest.mark.postgres
def test_conflicts_and_voids_across_runs_on_postgres(lrs: XapiLrs, postgres_url: str, tmp_path: Path) -> None:
    """The ledger reads the destination back (hashes, voids, quarantine payloads): on
    PostgreSQL too, where JSON comes back as objects and placeholders differ."""
    pipe = dlt.pipeline(
        pipeline_name="lrs_conformance_pg",
        # the throwaway cluster trusts its Unix socket (the `host` query parameter); dlt still
        # wants a host name and a password in the URL
        destination=dlt.destinations.postgres(
            postgres_url.replace("postgresql://postgres@/", "postgresql://postgres:trusted@localhost/")
        ),
        dataset_name="raw_lms_conformance",
        pipelines_dir=str(tmp_path / "pipelines"),
    )

    def run(**options: Any) -> None:
        pipe.run(lrs_source(base_url=lrs.url, username=lrs.username, password=lrs.password, page_size=4, **options))

    first = statement(1, result={"success": True})
    lrs.add(first, statement(2), edit(statement(3), "id", drop=True))
    run()
    lrs.add(edit(first, "result.success", False), voiding(10, sid(2)))
    run()
    run(full=True)
    with pipe.sql_client() as client:
        statements = client.execute_sql("select id, content_sha256, voided_by from statements order by id")
        quarantine = client.execute_sql("select record_key, reason from quarantine order by record_key")
    assert sorted(statements) == sorted(
        [
            (sid(1), content_sha256(first), None),
            (sid(2), content_sha256(lrs_payload(lrs, sid(2))), sid(10)),
            (sid(10), content_sha256(voiding(10, sid(2))), None),
        ]
    )
    assert [key for key, _ in quarantine] == sorted([sid(1), next(k for k, _ in quarantine if k.startswith("sha256:"))])
    assert next(reason for key, reason in quarantine if key == sid(1)).startswith("id conflict: ")
