//! Splitting a Markdown file into front matter and body, and deserializing the front matter
//! with every error located in the file (not in the front matter).
//!
//! YAML front matter sits between `---` lines, TOML between `+++` lines.

use std::ops::Range;

use serde::de::DeserializeOwned;
use serde_saphyr::MessageFormatter;

use super::raw::{Position, Spanned};

use crate::config::unknown_field_name;
use crate::diagnostics::{Diagnostic, SourceFile, suggestion};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// A file cut in two. Ranges are byte ranges of the file's text.
#[derive(Debug, Clone)]
pub struct Split {
    pub format: Format,
    /// From the start of the file to the start of the closing fence: the opening fence is kept
    /// so YAML positions count from the file's first line.
    pub front: Range<usize>,
    /// Front matter text only (after the opening fence).
    pub front_inner: Range<usize>,
    pub body: Range<usize>,
}

/// Find the front matter fences. A file without front matter is an error: a brief needs at
/// least a title and a date.
pub fn split(file: &SourceFile) -> Result<Split, Diagnostic> {
    let text: &str = &file.text;
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_no_bom.len();
    let (format, fence) = if text_no_bom.starts_with("---") {
        (Format::Yaml, "---")
    } else if text_no_bom.starts_with("+++") {
        (Format::Toml, "+++")
    } else {
        return Err(Diagnostic::at(file, 0..0, "missing front matter")
            .with_label("expected `---` on the first line")
            .with_help("start the file with a `---` line, then `title:` and `date:`, then another `---` line"));
    };
    let first_line_end = text[bom..].find('\n').map_or(text.len(), |i| bom + i + 1);
    if text[bom..first_line_end].trim_end() != fence {
        return Err(Diagnostic::at(
            file,
            bom..first_line_end,
            "the opening front matter fence must be alone on its line",
        )
        .with_help(format!("put `{fence}` on a line of its own")));
    }
    let mut line_start = first_line_end;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
        if text[line_start..line_end].trim_end() == fence {
            return Ok(Split {
                format,
                front: 0..line_start,
                front_inner: first_line_end..line_start,
                body: line_end..text.len(),
            });
        }
        line_start = line_end;
    }
    Err(
        Diagnostic::at(file, bom..first_line_end, "front matter is never closed")
            .with_label("opened here")
            .with_help(format!(
                "add a `{fence}` line after the last front matter field"
            )),
    )
}

/// Deserialize the front matter into `T`. `fields` are the known field names, for the
/// "did you mean" of an unknown field.
pub fn parse<T: DeserializeOwned>(
    file: &SourceFile,
    split: &Split,
    fields: &[&str],
) -> Result<T, Diagnostic> {
    match split.format {
        Format::Yaml => parse_yaml(file, split, fields),
        Format::Toml => parse_toml(file, split, fields),
    }
}

fn parse_yaml<T: DeserializeOwned>(
    file: &SourceFile,
    split: &Split,
    fields: &[&str],
) -> Result<T, Diagnostic> {
    let front = &file.text[split.front.clone()];
    if file.text[split.front_inner.clone()].trim().is_empty() {
        return Err(Diagnostic::at(file, 0..split.front.end, "the front matter is empty").with_help(
            "add the fields between the `---` lines: `title:` and `date:` for a brief, `name:` for a party or topic",
        ));
    }
    let allowance = expansion_allowance(front.len());
    let options = serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! { max_nodes: allowance },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: allowance,
            max_replay_stack_depth: 16,
        },
    };
    serde_saphyr::from_str_with_options(front, options).map_err(|e| {
        let mut message = serde_saphyr::DefaultMessageFormatter
            .format_message(&e)
            .to_string();
        if is_expansion_limit(&e) {
            message = format!(
                "the front matter grows too large through anchors and aliases (`&a`, `*a`): at most {allowance} values for a file of this size"
            );
        }
        let range = e
            .location()
            .map(|loc| location_range(file, Position::of(&loc), split.front.end))
            .unwrap_or(split.front_inner.start..split.front_inner.start);
        schema_error(file, range, message, fields, Format::Yaml)
    })
}

/// Whether the parse stopped at the limits [`expansion_allowance`] sets.
fn is_expansion_limit(e: &serde_saphyr::Error) -> bool {
    let mut e = e;
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = e
    {
        e = error;
    }
    matches!(
        e,
        serde_saphyr::Error::Budget { .. }
            | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
            | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. }
            | serde_saphyr::Error::AliasReplayCounterOverflow { .. }
    )
}

