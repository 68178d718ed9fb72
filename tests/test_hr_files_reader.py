"""HR export files as customers send them: encodings, delimiters, title rows, two-level headers,
date and number formats, and the mappings that name their columns. All names are invented."""

from __future__ import annotations

import json
import random
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingestion.hr_files.mapping import (
    TARGET_COLUMNS,
    MappingError,
    load_mappings,
    normalise_termination_type,
    parse_mapping,
)
from ingestion.hr_files.reader import FileRejected, map_rows, read_file

BASIC = {
    "name": "workers",
    "columns": {"Employee #": "employee_number", "Name": "first_name", "Hire Date": "hire_date"},
}


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(folder: Path, name: str, rows: list[list], merge: list[str] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Workers"
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    path = folder / name
    book.save(path)
    return path


def mapped(path: Path, obj: dict = BASIC):
    mapping = parse_mapping(obj)
    read = read_file(path, mapping)
    return read, map_rows(read, mapping)


def records(rows) -> list[dict]:
    return [row.record for row in rows]


# --- dates ------------------------------------------------------------------------------------


def test_us_dates_are_read_month_first(tmp_path):
    path = write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,Ana,11/30/2026\nE2,Bo,3/4/2025\n")
    read, rows = mapped(path)
    assert read.date_formats == {"hire_date": "%m/%d/%Y"}
    assert [r["hire_date"] for r in records(rows)] == [date(2026, 11, 30), date(2025, 3, 4)]
    assert [r.line for r in rows] == [2, 3]


def test_day_month_year_with_dots(tmp_path):
    path = write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,Ana,30.11.2026\nE2,Bo,01.02.2024\n")
    read, rows = mapped(path)
    assert read.date_formats["hire_date"] == "%d.%m.%Y"
    assert [r["hire_date"] for r in records(rows)] == [date(2026, 11, 30), date(2024, 2, 1)]


def test_ambiguous_date_column_is_rejected_naming_the_column(tmp_path):
    path = write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,Ana,03/04/2026\nE2,Bo,05/06/2025\n")
    with pytest.raises(FileRejected) as caught:
        mapped(path)
    message = str(caught.value)
    assert "'Hire Date' (hire_date)" in message
    assert "M/D/YYYY" in message and "D/M/YYYY" in message
    assert "'03/04/2026'" in message and "date_format" in message


def test_ambiguous_formats_that_agree_on_every_value_are_accepted(tmp_path):
    path = write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,Ana,01/01/2026\nE2,Bo,12/12/2025\n")
    _, rows = mapped(path)
    assert [r["hire_date"] for r in records(rows)] == [date(2026, 1, 1), date(2025, 12, 12)]


def test_declared_date_format_settles_an_ambiguous_column(tmp_path):
    path = write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,Ana,03/04/2026\nE2,Bo,2026-04-05\n")
    obj = {"columns": {**BASIC["columns"], "Hire Date": {"column": "hire_date", "date_format": "%d/%m/%Y"}}}
    _, rows = mapped(path, obj)
    assert rows[0].record["hire_date"] == date(2026, 4, 3)
    assert rows[1].record is None
    assert rows[1].problems == ["Hire Date '2026-04-05' is not a date in D/M/YYYY"]


def test_a_value_no_format_reads_is_a_row_problem(tmp_path):
    text = "Employee #,Name,Hire Date\nE1,Ana,11/30/2026\nE2,Bo,12/15/2026\nE3,Cy,31/31/2026\nE4,Di,\n"
    _, rows = mapped(write(tmp_path, "w.csv", text))
    assert [r.record["hire_date"] for r in rows[:2]] == [date(2026, 11, 30), date(2026, 12, 15)]
    assert rows[2].record is None
    assert rows[2].problems == ["Hire Date '31/31/2026' is not a date in M/D/YYYY"]
    assert rows[2].raw == {"Employee #": "E3", "Name": "Cy", "Hire Date": "31/31/2026"}
    assert rows[3].record == {"employee_number": "E4", "first_name": "Di", "hire_date": None}


def test_iso_dates_with_a_time_part_and_two_digit_years(tmp_path):
    text = "Employee #,Hire Date,Termination Date\nE1,2026-11-30T08:15:00Z,30/11/98\nE2,2024-02-01 00:00,01/02/03\n"
    obj = {
        "columns": {"Employee #": "employee_number", "Hire Date": "hire_date", "Termination Date": "termination_date"}
    }
    read, rows = mapped(write(tmp_path, "w.csv", text), obj)
    assert read.date_formats == {"hire_date": "%Y-%m-%d", "termination_date": "%d/%m/%y"}
    assert records(rows) == [
        {"employee_number": "E1", "hire_date": date(2026, 11, 30), "termination_date": date(1998, 11, 30)},
        {"employee_number": "E2", "hire_date": date(2024, 2, 1), "termination_date": date(2003, 2, 1)},
    ]


# --- encodings and delimiters -----------------------------------------------------------------


def test_latin1_and_cp1252_files(tmp_path):
    latin = write(tmp_path, "latin.csv", "Employee #;Name;Hire Date\nE1;José Müller;2026-11-30\n", "latin-1")
    read, rows = mapped(latin)
    assert read.encoding == "cp1252" and read.delimiter == ";"
    assert rows[0].record["first_name"] == "José Müller"

    text = "Employee #;Name;Hire Date;Pay\nE1;Zoë Ærø;2026-11-30;€ 1.234,50\nE2;Ana;2026-01-02;€ 980\n"
    obj = {"columns": {**BASIC["columns"], "Pay": "pay_amount"}}
    read, rows = mapped(write(tmp_path, "cp.csv", text, "cp1252"), obj)
    assert read.encoding == "cp1252"
    assert rows[0].record["first_name"] == "Zoë Ærø"
    assert [r["pay_amount"] for r in records(rows)] == [Decimal("1234.50"), Decimal("980")]


def test_utf16_with_bom_tab_delimited(tmp_path):
    text = "Employee #\tName\tHire Date\r\nE1\tŁucja Nowak\t2026-11-30\r\nE2\t李娜\t2025-01-02\r\n"
    read, rows = mapped(write(tmp_path, "export.txt", text, "utf-16"))
    assert read.encoding == "utf-16-le" and read.delimiter == "\t"
    assert [r["first_name"] for r in records(rows)] == ["Łucja Nowak", "李娜"]


def test_utf16_without_bom_is_recognised(tmp_path):
    text = "Employee #,Name,Hire Date\nE1,Ana,2026-11-30\n"
    read, rows = mapped(write(tmp_path, "w.csv", text, "utf-16-le"))
    assert read.encoding == "utf-16-le"
    assert rows[0].record["employee_number"] == "E1"


def test_utf8_bom_does_not_stick_to_the_first_header(tmp_path):
    read, rows = mapped(write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,Ana,2026-11-30\n", "utf-8-sig"))
    assert read.encoding == "utf-8-sig"
    assert read.headers[0] == "Employee #"
    assert rows[0].record["employee_number"] == "E1"


def test_a_declared_encoding_that_does_not_fit_rejects_the_file(tmp_path):
    path = write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,José,2026-11-30\n", "latin-1")
    with pytest.raises(FileRejected) as caught:
        mapped(path, {**BASIC, "encoding": "utf-8"})
    assert str(caught.value).startswith("not valid utf-8: undecodable byte 0xe9 at offset 32;")


def test_semicolon_file_with_decimal_commas(tmp_path):
    text = "Employee #;Name;Hire Date;Hours\nE1;Ana;2026-11-30;37,5\nE2;Bo;2026-11-30;40\nE3;Cy;2026-11-30;1.234,5\n"
    obj = {"columns": {**BASIC["columns"], "Hours": "weekly_hours"}}
    read, rows = mapped(write(tmp_path, "w.csv", text), obj)
    assert read.delimiter == ";" and read.decimal_separators == {"weekly_hours": ","}
    assert [r["weekly_hours"] for r in records(rows)] == [Decimal("37.5"), Decimal("40"), Decimal("1234.5")]


def test_comma_file_with_thousands_and_percent(tmp_path):
    text = 'Employee #,Name,Hire Date,Salary,FTE\nE1,Ana,2026-11-30,"$52,000.00",80%\nE2,Bo,2026-11-30,"1,250",1\n'
    obj = {"columns": {**BASIC["columns"], "Salary": "pay_amount", "FTE": "fte"}}
    read, rows = mapped(write(tmp_path, "w.csv", text), obj)
    assert read.decimal_separators == {"pay_amount": ".", "fte": "."}
    assert [(r["pay_amount"], r["fte"]) for r in records(rows)] == [
        (Decimal("52000.00"), Decimal("0.8")),
        (Decimal("1250"), Decimal("1")),
    ]


def test_excel_sep_line_names_the_delimiter(tmp_path):
    read, rows = mapped(write(tmp_path, "w.csv", "sep=|\nEmployee #|Name|Hire Date\nE1|Ana; Bo|2026-11-30\n"))
    assert (read.delimiter, read.header_row) == ("|", 2)
    assert rows[0].record["first_name"] == "Ana; Bo"


def test_tab_file(tmp_path):
    read, rows = mapped(write(tmp_path, "w.tsv", "Employee #\tName\tHire Date\nE1\tAna, Maria\t2026-11-30\n"))
    assert read.delimiter == "\t"
    assert rows[0].record == {"employee_number": "E1", "first_name": "Ana, Maria", "hire_date": date(2026, 11, 30)}


# --- header rows ------------------------------------------------------------------------------


def test_title_rows_above_the_csv_header_are_skipped(tmp_path):
    text = "Workers report\nRun date: 11/30/2026\n\nEmployee #,Name,Hire Date\nE1,Ana,2026-11-30\n\nE2,Bo,2026-10-01\n"
    read, rows = mapped(write(tmp_path, "w.csv", text))
    assert read.header_row == 4
    assert read.headers == ["Employee #", "Name", "Hire Date"]
    assert [(r.line, r.record["employee_number"]) for r in rows] == [(5, "E1"), (7, "E2")]


def test_without_a_mapping_the_header_is_the_first_row_as_wide_as_the_data(tmp_path):
    text = "Workers report,,\nRun date:,11/30/2026\nEmployee #,Name,Hire Date\nE1,Ana,2026-11-30\nE2,Bo,2026-11-29\n"
    read = read_file(write(tmp_path, "w.csv", text))
    assert read.header_row == 3
    assert read.headers == ["Employee #", "Name", "Hire Date"]
    assert read.rows[1].cells == {"Employee #": "E2", "Name": "Bo", "Hire Date": "2026-11-29"}


def test_title_rows_above_the_xlsx_header_are_skipped(tmp_path):
    rows = [
        ["Workers report"],
        ["Run date:", "11/30/2026"],
        [],
        ["Employee #", "Name", "Hire Date", "Weekly Hours"],
        [1001.0, "Ana", datetime(2026, 11, 30), 37.5],
        [1002, "Bo", datetime(2025, 3, 4), 40.0],
    ]
    obj = {"columns": {**BASIC["columns"], "Weekly Hours": "weekly_hours"}}
    read, mapped_rows = mapped(write_xlsx(tmp_path, "w.xlsx", rows), obj)
    assert (read.kind, read.sheet, read.header_row) == ("xlsx", "Workers", 4)
    assert read.date_formats == {"hire_date": "%Y-%m-%d"}
    assert records(mapped_rows) == [
        {
            "employee_number": "1001",
            "first_name": "Ana",
            "hire_date": date(2026, 11, 30),
            "weekly_hours": Decimal("37.5"),
        },
        {"employee_number": "1002", "first_name": "Bo", "hire_date": date(2025, 3, 4), "weekly_hours": Decimal("40")},
    ]
    assert [r.line for r in mapped_rows] == [5, 6]


def test_two_level_xlsx_header(tmp_path):
    rows = [
        ["Headcount export"],
        ["Person", None, "Job", None, "Termination"],
        ["Employee #", "Name", "Title", "Date", "Date"],
        ["E1", "Ana", "Analyst", datetime(2026, 1, 5), None],
        ["E2", "Bo", "Engineer", datetime(2024, 6, 1), datetime(2026, 3, 31)],
    ]
    path = write_xlsx(tmp_path, "w.xlsx", rows, merge=["A2:B2", "C2:D2"])
    obj = {
        "columns": {
            "Employee #": "employee_number",
            "Name": "first_name",
            "Job / Title": "job_title",
            "Job / Date": "effective_date",
            "Termination/Date": "termination_date",
        }
    }
    read, mapped_rows = mapped(path, obj)
    assert read.header_row == 3
    assert read.headers == ["Employee #", "Name", "Job / Title", "Job / Date", "Termination / Date"]
    assert records(mapped_rows)[1] == {
        "employee_number": "E2",
        "first_name": "Bo",
        "job_title": "Engineer",
        "effective_date": date(2024, 6, 1),
        "termination_date": date(2026, 3, 31),
    }


def test_two_level_csv_header_and_repeated_header_rows(tmp_path):
    text = (
        "Worker,,Position,\n"
        "ID,Name,Title,Since\n"
        "E1,Ana,Analyst,2026-01-05\n"
        "ID,Name,Title,Since\n"
        "E2,Bo,Engineer,2024-06-01\n"
    )
    obj = {"columns": {"Worker / ID": "employee_number", "Position / Title": "job_title", "Since": "effective_date"}}
    read, rows = mapped(write(tmp_path, "w.csv", text), obj)
    assert read.header_row == 2
    assert read.headers == ["Worker / ID", "Name", "Position / Title", "Since"]
    assert read.matched == {"Worker / ID": "Worker / ID", "Position / Title": "Position / Title", "Since": "Since"}
    assert [(r.line, r.record["employee_number"], r.record["job_title"]) for r in rows] == [
        (3, "E1", "Analyst"),
        (5, "E2", "Engineer"),
    ]


def test_a_plain_name_that_two_groups_share_is_rejected(tmp_path):
    rows = [["Person", None, "Hire", "Termination"], ["Employee #", "Name", "Date", "Date"], ["E1", "Ana", "x", "y"]]
    obj = {"columns": {"Employee #": "employee_number", "Date": "hire_date"}}
    with pytest.raises(FileRejected) as caught:
        mapped(write_xlsx(tmp_path, "w.xlsx", rows), obj)
    assert "the header 'Date' appears 2 times in the file (columns 3, 4)" in str(caught.value)
    assert '"Group / Name"' in str(caught.value)


def test_missing_required_header_lists_the_files_headers(tmp_path):
    path = write(tmp_path, "w.csv", "Employee #,Full name,Start\nE1,Ana Lima,2026-11-30\n")
    with pytest.raises(FileRejected) as caught:
        mapped(path)
    assert caught.value.headers == ["Employee #", "Full name", "Start"]
    assert "missing headers 'Name', 'Hire Date'" in caught.value.reason
    assert "'Employee #', 'Full name', 'Start'" in caught.value.reason


def test_no_header_row_at_all(tmp_path):
    path = write(tmp_path, "w.csv", "id,who,when\n1,Ana,2026-11-30\n2,Bo,2026-11-29\n")
    with pytest.raises(FileRejected) as caught:
        mapped(path)
    assert caught.value.reason.startswith("no header row found in the first 30 rows: the mapping's headers")
    assert caught.value.headers == ["id", "who", "when"]


def test_a_header_the_mapping_uses_twice_in_the_file_is_rejected(tmp_path):
    path = write(tmp_path, "w.csv", "Employee #,Name,Hire Date,name\nE1,Ana,2026-11-30,Bo\n")
    with pytest.raises(FileRejected, match="the header 'Name' appears 2 times"):
        mapped(path)


def test_optional_header_may_be_absent(tmp_path):
    obj = {"columns": {**BASIC["columns"], "Supervisor": {"column": "manager_name", "optional": True}}}
    _, rows = mapped(write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,Ana,2026-11-30\n"), obj)
    assert rows[0].record == {
        "employee_number": "E1",
        "first_name": "Ana",
        "hire_date": date(2026, 11, 30),
        "manager_name": None,
    }


def test_headers_match_whatever_their_case_and_spacing(tmp_path):
    text = "  EMPLOYEE\u00a0#  ,name,hire   date\nE1,Ana,2026-11-30\n"
    _, rows = mapped(write(tmp_path, "w.csv", text))
    assert rows[0].record["hire_date"] == date(2026, 11, 30)


# --- rows -------------------------------------------------------------------------------------


def test_truncated_last_line_is_a_problem_not_a_row(tmp_path):
    text = "Employee #,Name,Hire Date\nE1,Ana,2026-11-30\nE2,Bo"
    _, rows = mapped(write(tmp_path, "w.csv", text))
    assert rows[0].record is not None
    assert (rows[1].line, rows[1].record, rows[1].problems) == (3, None, ["truncated: 2 of 3 fields"])


def test_truncated_quoted_field_at_the_end_is_a_problem(tmp_path):
    text = 'Employee #,Name,Hire Date\nE1,Ana,2026-11-30\nE2,Bo,"2026-1'
    _, rows = mapped(write(tmp_path, "w.csv", text))
    assert rows[1].record is None
    assert rows[1].problems[0].startswith("unterminated quote")


def test_unterminated_quote_mid_file_spoils_one_row_only(tmp_path):
    text = 'Employee #,Name,Hire Date\nE1,"Ana,2026-11-30\nE2,Bo,2026-11-29\nE3,Cy,2026-11-28\n'
    _, rows = mapped(write(tmp_path, "w.csv", text))
    assert [(r.line, r.record is None) for r in rows] == [(2, True), (3, False), (4, False)]
    assert rows[0].problems[0].startswith("unterminated quote")
    assert rows[2].record["first_name"] == "Cy"


def test_too_many_fields_is_a_problem(tmp_path):
    _, rows = mapped(write(tmp_path, "w.csv", "Employee #,Name,Hire Date\nE1,Lima, Ana,2026-11-30\n"))
    assert rows[0].problems == ["4 fields, header has 3"]


def test_every_problem_of_a_row_is_collected(tmp_path):
    obj = {"columns": {**BASIC["columns"], "Hours": "weekly_hours"}}
    text = "Employee #,Name,Hire Date,Hours\nE1,Ana,2026-11-30,40\nN/A,Bo,2026-13-45,forty\n"
    _, rows = mapped(write(tmp_path, "w.csv", text), obj)
    assert rows[1].problems == [
        "missing employee_number",
        "Hire Date '2026-13-45' is not a date in YYYY-MM-DD",
        "Hours 'forty' is not a number",
    ]


def test_value_map_turns_codes_into_words(tmp_path):
    obj = {
        "columns": {
            "Employee #": "employee_number",
            "Termd": {"column": "employment_status", "values": {"1": "Terminated", "0": "Active"}},
        }
    }
    _, rows = mapped(write(tmp_path, "w.csv", "Employee #,Termd\nE1,1\nE2,0\nE3,On leave\n"), obj)
    assert [r["employment_status"] for r in records(rows)] == ["Terminated", "Active", "On leave"]


def test_termination_type_is_normalised(tmp_path):
    obj = {"columns": {"Employee #": "employee_number", "Leaving type": "termination_type"}}
    text = (
        "Employee #,Leaving type\nE1,Involuntary - Dismissed\nE2,RESIGNED\nE3,Retirement\nE4,Laid off\nE5,Voluntary\n"
    )
    _, rows = mapped(write(tmp_path, "w.csv", text), obj)
    assert [r["termination_type"] for r in records(rows)] == [
        "involuntary",
        "voluntary",
        "Retirement",
        "involuntary",
        "voluntary",
    ]
    assert normalise_termination_type("Redundancy") == "involuntary"
    assert normalise_termination_type("quit") == "voluntary"


def test_date_of_birth_is_kept_only_as_its_year(tmp_path):
    obj = {"columns": {"Employee #": "employee_number", "DOB": "date_of_birth"}}
    text = "Employee #,DOB\nE1,14/07/1985\nE2,31/12/1990\nE3,1990-99-99\n"
    _, rows = mapped(write(tmp_path, "w.csv", text), obj)
    assert [r.record for r in rows[:2]] == [
        {"employee_number": "E1", "birth_year": 1985},
        {"employee_number": "E2", "birth_year": 1990},
    ]
    assert rows[0].raw == {"Employee #": "E1", "DOB": "1985"}
    assert rows[2].problems == ["DOB is not a date in D/M/YYYY"]
    assert "1990-99-99" not in json.dumps(rows[2].raw)
    assert "date_of_birth" not in TARGET_COLUMNS


def test_raw_holds_only_the_mapped_columns(tmp_path):
    text = "Employee #,Name,Hire Date,National ID\nE1,Ana,2026-99-01,123-45-6789\n"
    _, rows = mapped(write(tmp_path, "w.csv", text))
    assert rows[0].raw == {"Employee #": "E1", "Name": "Ana", "Hire Date": "2026-99-01"}


# --- XLSX and other files ---------------------------------------------------------------------


def test_xls_is_rejected_with_advice(tmp_path):
    path = tmp_path / "workers.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(FileRejected) as caught:
        read_file(path)
    assert ".xls" in str(caught.value) and "save it as .xlsx or as CSV" in str(caught.value)


def test_a_damaged_xlsx_is_rejected(tmp_path):
    path = write(tmp_path, "w.xlsx", "Employee #,Name\nE1,Ana\n")
    with pytest.raises(FileRejected, match="^not a readable XLSX workbook: "):
        read_file(path)


def test_named_sheet_and_missing_sheet(tmp_path):
    book = Workbook()
    book.active.title = "Cover"
    book.active.append(["Quarterly export"])
    data = book.create_sheet("Data")
    data.append(["Employee #", "Name", "Hire Date"])
    data.append(["E1", "Ana", "30.11.2026"])
    book.save(tmp_path / "w.xlsx")
    _, rows = mapped(tmp_path / "w.xlsx", {**BASIC, "sheet": "data"})
    assert rows[0].record["hire_date"] == date(2026, 11, 30)
    with pytest.raises(FileRejected, match="no sheet 'People'; its sheets: 'Cover', 'Data'"):
        mapped(tmp_path / "w.xlsx", {**BASIC, "sheet": "People"})


def test_broken_files_raise_only_file_rejected(tmp_path):
    good = 'Workers\nEmployee #;Name;Hire Date;Pay\nE1;José;30.11.2026;1.234,50\nE2;"Bo";01.02.2024;980\n'
    seed = good.encode("cp1252")
    randomly = random.Random(7)
    mapping = parse_mapping({**BASIC, "columns": {**BASIC["columns"], "Pay": "pay_amount"}})
    outcomes = set()
    for n in range(300):
        data = bytearray(seed)
        for _ in range(randomly.randint(1, 6)):
            at = randomly.randrange(len(data))
            choice = randomly.random()
            if choice < 0.4:
                data[at] = randomly.randrange(256)
            elif choice < 0.7:
                data.insert(at, randomly.choice(b'";,\n\r\x00\xff'))
            else:
                del data[at : at + randomly.randint(1, 8)]
        path = tmp_path / f"f{n}.csv"
        path.write_bytes(bytes(data))
        try:
            rows = map_rows(read_file(path, mapping), mapping)
            outcomes.add("read")
            assert all((r.record is None) == bool(r.problems) for r in rows)
        except FileRejected:
            outcomes.add("rejected")
    assert outcomes == {"read", "rejected"}


# --- mappings ---------------------------------------------------------------------------------


def test_legacy_mapping_still_parses(tmp_path):
    path = tmp_path / "lisbon_payroll.json"
    path.write_text(json.dumps({"Nº Colaborador": "employee_number", "Data de Admissão": "start_date"}))
    (mapping,) = load_mappings(path)
    assert (mapping.name, mapping.shape, mapping.files) == ("lisbon_payroll", "history", DEFAULT_GLOBS)
    assert [(r.header, r.column, r.kind, r.date_format) for r in mapping.columns] == [
        ("Nº Colaborador", "employee_number", "text", None),
        ("Data de Admissão", "hire_date", "date", "auto"),
    ]
    csv_path = write(tmp_path, "payroll_workers.csv", "Nº Colaborador;Data de Admissão\n00042;15/09/2021\n", "cp1252")
    rows = map_rows(read_file(csv_path, mapping), mapping)
    assert rows[0].record == {"employee_number": "00042", "hire_date": date(2021, 9, 15)}


DEFAULT_GLOBS = ("*.csv", "*.xlsx", "*.txt", "*.tsv")


def test_broken_mapping_json_names_file_and_line(tmp_path):
    path = tmp_path / "bamboo.json"
    path.write_text('{"name": "bamboo",\n "columns": {\n   "Employee #": "employee_number",,\n }\n}\n')
    with pytest.raises(MappingError) as caught:
        load_mappings(path)
    assert str(path) in str(caught.value)
    assert "line 3, column 36" in str(caught.value) and "not valid JSON" in str(caught.value)


def test_unknown_target_column_is_named(tmp_path):
    path = tmp_path / "m.json"
    path.write_text('{\n  "Employee #": "employee_number",\n  "Start": "hire_dat"\n}\n')
    with pytest.raises(MappingError) as caught:
        load_mappings(path)
    message = str(caught.value)
    assert "line 3" in message and "unknown column 'hire_dat' for header 'Start'" in message
    assert "did you mean 'hire_date'?" in message and "known columns: age_band, birth_year" in message


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"columns": {"A": "employee_number", "B": "start_date", "C": "hire_date"}}, "both load as hire_date"),
        ({"columns": {"A": "first_name"}}, "no header is mapped to employee_number"),
        ({"colums": {}, "name": "x"}, 'no "columns" object'),
        ({"columns": {"A": "employee_number"}, "shapes": "x"}, "unknown key 'shapes'; did you mean 'shape'?"),
        ({"columns": {"A": "employee_number", "B": {"column": "hire_date", "date_format": "%d/%m"}}}, "date_format"),
        ({"columns": {"A": "employee_number"}, "encoding": "klingon"}, "not a known text encoding"),
        ({"columns": {"A": "employee_number"}, "delimiter": ";;"}, 'must be "auto" or one character'),
        ({"columns": {"A": "employee_number"}, "shape": "daily"}, 'shape "daily"'),
        ({"columns": {"A": "employee_number", "B": 7}}, "the rule for header 'B' must be a column name or an object"),
        ({"columns": {"A": {"column": "employee_number", "optional": True}}}, "cannot be optional"),
    ],
)
def test_mapping_mistakes(obj, expected):
    with pytest.raises(MappingError, match=None) as caught:
        parse_mapping(obj, path=Path("m.json"), text=json.dumps(obj, indent=1))
    assert expected in str(caught.value)
    assert str(caught.value).startswith("hr_files: mapping m.json")


