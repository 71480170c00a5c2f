//! Rust names for schema names: types (`type_name`), fields and modules (`field_name`), enum
//! variants (`variant_name`) and a list's item type (`singular`). Every module that writes Rust
//! from a schema (`typed.rs`, `props.rs`, `reference.rs`, `emit_typed.rs`) names things here,
//! so one schema name always becomes the same Rust name.

/// `Statements` → `Statement`, `Policies` → `Policy`: the item type of a list property.
pub fn singular(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = plural.strip_suffix("sses") {
        format!("{stem}ss")
    } else if plural.ends_with("ss") || plural.ends_with("us") {
        plural.to_owned()
    } else if let Some(stem) = plural.strip_suffix('s') {
        stem.to_owned()
    } else {
        format!("{plural}Item")
    }
}

/// A Rust type name from a schema name: alphanumeric runs, each starting upper-case.
pub fn type_name(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        out.insert(0, 'T');
    }
    out
}

/// An enum variant from a CloudFormation value: `PAY_PER_REQUEST` → `PayPerRequest`,
/// `provided.al2023` → `ProvidedAl2023`, `TLSv1.2_2021` → `TlSv122021`-like runs kept readable.
pub fn variant_name(value: &str) -> String {
    let mut out = String::new();
    for word in value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let all_caps = word.chars().all(|c| !c.is_ascii_lowercase());
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            if all_caps {
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(chars);
            }
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// A Rust field or module name: `KMSMasterKeyID` → `kms_master_key_id`, `Type` → `r#type`,
/// `CallbackURLs` → `callback_urls` (a plural acronym), `AllowedOAuthFlows` →
/// `allowed_oauth_flows`.
pub fn field_name(name: &str) -> String {
    let name = name.replace("OAuth", "Oauth");
    let chars: Vec<char> = name.chars().filter(char::is_ascii_alphanumeric).collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j));
        let next = chars.get(i + 1);
        // `URLs`: an `s` right after an acronym, ending the word, is its plural.
        let plural = next == Some(&'s') && !chars.get(i + 2).is_some_and(char::is_ascii_lowercase);
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase()
                        && next.is_some_and(char::is_ascii_lowercase)
                        && !plural)
            });
        if boundary {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.insert_str(0, "r#");
    }
    out
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "yield", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(field_name("KMSMasterKeyID"), "kms_master_key_id");
        assert_eq!(field_name("QueueName"), "queue_name");
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("IPv6Address"), "i_pv6_address");
        assert_eq!(field_name("CallbackURLs"), "callback_urls");
        assert_eq!(field_name("AllowedOAuthFlows"), "allowed_oauth_flows");
        assert_eq!(field_name("DBClusters"), "db_clusters");
        assert_eq!(variant_name("PAY_PER_REQUEST"), "PayPerRequest");
        assert_eq!(variant_name("provided.al2023"), "ProvidedAl2023");
        assert_eq!(variant_name("2"), "V2");
        assert_eq!(singular("Policies"), "Policy");
        assert_eq!(singular("Statements"), "Statement");
    }
}
