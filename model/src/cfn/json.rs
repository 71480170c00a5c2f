//! Free-form JSON properties (a dashboard body, a state machine definition, a schema's
//! `["object", "string"]`): what a schema does not describe, the model does not type either.

use serde::{Serialize, Serializer};

use super::value::InItsTemplate;

/// A property value the schema leaves free-form, rendered as given. It can hold intrinsics
/// (a queue's redrive policy holds the dead-letter queue's ARN), so like a [`Value`](super::Value)
/// it stays in the builder of its template (neither `Send` nor `Sync`: [`Draft`](super::Draft)).
#[derive(Clone, Debug, PartialEq)]
pub struct Json(pub serde_json::Value, InItsTemplate);

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl From<serde_json::Value> for Json {
    fn from(v: serde_json::Value) -> Self {
        Json(v, InItsTemplate::default())
    }
}

impl Json {
    /// Any serialisable value (typed values and intrinsics included) as free-form JSON.
    pub fn from_serialize<T: Serialize>(value: &T) -> Result<Json, serde_json::Error> {
        serde_json::to_value(value).map(Json::from)
    }
}
