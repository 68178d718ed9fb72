#!/usr/bin/env bash
# Create the three virtualenvs from their lock files. Idempotent: an environment whose
# lock file has not changed since it was installed is left alone (a second run takes
# seconds). Usage: scripts/setup.sh [pipeline|superset|lrs ...]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
envs=("$@"); [ ${#envs[@]} -eq 0 ] && envs=(pipeline superset lrs)

# This machine's pip configuration names optional local indexes that may be absent;
# pip warns about each of them on every package. Those lines only are dropped.
pip_install() {
  "$venv/bin/python" -m pip install --quiet "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

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
  pip_install --upgrade pip wheel
  pip_install -r "$lock"
  if [ "$env" = pipeline ]; then
    pip_install --no-deps --no-build-isolation -e .
  fi
  rm -f "$venv"/.installed-*
  touch "$stamp"
  echo "setup: $env ready in $(( $(date +%s) - start ))s"
done
