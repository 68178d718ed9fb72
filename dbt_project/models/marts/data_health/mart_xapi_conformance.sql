-- xAPI conformance for the Data Health dashboard: the statements the LRS connector loaded
-- although they break a lenient xAPI rule, counted per rule. The connector writes each
-- statement's issues as a JSON list of text (`actor.mbox: not a mailto IRI`, `[]` when
-- clean; null for loads from before it checked); the rule is the text before the first
-- ':'. One row per rule with at least one statement (none when every statement is clean
-- or there are none); a statement breaking two rules counts once under each in
-- statement_count, and under its alphabetically first rule only in
-- first_rule_statement_count, whose total is the number of statements with any issue.

{#- "alphabetically first" byte by byte on every adapter (a PostgreSQL database's own
    collation may order punctuation and case otherwise) -#}
{%- set bytewise = ' collate "C"' if target.type == 'postgres' else '' %}

with

statements as (

    select
        statement_id,
        conformance_issues
    from {{ ref('stg_lms__statements') }}
    where conformance_issue_count > 0

),

issues as (

    -- one row per statement and issue; JSON array unnesting is adapter-specific
    {% if target.type == 'duckdb' -%}
    select
        statements.statement_id,
        json_extract_string(issue.value, '$') as issue
    from statements,
        json_each(statements.conformance_issues) as issue
    {%- else -%}
    select
        statements.statement_id,
        issue.value as issue
    from statements,
        jsonb_array_elements_text(statements.conformance_issues) as issue(value)
    {%- endif %}

),

ruled as (

    select
        statement_id,
        issue,
        trim(
            case
                when strpos(issue, ':') > 0 then substr(issue, 1, strpos(issue, ':') - 1)
                else issue
            end
        ) as issue_rule
    from issues
    where issue is not null and trim(issue) <> ''

),

first_rules as (

    -- each statement's alphabetically first rule: it counts there once in the totals
    select
        statement_id,
        min(issue_rule{{ bytewise }}) as issue_rule
    from ruled
    group by statement_id

),

first_rule_counts as (

    select
        issue_rule,
        count(*) as first_rule_statement_count
    from first_rules
    group by issue_rule

),

per_rule as (

    select
        issue_rule,
        count(distinct statement_id) as statement_count,
        min(issue{{ bytewise }}) as example_issue
    from ruled
    group by issue_rule

),

final as (

    select
        cast(per_rule.issue_rule as {{ dbt.type_string() }}) as issue_rule,
        cast(per_rule.statement_count as {{ dbt.type_bigint() }}) as statement_count,
        cast(coalesce(first_rule_counts.first_rule_statement_count, 0) as {{ dbt.type_bigint() }})
            as first_rule_statement_count,
        cast(per_rule.example_issue as {{ dbt.type_string() }}) as example_issue
    from per_rule
    left join first_rule_counts
        on per_rule.issue_rule = first_rule_counts.issue_rule

)

select * from final
