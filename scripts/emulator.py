"""The project's local AWS: moto's server, with the behaviours of real AWS that moto lacks.

Usage: .venv/bin/python scripts/emulator.py [--exit-with-stdin] HOST PORT

PORT 0 lets the operating system choose a free port; either way the first line the server prints
on stdout, once it is listening, is `emulator listening on HOST:PORT` with the port it bound.

Everything else is moto 5.2 as it ships (README, "The local AWS emulator"). The behaviours:

* DynamoDB requests are applied one at a time. moto's threaded server runs requests
  concurrently without a lock, and its TransactWriteItems snapshots and restores whole tables
  around each transaction, so two concurrent transactions can undo each other's writes: an
  oversell caused by the emulator, not by the code under test. DynamoDB applies each request
  atomically; serialising DynamoDB's requests gives the emulator that property. Connections are
  still accepted concurrently (threaded server), so clients really race; other services are not
  serialised, so an SQS long poll (ReceiveMessage waiting up to 20 s) holds up nobody.
* A change set whose execution fails (or a CreateStack sent with OnFailure=ROLLBACK, AWS's
  default, whose resource fails) rolls the stack back, as CloudFormation does: the API call
  succeeds, the failing resource gets a CREATE_FAILED / UPDATE_FAILED event with the error as
  its reason, the stack's resources are rolled back and the stack ends in ROLLBACK_COMPLETE (a
  failed first create) or UPDATE_ROLLBACK_COMPLETE (UPDATE_ROLLBACK_FAILED when the rollback
  itself fails). moto ships with "TODO: handle execution errors and implement rollback" here
  and instead answers HTTP 500 and leaves the stack in REVIEW_IN_PROGRESS, a state real
  CloudFormation never leaves a failed create in.
* An update whose only change is a parameter that a condition reads updates the resources that
  use the condition (`Fn::If`, or the resource's own `Condition`), as CloudFormation does,
  which re-evaluates every condition with the new values. moto updates a resource whose template
  is unchanged only when it `Ref`s the changed parameter itself.
* A stack's outputs are evaluated again after an executed (or rolled back) change set, as
  CloudFormation does after every update. moto's change set updates the resources but keeps the
  outputs it evaluated before (UpdateStack re-evaluates them), so an output that depends on a
  changed parameter, directly or through a condition, showed the old value.
* Cognito user pools, app clients and groups (AWS::Cognito::UserPool, UserPoolClient,
  UserPoolGroup) exist when a stack says so: CreateStack, UpdateStack and change sets create
  them in moto's cognito-idp, update them in place (a client or group is replaced when its
  create-only UserPoolId, GenerateSecret or GroupName changes; a pool never is, AWS's schema
  gives it no create-only property) and delete them with the stack or when an update removes
  them. Ref and Fn::GetAtt answer as AWS documents, in resources and Outputs: the pool's id,
  Arn, ProviderName, ProviderURL, UserPoolId; the client's id, ClientId, Name, ClientSecret; the
  group's name. moto's CloudFormation skips these types: nothing is created, and an output with
  a GetAtt of one makes CreateStack answer HTTP 500.
* Sign-up confirmation codes, as Cognito sends them: SignUp, and ResendConfirmationCode (which
  moto lacks), send the user a new random 6-digit code at the email (else phone number) the
  pool verifies automatically, into an in-memory outbox; ConfirmSignUp takes only the newest
  code: another is CodeMismatchException (HTTP 400), an unknown user UserNotFoundException
  (CodeMismatchException when the client's PreventUserExistenceErrors is ENABLED), a confirmed
  user NotAuthorizedException; a confirmed code marks its address verified (email_verified), as
  Cognito does. moto confirms whatever code it is given. Local tools and tests
  read the outbox at `GET /_emulator/cognito/outbox?to=<email>`: {"messages": [{"to",
  "userPoolId", "code", "kind": "sign-up", "sentAt" (RFC 3339)}]}, oldest first.

* WAF logging in CloudFormation (AWS::WAFv2::LoggingConfiguration): a stack sets the web ACL's
  logging configuration in moto's WAFv2 (GetLoggingConfiguration answers it) and removes it;
  a destination not named `aws-waf-logs-…` or a log group that does not exist fails the
  resource, as in WAF. moto's CloudFormation skips the type.
* OIDC identity providers in CloudFormation (AWS::IAM::OIDCProvider): a stack creates the
  provider in moto's IAM (Ref and GetAtt Arn are its ARN); a second one for the same URL fails
  with EntityAlreadyExists as in IAM. moto's CloudFormation skips the type.
* SES email identities are verified as soon as they are made, by the SES v2 API (what `stackgen
  deploy` calls for the sender) or a stack, where AWS emails the address a link first.
* SES email identities in CloudFormation (AWS::SES::EmailIdentity): a stack creates the identity
  in moto's SES (verified at once) and deletes it;
  Ref is the identity. moto's CloudFormation skips the type, and then SendEmail from the
  address is refused as unverified. Every message SES accepts (v1 or v2 API) is listed at
  `GET /_emulator/ses/outbox?to=<email>`: {"messages": [{"id", "from", "to", "subject",
  "body"}]}, oldest first, which is how tests and `stackgen dev` show what would have been sent.
* DynamoDB stream records stay in the stream for a reader (GetRecords). moto hands each new
  record to every event source mapping of the table by running the function in Docker and then
  drops the stream's records, so a poller (`stackgen dev`, as Lambda's pollers do in AWS) would
  find none; here no function is run in moto, and the records stay. A cancelled transaction
  leaves the stream as it was, to its readers too: moto puts back copies of the transaction's
  tables, stream included, and every shard iterator held then read a stream no write reached.
* CloudFormation drift detection, which moto lacks: DetectStackDrift compares each resource of a
  stack with what the service holds now, for the properties the template sets as literals, on
  the types whose settings engineers change by hand most: SQS queues (VisibilityTimeout,
  MessageRetentionPeriod, DelaySeconds, MaximumMessageSize, ReceiveMessageWaitTimeSeconds), log
  groups (RetentionInDays) and Lambda functions (MemorySize, Timeout); a queue or log group
  deleted out of band is DELETED; other types are NOT_CHECKED, as AWS reports types drift
  detection does not support. DescribeStackDriftDetectionStatus and DescribeStackResourceDrifts
  answer with AWS's shapes (detection completes at once), and DescribeStacks carries the
  stack's DriftInformation from then on.
* A stack update that changes a log group's RetentionInDays (or Tags, added or dropped) changes
  the group in place, as CloudFormation does ("Update requires: No interruption", AWS::Logs::LogGroup);
  LogGroupName is create-only, so a new name replaces the group. moto's LogGroup has no update
  handler: the update reported success and dropped the log groups from the stack.
* Authenticator apps (TOTP MFA) are checked: moto verifies the six-digit codes of
  VerifySoftwareToken and of the SOFTWARE_TOKEN_MFA sign-in challenge only with
  MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true, which this emulator sets, so a wrong code is
  refused as Cognito refuses it. moto gives every user one fixed 12-letter key
  (COGNITO_TOTP_MFA_SECRET); Cognito draws a 32-character base32 key per AssociateSoftwareToken.
  So does this emulator: each AssociateSoftwareToken hands out a new key of Cognito's shape,
  VerifySoftwareToken checks the code against the key that user was last handed (and makes it
  theirs), and the SOFTWARE_TOKEN_MFA sign-in challenge checks it against the user's own key, so
  a code from another user's app (or a key handed out and never verified) is refused: "Amazon
  Cognito disassociates an existing software token when you verify the new token" (API
  Reference, AssociateSoftwareToken).
* AdminGetUser finds a user by their `sub` as well, as Cognito does where user names are email
  addresses ("If username isn't an alias attribute in your user pool, this value must be the
  sub of a local user", Amazon Cognito API Reference, AdminGetUser). moto looks up user names
  and email addresses only.

* S3: a stack's bucket notifications and CORS rules apply, and browser uploads (POST Object)
  are held to their POST policy and its signature (scripts/emulator_s3.py says how).
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
* SES v2 GetAccount (`GET /v2/email/account`): the account's sending status. It has production
  access (moto delivers to any recipient) unless `EMULATOR_SES_SANDBOX=1`, which reports the
  sandbox every new AWS account starts in (200 messages a day, 1 a second); sending itself is
  not restricted either way.
* SNS email subscriptions wait for confirmation, as in AWS: ListSubscriptionsByTopic shows
  `PendingConfirmation` instead of their ARN (moto confirms every subscription at once).

For a policy test, `EMULATOR_ACTION_LOG=<file>` makes the server log each signed request's IAM
action and resource with the access key id that signed it (`scripts/emulator_actions.py` says
how each service's resource is named, and where one request is several authorisations).
`PUT /_emulator/iam/access-keys` holds given access keys to given policies (what `stackgen dev`
does for each function's key, with its role's statements): a call the policy does not allow is
answered with the service's AccessDenied, as IAM would answer it (moto enforces nothing).

With --exit-with-stdin the server exits when its standard input closes, i.e. when the test
process that started it exits, however it exits: no orphaned servers, no held ports.
"""

