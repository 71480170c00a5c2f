#!/usr/bin/env python3
"""make evidence (the last step of make test): index what the run proved in out/evidence/README.md.

Reads what the earlier steps left: out/evidence/synth.txt (make synth), cfn-lint-<env>.txt and
checkov.txt (make lint-templates), boot-arm64.txt (make boot-test), out/screenshots/index.json (the browser test: each picture with
the step it belongs to and what it proves), out/ui-test/smoke.log and logs.out (make ui-test).
A missing piece fails with the make target that makes it, so an index never looks complete for a
run that skipped a step. docs/<env>/evidence.md (stackgen docs) explains each piece.
"""

import datetime
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "out"
EVIDENCE = OUT / "evidence"


def need(path: pathlib.Path, target: str) -> str:
    if not path.is_file():
        sys.exit(f"evidence: {path.relative_to(ROOT)} is missing; run `make {target}` first (make test runs it)")
    return path.read_text(encoding="utf-8", errors="replace")


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def block(text: str, limit: int = 60) -> str:
    lines = text.rstrip("\n").splitlines()
    if len(lines) > limit:
        lines = lines[:limit] + [f"… ({len(lines) - limit} more lines in the file)"]
    return "```text\n" + "\n".join(lines) + "\n```\n\n"


def main() -> None:
    synth = need(EVIDENCE / "synth.txt", "synth")
    envs = sorted(p.stem.removeprefix("cfn-lint-") for p in EVIDENCE.glob("cfn-lint-*.txt"))
    if not envs:
        sys.exit("evidence: no out/evidence/cfn-lint-<env>.txt; run `make lint-templates` first")
    checkov = need(EVIDENCE / "checkov.txt", "lint-templates")
    summary = re.search(r"Passed checks: \d+, Failed checks: \d+, Skipped checks: \d+", checkov)
    if not summary:
        sys.exit("evidence: out/evidence/checkov.txt has no summary line; run `make lint-templates` again")
    shots = json.loads(need(OUT / "screenshots" / "index.json", "ui-test"))
    smoke = need(OUT / "ui-test" / "smoke.log", "ui-test")
    logs = need(OUT / "ui-test" / "logs.out", "ui-test")
    boot = need(EVIDENCE / "boot-arm64.txt", "boot-test")

    commit = git("rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if git("status", "--porcelain") else ""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Evidence of the last `make test`\n\n",
        f"Commit `{commit}`{dirty}, {now}. What each piece is: `docs/<env>/evidence.md`.\n\n",
        "## Synth\n\n",
        "`stackgen synth --all` (guardrails first; nothing is written when one fails):\n\n",
        block(synth),
        "## cfn-lint\n\n",
    ]
    for env in envs:
        last = need(EVIDENCE / f"cfn-lint-{env}.txt", "lint-templates").strip().splitlines()[-1]
        out.append(f"- `{env}`: {last} ([output](cfn-lint-{env}.txt))\n")
    out += [
        "\n## checkov\n\n",
        f"{summary.group(0)} ([output](checkov.txt)); every skip's reason is in the resource's Metadata.\n",
        "\n## The arm64 zip boots\n\n",
        "`stackgen package --env dev`'s zip, its `bootstrap` run under qemu-aarch64 behind `stackgen dev`'s runtime API, one event per handler:\n\n",
        block(boot, 30),
        "## Browser\n\n",
        "Headless Chromium against `stackgen dev` on the emulator (`tests/ui/store.spec.mjs`), one picture per step:\n\n",
        "| step | screenshot | what it proves |\n| --- | --- | --- |\n",
    ]
    for s in shots:
        out.append(f"| {s['step']} | [{s['file']}](../screenshots/{s['file']}) | {s['proves']} |\n")
    failed = [s["file"] for s in shots if s["file"].startswith("FAILED-")]
    out += [
        "\n## Smoke test\n\n",
        "`stackgen smoke --env local --url <stackgen dev>`:\n\n",
        block(smoke),
        "## Logs\n\n",
        "`stackgen logs --env local --function orders --filter 'POST /orders'` after the run:\n\n",
        block(logs, 10),
    ]
    EVIDENCE.mkdir(parents=True, exist_ok=True)
    (EVIDENCE / "README.md").write_text("".join(out), encoding="utf-8")
    print(f"evidence: out/evidence/README.md ({len(shots)} screenshots, {len(envs)} templates linted, {summary.group(0)})")
    if failed:
        sys.exit(f"evidence: the browser test failed at {', '.join(failed)}")


if __name__ == "__main__":
    main()
