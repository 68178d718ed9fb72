-- The match report accounts for every identifier: matched + ambiguous + unmatched =
-- identifiers seen; the LMS and performance counts equal the logins and users the
-- learning and review facts resolved.

with

report as (

    select * from {{ ref('mart_identity_match_report') }}

),

lms_resolved as (

    select count(*) as resolved_count

    from {{ ref('int_identity__lms_actors') }}
    where is_resolved

),

performance_resolved as (

    select count(*) as resolved_count

    from {{ ref('int_identity__performance_users') }}
    where employee_id is not null

)

select report.source_system

from report
where report.matched_count + report.ambiguous_count + report.unmatched_count <> report.identity_count
    or (report.source_system = 'lms' and report.matched_count <> (select resolved_count from lms_resolved))
    or (report.source_system = 'performance' and report.matched_count <> (select resolved_count from performance_resolved))