import base64
import datetime
import json
import os
import secrets
import sys
import threading
import urllib.parse
import uuid

# Read by moto at each call (moto.settings.get_cognito_idp_user_pool_enable_totp).
os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.cognitoidp import models as cognito_models
from moto.cognitoidp import responses as cognito_responses
from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from moto.core.common_models import CloudFormationModel
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import table as dynamodb_table
from moto.ses.models import ses_backends
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

import emulator_actions
import emulator_s3

def _totp_key() -> str:
    """A key of Cognito's shape: 32 base32 characters (20 random bytes)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


# moto reads this module global at each call; _with_totp_key sets it per call (see above).
cognito_models.COGNITO_TOTP_MFA_SECRET = _totp_key()

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
            result = original_execute(self, change_set_name, stack_name)
            if previous is not None:
                stack.output_map = stack._create_output_map()
            return result
        except Exception as exc:  # noqa: BLE001 - any failure of a resource rolls back
            if stack is None:
                raise
            working_on = getattr(_local, "working_on", None)
            logical_id, resource_type = working_on or (stack.name, "AWS::CloudFormation::Stack")
            reason = f"{type(exc).__name__}: {exc}"[:1000]
            change_set.execution_status = "EXECUTE_FAILED"
            if change_set.change_set_type == "CREATE":
                _roll_back_create(stack, logical_id, resource_type, reason)
            else:
                _resource_event(stack, logical_id, resource_type, "UPDATE_FAILED", reason)
                stack._add_stack_event(
                    "UPDATE_ROLLBACK_IN_PROGRESS",
                    resource_status_reason=f"The following resource(s) failed to update: [{logical_id}].",
                )
                try:
                    stack.resource_map.update(previous[0], previous[1])
                    stack.output_map = stack._create_output_map()
                    stack.status = "UPDATE_ROLLBACK_COMPLETE"
                except Exception as rollback:  # noqa: BLE001
                    stack.status = "UPDATE_ROLLBACK_FAILED"
                    reason = f"{type(rollback).__name__}: {rollback}"[:1000]
                stack._add_stack_event(stack.status, resource_status_reason=reason)
            return None

    return execute_change_set


def _roll_back_create(stack, logical_id, resource_type, reason) -> None:
    """A failed first create: the resource's CREATE_FAILED, then ROLLBACK_COMPLETE (or FAILED)."""
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
    # A rolled-back stack has no outputs (moto would evaluate them, re-creating what failed).
    stack.output_map._output_json_map = {}
    stack.output_map._parsed_outputs = {}
    stack._add_stack_event(stack.status, resource_status_reason=reason)


