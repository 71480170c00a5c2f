//! Free-form JSON properties (a dashboard body, a state machine definition, a schema's
//! `["object", "string"]`): what a schema does not describe, the model does not type either.

use serde::Serialize;

/// A property value the schema leaves free-form, rendered as given.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Json(pub serde_json::Value);

impl From<serde_json::Value> for Json {
    fn from(v: serde_json::Value) -> Self {
        Json(v)
    }
}

impl Json {
    /// Any serialisable value (typed values and intrinsics included) as free-form JSON.
    pub fn from_serialize<T: Serialize>(value: &T) -> Result<Json, serde_json::Error> {
        serde_json::to_value(value).map(Json)
    }
}
