//! Environments: the typed model of `environments/<env>.yaml` and its validated loading.

mod model;

pub use model::*;
