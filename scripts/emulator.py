"""The project's local AWS: moto's server, with the behaviours of real AWS that moto lacks.

Usage: .venv/bin/python scripts/emulator.py [--exit-with-stdin] HOST PORT

Everything else is moto 5.2 as it ships (README, "The local AWS emulator"). The two behaviours:

* DynamoDB requests are applied one at a time. moto's threaded server runs requests
  concurrently without a lock, and its TransactWriteItems snapshots and restores whole tables
  around each transaction, so two concurrent transactions can undo each other's writes: an
  oversell caused by the emulator, not by the code under test. DynamoDB applies each request
  atomically; serialising DynamoDB's requests gives the emulator that property. Connections are
  still accepted concurrently (threaded server), so clients really race; other services are not
  serialised, so an SQS long poll (ReceiveMessage waiting up to 20 s) holds up nobody.
* A change set whose execution fails rolls the stack back, as CloudFormation does: the API call
  succeeds, the failing resource gets a CREATE_FAILED / UPDATE_FAILED event with the error as
  its reason, the stack's resources are rolled back and the stack ends in ROLLBACK_COMPLETE (a
  failed first create) or UPDATE_ROLLBACK_COMPLETE (UPDATE_ROLLBACK_FAILED when the rollback
  itself fails). moto ships with "TODO: handle execution errors and implement rollback" here
  and instead answers HTTP 500 and leaves the stack in REVIEW_IN_PROGRESS, a state real
  CloudFormation never leaves a failed create in.

It also answers a few read-mostly account APIs moto does not implement at all, with the shapes
of AWS's API references, so that stackgen's calls to them are exercised for real:

* Lambda GetAccountSettings (`GET /2016-08-19/account-settings/`): the account's concurrency
  limit is `EMULATOR_LAMBDA_CONCURRENCY` (default 1000, AWS's default quota; a new account may
  have far less, which is what the variable lets a test show).
* Cost Explorer cost allocation tags: ListCostAllocationTags, UpdateCostAllocationTagsStatus,
  StartCostAllocationTagBackfill, ListCostAllocationTagBackfillHistory. Tag keys billing has
  "seen" are `EMULATOR_COST_TAGS_SEEN` (comma-separated, default Project,Env,Owner,CostCenter),
  all inactive until activated; an unseen key is refused as AWS refuses it ("Tag keys not
  found"); a second backfill within 24 hours is refused (BackfillLimitExceededException).
* Cost Explorer anomaly monitors: CreateAnomalyMonitor, GetAnomalyMonitors,
  DeleteAnomalyMonitor (names and ARNs only).
* SNS email subscriptions wait for confirmation, as in AWS: ListSubscriptionsByTopic shows
  `PendingConfirmation` instead of their ARN (moto confirms every subscription at once).

With --exit-with-stdin the server exits when its standard input closes, i.e. when the test
process that started it exits, however it exits: no orphaned servers, no held ports.
"""

import datetime
import json
import os
import sys
import threading
import uuid

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

# The resource CloudFormation is working on when an execution fails, per request thread.
_local = threading.local()


def _tracking(original):
    def track(logical_id, resource_json, *args, **kwargs):
        _local.working_on = (logical_id, resource_json.get("Type", "AWS::CloudFormation::Stack"))
        return original(logical_id, resource_json, *args, **kwargs)

    return track


def _find_change_set(backend, change_set_name):
    if change_set_name in backend.change_sets:
        return backend.change_sets[change_set_name]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name == change_set_name:
            return change_set
    return None


