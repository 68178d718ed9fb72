"""Reading HR export files as customers send them, and mapping their rows to canonical columns.

`read_file` turns a CSV/TXT/TSV or XLSX export into a header and rows of text: it finds the
encoding (BOM, UTF-16 by its NUL bytes, UTF-8, cp1252, Latin-1), the delimiter (the one that
splits the lines most consistently), the header row below any title rows (also a two-level
header: "Group / Name"), and marks rows that cannot be trusted (a truncated last line, an
unterminated quote) as problem rows. `map_rows` applies a `Mapping`: value maps, then types,
with each date column's format and each number column's decimal separator decided over the
whole file. Whatever a file holds, the only exception either raises is `FileRejected`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ingestion.hr_files.mapping import ColumnRule, Mapping, normalise_termination_type

SCAN_ROWS = 30  # the header must be among the first 30 non-blank rows
SAMPLE_LINES = 50  # lines looked at to choose the delimiter
DELIMITERS = (",", ";", "\t", "|")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
EMPTY = frozenset({"", "null", "n/a", "#n/a", "-", "--"})
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LEGACY_XLS = (
    "a legacy Excel .xls workbook cannot be read: open it in Excel (or LibreOffice) and save it as .xlsx or as CSV"
)
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
WITHHELD = "(date of birth withheld)"


class FileRejected(Exception):
    """A file that cannot be read as a whole; `reason` says why, `headers` are the headers it did have."""

    def __init__(self, reason: str, headers: list[str] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.headers = list(headers or [])

    def __str__(self) -> str:
        return self.reason


class _NoHeader(FileRejected):
    """The header row is not where the mapping says or is not to be found (another delimiter may find it)."""


@dataclass
class RawRow:
    line: int  # 1-based physical line of a CSV file where the row starts, or the XLSX row number
    cells: dict[str, str]
    problem: str | None = None


@dataclass
class ReadFile:
    path: Path
    kind: str  # "csv" | "xlsx"
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int
    headers: list[str]  # one unique name per column, the keys of RawRow.cells
    rows: list[RawRow]
    date_formats: dict[str, str] = field(default_factory=dict)  # column -> strptime format (with a mapping)
    decimal_separators: dict[str, str] = field(default_factory=dict)  # column -> "." or "," (with a mapping)
    matched: dict[str, str] = field(default_factory=dict)  # mapping header -> header (key) in the file
    names: list[str] = field(default_factory=list)  # the header row's cells as they are
    groups: list[str] = field(default_factory=list)  # the row above it, forward-filled ("" when none)
    mapping_version: str | None = None  # the mapping the three dicts above were worked out for


@dataclass
class MappedRow:
    line: int
    record: dict | None  # canonical column -> typed value; None when the row has problems
    problems: list[str]
    raw: dict[str, str]  # the file's cells for the mapped columns (a date of birth reduced to its year)


@dataclass
class _Record:
    line: int
    end: int
    cells: list[str]
    problem: str | None = None


# ---------------------------------------------------------------------------------------------
# dates


@dataclass(frozen=True)
class _DateForm:
    format: str
    human: str
    pattern: re.Pattern
    order: str  # roles of the groups: y year, Y two-digit year, m month, b month abbreviation, B month name, d day


def _form(fmt: str, human: str, pattern: str, order: str) -> _DateForm:
    return _DateForm(fmt, human, re.compile(pattern), order)


_NUM = r"(\d{1,2})"
DATE_FORMS = (
    _form("%Y-%m-%d", "YYYY-MM-DD", r"(\d{4})-" + _NUM + "-" + _NUM, "ymd"),
    _form("%m/%d/%Y", "M/D/YYYY", _NUM + "/" + _NUM + r"/(\d{4})", "mdy"),
    _form("%d/%m/%Y", "D/M/YYYY", _NUM + "/" + _NUM + r"/(\d{4})", "dmy"),
    _form("%d.%m.%Y", "D.M.YYYY", _NUM + r"\." + _NUM + r"\.(\d{4})", "dmy"),
    _form("%Y/%m/%d", "YYYY/M/D", r"(\d{4})/" + _NUM + "/" + _NUM, "ymd"),
    _form("%d-%m-%Y", "D-M-YYYY", _NUM + "-" + _NUM + r"-(\d{4})", "dmy"),
    _form("%m-%d-%Y", "M-D-YYYY", _NUM + "-" + _NUM + r"-(\d{4})", "mdy"),
    _form("%d-%b-%Y", "D-Mon-YYYY", _NUM + r"-([A-Za-z]{3})-(\d{4})", "dby"),
    _form("%d-%b-%y", "D-Mon-YY", _NUM + r"-([A-Za-z]{3})-(\d{2})", "dbY"),
    _form("%d %b %Y", "D Mon YYYY", _NUM + r" ([A-Za-z]{3}) (\d{4})", "dby"),
    _form("%d %B %Y", "D Month YYYY", _NUM + r" ([A-Za-z]{3,9}) (\d{4})", "dBy"),
    _form("%b %d, %Y", "Mon D, YYYY", r"([A-Za-z]{3}) " + _NUM + r", (\d{4})", "bdy"),
    _form("%B %d, %Y", "Month D, YYYY", r"([A-Za-z]{3,9}) " + _NUM + r", (\d{4})", "Bdy"),
    _form("%m/%d/%y", "M/D/YY", _NUM + "/" + _NUM + r"/(\d{2})", "mdY"),
    _form("%d/%m/%y", "D/M/YY", _NUM + "/" + _NUM + r"/(\d{2})", "dmY"),
    _form("%d.%m.%y", "D.M.YY", _NUM + r"\." + _NUM + r"\.(\d{2})", "dmY"),
    _form("%Y%m%d", "YYYYMMDD", r"(\d{4})(\d{2})(\d{2})", "ymd"),
)
ISO = "%Y-%m-%d"
_BY_FORMAT = {form.format: form for form in DATE_FORMS}
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september")
_MONTH_NAMES += ("october", "november", "december")
_ABBREVIATIONS = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_FULL_NAMES = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
# a time of day after a date (ISO "T08:00:00Z", Excel's "0:00", US "12:00:00 AM") is ignored
_TIME_PART = re.compile(
    r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_ISO_VALUE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def _pivot(two_digits: int) -> int:
    """A two-digit year: in this century unless that is more than a year ahead, then the last."""
    year = 2000 + two_digits
    return year - 100 if year > date.today().year + 1 else year


def _without_time(value: str) -> str:
    return _TIME_PART.sub("", value.strip())


def _parse_form(form: _DateForm, value: str) -> date | None:
    match = form.pattern.fullmatch(value)
    if not match:
        return None
    parts = dict(zip(form.order, match.groups(), strict=True))
    year = int(parts["y"]) if "y" in parts else _pivot(int(parts["Y"]))
    if "m" in parts:
        month = int(parts["m"])
    elif "b" in parts:
        month = _ABBREVIATIONS.get(parts["b"].casefold())
    else:
        month = _FULL_NAMES.get(parts["B"].casefold())
    if not month:
        return None
    try:
        return date(year, month, int(parts["d"]))
    except ValueError:
        return None


def human_format(fmt: str) -> str:
    """A strptime format as people write it: "%m/%d/%Y" -> "M/D/YYYY"."""
    if fmt in _BY_FORMAT:
        return _BY_FORMAT[fmt].human
    words = {"%Y": "YYYY", "%y": "YY", "%m": "M", "%d": "D", "%b": "Mon", "%B": "Month", "%H": "hh", "%M": "mm"}
    words |= {"%S": "ss", "%I": "hh", "%p": "AM/PM", "%%": "%"}
    return re.sub(r"%.", lambda m: words.get(m.group(0), m.group(0)), fmt)


def parse_date(value: str, fmt: str, *, iso_too: bool = False) -> date | None:
    """The date `value` holds in strptime format `fmt` (None if it holds none): a time part is
    ignored and two-digit years are pivoted as in `_pivot`. `iso_too`: also accept YYYY-MM-DD
    (an XLSX date cell)."""
    value = value.strip()
    if iso_too and _ISO_VALUE.fullmatch(_without_time(value)):
        return _parse_form(_BY_FORMAT[ISO], _without_time(value))
    if fmt in _BY_FORMAT:
        return _parse_form(_BY_FORMAT[fmt], _without_time(value))
    for text in (value, _without_time(value)):
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if "%y" in fmt and parsed.year > date.today().year + 1:
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed
    return None


def _choose_date_format(label: str, values: Counter, exempt_iso: bool) -> str:
    """The one format that reads every value (or the most values) of a date column; two that
    read the same text as different dates reject the file."""
    values = Counter({v: n for v, n in values.items() if not (exempt_iso and _ISO_VALUE.fullmatch(_without_time(v)))})
    if not values:
        return ISO
    bare = {value: _without_time(value) for value in values}
    parsed = {form.format: {v: _parse_form(form, bare[v]) for v in values} for form in DATE_FORMS}
    total = sum(values.values())
    counts = {fmt: sum(values[v] for v, d in dates.items() if d is not None) for fmt, dates in parsed.items()}
    best = max(counts.values())
    if best == 0:
        return ISO
    pool = [form.format for form in DATE_FORMS if counts[form.format] == best]
    for first, second in itertools.combinations(pool, 2):
        for value in values:
            one, other = parsed[first][value], parsed[second][value]
            if one is not None and other is not None and one != other:
                how = (
                    "every value reads both ways"
                    if best == total
                    else f"as many values read one way as the other ({best} of {total})"
                )
                raise FileRejected(
                    f"column {label}: the dates are ambiguous, {human_format(first)} or {human_format(second)}? "
                    f"e.g. '{value}' is {one.isoformat()} as {human_format(first)} but {other.isoformat()} as "
                    f'{human_format(second)}, and {how}; set "date_format" for this column in the mapping '
                    f'(e.g. "{first}")'
                )
    return pool[0]


# ---------------------------------------------------------------------------------------------
# numbers

_SYMBOLS = re.compile(r"[€$£¥%'’\s]")


def _number_text(value: str) -> tuple[str, bool]:
    return _SYMBOLS.sub("", value), "%" in value


def _separator_vote(text: str) -> str | None:
    """Which decimal separator a number written this way implies, if any."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        return "." if text.rfind(".") > text.rfind(",") else ","
    for mark, other in ((",", "."), (".", ",")):
        count = text.count(mark)
        if count > 1:
            return other  # 1,234,567: the mark groups thousands
        if count == 1 and not re.fullmatch(r"[+-]?\d{1,3}" + re.escape(mark) + r"\d{3}", text):
            return mark  # 37,5 or 1234.50: only a decimal mark fits
    return None


