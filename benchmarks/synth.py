"""Times synthesis of the platform against an empty CDK app, synthesized the same way in the same run.

Each run is a fresh process, as `cdk synth` starts one: interpreter, imports, jsii, synthesis and the
checks. Prints the median of each and the ratio. Usage: python benchmarks/synth.py [RUNS] [CONFIG]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_synth(script: str, config: str) -> float:
    context = json.loads((ROOT / "cdk.json").read_text())["context"] | {"config": config}
    with tempfile.TemporaryDirectory() as outdir:
        env = os.environ | {
            "CDK_CONTEXT_JSON": json.dumps(context),
            "CDK_OUTDIR": outdir,
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            "PYTHONPATH": str(ROOT),
        }
        started = time.perf_counter()
        subprocess.run([sys.executable, script], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def main(runs: int = 3, config: str = "config/example.toml") -> None:
    floor, platform = [], []
    for _ in range(runs):  # interleaved, so machine load affects both alike
        floor.append(time_synth("benchmarks/empty_app.py", config))
        platform.append(time_synth("app.py", config))
    empty, full = statistics.median(floor), statistics.median(platform)
    print(f"empty app (floor): median {empty:.2f} s of {runs} runs {[round(t, 2) for t in floor]}")
    print(f"platform ({config}): median {full:.2f} s of {runs} runs {[round(t, 2) for t in platform]}")
    print(f"ratio: {full / empty:.2f}x the empty app")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3, *sys.argv[2:3])
