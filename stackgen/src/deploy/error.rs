//! Everything that can stop a deploy, destroy or status, each explained with its way out.

use crate::aws::{AccountGuardError, AwsError};

/// Why a deploy-side operation stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(transparent)]
    Account(#[from] AccountGuardError),
    #[error(
        "stack `{stack}` is in {status}: its first create failed{reason} and CloudFormation \
         cannot update a stack in this state; it has to be deleted and created again. {fix}"
    )]
    FailedCreate {
        stack: String,
        status: String,
        reason: String,
        fix: &'static str,
    },
    #[error(
        "stack `{stack}` is in UPDATE_ROLLBACK_FAILED: an update failed and rolling it back failed \
         too{reason}. Fix the cause (often a resource changed or deleted outside CloudFormation), \
         then run `aws cloudformation continue-update-rollback --stack-name {stack} --region \
         {region}` (add `--resources-to-skip LOGICAL_ID` for a resource that cannot be rolled \
         back), wait for UPDATE_ROLLBACK_COMPLETE and deploy again."
    )]
    UpdateRollbackFailed {
        stack: String,
        region: String,
        reason: String,
    },
    #[error(
        "stack `{stack}` is in DELETE_FAILED{reason}. Run `stackgen destroy` for this \
         environment again to finish the deletion (it empties buckets first; a protected \
         environment needs --force-prod), then deploy."
    )]
    DeleteFailed { stack: String, reason: String },
    #[error(
        "deploying stack `{stack}` failed and CloudFormation rolled it back ({status}). First \
         failure: {first_failure}. Nothing of this change remains; fix the cause and deploy again."
    )]
    UpdateFailed {
        stack: String,
        status: String,
        first_failure: String,
    },
    #[error(
        "stack `{stack}` is still {status} after {waited_secs} s of waiting. It keeps going on \
         its own; run the command again later (it waits for the stack and then carries on), or \
         look at it with `aws cloudformation describe-stack-events --stack-name {stack}`."
    )]
    WaitTimeout {
        stack: String,
        status: String,
        waited_secs: u64,
    },
    #[error("change set `{change_set}` for stack `{stack}` could not be created: {reason}")]
    ChangeSetFailed {
        stack: String,
        change_set: String,
        reason: String,
    },
    #[error(
        "the template of stack `{stack}` is {size} bytes, over CloudFormation's 51,200-byte limit \
         for an inline body, and no assets bucket was given to upload it to. Bootstrap first \
         (deploy does this itself) and pass the bucket."
    )]
    NeedsAssetsBucket { stack: String, size: usize },
    #[error(
        "cannot generate a value for the secret parameter {parameter}: the operating system gave \
         no random bytes. Nothing was deployed; check that /dev/urandom (getrandom) works on this \
         machine, then deploy again."
    )]
    NoRandomness { parameter: String },
    #[error(
        "stack `{stack}` has termination protection on, so it was not deleted. For production \
         pass `--force-prod`; otherwise turn it off with `aws cloudformation \
         update-termination-protection --no-enable-termination-protection --stack-name {stack}`."
    )]
    TerminationProtected { stack: String },
    #[error(
        "s3://{bucket}/{key} does not hold what its name says: its sha256 is {found}. Keys there \
         are content-addressed and written once, so something other than stackgen wrote it; \
         nothing was deployed. Find out who (CloudTrail, PutObject on that key), delete it \
         (`aws s3 rm s3://{bucket}/{key}`) and deploy again."
    )]
    AssetMismatch {
        bucket: String,
        key: String,
        found: String,
    },
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}