def _choose_separator(values: Counter, hint: str) -> str:
    votes = Counter()
    for value, n in values.items():
        vote = _separator_vote(_number_text(value)[0])
        if vote:
            votes[vote] += n
    if votes["."] != votes[","]:
        return "." if votes["."] > votes[","] else ","
    return hint


def parse_number(value: str, separator: str) -> Decimal | None:
    """A decimal written with `separator` as its decimal mark (the other mark may group
    thousands; currency signs, spaces and % are dropped, a % divides by 100)."""
    text, percent = _number_text(value)
    thousands = "," if separator == "." else "."
    pattern = r"[+-]?(?:\d{1,3}(?:" + re.escape(thousands) + r"\d{3})+|\d*)(?:" + re.escape(separator) + r"\d+)?"
    if not re.search(r"\d", text) or not re.fullmatch(pattern, text):
        return None
    try:
        number = Decimal(text.replace(thousands, "").replace(separator, "."))
    except InvalidOperation:
        return None
    return number / 100 if percent else number


# ---------------------------------------------------------------------------------------------
# text: encoding, delimiter, records


def _undecodable(encoding: str, data: bytes, exc: UnicodeDecodeError) -> FileRejected:
    byte = data[exc.start] if exc.start < len(data) else 0
    return FileRejected(
        f"not valid {encoding}: undecodable byte 0x{byte:02x} at offset {exc.start}; "
        'set "encoding" in the mapping or use auto'
    )


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.3 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even > 0.3 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def _decode(data: bytes, declared: str) -> tuple[str, str]:
    if declared != "auto":
        try:
            text = data.decode(declared)
        except UnicodeDecodeError as exc:
            raise _undecodable(declared, data, exc) from None
        except LookupError:
            raise FileRejected(f"unknown encoding {declared!r} in the mapping") from None
        return text.removeprefix("\ufeff"), declared
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data if encoding == "utf-8-sig" else data[len(bom) :]
            unit = 4 if "32" in encoding else 2 if "16" in encoding else 1
            body = body[: len(body) - len(body) % unit]  # a file cut off mid-character
            try:
                return body.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise _undecodable(encoding, body, exc) from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data[: len(data) - len(data) % 2].decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return data[: exc.start].decode("utf-8"), "utf-8"  # cut off inside the last character
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _quote_error(lines: list[str], delimiter: str) -> str | None:
    """What a strict reading of a record's lines finds wrong with its quotes, if anything."""
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return str(exc)
    return None