def _resource_event(stack, logical_id, resource_type, status, reason):
    stack.events.append(
        cfn_models.Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id="",
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _with_rollback(original_execute):
    def execute_change_set(self, change_set_name, stack_name=None):
        change_set = _find_change_set(self, change_set_name)
        stack = self.stacks.get(change_set.stack_id) if change_set is not None else None
        previous = None
        if stack is not None and change_set.change_set_type != "CREATE":
            previous = (stack.template_dict, dict(stack.resource_map.input_parameters or {}))
        _local.working_on = None
        try:
            return original_execute(self, change_set_name, stack_name)
        except Exception as exc:  # noqa: BLE001 - any failure of a resource rolls back
            if stack is None:
                raise
            working_on = getattr(_local, "working_on", None)
            logical_id, resource_type = working_on or (stack.name, "AWS::CloudFormation::Stack")
            reason = f"{type(exc).__name__}: {exc}"[:1000]
            change_set.execution_status = "EXECUTE_FAILED"
            if change_set.change_set_type == "CREATE":
                _resource_event(stack, logical_id, resource_type, "CREATE_FAILED", reason)
                stack._add_stack_event(
                    "ROLLBACK_IN_PROGRESS",
                    resource_status_reason=f"The following resource(s) failed to create: [{logical_id}]. Rollback requested by user.",
                )
                try:
                    stack.resource_map.delete()
                    stack.status = "ROLLBACK_COMPLETE"
                except Exception as rollback:  # noqa: BLE001
                    stack.status = "ROLLBACK_FAILED"
                    reason = f"{type(rollback).__name__}: {rollback}"[:1000]
                stack._add_stack_event(stack.status, resource_status_reason=reason)
            else:
                _resource_event(stack, logical_id, resource_type, "UPDATE_FAILED", reason)
                stack._add_stack_event(
                    "UPDATE_ROLLBACK_IN_PROGRESS",
                    resource_status_reason=f"The following resource(s) failed to update: [{logical_id}].",
                )
                try:
                    stack.resource_map.update(previous[0], previous[1])
                    stack.status = "UPDATE_ROLLBACK_COMPLETE"
                except Exception as rollback:  # noqa: BLE001
                    stack.status = "UPDATE_ROLLBACK_FAILED"
                    reason = f"{type(rollback).__name__}: {rollback}"[:1000]
                stack._add_stack_event(stack.status, resource_status_reason=reason)
            return None

    return execute_change_set


def install_pending_email_subscriptions() -> None:
    import copy

    from moto.sns import models as sns_models

    original = sns_models.SNSBackend.list_subscriptions_by_topic

    def listed(self, topic_arn, next_token=None):
        subscriptions, token = original(self, topic_arn, next_token=next_token)
        shown = []
        for sub in subscriptions:
            if sub.protocol in ("email", "email-json"):
                sub = copy.copy(sub)
                sub.arn = "PendingConfirmation"
            shown.append(sub)
        return shown, token

    sns_models.SNSBackend.list_subscriptions_by_topic = listed


def install_rollback() -> None:
    cfn_parsing.parse_and_create_resource = _tracking(cfn_parsing.parse_and_create_resource)
    cfn_parsing.parse_and_update_resource = _tracking(cfn_parsing.parse_and_update_resource)
    backend = cfn_models.CloudFormationBackend
    backend.execute_change_set = _with_rollback(backend.execute_change_set)


_account_lock = threading.Lock()
_cost_tags: dict[str, str] = {}
_backfills: list[dict] = []
_monitors: dict[str, dict] = {}


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seen_tags() -> list[str]:
    seen = os.environ.get("EMULATOR_COST_TAGS_SEEN", "Project,Env,Owner,CostCenter")
    return [t.strip() for t in seen.split(",") if t.strip()]


def _json(status: str, body: dict):
    return status, [("Content-Type", "application/x-amz-json-1.1")], json.dumps(body).encode()


def _error(code: str, message: str):
    return _json("400 Bad Request", {"__type": code, "Message": message})


def _lambda_account_settings():
    limit = int(os.environ.get("EMULATOR_LAMBDA_CONCURRENCY", "1000"))
    body = {
        "AccountLimit": {
            "TotalCodeSize": 80530636800,
            "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800,
            "ConcurrentExecutions": limit,
            "UnreservedConcurrentExecutions": limit,
        },
        "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": 0},
    }
    return "200 OK", [("Content-Type", "application/json")], json.dumps(body).encode()


