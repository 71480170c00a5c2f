//! Counts the HTTP requests the SDK clients send.
//!
//! A no-op deploy promises "at most 3 API calls"; that promise is checked by counting, not by
//! reading the code. The counter is an SDK interceptor attached to every client of an
//! [`AwsContext`](super::AwsContext), so retries are counted too (each transmitted attempt is one).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// A shared count of transmitted requests; clones share the same count.
#[derive(Debug, Clone, Default)]
pub struct ApiCallCounter {
    sent: Arc<AtomicU64>,
}

impl ApiCallCounter {
    /// A counter starting at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests transmitted so far.
    pub fn count(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// Requests transmitted since `start` (a value previously read with [`Self::count`]).
    pub fn since(&self, start: u64) -> u64 {
        self.count().saturating_sub(start)
    }
}

impl Intercept for ApiCallCounter {
    fn name(&self) -> &'static str {
        "ApiCallCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}