def _create_with_rollback(original_create):
    """CreateStack sent with OnFailure=ROLLBACK whose resource fails: the call succeeds and the
    stack rolls back, as in AWS. Without OnFailure moto's behaviour stays (HTTP 500, the stack left
    in CREATE_IN_PROGRESS for good): tests use it to hold a stack "in progress"."""

    def create_stack(self, name, template, parameters, *args, **kwargs):
        before = set(self.stacks)
        _local.working_on = None
        try:
            return original_create(self, name, template, parameters, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any failure of a resource rolls back
            created = [s for sid, s in self.stacks.items() if sid not in before]
            if not created or not getattr(_local, "roll_back_create", False):
                raise
            stack = created[0]
            working_on = getattr(_local, "working_on", None)
            logical_id, resource_type = working_on or (stack.name, "AWS::CloudFormation::Stack")
            _roll_back_create(stack, logical_id, resource_type, f"{type(exc).__name__}: {exc}"[:1000])
            return stack

    return create_stack


def install_verified_email_identities() -> None:
    """An SES email identity is verified as soon as it is made, however it is made (SES v2
    CreateEmailIdentity, v1 VerifyEmailIdentity, a stack): in AWS someone follows the link SES
    emails to the address, and there is nobody to follow it here. moto reports
    VerifiedForSendingStatus false for ever otherwise."""
    from moto.ses.models import SESBackend

    original = SESBackend.create_email_identity_v2

    def verified(self, email_identity, *rest, **kwargs):
        identity = original(self, email_identity, *rest, **kwargs)
        identity.verified_for_sending_status = True
        return identity

    SESBackend.create_email_identity_v2 = verified


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


def _conditions_used(node) -> set:
    """The condition names a resource's JSON uses: `Fn::If`'s first argument, `Condition`."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::If" and isinstance(value, list) and value and isinstance(value[0], str):
                found.add(value[0])
            elif key == "Condition" and isinstance(value, str):
                found.add(value)
            found |= _conditions_used(value)
    elif isinstance(node, list):
        for item in node:
            found |= _conditions_used(item)
    return found


def _condition_parameters(name, conditions, seen=None) -> set:
    """The names a condition `Ref`s, through the conditions it names."""
    seen = seen if seen is not None else set()
    if name in seen or name not in conditions:
        return set()
    seen.add(name)
    refs = set(cfn_parsing.get_references_from_template(conditions[name]))
    for other in _conditions_used(conditions[name]):
        refs |= _condition_parameters(other, conditions, seen)
    return refs


def _with_condition_changes(original_diff):
    def build_resource_diff(self, other_template, parameters=None):
        diff = original_diff(self, other_template, parameters)
        if not parameters:
            return diff
        changed = {p for p in parameters if self.input_parameters.get(p) != parameters[p]}
        conditions = other_template.get("Conditions") or {}
        old = self._resource_json_map
        for name, resource in (other_template.get("Resources") or {}).items():
            if name not in old or name in diff["Modify"] or resource != old[name]:
                continue
            reads = set()
            for condition in _conditions_used(resource):
                reads |= _condition_parameters(condition, conditions)
            if reads & changed:
                diff["Modify"].append(name)
        return diff

    return build_resource_diff


def install_condition_updates() -> None:
    cfn_parsing.ResourceMap.build_resource_diff = _with_condition_changes(
        cfn_parsing.ResourceMap.build_resource_diff
    )


def install_rollback() -> None:
    cfn_parsing.parse_and_create_resource = _tracking(cfn_parsing.parse_and_create_resource)
    cfn_parsing.parse_and_update_resource = _tracking(cfn_parsing.parse_and_update_resource)
    backend = cfn_models.CloudFormationBackend
    backend.execute_change_set = _with_rollback(backend.execute_change_set)
    backend.create_stack = _create_with_rollback(backend.create_stack)
    from moto.cloudformation.responses import CloudFormationResponse

    original_response = CloudFormationResponse.create_stack

    def create_stack(self):
        _local.roll_back_create = self._get_param("OnFailure") == "ROLLBACK"
        try:
            return original_response(self)
        finally:
            _local.roll_back_create = False

    CloudFormationResponse.create_stack = create_stack


# Cognito user pools, app clients and groups in CloudFormation. moto's parsing looks a resource
# type up among CloudFormationModel's direct subclasses (parsing.get_model_map) and has none for
# these three, so it skips them with a warning. These models keep a handle on the objects moto's
# cognito-idp backend holds: a stack really creates, updates and deletes them. moto files every
# model under the service its module names (moto.<service>...), hence the __module__ below.

# CreateUserPool's members, spelled as AWS::Cognito::UserPool spells them (the pool's name is
# UserPoolName there, PoolName in the API).
_POOL_API_KEYS = (
    "Policies", "DeletionProtection", "LambdaConfig", "AutoVerifiedAttributes", "AliasAttributes",
    "UsernameAttributes", "SmsVerificationMessage", "EmailVerificationMessage",
    "EmailVerificationSubject", "VerificationMessageTemplate", "SmsAuthenticationMessage",
    "MfaConfiguration", "UserAttributeUpdateSettings", "DeviceConfiguration", "EmailConfiguration",
    "SmsConfiguration", "UserPoolTags", "AdminCreateUserConfig", "Schema", "UserPoolAddOns",
    "UsernameConfiguration", "AccountRecoverySetting", "UserPoolTier",
)
# CreateUserPoolClient's members besides UserPoolId and GenerateSecret (same names in both).
_CLIENT_API_KEYS = (
    "ClientName", "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity",
    "TokenValidityUnits", "ReadAttributes", "WriteAttributes", "ExplicitAuthFlows",
    "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs", "DefaultRedirectURI",
    "AllowedOAuthFlows", "AllowedOAuthScopes", "AllowedOAuthFlowsUserPoolClient",
    "AnalyticsConfiguration", "PreventUserExistenceErrors", "EnableTokenRevocation",
    "EnablePropagateAdditionalUserContextData", "AuthSessionValidity",
)
_CLIENT_BOOLS = ("AllowedOAuthFlowsUserPoolClient", "EnableTokenRevocation", "EnablePropagateAdditionalUserContextData")
_CLIENT_INTS = ("RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "AuthSessionValidity")


def _cognito(account_id: str, region_name: str):
    return cognito_models.cognitoidp_backends[account_id][region_name]


def _cfn_bool(value) -> bool:
    # A template may say true or "true"; CloudFormation accepts both.
    return value is True or str(value).lower() == "true"


def _cfn_int(value):
    return int(value) if isinstance(value, str) and value.strip().lstrip("-").isdigit() else value


def _quietly_gone(delete) -> None:
    """Runs a delete; a resource already gone (its pool was deleted first) counts as deleted."""
    try:
        delete()
    except (ResourceNotFoundError, KeyError):
        pass


def _pool_tags(account_id, region_name, stack_id, logical_id, props) -> dict:
    """UserPoolTags as CloudFormation sets them: the stack's tags, CloudFormation's own
    aws:cloudformation:* tags, then the template's UserPoolTags."""
    stack = cfn_models.cloudformation_backends[account_id][region_name].stacks.get(stack_id)
    tags = {}
    if stack is not None:
        tags.update({k: v for k, v in (stack.tags or {}).items() if not k.startswith("aws:")})
        tags.update(
            {
                "aws:cloudformation:stack-name": stack.name,
                "aws:cloudformation:stack-id": stack.stack_id,
                "aws:cloudformation:logical-id": logical_id,
            }
        )
    tags.update(props.get("UserPoolTags") or {})
    return tags


def _pool_config(props: dict, tags: dict) -> dict:
    config = {k: props[k] for k in _POOL_API_KEYS if k in props}
    config["UserPoolTags"] = tags
    return config


def _apply_pool_mfa(pool, props: dict) -> None:
    # MfaConfiguration and EnabledMfas are what SetUserPoolMfaConfig sets.
    pool.mfa_config = props.get("MfaConfiguration") or "OFF"
    enabled = props.get("EnabledMfas") or []
    pool.token_mfa_config = {"Enabled": True} if "SOFTWARE_TOKEN_MFA" in enabled else None
    sms = {k: props[k] for k in ("SmsAuthenticationMessage", "SmsConfiguration") if k in props}
    pool.sms_mfa_config = sms if "SMS_MFA" in enabled else None


class _EmulatedModel:
    """What every CloudFormation model of this emulator shares: created at once (no waiting),
    updated in place unless the model says otherwise, and deleted through `delete` (the stack's
    delete calls it) rather than by name. Listed first among a model's bases, before
    CloudFormationModel, whose direct subclasses moto's CloudFormation looks types up in."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        pass

    def is_created(self) -> bool:
        return True


class CognitoUserPool(_EmulatedModel, CloudFormationModel):
    """AWS::Cognito::UserPool: Ref is the pool id; GetAtt Arn, ProviderName, ProviderURL,
    UserPoolId. Every property updates in place (AWS's resource schema has no create-only
    property for it), so a stack update never makes a second pool."""

    __module__ = "moto.cognitoidp.emulator"

    def __init__(self, account_id, region_name, pool_id, stack_id, logical_id):
        self.account_id = account_id
        self.region_name = region_name
        self.pool_id = pool_id
        self.stack_id = stack_id
        self.logical_id = logical_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Cognito::UserPool"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "UserPoolName"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Arn", "ProviderName", "ProviderURL", "UserPoolId")

    @property
    def physical_resource_id(self) -> str:
        return self.pool_id

    def get_cfn_attribute(self, attribute_name: str):
        provider = f"cognito-idp.{self.region_name}.amazonaws.com/{self.pool_id}"
        if attribute_name == "Arn":
            return _cognito(self.account_id, self.region_name).describe_user_pool(self.pool_id).arn
        if attribute_name == "ProviderName":
            return provider
        if attribute_name == "ProviderURL":
            return f"https://{provider}"
        if attribute_name == "UserPoolId":
            return self.pool_id
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties") or {}
        stack_id, logical_id = kwargs.get("StackId"), kwargs.get("LogicalId")
        tags = _pool_tags(account_id, region_name, stack_id, logical_id, props)
        pool = _cognito(account_id, region_name).create_user_pool(resource_name, _pool_config(props, tags))
        _apply_pool_mfa(pool, props)
        return cls(account_id, region_name, pool.id, stack_id, logical_id)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        backend = _cognito(account_id, region_name)
        pool = backend.describe_user_pool(original_resource.pool_id)
        # Without UserPoolName the name CloudFormation gave the pool stays.
        pool.name = props.get("UserPoolName") or pool.name
        tags = _pool_tags(account_id, region_name, original_resource.stack_id, original_resource.logical_id, props)
        config = _pool_config(props, tags)
        schema = config.pop("Schema", None) or []
        backend.update_user_pool(pool.id, config)
        # Schema: UpdateUserPool cannot change attributes; new custom ones are added
        # (AddCustomAttributes), as CloudFormation does.
        for attribute in schema:
            name = attribute.get("Name", "")
            if name in cognito_models.CognitoIdpUserPoolAttribute.STANDARD_SCHEMA:
                continue
            target = ("dev:" if _cfn_bool(attribute.get("DeveloperOnlyAttribute")) else "") + f"custom:{name}"
            if target not in pool.schema_attributes:
                pool.add_custom_attributes([attribute])
        _apply_pool_mfa(pool, props)
        pool.last_modified_date = utcnow()
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        _quietly_gone(lambda: _cognito(account_id, region_name).delete_user_pool(resource_name))

    def delete(self, account_id, region_name) -> None:
        self.delete_from_cloudformation_json(self.pool_id, {}, account_id, region_name)

class CognitoUserPoolClient(_EmulatedModel, CloudFormationModel):
    """AWS::Cognito::UserPoolClient: Ref is the client id; GetAtt ClientId, Name, ClientSecret.
    UserPoolId and GenerateSecret are create-only (a change replaces the client); anything
    else updates it in place, all of its settings at once as UpdateUserPoolClient does."""

    __module__ = "moto.cognitoidp.emulator"

    def __init__(self, account_id, region_name, pool_id, client_id):
        self.account_id = account_id
        self.region_name = region_name
        self.pool_id = pool_id
        self.client_id = client_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Cognito::UserPoolClient"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ClientName"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("ClientId", "Name", "ClientSecret")

    @property
    def physical_resource_id(self) -> str:
        return self.client_id

    def _client(self):
        return _cognito(self.account_id, self.region_name).describe_user_pool_client(self.pool_id, self.client_id)

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name == "ClientId":
            return self.client_id
        if attribute_name == "Name":
            return self._client().extended_config.get("ClientName")
        if attribute_name == "ClientSecret" and self._client().generate_secret:
            return self._client().secret
        raise UnformattedGetAttTemplateException()

    @staticmethod
    def _config(props: dict, name: str) -> dict:
        config = {k: props[k] for k in _CLIENT_API_KEYS if k in props}
        config["ClientName"] = name
        for key in _CLIENT_BOOLS:
            if key in config:
                config[key] = _cfn_bool(config[key])
        for key in _CLIENT_INTS:
            if key in config:
                config[key] = _cfn_int(config[key])
        return config

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties") or {}
        pool_id = props.get("UserPoolId")
        client = _cognito(account_id, region_name).create_user_pool_client(
            pool_id, _cfn_bool(props.get("GenerateSecret", False)), cls._config(props, resource_name)
        )
        return cls(account_id, region_name, pool_id, client.id)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        generate_secret = _cfn_bool(props.get("GenerateSecret", False))
        try:
            client = original_resource._client()
        except ResourceNotFoundError:
            client = None
        if client is None or props.get("UserPoolId") != original_resource.pool_id or generate_secret != client.generate_secret:
            # Replacement: the new client first, then the old one goes.
            name = props.get("ClientName") or new_resource_name
            replacement = cls.create_from_cloudformation_json(
                name, cloudformation_json, account_id, region_name
            )
            original_resource.delete(account_id, region_name)
            return replacement
        name = props.get("ClientName") or client.extended_config.get("ClientName")
        # A fresh client's settings are moto's defaults plus these: what UpdateUserPoolClient
        # leaves when a setting is not given (moto's own update only merges).
        fresh = cognito_models.CognitoIdpUserPoolClient(client.user_pool_id, generate_secret, cls._config(props, name))
        client.extended_config = fresh.extended_config
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        backend = _cognito(account_id, region_name)
        for pool in list(backend.user_pools.values()):
            if resource_name in pool.clients:
                del pool.clients[resource_name]

    def delete(self, account_id, region_name) -> None:
        _quietly_gone(lambda: _cognito(account_id, region_name).delete_user_pool_client(self.pool_id, self.client_id))

class CognitoUserPoolGroup(_EmulatedModel, CloudFormationModel):
    """AWS::Cognito::UserPoolGroup: Ref is the group's name; no GetAtt. UserPoolId and GroupName
    are create-only (a change replaces the group); Description, Precedence and RoleArn update in
    place."""

    __module__ = "moto.cognitoidp.emulator"

    def __init__(self, account_id, region_name, pool_id, group_name):
        self.account_id = account_id
        self.region_name = region_name
        self.pool_id = pool_id
        self.group_name = group_name

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Cognito::UserPoolGroup"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "GroupName"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return self.group_name

    def get_cfn_attribute(self, attribute_name: str):
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties") or {}
        pool_id = props.get("UserPoolId")
        _cognito(account_id, region_name).create_group(
            pool_id, resource_name, props.get("Description"), props.get("RoleArn"), _cfn_int(props.get("Precedence"))
        )
        return cls(account_id, region_name, pool_id, resource_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        name = props.get("GroupName") or original_resource.group_name
        if props.get("UserPoolId") != original_resource.pool_id or name != original_resource.group_name:
            replacement = cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return replacement
        group = _cognito(account_id, region_name).get_group(original_resource.pool_id, name)
        group.description = props.get("Description") or ""
        group.role_arn = props.get("RoleArn")
        group.precedence = _cfn_int(props.get("Precedence"))
        group.last_modified_date = utcnow()
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        pool_id = props.get("UserPoolId")
        if isinstance(pool_id, str):
            _quietly_gone(lambda: _cognito(account_id, region_name).delete_group(pool_id, resource_name))

    def delete(self, account_id, region_name) -> None:
        _quietly_gone(lambda: _cognito(account_id, region_name).delete_group(self.pool_id, self.group_name))

class SesEmailIdentity(_EmulatedModel, CloudFormationModel):
    """AWS::SES::EmailIdentity: Ref is the identity (an address or a domain). EmailIdentity is
    create-only, so a changed one is a new resource and the old one is deleted."""

    __module__ = "moto.ses.emulator"

    def __init__(self, account_id, region_name, identity):
        self.account_id = account_id
        self.region_name = region_name
        self.identity = identity

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SES::EmailIdentity"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "EmailIdentity"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return self.identity

    def get_cfn_attribute(self, attribute_name: str):
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        identity = (cloudformation_json.get("Properties") or {})["EmailIdentity"]
        ses_backends[account_id][region_name].create_email_identity_v2(identity, None, None, None)
        return cls(account_id, region_name, identity)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        identity = (cloudformation_json.get("Properties") or {})["EmailIdentity"]
        if identity != original_resource.identity:
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        identity = (cloudformation_json.get("Properties") or {}).get("EmailIdentity", resource_name)
        cls(account_id, region_name, identity).delete(account_id, region_name)

    def delete(self, account_id, region_name) -> None:
        _quietly_gone(lambda: ses_backends[account_id][region_name].delete_identity(self.identity))

class IamOidcProvider(_EmulatedModel, CloudFormationModel):
    """AWS::IAM::OIDCProvider: an account's OpenID Connect identity provider in moto's IAM. Ref
    and GetAtt Arn are its ARN. A second provider with the same URL is refused with
    EntityAlreadyExists, as IAM refuses it. Url is create-only; the client ids are updated."""

    __module__ = "moto.iam.emulator"

    def __init__(self, account_id, arn):
        self.account_id = account_id
        self.arn = arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::IAM::OIDCProvider"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Url"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name == "Arn":
            return self.arn
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.iam.models import iam_backends

        props = cloudformation_json.get("Properties") or {}
        tags = [t for t in props.get("Tags") or []]
        provider = iam_backends[account_id]["aws"].create_open_id_connect_provider(
            props["Url"], props.get("ThumbprintList") or [], props.get("ClientIdList") or [], tags
        )
        return cls(account_id, provider.arn)

    def delete(self, account_id, region_name) -> None:
        from moto.iam.models import iam_backends

        _quietly_gone(lambda: iam_backends[account_id]["aws"].delete_open_id_connect_provider(self.arn))

class AcmCertificate(_EmulatedModel, CloudFormationModel):
    """AWS::CertificateManager::Certificate: a certificate requested from moto's ACM. Ref is its
    ARN, as CloudFormation's is. moto issues the certificate itself after its validation wait and
    skips DomainValidationOptions, where AWS writes the DNS validation record into the hosted zone
    and keeps the stack in CREATE_IN_PROGRESS until the certificate is issued ("DNS validation",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-certificatemanager-certificate.html)."""

    __module__ = "moto.acm.emulator"

    def __init__(self, account_id, region_name, arn):
        self.account_id = account_id
        self.region_name = region_name
        self.arn = arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CertificateManager::Certificate"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Id", "CertificateArn")

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name in ("Id", "CertificateArn"):
            return self.arn
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        from moto.acm.models import acm_backends

        props = cloudformation_json.get("Properties") or {}
        arn = acm_backends[account_id][region_name].request_certificate(
            props["DomainName"], None, props.get("SubjectAlternativeNames") or [], props.get("Tags") or []
        )
        return cls(account_id, region_name, arn)

    def delete(self, account_id, region_name) -> None:
        from moto.acm.models import acm_backends

        _quietly_gone(lambda: acm_backends[self.account_id][self.region_name].delete_certificate(self.arn))

def _wafv2(account_id: str, scope: str, region_name: str):
    from moto.wafv2.models import GLOBAL_REGION, wafv2_backends

    # moto keeps CloudFront's web ACLs under its "global" region, as its own API does.
    return wafv2_backends[account_id][GLOBAL_REGION if scope == "CLOUDFRONT" else region_name]


class Wafv2WebAcl(_EmulatedModel, CloudFormationModel):
    """AWS::WAFv2::WebACL in moto's WAFv2, CloudFront's (scope CLOUDFRONT) and regional ones.
    GetAtt Arn and Id are the web ACL's; a CLOUDFRONT ACL must be made in us-east-1 ("Scope",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-wafv2-webacl.html),
    which the model refuses elsewhere as AWS does. Rules are stored as given, not evaluated."""

    __module__ = "moto.wafv2.emulator"

    def __init__(self, account_id, region_name, scope, acl):
        self.account_id = account_id
        self.region_name = region_name
        self.scope = scope
        self.acl = acl

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::WAFv2::WebACL"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Arn", "Id", "Capacity", "LabelNamespace")

    @property
    def physical_resource_id(self) -> str:
        return f"{self.acl.name}|{self.acl.id}|{self.scope}"

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name == "Arn":
            return self.acl.arn
        if attribute_name == "Id":
            return self.acl.id
        if attribute_name == "Capacity":
            return 0
        if attribute_name == "LabelNamespace":
            return f"awswaf:{self.account_id}:webacl:{self.acl.name}:"
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties") or {}
        scope = props["Scope"]
        if scope == "CLOUDFRONT" and region_name != "us-east-1":
            raise ValueError("a web ACL with Scope CLOUDFRONT must be created in us-east-1")
        acl = _wafv2(account_id, scope, region_name).create_web_acl(
            props.get("Name") or resource_name,
            props["VisibilityConfig"],
            props["DefaultAction"],
            scope,
            props.get("Description"),
            props.get("Tags") or [],
            props.get("Rules") or [],
            props.get("AssociationConfig"),
            props.get("CaptchaConfig"),
            props.get("ChallengeConfig"),
            props.get("CustomResponseBodies"),
            props.get("TokenDomains"),
        )
        return cls(account_id, region_name, scope, acl)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        acl = original_resource.acl
        acl.rules = props.get("Rules") or []
        acl.default_action = props["DefaultAction"]
        acl.visibility_config = props["VisibilityConfig"]
        acl.description = props.get("Description")
        return original_resource

    def delete(self, account_id, region_name) -> None:
        backend = _wafv2(self.account_id, self.scope, self.region_name)
        _quietly_gone(lambda: backend.wacls.pop(self.acl.arn))

class Wafv2WebAclAssociation(_EmulatedModel, CloudFormationModel):
    """AWS::WAFv2::WebACLAssociation: a regional web ACL associated with a resource (the user
    pool) in moto's WAFv2; deleting it disassociates."""

    __module__ = "moto.wafv2.emulator"

    def __init__(self, account_id, region_name, resource_arn, acl_arn):
        self.account_id = account_id
        self.region_name = region_name
        self.resource_arn = resource_arn
        self.acl_arn = acl_arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::WAFv2::WebACLAssociation"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return f"{self.resource_arn}|{self.acl_arn}"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties") or {}
        backend = _wafv2(account_id, "REGIONAL", region_name)
        backend.associate_web_acl(props["WebACLArn"], props["ResourceArn"])
        return cls(account_id, region_name, props["ResourceArn"], props["WebACLArn"])

    def delete(self, account_id, region_name) -> None:
        backend = _wafv2(self.account_id, "REGIONAL", self.region_name)
        _quietly_gone(lambda: backend.disassociate_web_acl(self.resource_arn))

