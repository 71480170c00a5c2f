//! Environments: the typed model of `environments/<env>.yaml` and its validated loading.
//!
//! `model` says what an environment is; `load` reads one with errors that name the file, line,
//! column and field; `rules` holds the checks beyond shape; `locate` finds a field's line.

mod domain;
mod emulator;
mod errors;
pub mod fixtures;
mod load;
mod locate;
mod model;
mod region;
mod rules;
mod schedule;
pub mod suggest;

pub use domain::{RATE_LIMIT_RANGE, is_dns_name, is_zone_id};
pub use emulator::{EndpointElsewhere, endpoint_problem, is_loopback_url};
pub use errors::{DirState, EnvError, Problem};
pub use load::{EXTENSION, MAX_BYTES, list, load, load_named, parse, read_bounded};
pub use locate::{FieldPath, Position, Seg, find as find_field};
pub use model::*;
pub use region::KNOWN_REGIONS;
pub use rules::{
    LOG_RETENTION_DAYS, MAX_BUDGET_EMAILS, MAX_BUDGET_THRESHOLDS, MAX_STORES, is_email, is_kebab,
    is_placeholder_email, placeholder_recipients,
};
pub use schedule::check as check_schedule;
