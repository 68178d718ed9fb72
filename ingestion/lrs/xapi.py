"""Checking one xAPI statement against xAPI 1.0.3 and 2.0 (IEEE 9274.1.1), as an LRS serves it.

`check_statement` never raises, whatever it is given (`null`, a string, a list, a statement
with strings where objects belong), and returns a `Verdict`: every rule the statement
breaks as an `Issue` (a short stable code naming the property and the rule, and a message:
`actor.ifi: exactly one inverse functional identifier (found 2)`), plus the values the
connector needs once they are known to be sound (the UUID, the timestamps, the voided
statement's id).

Each rule is in one of two classes:

- **blocking** (the statement is quarantined): the warehouse cannot use it: it is not an
  object; it has no UUID `id`; who did it (actor), what they did (verb id) or to what
  (object) cannot be resolved; the `timestamp` is missing, does not parse or has no offset;
  or a value the models cast has the wrong JSON type (`result` not an object, a score that
  is not a number, `success`/`completion` that are not booleans); or a value no warehouse
  can hold verbatim (a NUL character, an integer beyond 64 bits, a number beyond a double).
  A SubStatement's actor, verb and object are what its statement is about: the same
  blocking rules apply to them; its result, context and timestamp are only kept, so their
  rules flag.
- **flag** (the statement loads and the issue is listed in `conformance_issues`): a rule a
  lenient consumer can live with: IRIs that are not absolute, language tags that are not
  RFC 5646, extension keys that are not IRIs, a score out of its range, a duration that is
  not ISO 8601, anything in `context`, `authority` or `attachments`, group members,
  a SubStatement carrying `id`/`stored`/`version`/`authority`, a `stored` that does not
  parse, a `version` other than 1.0.x/2.0.x, properties the spec does not define, nulls.

A code is the property's path (`context.contextActivities.parent.id`; list positions are in
the message), with the rule after it where a property has more than one (`timestamp.naive`).
The README of `ingestion/` lists the classes in a table; change it with this module.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

VOIDED = "http://adlnet.gov/expapi/verbs/voided"

STATEMENT_PROPERTIES = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
SUBSTATEMENT_PROPERTIES = {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
NOT_IN_SUBSTATEMENT = ("id", "stored", "version", "authority")
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_PROPERTIES = {"objectType", "name", *IFIS}
GROUP_PROPERTIES = {*AGENT_PROPERTIES, "member"}
VERB_PROPERTIES = {"id", "display"}
ACTIVITY_PROPERTIES = {"objectType", "id", "definition"}
DEFINITION_PROPERTIES = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
INTERACTION_COMPONENTS = {
    "choice": ("choices",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "true-false": (),
    "fill-in": (),
    "long-fill-in": (),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
RESULT_PROPERTIES = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_PROPERTIES = {"scaled", "raw", "min", "max"}
CONTEXT_PROPERTIES = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "contextAgents",  # 2.0
    "contextGroups",  # 2.0
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")
ATTACHMENT_PROPERTIES = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# An absolute IRI: a scheme, a colon, and no characters RFC 3987 forbids (spaces, <>"{}|\^`).
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+")
_MAILTO = re.compile(r"mailto:[^@\s]+@[^@\s]+", re.IGNORECASE)
_SHA1 = re.compile(r"[0-9a-fA-F]{40}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_VERSION = re.compile(r"[12]\.0(\.\d+)?")
_MEDIA_TYPE = re.compile(r"[\w.+\-]+/[\w.+\-]+(\s*;.*)?")

# RFC 5646 well-formed language tags (case-insensitive), with a 2-3 letter primary language:
# the grammar also allows 4-8 letters, but no such language subtag is registered, and it is
# how "english" or "French" would pass.
_LANGTAG = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|\d[a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+)",  # private use only
    re.IGNORECASE,
)
# RFC 5646 grandfathered tags (irregular and regular).
_GRANDFATHERED = {
    "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
    "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de", "art-lojban",
    "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang",
}  # fmt: skip

# ISO 8601 date and time: calendar, week or ordinal date, extended or basic format, a time of
# reduced precision or with a decimal fraction of a second, and Z or an offset.
_TIMESTAMP = re.compile(
    r"(?P<year>\d{4})-?(?:(?P<month>\d{2})-?(?P<day>\d{2})|W(?P<week>\d{2})-?(?P<weekday>\d)|(?P<ordinal>\d{3}))"
    r"(?P<sep>[Tt ])(?P<hour>\d{2})(?::?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?)?"
    r"(?:(?P<zulu>[Zz])|(?P<sign>[+-])(?P<off_h>\d{2})(?::?(?P<off_m>\d{2}))?)?"
)
_NUMBER = r"\d+(?:[.,]\d+)?"
# ISO 8601 duration (4.4.3.2): PnYnMnWnDTnHnMnS, a decimal fraction on the smallest unit only.
_DURATION = re.compile(
    rf"P(?:({_NUMBER})Y)?(?:({_NUMBER})M)?(?:({_NUMBER})W)?(?:({_NUMBER})D)?"
    rf"(?:T(?:({_NUMBER})H)?(?:({_NUMBER})M)?(?:({_NUMBER})S)?)?"
)


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    blocking: bool

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


MAX_FLAGS = 50  # a statement with thousands of unknown keys should not make a huge row


@dataclass
class Verdict:
    """What `check_statement` found; `statement_id`, `timestamp` and `stored` only when sound."""

    issues: list[Issue] = field(default_factory=list)
    statement_id: str | None = None  # lower-case UUID
    timestamp: datetime | None = None  # UTC
    stored: datetime | None = None  # UTC
    voids: str | None = None  # the id a voiding statement voids (lower-case UUID)

    @property
    def usable(self) -> bool:
        return not any(issue.blocking for issue in self.issues)

    @property
    def blocking(self) -> list[str]:
        return [str(issue) for issue in self.issues if issue.blocking]

    @property
    def flags(self) -> list[str]:
        flags = [str(issue) for issue in self.issues if not issue.blocking]
        if len(flags) > MAX_FLAGS:
            flags = [*flags[: MAX_FLAGS - 1], f"statement.more: {len(flags) - MAX_FLAGS + 1} more issues not listed"]
        return flags

    def reason(self) -> str:
        """The quarantine reason: every blocking issue, then the flags."""
        text = "; ".join(self.blocking)
        return text + (" | also flagged: " + "; ".join(self.flags) if self.flags else "")


def describe(value: Any) -> str:
    """A short, safe description of a JSON value for a message."""
    kinds = {type(None): "null", bool: "a boolean", str: "a string", list: "a list", dict: "an object"}
    kind = kinds.get(type(value), "a number" if isinstance(value, int | float) else type(value).__name__)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = json.dumps(value, ensure_ascii=False)
        return f"{kind} {text[:60] + '...' if len(text) > 60 else text}"
    return kind


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and _IRI.fullmatch(value) is not None


def is_language_tag(value: Any) -> bool:
    return isinstance(value, str) and (_LANGTAG.fullmatch(value) is not None or value.lower() in _GRANDFATHERED)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_timestamp(value: Any) -> tuple[datetime | None, str | None, list[tuple[str, str]]]:
    """(UTC datetime, problem, remarks). problem: 'format' or 'naive'; remarks are (rule, text)
    quirks a lenient reader accepts."""
    if not isinstance(value, str):
        return None, "format", []
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        return None, "format", []
    part = match.groupdict()
    remarks = []
    if part["sep"] == " ":
        remarks.append(("separator", "a space instead of 'T' between date and time"))
    elif part["sep"] == "t" or part["zulu"] == "z":
        remarks.append(("case", "a lower-case 't' or 'z' (ISO 8601 writes 'T' and 'Z')"))
    if part["zulu"] is None and part["sign"] is None:
        return None, "naive", remarks
    try:
        offset = timedelta(0)
        if part["sign"]:
            offset = timedelta(hours=int(part["off_h"]), minutes=int(part["off_m"] or 0))
            if offset >= timedelta(hours=24):
                return None, "format", remarks
            if offset == timedelta(0) and part["sign"] == "-":
                remarks.append(("offset", "the offset -00:00 is not allowed (use Z or +00:00)"))
            offset = -offset if part["sign"] == "-" else offset
        year = int(part["year"])
        if part["week"]:
            day = date.fromisocalendar(year, int(part["week"]), int(part["weekday"]))
        elif part["ordinal"]:
            day = date(year, 1, 1) + timedelta(days=int(part["ordinal"]) - 1)
            if day.year != year or int(part["ordinal"]) < 1:
                return None, "format", remarks
        else:
            day = date(year, int(part["month"]), int(part["day"]))
        hour, minute, second = int(part["hour"]), int(part["minute"] or 0), int(part["second"] or 0)
        end_of_day = hour == 24 and minute == second == 0 and not int(part["fraction"] or 0)
        micro = int((part["fraction"] or "0")[:6].ljust(6, "0"))
        moment = datetime(
            day.year, day.month, day.day, 0 if end_of_day else hour, minute, second, micro, timezone(offset)
        )
        return (moment + timedelta(days=end_of_day)).astimezone(UTC), None, remarks
    except (ValueError, OverflowError):
        return None, "format", remarks


def is_duration(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    match = _DURATION.fullmatch(value)
    if match is None or value.endswith("T"):
        return False
    present = [part for part in match.groups() if part is not None]
    if not present:
        return False
    return not any("." in part or "," in part for part in present[:-1])


MAX_DEPTH = 200  # dlt's JSON writer (orjson) refuses nesting beyond 254 levels


def unstorable(value: Any) -> list[str]:
    """What in a JSON value the warehouse cannot hold verbatim: PostgreSQL refuses NUL
    characters in text and JSON, dlt's JSON writer integers beyond 64 bits and deep
    nesting, and no JSON column holds Infinity. Walked without recursion."""
    found: list[str] = []
    stack = [(value, 0)]
    while stack and len(found) < 3:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            found.append(f"nested deeper than {MAX_DEPTH} levels")
            break
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
            stack.extend((key, depth + 1) for key in item)
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if "\x00" in item:
                found.append(f"{describe(item)} holds a NUL character (U+0000)")
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not -(2**63) <= item < 2**64:
                found.append(f"the integer {str(item)[:30]}... does not fit 64 bits")
        elif isinstance(item, float) and not math.isfinite(item):
            found.append(f"the number {item} does not fit a double")
    return found


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_sha256(statement: dict) -> str:
    """The statement's content: everything but `stored` and `authority` (the LRS sets those),
    independent of property order (xAPI: a stored statement is immutable)."""
    body = {key: value for key, value in statement.items() if key not in ("stored", "authority")}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def payload_key(value: Any) -> str:
    """A key for an entry without a usable id: the hash of its whole canonical payload."""
    return "sha256:" + hashlib.sha256(canonical_json(value).encode()).hexdigest()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Checker:
    def __init__(self) -> None:
        self.verdict = Verdict()

    def add(self, code: str, message: str, blocking: bool) -> None:
        self.verdict.issues.append(Issue(code, message, blocking))

    def flag(self, code: str, message: str) -> None:
        self.add(code, message, False)

    # --- shapes shared by many properties --------------------------------------------

    def known(self, path: str, value: dict, allowed: set[str], what: str) -> None:
        for key in sorted(set(value) - allowed, key=str):
            self.flag(_join(path or "statement", "unknown"), f"{key!r} is not a property of {what}")

    def nulls(self, path: str, value: dict) -> None:
        for key in sorted(value, key=str):
            if value[key] is None:
                self.flag(_join(path, key), "null is not a valid value (leave the property out)")

    def iri(self, code: str, value: Any, what: str = "an IRI") -> None:
        if not is_iri(value):
            self.flag(code, f"not {what} ({describe(value)})")

    def language_map(self, code: str, value: Any) -> None:
        if not isinstance(value, dict):
            self.flag(code, f"not a language map ({describe(value)})")
            return
        for tag, text in value.items():
            if not is_language_tag(tag):
                self.flag(code, f"{tag!r} is not an RFC 5646 language tag")
            if not isinstance(text, str):
                self.flag(code, f"the {tag!r} entry is not a string ({describe(text)})")

    def extensions(self, code: str, value: Any) -> None:
        if not isinstance(value, dict):
            self.flag(code, f"not an object ({describe(value)})")
            return
        for key in value:
            if not is_iri(key):
                self.flag(code, f"key {key!r} is not an IRI")

    # --- agents and groups ----------------------------------------------------------------

    def agent(
        self,
        path: str,
        value: Any,
        blocking: bool,
        allowed: tuple[str, ...] = ("Agent", "Group"),
        default: str | None = "Agent",
        label: str = "",
    ) -> bool:
        """Check an Agent or Group; True when it identifies someone."""
        prefix = f"{label}: " if label else ""
        if not isinstance(value, dict):
            self.add(path, f"{prefix}not an {' or '.join(allowed)} object ({describe(value)})", blocking)
            return False
        kind = value.get("objectType", default)
        if kind not in allowed:
            shown = "no objectType" if kind is None else describe(kind)
            self.add(_join(path, "objectType"), f"{prefix}{shown}, expected {' or '.join(allowed)}", blocking)
            return False
        self.known(path, value, AGENT_PROPERTIES if kind == "Agent" else GROUP_PROPERTIES, kind)
        if "name" in value and not isinstance(value["name"], str):
            self.flag(_join(path, "name"), f"{prefix}not a string ({describe(value['name'])})")
        ifis = [key for key in IFIS if value.get(key) is not None]
        resolvable = len(ifis) == 1
        if kind == "Agent" and len(ifis) != 1:
            self.add(
                _join(path, "ifi"), f"{prefix}exactly one inverse functional identifier (found {len(ifis)})", blocking
            )
        if kind == "Group" and len(ifis) > 1:
            self.add(
                _join(path, "ifi"), f"{prefix}at most one inverse functional identifier (found {len(ifis)})", blocking
            )
        for key in ifis:
            resolvable = self.ifi(_join(path, key), key, value[key], blocking, prefix) and resolvable
        if kind == "Group":
            members = value.get("member")
            identified_members = 0
            if members is not None and not isinstance(members, list):
                self.flag(_join(path, "member"), f"{prefix}not a list ({describe(members)})")
            elif members:
                for number, member in enumerate(members, 1):
                    if self.agent(_join(path, "member"), member, False, ("Agent",), "Agent", f"member {number}"):
                        identified_members += 1
            if not ifis:  # anonymous group: its members are who it is
                resolvable = identified_members > 0
                if not resolvable:
                    self.add(
                        _join(path, "member"),
                        f"{prefix}an anonymous Group needs at least one identified member",
                        blocking,
                    )
        return resolvable

    def ifi(self, code: str, key: str, value: Any, blocking: bool, prefix: str) -> bool:
        if key == "account":
            if not isinstance(value, dict):
                self.add(code, f"{prefix}not an object ({describe(value)})", blocking)
                return False
            self.known(code, value, {"homePage", "name"}, "an account")
            name = value.get("name")
            if not isinstance(name, str) or not name:
                self.add(_join(code, "name"), f"{prefix}missing or not a string ({describe(name)})", blocking)
                return False
            if "homePage" not in value:
                self.flag(_join(code, "homePage"), f"{prefix}missing")
            else:
                self.iri(_join(code, "homePage"), value["homePage"], "an IRL")
            return True
        if not isinstance(value, str):
            self.add(code, f"{prefix}not a string ({describe(value)})", blocking)
            return False
        if key == "mbox" and not _MAILTO.fullmatch(value):
            self.flag(code, f"{prefix}not a mailto: IRI ({describe(value)})")
        elif key == "mbox_sha1sum" and not _SHA1.fullmatch(value):
            self.flag(code, f"{prefix}not a 40-character hex SHA-1 ({describe(value)})")
        elif key == "openid" and not is_iri(value):
            self.flag(code, f"{prefix}not a URI ({describe(value)})")
        return True

    # --- verb, object ----------------------------------------------------------------------

    def verb(self, path: str, value: Any) -> str | None:
        if not isinstance(value, dict):
            self.add(path, f"not an object ({describe(value)})", True)
            return None
        self.known(path, value, VERB_PROPERTIES, "a Verb")
        verb_id = value.get("id")
        if not isinstance(verb_id, str) or not verb_id:
            self.add(_join(path, "id"), f"missing or not a string ({describe(verb_id)})", True)
            verb_id = None
        else:
            self.iri(_join(path, "id"), verb_id)
        if "display" in value:
            self.language_map(_join(path, "display"), value["display"])
        return verb_id

    def activity(self, path: str, value: Any, blocking: bool, label: str = "") -> None:
        prefix = f"{label}: " if label else ""
        if not isinstance(value, dict):
            self.add(path, f"{prefix}not an Activity object ({describe(value)})", blocking)
            return
        self.known(path, value, ACTIVITY_PROPERTIES, "an Activity")
        if value.get("objectType", "Activity") != "Activity":
            self.add(_join(path, "objectType"), f"{prefix}{describe(value['objectType'])}, expected Activity", blocking)
        activity_id = value.get("id")
        if not isinstance(activity_id, str) or not activity_id:
            self.add(_join(path, "id"), f"{prefix}missing or not a string ({describe(activity_id)})", blocking)
        elif not is_iri(activity_id):
            self.flag(_join(path, "id"), f"{prefix}not an IRI ({describe(activity_id)})")
        if "definition" in value:
            self.definition(_join(path, "definition"), value["definition"])

    def definition(self, path: str, value: Any) -> None:
        if not isinstance(value, dict):
            self.flag(path, f"not an object ({describe(value)})")
            return
        self.known(path, value, DEFINITION_PROPERTIES, "an Activity definition")
        for key in ("name", "description"):
            if key in value:
                self.language_map(_join(path, key), value[key])
        if "type" in value:
            self.iri(_join(path, "type"), value["type"])
        if "moreInfo" in value:
            self.iri(_join(path, "moreInfo"), value["moreInfo"], "an IRL")
        if "extensions" in value:
            self.extensions(_join(path, "extensions"), value["extensions"])
        kind = value.get("interactionType")
        components = [key for key in COMPONENT_LISTS if key in value]
        if "interactionType" in value and kind not in INTERACTION_COMPONENTS:
            self.flag(_join(path, "interactionType"), f"not an xAPI interaction type ({describe(kind)})")
            return
        if "correctResponsesPattern" in value:
            pattern = value["correctResponsesPattern"]
            if kind is None:
                self.flag(_join(path, "correctResponsesPattern"), "given without an interactionType")
            if not isinstance(pattern, list) or not all(isinstance(item, str) for item in pattern):
                self.flag(_join(path, "correctResponsesPattern"), f"not a list of strings ({describe(pattern)})")
        for key in components:
            if kind is None or key not in INTERACTION_COMPONENTS[kind]:
                self.flag(_join(path, key), f"not allowed for interactionType {describe(kind)}")
            self.interaction_components(_join(path, key), value[key])

    def interaction_components(self, path: str, value: Any) -> None:
        if not isinstance(value, list):
            self.flag(path, f"not a list ({describe(value)})")
            return
        seen: set[str] = set()
        for number, component in enumerate(value, 1):
            if not isinstance(component, dict):
                self.flag(path, f"component {number}: not an object ({describe(component)})")
                continue
            self.known(path, component, {"id", "description"}, "an interaction component")
            component_id = component.get("id")
            if not isinstance(component_id, str) or not component_id:
                self.flag(_join(path, "id"), f"component {number}: missing or not a string")
            elif component_id in seen:
                self.flag(_join(path, "id"), f"component {number}: id {component_id!r} repeats")
            else:
                seen.add(component_id)
            if "description" in component:
                self.language_map(_join(path, "description"), component["description"])

    def object(self, path: str, value: Any, in_substatement: bool) -> tuple[str | None, str | None]:
        """Check the object; (objectType, id) when resolvable."""
        if not isinstance(value, dict):
            self.add(path, f"not an object ({describe(value)})", True)
            return None, None
        kind = value.get("objectType", "Activity")
        if kind == "Activity":
            self.activity(path, value, True)
            return kind, value.get("id") if isinstance(value.get("id"), str) else None
        if kind in ("Agent", "Group"):
            self.agent(path, value, True, (kind,), kind)
            return kind, None
        if kind == "SubStatement":
            if in_substatement:
                self.add(_join(path, "objectType"), "a SubStatement cannot contain a SubStatement", True)
                return None, None
            self.statement(path, value, substatement=True)
            return kind, None
        if kind == "StatementRef":
            self.known(path, value, {"objectType", "id"}, "a StatementRef")
            ref = value.get("id")
            if not is_uuid(ref):
                self.add(_join(path, "id"), f"a StatementRef needs a UUID ({describe(ref)})", True)
                return None, None
            return kind, ref.lower()
        self.add(_join(path, "objectType"), f"{describe(kind)} is not an xAPI object type", True)
        return None, None

    # --- result, context, attachments ----------------------------------------------------

    def result(self, path: str, value: Any, blocking: bool) -> None:
        if not isinstance(value, dict):
            self.add(path, f"not an object ({describe(value)})", blocking)
            return
        self.known(path, value, RESULT_PROPERTIES, "a Result")
        self.nulls(path, value)
        score = value.get("score")
        if score is not None:
            self.score(_join(path, "score"), score, blocking)
        for key in ("success", "completion"):
            if value.get(key) is not None and not isinstance(value[key], bool):
                self.add(_join(path, key), f"not a boolean ({describe(value[key])})", blocking)
        if value.get("response") is not None and not isinstance(value["response"], str):
            self.flag(_join(path, "response"), f"not a string ({describe(value['response'])})")
        if value.get("duration") is not None and not is_duration(value["duration"]):
            self.flag(_join(path, "duration"), f"not an ISO 8601 duration ({describe(value['duration'])})")
        if value.get("extensions") is not None:
            self.extensions(_join(path, "extensions"), value["extensions"])

    def score(self, path: str, value: Any, blocking: bool) -> None:
        if not isinstance(value, dict):
            self.add(path, f"not an object ({describe(value)})", blocking)
            return
        self.known(path, value, SCORE_PROPERTIES, "a Score")
        numbers = {}
        for key in ("scaled", "raw", "min", "max"):
            if value.get(key) is None:
                continue
            if is_number(value[key]):
                numbers[key] = value[key]
            else:
                self.add(_join(path, key), f"not a number ({describe(value[key])})", blocking)
        if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
            self.flag(_join(path, "scaled"), f"{numbers['scaled']} is outside [-1, 1]")
        if "min" in numbers and "max" in numbers and numbers["min"] >= numbers["max"]:
            self.flag(_join(path, "max"), f"max {numbers['max']} is not greater than min {numbers['min']}")
        if "raw" in numbers:
            if "min" in numbers and numbers["raw"] < numbers["min"]:
                self.flag(_join(path, "raw"), f"raw {numbers['raw']} is below min {numbers['min']}")
            if "max" in numbers and numbers["raw"] > numbers["max"]:
                self.flag(_join(path, "raw"), f"raw {numbers['raw']} is above max {numbers['max']}")

    def context(self, path: str, value: Any, object_type: str | None) -> None:
        if not isinstance(value, dict):
            self.flag(path, f"not an object ({describe(value)})")
            return
        self.known(path, value, CONTEXT_PROPERTIES, "a Context")
        self.nulls(path, value)
        if value.get("registration") is not None and not is_uuid(value["registration"]):
            self.flag(_join(path, "registration"), f"not a UUID ({describe(value['registration'])})")
        if value.get("instructor") is not None:
            self.agent(_join(path, "instructor"), value["instructor"], False)
        if value.get("team") is not None:
            self.agent(_join(path, "team"), value["team"], False, ("Group",), None)
        if value.get("contextActivities") is not None:
            self.context_activities(_join(path, "contextActivities"), value["contextActivities"])
        for key, role, kind in (("contextAgents", "agent", "Agent"), ("contextGroups", "group", "Group")):
            if value.get(key) is not None:
                self.context_agents(_join(path, key), value[key], role, kind)
        for key in ("revision", "platform"):
            if value.get(key) is None:
                continue
            if not isinstance(value[key], str):
                self.flag(_join(path, key), f"not a string ({describe(value[key])})")
            if object_type != "Activity":
                self.flag(_join(path, key), "only allowed when the object is an Activity")
        if value.get("language") is not None and not is_language_tag(value["language"]):
            self.flag(_join(path, "language"), f"not an RFC 5646 language tag ({describe(value['language'])})")
        ref = value.get("statement")
        if ref is not None and (
            not isinstance(ref, dict) or ref.get("objectType") != "StatementRef" or not is_uuid(ref.get("id"))
        ):
            self.flag(_join(path, "statement"), "not a StatementRef with a UUID id")
        if value.get("extensions") is not None:
            self.extensions(_join(path, "extensions"), value["extensions"])

    def context_activities(self, path: str, value: Any) -> None:
        if not isinstance(value, dict):
            self.flag(path, f"not an object ({describe(value)})")
            return
        for key in sorted(value, key=str):
            if key not in CONTEXT_ACTIVITY_KEYS:
                self.flag(_join(path, "unknown"), f"{key!r} is not parent, grouping, category or other")
                continue
            # An LRS returns lists; a single Activity is the form statements may be sent in.
            activities = value[key] if isinstance(value[key], list) else [value[key]]
            for number, activity in enumerate(activities, 1):
                self.activity(_join(path, key), activity, False, f"activity {number}")

    def context_agents(self, path: str, value: Any, role: str, kind: str) -> None:
        if not isinstance(value, list):
            self.flag(path, f"not a list ({describe(value)})")
            return
        object_type = f"context{kind}"
        for number, entry in enumerate(value, 1):
            label = f"entry {number}"
            if not isinstance(entry, dict):
                self.flag(path, f"{label}: not an object ({describe(entry)})")
                continue
            self.known(path, entry, {"objectType", role, "relevantTypes"}, f"a {object_type}")
            if entry.get("objectType") != object_type:
                self.flag(_join(path, "objectType"), f"{label}: expected {object_type}")
            self.agent(_join(path, role), entry.get(role), False, (kind,), kind, label)
            types = entry.get("relevantTypes")
            if types is not None and (not isinstance(types, list) or not types or not all(map(is_iri, types))):
                self.flag(_join(path, "relevantTypes"), f"{label}: not a non-empty list of IRIs")

    def attachments(self, path: str, value: Any) -> None:
        if not isinstance(value, list):
            self.flag(path, f"not a list ({describe(value)})")
            return
        for number, item in enumerate(value, 1):
            label = f"attachment {number}"
            if not isinstance(item, dict):
                self.flag(path, f"{label}: not an object ({describe(item)})")
                continue
            self.known(path, item, ATTACHMENT_PROPERTIES, "an Attachment")
            for key in ("usageType", "display", "contentType", "length", "sha2"):
                if key not in item:
                    self.flag(_join(path, key), f"{label}: missing")
            if "usageType" in item:
                self.iri(_join(path, "usageType"), item["usageType"])
            for key in ("display", "description"):
                if key in item:
                    self.language_map(_join(path, key), item[key])
            if "contentType" in item and not (
                isinstance(item["contentType"], str) and _MEDIA_TYPE.fullmatch(item["contentType"])
            ):
                self.flag(_join(path, "contentType"), f"{label}: not an internet media type")
            length = item.get("length")
            if "length" in item and (not isinstance(length, int) or isinstance(length, bool) or length < 0):
                self.flag(_join(path, "length"), f"{label}: not a non-negative integer ({describe(length)})")
            sha2 = item.get("sha2")
            if "sha2" in item and not (
                isinstance(sha2, str) and _HEX.fullmatch(sha2) and len(sha2) in (56, 64, 96, 128)
            ):
                self.flag(_join(path, "sha2"), f"{label}: not a hex SHA-2 digest")
            if "fileUrl" in item:
                self.iri(_join(path, "fileUrl"), item["fileUrl"], "an IRL")

    # --- the statement -----------------------------------------------------------------

    def timestamp(self, code: str, value: Any, blocking: bool) -> datetime | None:
        moment, problem, remarks = parse_timestamp(value)
        if value is None:
            self.add(code, "missing", blocking)
        elif problem == "naive":
            self.add(_join(code, "naive"), f"{describe(value)} has no time zone offset", blocking)
        elif problem:
            self.add(code, f"not an ISO 8601 date and time ({describe(value)})", blocking)
        for rule, remark in remarks:
            self.flag(_join(code, rule), remark)
        return moment

    def statement(self, path: str, value: dict, substatement: bool) -> None:
        what = "a SubStatement" if substatement else "a Statement"
        # (a SubStatement's id, stored, version and authority have their own rule below)
        allowed = SUBSTATEMENT_PROPERTIES | set(NOT_IN_SUBSTATEMENT) if substatement else STATEMENT_PROPERTIES
        self.known(path, value, allowed, what)
        if substatement:
            for key in NOT_IN_SUBSTATEMENT:
                if key in value:
                    self.flag(_join(path, key), "not allowed in a SubStatement")
        for key in ("actor", "verb", "object"):
            if value.get(key) is None:
                self.add(_join(path, key), "missing", True)
        if value.get("actor") is not None:
            self.agent(_join(path, "actor"), value["actor"], True)
        verb_id = self.verb(_join(path, "verb"), value["verb"]) if value.get("verb") is not None else None
        object_type, object_id = (None, None)
        if value.get("object") is not None:
            object_type, object_id = self.object(_join(path, "object"), value["object"], substatement)
        if verb_id == VOIDED and value.get("object") is not None and object_type != "StatementRef":
            self.flag(_join(path, "object.objectType"), "a voiding statement's object must be a StatementRef")
        if "result" in value:
            if value["result"] is None:
                self.flag(_join(path, "result"), "null is not a valid value (leave the property out)")
            else:
                # The models read the statement's own result; a SubStatement's is only kept.
                self.result(_join(path, "result"), value["result"], not substatement)
        if "context" in value:
            self.context(_join(path, "context"), value["context"], object_type)
        if "attachments" in value:
            self.attachments(_join(path, "attachments"), value["attachments"])
        if substatement:
            if "timestamp" in value:
                self.timestamp(_join(path, "timestamp"), value["timestamp"], False)
            return
        self.verdict.timestamp = self.timestamp("timestamp", value.get("timestamp"), True)
        if value.get("stored") is not None:
            self.verdict.stored = self.timestamp("stored", value["stored"], False)
        version = value.get("version")
        if version is not None and not (isinstance(version, str) and _VERSION.fullmatch(version)):
            self.flag("version", f"not 1.0.x or 2.0.x ({describe(version)})")
        if value.get("authority") is not None:
            self.agent("authority", value["authority"], False)
        for key in ("stored", "version", "authority", "attachments"):
            if key in value and value[key] is None:
                self.flag(key, "null is not a valid value (leave the property out)")
        if verb_id == VOIDED and object_type == "StatementRef" and object_id is not None:
            if object_id == self.verdict.statement_id:
                self.flag("object.id", "a statement cannot void itself")
            else:
                self.verdict.voids = object_id


def check_statement(entry: Any) -> Verdict:
    """Every rule `entry` breaks; never raises."""
    checker = _Checker()
    if not isinstance(entry, dict):
        checker.add("statement", f"not a JSON object ({describe(entry)})", True)
        return checker.verdict
    for problem in unstorable(entry):
        checker.add("statement.value", f"{problem}, which the warehouse cannot store", True)
    statement_id = entry.get("id")
    if statement_id is None:
        checker.add("id", "missing", True)
    elif not is_uuid(statement_id):
        checker.add("id", f"not a UUID ({describe(statement_id)})", True)
    else:
        checker.verdict.statement_id = statement_id.lower()
    checker.statement("", entry, substatement=False)
    return checker.verdict
