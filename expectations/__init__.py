"""Data-quality checks: Great Expectations suites for the raw tables and marts.

Suites live as reviewable YAML in `expectations/suites/`; `runner` validates a
warehouse against them; `python -m expectations` is the command-line entry point.
"""

from expectations.runner import (
    CheckRun,
    ExpectationOutcome,
    SuiteResult,
    run_checks,
    select_suites,
    validate_all,
    validate_table,
)
from expectations.suites import SUITES_DIR, SuiteFileError, load_suites

__all__ = [
    "SUITES_DIR",
    "CheckRun",
    "ExpectationOutcome",
    "SuiteFileError",
    "SuiteResult",
    "load_suites",
    "run_checks",
    "select_suites",
    "validate_all",
    "validate_table",
]
