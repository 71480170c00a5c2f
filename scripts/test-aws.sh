#!/usr/bin/env bash
# `make test-aws ENV=dev`: the whole store on a real AWS sandbox account, end to end, then gone.
#
#   deploy (package → change set → site → smoke check through the CloudFront URL)
#   → the browser test against the CloudFront URL
#   → the account and stack checks (`stackgen status`: stack complete, Lambda quota, cost
#     allocation tags, unconfirmed subscriptions), the budget and every alarm read back from
#     Budgets and CloudWatch and compared with the rendered template
#     (stackgen/tests/aws_account.rs), and `stackgen diff` exiting 0
#   → destroy, which verifies by tag and by name that nothing of the environment is left in
#     its region, in us-east-1 (CloudFront) or account-wide (budget, anomaly monitor).
#
# Never part of `make test`. Needs credentials for a sandbox account (the default credential
# chain or AWS_PROFILE); without any it says so and exits 0. It refuses an emulator endpoint
# (AWS_ENDPOINT_URL) and the protected environments. One run costs cents: see README, "A real
# AWS account".
set -euo pipefail
cd "$(dirname "$0")/.."

ENV_NAME=${ENV:-dev}
STACKGEN=${STACKGEN:-target/debug/stackgen}
OUT=out/test-aws/$ENV_NAME

note() { printf '\033[36m› %s\033[0m\n' "$*" >&2; }

if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
  echo "test-aws: AWS_ENDPOINT_URL is set ($AWS_ENDPOINT_URL): this test is for a real AWS account, not the emulator; unset it (the emulator's tests are \`make test\`)" >&2
  exit 1
fi
case "$ENV_NAME" in
  prod | local)
    echo "test-aws: ENV=$ENV_NAME is not a sandbox environment; use ENV=dev (or a copy of environments/dev.yaml)" >&2
    exit 1
    ;;
esac

has_credentials() {
  [[ -n "${AWS_ACCESS_KEY_ID:-}" || -n "${AWS_PROFILE:-}" || -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" \
    || -n "${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" || -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" \
    || -s "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" || -s "${AWS_CONFIG_FILE:-$HOME/.aws/config}" ]]
}
if ! has_credentials; then
  cat >&2 <<EOF
test-aws: no AWS credentials found (AWS_ACCESS_KEY_ID, AWS_PROFILE, a web identity token,
container credentials, ~/.aws/credentials or ~/.aws/config), so nothing was deployed.
To run it: credentials for a sandbox account (never production), then
  AWS_PROFILE=sandbox make test-aws ENV=$ENV_NAME
EOF
  exit 0
fi

mkdir -p "$OUT"
started=$(date +%s)
destroyed=0
cleanup() {
  if [[ $destroyed == 0 ]]; then
    note "destroying $ENV_NAME after a failed step (the kill switch: nothing must keep billing)"
    "$STACKGEN" destroy --env "$ENV_NAME" --yes || true
  fi
}
trap cleanup EXIT

note "deploy $ENV_NAME (package, change set, site, smoke check through CloudFront)"
"$STACKGEN" deploy --env "$ENV_NAME" --yes --format json >"$OUT/deploy.json"
ui_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["outputs"]["UiUrl"])' "$OUT/deploy.json")
note "storefront at $ui_url"

note "browser test against $ui_url"
BASE_URL="$ui_url" SCREENSHOT_DIR="$OUT/screenshots" node tests/ui/store.spec.mjs

note "status: stack, account readiness, unconfirmed subscriptions"
"$STACKGEN" status --env "$ENV_NAME" --format json >"$OUT/status.json"
python3 - "$OUT/status.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["exists"], "the stack is not there after deploy"
assert doc["status"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), doc["status"]
for key in ("lambdaConcurrency", "costAllocationTags"):
    check = doc["account"][key]
    print(f"  {key}: {check['state']}: {check['message']}")
for s in doc["account"]["unconfirmedSubscriptions"]:
    print(f"  unconfirmed: {s['endpoint']} on {s['topicArn']}")
EOF

note "the budget and every alarm, read back from Budgets and CloudWatch, as rendered"
STACKGEN_TEST_AWS_ENV="$ENV_NAME" cargo test -q -p stackgen --test aws_account -- --ignored

note "nothing else differs: diff against the deployed stack exits 0"
"$STACKGEN" diff --env "$ENV_NAME" --out out >"$OUT/diff.txt"

note "destroy $ENV_NAME and verify nothing is left (region, us-east-1, account-wide)"
"$STACKGEN" destroy --env "$ENV_NAME" --yes
destroyed=1
echo "test-aws: $ENV_NAME deployed, tested in a browser through CloudFront, checked and destroyed in $(( $(date +%s) - started )) s; evidence in $OUT" >&2