class Wafv2LoggingConfiguration(_EmulatedModel, CloudFormationModel):
    """AWS::WAFv2::LoggingConfiguration: the web ACL's logging configuration in moto's WAFv2
    (GetLoggingConfiguration answers it), removed with the resource. As WAF does, it refuses a
    destination whose name does not start with `aws-waf-logs-` ("The name that you give the
    destination must start with aws-waf-logs-", AWS::WAFv2::LoggingConfiguration,
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-loggingconfiguration.html)
    and a log group that does not exist; ResourceArn is create-only (schema), so a new ACL is a
    new configuration."""

    __module__ = "moto.wafv2.emulator"

    def __init__(self, account_id, region_name, acl_arn):
        self.account_id = account_id
        self.region_name = region_name
        self.acl_arn = acl_arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::WAFv2::LoggingConfiguration"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "ManagedByFirewallManager"

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name == "ManagedByFirewallManager":
            return False
        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.acl_arn

    @staticmethod
    def _backend(account_id, region_name, acl_arn):
        scope = "CLOUDFRONT" if ":global/" in acl_arn else "REGIONAL"
        return _wafv2(account_id, scope, region_name)

    @staticmethod
    def _check_destinations(account_id, region_name, destinations) -> None:
        from moto.logs.models import logs_backends

        for arn in destinations:
            name = arn.split(":log-group:", 1)[-1]
            if not name.startswith("aws-waf-logs-"):
                raise ValueError(
                    f"WAFInvalidParameterException: the log destination {arn} must be named aws-waf-logs-..."
                )
            if ":log-group:" in arn and name not in logs_backends[account_id][region_name].groups:
                raise ValueError(f"WAFNonexistentItemException: no log group {name}")

    @classmethod
    def _put(cls, props, account_id, region_name):
        destinations = props.get("LogDestinationConfigs") or []
        cls._check_destinations(account_id, region_name, destinations)
        acl_arn = props["ResourceArn"]
        cls._backend(account_id, region_name, acl_arn).put_logging_configuration(
            acl_arn,
            destinations,
            props.get("RedactedFields"),
            False,
            props.get("LoggingFilter"),
        )
        return cls(account_id, region_name, acl_arn)

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        return cls._put(cloudformation_json.get("Properties") or {}, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return cls._put(cloudformation_json.get("Properties") or {}, account_id, region_name)

    def delete(self, account_id, region_name) -> None:
        from moto.wafv2.exceptions import WAFNonexistentItemException

        backend = self._backend(self.account_id, self.region_name, self.acl_arn)
        try:
            backend.delete_logging_configuration(self.acl_arn)
        except WAFNonexistentItemException:
            pass  # the web ACL went first: its configuration went with it


# CloudFront in stacks. moto's CloudFront API keeps distributions, origin access controls and
# functions, but its CloudFormation knows none of the four CloudFront types a storefront stack
# declares, so a stack with a CDN could not be created at all. These models translate
# AWS::CloudFront::Distribution's properties (lists) into the API's shape (Quantity/Items)
# that moto's backend reads, so the distribution a stack makes is the one GetDistribution and
# CreateInvalidation see. Response headers policies have no moto backend: the model keeps the
# policy's id and config and nothing serves them (`stackgen dev` sends the same headers).


def _cloudfront(account_id: str):
    from moto.cloudfront.models import cloudfront_backends

    return cloudfront_backends[account_id]["aws"]


def _cf_items(items) -> dict:
    items = list(items or [])
    return {"Quantity": len(items), "Items": items}


def _cf_behavior(b: dict) -> dict:
    out = {
        "TargetOriginId": b["TargetOriginId"],
        "ViewerProtocolPolicy": b["ViewerProtocolPolicy"],
        "Compress": _cfn_bool(b.get("Compress", False)),
        "CachePolicyId": b.get("CachePolicyId", ""),
        "OriginRequestPolicyId": b.get("OriginRequestPolicyId", ""),
        "ResponseHeadersPolicyId": b.get("ResponseHeadersPolicyId"),
        "AllowedMethods": {
            "Items": b.get("AllowedMethods") or ["GET", "HEAD"],
            "CachedMethods": {"Items": b.get("CachedMethods") or ["GET", "HEAD"]},
        },
    }
    if "PathPattern" in b:
        out["PathPattern"] = b["PathPattern"]
    return out


def _cf_origin(o: dict) -> dict:
    out = {"Id": o["Id"], "DomainName": o["DomainName"], "OriginPath": o.get("OriginPath", "")}
    if "S3OriginConfig" in o:
        out["S3OriginConfig"] = {"OriginAccessIdentity": o["S3OriginConfig"].get("OriginAccessIdentity", "")}
    if "CustomOriginConfig" in o:
        c = o["CustomOriginConfig"]
        out["CustomOriginConfig"] = {
            "HTTPPort": _cfn_int(c.get("HTTPPort", 80)),
            "HTTPSPort": _cfn_int(c.get("HTTPSPort", 443)),
            "OriginProtocolPolicy": c["OriginProtocolPolicy"],
            "OriginSslProtocols": _cf_items(c.get("OriginSSLProtocols") or ["TLSv1.2"]),
        }
    return out


def _cf_distribution_config(config: dict, caller_reference: str) -> dict:
    """AWS::CloudFront::Distribution's DistributionConfig in the API's shape."""
    out = {
        "CallerReference": caller_reference,
        "Comment": config.get("Comment", ""),
        "Enabled": _cfn_bool(config.get("Enabled", True)),
        "Origins": _cf_items([_cf_origin(o) for o in config.get("Origins") or []]),
        "DefaultCacheBehavior": _cf_behavior(config["DefaultCacheBehavior"]),
        "CacheBehaviors": _cf_items([_cf_behavior(b) for b in config.get("CacheBehaviors") or []]),
        "PriceClass": config.get("PriceClass", "PriceClass_All"),
        "HttpVersion": config.get("HttpVersion", "http2"),
        "IsIPV6Enabled": _cfn_bool(config.get("IPV6Enabled", True)),
        "DefaultRootObject": config.get("DefaultRootObject", ""),
        "WebACLId": config.get("WebACLId", ""),
    }
    if config.get("Aliases"):
        out["Aliases"] = {"Items": list(config["Aliases"])}
    cert = config.get("ViewerCertificate")
    if cert:
        out["ViewerCertificate"] = {
            "CloudFrontDefaultCertificate": _cfn_bool(cert.get("CloudFrontDefaultCertificate", False)),
            "ACMCertificateArn": cert.get("AcmCertificateArn", ""),
            "SSLSupportMethod": cert.get("SslSupportMethod", "sni-only"),
            "MinimumProtocolVersion": cert.get("MinimumProtocolVersion", "TLSv1"),
        }
    return out


class CloudFrontDistribution(_EmulatedModel, CloudFormationModel):
    """AWS::CloudFront::Distribution in moto's CloudFront. Ref is the distribution id; GetAtt
    DomainName and Id as CloudFormation documents them. An update replaces the config in place
    (the id and domain stay), as CloudFront's UpdateDistribution does."""

    __module__ = "moto.cloudfront.emulator"

    def __init__(self, account_id, dist):
        self.account_id = account_id
        self.dist = dist

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFront::Distribution"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("DomainName", "Id")

    @property
    def physical_resource_id(self) -> str:
        return self.dist.distribution_id

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name == "DomainName":
            return self.dist.domain_name
        if attribute_name == "Id":
            return self.dist.distribution_id
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        import uuid

        props = cloudformation_json.get("Properties") or {}
        config = _cf_distribution_config(props["DistributionConfig"], str(uuid.uuid4()))
        dist, _, _ = _cloudfront(account_id).create_distribution_with_tags(config, props.get("Tags") or [])
        return cls(account_id, dist)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        dist = original_resource.dist
        config = _cf_distribution_config(props["DistributionConfig"], dist.distribution_config.caller_reference)
        _cloudfront(account_id).update_distribution(config, dist.distribution_id, True)
        return original_resource

    def delete(self, account_id, region_name) -> None:
        _quietly_gone(lambda: _cloudfront(self.account_id).delete_distribution(self.dist.distribution_id, True))

class CloudFrontOriginAccessControl(_EmulatedModel, CloudFormationModel):
    """AWS::CloudFront::OriginAccessControl in moto's CloudFront; Ref and GetAtt Id are its id."""

    __module__ = "moto.cloudfront.emulator"

    def __init__(self, account_id, control):
        self.account_id = account_id
        self.control = control

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFront::OriginAccessControl"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    @property
    def physical_resource_id(self) -> str:
        return self.control.id

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name == "Id":
            return self.control.id
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties") or {}
        config = props["OriginAccessControlConfig"]
        return cls(account_id, _cloudfront(account_id).create_origin_access_control(config))

    def delete(self, account_id, region_name) -> None:
        _quietly_gone(lambda: _cloudfront(self.account_id).delete_origin_access_control(self.control.id))

class CloudFrontFunction(_EmulatedModel, CloudFormationModel):
    """AWS::CloudFront::Function in moto's CloudFront; GetAtt FunctionARN is its ARN."""

    __module__ = "moto.cloudfront.emulator"

    def __init__(self, account_id, function):
        self.account_id = account_id
        self.function = function

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFront::Function"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("FunctionARN", "Stage")

    @property
    def physical_resource_id(self) -> str:
        return self.function.arn

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name == "FunctionARN":
            return self.function.arn
        if attribute_name == "Stage":
            return "LIVE"
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties") or {}
        function = _cloudfront(account_id).create_function(
            props.get("Name") or resource_name,
            props["FunctionConfig"],
            (props.get("FunctionCode") or "").encode(),
            props.get("Tags") or [],
        )
        return cls(account_id, function)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        original_resource.function.code = (props.get("FunctionCode") or "").encode()
        return original_resource

    def delete(self, account_id, region_name) -> None:
        _quietly_gone(lambda: _cloudfront(self.account_id).delete_function(self.function.name, True))

class CloudFrontResponseHeadersPolicy(_EmulatedModel, CloudFormationModel):
    """AWS::CloudFront::ResponseHeadersPolicy: moto has no backend for it; the model keeps the
    policy's config under a generated id (Ref and GetAtt Id), enough for a distribution to name
    it. Nothing serves the headers here."""

    __module__ = "moto.cloudfront.emulator"

    def __init__(self, policy_id, config):
        self.policy_id = policy_id
        self.config = config

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFront::ResponseHeadersPolicy"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Id", "LastModifiedTime")

    @property
    def physical_resource_id(self) -> str:
        return self.policy_id

    def get_cfn_attribute(self, attribute_name: str):
        if attribute_name == "Id":
            return self.policy_id
        if attribute_name == "LastModifiedTime":
            return _now()
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        import uuid

        props = cloudformation_json.get("Properties") or {}
        return cls(str(uuid.uuid4()), props.get("ResponseHeadersPolicyConfig") or {})

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        original_resource.config = props.get("ResponseHeadersPolicyConfig") or {}
        return original_resource

