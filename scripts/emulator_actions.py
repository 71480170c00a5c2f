"""What IAM would be asked for each signed request, and the answer (imported by
scripts/emulator.py).

moto does not enforce IAM. For a policy test, `EMULATOR_ACTION_LOG=<file>` makes the server
append, for each signed request it answers, one line per (action, resource) pair IAM
authorises the request as:

    <service>:<Action>\t<access key id>\t<resource ARN>\t<verdict>

The service is the request signature's signing name (IAM's prefix where the two differ:
`monitoring` is `cloudwatch`, `email` is `ses`); the action is the name moto authorises it by
(for S3, the IAM action of the method and resource), or IAM's where the two differ (a batch
call is its single call's action, `lambda:Invoke` is `lambda:InvokeFunction`, S3's HEAD
requests are ListBucket and GetObject); the key id is the one that signed it (`stackgen dev`
gives each function its own). The resource is the ARN IAM evaluates the statement's
`Resource` against, as the Service Authorization Reference defines it for the action
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
`*` for an action that takes no resource; `?` where this module cannot name it (a missing
stack, a request it cannot read): such a call is never refused on a guess.

The verdict is `allowed` or `denied` for a key held to a policy (`PUT
/_emulator/iam/access-keys`, [`install_policies`]: what `stackgen dev` does for each
function's key, with its role's statements), empty otherwise. A denied call is answered with
the service's own AccessDenied error, worded as IAM words it.

Where one request is several authorisations, it is several lines:

* DynamoDB transactions are authorised item by item ("Permissions for Put, Update, Delete, and
  Get actions are governed by the permissions used for the underlying PutItem, UpdateItem,
  DeleteItem, and GetItem operations. For the ConditionCheck action, you can use the
  dynamodb:ConditionCheckItem permission", DynamoDB Developer Guide, "Using IAM with DynamoDB
  transactions":
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html);
  batch calls once per table; a Query or Scan of an index on the index's ARN.
* S3's DeleteObjects (Multi-Object Delete) is authorised per key: "you must have
  s3:DeleteObject ... permission; to delete a specific version, s3:DeleteObjectVersion"
  (Amazon S3 API Reference, DeleteObjects:
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). moto names it by
  the bucket and `s3:DeleteObject` whatever the body says; here each key is a line, and a key
  with a VersionId is `s3:DeleteObjectVersion`, as is a single DELETE or GET with `versionId`
  (`s3:GetObjectVersion`). A refused key is an error in the 200 answer, as in S3.
* A CopyObject is PutObject on the copy and GetObject on its source.

A presigned URL or a browser upload's POST policy is logged under the key that signed it, whose
permissions it acts with. Unsigned requests (Cognito's InitiateAuth, which AWS takes without
credentials) are not logged. Not modelled: conditions (condition keys), permissions boundaries,
resource policies, Deny statements.
"""
import json
import os
import re
import uuid
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from email.utils import parseaddr
from xml.sax.saxutils import escape

# Signing names whose IAM service prefix differs (Service Authorization Reference).
_IAM_PREFIX = {"monitoring": "cloudwatch", "email": "ses", "tagging": "tag"}
_lock = threading.Lock()

_TRANSACT_ITEMS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


def credential_of_header(authorization: str) -> str:
    """The credential scope (`<key id>/<date>/<region>/<service>/aws4_request`) of a SigV4
    Authorization header, or ""."""
    if "Credential=" not in authorization:
        return ""
    return authorization.split("Credential=", 1)[1].split(",", 1)[0]


def credential_of(request) -> str:
    """The credential that signed `request`: its Authorization header, else a presigned URL's
    `X-Amz-Credential` or a browser upload's `x-amz-credential` field. A presigned request acts
    with the permissions of whoever signed it (Amazon S3 User Guide, "Sharing objects with
    presigned URLs": https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html),
    so it is logged as the signer's."""
    found = credential_of_header(request.headers.get("Authorization") or "")
    if found:
        return found
    query = getattr(request, "querystring", None) or {}
    for name in ("X-Amz-Credential", "x-amz-credential"):
        values = query.get(name)
        if values:
            return values[0] if isinstance(values, list) else values
    form = getattr(request, "form_data", None) or {}
    value = form.get("x-amz-credential") or form.get("X-Amz-Credential")
    return (value[0] if isinstance(value, list) else value) or ""


