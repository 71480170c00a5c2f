//! What the reader knows of a type by its name alone, from the model's billing tables
//! (`stackgen_facts::billing`, which the no-ghost-spend guardrail reads too): the types billed by
//! the hour that the price table does not price, and the types with no charge of their own.

use super::Facts;

/// What a type not read property by property costs: billed by the hour but not priced, free,
/// or unknown.
pub(super) fn classify_other(t: &str) -> Facts {
    if let Some(always_on) = stackgen_facts::always_on(t) {
        return Facts::HourlyUnpriced {
            why: always_on.bills,
        };
    }
    match stackgen_facts::free_type(t) {
        Some(free) => Facts::Free { why: free.why },
        None => Facts::Unknown,
    }
}