def _csv_records(lines: list[str], delimiter: str, start: int = 0):
    """Non-blank records from line index `start` on. A quote that never closes would swallow
    the lines after it: its line becomes a problem record and reading resumes on the next line."""
    position = start
    while position < len(lines):
        reader = csv.reader(itertools.islice(lines, position, None), delimiter=delimiter, strict=False)
        consumed, resume = 0, None
        while resume is None:
            first = position + consumed  # index of the record's first line
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield _Record(first + 1, first + 1, [], f"unreadable CSV row: {exc}")
                resume = first + 1
                break
            consumed = reader.line_num
            end = position + consumed
            if _is_blank(cells):
                continue
            # a record over several lines must be quoted correctly (or a stray quote swallowed the
            # lines after it); the last record must not end inside a quote (a file cut off there)
            error = _quote_error(lines[first:end], delimiter) if end - first > 1 or end == len(lines) else None
            if error and (end - first > 1 or "end of data" in error):
                alone = next(csv.reader([lines[first]], delimiter=delimiter, strict=False), [])
                problem = 'unterminated quote: a field opened with " does not close'
                yield _Record(first + 1, first + 1, [cell.rstrip("\r\n") for cell in alone], problem)
                resume = first + 1
                break
            yield _Record(first + 1, end, cells)
        position = resume


