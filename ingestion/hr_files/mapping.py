"""Column mappings for HR export files: which header in a customer's file loads as which
canonical column of `raw_hris.hr_file_records`, and how the file is to be read.

A mapping is a JSON object. The legacy form `{"<header in the file>": "<column>", ...}`
(every value a string) still works; the full form names the mapping, the files it claims
and how to read them:

```json
{"name": "bamboohr_report", "files": ["bamboohr*.csv"], "shape": "history",
 "encoding": "auto", "delimiter": "auto", "header_row": "auto", "date_format": "auto",
 "snapshot_date": {"from_file_name": "(\\d{4}-\\d{2}-\\d{2})", "format": "%Y-%m-%d"},
 "columns": {"Employee #": "employee_number",
             "Hire Date": {"column": "hire_date", "date_format": "%m/%d/%Y"},
             "Supervisor": {"column": "manager_name", "optional": true},
             "Termd": {"column": "employment_status", "values": {"1": "Terminated", "0": "Active"}}}}
```

A mistake in a mapping is a `MappingError` naming the mapping file, the line (and column)
and what is wrong: the warehouse never invents a column for an unknown target.
"""

from __future__ import annotations

import codecs
import difflib
import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from ingestion.errors import SourceConfigError

SOURCE = "hr_files"

TARGET_COLUMNS: dict[str, str] = {
    "employee_number": "text",
    "first_name": "text",
    "last_name": "text",
    "full_name": "text",
    "work_email": "text",
    "effective_date": "date",
    "hire_date": "date",
    "original_hire_date": "date",
    "termination_date": "date",
    "termination_reason": "text",
    "termination_type": "text",
    "employment_status": "text",
    "job_title": "text",
    "job_code": "text",
    "department": "text",
    "division": "text",
    "cost_centre": "text",
    "location": "text",
    "manager_employee_number": "text",
    "manager_name": "text",
    "fte": "decimal",
    "weekly_hours": "decimal",
    "pay_amount": "decimal",
    "pay_currency": "text",
    "pay_frequency": "text",
    "gender": "text",
    "age_band": "text",
    "ethnicity": "text",
    "birth_year": "int",
    "snapshot_date": "date",
}
ALIASES: dict[str, str] = {"start_date": "hire_date", "cost_center": "cost_centre"}
# Targets a mapping may name that are not loaded as such: a date of birth is reduced to
# `birth_year` while the file is mapped, so the full date is never kept.
REDUCED_TARGETS: dict[str, tuple[str, str]] = {"date_of_birth": ("date", "birth_year")}

DEFAULT_FILES = ("*.csv", "*.xlsx", "*.txt", "*.tsv")
SHAPES = ("history", "snapshot")
# Legacy mappings keep the old loader's rules: these headers may be absent from a file,
# and these columns must have a value on every row.
LEGACY_OPTIONAL = frozenset({"job_title", "cost_centre", "weekly_hours"})
LEGACY_REQUIRED = frozenset({"employee_number", "hire_date"})

TOP_LEVEL_KEYS = (
    "name",
    "description",
    "files",
    "shape",
    "encoding",
    "delimiter",
    "decimal_separator",
    "header_row",
    "sheet",
    "date_format",
    "snapshot_date",
    "columns",
)
RULE_KEYS = ("column", "date_format", "decimal_separator", "optional", "required", "values")
DELIMITER_WORDS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
DECIMAL_SEPARATORS = ("auto", ".", ",")
# The first YYYY-MM-DD or YYYYMMDD in a snapshot file's name is its as-of date by default.
DEFAULT_SNAPSHOT_PATTERN = r"(?<!\d)(\d{4}-\d{2}-\d{2}|\d{8})(?!\d)"

INVOLUNTARY = ("involuntary", "non-voluntary", "not voluntary", "dismiss", "fired", "laid off", "layoff", "lay-off")
INVOLUNTARY += ("redundan", "terminated by employer")
VOLUNTARY = ("voluntary", "resign", "quit")


