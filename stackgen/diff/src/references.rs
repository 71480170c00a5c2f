//! What a template expression refers to.
//!
//! When a resource is replaced, every `Ref`/`Fn::GetAtt`/`${…}` pointing at it evaluates to a new
//! value on deploy, even though the referencing template text is unchanged; the same holds for
//! a parameter whose value changes. CloudFormation's change sets call this a "dynamic"
//! evaluation. The walk itself is stackgen-intrinsics' ([`references`]), shared with the cost
//! estimator and `stackgen dev`.

use serde_json::Value;

use stackgen_intrinsics::Intrinsic;
pub(crate) use stackgen_intrinsics::references;

/// True when `value` is exactly `{"Ref": name}` (its value is the referenced value itself).
pub(crate) fn is_plain_ref(value: &Value, name: &str) -> bool {
    matches!(Intrinsic::parse(value), Ok(Some(Intrinsic::Ref(n))) if n == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_ref() {
        assert!(is_plain_ref(&json!({"Ref": "P"}), "P"));
        assert!(!is_plain_ref(&json!({"Ref": "Q"}), "P"));
        assert!(!is_plain_ref(&json!({"Fn::Sub": "${P}"}), "P"));
    }
}
