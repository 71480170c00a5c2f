#!/usr/bin/env bash
# `make test-aws ENV=dev`: the whole store on a real AWS sandbox account, end to end, then gone.
#
#   deploy (package → change set → site → smoke check through the CloudFront URL)
#   → the browser test against the CloudFront URL, with a staff account made for it (and taken
#     out of the staff group afterwards); the test's new customer is confirmed with
#     `stackgen customers confirm`, as real Cognito emails the code to an inbox nobody reads
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
if [[ $STACKGEN == */* && $STACKGEN != /* ]]; then
  STACKGEN=$PWD/$STACKGEN # absolute: the browser test runs it too
fi
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
staff_email=""
# Takes the test's staff member out of the staff group (and signs them out everywhere). The
# account itself stays in the pool as a customer account, like any removed staff member's,
# until destroy deletes the pool with the stack.
remove_test_staff() {
  [[ -n $staff_email ]] || return 0
  note "staff remove $staff_email (the account stays, as a customer account, until destroy)"
  "$STACKGEN" staff remove --env "$ENV_NAME" "$staff_email" >&2 ||
    echo "test-aws: could not remove $staff_email from the staff group; destroy deletes the pool anyway" >&2
  staff_email=""
}
cleanup() {
  remove_test_staff
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

# The back-office steps need a staff member, and a deployed environment has no demo one: add
# one as an operator would, with a random password set at once (`staff add --password`, here
# through its STACKGEN_STAFF_PASSWORD, which keeps it out of the process list) so that no
# temporary password is emailed and the address never needs to receive mail. Its domain: the
# environment's first budget recipient's, else example.com.
"$STACKGEN" synth --env "$ENV_NAME" --out "$OUT/synth" >/dev/null
staff_domain=$(python3 - "$OUT/synth/$ENV_NAME" <<'EOF'
import glob, json, sys
for path in glob.glob(f"{sys.argv[1]}/*.template.json"):
    for resource in json.load(open(path))["Resources"].values():
        if resource["Type"] != "AWS::Budgets::Budget":
            continue
        for notification in resource["Properties"].get("NotificationsWithSubscribers", []):
            for subscriber in notification.get("Subscribers", []):
                address = subscriber.get("Address")
                if subscriber.get("SubscriptionType") == "EMAIL" and isinstance(address, str) and "@" in address:
                    print(address.rsplit("@", 1)[1].lower())
                    sys.exit()
print("example.com")
EOF
)
test_staff_email="stackgen-test-staff-$(python3 -c 'import secrets; print(secrets.token_hex(4))')@$staff_domain"
test_staff_password=$(python3 -c 'import secrets; print(f"Test-{secrets.token_urlsafe(18)}-Aa1")')
note "staff add $test_staff_email (for the browser test's back-office steps)"
staff_email=$test_staff_email # from here on, cleanup removes it
STACKGEN_STAFF_PASSWORD="$test_staff_password" "$STACKGEN" staff add --env "$ENV_NAME" "$test_staff_email" >&2

# Staff need an authenticator app where the environment says staff.mfa: required (the default):
# set one up as the back office does, through Cognito's public API with the member's own access
# token, and hand its key to the browser test, which computes the codes (STAFF_TOTP_SECRET).
note "authenticator app for $test_staff_email (two-step sign-in)"
test_staff_totp=$(python3 - "$OUT/deploy.json" "$test_staff_email" "$test_staff_password" <<'EOF'
import base64, hmac, json, struct, sys, time, urllib.request
outputs = json.load(open(sys.argv[1]))["outputs"]
email, password = sys.argv[2], sys.argv[3]
region = outputs["UserPoolId"].split("_")[0]
def call(operation, body):
    request = urllib.request.Request(
        f"https://cognito-idp.{region}.amazonaws.com/",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/x-amz-json-1.1",
                 "x-amz-target": f"AWSCognitoIdentityProviderService.{operation}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)
def code(secret):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
signed_in = call("InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": outputs["UserPoolClientId"],
                                  "AuthParameters": {"USERNAME": email, "PASSWORD": password}})
token = signed_in["AuthenticationResult"]["AccessToken"]
secret = call("AssociateSoftwareToken", {"AccessToken": token})["SecretCode"]
call("VerifySoftwareToken", {"AccessToken": token, "UserCode": code(secret), "FriendlyDeviceName": "test-aws"})
call("SetUserMFAPreference", {"AccessToken": token, "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}})
print(secret)
EOF
)

note "browser test against $ui_url"
browser_status=0
BASE_URL="$ui_url" SCREENSHOT_DIR="$OUT/screenshots" STACKGEN="$STACKGEN" STACKGEN_ENV="$ENV_NAME" \
  STAFF_EMAIL="$test_staff_email" STAFF_PASSWORD="$test_staff_password" STAFF_TOTP_SECRET="$test_staff_totp" \
  node --test-reporter=spec tests/ui/store.spec.mjs || browser_status=$?
remove_test_staff
[[ $browser_status -eq 0 ]] || exit "$browser_status"

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
STACKGEN_TEST_AWS_ENV="$ENV_NAME" cargo test -q --workspace --test aws_account -- --ignored

note "nothing else differs: diff against the deployed stack exits 0"
"$STACKGEN" diff --env "$ENV_NAME" --out out >"$OUT/diff.txt"

note "destroy $ENV_NAME and verify nothing is left (region, us-east-1, account-wide)"
"$STACKGEN" destroy --env "$ENV_NAME" --yes
destroyed=1
echo "test-aws: $ENV_NAME deployed, tested in a browser through CloudFront, checked and destroyed in $(( $(date +%s) - started )) s; evidence in $OUT" >&2
