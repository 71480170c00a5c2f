//! Free text people type: a cancel reason, a product's name, category or unit. It reaches the
//! customer's emails, the back office and the storefront, so a character that is not text (a
//! control character: NUL, a line break, an escape) or that reorders the text around it (the
//! bidirectional controls, which make a line read differently from what it holds) is refused
//! rather than stored.

/// The first character of `text` that free text may not hold, if any.
pub fn unprintable(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control() || is_bidi_control(*c))
}

/// The explicit directional formatting characters (Unicode Standard Annex #9, "Unicode
/// Bidirectional Algorithm", table 1 "Explicit Directional Formatting Characters" and the
/// implicit marks): ALM, LRM, RLM, LRE…RLO and LRI…PDI.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// How an unprintable character is named in a message: its code point.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_controls_or_direction_overrides_is_refused() {
        assert_eq!(unprintable("Out of stock, sorry — Ça va ✓"), None);
        assert_eq!(unprintable("line\nbreak"), Some('\n'));
        assert_eq!(unprintable("nul\0"), Some('\0'));
        assert_eq!(unprintable("tab\there"), Some('\t'));
        assert_eq!(unprintable("abc\u{202E}fed"), Some('\u{202E}'));
        assert_eq!(unprintable("x\u{2066}y"), Some('\u{2066}'));
        assert_eq!(code_point('\u{202E}'), "U+202E");
        assert_eq!(code_point('\0'), "U+0000");
    }
}
