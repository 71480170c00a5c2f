//! The retail backend: the code behind every Lambda function of the stack.
//!
//! All functions are one binary, `bootstrap` (`src/bin/bootstrap.rs`): [`entry`] picks the
//! function the process's `_HANDLER` names, builds its app from the environment and hands it to
//! the Lambda runtime. The apps are plain structs with an async
//! `handle` method, so tests drive them in-process against a real DynamoDB/SQS/SNS/S3 (moto on
//! loopback) with exactly the events API Gateway and SQS deliver.
//!
//! Resource names, key attributes, routes and environment variable names all come from
//! [`retail_spec`]; this crate spells none of them.
//!
//! Without the default `lambda` feature the library is only the product model and the demo
//! catalog loader ([`demo::load`]), which is what `stackgen` needs after a non-prod deploy.

#![forbid(unsafe_code)]

pub mod ddb;
pub mod demo;
pub mod error;
pub mod money;
pub mod photo;
pub mod photo_upload;
pub mod product;
pub mod text;

#[cfg(feature = "lambda")]
pub mod alerts;
#[cfg(feature = "lambda")]
pub mod aws;
#[cfg(feature = "lambda")]
pub mod cart;
#[cfg(feature = "lambda")]
pub mod catalog;
#[cfg(feature = "lambda")]
pub mod claim;
#[cfg(feature = "lambda")]
pub mod clock;
#[cfg(feature = "lambda")]
pub mod config;
#[cfg(feature = "lambda")]
pub mod entry;
#[cfg(feature = "lambda")]
pub mod http;
#[cfg(feature = "lambda")]
pub mod idempotency;
#[cfg(feature = "lambda")]
pub mod ids;
#[cfg(feature = "lambda")]
pub mod images;
#[cfg(feature = "lambda")]
pub mod inventory;
#[cfg(feature = "lambda")]
pub mod killswitch;
#[cfg(feature = "lambda")]
pub mod log;
#[cfg(feature = "lambda")]
pub mod notifier;
#[cfg(feature = "lambda")]
pub mod orders;
#[cfg(feature = "lambda")]
pub mod products;
#[cfg(feature = "lambda")]
pub mod queue;
#[cfg(feature = "lambda")]
pub mod reports;
#[cfg(feature = "lambda")]
pub mod runtime;
#[cfg(feature = "lambda")]
pub mod stream;