def _ses_outbox(environ):
    wanted = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("to", [None])[0]
    messages = []
    for account_id, regions in ses_backends.items():
        for region, backend in regions.items():
            for m in list(backend.sent_messages):
                to = [a for kind in ("ToAddresses", "CcAddresses", "BccAddresses")
                      for a in (getattr(m, "destinations", None) or {}).get(kind, [])]
                if wanted is not None and wanted.lower() not in (a.lower() for a in to):
                    continue
                messages.append({"id": m.id, "from": getattr(m, "source", ""), "to": to,
                                 "subject": getattr(m, "subject", ""), "body": getattr(m, "body", "")})
    return "200 OK", [("Content-Type", "application/json")], json.dumps({"messages": messages}).encode()


def install_streams_for_readers() -> None:
    def add(self, old, new):
        view = self.table.stream_specification["StreamViewType"]
        if old is None:
            event_name = "INSERT"
        elif new is None:
            event_name = "REMOVE"
        else:
            event_name = "MODIFY"
        seq = len(self.items) + self.starting_sequence_number
        self.items.append(dynamodb_table.StreamRecord(self.table, view, event_name, old, new, seq))

    dynamodb_table.StreamShard.add = add


def install_streams_through_cancelled_transactions() -> None:
    """A cancelled TransactWriteItems leaves each table's stream to its readers as it was.

    moto undoes a cancelled transaction by putting back deep copies of its tables, stream shard
    included: every shard iterator a reader holds then points at the old shard, which no write
    reaches again, and the reader sees no record for ever after (one order refused for want of
    stock, and `stackgen dev` sent no order email again). In DynamoDB a cancelled transaction
    writes nothing, to the table or its stream ("The actions are completed atomically so that
    either all of them succeed or none of them succeeds", DynamoDB Developer Guide, "Amazon
    DynamoDB Transactions: How it works"), and an iterator stays good ("A shard iterator
    expires 15 minutes after it is returned to the requester", DynamoDB API Reference,
    GetShardIterator). Here the restored table gets its stream shard back, holding the records
    it held before the transaction: none of the cancelled writes' records, and every iterator
    still reads it.
    """
    backend_class = dynamodb_models.DynamoDBBackend
    original = backend_class.transact_write_items

    def transact_write_items(self, transact_items):
        shards = {name: table.stream_shard for name, table in self.tables.items()}
        try:
            return original(self, transact_items)
        finally:
            for name, shard in shards.items():
                table = self.tables.get(name)
                if shard is None or table is None or table.stream_shard in (None, shard):
                    continue
                shard.items = table.stream_shard.items
                shard.table = table
                table.stream_shard = shard

    backend_class.transact_write_items = transact_write_items


