//! The address customer emails come from (`notifications.sender`): an SES email identity of the
//! account and region, which `deploy` makes when it is missing and every other command leaves
//! alone.
//!
//! It is not a resource of the environment's stack. SES sends from an address only after
//! someone follows the verification link AWS emails to it ("Your email address is verified as
//! soon as you follow the link in the verification email", SES API v2, CreateEmailIdentity:
//! <https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentity.html>), and
//! an identity belongs to the account and region ("the list of identities for your Amazon SES
//! account in the current AWS Region", SES API, VerifyEmailIdentity:
//! <https://docs.aws.amazon.com/ses/latest/APIReference/API_VerifyEmailIdentity.html>). In the
//! stack, the kill switch's nightly destroy deleted it, so every morning's deploy needed the link
//! followed again, and a second environment sending from the same address failed to create it.
//! Kept apart, it is verified once and shared by every environment that sends from it; an
//! identity costs nothing, so keeping it is no ghost spend.

use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::Tag;
use serde::Serialize;

use crate::aws::{AwsContext, AwsError};
use crate::deploy::readiness::Readiness;

/// What deploy found or did for the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sender {
    pub identity: String,
    /// Made by this deploy (AWS has just emailed the verification link).
    pub created: bool,
    /// Whether SES may send from it yet.
    pub verified: bool,
}

impl Sender {
    /// One line for deploy's progress.
    pub fn describe(&self) -> String {
        let id = &self.identity;
        match (self.created, self.verified) {
            (_, true) => format!("sender {id}: verified, order emails go out"),
            (true, false) => format!(
                "sender {id}: created; AWS has emailed it a verification link, and order emails \
                 go out once someone follows it"
            ),
            (false, false) => format!(
                "sender {id}: waiting for its verification link to be followed (AWS emailed it \
                 when the identity was made); until then order emails are not sent"
            ),
        }
    }
}

/// Makes the identity `address` unless the account has it in this region. `tags` go on a new
/// one (Project: the identity outlives any one environment, so no `Env`).
pub async fn ensure(
    ctx: &AwsContext,
    address: &str,
    tags: &[(&str, &str)],
) -> Result<Sender, AwsError> {
    let ses = Client::new(ctx.config());
    if let Some(verified) = verified(ctx, &ses, address).await? {
        return Ok(Sender {
            identity: address.to_owned(),
            created: false,
            verified,
        });
    }
    let tags = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AwsError::Other {
            service: "ses",
            operation: "CreateEmailIdentity",
            detail: e.to_string(),
        })?;
    let made = ses
        .create_email_identity()
        .email_identity(address)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| ctx.fail("ses", "CreateEmailIdentity", e))?;
    Ok(Sender {
        identity: address.to_owned(),
        created: true,
        verified: made.verified_for_sending_status(),
    })
}

/// Whether SES may send from `address`: the identity exists and is verified. What `status`
/// shows; deploy makes a missing one instead.
pub async fn identity_readiness(ctx: &AwsContext, address: &str) -> Readiness {
    match verified(ctx, &Client::new(ctx.config()), address).await {
        Ok(state) => identity_verdict(address, state),
        Err(e) => Readiness::Unknown(format!("cannot read the SES identity {address}: {e}")),
    }
}

/// Whether the identity `address` may send (`None`: the account has no such identity).
async fn verified(ctx: &AwsContext, ses: &Client, address: &str) -> Result<Option<bool>, AwsError> {
    match ses
        .get_email_identity()
        .email_identity(address)
        .send()
        .await
    {
        Ok(found) => Ok(Some(found.verified_for_sending_status())),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(ctx.fail("ses", "GetEmailIdentity", e)),
    }
}

/// The verdict on the sender identity: `None` when the account does not have it.
pub fn identity_verdict(address: &str, verified: Option<bool>) -> Readiness {
    match verified {
        Some(true) => Readiness::Ready(format!("sender {address}: verified")),
        Some(false) => Readiness::Warning(format!(
            "the sender {address} is not verified: SES sends no order email until someone \
             follows the verification link AWS emailed to it (SES console > Identities > \
             {address} > Send verification email, if it is lost)"
        )),
        None => Readiness::Warning(format!(
            "the account has no SES identity {address} in this region: order emails fail \
             until `stackgen deploy` makes it and its verification link is followed"
        )),
    }
}

/// Whether the account may send to any customer from this region: out of the SES sandbox,
/// sending not paused. "We place all new accounts in the Amazon SES sandbox … you can only
/// send mail to verified email addresses and domains … a maximum of 200 messages per 24-hour
/// period", and the sandbox status "is unique per each AWS Region" (SES Developer Guide,
/// "Request production access",
/// <https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html>). GetAccount
/// reports it as `ProductionAccessEnabled` (SES API v2,
/// <https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetAccount.html>).
pub async fn account_readiness(ctx: &AwsContext) -> Readiness {
    let ses = Client::new(ctx.config());
    match ses.get_account().send().await {
        Ok(account) => account_verdict(
            account.production_access_enabled(),
            account.sending_enabled(),
            ctx.region(),
        ),
        Err(e) => Readiness::Unknown(format!(
            "cannot read the account's SES sending status: {}",
            ctx.fail("ses", "GetAccount", e)
        )),
    }
}

/// The verdict on the account's SES status in `region`.
pub fn account_verdict(production_access: bool, sending_enabled: bool, region: &str) -> Readiness {
    if !sending_enabled {
        return Readiness::Warning(format!(
            "SES sending is paused for this account in {region}: no order email goes out. \
             The SES console's Account dashboard says why (a reputation review pauses it)"
        ));
    }
    if !production_access {
        return Readiness::Warning(format!(
            "the account is in the SES sandbox in {region}: order emails reach only verified \
             addresses, at most 200 a day. Request production access (SES console > Account \
             dashboard > Request production access); AWS reviews it within about a day"
        ));
    }
    Readiness::Ready(format!(
        "SES in {region}: production access, emails go to any customer"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_and_a_paused_account_are_warnings_naming_the_region() {
        let Readiness::Warning(w) = account_verdict(false, true, "eu-west-1") else {
            panic!("the sandbox is a warning")
        };
        assert!(w.contains("SES sandbox in eu-west-1"), "{w}");
        assert!(w.contains("Request production access"), "{w}");
        let Readiness::Warning(w) = account_verdict(true, false, "eu-west-1") else {
            panic!("a paused account is a warning")
        };
        assert!(w.contains("paused"), "{w}");
        assert!(matches!(
            account_verdict(true, true, "eu-west-1"),
            Readiness::Ready(_)
        ));
    }

    #[test]
    fn an_unverified_or_missing_identity_is_a_warning() {
        assert!(matches!(
            identity_verdict("orders@shop.example", Some(true)),
            Readiness::Ready(_)
        ));
        let Readiness::Warning(w) = identity_verdict("orders@shop.example", Some(false)) else {
            panic!("unverified is a warning")
        };
        assert!(w.contains("not verified"), "{w}");
        let Readiness::Warning(w) = identity_verdict("orders@shop.example", None) else {
            panic!("missing is a warning")
        };
        assert!(w.contains("stackgen deploy"), "{w}");
    }
}
