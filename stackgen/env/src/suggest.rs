//! "Did you mean …?" for misspelt field names and values.
//!
//! A typo in an environment file should cost the user one glance, so unknown names are matched
//! against the allowed ones: same letters in another case, a prefix (`thresholds` for
//! `thresholds_percent`), or a small edit distance.

/// The allowed name closest to `word`, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    if let Some(hit) = allowed.iter().find(|a| a.to_lowercase() == lower) {
        return Some(hit);
    }
    let normalized = |s: &str| s.to_lowercase().replace(['-', '_'], "");
    if let Some(hit) = allowed.iter().find(|a| normalized(a) == normalized(word)) {
        return Some(hit);
    }
    let budget = (word.chars().count() / 3).clamp(1, 3);
    let best = allowed
        .iter()
        .map(|a| (edit_distance(&lower, &a.to_lowercase()), *a))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d <= budget)
        .map(|(_, a)| a);
    if best.is_some() {
        return best;
    }
    if lower.chars().count() >= 4 {
        return allowed
            .iter()
            .find(|a| a.to_lowercase().starts_with(&lower))
            .copied();
    }
    None
}

/// Edit distance over characters where swapping two neighbours counts as one edit, the most
/// common typo (`cnd` for `cdn`); plain Levenshtein counts it as two. `strsim`'s optimal string
/// alignment distance (already in the tree through clap).
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["monthly_usd", "thresholds_percent", "emails"];

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("emials", FIELDS), Some("emails"));
        assert_eq!(did_you_mean("monthly-usd", FIELDS), Some("monthly_usd"));
        assert_eq!(
            did_you_mean("thresholds", FIELDS),
            Some("thresholds_percent")
        );
        assert_eq!(did_you_mean("Emails", FIELDS), Some("emails"));
        assert_eq!(did_you_mean("env", &["Project", "Env"]), Some("Env"));
        // Two letters swapped is one typo, in a short name too.
        assert_eq!(did_you_mean("cnd", &["cdn", "waf", "budget"]), Some("cdn"));
    }

    #[test]
    fn stays_quiet_for_unrelated_names() {
        assert_eq!(did_you_mean("colour", FIELDS), None);
        assert_eq!(did_you_mean("x", FIELDS), None);
        assert_eq!(did_you_mean("", FIELDS), None);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