/// How many values (nodes, and events replayed from aliases) a YAML front matter of `bytes`
/// may make. Written out, a value takes a few bytes, so real front matter stays far below;
/// an alias "bomb" (a 400-byte file whose aliases nest to a million values, thirty of which
/// took 683 MB) stops at once. Proportional to the text, the site's total is bounded by the
/// size of the site however many files it has.
fn expansion_allowance(bytes: usize) -> usize {
    2_000 + 8 * bytes
}

fn parse_toml<T: DeserializeOwned>(
    file: &SourceFile,
    split: &Split,
    fields: &[&str],
) -> Result<T, Diagnostic> {
    let inner = &file.text[split.front_inner.clone()];
    let offset = split.front_inner.start;
    let mut table: toml::Table = toml::from_str(inner).map_err(|e| {
        let range = e
            .span()
            .map_or(offset..offset, |r| r.start + offset..r.end + offset);
        Diagnostic::at(
            file,
            range,
            format!("invalid TOML front matter: {}", e.message().trim()),
        )
    })?;
    // TOML has a date type; the model reads dates as text, as in YAML.
    for (_, value) in table.iter_mut() {
        dates_to_strings(value);
    }
    T::deserialize(toml::Value::Table(table)).map_err(|e| {
        let message = e.message().trim().to_string();
        // Values of a parsed table carry no positions; point at the field the error names.
        let range = unknown_field_name(&message)
            .or_else(|| missing_field_name(&message))
            .and_then(|name| find_key(file, split.front_inner.clone(), name))
            .unwrap_or(offset..offset);
        schema_error(file, range, message, fields, Format::Toml)
    })
}

fn dates_to_strings(value: &mut toml::Value) {
    match value {
        toml::Value::Datetime(d) => *value = toml::Value::String(d.to_string()),
        toml::Value::Array(items) => items.iter_mut().for_each(dates_to_strings),
        toml::Value::Table(t) => t.iter_mut().for_each(|(_, v)| dates_to_strings(v)),
        _ => {}
    }
}

fn schema_error(
    file: &SourceFile,
    range: Range<usize>,
    message: String,
    fields: &[&str],
    format: Format,
) -> Diagnostic {
    let message = message.trim_end_matches('.').to_string();
    let help = if let Some(name) = unknown_field_name(&message) {
        // The fields of the mapping the error is in (a person, a source...), from the message.
        let expected = expected_names(&message);
        let candidates: Vec<&str> = if expected.is_empty() {
            fields.to_vec()
        } else {
            expected
        };
        let candidates = candidates.into_iter().filter(|c| *c != name);
        let hint = suggestion(name, candidates, "field").replace(" ids:", ":");
        Some(format!("{hint} (put custom fields under `extra:`)"))
    } else if let Some(name) = missing_field_name(&message) {
        Some(match format {
            Format::Yaml => format!("add `{name}:`"),
            Format::Toml => format!("add `{name} = ...`"),
        })
    } else if message.contains("unknown variant") {
        variant_help(&message)
    } else {
        None
    };
    let message = match message.split_once(", expected") {
        Some((head, _)) if unknown_field_name(&message).is_some() => head.to_string(),
        _ => message,
    };
    Diagnostic::at(file, range, format!("invalid front matter: {message}")).with_help_opt(help)
}

/// serde's "unknown variant `stat`, expected one of `state`, `organization`" gives a suggestion.
fn variant_help(message: &str) -> Option<String> {
    let given = message
        .split("unknown variant `")
        .nth(1)?
        .split('`')
        .next()?;
    let expected = message.split("expected").nth(1)?;
    let options: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    Some(suggestion(given, options.iter().copied(), "value").replace(" ids", " values"))
}

/// The names after "expected one of" in serde's message, with or without backticks.
fn expected_names(message: &str) -> Vec<&str> {
    let Some(list) = message.split_once("expected").map(|(_, l)| l) else {
        return Vec::new();
    };
    let list = list
        .trim_start()
        .trim_start_matches("one of")
        .split(" at line")
        .next()
        .unwrap_or("");
    list.split([',', ' '])
        .map(|s| s.trim().trim_matches('`'))
        .filter(|s| !s.is_empty() && *s != "or")
        .collect()
}

fn missing_field_name(message: &str) -> Option<&str> {
    message.split("missing field `").nth(1)?.split('`').next()
}

/// The range of a top-level `key` in TOML front matter (`key =` at the start of a line).
fn find_key(file: &SourceFile, within: Range<usize>, key: &str) -> Option<Range<usize>> {
    let text = &file.text[within.clone()];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = within.start + offset + (line.len() - trimmed.len());
            return Some(start..start + key.len());
        }
        offset += line.len();
    }
    None
}