def log(credential: str, action: str, request=None, resource: str = "*"):
    """Appends the lines of one request signed with `credential` (a SigV4 credential scope);
    `request` is moto's response object (None for the account-level APIs the emulator answers
    itself, none of which takes a resource). Returns the error to answer when the key's policy
    (see `install_policies`) does not allow the request, else None."""
    path = os.environ.get("EMULATOR_ACTION_LOG")
    if not action or not credential or (not path and not _policies):
        return None
    scope = credential.split("/")
    if len(scope) < 4:
        return None
    service = _IAM_PREFIX.get(scope[3], scope[3])
    if request is None:
        pairs = [(action, resource)]
    else:
        try:
            pairs = _authorisations(request, service, action, resource) or [(action, "?")]
        except Exception:  # a request this module cannot read is logged, unnamed
            pairs = [(action, "?")]
    key = scope[0]
    with _lock:
        policy = _policies.get(key)
    verdicts = [(a, r, _verdict(policy, service, a, r)) for a, r in pairs]
    if path:
        lines = "".join(f"{service}:{a}\t{key}\t{r}\t{v}\n" for a, r, v in verdicts)
        with _lock, open(path, "a", encoding="utf-8") as out:
            out.write(lines)
    denied = [(a, r) for a, r, v in verdicts if v == "denied"]
    if not denied:
        return None
    if request is not None and _is_delete_objects(service, action, request):
        # S3 answers a Multi-Object Delete per key: the refused keys come back as errors of a
        # 200 answer, the others are deleted (`install_delete_objects`).
        request.emulator_denied = set(denied)
        return None
    action, resource = denied[0]
    return _access_denied(service, f"{service}:{action}", resource, policy["principal"])


