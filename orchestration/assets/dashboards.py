"""Importing the Superset assets in `dashboards/` as the last step of a build."""

import os
import subprocess

from dagster import AssetExecutionContext, AssetKey, Failure, MaterializeResult, asset

from orchestration.settings import DASHBOARDS_DIR, SERVING_WAREHOUSE_PATH, SUPERSET_PYTHON


@asset(
    key=AssetKey(["superset", "dashboards"]),
    deps=[AssetKey(["serving", "warehouse"])],
    group_name="dashboards",
    kinds={"superset"},
)
def superset_dashboards(context: AssetExecutionContext) -> MaterializeResult:
    """Superset database, datasets, charts and dashboards, imported idempotently."""
    if not SUPERSET_PYTHON.exists():
        raise Failure(f"Superset environment not found at {SUPERSET_PYTHON}; run `make setup`")
    env = {**os.environ, "SERVING_WAREHOUSE_PATH": str(SERVING_WAREHOUSE_PATH)}
    result = subprocess.run(
        [str(SUPERSET_PYTHON), str(DASHBOARDS_DIR / "superset_ctl.py"), "import"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    for line in (result.stdout + result.stderr).splitlines()[-20:]:
        context.log.info(line)
    if result.returncode != 0:
        raise Failure(f"Superset import failed with exit code {result.returncode}")
    return MaterializeResult(metadata={"assets_dir": str(DASHBOARDS_DIR / "assets")})
