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
    match ses
        .get_email_identity()
        .email_identity(address)
        .send()
        .await
    {
        Ok(found) => {
            return Ok(Sender {
                identity: address.to_owned(),
                created: false,
                verified: found.verified_for_sending_status(),
            });
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_not_found_exception()) => {}
        Err(e) => return Err(ctx.fail("ses", "GetEmailIdentity", e)),
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
