-- Readiness categories partition the candidates: ready now + ready soon + ready later +
-- not assessed = candidates; needs-assessment candidates are among the not assessed.

select job_profile_id

from {{ ref('mart_bench_strength') }}
where ready_now_count + ready_soon_count + ready_later_count + not_assessed_candidate_count <> candidate_count
    or needs_assessment_count > not_assessed_candidate_count
    or (has_ready_successor <> (ready_now_count > 0))
