"""Times synthesis of the platform at 1, 10 and 50 projects against an empty CDK app, each
synthesized the same way in the same run: a fresh process (interpreter, imports, jsii, synthesis and
every check), as `cdk synth` starts one. Also the skeleton of the smallest: the platform's imports,
then as many stacks and resources, without a property (`empty_app.py --skeleton`), which bounds
what any synthesis of that platform can cost. Then the step `make synth` runs after synthesis
(cfn-lint, deploy limits and the report), with an empty lint cache and again with the cache it
filled, at 1 and 50 projects, and the example's idle cost. Prints medians, ratios to the empty app
and the marginal cost of a project.

Usage: python benchmarks/synth.py [RUNS] [PROJECT COUNTS, e.g. 1,10,50]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cfn.assembly import read_assembly  # noqa: E402
from tooling.costs import estimate  # noqa: E402
from tooling.scale import config_with_projects  # noqa: E402
from tooling.synth import app_environment  # noqa: E402


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_synth(script: str, config: Path, outdir: Path, *args: str) -> float:
    return _timed([sys.executable, script, *args], app_environment(config, outdir))


def time_report(outdir: Path) -> tuple[float, float]:
    """`python -m tooling.report` on a synthesized assembly: with an empty lint cache (a fresh
    machine), then again with the cache that run left (what `make synth` meets after the tests, or
    after a change that leaves the templates as they were)."""
    with tempfile.TemporaryDirectory() as cache:
        env = os.environ | {"CFN_LINT_CACHE": cache, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "tooling.report", str(outdir)]
        return _timed(command, env), _timed(command, env)


def _shape(outdir: Path) -> tuple[int, int]:
    """How many stacks and resources a synthesized assembly holds."""
    stacks = read_assembly(outdir)
    return len(stacks), sum(len(stack.template["Resources"]) for stack in stacks)


def main(runs: int = 3, counts: tuple[int, ...] = (1, 10, 50)) -> None:
    with tempfile.TemporaryDirectory() as work:
        paths = {}
        for count in counts:
            paths[count] = Path(work) / f"projects-{count}.toml"
            paths[count].write_text(config_with_projects(count), encoding="utf-8")
        timings: dict[str, list[float]] = {"empty app": [], "skeleton": []}
        timings |= {f"{count} projects": [] for count in counts}
        reports: dict[int, list[tuple[float, float]]] = {count: [] for count in (counts[0], counts[-1])}
        for run in range(runs):  # interleaved, so machine load affects all alike
            for count in counts:
                outdir = Path(work) / f"out-{count}-{run}"
                timings[f"{count} projects"].append(time_synth("app.py", paths[count], outdir))
                if count in reports:
                    reports[count].append(time_report(outdir))
            shape = _shape(Path(work) / f"out-{counts[0]}-{run}")  # untimed, the same every run
            for label, args in (("empty app", []), ("skeleton", ["--skeleton", *map(str, shape)])):
                script, outdir = "benchmarks/empty_app.py", Path(work) / label
                timings[label].append(time_synth(script, paths[counts[0]], outdir, *args))
        example = Path(work) / "example"
        time_synth("app.py", ROOT / "config" / "example.toml", example)
        idle = {a.role: a.total_unconditional for a in estimate(read_assembly(example))}
    floor = statistics.median(timings["empty app"])
    medians = {label: statistics.median(values) for label, values in timings.items()}
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average at the end), {os.cpu_count()} cores")
    print(f"skeleton: the platform's imports, then {shape[0]} stacks of {shape[1]} bare resources in all")
    for label, values in timings.items():
        print(
            f"{label:>12}: median {medians[label]:6.2f} s  ratio {medians[label] / floor:5.2f}x"
            f"  runs {[round(v, 1) for v in values]}"
        )
    first, last = counts[0], counts[-1]
    if last > first:
        marginal = (medians[f"{last} projects"] - medians[f"{first} projects"]) / (last - first)
        print(f"    marginal: {marginal:.2f} s per project ({first} to {last})")
    for count, pairs in reports.items():
        cold, cached = (statistics.median(times) for times in zip(*pairs, strict=True))
        print(
            f" lint+report: {cold:6.2f} s at {count} project(s) with an empty lint cache, {cached:.2f} s cached"
        )
    print(f"   idle cost: ${sum(idle.values()):,.2f}/month before any promotion ({idle})")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 3,
        tuple(int(n) for n in sys.argv[2].split(",")) if len(sys.argv) > 2 else (1, 10, 50),
    )
