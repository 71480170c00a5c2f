//! A function's environment variables: the values the template sets, and for each the source
//! `stackgen dev` reads it from (a literal, or a stack output once deployed).

use std::collections::BTreeMap;

use retail_spec::{
    ENV_NAME_VAR, FunctionSpec, ORIGIN_VERIFY_PREVIOUS_VAR, ORIGIN_VERIFY_VAR, STORES_VAR,
    routes_of,
};

use super::super::{Ctx, EnvValue, EnvVar};
use crate::model::{Secret, Value};

/// The variables set so far; the first value set for a name wins.
#[derive(Default)]
pub(super) struct Variables {
    pub values: BTreeMap<String, Value>,
    pub declared: Vec<EnvVar>,
}

impl Variables {
    pub fn set(&mut self, name: &str, value: Value, from: EnvValue) {
        if self.values.insert(name.to_owned(), value).is_none() {
            self.declared.push(EnvVar {
                name: name.to_owned(),
                value: from,
            });
        }
    }

    /// A value known when the stack is built.
    pub fn literal(&mut self, name: &str, value: String) {
        self.set(name, value.clone().into(), EnvValue::Literal(value));
    }
}

/// The settings of the environment file a function reads: the environment's name, the stores,
/// and the order, pickup, image and report settings of the functions that apply them.
pub(super) fn settings(ctx: &Ctx, spec: &FunctionSpec, vars: &mut Variables) {
    let env = ctx.env;
    vars.literal(ENV_NAME_VAR, env.name.clone());
    if spec.needs_stores {
        let stores: Vec<&str> = env.stores.iter().map(|s| s.id.as_str()).collect();
        vars.literal(STORES_VAR, stores.join(","));
    }
    if spec.id == retail_spec::ORDERS_FN.id {
        let limits = &env.orders;
        vars.literal(
            retail_spec::ORDER_MAX_UNITS_VAR,
            limits.max_units_per_order.to_string(),
        );
        vars.literal(
            retail_spec::ORDER_MAX_OPEN_VAR,
            limits.max_open_orders.to_string(),
        );
    }
    if spec.id == retail_spec::ORDER_EXPIRY.id || spec.id == retail_spec::ORDER_NOTIFIER.id {
        vars.literal(
            retail_spec::ORDER_PICKUP_WINDOW_VAR,
            env.orders.pickup_window_hours.to_string(),
        );
    }
    if spec.id == retail_spec::ORDER_NOTIFIER.id {
        let names: serde_json::Map<String, serde_json::Value> = env
            .stores
            .iter()
            .map(|s| (s.id.clone(), s.name.clone().into()))
            .collect();
        vars.literal(
            retail_spec::STORE_NAMES_VAR,
            serde_json::Value::Object(names).to_string(),
        );
    }
    if spec.id == retail_spec::INVENTORY.id || spec.id == retail_spec::IMAGES_FN.id {
        vars.literal(
            retail_spec::IMAGE_MAX_UPLOAD_VAR,
            env.images.max_upload_bytes().to_string(),
        );
    }
    if spec.id == retail_spec::REPORT_BUILDER.id {
        vars.literal(
            retail_spec::KEEP_DAILY_REPORTS_VAR,
            env.is_protected().to_string(),
        );
    }
    for (name, value) in super::super::kill_switch::variables(ctx, spec) {
        vars.literal(name, value);
    }
    if let Some((name, value)) = super::super::identity::staff_mfa_variable(env, spec) {
        vars.literal(name, value);
    }
}

/// An HTTP function behind a CDN gets the value the CDN sends in
/// [`retail_spec::ORIGIN_VERIFY_HEADER`], and refuses requests without it.
pub(super) fn origin_check(spec: &FunctionSpec, secret: Option<&Secret>, vars: &mut Variables) {
    if let Some(secret) = secret
        && routes_of(spec).next().is_some()
    {
        let from = || EnvValue::Secret(secret.names().name.clone());
        vars.set(ORIGIN_VERIFY_VAR, secret.current(), from());
        vars.set(ORIGIN_VERIFY_PREVIOUS_VAR, secret.previous(), from());
    }
}
