// Renders the architecture diagram of every environment's operations pack to SVG.
//
// `stackgen docs` writes docs/<env>/architecture.md with a Mermaid block; this renders that block
// with the pinned mermaid bundle (package.json) in headless Debian chromium and writes
// docs/<env>/architecture.svg next to it, so a browser, an <img> and GitHub all show the picture.
// With --check nothing is written: every diagram must render, or the exit code is 1 (make test).
// Every other Mermaid block of the pack (the inventory's chart of the idle month by service) must
// render too; only the architecture diagram is written as SVG.
//
// Usage: node scripts/render-diagrams.mjs [--check] [DOCS_DIR]   (default: docs)

import { chromium } from "playwright-core";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const check = args.includes("--check");
const docs = args.find((a) => !a.startsWith("--")) ?? "docs";
const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = join(root, "node_modules/mermaid/dist/mermaid.min.js");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

function fail(message) {
  console.error(`render-diagrams: ${message}`);
  process.exit(1);
}

if (!existsSync(bundle)) fail(`${bundle} is missing; run \`make tools\` (npm ci)`);
if (!existsSync(CHROMIUM)) fail(`no chromium at ${CHROMIUM}; run \`make tools\` or set CHROMIUM`);

const envs = existsSync(docs)
  ? readdirSync(docs, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(docs, d.name, "architecture.md")))
      .map((d) => d.name)
      .sort()
  : [];
if (envs.length === 0) fail(`no ${docs}/<env>/architecture.md; run \`stackgen docs --all\` first`);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = 0;
try {
  const page = await browser.newPage();
  await page.setContent("<!doctype html><html><body></body></html>");
  await page.addScriptTag({ path: bundle });
  await page.evaluate(() => {
    // Deterministic ids and a fixed seed for the rounded shapes' curves, so a rerun writes the
    // same file; plain SVG text (no HTML in foreignObject), so it is valid XML and shows in an
    // <img>. The text is measured with this machine's fonts, so --check asks only that every
    // diagram renders, not that the bytes match.
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      deterministicIds: true,
      handDrawnSeed: 1,
      theme: "default",
      htmlLabels: false,
      flowchart: { htmlLabels: false },
    });
  });
  for (const env of envs) {
    const markdown = readFileSync(join(docs, env, "architecture.md"), "utf8");
    const match = markdown.match(/```mermaid\n([\s\S]*?)```/);
    if (!match) {
      console.error(`${env}: architecture.md has no mermaid block`);
      failed++;
      continue;
    }
    try {
      const svg = await page.evaluate(async (source) => (await window.mermaid.render("architecture", source)).svg, match[1]);
      if (!svg.startsWith("<svg")) throw new Error("the renderer returned no SVG");
      if (!check) writeFileSync(join(docs, env, "architecture.svg"), `${svg}\n`);
      console.log(`${env}: architecture diagram renders (${svg.length} bytes)${check ? "" : ", written"}`);
    } catch (err) {
      console.error(`${env}: the architecture diagram does not render: ${err.message ?? err}`);
      failed++;
    }
    for (const file of readdirSync(join(docs, env)).filter((f) => f.endsWith(".md") && f !== "architecture.md").sort()) {
      const blocks = [...readFileSync(join(docs, env, file), "utf8").matchAll(/```mermaid\n([\s\S]*?)```/g)];
      for (const [i, block] of blocks.entries()) {
        try {
          const svg = await page.evaluate(async (source) => (await window.mermaid.render("chart", source)).svg, block[1]);
          if (!svg.startsWith("<svg")) throw new Error("the renderer returned no SVG");
          console.log(`${env}: ${file} chart ${i + 1} renders (${svg.length} bytes)`);
        } catch (err) {
          console.error(`${env}: ${file} chart ${i + 1} does not render: ${err.message ?? err}`);
          failed++;
        }
      }
    }
  }
} finally {
  await browser.close();
}
if (failed > 0) process.exit(1);
