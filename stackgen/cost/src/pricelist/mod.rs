//! `stackgen prices refresh`: the price table, refreshed from AWS's Price List Query API.
//!
//! ```text
//! meters::QUERIES ─► refresh::request ─► client::PriceList (GetProducts, every page) ─┐
//!                                                                                    ▼
//! prices.json (old) ─────────────────► refresh::merge ◄── product::Product::priced ◄─┘
//!                                           │
//!                                           ▼
//!        prices.json (new) + the changes (moved, added, vanished, restated, confirmed, kept)
//! ```
//!
//! The refresh is a maintainer's command, run with AWS credentials; `cost-report` never calls
//! the Price List, it reads the table the build embedded. Tests replay recorded answers.

pub mod client;
pub mod meters;
pub mod product;
pub mod refresh;

pub use client::{PriceList, PriceListError, Recording, Request};
pub use refresh::{Change, ChangeKind, Options, Outcome, RefreshError, refresh};
