//! The API's error vocabulary.
//!
//! Every failure a client can see is an [`ApiError`]: a stable machine code, the HTTP status that
//! goes with it, a sentence for humans and optional structured details. Internal failures keep
//! their cause for the log line but never show it to the client.

use serde_json::Value;
use std::fmt;

/// The codes of the API contract (`notes/API.md`), each with its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 400: the body is not JSON at all.
    InvalidJson,
    /// 400: JSON, but a field is missing, mistyped or out of range.
    ValidationError,
    /// 400: `POST /orders` without an `Idempotency-Key` header.
    IdempotencyKeyRequired,
    /// 400: the order names a store the environment does not have.
    UnknownStore,
    /// 401: a customer or staff route called without verified access-token claims (API
    /// Gateway's JWT authorizer answers most of these itself, in its own shape).
    Unauthorized,
    /// 403: a signed-in customer on a staff route, or a request that went around the CDN.
    Forbidden,
    /// 403: a staff member without an authenticator app where the environment requires one
    /// (`staff.mfa: required`); the back office offers the set-up.
    MfaRequired,
    /// 404.
    NotFound,
    /// 409: the idempotency key was used before with another body.
    IdempotencyConflict,
    /// 409: not enough stock for some SKUs (details name them).
    InsufficientStock,
    /// 409: an order's `expectedTotalCents` is not its total at today's prices: a price changed
    /// since the client read the cart (details give both totals and each line's price now).
    PriceChanged,
    /// 409: a stock set's `expectedStock` is not the stock now (details name each SKU's
    /// expected and current level); nothing was changed.
    StockChanged,
    /// 409: the customer already holds the most open orders the environment allows (details
    /// give the count and the limit).
    TooManyOpenOrders,
    /// 409: the order is not in a state that allows this move (details give its current
    /// state), or another request moved it first.
    InvalidTransition,
    /// 413.
    PayloadTooLarge,
    /// 415: a body that is not declared JSON (`Content-Type` missing or another type).
    UnsupportedMediaType,
    /// 503: contention did not clear after retries; the client may retry.
    ServiceBusy,
    /// 500: never for bad input.
    Internal,
}

impl ErrorCode {
    /// Every code, for documentation checks.
    pub const ALL: [ErrorCode; 18] = [
        ErrorCode::InvalidJson,
        ErrorCode::ValidationError,
        ErrorCode::IdempotencyKeyRequired,
        ErrorCode::UnknownStore,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::MfaRequired,
        ErrorCode::NotFound,
        ErrorCode::IdempotencyConflict,
        ErrorCode::InsufficientStock,
        ErrorCode::PriceChanged,
        ErrorCode::StockChanged,
        ErrorCode::TooManyOpenOrders,
        ErrorCode::InvalidTransition,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::ServiceBusy,
        ErrorCode::Internal,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::ValidationError => "VALIDATION_ERROR",
            ErrorCode::IdempotencyKeyRequired => "IDEMPOTENCY_KEY_REQUIRED",
            ErrorCode::UnknownStore => "UNKNOWN_STORE",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::MfaRequired => "MFA_REQUIRED",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::IdempotencyConflict => "IDEMPOTENCY_CONFLICT",
            ErrorCode::InsufficientStock => "INSUFFICIENT_STOCK",
            ErrorCode::PriceChanged => "PRICE_CHANGED",
            ErrorCode::StockChanged => "STOCK_CHANGED",
            ErrorCode::TooManyOpenOrders => "TOO_MANY_OPEN_ORDERS",
            ErrorCode::InvalidTransition => "INVALID_TRANSITION",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ErrorCode::ServiceBusy => "SERVICE_BUSY",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidJson
            | ErrorCode::ValidationError
            | ErrorCode::IdempotencyKeyRequired
            | ErrorCode::UnknownStore => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden | ErrorCode::MfaRequired => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::IdempotencyConflict
            | ErrorCode::InsufficientStock
            | ErrorCode::PriceChanged
            | ErrorCode::StockChanged
            | ErrorCode::TooManyOpenOrders
            | ErrorCode::InvalidTransition => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::ServiceBusy => 503,
            ErrorCode::Internal => 500,
        }
    }
}

/// Most characters of a request's own value an error message repeats.
pub const SHOWN_CHARS: usize = 64;

/// A request's own value as an error message shows it: quoted, and cut after [`SHOWN_CHARS`]
/// characters with its length said, so that an answer never echoes a long input back whole.
pub fn shown(value: &str) -> String {
    let count = value.chars().count();
    if count <= SHOWN_CHARS {
        return format!("{value:?}");
    }
    let head: String = value.chars().take(SHOWN_CHARS).collect();
    format!("{head:?}… ({count} characters)")
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error response: `{"error":{"code","message","request_id","details"?}}`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Option<Box<Value>>,
    /// What really went wrong, for the log line only (internal errors).
    pub cause: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            details: None,
            cause: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationError, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// A failure that is ours, not the client's. `context` says what we were doing; the cause is
    /// logged, the client sees a generic sentence.
    pub fn internal(context: &str, cause: impl fmt::Display) -> Self {
        ApiError {
            code: ErrorCode::Internal,
            message:
                "The server failed to handle the request; it has been logged. Retrying may help."
                    .to_owned(),
            details: None,
            cause: Some(format!("{context}: {cause}")),
        }
    }

    /// The JSON body sent to the client.
    pub fn body(&self, request_id: &str) -> Value {
        let mut error = serde_json::Map::new();
        error.insert("code".into(), Value::from(self.code.as_str()));
        error.insert("message".into(), Value::from(self.message.as_str()));
        error.insert("request_id".into(), Value::from(request_id));
        if let Some(d) = &self.details {
            error.insert("details".into(), (**d).clone());
        }
        let mut root = serde_json::Map::new();
        root.insert("error".into(), Value::Object(error));
        Value::Object(root)
    }
}

/// Turns any failure into an internal [`ApiError`] that says what we were doing.
pub trait OrInternal<T> {
    fn or_internal(self, context: impl FnOnce() -> String) -> Result<T, ApiError>;
}

impl<T, E: std::error::Error> OrInternal<T> for Result<T, E> {
    fn or_internal(self, context: impl FnOnce() -> String) -> Result<T, ApiError> {
        self.map_err(|e| {
            ApiError::internal(&context(), aws_sdk_dynamodb::error::DisplayErrorContext(&e))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_long_value_is_shown_cut_with_its_length() {
        assert_eq!(shown("APL-001"), "\"APL-001\"");
        let long = "A".repeat(5000);
        let cut = shown(&long);
        assert_eq!(
            cut,
            format!("{:?}… (5000 characters)", "A".repeat(SHOWN_CHARS))
        );
        assert_eq!(
            shown(&"é".repeat(SHOWN_CHARS)),
            format!("{:?}", "é".repeat(SHOWN_CHARS))
        );
    }

    #[test]
    fn body_has_the_contract_shape() {
        let e = ApiError::new(ErrorCode::InsufficientStock, "short")
            .with_details(json!({"skus": [{"sku": "A", "requested": 2, "available": 1}]}));
        assert_eq!(e.status(), 409);
        assert_eq!(
            e.body("req-1"),
            json!({"error": {"code": "INSUFFICIENT_STOCK", "message": "short", "request_id": "req-1",
                "details": {"skus": [{"sku": "A", "requested": 2, "available": 1}]}}})
        );
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let e = ApiError::internal("reading product APL-001", "connection refused");
        assert_eq!(e.status(), 500);
        assert!(!e.body("r").to_string().contains("refused"));
        assert!(e.cause.as_deref().unwrap_or_default().contains("refused"));
    }
}