class MappingError(SourceConfigError):
    """A mapping that cannot be used; the message names the file, the line and the mistake."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line


@dataclass(frozen=True)
class ColumnRule:
    header: str
    column: str
    kind: str
    date_format: str | None = None
    optional: bool = False
    required: bool = False
    values: dict[str, str] | None = field(default=None, hash=False)
    decimal_separator: str = "auto"

    @property
    def loads_as(self) -> str:
        """The column the value is loaded into (`birth_year` for a date of birth)."""
        return REDUCED_TARGETS[self.column][1] if self.column in REDUCED_TARGETS else self.column


@dataclass(frozen=True)
class SnapshotDate:
    """A fixed as-of date, or a regular expression finding it in the file name (group 1 if
    the pattern has groups), read with `format` (None: YYYY-MM-DD or YYYYMMDD)."""

    fixed: date | None = None
    pattern: str | None = None
    format: str | None = None


@dataclass(frozen=True)
class Mapping:
    name: str
    version: str
    path: Path | None
    files: tuple[str, ...]
    shape: str
    snapshot_date: SnapshotDate | None
    encoding: str
    delimiter: str
    header_row: int | str
    sheet: str | int | None
    columns: tuple[ColumnRule, ...]
    date_format: str = "auto"
    decimal_separator: str = "auto"

    def claims(self, file_name: str) -> bool:
        """Whether a file of this name (its last part, compared case-insensitively) is read by this mapping."""
        name = Path(file_name).name.casefold()
        return any(fnmatch.fnmatchcase(name, pattern.casefold()) for pattern in self.files)

    def snapshot_on(self, path: Path) -> date | None:
        """The as-of date of a snapshot file: the fixed date, or the date found in its name.
        None when the mapping has no snapshot date (history shape) or the name holds none."""
        spec = self.snapshot_date
        if spec is None:
            return None
        if spec.fixed is not None:
            return spec.fixed
        for match in re.finditer(spec.pattern or DEFAULT_SNAPSHOT_PATTERN, Path(path).name):
            text = match.group(1) if match.re.groups else match.group(0)
            formats = [spec.format] if spec.format else ["%Y-%m-%d", "%Y%m%d"]
            for fmt in formats:
                try:
                    return datetime.strptime(text, fmt).date()
                except (TypeError, ValueError):
                    continue
        return None

    def rule(self, column: str) -> ColumnRule | None:
        return next((rule for rule in self.columns if rule.column == column), None)


def normalise_termination_type(value: str) -> str:
    """`voluntary` or `involuntary` when the text says which (in any words an export uses), else the text."""
    folded = value.casefold()
    if any(word in folded for word in INVOLUNTARY):
        return "involuntary"
    if any(word in folded for word in VOLUNTARY):
        return "voluntary"
    return value


def check_date_format(fmt: str) -> bool:
    """Whether a strptime format reads back the dates it writes (day, month and year all in it)."""
    for day in (date(2026, 11, 30), date(2001, 2, 3)):
        try:
            if datetime.strptime(day.strftime(fmt), fmt).date() != day:
                return False
        except ValueError:
            return False
    return True


class _Where:
    """Builds MappingErrors that point at the right place in the mapping's text."""

    def __init__(self, path: Path | None, text: str | None, name: str | None):
        self.path, self.text, self.name = path, text, name

    def locate(self, *needles: str) -> tuple[int, int] | None:
        """Line and column of the last of `needles` (JSON strings) found in order in the text."""
        if not self.text:
            return None
        position, found = 0, None
        for needle in needles:
            for quoted in (json.dumps(needle, ensure_ascii=False), json.dumps(needle)):
                index = self.text.find(quoted, position)
                if index >= 0:
                    found, position = index, index + 1
                    break
        if found is None:
            return None
        line = self.text.count("\n", 0, found) + 1
        return line, found - (self.text.rfind("\n", 0, found) + 1) + 1

    def error(self, what: str, *needles: str, at: tuple[int, int] | None = None) -> MappingError:
        where = str(self.path) if self.path else (f"'{self.name}'" if self.name else "(no file)")
        at = at or (self.locate(*needles) if needles else None)
        place = f", line {at[0]}, column {at[1]}" if at else ""
        return MappingError(f"{SOURCE}: mapping {where}{place}: {what}", path=self.path, line=at[0] if at else None)