def install() -> None:
    """Logs each signed request moto authorises (`EMULATOR_ACTION_LOG`)."""
    from moto.core.authorization import ActionAuthenticatorMixin

    original = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def logged(self, iam_request_cls, resource="*"):
        try:
            denied = log(credential_of(self), self._get_action(), self, resource)
        except Exception:  # a request moto cannot name is still answered as before
            denied = None
        if denied is not None:
            if hasattr(denied, "get_headers"):  # answered from call_action's own headers
                self.response_headers.update(dict(denied.get_headers()))
            raise denied
        return original(self, iam_request_cls, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = logged
    install_delete_objects()


def install_delete_objects() -> None:
    """A Multi-Object Delete deletes the keys the policy allows and reports the others as
    `AccessDenied` errors in its 200 answer, as S3 does ("The response ... includes ... an
    Error element for each object that Amazon S3 could not delete", Amazon S3 API Reference,
    DeleteObjects: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html)."""
    from moto.s3.responses import S3Response

    original = S3Response._bucket_response_delete_keys

    def delete_keys(self, bucket_name, authenticated=True):
        denied = getattr(self, "emulator_denied", None)
        if not denied:
            return original(self, bucket_name, authenticated)
        bucket_arn = f"arn:aws:s3:::{bucket_name}"
        root = ET.fromstring(self.body if isinstance(self.body, bytes) else self.body.encode())
        refused = []
        for obj in [o for o in root if o.tag.rsplit("}", 1)[-1] == "Object"]:
            fields = {c.tag.rsplit("}", 1)[-1]: c.text or "" for c in obj}
            action = "DeleteObjectVersion" if fields.get("VersionId") else "DeleteObject"
            if (action, f"{bucket_arn}/{fields.get('Key', '')}") in denied:
                refused.append(fields.get("Key", ""))
                root.remove(obj)
        errors = "".join(
            f"<Error><Key>{escape(k)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
            for k in refused
        )
        if not [o for o in root if o.tag.rsplit("}", 1)[-1] == "Object"]:
            body = f'<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{errors}</DeleteResult>'
            return 200, {"Content-Type": "application/xml"}, body
        for element in root.iter():  # moto reads `Delete`, not `{namespace}Delete`
            element.tag = element.tag.rsplit("}", 1)[-1]
        self.body = ET.tostring(root)
        status, headers, body = original(self, bucket_name, authenticated)
        body = body.decode() if isinstance(body, bytes) else body
        return status, headers, body.replace("</DeleteResult>", errors + "</DeleteResult>", 1)

    S3Response._bucket_response_delete_keys = delete_keys


def _is_delete_objects(service: str, action: str, request) -> bool:
    query = getattr(request, "querystring", None) or {}
    return service == "s3" and action == "DeleteObject" and "delete" in query


# Operations IAM authorises by another action's name (Service Authorization Reference: the batch
# calls are SendMessage, DeleteMessage, ChangeMessageVisibility and Publish; Invoke is
# InvokeFunction; S3's HEAD requests are ListBucket and GetObject).
_IAM_ACTIONS = {
    ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility",
    ("sns", "PublishBatch"): "Publish",
    ("lambda", "Invoke"): "InvokeFunction",
    ("lambda", "InvokeAsync"): "InvokeFunction",
    ("lambda", "InvokeWithResponseStream"): "InvokeFunction",
    ("s3", "HeadBucket"): "ListBucket",
    ("s3", "HeadObject"): "GetObject",
}


def _authorisations(request, service: str, action: str, resource: str) -> list:
    """The (action, resource ARN) pairs IAM evaluates `request` as."""
    action = _IAM_ACTIONS.get((service, action), action)
    region = getattr(request, "region", None) or "us-east-1"
    account = getattr(request, "current_account", None) or "123456789012"

    def arn(svc: str, rest: str) -> str:
        return f"arn:aws:{svc}:{region}:{account}:{rest}"

    if service == "s3":
        return _s3(request, action, resource)
    if resource != "*":  # moto names it (SQS: the queue's ARN)
        return [(action, resource)]
    if service == "dynamodb":
        return _dynamodb(_json(request), action, arn)
    if service == "sns":
        topic = request._get_param("TopicArn") or request._get_param("TargetArn")
        return [(action, topic or "?")]
    if service == "ses":
        return _ses(_json(request), action, arn)
    if service == "cognito-idp":
        pool = _json(request).get("UserPoolId")
        return [(action, arn("cognito-idp", f"userpool/{pool}") if pool else "?")]
    if service == "cloudformation":
        return [(action, _stack_arn(request._get_param("StackName"), region, account, arn))]
    if service == "lambda":
        return [(action, _lambda_resource(request, arn))]
    return []


def _json(request) -> dict:
    body = request.body  # DynamoDB's handler has parsed it already
    if isinstance(body, dict):
        return body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return json.loads(body or "{}")


def _dynamodb(body: dict, action: str, arn) -> list:
    def table(name: str) -> str:
        return name if name.startswith("arn:") else arn("dynamodb", f"table/{name}")

    if action in ("TransactWriteItems", "TransactGetItems"):
        pairs = []
        for item in body.get("TransactItems", []):
            for kind, iam_action in _TRANSACT_ITEMS.items():
                if kind in item:
                    pairs.append((iam_action, table(item[kind]["TableName"])))
        return pairs
    if action in ("BatchGetItem", "BatchWriteItem"):
        return [(action, table(name)) for name in body.get("RequestItems", {})]
    if body.get("StreamArn"):
        return [(action, body["StreamArn"])]
    if body.get("ShardIterator"):
        # GetRecords: an iterator is `<stream ARN>|1|<opaque>`, in DynamoDB as in moto.
        return [(action, body["ShardIterator"].split("|", 1)[0])]
    name = body.get("TableName")
    if not name:
        return [(action, "*")] if action in ("ListTables", "ListStreams") else []
    resource = table(name)
    if body.get("IndexName"):
        resource += f"/index/{body['IndexName']}"
    return [(action, resource)]


def _ses(body: dict, action: str, arn) -> list:
    """SESv2 SendEmail: the sending identity (the From address's own identity: stackgen
    makes the sender an address identity, docs/adr/0017), and the configuration set if one is
    named (Service Authorization Reference, "Actions, resources, and condition keys for Amazon
    Simple Email Service v2": SendEmail takes `identity` and `configuration-set`)."""
    if action != "SendEmail":
        return []
    sender = parseaddr(body.get("FromEmailAddress") or "")[1]
    pairs = [(action, arn("ses", f"identity/{sender}") if sender else "?")]
    if body.get("ConfigurationSetName"):
        pairs.append((action, arn("ses", f"configuration-set/{body['ConfigurationSetName']}")))
    return pairs


def _stack_arn(name, region: str, account: str, arn) -> str:
    """A stack's ARN (`stack/<name>/<id>`), looked up in the emulator by name."""
    if not name:
        return "*"
    if name.startswith("arn:"):
        return name
    from moto.cloudformation.models import cloudformation_backends

    stacks = cloudformation_backends[account][region].stacks.values()
    for stack in stacks:
        if stack.name == name and stack.status != "DELETE_COMPLETE":
            return stack.stack_id
    return "?"  # no such stack: CloudFormation's own answer says so, not IAM's


def _lambda_resource(request, arn) -> str:
    parts = [urllib.parse.unquote(p) for p in request.path.split("?")[0].split("/") if p]
    if len(parts) >= 3 and parts[1] == "functions":
        name = parts[2]
        return name if name.startswith("arn:") else arn("lambda", f"function:{name}")
    if len(parts) >= 3 and parts[1] == "event-source-mappings":
        return arn("lambda", f"event-source-mapping:{parts[2]}")
    if len(parts) == 2 and parts[1] in ("functions", "event-source-mappings"):
        return "*"  # ListFunctions, ListEventSourceMappings
    return "?"


def _s3(request, action: str, resource: str) -> list:
    query = getattr(request, "querystring", None) or {}
    source = request.headers.get("x-amz-copy-source") if action == "PutObject" else None
    if source:
        # CopyObject: PutObject on the copy, GetObject (or GetObjectVersion) on the source.
        path, _, version = urllib.parse.unquote(source).lstrip("/").partition("?versionId=")
        read = "GetObjectVersion" if version else "GetObject"
        return [(action, resource), (read, f"arn:aws:s3:::{path}")]
    if action == "DeleteObject" and "delete" in query:
        return _s3_delete_objects(request, resource)
    if action == "PutObject" and resource.count("/") == 0 and query.get("key"):
        # A browser upload (POST Object): moto names the bucket, IAM the object it writes.
        key = query["key"][0] if isinstance(query["key"], list) else query["key"]
        return [(action, f"{resource}/{key}")]
    if "versionId" in query and action in ("DeleteObject", "GetObject"):
        return [(action + "Version", resource)]
    return [(action, resource)]


def _s3_delete_objects(request, bucket_arn: str) -> list:
    body = request.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    pairs = []
    for obj in ET.fromstring(body).iter():
        if not obj.tag.endswith("Object"):
            continue
        fields = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in obj}
        action = "DeleteObjectVersion" if fields.get("VersionId") else "DeleteObject"
        pairs.append((action, f"{bucket_arn}/{fields.get('Key', '')}"))
    return pairs


