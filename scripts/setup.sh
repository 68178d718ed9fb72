#!/usr/bin/env bash
# Create the three virtualenvs from their lock files. Idempotent: an environment whose
# lock file has not changed since it was installed is left alone (a second run takes
# seconds). Usage: scripts/setup.sh [pipeline|superset|lrs ...]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
envs=("$@"); [ ${#envs[@]} -eq 0 ] && envs=(pipeline superset lrs)

for env in "${envs[@]}"; do
  lock="requirements/$env.txt"
  venv=".venv/$env"
  stamp="$venv/.installed-$(sha256sum "$lock" pyproject.toml | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ]; then
    echo "setup: $env environment is up to date"
    continue
  fi
  echo "setup: installing the $env environment from $lock ..."
  start=$(date +%s)
  [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip wheel
  "$venv/bin/python" -m pip install --quiet -r "$lock"
  if [ "$env" = pipeline ]; then
    "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
  fi
  rm -f "$venv"/.installed-*
  touch "$stamp"
  echo "setup: $env ready in $(( $(date +%s) - start ))s"
done