/// Byte range in the file of a serde-saphyr location (which counts from the file's start,
/// because the text given to it starts at the opening fence).
fn location_range(file: &SourceFile, at: Position, limit: usize) -> Range<usize> {
    let start = at
        .byte_offset()
        .unwrap_or_else(|| file.offset_of(at.line as usize, at.column as usize))
        .min(limit);
    start..(start + at.byte_len()).min(file.text.len())
}

/// Where a spanned value is in the file. TOML values carry no position, so it falls back to
/// the first whole-word occurrence of the value's text in the front matter.
pub fn span_of(file: &SourceFile, split: &Split, value: &Spanned<String>) -> Range<usize> {
    if value.at.line > 0 {
        return location_range(file, value.at, file.text.len());
    }
    find_word(file, split.front_inner.clone(), &value.value)
        .unwrap_or(split.front_inner.start..split.front_inner.start)
}

fn find_word(file: &SourceFile, within: Range<usize>, word: &str) -> Option<Range<usize>> {
    if word.is_empty() {
        return None;
    }
    let text = &file.text[within.clone()];
    // In TOML an id is a quoted string; prefer that over the same word in a title.
    if let Some(i) = text.find(&format!("\"{word}\"")) {
        let start = within.start + i + 1;
        return Some(start..start + word.len());
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).find_map(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        let whole = !before.is_some_and(is_word) && !after.is_some_and(is_word);
        whole.then(|| within.start + i..within.start + i + word.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Fm {
        #[allow(dead_code)]
        title: String,
        #[serde(default)]
        parties: Vec<Spanned<String>>,
        date: Option<String>,
    }

    const FIELDS: &[&str] = &["title", "parties", "date"];

    fn file(text: &str) -> SourceFile {
        SourceFile::new("content/briefs/t.md", text)
    }

    #[test]
    fn yaml_positions_count_from_the_file_start() {
        let f = file("---\ntitle: T\nparties:\n  - us\n  - jp\n---\nBody\n");
        let s = split(&f).unwrap();
        assert_eq!(&f.text[s.body.clone()], "Body\n");
        let fm: Fm = parse(&f, &s, FIELDS).unwrap();
        let r = span_of(&f, &s, &fm.parties[1]);
        assert_eq!(&f.text[r.clone()], "jp");
        assert_eq!(f.line_col(r.start), (5, 5));
    }

    #[test]
    fn unknown_field_suggests_the_nearest() {
        let f = file("---\ntitle: T\ntitel: U\n---\n");
        let s = split(&f).unwrap();
        let err = parse::<Fm>(&f, &s, FIELDS).unwrap_err();
        assert_eq!(err.position().unwrap(), "content/briefs/t.md:3:1");
        assert!(
            err.message.contains("unknown field `titel`"),
            "{}",
            err.message
        );
        assert!(
            err.help
                .as_deref()
                .unwrap()
                .contains("did you mean `title`?")
        );
    }

    #[test]
    fn yaml_syntax_error_is_located() {
        let f = file("---\ntitle: \"open\nparties: [a\n---\n");
        let s = split(&f).unwrap();
        let err = parse::<Fm>(&f, &s, FIELDS).unwrap_err();
        assert!(
            err.position()
                .unwrap()
                .starts_with("content/briefs/t.md:2:"),
            "{err}"
        );
    }

    #[test]
    fn toml_front_matter_with_dates() {
        let f =
            file("+++\ntitle = \"T\"\ndate = 2025-07-11\nparties = [\"us\", \"jp\"]\n+++\nBody");
        let s = split(&f).unwrap();
        assert_eq!(s.format, Format::Toml);
        let fm: Fm = parse(&f, &s, FIELDS).unwrap();
        assert_eq!(fm.date.as_deref(), Some("2025-07-11"));
        let r = span_of(&f, &s, &fm.parties[1]);
        assert_eq!(&f.text[r], "jp");
    }

    #[test]
    fn toml_unknown_field_points_at_its_key() {
        let f = file("+++\ntitle = \"T\"\nsumary = \"x\"\n+++\n");
        let s = split(&f).unwrap();
        let err = parse::<Fm>(&f, &s, FIELDS).unwrap_err();
        assert_eq!(err.position().unwrap(), "content/briefs/t.md:3:1");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        let err = split(&file("# Just a heading\n")).unwrap_err();
        assert_eq!(err.message, "missing front matter");
        let err = split(&file("---\ntitle: T\n")).unwrap_err();
        assert_eq!(err.message, "front matter is never closed");
    }
}
