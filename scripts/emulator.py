"""The project's local AWS: moto's server, with two behaviours of real AWS that moto lacks.

Usage: .venv/bin/python scripts/emulator.py [--exit-with-stdin] HOST PORT

Everything else is moto 5.2 as it ships (see DESIGN.md, "Local AWS"). The two additions:

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

With --exit-with-stdin the server exits when its standard input closes, i.e. when the test
process that started it exits, however it exits: no orphaned servers, no held ports.
"""

import os
import sys
import threading

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


def install_rollback() -> None:
    cfn_parsing.parse_and_create_resource = _tracking(cfn_parsing.parse_and_create_resource)
    cfn_parsing.parse_and_update_resource = _tracking(cfn_parsing.parse_and_update_resource)
    backend = cfn_models.CloudFormationBackend
    backend.execute_change_set = _with_rollback(backend.execute_change_set)


def main() -> None:
    args = sys.argv[1:]
    exit_with_stdin = "--exit-with-stdin" in args
    args = [a for a in args if a != "--exit-with-stdin"]
    if len(args) != 2:
        sys.exit("usage: emulator.py [--exit-with-stdin] HOST PORT")
    host, port = args[0], int(args[1])
    os.environ.setdefault("MOTO_PORT", str(port))
    install_rollback()
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
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