def install_user_lookup_by_sub() -> None:
    pool_class = cognito_models.CognitoIdpUserPool
    original = pool_class._get_user

    def get_user(self, username):
        user = original(self, username)
        if user is None:
            user = next((u for u in self.users.values() if u.id == username), None)
        return user

    pool_class._get_user = get_user


# Confirmation codes. Per (user pool id, user sub): the code last sent; and every message sent.
_cognito_lock = threading.Lock()
# (pool id, user id) -> (the newest code, the attribute it was sent to)
_confirmation_codes: dict[tuple[str, str], tuple[str, str]] = {}
_outbox: list[dict] = []
_CODE_MISMATCH = "Invalid verification code provided, please try again."
_NO_SUCH_USER = "Username/client id combination not found."


def _masked(medium: str, destination: str) -> str:
    if medium == "EMAIL":
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return "+*******" + destination[-4:]


def _send_confirmation_code(pool, user, kind: str):
    """Sends the user a new code, as Cognito does, to the first of email and phone_number the
    pool verifies automatically and the user has; None when there is no such attribute (Cognito
    then sends nothing)."""
    verified = pool.extended_config.get("AutoVerifiedAttributes") or []
    for attribute, medium in (("email", "EMAIL"), ("phone_number", "SMS")):
        destination = user.attribute_lookup.get(attribute)
        if attribute in verified and destination:
            code = f"{secrets.randbelow(1_000_000):06d}"
            with _cognito_lock:
                _confirmation_codes[(pool.id, user.id)] = (code, attribute)
                _outbox.append(
                    {"to": destination, "userPoolId": pool.id, "code": code, "kind": kind, "sentAt": _now()}
                )
            return {"Destination": _masked(medium, destination), "DeliveryMedium": medium, "AttributeName": attribute}
    return None


