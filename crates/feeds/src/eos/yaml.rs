//! A small YAML tree that keeps every scalar's exact text, built from yaml-rust2's events.
//!
//! `releaseCycle: 8.10` must stay `8.10` (a float would make it 8.1), and a date must stay a
//! date, so scalars are not typed here: the caller reads each one as the field needs.
//! Aliases are refused (no expansion, so no "billion laughs"); nesting deeper than
//! [`MAX_DEPTH`] is refused.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting accepted (endoflife.date's front matter goes 5 deep).
pub(crate) const MAX_DEPTH: usize = 64;

/// A scalar with its text, whether it was plain (unquoted), and its 1-based line in the
/// parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scalar {
    pub text: String,
    pub plain: bool,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Scalar(Scalar),
    Seq(Vec<Node>, usize),
    Map(Vec<(String, Node)>, usize),
}

impl Node {
    /// 1-based line where the node starts.
    pub fn line(&self) -> usize {
        match self {
            Node::Scalar(s) => s.line,
            Node::Seq(_, l) | Node::Map(_, l) => *l,
        }
    }

    /// The value of `key`, when this is a mapping that has it (the first one if repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries, _) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A null scalar (`~`, `null`, empty).
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(s) if s.plain && matches!(s.text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A short description of the kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Scalar(_) => "a scalar",
            Node::Seq(..) => "a list",
            Node::Map(..) => "a mapping",
        }
    }
}

/// A parse failure at a 1-based line and column of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn err(mark: Marker, message: impl Into<String>) -> YamlError {
    YamlError {
        line: mark.line(),
        column: mark.col() + 1,
        message: message.into(),
    }
}

enum Frame {
    Seq(Vec<Node>, usize),
    /// Entries so far, a key waiting for its value, and the line.
    Map(Vec<(String, Node)>, Option<String>, usize),
}

/// Parse the first document of `text` (an empty text gives a null scalar).
pub(crate) fn parse(text: &str) -> Result<Node, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| YamlError {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_string(),
        })?;
        let node = match event {
            Event::StreamEnd | Event::DocumentEnd => {
                return Ok(Node::Scalar(Scalar {
                    text: String::new(),
                    plain: true,
                    line: mark.line(),
                }))
            }
            Event::Alias(_) => return Err(err(mark, "aliases (*name) are not supported")),
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(mark, format!("nested deeper than {MAX_DEPTH} levels")));
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Frame::Seq(Vec::new(), mark.line()),
                    _ => Frame::Map(Vec::new(), None, mark.line()),
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, line)) => Node::Seq(items, line),
                _ => return Err(err(mark, "unbalanced sequence end")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, None, line)) => Node::Map(entries, line),
                _ => return Err(err(mark, "unbalanced mapping end")),
            },
            Event::Scalar(text, style, _, _) => Node::Scalar(Scalar {
                text,
                plain: style == TScalarStyle::Plain,
                line: mark.line(),
            }),
            Event::Nothing | Event::StreamStart | Event::DocumentStart => continue,
        };
        // Attach the finished node to its parent, or return it.
        match stack.last_mut() {
            None => return Ok(node),
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, pending, _)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => match node {
                    Node::Scalar(s) => *pending = Some(s.text),
                    other => {
                        return Err(YamlError {
                            line: other.line(),
                            column: 1,
                            message: format!(
                                "a mapping key is {}; only scalars are read",
                                other.kind()
                            ),
                        })
                    }
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(n: &Node) -> (&str, bool) {
        match n {
            Node::Scalar(s) => (s.text.as_str(), s.plain),
            _ => panic!("not a scalar: {n:?}"),
        }
    }

    #[test]
    fn keeps_exact_scalar_text_and_style() {
        let doc = parse("a: 8.10\nb: \"9\"\nc: 2023-10-10\nd: true\ne:\n  - x: 1\n").unwrap();
        assert_eq!(scalar(doc.get("a").unwrap()), ("8.10", true));
        assert_eq!(scalar(doc.get("b").unwrap()), ("9", false));
        assert_eq!(scalar(doc.get("c").unwrap()), ("2023-10-10", true));
        assert_eq!(scalar(doc.get("d").unwrap()), ("true", true));
        let Node::Seq(items, line) = doc.get("e").unwrap() else {
            panic!()
        };
        assert_eq!(*line, 6);
        assert_eq!(items[0].get("x").unwrap().line(), 6);
        assert!(parse("a:\n").unwrap().get("a").unwrap().is_null());
    }

    #[test]
    fn refuses_aliases_depth_and_broken_yaml() {
        assert!(parse("a: &x [1]\nb: *x\n")
            .unwrap_err()
            .message
            .contains("aliases"));
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).is_err());
        let e = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.line >= 1, "{e:?}");
        assert!(parse("key: \"unterminated\n").is_err());
    }
}