def _field_counts(lines: list[str], delimiter: str) -> tuple[int, int]:
    """(how many sample lines share the commonest field count above 1, that count)."""
    counts = [len(r) for r in csv.reader(lines, delimiter=delimiter, strict=False) if not _is_blank(r)]
    common = Counter(c for c in counts if c > 1).most_common(1)
    return (common[0][1], common[0][0]) if common else (0, 0)


def _delimiters(lines: list[str], path: Path, declared: str) -> list[str]:
    """Delimiters to try, most likely first."""
    if declared != "auto":
        return [declared]
    if path.suffix.casefold() == ".tsv":
        return ["\t"]
    hint = re.fullmatch(r"sep=([^\"\r\n])[\r\n]*", lines[0]) if lines else None  # Excel's "sep=;" first line
    if hint:
        return [hint.group(1)] + [d for d in DELIMITERS if d != hint.group(1)]
    sample = [line for line in lines[: SAMPLE_LINES * 4] if line.strip()][:SAMPLE_LINES]
    scores = {d: _field_counts(sample, d) for d in DELIMITERS}
    return sorted(DELIMITERS, key=lambda d: scores[d], reverse=True)


# ---------------------------------------------------------------------------------------------
# XLSX


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = format(value, ".15g")
        return format(Decimal(text), "f") if "e" in text else text
    return str(value)


