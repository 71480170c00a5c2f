//! Deleting one stack by id and waiting until it is gone, with the first failure's reason when
//! it is not: how destroy deletes each stack once its buckets are empty, and how a stack that
//! failed its first create, or only ever held a change set, is cleared before a retry (change
//! sets, the bootstrap, the CI roles' stack).

use super::error::DeployError;
use super::events::{WaitOptions, newest_event_id, wait_for_stack};
use super::progress::Progress;
use crate::aws::AwsContext;

/// Deletes a stack by id and waits until it is gone.
pub(crate) async fn delete_and_wait(
    ctx: &AwsContext,
    stack_id: &str,
    wait: WaitOptions,
    progress: &dyn Progress,
) -> Result<(), DeployError> {
    let watermark = newest_event_id(ctx, stack_id).await?;
    ctx.cloudformation
        .delete_stack()
        .stack_name(stack_id)
        .send()
        .await
        .map_err(|e| ctx.fail("cloudformation", "DeleteStack", e))?;
    let settled = wait_for_stack(ctx, stack_id, watermark.as_deref(), wait, progress).await?;
    let first_failure = settled.first_failure();
    match settled.stack {
        Some(s) if s.status == "DELETE_FAILED" => Err(DeployError::DeleteFailed {
            stack: s.name,
            reason: first_failure.map(|f| format!(" ({f})")).unwrap_or_default(),
        }),
        _ => Ok(()),
    }
}
