//! Reading and writing DynamoDB attribute values.
//!
//! Items come back as maps of loosely typed attributes; these helpers turn a missing or
//! mistyped attribute into an error that names it, instead of a panic or a silent default.

use crate::error::ApiError;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, CancellationReason, TransactWriteItem};
use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;

/// Whether a write failed only because its condition did not hold
/// (`ConditionalCheckFailedException`), whichever operation it was (PutItem, UpdateItem,
/// DeleteItem): the caller's "someone else got there first", not an error.
pub fn condition_failed<E, R>(e: &aws_sdk_dynamodb::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    e.as_service_error()
        .is_some_and(|s| s.code() == Some("ConditionalCheckFailedException"))
}

/// One DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

/// A stored item that does not have the shape this code wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    #[error("attribute `{0}` is missing")]
    Missing(String),
    #[error("attribute `{name}` is not {expected}")]
    WrongType {
        name: String,
        expected: &'static str,
    },
    #[error("attribute `{name}` holds {value:?}, which is not a valid {expected}")]
    BadValue {
        name: String,
        value: String,
        expected: &'static str,
    },
}

/// Runs one transaction: `Ok(None)` when it committed, `Ok(Some(reasons))` when DynamoDB
/// cancelled it (one reason per item, in the items' order: `ConditionalCheckFailed`,
/// `TransactionConflict`, `None`, …), an internal error for anything else (`doing` says what).
pub async fn transact(
    ddb: &Client,
    items: Vec<TransactWriteItem>,
    doing: &str,
) -> Result<Option<Vec<CancellationReason>>, ApiError> {
    let err = match ddb
        .transact_write_items()
        .set_transact_items(Some(items))
        .send()
        .await
    {
        Ok(_) => return Ok(None),
        Err(e) => e,
    };
    match err.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(tc)) => {
            Ok(Some(tc.cancellation_reasons().to_vec()))
        }
        _ => Err(ApiError::internal(
            doing,
            aws_sdk_dynamodb::error::DisplayErrorContext(&err),
        )),
    }
}

/// A string attribute.
pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute.
pub fn n(value: impl Display) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The string attribute `name`.
pub fn get_s<'a>(item: &'a Item, name: &str) -> Result<&'a str, ItemError> {
    match item.get(name) {
        None => Err(ItemError::Missing(name.to_owned())),
        Some(AttributeValue::S(v)) => Ok(v),
        Some(_) => Err(ItemError::WrongType {
            name: name.to_owned(),
            expected: "a string",
        }),
    }
}

/// The string attribute `name`, if present.
pub fn opt_s<'a>(item: &'a Item, name: &str) -> Result<Option<&'a str>, ItemError> {
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(_) => get_s(item, name).map(Some),
    }
}

/// The number attribute `name`, parsed as `T`.
pub fn get_n<T: FromStr>(item: &Item, name: &str) -> Result<T, ItemError> {
    match item.get(name) {
        None => Err(ItemError::Missing(name.to_owned())),
        Some(AttributeValue::N(v)) => v.parse().map_err(|_| ItemError::BadValue {
            name: name.to_owned(),
            value: v.clone(),
            expected: std::any::type_name::<T>(),
        }),
        Some(_) => Err(ItemError::WrongType {
            name: name.to_owned(),
            expected: "a number",
        }),
    }
}

/// The number attribute `name`, if present.
pub fn opt_n<T: FromStr>(item: &Item, name: &str) -> Result<Option<T>, ItemError> {
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(_) => get_n(item, name).map(Some),
    }
}

/// The list attribute `name`.
pub fn get_list<'a>(item: &'a Item, name: &str) -> Result<&'a [AttributeValue], ItemError> {
    match item.get(name) {
        None => Err(ItemError::Missing(name.to_owned())),
        Some(AttributeValue::L(v)) => Ok(v),
        Some(_) => Err(ItemError::WrongType {
            name: name.to_owned(),
            expected: "a list",
        }),
    }
}

/// The boolean attribute `name`, if present.
pub fn opt_bool(item: &Item, name: &str) -> Result<Option<bool>, ItemError> {
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ItemError::WrongType {
            name: name.to_owned(),
            expected: "a boolean",
        }),
    }
}

/// A map attribute value as an item (list elements of maps, for example).
pub fn as_map<'a>(value: &'a AttributeValue, what: &str) -> Result<&'a Item, ItemError> {
    match value {
        AttributeValue::M(m) => Ok(m),
        _ => Err(ItemError::WrongType {
            name: what.to_owned(),
            expected: "a map",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_reads_name_the_attribute() {
        let item: Item = [
            ("a".to_owned(), s("x")),
            ("b".to_owned(), n(7)),
            ("c".to_owned(), n("-1")),
        ]
        .into();
        assert_eq!(get_s(&item, "a"), Ok("x"));
        assert_eq!(get_n::<u64>(&item, "b"), Ok(7));
        assert_eq!(opt_n::<u64>(&item, "zz"), Ok(None));
        assert_eq!(get_s(&item, "zz"), Err(ItemError::Missing("zz".into())));
        assert!(matches!(
            get_s(&item, "b"),
            Err(ItemError::WrongType { .. })
        ));
        let err = get_n::<u64>(&item, "c").unwrap_err();
        assert!(err.to_string().contains("`c`"), "{err}");
    }
}
