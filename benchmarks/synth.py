"""Times synthesis of the platform at 1, 10 and 50 projects against an empty CDK app, each
synthesized the same way in the same run: a fresh process (interpreter, imports, jsii, synthesis and
every check), as `cdk synth` starts one. Prints medians and ratios to the empty app.

Usage: python benchmarks/synth.py [RUNS] [PROJECT COUNTS, e.g. 1,10,50]
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
sys.path.insert(0, str(ROOT))

from tooling.scale import config_with_projects  # noqa: E402


def time_synth(script: str, config: Path) -> float:
    context = json.loads((ROOT / "cdk.json").read_text())["context"] | {"config": str(config)}
    with tempfile.TemporaryDirectory() as outdir:
        env = os.environ | {
            "CDK_CONTEXT_JSON": json.dumps(context),
            "CDK_OUTDIR": outdir,
            "PYTHONPATH": str(ROOT),
        }
        started = time.perf_counter()
        subprocess.run([sys.executable, script], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def main(runs: int = 3, counts: tuple[int, ...] = (1, 10, 50)) -> None:
    with tempfile.TemporaryDirectory() as configs:
        paths = {}
        for count in counts:
            paths[count] = Path(configs) / f"projects-{count}.toml"
            paths[count].write_text(config_with_projects(count), encoding="utf-8")
        timings: dict[str, list[float]] = {"empty app": []} | {f"{count} projects": [] for count in counts}
        for _ in range(runs):  # interleaved, so machine load affects all alike
            timings["empty app"].append(time_synth("benchmarks/empty_app.py", paths[counts[0]]))
            for count in counts:
                timings[f"{count} projects"].append(time_synth("app.py", paths[count]))
    floor = statistics.median(timings["empty app"])
    for label, values in timings.items():
        median = statistics.median(values)
        print(
            f"{label:>12}: median {median:6.2f} s  ratio {median / floor:5.2f}x  runs {[round(v, 1) for v in values]}"
        )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 3,
        tuple(int(n) for n in sys.argv[2].split(",")) if len(sys.argv) > 2 else (1, 10, 50),
    )