# Enforcement: the policies of the keys `stackgen dev` gives its functions.
_policies: dict = {}


def policies_request(environ) -> tuple:
    """`PUT /_emulator/iam/access-keys` as the WSGI server hands it over: refused (403) when
    signed with a key held to a policy (a function cannot lift its own role's limits), 400 when
    the body cannot be read; else [`install_policies`]."""
    key = credential_of_header(environ.get("HTTP_AUTHORIZATION", "")).split("/")[0]
    with _lock:
        held = key in _policies
    if held:
        return "403 Forbidden", json.dumps({"message": f"{key} is held to a policy and may not change them"})
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "400 Bad Request", json.dumps({"message": "Content-Length is not a number"})
    return install_policies(environ["wsgi.input"].read(length))


def install_policies(body: bytes) -> tuple:
    """`PUT /_emulator/iam/access-keys`: the policy each access key id acts with, as
    `{"<key id>": {"principal": "<role session ARN>", "statements": [{"actions": [...],
    "resources": [...]}]}}` (the statements an identity policy allows, resources already
    resolved). The map replaces the one given before. A key given is held to its policy: a call
    none of its statements allows on the resource is answered with the service's AccessDenied
    error, as IAM answers it. A key not given is not checked. Returns (status, body)."""
    try:
        given = json.loads(body or b"{}")
        for key, policy in given.items():
            if not isinstance(policy.get("principal"), str):
                raise ValueError(f"{key}: principal must be a string")
            for statement in policy.get("statements", []):
                for field in ("actions", "resources"):
                    values = statement[field]
                    if not isinstance(values, list) or not all(isinstance(x, str) for x in values):
                        raise ValueError(f"{key}: {field} must be a list of strings")
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        return "400 Bad Request", json.dumps({"message": f"not a policy map: {e}"})
    with _lock:
        _policies.clear()
        _policies.update(given)
    return "200 OK", json.dumps({"keys": sorted(given)})


