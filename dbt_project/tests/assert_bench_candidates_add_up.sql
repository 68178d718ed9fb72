-- Readiness categories never overlap nor exceed the candidates: ready now + ready soon +
-- not assessed <= candidates, and needs-assessment candidates are among the not assessed.

select job_profile_id

from {{ ref('mart_bench_strength') }}
where ready_now_count + ready_soon_count + not_assessed_candidate_count > candidate_count
    or needs_assessment_count > not_assessed_candidate_count
    or (has_ready_successor <> (ready_now_count > 0))