def test_duplicate_key_in_mapping_file(tmp_path):
    path = tmp_path / "m.json"
    path.write_text('{"Employee #": "employee_number",\n"Name": "first_name",\n"Name": "last_name"}')
    with pytest.raises(MappingError, match="line 3.*'Name' appears twice"):
        load_mappings(path)


def test_version_changes_with_any_edit():
    one = parse_mapping(BASIC)
    assert one.version == parse_mapping(json.loads(json.dumps(BASIC))).version
    assert len(one.version) == 16
    edited = {**BASIC, "columns": {**BASIC["columns"], "Name": "last_name"}}
    assert parse_mapping(edited).version != one.version
    assert parse_mapping({**BASIC, "date_format": "%d/%m/%Y"}).version != one.version


def test_claims_globs_the_file_name_case_insensitively():
    mapping = parse_mapping({**BASIC, "files": ["bamboohr*.csv", "BambooHR*.XLSX"]})
    assert mapping.claims("BambooHR_report_2026-11-30.CSV")
    assert mapping.claims("/drop/bamboohr.xlsx")
    assert not mapping.claims("adp_bamboohr.csv")
    assert parse_mapping(BASIC).claims("whatever.tsv")
    assert not parse_mapping(BASIC).claims("whatever.json")


def test_snapshot_date_from_the_file_name():
    default = parse_mapping({**BASIC, "shape": "snapshot"})
    assert default.snapshot_on(Path("headcount_20261130.csv")) == date(2026, 11, 30)
    assert default.snapshot_on(Path("v12345678_2026-10-31_final.csv")) == date(2026, 10, 31)
    assert default.snapshot_on(Path("headcount.csv")) is None
    custom = parse_mapping(
        {
            **BASIC,
            "shape": "snapshot",
            "snapshot_date": {"from_file_name": r"as of (\d\d\.\d\d\.\d{4})", "format": "%d.%m.%Y"},
        }
    )
    assert custom.snapshot_on(Path("Workers as of 30.11.2026.xlsx")) == date(2026, 11, 30)
    fixed = parse_mapping({**BASIC, "shape": "snapshot", "snapshot_date": "2026-11-30"})
    assert fixed.snapshot_on(Path("anything.csv")) == date(2026, 11, 30)
    assert parse_mapping(BASIC).snapshot_on(Path("w_2026-11-30.csv")) is None


def test_load_mappings_from_a_folder_in_name_order(tmp_path):
    (tmp_path / "b.json").write_text(json.dumps({**BASIC, "name": "second"}))
    (tmp_path / "a.json").write_text(json.dumps([{**BASIC, "name": "first"}, {"E": "employee_number"}]))
    (tmp_path / "notes.txt").write_text("not a mapping")
    assert [m.name for m in load_mappings(tmp_path)] == ["first", "a_2", "second"]
