//! Errors a user can fix, with the place they happened.
//!
//! Every stage of the pipeline reports problems as [`Diagnostic`]s and collects them in
//! [`Diagnostics`], so one build reports every problem at once. A diagnostic keeps the byte
//! range in its source file; line and column are computed from it (counting from the start of
//! the file, not of the front matter) only when it is displayed.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

/// A source file as read from disk: its display path (relative to the site root) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators (`content/briefs/kl.md`).
    pub path: String,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = self.text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// Byte offset of a 1-based line and column (in characters); clamps to the file.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let mut start = 0;
        for _ in 1..line {
            match self.text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return self.text.len(),
            }
        }
        let rest = &self.text[start..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let within = rest[..line_end]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_end, |(i, _)| i);
        start + within
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where a diagnostic points: a span in a file, or a whole file, or nowhere in particular.
#[derive(Debug, Clone)]
pub enum Location {
    Span {
        file: SourceFile,
        range: Range<usize>,
    },
    File(PathBuf),
    None,
}

/// One problem: what is wrong, where, and how to fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub location: Location,
    pub message: String,
    /// Short text shown under the offending code.
    pub label: String,
    /// How to fix it ("did you mean `jp`?").
    pub help: Option<String>,
    /// Other places involved, e.g. the first definition of a duplicate.
    pub related: Vec<(SourceFile, Range<usize>, String)>,
    /// What else this problem explains (errors it keeps from being reported, ...).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A problem at a byte range of a source file.
    pub fn at(file: &SourceFile, range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            location: Location::Span {
                file: file.clone(),
                range,
            },
            message: message.into(),
            label: String::new(),
            help: None,
            related: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A problem with a file as a whole (cannot be read, ...).
    pub fn in_file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            location: Location::File(path.into()),
            message: message.into(),
            label: String::new(),
            help: None,
            related: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A problem that belongs to no file (a bad command-line option, ...).
    pub fn general(message: impl Into<String>) -> Self {
        Diagnostic {
            location: Location::None,
            message: message.into(),
            label: String::new(),
            help: None,
            related: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_related(
        mut self,
        file: &SourceFile,
        range: Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        self.related.push((file.clone(), range, label.into()));
        self
    }

    /// `path:line:column` of the primary location, when there is one.
    pub fn position(&self) -> Option<String> {
        match &self.location {
            Location::Span { file, range } => {
                let (line, col) = file.line_col(range.start);
                Some(format!("{}:{line}:{col}", file.path))
            }
            Location::File(path) => Some(path.display().to_string()),
            Location::None => None,
        }
    }

    /// The diagnostic as text: a header with `file:line:column`, the offending line with the
    /// span underlined, related places, and the help.
    pub fn render(&self) -> String {
        let mut out = match &self.location {
            Location::Span { file, range } => self.render_snippet(file, range.clone()),
            Location::File(path) => format!("error: {}\n  --> {}\n", self.message, path.display()),
            Location::None => format!("error: {}\n", self.message),
        };
        if !matches!(self.location, Location::Span { .. })
            && let Some(help) = &self.help
        {
            out.push_str(&format!("  = help: {help}\n"));
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        out
    }

    fn render_snippet(&self, file: &SourceFile, range: Range<usize>) -> String {
        let (line, col) = file.line_col(range.start);
        let header = format!(
            "error: {}\n  --> {}:{line}:{col}\n",
            self.message, file.path
        );
        let mut snippet = render_span(file, range, &self.label, self.help.as_deref());
        for (other, other_range, label) in &self.related {
            let (l, c) = other.line_col(other_range.start);
            snippet.push_str(&format!("  note: {label}\n  --> {}:{l}:{c}\n", other.path));
            snippet.push_str(&render_span(other, other_range.clone(), "", None));
        }
        header + &snippet
    }
}

/// The source line(s) of a span with the span underlined, via codespan-reporting.
fn render_span(file: &SourceFile, range: Range<usize>, label: &str, help: Option<&str>) -> String {
    let files = SimpleFile::new(file.path.as_str(), file.text.as_ref());
    let end = range.end.max(range.start).min(file.text.len());
    let start = range.start.min(end);
    let mut report =
        Report::error().with_labels(vec![Label::primary((), start..end).with_message(label)]);
    if let Some(help) = help {
        report = report.with_notes(vec![format!("help: {help}")]);
    }
    let config = Config {
        display_style: term::DisplayStyle::Rich,
        ..Config::default()
    };
    let text = term::emit_into_string(&config, &files, &report).unwrap_or_default();
    // codespan prints its own "error" header and file line; keep only the snippet body.
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with('│') && !l.contains('│'))
        .filter(|l| !l.trim_start().starts_with('┌'))
        .map(|l| format!("{l}\n"))
        .collect()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Every problem found by a stage. A stage that returns `Err(Diagnostics)` found at least one.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One line per problem, `error: file:line:column: message`, for places with no room for
    /// snippets (the browser overlay of `serve`).
    pub fn summary(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|d| {
                let first = d.message.lines().next().unwrap_or("");
                match d.position() {
                    Some(at) => format!("error: {at}: {first}"),
                    None => format!("error: {first}"),
                }
            })
            .collect()
    }

    /// Order by file and position, so problems read top to bottom (stable for the rest).
    pub fn sort(&mut self) {
        self.0.sort_by_key(|d| match &d.location {
            Location::Span { file, range } => (0, file.path.clone(), range.start),
            Location::File(path) => (0, path.display().to_string(), 0),
            Location::None => (1, String::new(), 0),
        });
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was reported, otherwise every diagnostic.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        for (i, d) in self.0.iter().enumerate() {
            if n > 1 {
                write!(f, "[{}/{n}] ", i + 1)?;
            }
            writeln!(f, "{}", d.render())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The known name closest to `unknown`, if any is close enough to be a likely typo. Only the
/// first [`COMPARED_CHARS`] characters of each are compared: the measure is quadratic in
/// length, and 100 typos in 1,000-character ids took a minute.
pub fn did_you_mean<'a, I>(unknown: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let unknown_lower = head(unknown, COMPARED_CHARS).to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let known = head(c, COMPARED_CHARS).to_lowercase();
            (strsim::jaro_winkler(&unknown_lower, &known), c)
        })
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Enough of a name to tell typos apart.
const COMPARED_CHARS: usize = 64;

/// The first `n` characters of `s`.
fn head(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// "did you mean `x`?" help text for a typo, or the list of known names when nothing is close.
pub fn suggestion<'a, I>(unknown: &str, candidates: I, what: &str) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    match did_you_mean(unknown, candidates.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let mut known: Vec<&str> = candidates.into_iter().collect();
            known.sort_unstable();
            if known.is_empty() {
                format!("no {what} is defined yet")
            } else if known.len() <= 12 {
                format!("known {what} ids: {}", known.join(", "))
            } else {
                format!("{} {what} ids are known; check the spelling", known.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_file_start_in_characters() {
        let f = SourceFile::new("a.md", "---\ntitle: 岩屋\nparties: [jpn]\n");
        let off = f.text.find("jpn").unwrap();
        assert_eq!(f.line_col(off), (3, 11));
        assert_eq!(f.offset_of(3, 11), off);
        let off = f.text.find('屋').unwrap();
        assert_eq!(f.line_col(off), (2, 9));
    }

    #[test]
    fn suggests_nearest_id() {
        assert_eq!(did_you_mean("jpn", ["jp", "kr", "us"]), Some("jp"));
        assert_eq!(did_you_mean("zzzz", ["jp", "kr", "us"]), None);
        assert_eq!(
            suggestion("titel", ["title", "date"], "field"),
            "did you mean `title`?"
        );
    }

    #[test]
    fn render_names_file_line_and_column_and_shows_the_line() {
        let f = SourceFile::new(
            "content/briefs/x.md",
            "---\ntitle: X\nparties: [jpn]\n---\n",
        );
        let start = f.text.find("jpn").unwrap();
        let d = Diagnostic::at(&f, start..start + 3, "unknown party `jpn`")
            .with_label("not in content/parties/")
            .with_help("did you mean `jp`?");
        let text = d.render();
        assert!(text.contains("content/briefs/x.md:3:11"), "{text}");
        assert!(text.contains("parties: [jpn]"), "{text}");
        assert!(text.contains("did you mean `jp`?"), "{text}");
    }
}