def _xlsx_records(path: Path, mapping: Mapping | None) -> tuple[list[_Record], str]:
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileRejected(f"not a readable XLSX workbook: {exc or type(exc).__name__}") from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise FileRejected("not a readable XLSX workbook: it has no worksheet")
        wanted = mapping.sheet if mapping else None
        if wanted is None:
            sheet = sheets[0]
        elif isinstance(wanted, int):
            if wanted > len(sheets):
                raise FileRejected(f"the workbook has {len(sheets)} sheet(s), not a sheet {wanted}")
            sheet = sheets[wanted - 1]
        else:
            found = [s for s in sheets if s.title == wanted] or [
                s for s in sheets if s.title.strip().casefold() == wanted.strip().casefold()
            ]
            if not found:
                titles = ", ".join(f"'{s.title}'" for s in sheets)
                raise FileRejected(f"the workbook has no sheet '{wanted}'; its sheets: {titles}")
            sheet = found[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers record a wrong used range
        records = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if not _is_blank(cells):
                records.append(_Record(number, number, cells))
        return records, sheet.title
    except FileRejected:
        raise
    except Exception as exc:  # a workbook that opens but breaks while its rows are read
        raise FileRejected(f"not a readable XLSX workbook: {exc or type(exc).__name__}") from None
    finally:
        book.close()


# ---------------------------------------------------------------------------------------------
# headers


def _norm(text: str) -> str:
    text = text.replace("\ufeff", "")
    return re.sub(r"\s*/\s*", "/", " ".join(text.split())).casefold()


def _width(cells: list[str]) -> int:
    return max((i + 1 for i, cell in enumerate(cells) if cell.strip()), default=0)


def _groups(records: list[_Record], index: int) -> list[str]:
    """The row right above the header, forward-filled like merged cells (empty: no such row)."""
    names = records[index].cells
    if index == 0 or records[index - 1].end != records[index].line - 1:
        return [""] * len(names)
    above, groups, current = records[index - 1].cells, [], ""
    for i in range(len(names)):
        cell = above[i].strip() if i < len(above) else ""
        current = cell or current
        groups.append(current)
    return groups


def _resolve(header: str, names: list[str], groups: list[str]) -> tuple[list[int], bool]:
    """Columns a mapping header names: by the name itself, else as "Group / Name"."""
    key = _norm(header)
    hits = [i for i, name in enumerate(names) if _norm(name) == key]
    if hits:
        return hits, False
    hits = [i for i, name in enumerate(names) if groups[i] and _norm(f"{groups[i]}/{name}") == key]
    return hits, True


def _found(headers: list[str], names: list[str], groups: list[str]) -> int:
    return sum(1 for header in headers if _resolve(header, names, groups)[0])


def _plain_header(records: list[_Record]) -> int | None:
    """Without a mapping: the first row with two or more cells as wide as the rows below it."""
    for index, record in enumerate(records[:SCAN_ROWS]):
        if sum(1 for cell in record.cells if cell.strip()) < 2:
            continue
        below = Counter(_width(r.cells) for r in records[index + 1 : index + 1 + SAMPLE_LINES] if r.problem is None)
        if not below or _width(record.cells) >= below.most_common(1)[0][0]:
            return index
    return None


def _listing(cells: list[str]) -> str:
    names = [cell.strip() for cell in cells if cell.strip()]
    return ", ".join(f"'{name}'" for name in names) if names else "(none)"


def _find_header(records: list[_Record], mapping: Mapping | None) -> int:
    """Index in `records` of the header row; _NoHeader if there is none."""
    if not records:
        raise _NoHeader("the file holds no rows")
    if mapping is not None and isinstance(mapping.header_row, int):
        index = next((i for i, r in enumerate(records) if r.line == mapping.header_row), None)
        if index is None:
            raise _NoHeader(f"row {mapping.header_row} (the mapping's header_row) is blank or past the end of the file")
        return index
    if mapping is None:
        index = _plain_header(records)
        if index is None:
            raise _NoHeader(f"no header row found in the first {SCAN_ROWS} rows (a row of two or more names)")
        return index
    needed = [rule.header for rule in mapping.columns if not rule.optional]
    best, best_found = 0, 0
    for index, record in enumerate(records[:SCAN_ROWS]):
        found = _found(needed, record.cells, _groups(records, index))
        if found == len(needed):
            return index
        if found > best_found:
            best, best_found = index, found
    if best_found == 0:
        best = _plain_header(records) or 0
    record = records[best]
    headers = [c.strip() for c in record.cells if c.strip()]
    missing = [h for h in needed if not _resolve(h, record.cells, _groups(records, best))[0]]
    if best_found == 0:
        listed = ", ".join(f"'{h}'" for h in missing)
        raise _NoHeader(
            f"no header row found in the first {SCAN_ROWS} rows: the mapping's headers {listed} were not found; "
            f"the most header-like row ({record.line}) has {_listing(record.cells)}",
            headers=headers,
        )
    raise _NoHeader(_missing_message(mapping, missing, record.line, record.cells), headers=headers)


def _missing_message(mapping: Mapping, missing: list[str], line: int, cells: list[str]) -> str:
    listed = ", ".join(f"'{h}'" for h in missing)
    return (
        f"missing header{'s' if len(missing) > 1 else ''} {listed} (mapping '{mapping.name}'); "
        f"the file's headers (row {line}): {_listing(cells)}"
    )


def _keys(names: list[str], groups: list[str], by_group: set[int]) -> list[str]:
    """One unique key per column: the header's name, "Group / Name" where that tells two apart."""
    counts = Counter(_norm(name) for name in names if name.strip())
    keys, used = [], set()
    for i, name in enumerate(names):
        key = name.strip() or f"column {i + 1}"
        if name.strip() and groups[i] and (i in by_group or counts[_norm(name)] > 1):
            key = f"{groups[i]} / {name.strip()}"
        unique, n = key, 1
        while unique.casefold() in used:
            n += 1
            unique = f"{key} ({n})"
        used.add(unique.casefold())
        keys.append(unique)
    return keys


def _matches(mapping: Mapping, names: list[str], groups: list[str], line: int) -> tuple[dict[str, int], set[int]]:
    """Mapping header -> column index; FileRejected for a needed header missing or twice in the file."""
    found, by_group, missing = {}, set(), []
    for rule in mapping.columns:
        hits, grouped = _resolve(rule.header, names, groups)
        if len(hits) > 1:
            where = ", ".join(str(i + 1) for i in hits)
            hint = ' (name it "Group / Name" in the mapping)' if any(groups[i] for i in hits) else ""
            raise FileRejected(
                f"the header '{rule.header}' appears {len(hits)} times in the file (columns {where}): "
                f"the mapping cannot tell which one to load{hint}",
                headers=[n.strip() for n in names if n.strip()],
            )
        if hits:
            found[rule.header] = hits[0]
            if grouped:
                by_group.add(hits[0])
        elif not rule.optional:
            missing.append(rule.header)
    if missing:
        raise FileRejected(
            _missing_message(mapping, missing, line, names), headers=[n.strip() for n in names if n.strip()]
        )
    return found, by_group


# ---------------------------------------------------------------------------------------------
# reading


def _row_problem(cells: list[str], names: list[str], kind: str) -> str | None:
    if kind != "csv":
        return None
    width, total = _width(names), len(names)
    if len(cells) < width:
        return f"truncated: {len(cells)} of {width} fields"
    if len(cells) > total and not _is_blank(cells[total:]):
        return f"{len(cells)} fields, header has {total}"
    return None


def _assemble(
    path: Path,
    kind: str,
    records: list[_Record],
    index: int,
    mapping: Mapping | None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> ReadFile:
    header = records[index]
    names = [cell.strip() for cell in header.cells]
    groups = _groups(records, index)
    by_group = _matches(mapping, names, groups, header.line)[1] if mapping else set()
    keys = _keys(names, groups, by_group)
    rows = []
    repeat = [_norm(name) for name in names]
    for record in records[index + 1 :]:
        if [_norm(cell) for cell in record.cells[: len(names)]] == repeat:
            continue  # the header again (reports repeat it on every page)
        cells = {keys[i] if i < len(keys) else f"column {i + 1}": value for i, value in enumerate(record.cells)}
        rows.append(RawRow(record.line, cells, record.problem or _row_problem(record.cells, names, kind)))
    read = ReadFile(
        path=path,
        kind=kind,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        header_row=header.line,
        headers=keys,
        rows=rows,
        names=names,
        groups=groups,
    )
    if mapping is not None:
        _prepare(read, mapping)
    return read


def read_file(path: Path, mapping: Mapping | None = None) -> ReadFile:
    """The header and rows of an HR export (CSV, TXT, TSV or XLSX). With a mapping, the header
    row is the one holding the mapping's headers and each date column's format is worked out;
    without one (exploring a file), the first row as wide as the rows below it."""
    path = Path(path)
    suffix = path.suffix.casefold()
    if suffix == ".xls":
        raise FileRejected(LEGACY_XLS)
    data = path.read_bytes()
    if data.startswith(OLE2):
        if suffix in XLSX_SUFFIXES:
            raise FileRejected(
                "not a readable XLSX workbook: it is an OLE2 document (a password-protected workbook or a renamed "
                ".xls); remove the password or save it as .xlsx"
            )
        raise FileRejected(LEGACY_XLS)
    if suffix in XLSX_SUFFIXES or data.startswith(b"PK\x03\x04"):
        records, sheet = _xlsx_records(path, mapping)
        if not records:
            raise FileRejected(f"the sheet '{sheet}' is empty")
        return _assemble(path, "xlsx", records, _find_header(records, mapping), mapping, sheet=sheet)
    if not data.strip():
        raise FileRejected("the file is empty")
    text, encoding = _decode(data, mapping.encoding if mapping else "auto")
    head = text.lstrip()[:200].casefold()
    if head.startswith(("<!doctype html", "<html", "<table", "<?xml")):
        raise FileRejected("the file is an HTML or XML page, not a CSV export: export the report as CSV or XLSX")
    lines = list(io.StringIO(text, newline=""))
    candidates = _delimiters(lines, path, mapping.delimiter if mapping else "auto")
    first_error = None
    for delimiter in candidates:
        records = list(_csv_records(lines, delimiter))
        try:
            index = _find_header(records, mapping)
        except _NoHeader as exc:
            first_error = first_error or exc
            continue
        return _assemble(path, "csv", records, index, mapping, encoding=encoding, delimiter=delimiter)
    raise FileRejected(first_error.reason, first_error.headers)


# ---------------------------------------------------------------------------------------------
# mapping


def _value(rule: ColumnRule, text: str | None) -> str | None:
    """The cell's text after the value map, or None when it is empty."""
    value = (text or "").strip()
    if rule.values is not None:
        if value in rule.values:
            value = rule.values[value]
        else:
            folded = {k.strip().casefold(): v for k, v in rule.values.items()}
            value = folded.get(value.casefold(), value)
        value = (value or "").strip()
    return None if value.casefold() in EMPTY else value


def _prepare(read: ReadFile, mapping: Mapping) -> None:
    """Fill `matched`, `date_formats` and `decimal_separators` of `read` for `mapping`."""
    if read.mapping_version == mapping.version:
        return
    names = read.names or read.headers
    found, _ = _matches(mapping, names, read.groups or [""] * len(names), read.header_row)
    read.matched = {header: read.headers[i] for header, i in found.items()}
    good = [row for row in read.rows if row.problem is None]
    read.date_formats, read.decimal_separators = {}, {}
    for rule in mapping.columns:
        key = read.matched.get(rule.header)
        if rule.kind == "date":
            if rule.date_format not in (None, "auto"):
                read.date_formats[rule.column] = rule.date_format
                continue
            values = Counter(v for row in good if (v := _value(rule, row.cells.get(key or ""))) is not None)
            label = f"'{rule.header}' ({rule.column})"
            try:
                read.date_formats[rule.column] = _choose_date_format(label, values, read.kind == "xlsx")
            except FileRejected as exc:
                raise FileRejected(exc.reason, read.headers) from None
        elif rule.kind == "decimal":
            if rule.decimal_separator != "auto":
                read.decimal_separators[rule.column] = rule.decimal_separator
                continue
            values = Counter(v for row in good if (v := _value(rule, row.cells.get(key or ""))) is not None)
            hint = "," if read.delimiter == ";" else "."
            read.decimal_separators[rule.column] = _choose_separator(values, hint)
    read.mapping_version = mapping.version


def _typed(rule: ColumnRule, value: str, read: ReadFile):
    """(typed value, problem)."""
    if rule.kind == "date":
        fmt = read.date_formats.get(rule.column, ISO)
        parsed = parse_date(value, fmt, iso_too=read.kind == "xlsx")
        if parsed is None:
            shown = "" if rule.column == "date_of_birth" else f" '{value}'"
            return None, f"{rule.header}{shown} is not a date in {human_format(fmt)}"
        return (parsed.year if rule.column == "date_of_birth" else parsed), None
    if rule.kind in ("decimal", "int"):
        number = parse_number(value, read.decimal_separators.get(rule.column, "."))
        if number is None:
            return None, f"{rule.header} '{value}' is not a number"
        if rule.kind == "int":
            if number != number.to_integral_value():
                return None, f"{rule.header} '{value}' is not a whole number"
            return int(number), None
        return number, None
    if rule.column == "termination_type":
        return normalise_termination_type(value), None
    return value, None


def mapped_cells(row: RawRow, read: ReadFile, mapping: Mapping) -> dict[str, str]:
    """The row's cells for the mapped columns only, a date of birth only as its year: what may
    be kept of a row (in quarantine), unlike `row.cells`, which holds every column of the file."""
    _prepare(read, mapping)
    raw = {}
    for rule in mapping.columns:
        key = read.matched.get(rule.header)
        if key is None or key not in row.cells:
            continue
        text = row.cells[key]
        if rule.column == "date_of_birth" and text.strip():
            value = _value(rule, text)
            parsed = parse_date(value, read.date_formats.get(rule.column, ISO), iso_too=True) if value else None
            text = str(parsed.year) if parsed else WITHHELD
        raw[key] = text
    return raw


def map_rows(read: ReadFile, mapping: Mapping) -> list[MappedRow]:
    """Each row typed by the mapping: a record of canonical columns, or the problems that keep
    it out (all of them). File-level problems raise FileRejected."""
    _prepare(read, mapping)
    mapped = []
    for row in read.rows:
        raw = mapped_cells(row, read, mapping)
        if row.problem:
            mapped.append(MappedRow(row.line, None, [row.problem], raw))
            continue
        record, problems = {}, []
        for rule in mapping.columns:
            key = read.matched.get(rule.header)
            value = _value(rule, row.cells.get(key)) if key is not None else None
            typed = None
            if value is None:
                if rule.required:
                    problems.append(f"missing {rule.column}")
            else:
                typed, problem = _typed(rule, value, read)
                if problem:
                    problems.append(problem)
            record[rule.loads_as] = typed
        mapped.append(MappedRow(row.line, None if problems else record, problems, raw))
    return mapped