def _verdict(policy, service: str, action: str, resource: str) -> str:
    """`allowed` or `denied` under `policy`; "" for a key not held to one, or a call this
    module cannot name the resource of (it is not refused on a guess)."""
    if policy is None or resource == "?":
        return ""
    wanted = f"{service}:{action}".lower()
    for statement in policy.get("statements", []):
        if any(_glob(a.lower(), wanted) for a in statement["actions"]) and any(
            _arn_matches(r, resource) for r in statement["resources"]
        ):
            return "allowed"
    return "denied"


def _arn_matches(pattern: str, arn: str) -> bool:
    """IAM's match of a policy's resource: `*` alone matches anything; otherwise `*` matches
    any run of characters and `?` one, within a colon-separated segment, and a `*` that ends
    its segment may run past colons (IAM User Guide, "IAM JSON policy elements: Resource",
    "Using wildcards in resource ARNs":
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)."""
    if pattern == "*":
        return True
    regex = []
    for i, c in enumerate(pattern):
        ends_segment = i + 1 == len(pattern) or pattern[i + 1] == ":"
        if c == "*":
            regex.append(".*" if ends_segment else "[^:]*")
        elif c == "?":
            regex.append("[^:]")
        else:
            regex.append(re.escape(c))
    return re.fullmatch("".join(regex), arn, re.DOTALL) is not None


def _glob(pattern: str, text: str) -> bool:
    """An action pattern: `*` any run of characters, `?` one."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


# The error each service answers a call IAM refuses with: code, HTTP status, content type.
_DENIALS = {
    "dynamodb": ("AccessDeniedException", 400, "application/x-amz-json-1.0"),
    "sqs": ("AccessDenied", 400, "application/x-amz-json-1.0"),
    "cognito-idp": ("AccessDeniedException", 400, "application/x-amz-json-1.1"),
    "lambda": ("AccessDeniedException", 403, "application/json"),
    "ses": ("AccessDeniedException", 403, "application/json"),
    "sns": ("AuthorizationError", 403, "text/xml"),
    "cloudformation": ("AccessDenied", 403, "text/xml"),
}


def _access_denied(service: str, action: str, resource: str, principal: str):
    """The exception moto turns into the service's AccessDenied answer, worded as IAM words it
    ("User: … is not authorized to perform: … on resource: … because no identity-based policy
    allows the … action", IAM User Guide, "Troubleshoot access denied error messages":
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html)."""
    from moto.core.exceptions import JsonRESTError
    from moto.core.exceptions import _RESTError as RESTError  # the query protocol's XML error

    message = (
        f"User: {principal} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )
    if service == "s3":
        from moto.s3.exceptions import S3ClientError

        error = S3ClientError("AccessDenied", message)
        error.code = "AccessDenied"
        return error
    code, status, content_type = _DENIALS.get(service, ("AccessDenied", 403, "text/xml"))
    if content_type == "text/xml":
        error = RESTError(code, message)
        # The query protocol's error: <ErrorResponse><Error>…</Error><RequestId/> (moto's own
        # adds an <Errors> level the SDKs' query parsers do not look into).
        error.description = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )
    else:
        error = JsonRESTError(code, message)
    error.code = status
    error.content_type = content_type
    return error
