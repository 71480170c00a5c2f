"""The emulator's S3 behaviours that moto lacks (imported by scripts/emulator.py).

* A stack's bucket notifications and CORS rules apply to the bucket. moto's CloudFormation
  reads only a bucket's encryption and tags: NotificationConfiguration.QueueConfigurations and
  CorsConfiguration are dropped, so an upload would never reach its queue.
* Browser uploads (POST Object) are held to their POST policy as S3 holds them: moto stores
  whatever is posted. The policy must not have expired; its SigV4 signature must verify with
  the secret key of the local credentials (`EMULATOR_SECRET_ACCESS_KEY`, default `testing`,
  what `stackgen dev` gives its functions); every condition must hold (exact matches,
  `starts-with`, `content-length-range`); and every form field but `policy`,
  `x-amz-signature`, `file` and `x-ignore-*` must be named by a condition. A failure is S3's
  403 AccessDenied ("Invalid according to Policy: …"), or 400 EntityTooLarge /
  EntityTooSmall for the size. Amazon S3 API Reference, "Creating a POST policy" and
  "Authenticating Requests: Browser-Based Uploads Using POST (AWS Signature Version 4)":
  https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
  https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
"""
import base64
import datetime
import hashlib
import hmac
import json
import os

from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses

_UNCHECKED_FIELDS = {"policy", "x-amz-signature", "file"}


def _apply_bucket_properties(bucket, properties: dict) -> None:
    notifications = properties.get("NotificationConfiguration") or {}
    queues = []
    for q in notifications.get("QueueConfigurations") or []:
        entry = {"Queue": q["Queue"], "Event": [q["Event"]]}
        rules = ((q.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
        if rules:
            entry["Filter"] = {
                "S3Key": {"FilterRule": [{"Name": r["Name"].lower(), "Value": r["Value"]} for r in rules]}
            }
        queues.append(entry)
    bucket.set_notification_configuration({"QueueConfiguration": queues} if queues else None)
    rules = (properties.get("CorsConfiguration") or {}).get("CorsRules") or []
    cors = []
    for r in rules:
        rule = {
            "AllowedMethod": r.get("AllowedMethods", []),
            "AllowedOrigin": r.get("AllowedOrigins", []),
            "AllowedHeader": r.get("AllowedHeaders", []),
            "ExposeHeader": r.get("ExposedHeaders", []),
        }
        if r.get("MaxAge") is not None:
            rule["MaxAgeSeconds"] = str(r["MaxAge"])  # moto keeps the API's XML text
        cors.append(rule)
    bucket.set_cors(cors)


def install_bucket_properties() -> None:
    """Applies a stack's NotificationConfiguration and CorsConfiguration to its buckets."""
    bucket_cls = s3_models.FakeBucket
    create = bucket_cls.create_from_cloudformation_json.__func__
    update = bucket_cls.update_from_cloudformation_json.__func__

    def created(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        bucket = create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        _apply_bucket_properties(bucket, cloudformation_json.get("Properties", {}))
        return bucket

    def updated(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        bucket = update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        _apply_bucket_properties(bucket, cloudformation_json.get("Properties", {}))
        return bucket

    bucket_cls.create_from_cloudformation_json = classmethod(created)
    bucket_cls.update_from_cloudformation_json = classmethod(updated)


def _error(status: int, code: str, message: str):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    return status, {"Content-Type": "application/xml"}, body


def _signing_key(secret: str, day: str, region: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _condition_problem(condition, fields: dict, bucket: str, size: int):
    """Why `condition` fails, as S3 words it, or None."""
    if isinstance(condition, dict):
        ((name, want),) = condition.items()
        got = bucket if name.lower() == "bucket" else fields.get(name.lower())
        if got != want:
            return 403, "AccessDenied", f'Invalid according to Policy: Policy Condition failed: ["eq", "${name}", "{want}"]'
        return None
    op = condition[0].lower()
    if op == "content-length-range":
        low, high = int(condition[1]), int(condition[2])
        if size > high:
            return 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
        if size < low:
            return 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"
        return None
    name = condition[1].lstrip("$").lower()
    got = bucket if name == "bucket" else fields.get(name, "")
    want = condition[2]
    if (op == "eq" and got != want) or (op == "starts-with" and not got.startswith(want)):
        return 403, "AccessDenied", f'Invalid according to Policy: Policy Condition failed: ["{op}", "${name}", "{want}"]'
    return None


def _named_by(condition) -> str:
    if isinstance(condition, dict):
        return next(iter(condition)).lower()
    if condition[0].lower() == "content-length-range":
        return ""
    return condition[1].lstrip("$").lower()


def _policy_time(text: str) -> datetime.datetime:
    """A POST policy's `expiration`: ISO 8601 in UTC, with or without fractional seconds (S3's
    own example has them, "2007-12-01T12:00:00.000Z"; the SDKs' presigners, boto3's among them,
    write none)."""
    for layout in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return datetime.datetime.strptime(text, layout)
        except ValueError:
            pass
    raise ValueError(f"expiration {text!r} is not an ISO 8601 UTC time (2007-12-01T12:00:00.000Z)")


def post_policy_problem(fields: dict, bucket: str, size: int, now: datetime.datetime):
    """(status, code, message) when S3 would refuse this POST upload, else None."""
    try:
        policy = json.loads(base64.b64decode(fields["policy"]))
        expiration = _policy_time(policy["expiration"])
        access_key, day, region, service, terminal = fields["x-amz-credential"].split("/")
    except (KeyError, ValueError, TypeError) as e:
        return 400, "InvalidPolicyDocument", f"Invalid Policy: {e}"
    if fields.get("x-amz-algorithm") != "AWS4-HMAC-SHA256" or service != "s3" or terminal != "aws4_request":
        return 400, "InvalidArgument", "x-amz-algorithm and x-amz-credential must name AWS4-HMAC-SHA256 and s3"
    secret = os.environ.get("EMULATOR_SECRET_ACCESS_KEY", "testing")
    want = hmac.new(_signing_key(secret, day, region), fields["policy"].encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, fields.get("x-amz-signature", "")):
        return 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
    if expiration < now:
        return 403, "AccessDenied", "Invalid according to Policy: Policy expired."
    conditions = policy.get("conditions") or []
    for condition in conditions:
        problem = _condition_problem(condition, fields, bucket, size)
        if problem:
            return problem
    named = {_named_by(c) for c in conditions}
    for name in fields:
        if name in _UNCHECKED_FIELDS or name.startswith("x-ignore-") or name in named:
            continue
        return 403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {name}"
    return None


def install_post_policy() -> None:
    """Holds POST Object uploads to their policy."""
    original = s3_responses.S3Response._bucket_response_post

    def post(self, request, bucket_name):
        form = getattr(self, "form_data", None) or {}
        fields = {k.lower(): v for k, v in form.items()}
        if "policy" in fields and not self.is_delete_keys():
            body = self.raw_body if isinstance(self.raw_body, (bytes, bytearray)) else str(self.body).encode()
            now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
            problem = post_policy_problem(fields, bucket_name, len(body), now)
            if problem:
                return _error(*problem)
        return original(self, request, bucket_name)

    s3_responses.S3Response._bucket_response_post = post
