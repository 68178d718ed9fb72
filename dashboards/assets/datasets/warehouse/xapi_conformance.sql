-- xAPI statements the LRS connector loaded although they break a lenient xAPI rule, per
-- rule (the issue text before its first ':'), from marts.mart_xapi_conformance: the
-- statements breaking it and one issue as an example. first_rule_statement_count counts
-- each statement once (under its first rule), so its sum is the statements with any
-- issue. Counts of statements, not people.
select
    issue_rule,
    statement_count,
    first_rule_statement_count,
    example_issue
from marts.mart_xapi_conformance