def _pool_and_client(response, client_id: str):
    backend = response._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return pool, pool.clients[client_id]
    raise ResourceNotFoundError(client_id)


def _hides_users(client) -> bool:
    return client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"


# Authenticator keys per user: (pool id, username) -> the key verified, and the key handed out
# by the latest AssociateSoftwareToken and not verified yet. moto reads one module global, so a
# call runs with the global set to the user's key, under this lock.
_totp_lock = threading.Lock()
_totp_keys: dict = {}
_totp_pending: dict = {}


def _totp_user(backend, access_token, session):
    """(pool id, username) of the caller of a software-token call, or None."""
    if session and session in backend.sessions:
        username, pool = backend.sessions[session]
    else:
        for pool in backend.user_pools.values():
            if access_token and access_token in pool.access_tokens:
                _, username = pool.access_tokens[access_token]
                break
        else:
            return None
    user = pool._get_user(username)
    return (pool.id, user.username if user is not None else username)


def install_totp_per_user() -> None:
    """Each call that uses a key reads, calls and records under one lock, so two calls for one
    user cannot cross; a user with no key of their own has none (their codes are refused), never
    whichever key another call set last."""
    backend = cognito_models.CognitoIdpBackend
    original_associate = backend.associate_software_token
    original_verify = backend.verify_software_token
    original_respond = backend.respond_to_auth_challenge
    no_key = "A" * 32  # a key nobody was handed: every code is refused against it

    def associate_software_token(self, access_token, session):
        who = _totp_user(self, access_token, session)
        with _totp_lock:
            key = _totp_key()
            cognito_models.COGNITO_TOTP_MFA_SECRET = key
            answer = original_associate(self, access_token, session)
            if who is not None:
                _totp_pending[who] = key
            return answer

    def verify_software_token(self, access_token, session, user_code, friendly_device_name):
        who = _totp_user(self, access_token, session)
        with _totp_lock:
            key = _totp_pending.get(who) or _totp_keys.get(who) or no_key
            cognito_models.COGNITO_TOTP_MFA_SECRET = key
            answer = original_verify(self, access_token, session, user_code, friendly_device_name)
            if who is not None:
                _totp_keys[who] = key
                _totp_pending.pop(who, None)
            return answer

    def respond_to_auth_challenge(self, session, client_id, challenge_name, challenge_responses):
        if challenge_name != "SOFTWARE_TOKEN_MFA":
            return original_respond(self, session, client_id, challenge_name, challenge_responses)
        who = _totp_user(self, None, session)
        named = (challenge_responses or {}).get("USERNAME")
        if who is not None and named is not None:
            pool = self.user_pools.get(who[0])
            user = pool._get_user(named) if pool is not None else None
            # Cognito answers for the user the session began with, not another one named.
            if user is None or user.username != who[1]:
                raise NotAuthorizedError("Incorrect username or password.")
        with _totp_lock:
            cognito_models.COGNITO_TOTP_MFA_SECRET = _totp_keys.get(who, no_key)
            return original_respond(self, session, client_id, challenge_name, challenge_responses)

    backend.associate_software_token = associate_software_token
    backend.verify_software_token = verify_software_token
    backend.respond_to_auth_challenge = respond_to_auth_challenge


def install_cognito() -> None:
    # parsing caches its model list; the models above join it.
    for cached in (cfn_parsing.get_model_list, cfn_parsing.get_model_map, cfn_parsing.get_name_type_map):
        cached.cache_clear()

    backend = cognito_models.CognitoIdpBackend
    responses = cognito_responses.CognitoIdpResponse
    original_sign_up = backend.sign_up
    original_confirm_sign_up = responses.confirm_sign_up

    def sign_up(self, client_id, username, password, attributes):
        user, details = original_sign_up(self, client_id, username, password, attributes)
        _send_confirmation_code(self.user_pools[user.user_pool_id], user, "sign-up")
        return user, details

    def confirm_sign_up(self):
        pool, client = _pool_and_client(self, self._get_param("ClientId"))
        user = pool._get_user(self._get_param("Username"))
        if user is None:
            if _hides_users(client):
                raise CodeMismatchException(_CODE_MISMATCH)
            raise UserNotFoundError(_NO_SUCH_USER)
        if user.status == cognito_models.UserStatus.CONFIRMED:
            raise NotAuthorizedError("User cannot be confirmed. Current status is CONFIRMED")
        key = (pool.id, user.id)
        with _cognito_lock:
            expected = _confirmation_codes.get(key)
            if expected is None or self._get_param("ConfirmationCode") != expected[0]:
                raise CodeMismatchException(_CODE_MISMATCH)
            del _confirmation_codes[key]
        answer = original_confirm_sign_up(self)
        # The code proves the address it was sent to: Cognito marks it verified ("After your
        # user enters their code, they confirm ownership of the email address or phone number
        # that they provided": Amazon Cognito API Reference, ConfirmSignUp,
        # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html).
        # moto leaves email_verified unset.
        user.update_attributes([{"Name": f"{expected[1]}_verified", "Value": "true"}])
        return answer

    def resend_confirmation_code(self):
        username = self._get_param("Username") or ""
        pool, client = _pool_and_client(self, self._get_param("ClientId"))
        user = pool._get_user(username)
        if user is None:
            if _hides_users(client):
                medium = "EMAIL" if "@" in username else "SMS"
                attribute = "email" if medium == "EMAIL" else "phone_number"
                details = {"Destination": _masked(medium, username), "DeliveryMedium": medium, "AttributeName": attribute}
                return ActionResult({"CodeDeliveryDetails": details})
            raise UserNotFoundError(_NO_SUCH_USER)
        if user.status == cognito_models.UserStatus.CONFIRMED:
            raise InvalidParameterException("User is already confirmed.")
        details = _send_confirmation_code(pool, user, "sign-up")
        if details is None:
            raise InvalidParameterException("Auto verification not turned on.")
        return ActionResult({"CodeDeliveryDetails": details})

    backend.sign_up = sign_up
    responses.confirm_sign_up = confirm_sign_up
    responses.resend_confirmation_code = resend_confirmation_code


# ---------------------------------------------------------------- drift detection

# Per type: template property -> the attribute of moto's model holding the live value.
_DRIFT_PROPERTIES = {
    "AWS::SQS::Queue": {
        "VisibilityTimeout": "visibility_timeout",
        "MessageRetentionPeriod": "message_retention_period",
        "DelaySeconds": "delay_seconds",
        "MaximumMessageSize": "maximum_message_size",
        "ReceiveMessageWaitTimeSeconds": "receive_message_wait_time_seconds",
    },
    "AWS::Logs::LogGroup": {"RetentionInDays": "retention_in_days"},
    "AWS::Lambda::Function": {"MemorySize": "memory_size", "Timeout": "timeout"},
}
_drift_lock = threading.Lock()
_detections: dict[str, dict] = {}
_resource_drifts: dict[str, list] = {}


def _still_there(resource_type: str, model, account_id: str, region: str) -> bool:
    if resource_type == "AWS::SQS::Queue":
        from moto.sqs.models import sqs_backends

        return model.name in sqs_backends[account_id][region].queues
    if resource_type == "AWS::Logs::LogGroup":
        from moto.logs.models import logs_backends

        return model.name in logs_backends[account_id][region].groups
    return True