def _cost_explorer(action: str, request: dict):
    with _account_lock:
        for key in _seen_tags():
            _cost_tags.setdefault(key, "Inactive")
        if action == "ListCostAllocationTags":
            keys = request.get("TagKeys") or sorted(_cost_tags)
            status = request.get("Status")
            tags = [
                {"TagKey": k, "Type": "UserDefined", "Status": _cost_tags[k], "LastUsedDate": _now()}
                for k in keys
                if k in _cost_tags and (status is None or _cost_tags[k] == status)
            ]
            return _json("200 OK", {"CostAllocationTags": tags})
        if action == "UpdateCostAllocationTagsStatus":
            errors = []
            for entry in request.get("CostAllocationTagsStatus", []):
                key = entry.get("TagKey", "")
                if key in _cost_tags:
                    _cost_tags[key] = entry.get("Status", "Active")
                else:
                    errors.append({"TagKey": key, "Code": "TagKeysNotFoundException", "Message": "Tag keys not found"})
            return _json("200 OK", {"Errors": errors})
        if action == "StartCostAllocationTagBackfill":
            recent = [b for b in _backfills if b["RequestedAt"][:10] == _now()[:10]]
            if recent:
                return _error("BackfillLimitExceededException", "You can request a backfill once every 24 hours.")
            backfill = {
                "BackfillFrom": request.get("BackfillFrom", ""),
                "RequestedAt": _now(),
                "BackfillStatus": "PROCESSING",
                "LastUpdatedAt": _now(),
            }
            _backfills.append(backfill)
            return _json("200 OK", {"BackfillRequest": backfill})
        if action == "ListCostAllocationTagBackfillHistory":
            return _json("200 OK", {"BackfillRequests": list(_backfills)})
        if action == "CreateAnomalyMonitor":
            monitor = dict(request.get("AnomalyMonitor", {}))
            arn = f"arn:aws:ce::123456789012:anomalymonitor/{uuid.uuid4()}"
            monitor["MonitorArn"] = arn
            _monitors[arn] = monitor
            return _json("200 OK", {"MonitorArn": arn})
        if action == "GetAnomalyMonitors":
            wanted = request.get("MonitorArnList") or list(_monitors)
            return _json("200 OK", {"AnomalyMonitors": [_monitors[a] for a in wanted if a in _monitors]})
        if action == "DeleteAnomalyMonitor":
            _monitors.pop(request.get("MonitorArn", ""), None)
            return _json("200 OK", {})
    return None


def _account_apis(environ):
    """The answer to a request for an API moto lacks, or None to let moto answer it."""
    path = environ.get("PATH_INFO", "")
    if environ.get("REQUEST_METHOD") == "GET" and path.rstrip("/") == "/2016-08-19/account-settings":
        return _lambda_account_settings()
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith("AWSInsightsIndexService."):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length else b""
        request = json.loads(raw or b"{}")
        answer = _cost_explorer(target.split(".", 1)[1], request)
        if answer is None:
            # moto's own Cost Explorer (cost categories, GetCostAndUsage): hand the body back.
            import io

            environ["wsgi.input"] = io.BytesIO(raw)
        return answer
    return None


def main() -> None:
    args = sys.argv[1:]
    exit_with_stdin = "--exit-with-stdin" in args
    args = [a for a in args if a != "--exit-with-stdin"]
    if len(args) != 2:
        sys.exit("usage: emulator.py [--exit-with-stdin] HOST PORT")
    host, port = args[0], int(args[1])
    os.environ.setdefault("MOTO_PORT", str(port))
    install_rollback()
    install_pending_email_subscriptions()
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        answer = _account_apis(environ)
        if answer is not None:
            status, headers, body = answer
            start_response(status, headers + [("Content-Length", str(len(body)))])
            return [body]
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB"):
            with lock:
                return list(app(environ, start_response))
        return app(environ, start_response)

    if exit_with_stdin:

        def exit_with_parent() -> None:
            sys.stdin.read()
            os._exit(0)

        threading.Thread(target=exit_with_parent, daemon=True).start()
    run_simple(host, port, serialised, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
