-- Every person identifier seen in each source system, with how (and whether) it
-- resolves to an HRIS employee. Unmatched and ambiguous identifiers stay here as rows,
-- so the match report can be traced back to the records behind each count.
--   hris:        employee number; `ambiguous` when the work email is shared with another
--                employee (other systems then cannot match that person by email),
--                `unmatched` when there is no work email to match on.
--   lms:         xAPI account name (the LMS login, lower-cased) by work email.
--   performance: Lattice user by external_user_id (a known employee number), else by
--                email; `ambiguous` when the email belongs to several employees.

with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

lms_actors as (

    select * from {{ ref('int_identity__lms_actors') }}

),

performance_users as (

    select * from {{ ref('stg_performance__users') }}

),

resolved_performance_users as (

    select * from {{ ref('int_identity__performance_users') }}

),

work_email_counts as (

    select
        work_email,
        count(*) as employee_count

    from employees
    where work_email is not null
    group by work_email

),

hris as (

    select
        cast('hris' as {{ dbt.type_string() }}) as source_system,
        employees.employee_id as source_identifier,
        cast('employee_number' as {{ dbt.type_string() }}) as identifier_type,
        employees.employee_id,
        cast('employee_number' as {{ dbt.type_string() }}) as match_method,
        case
            when employees.work_email is null then 'unmatched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'matched'
        end as match_status

    from employees
    left join work_email_counts
        on employees.work_email = work_email_counts.work_email

),

lms as (

    select
        cast('lms' as {{ dbt.type_string() }}) as source_system,
        lms_actors.actor_email as source_identifier,
        cast('xapi_account_name' as {{ dbt.type_string() }}) as identifier_type,
        lms_actors.employee_id,
        case when lms_actors.is_resolved then 'email' end as match_method,
        case
            when lms_actors.is_resolved then 'matched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status

    from lms_actors
    left join work_email_counts
        on lms_actors.actor_email = work_email_counts.work_email

),

performance as (

    select
        cast('performance' as {{ dbt.type_string() }}) as source_system,
        performance_users.user_id as source_identifier,
        cast('lattice_user_id' as {{ dbt.type_string() }}) as identifier_type,
        resolved_performance_users.employee_id,
        resolved_performance_users.match_method,
        case
            when resolved_performance_users.employee_id is not null then 'matched'
            when work_email_counts.employee_count > 1 then 'ambiguous'
            else 'unmatched'
        end as match_status

    from performance_users
    inner join resolved_performance_users
        on performance_users.user_id = resolved_performance_users.user_id
    left join work_email_counts
        on performance_users.email = work_email_counts.work_email

),

source_identities as (

    select * from hris
    union all
    select * from lms
    union all
    select * from performance

)

select * from source_identities
