//! Reading an `Fn::Sub` string: literal text and `${Name}` / `${Resource.Attribute}`
//! placeholders, with `${!Literal}` standing for the literal text `${Literal}`
//! (CloudFormation User Guide, `Fn::Sub`,
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html>).
//!
//! One reader for every part of stackgen that looks inside a rendered template's `Fn::Sub`:
//! `diff` (what an expression refers to), the cost estimator (names it can resolve) and
//! `stackgen dev` (evaluating the functions' environment against the deployed stack). Writing
//! one is the typed model's job (`Value::concat`).

use std::borrow::Cow;

/// One piece of an `Fn::Sub` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubPart<'a> {
    /// Literal text (an escaped `${!X}` already reads `${X}` here).
    Text(Cow<'a, str>),
    /// A placeholder's name: a parameter, resource, pseudo parameter or variable
    /// (`AWS::Region`, `Bucket`), or `Resource.Attribute`.
    Var(&'a str),
}

impl SubPart<'_> {
    /// For a placeholder, the name before the first `.` (the resource of `Res.Attr`).
    pub fn target(&self) -> Option<&str> {
        match self {
            SubPart::Var(name) => name.split('.').next(),
            SubPart::Text(_) => None,
        }
    }
}

/// The pieces of `text`, in order. An unclosed `${` ends the string: the rest is returned as
/// text and `unclosed` is true, so a caller that must refuse it (CloudFormation does) can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubText<'a> {
    pub parts: Vec<SubPart<'a>>,
    pub unclosed: bool,
}

/// Splits an `Fn::Sub` string into text and placeholders.
pub fn parse_sub(text: &str) -> SubText<'_> {
    let mut parts: Vec<SubPart<'_>> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        push_text(&mut parts, Cow::Borrowed(&rest[..start]));
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            push_text(&mut parts, Cow::Borrowed(&rest[start..]));
            return SubText {
                parts,
                unclosed: true,
            };
        };
        let name = &after[..end];
        match name.strip_prefix('!') {
            Some(literal) => push_text(&mut parts, Cow::Owned(format!("${{{literal}}}"))),
            None => parts.push(SubPart::Var(name.trim())),
        }
        rest = &after[end + 1..];
    }
    push_text(&mut parts, Cow::Borrowed(rest));
    SubText {
        parts,
        unclosed: false,
    }
}

/// Appends text, merged with text before it; nothing for empty text.
fn push_text<'a>(parts: &mut Vec<SubPart<'a>>, text: Cow<'a, str>) {
    if text.is_empty() {
        return;
    }
    if let Some(SubPart::Text(prev)) = parts.last_mut() {
        prev.to_mut().push_str(&text);
    } else {
        parts.push(SubPart::Text(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> SubPart<'_> {
        SubPart::Text(Cow::Borrowed(s))
    }

    #[test]
    fn splits_text_placeholders_and_escapes() {
        let parsed = parse_sub("arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Fn.Arn}");
        assert_eq!(
            parsed.parts,
            [
                text("arn:"),
                SubPart::Var("AWS::Partition"),
                text(":s3:::"),
                SubPart::Var("Bucket"),
                text("/${Literal}/"),
                SubPart::Var("Fn.Arn"),
            ]
        );
        assert!(!parsed.unclosed);
        assert_eq!(parsed.parts[5].target(), Some("Fn"));
    }

    #[test]
    fn an_unclosed_placeholder_is_text_and_said() {
        let parsed = parse_sub("a-${B}-${C");
        assert_eq!(parsed.parts, [text("a-"), SubPart::Var("B"), text("-${C")]);
        assert!(parsed.unclosed);
        assert_eq!(parse_sub("").parts, []);
        assert_eq!(parse_sub("plain").parts, [text("plain")]);
    }
}