def _known_targets() -> str:
    names = sorted([*TARGET_COLUMNS, *REDUCED_TARGETS])
    return ", ".join(names) + f" (aliases: {', '.join(f'{a} = {c}' for a, c in sorted(ALIASES.items()))})"


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _version(obj) -> str:
    canonical = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _date_format(value, where: _Where, *needles: str) -> str:
    if value == "auto":
        return "auto"
    if not isinstance(value, str) or not value or not check_date_format(value):
        raise where.error(
            f'date_format {json.dumps(value, ensure_ascii=False)} is not a date format: use "auto" or a strptime'
            ' format holding day, month and year, such as "%d/%m/%Y"',
            *needles,
        )
    return value


def _decimal_separator(value, where: _Where, *needles: str) -> str:
    if value not in DECIMAL_SEPARATORS:
        raise where.error(
            f"decimal_separator {json.dumps(value)} must be one of {', '.join(map(json.dumps, DECIMAL_SEPARATORS))}",
            *needles,
        )
    return value


def _rule(header, spec, where: _Where, defaults: dict, legacy: bool) -> ColumnRule:
    if not isinstance(header, str) or not header.strip():
        raise where.error(f"a header must be non-empty text, not {json.dumps(header)}", str(header))
    if isinstance(spec, str):
        spec = {"column": spec}
    elif not isinstance(spec, dict):
        raise where.error(
            f"the rule for header '{header}' must be a column name or an object with \"column\", not {spec!r}",
            header,
        )
    unknown = [key for key in spec if key not in RULE_KEYS]
    if unknown:
        raise where.error(
            f"unknown key '{unknown[0]}' in the rule for header '{header}'; {_suggest(unknown[0], RULE_KEYS)}"
            f"known keys: {', '.join(RULE_KEYS)}",
            header,
            unknown[0],
        )
    target = spec.get("column")
    if not isinstance(target, str) or not target:
        raise where.error(f"the rule for header '{header}' has no \"column\"", header)
    column = ALIASES.get(target, target)
    if column in TARGET_COLUMNS:
        kind = TARGET_COLUMNS[column]
    elif column in REDUCED_TARGETS:
        kind = REDUCED_TARGETS[column][0]
    else:
        raise where.error(
            f"unknown column '{target}' for header '{header}'; {_suggest(target, [*TARGET_COLUMNS, *REDUCED_TARGETS])}"
            f"known columns: {_known_targets()}",
            header,
            target,
        )
    for flag in ("optional", "required"):
        if flag in spec and not isinstance(spec[flag], bool):
            raise where.error(f"\"{flag}\" for header '{header}' must be true or false", header, flag)
    optional = spec.get("optional", legacy and column in LEGACY_OPTIONAL)
    required = spec.get("required", legacy and column in LEGACY_REQUIRED)
    if column == "employee_number":
        if optional:
            raise where.error("employee_number is the key of every row and cannot be optional", header)
        required = True
    values = spec.get("values")
    if values is not None and (
        not isinstance(values, dict) or not all(isinstance(v, str) or v is None for v in values.values())
    ):
        raise where.error(f"\"values\" for header '{header}' must be an object of text -> text", header, "values")
    date_format = None
    if kind == "date":
        date_format = _date_format(spec.get("date_format", defaults["date_format"]), where, header, "date_format")
    elif "date_format" in spec:
        raise where.error(f"date_format given for header '{header}', but {column} is not a date column", header)
    decimal = "auto"
    if kind == "decimal":
        decimal = _decimal_separator(spec.get("decimal_separator", defaults["decimal_separator"]), where, header)
    elif "decimal_separator" in spec:
        raise where.error(f"decimal_separator given for header '{header}', but {column} is not a number column", header)
    return ColumnRule(
        header=header.strip(),
        column=column,
        kind=kind,
        date_format=date_format,
        optional=optional,
        required=required,
        values=dict(values) if values is not None else None,
        decimal_separator=decimal,
    )


def _header_key(header: str) -> str:
    return " ".join(header.replace("\u00a0", " ").split()).casefold()


