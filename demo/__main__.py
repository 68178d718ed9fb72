"""`python -m demo build` or `python -m demo serve`: see demo/stack.py."""

from __future__ import annotations

import argparse
import time

from demo import stack


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo", description=stack.__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "build", "serve"])
    args = parser.parse_args()
    cfg = stack.settings()
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
