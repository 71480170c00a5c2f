//! The order notifier: emails a customer when their order is ready for pickup or cancelled.
//!
//! Driven by the orders table's stream (the order's own write is the event, so a notice cannot
//! be lost between the write and a separate publish), filtered by the event source mapping to
//! the two states that concern the customer. For each record it reads the order from the new
//! image, writes the [`Notice`], claims it in the idempotency table (one email per step however
//! often the record comes), looks the customer's address up in the user pool by their `sub`,
//! and sends with SES. A failed lookup or send releases the claim and reports the record, so
//! Lambda retries from it; after the mapping's retries the batch goes to the failures queue
//! (and its alarm). The order itself never waits for any of this.
//!
//! Strictly once is not possible with SES (SendEmail takes no idempotency token): the claim
//! makes a duplicate possible only when the function dies between SES accepting the message
//! and the end of the invocation.

use crate::claim::Claims;
use crate::config::{ConfigError, FunctionEnv};
use crate::error::{ApiError, OrInternal};
use crate::orders::{Notice, Order};
use crate::stream::{self, BatchResponse, StreamEvent, StreamRecord};
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use aws_types::SdkConfig;
use retail_spec::{
    IDEMPOTENCY, NOTIFY_SENDER_VAR, ORDER_PICKUP_WINDOW_DEFAULT_HOURS, ORDER_PICKUP_WINDOW_VAR,
    STORE_NAMES_VAR, USER_POOL_ID_VAR,
};
use std::collections::BTreeMap;

/// How long a sent notice is remembered: longer than the stream keeps a record (24 hours).
const NOTICE_TTL_SECONDS: i64 = 3 * 24 * 3600;

/// The notifier app.
pub struct Notifier {
    cognito: aws_sdk_cognitoidentityprovider::Client,
    ses: aws_sdk_sesv2::Client,
    claims: Claims,
    user_pool_id: String,
    sender: String,
    pickup_window_hours: u32,
    /// Store display names by id ([`STORE_NAMES_VAR`]).
    store_names: BTreeMap<String, String>,
}

/// What one record led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not a step that concerns the customer (the mapping's filter lets few of these through).
    Skipped,
    /// Sent before (a redelivered record).
    AlreadySent,
    /// The customer's account is gone or has no email address: nothing to send to.
    NoRecipient,
    /// The account's address was never verified (an account confirmed without its emailed
    /// code): the store does not mail an address nobody has shown they own.
    UnverifiedRecipient,
    Sent {
        message_id: String,
    },
}

impl Notifier {
    pub fn new(sdk: &SdkConfig, env: &FunctionEnv) -> Result<Self, ConfigError> {
        let ddb = aws_sdk_dynamodb::Client::new(sdk);
        Ok(Notifier {
            cognito: aws_sdk_cognitoidentityprovider::Client::new(sdk),
            ses: aws_sdk_sesv2::Client::new(sdk),
            claims: Claims::new(ddb, env.table(&IDEMPOTENCY)?, NOTICE_TTL_SECONDS),
            user_pool_id: env.required(USER_POOL_ID_VAR, "the user pool id")?,
            sender: env.required(NOTIFY_SENDER_VAR, "the sender address")?,
            pickup_window_hours: env
                .number(ORDER_PICKUP_WINDOW_VAR, ORDER_PICKUP_WINDOW_DEFAULT_HOURS)?,
            // Unset or unreadable: the emails name stores by id.
            store_names: env
                .get(STORE_NAMES_VAR)
                .and_then(|v| serde_json::from_str(v).ok())
                .unwrap_or_default(),
        })
    }

    /// Handles one batch in order; stops at the first failure so Lambda retries from there.
    pub async fn handle(&self, event: StreamEvent) -> BatchResponse {
        for record in &event.records {
            let sequence = &record.dynamodb.sequence_number;
            match self.one(record).await {
                Ok(outcome) => {
                    tracing::info!(sequenceNumber = sequence, ?outcome, "stream record");
                }
                Err(e) => {
                    tracing::warn!(
                        sequenceNumber = sequence,
                        error = e.message,
                        cause = e.cause,
                        "stream record failed; retrying from it"
                    );
                    return BatchResponse::retry_from(sequence);
                }
            }
        }
        BatchResponse::default()
    }

    /// One record: the notice it calls for, sent once.
    pub async fn one(&self, record: &StreamRecord) -> Result<Outcome, ApiError> {
        let (Some(image), "MODIFY") = (&record.dynamodb.new_image, record.event_name.as_str())
        else {
            return Ok(Outcome::Skipped);
        };
        let item = stream::image(image).or_internal(|| "reading a stream record".to_owned())?;
        let order = Order::from_item(&item)
            .or_internal(|| "reading the order of a stream record".to_owned())?;
        let store = match self.store_names.get(&order.store_id) {
            Some(name) => format!("{name} ({})", order.store_id),
            None => format!("store {}", order.store_id),
        };
        let Some(notice) = Notice::for_step(&order, self.pickup_window_hours, &store) else {
            return Ok(Outcome::Skipped);
        };
        if !self.claims.claim(&notice.key).await? {
            return Ok(Outcome::AlreadySent);
        }
        let sent = match self.recipient(&order.user_id).await {
            Ok(Some((to, true))) => self
                .send(&to, &notice)
                .await
                .map(|id| Outcome::Sent { message_id: id }),
            Ok(Some((_, false))) => Ok(Outcome::UnverifiedRecipient),
            Ok(None) => Ok(Outcome::NoRecipient),
            Err(e) => Err(e),
        };
        if sent.is_err() {
            self.claims.release(&notice.key).await;
        }
        if let Ok(outcome) = &sent {
            tracing::info!(
                orderId = order.order_id,
                notice = notice.key,
                subject = notice.subject,
                ?outcome,
                "order notice"
            );
        }
        sent
    }

    /// The customer's email address, by their `sub` (AdminGetUser accepts it where the pool's
    /// user names are email addresses: Amazon Cognito API Reference, AdminGetUser, `Username`,
    /// <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html>),
    /// and whether it is verified (`email_verified`: the code Cognito mailed to it was entered
    /// at sign-up, or support vouched for it with `stackgen customers confirm`).
    async fn recipient(&self, sub: &str) -> Result<Option<(String, bool)>, ApiError> {
        let user = self
            .cognito
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(sub)
            .send()
            .await;
        match user {
            Ok(user) => {
                let attribute = |name: &str| {
                    user.user_attributes()
                        .iter()
                        .find(|a| a.name() == name)
                        .and_then(|a| a.value())
                };
                let verified = attribute("email_verified") == Some("true");
                Ok(attribute("email").map(|email| (email.to_owned(), verified)))
            }
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(AdminGetUserError::UserNotFoundException(_))
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(ApiError::internal(
                "looking the customer up in the user pool",
                aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(&e),
            )),
        }
    }

    async fn send(&self, to: &str, notice: &Notice) -> Result<String, ApiError> {
        let text = |data: &str| {
            Content::builder()
                .data(data)
                .charset("UTF-8")
                .build()
                .or_internal(|| "building an email".to_owned())
        };
        let message = Message::builder()
            .subject(text(&notice.subject)?)
            .body(Body::builder().text(text(&notice.body)?).build())
            .build();
        let out = self
            .ses
            .send_email()
            .from_email_address(&self.sender)
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .or_internal(|| format!("sending {} with SES", notice.key))?;
        Ok(out.message_id().unwrap_or_default().to_owned())
    }
}