def _snapshot_date(value, where: _Where) -> SnapshotDate:
    if isinstance(value, str):
        try:
            return SnapshotDate(fixed=date.fromisoformat(value))
        except ValueError:
            raise where.error(f"snapshot_date '{value}' is not a YYYY-MM-DD date", "snapshot_date") from None
    if not isinstance(value, dict):
        raise where.error(
            'snapshot_date must be a YYYY-MM-DD date or {"from_file_name": "<regex>", "format": "..."}',
            "snapshot_date",
        )
    unknown = [key for key in value if key not in ("from_file_name", "format")]
    if unknown:
        raise where.error(f"unknown key '{unknown[0]}' in snapshot_date (known: from_file_name, format)", unknown[0])
    pattern = value.get("from_file_name")
    if not isinstance(pattern, str) or not pattern:
        raise where.error('snapshot_date needs "from_file_name": a regular expression', "snapshot_date")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise where.error(
            f"snapshot_date from_file_name is not a regular expression: {exc}", "from_file_name"
        ) from None
    fmt = value.get("format")
    if fmt is not None and (not isinstance(fmt, str) or not check_date_format(fmt)):
        raise where.error(f"snapshot_date format {json.dumps(fmt)} is not a strptime date format", "format")
    return SnapshotDate(pattern=pattern, format=fmt)


