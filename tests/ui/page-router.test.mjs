// The CDN's page-router CloudFront Function, as `stackgen synth --env dev` renders it, run in
// node the way CloudFront runs it: `handler(event)` with a viewer-request event
// (CloudFront Developer Guide, "CloudFront Functions event structure"). The browser test proves
// the same behaviour through `stackgen dev`; this proves the code the CDN will run.
//
// Usage: STACKGEN=target/debug/stackgen node --test tests/ui/page-router.test.mjs

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";

const stackgen = process.env.STACKGEN || "target/debug/stackgen";
const out = mkdtempSync(path.join(tmpdir(), "page-router-"));
execFileSync(stackgen, ["synth", "--env", "dev", "--out", out], { stdio: "ignore" });
const dir = path.join(out, "dev");
const file = readdirSync(dir).find((f) => f.endsWith(".template.json"));
const template = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
const fn = Object.values(template.Resources).find((r) => r.Type === "AWS::CloudFront::Function");
assert.ok(fn, "the dev template has a CloudFront Function");
assert.equal(fn.Properties.FunctionConfig.Runtime, "cloudfront-js-2.0");
const handler = new Function(`${fn.Properties.FunctionCode}\nreturn handler;`)();

const viewerRequest = (uri) => ({
  version: "1.0",
  context: { eventType: "viewer-request" },
  viewer: { ip: "198.51.100.10" },
  request: { method: "GET", uri, querystring: {}, headers: {}, cookies: {} },
});

test("known pages and every asset go on to the bucket unchanged", () => {
  for (const uri of ["/", "/index.html", "/admin.html", "/js/store.js", "/css/app.css", "/favicon.svg", "/config.js", "/js/missing.js"]) {
    const event = viewerRequest(uri);
    const result = handler(event);
    assert.equal(result, event.request, uri);
    assert.equal(result.uri, uri);
  }
});

test("an unknown page is answered at the edge: 404 and the store's page", () => {
  for (const uri of ["/shop", "/a/b/", "/no-such-aisle/today", "/old.html", "/INDEX.HTML"]) {
    const result = handler(viewerRequest(uri));
    assert.equal(result.statusCode, 404, uri);
    assert.equal(result.headers["content-type"].value, "text/html; charset=utf-8");
    assert.equal(result.body.encoding, "text");
    assert.match(result.body.data, /We could not find that page/);
  }
});
