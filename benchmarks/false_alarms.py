"""False-alarm rate: verify every claim over many seeds and count the claims whose status ever changes.

A claim whose status depends on the seed has a tolerance derived wrongly (or a check too weak to decide):
the target is no change at all. Results are appended per (seed, claim) to a JSON-lines file as they finish,
so an interrupted run resumes where it stopped (``--out`` is read back first).

Usage: python benchmarks/false_alarms.py [--seeds 20] [--first 0] [--out false_alarms.jsonl] [ID ...]
(``--first K`` starts at seed K: two processes on seeds 0-9 and 10-19 use both cores; merge their files.)
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from mixverify.claim import Context, run_claim
from mixverify.claims import select


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ids", nargs="*", help="claim ids (default: all)")
    p.add_argument("--seeds", type=int, default=20, help="seeds --first ... --seeds - 1")
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("false_alarms.jsonl"))
    args = p.parse_args(argv)
    claims = select(args.ids)
    done = {}
    if args.out.exists():
        for line in args.out.read_text().splitlines():
            row = json.loads(line)
            done[(row["seed"], row["id"])] = row["status"]
    with args.out.open("a") as fh:
        for seed in range(args.first, args.seeds):
            for claim in claims:
                if (seed, claim.id) in done:
                    continue
                # the headline design per seed: the sweep is the seed table
                r = run_claim(claim, Context(seed=seed, sensitivity=False))
                done[(seed, claim.id)] = r.status
                fh.write(json.dumps({"seed": seed, "id": claim.id, "status": r.status, "failed": r.outcome.failed(),
                                     "seconds": round(r.seconds, 2)}) + "\n")
                fh.flush()
                print(f"seed {seed:3d}  {claim.id:<14} {r.status}", flush=True)
    statuses = collections.defaultdict(set)
    for (seed, cid), status in done.items():
        if args.first <= seed < args.seeds and cid in {c.id for c in claims}:
            statuses[cid].add(status)
    changed = sorted(cid for cid, s in statuses.items() if len(s) > 1)
    print(f"{len(changed)} of {len(statuses)} claims changed status over {args.seeds} seeds"
          + (": " + ", ".join(changed) if changed else ""))
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
