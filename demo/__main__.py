"""`python -m demo build` or `python -m demo serve`: see demo/stack.py.

`python -m demo hr-exports OUT_DIR [--employees N] [--seed S]` writes the sample HR export
files (BambooHR, Workday, Personio, a files-only company) for the HR file-drop mappings:
see demo/hr_exports.py."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from demo import stack


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo", description=stack.__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("generate", "build", "serve"):
        commands.add_parser(name)
    hr = commands.add_parser("hr-exports", help="write sample HR export files for the HR file-drop mappings")
    hr.add_argument("out_dir", type=Path)
    hr.add_argument("--employees", type=int, help="company size (default: DEMO_EMPLOYEES)")
    hr.add_argument("--seed", type=int, help="random seed (default: DEMO_SEED)")
    args = parser.parse_args()
    cfg = stack.settings()
    if args.command == "hr-exports":
        from demo.generator import DemoCompany
        from demo.hr_exports import write_hr_exports

        employees = cfg["employees"] if args.employees is None else args.employees
        company = DemoCompany(employees, seed=cfg["seed"] if args.seed is None else args.seed).generate()
        for mapping, paths in write_hr_exports(company, args.out_dir).items():
            stack.log(f"{mapping}: {', '.join(p.name for p in paths)}")
        return
    started = time.monotonic()
    manifest = stack.ensure_demo_data(cfg)
    if args.command == "generate":
        return
    local = stack.local_secrets(cfg)
    with stack.source_systems(cfg, manifest) as run_env:
        env = stack.build(cfg, run_env, local)
        stack.summary(cfg)
        stack.log(f"warehouse built in {time.monotonic() - started:.0f}s: {cfg['warehouse']}")
        if args.command == "serve":
            stack.serve(cfg, env, local)


if __name__ == "__main__":
    main()