def _resource_drift(stack, logical_id: str, resource: dict, now) -> dict:
    resource_type = resource.get("Type", "")
    model = stack.resource_map._parsed_resources.get(logical_id)
    wanted = _DRIFT_PROPERTIES.get(resource_type)
    expected = {
        k: v
        for k, v in (resource.get("Properties") or {}).items()
        if wanted and k in wanted and isinstance(v, (str, int, bool))
    }
    physical = getattr(model, "physical_resource_id", None) or logical_id
    drift = {
        "StackId": stack.stack_id,
        "LogicalResourceId": logical_id,
        "PhysicalResourceId": physical,
        "ResourceType": resource_type,
        "StackResourceDriftStatus": "NOT_CHECKED",
        "Timestamp": now,
    }
    if wanted is None or model is None:
        return drift
    drift["ExpectedProperties"] = json.dumps(expected)
    if not _still_there(resource_type, model, stack.account_id, stack.region_name):
        drift["StackResourceDriftStatus"] = "DELETED"
        return drift
    actual = {k: getattr(model, wanted[k], None) for k in expected}
    differences = [
        {
            "PropertyPath": f"/{k}",
            "ExpectedValue": str(v),
            "ActualValue": "" if actual[k] is None else str(actual[k]),
            "DifferenceType": "REMOVE" if actual[k] is None else "NOT_EQUAL",
        }
        for k, v in expected.items()
        if str(actual[k]).lower() != str(v).lower()
    ]
    drift["ActualProperties"] = json.dumps({k: v for k, v in actual.items() if v is not None})
    drift["PropertyDifferences"] = differences
    drift["StackResourceDriftStatus"] = "MODIFIED" if differences else "IN_SYNC"
    return drift


def _detect_stack_drift(self):
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    now = utcnow()
    drifts = [
        _resource_drift(stack, logical_id, resource, now)
        for logical_id, resource in (stack.template_dict.get("Resources") or {}).items()
    ]
    drifted = [d for d in drifts if d["StackResourceDriftStatus"] in ("MODIFIED", "DELETED")]
    detection_id = str(uuid.uuid4())
    status = "DRIFTED" if drifted else "IN_SYNC"
    with _drift_lock:
        _resource_drifts[stack.stack_id] = drifts
        _detections[detection_id] = {
            "StackId": stack.stack_id,
            "StackDriftDetectionId": detection_id,
            "StackDriftStatus": status,
            "DetectionStatus": "DETECTION_COMPLETE",
            "DriftedStackResourceCount": len(drifted),
            "Timestamp": now,
        }
    stack.drift_information = {"StackDriftStatus": status, "LastCheckTimestamp": now}
    return ActionResult({"StackDriftDetectionId": detection_id})


def _describe_stack_drift_detection_status(self):
    with _drift_lock:
        found = _detections.get(self._get_param("StackDriftDetectionId"))
    if found is None:
        from moto.cloudformation.exceptions import ValidationError

        raise ValidationError(message="No drift detection with this id")
    return ActionResult(dict(found))


def _describe_stack_resource_drifts(self):
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    wanted = self._get_param("StackResourceDriftStatusFilters") or []
    with _drift_lock:
        drifts = list(_resource_drifts.get(stack.stack_id, []))
    if wanted:
        drifts = [d for d in drifts if d["StackResourceDriftStatus"] in wanted]
    return ActionResult({"StackResourceDrifts": drifts})


def install_log_group_updates() -> None:
    from moto.logs import models as logs_models

    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        props = cloudformation_json.get("Properties") or {}
        backend = logs_models.logs_backends[account_id][region_name]
        name = props.get("LogGroupName") or original_resource.name
        if name != original_resource.name:
            backend.delete_log_group(original_resource.name)
            return cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
        retention = props.get("RetentionInDays")
        if retention is None:
            backend.delete_retention_policy(name)
        else:
            backend.put_retention_policy(name, int(retention))
        tags = {t["Key"]: t["Value"] for t in props.get("Tags") or []}
        dropped = [k for k in backend.list_tags_log_group(name) if k not in tags]
        if dropped:
            backend.untag_log_group(name, dropped)
        if tags:
            backend.tag_log_group(name, tags)
        return original_resource

    logs_models.LogGroup.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)


def install_drift_detection() -> None:
    from moto.cloudformation.responses import CloudFormationResponse

    CloudFormationResponse.detect_stack_drift = _detect_stack_drift
    CloudFormationResponse.describe_stack_drift_detection_status = _describe_stack_drift_detection_status
    CloudFormationResponse.describe_stack_resource_drifts = _describe_stack_resource_drifts


def _cognito_outbox(environ):
    wanted = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("to", [None])[0]
    with _cognito_lock:
        messages = [m for m in _outbox if wanted is None or m["to"].lower() == wanted.lower()]
    return "200 OK", [("Content-Type", "application/json")], json.dumps({"messages": messages}).encode()


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


def _ses_account():
    """SES v2 GetAccount, shaped as the API reference's GetAccount response."""
    sandbox = os.environ.get("EMULATOR_SES_SANDBOX", "0") == "1"
    body = {
        "DedicatedIpAutoWarmupEnabled": False,
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": not sandbox,
        "SendQuota": {
            "Max24HourSend": 200.0 if sandbox else 50000.0,
            "MaxSendRate": 1.0 if sandbox else 14.0,
            "SentLast24Hours": 0.0,
        },
        "SendingEnabled": True,
    }
    return "200 OK", [("Content-Type", "application/json")], json.dumps(body).encode()


def _account_api_action(environ) -> str:
    """The operation `_account_apis` answered (its emulator-only outboxes are unsigned)."""
    if environ.get("PATH_INFO", "").rstrip("/") == "/2016-08-19/account-settings":
        return "GetAccountSettings"
    if environ.get("PATH_INFO", "").rstrip("/") == "/v2/email/account":
        return "GetAccount"
    return environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2]


def _account_apis(environ):
    """The answer to a request for an API moto lacks, or None to let moto answer it."""
    path = environ.get("PATH_INFO", "")
    if environ.get("REQUEST_METHOD") == "GET" and path.rstrip("/") == "/2016-08-19/account-settings":
        return _lambda_account_settings()
    if environ.get("REQUEST_METHOD") == "GET" and path.rstrip("/") == "/v2/email/account":
        return _ses_account()
    if environ.get("REQUEST_METHOD") == "GET" and path.rstrip("/") == "/_emulator/cognito/outbox":
        return _cognito_outbox(environ)
    if environ.get("REQUEST_METHOD") == "GET" and path.rstrip("/") == "/_emulator/ses/outbox":
        return _ses_outbox(environ)
    if environ.get("REQUEST_METHOD") == "PUT" and path.rstrip("/") == "/_emulator/iam/access-keys":
        status, body = emulator_actions.policies_request(environ)
        return status, [("Content-Type", "application/json")], body.encode()
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
    install_rollback()
    install_condition_updates()
    install_pending_email_subscriptions()
    install_verified_email_identities()
    install_cognito()
    install_totp_per_user()
    install_streams_for_readers()
    install_streams_through_cancelled_transactions()
    install_user_lookup_by_sub()
    install_drift_detection()
    install_log_group_updates()
    emulator_actions.install()
    emulator_s3.install_bucket_properties()
    emulator_s3.install_post_policy()
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        answer = _account_apis(environ)
        if answer is not None:
            denied = emulator_actions.log(
                emulator_actions.credential_of_header(environ.get("HTTP_AUTHORIZATION", "")),
                _account_api_action(environ),
            )
            if denied is not None:
                status = f"{denied.code} {'Forbidden' if denied.code == 403 else 'Bad Request'}"
                answer = status, list(denied.get_headers()), denied.description.encode()
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
    # What werkzeug's run_simple does, with the bound port known: PORT 0 lets the OS choose one,
    # and the first line on stdout says which. Tests start their emulators that way, so no two
    # of them race for a port picked beforehand.
    server = make_server(host, port, serialised, threaded=True, request_handler=MotoRequestHandler)
    os.environ.setdefault("MOTO_PORT", str(server.server_port))
    print(f"emulator listening on {host}:{server.server_port}", flush=True)
    server.log_startup()
    server.serve_forever()


if __name__ == "__main__":
    main()