def parse_mapping(obj, *, path: Path | None = None, text: str | None = None) -> Mapping:
    """A Mapping from a parsed JSON object (legacy or full form); `path` and `text` only
    make the error messages point at the file and line."""
    stem = path.stem if path else None
    where = _Where(path, text, stem)
    if not isinstance(obj, dict):
        raise where.error(f"a mapping must be a JSON object, not {type(obj).__name__}")
    legacy = not isinstance(obj.get("columns"), dict)
    targets = {*TARGET_COLUMNS, *REDUCED_TARGETS, *ALIASES}
    if legacy and any(
        key in TOP_LEVEL_KEYS and not (isinstance(value, str) and value in targets) for key, value in obj.items()
    ):
        raise where.error('the mapping has no "columns" object: list the headers there')
    if legacy:
        config, columns = {}, obj
    else:
        unknown = [key for key in obj if key not in TOP_LEVEL_KEYS]
        if unknown:
            raise where.error(
                f"unknown key '{unknown[0]}'; {_suggest(unknown[0], TOP_LEVEL_KEYS)}"
                f"known keys: {', '.join(TOP_LEVEL_KEYS)}",
                unknown[0],
            )
        config, columns = obj, obj["columns"]
        if not columns:
            raise where.error('"columns" must be a non-empty object of header -> column', "columns")

    name = config.get("name", stem or "mapping")
    if not isinstance(name, str) or not name.strip():
        raise where.error('"name" must be non-empty text', "name")
    where.name = name
    files = config.get("files", list(DEFAULT_FILES))
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
        raise where.error('"files" must be a file-name pattern or a list of them, such as ["workers*.csv"]', "files")
    shape = config.get("shape", "history")
    if shape not in SHAPES:
        raise where.error(f'shape {json.dumps(shape)} must be "history" or "snapshot"', "shape")
    encoding = config.get("encoding", "auto")
    if encoding != "auto":
        try:
            if not isinstance(encoding, str):
                raise LookupError
            codecs.lookup(encoding)
        except LookupError:
            raise where.error(
                f'encoding {json.dumps(encoding)} is not a known text encoding (use "auto", "utf-8", "cp1252", ...)',
                "encoding",
            ) from None
    delimiter = config.get("delimiter", "auto")
    delimiter = DELIMITER_WORDS.get(delimiter, delimiter) if isinstance(delimiter, str) else delimiter
    if delimiter != "auto" and (not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n'):
        raise where.error(
            f'delimiter {json.dumps(delimiter)} must be "auto" or one character such as ";" or "\\t"',
            "delimiter",
        )
    header_row = config.get("header_row", "auto")
    if isinstance(header_row, str) and header_row.strip().isdigit():
        header_row = int(header_row)
    if header_row != "auto" and (isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1):
        raise where.error(f'header_row {json.dumps(header_row)} must be "auto" or a row number from 1', "header_row")
    sheet = config.get("sheet")
    if sheet is not None and (
        isinstance(sheet, bool) or not isinstance(sheet, str | int) or (isinstance(sheet, int) and sheet < 1)
    ):
        raise where.error('"sheet" must be a sheet name or its position counted from 1', "sheet")
    defaults = {
        "date_format": _date_format(config.get("date_format", "auto"), where, "date_format"),
        "decimal_separator": _decimal_separator(config.get("decimal_separator", "auto"), where, "decimal_separator"),
    }
    snapshot = None
    if "snapshot_date" in config:
        snapshot = _snapshot_date(config["snapshot_date"], where)
    elif shape == "snapshot":
        snapshot = SnapshotDate()

    rules: list[ColumnRule] = []
    by_column: dict[str, str] = {}
    by_header: dict[str, str] = {}
    for header, spec in columns.items():
        rule = _rule(header, spec, where, defaults, legacy)
        if rule.loads_as in by_column:
            raise where.error(
                f"headers '{by_column[rule.loads_as]}' and '{header}' both load as {rule.loads_as}: map one of them",
                header,
            )
        if _header_key(rule.header) in by_header:
            raise where.error(f"headers '{by_header[_header_key(rule.header)]}' and '{header}' are the same", header)
        by_column[rule.loads_as] = header
        by_header[_header_key(rule.header)] = header
        rules.append(rule)
    if "employee_number" not in by_column:
        raise where.error(
            "no header is mapped to employee_number, the key of every row", *(["columns"] if not legacy else [])
        )
    return Mapping(
        name=name.strip(),
        version=_version(obj),
        path=path,
        files=tuple(files),
        shape=shape,
        snapshot_date=snapshot,
        encoding=encoding,
        delimiter=delimiter,
        header_row=header_row,
        sheet=sheet,
        columns=tuple(rules),
        date_format=defaults["date_format"],
        decimal_separator=defaults["decimal_separator"],
    )


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _load_file(path: Path) -> list[Mapping]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Where(path, None, None).error(
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None
    except OSError as exc:
        raise _Where(path, None, None).error(f"cannot be read: {exc.strerror or exc}") from None
    where = _Where(path, text, path.stem)
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise where.error(f"not valid JSON: {exc.msg}", at=(exc.lineno, exc.colno)) from None
    except _DuplicateKey as exc:
        # the second occurrence is the one json saw last
        first = where.locate(exc.key)
        second = where.locate(exc.key, exc.key) if first else None
        at = second if second and second != first else first
        raise where.error(f"'{exc.key}' appears twice in one object", at=at) from None
    except RecursionError:
        raise where.error("not valid JSON: nested too deeply") from None
    if isinstance(obj, list):
        if not obj:
            raise where.error("an empty list holds no mapping")
        mappings = []
        for index, item in enumerate(obj, start=1):
            mapping = parse_mapping(item, path=path, text=text)
            if len(obj) > 1 and isinstance(item, dict) and "name" not in item:
                mapping = replace(mapping, name=f"{path.stem}_{index}")
            mappings.append(mapping)
        return mappings
    return [parse_mapping(obj, path=path, text=text)]


def load_mappings(path: Path) -> list[Mapping]:
    """The mappings in a .json file (one object or a list of them) or in the *.json files of
    a folder, in file-name order. Two mappings with one name are an error."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.casefold() == ".json")
        if not files:
            raise MappingError(f"{SOURCE}: mapping folder {path} holds no *.json mapping", path=path)
    elif path.is_file():
        files = [path]
    else:
        raise MappingError(f"{SOURCE}: mapping {path} does not exist", path=path)
    mappings: list[Mapping] = []
    names: dict[str, Path | None] = {}
    for file in files:
        for mapping in _load_file(file):
            if mapping.name in names:
                raise MappingError(
                    f"{SOURCE}: mapping {file}: the name '{mapping.name}' is also used by {names[mapping.name]}",
                    path=file,
                )
            names[mapping.name] = file
            mappings.append(mapping)
    return mappings
