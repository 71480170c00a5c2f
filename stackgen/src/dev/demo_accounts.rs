//! The demo accounts `stackgen dev` makes in the local user pool, so a newcomer can sign in at
//! once: a customer, and a staff member for the back office. Only ever on the local emulator
//! (`stackgen dev` refuses anything else), created through Cognito's real API.

use super::{EmulatorAccess, UserPoolRef};
use crate::aws::AwsContext;
use crate::deploy::staff::{self, StaffError};

/// A demo account: email and password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    pub email: &'static str,
    pub password: &'static str,
}

/// Signs in to the storefront.
pub const CUSTOMER: DemoAccount = DemoAccount {
    email: "shopper@example.com",
    password: "Shopper-Demo-1",
};

/// Signs in to the back office (`admin.html`).
pub const STAFF: DemoAccount = DemoAccount {
    email: "staff@example.com",
    password: "Staff-Demo-1",
};

/// Creates both accounts in `pool` unless they exist.
pub async fn ensure(emulator: &EmulatorAccess, pool: &UserPoolRef) -> Result<(), StaffError> {
    let ctx = AwsContext::from_config(emulator.sdk_config().await);
    staff::ensure_account(&ctx, &pool.pool_id, CUSTOMER.email, Some(CUSTOMER.password)).await?;
    staff::add(&ctx, &pool.pool_id, STAFF.email, Some(STAFF.password)).await?;
    Ok(())
}

/// What `stackgen dev` prints about signing in.
pub fn banner(emulator: &EmulatorAccess) -> String {
    format!(
        "sign in as customer {} / {} · back office (admin.html) as staff {} / {} · a new account's confirmation code: {}/_emulator/cognito/outbox?to=EMAIL",
        CUSTOMER.email,
        CUSTOMER.password,
        STAFF.email,
        STAFF.password,
        emulator.endpoint_url.trim_end_matches('/')
    )
}
