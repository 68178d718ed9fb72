-- One row per xAPI actor identifier seen in the LRS (`actor_key` of stg_lms__statements),
-- resolved to an employee of the HR system of record only where the rule of DECISIONLOG 4
-- allows: the identifier must name a work email exactly one employee has.
--   * account name and mbox: the login / address lower-cased = the work email. An account
--     and an mbox with the same address are one actor (the connector already folded mbox
--     into `actor_account_name`);
--   * mbox_sha1sum: the SHA-1 of `mailto:` + the work email (lower case, as HR holds it)
--     = the hash; a hash of an address with capitals does not match (DECISIONLOG 50).
--     On PostgreSQL this needs pgcrypto (macro sha1_hex); without it these stay unmatched;
--   * openid: nothing in HR holds an OpenID, so it never resolves (counted as unmatched).
-- `match_status` is `ambiguous` when the address belongs to several employees, else
-- `unmatched`; every identifier is counted in the identity match report (source `lms`).
-- Anonymous groups have no identifier and are not listed (their statements keep a null
-- employee). `actor_email` repeats `actor_key` for int_identity__source_identities, which
-- keys the `lms` rows on it.

with

statements as (

    select * from {{ ref('stg_lms__statements') }}

),

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

actors as (

    select
        actor_key,
        max(case when actor_ifi_type = 'account' then 1 else 0 end) as is_account,
        max(case when actor_ifi_type = 'mbox' then 1 else 0 end) as is_mbox,
        max(actor_mbox_sha1sum) as actor_mbox_sha1sum,
        max(case when actor_ifi_type = 'openid' then 1 else 0 end) as is_openid

    from statements
    where actor_key is not null
    group by actor_key

),

work_emails as (

    select
        work_email,
        {{ sha1_hex(dbt.concat(["'mailto:'", 'work_email'])) }} as work_email_sha1,
        count(*) as employee_count,
        min(employee_id) as employee_id

    from employees
    where work_email is not null
    group by work_email

),

typed as (

    select
        actor_key,
        actor_mbox_sha1sum,
        cast(
            case
                when is_account = 1 then 'xapi_account_name'
                when is_mbox = 1 then 'xapi_mbox'
                when is_openid = 1 then 'xapi_openid'
                when actor_mbox_sha1sum is not null then 'xapi_mbox_sha1sum'
            end
            as {{ dbt.type_string() }}
        ) as identifier_type

    from actors

),

matched as (

    select
        typed.actor_key,
        typed.identifier_type,
        coalesce(by_email.employee_count, by_sha1.employee_count, 0) as employee_count,
        coalesce(by_email.employee_id, by_sha1.employee_id) as candidate_employee_id,
        case
            when by_email.work_email is not null then 'email'
            when by_sha1.work_email is not null then 'mbox_sha1sum'
        end as candidate_match_method

    from typed
    left join work_emails as by_email
        on typed.identifier_type in ('xapi_account_name', 'xapi_mbox')
        and typed.actor_key = by_email.work_email
    left join work_emails as by_sha1
        on typed.identifier_type = 'xapi_mbox_sha1sum'
        and typed.actor_mbox_sha1sum = by_sha1.work_email_sha1

),

resolved as (

    select
        actor_key,
        actor_key as actor_email,
        identifier_type,
        case when employee_count = 1 then candidate_employee_id end as employee_id,
        cast(case when employee_count = 1 then candidate_match_method end as {{ dbt.type_string() }}) as match_method,
        cast(
            case
                when employee_count = 1 then 'matched'
                when employee_count > 1 then 'ambiguous'
                else 'unmatched'
            end
            as {{ dbt.type_string() }}
        ) as match_status,
        employee_count = 1 as is_resolved

    from matched

)

select * from resolved
