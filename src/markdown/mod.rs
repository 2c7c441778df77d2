//! Markdown to HTML: CommonMark plus tables, footnotes, strikethrough, task lists and smart
//! punctuation; heading ids with anchor links; a table of contents; and `[[ref]]` links to
//! parties, topics and commitments, each checked by the caller's [`LinkResolver`].

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

mod refs;

use refs::{Mode, heading_text, merge_text};

/// Turns the target of a `[[...]]` reference into a link, or says why it cannot.
pub trait LinkResolver {
    fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError>;
}

pub struct ResolvedLink {
    pub href: String,
    pub label: String,
    /// A CSS class for the kind of thing linked (`ref-party`).
    pub class: &'static str,
}

pub struct LinkError {
    pub message: String,
    pub help: Option<String>,
}

/// A heading in the table of contents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The result of rendering one Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Words in the body, for reading time.
    pub words: usize,
}

/// A `[[...]]` reference that did not resolve, or a link that is refused, at a byte range of
/// the rendered text.
pub struct BadReference {
    pub range: Range<usize>,
    pub error: LinkError,
}

/// The Markdown extensions Accord turns on (the floor benchmark uses them too).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// How bodies are read, from `[markdown]` in `accord.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flavor {
    /// Raw HTML in Markdown is published as written (authors are trusted); when off, it is
    /// shown as text.
    pub raw_html: bool,
}

impl Default for Flavor {
    fn default() -> Self {
        Flavor { raw_html: true }
    }
}

/// The parser's events for `source`, text runs joined (see [`refs::merge_text`]), raw HTML
/// made text unless the flavor allows it, and footnote labels given a prefix (`fn-`) so that
/// `[^main]` cannot take an id the page uses.
fn parse(source: &str, flavor: Flavor) -> Vec<(Event<'_>, Range<usize>)> {
    let events =
        Parser::new_ext(source, options())
            .into_offset_iter()
            .map(move |(event, range)| {
                let event = match event {
                    Event::Html(html) | Event::InlineHtml(html) if !flavor.raw_html => {
                        Event::Text(html)
                    }
                    Event::FootnoteReference(label) => {
                        Event::FootnoteReference(format!("fn-{label}").into())
                    }
                    Event::Start(Tag::FootnoteDefinition(label)) => {
                        Event::Start(Tag::FootnoteDefinition(format!("fn-{label}").into()))
                    }
                    other => other,
                };
                (event, range)
            });
    merge_text(events, source)
}

/// Render `source`. Bad references and refused links are returned with their ranges in
/// `source`; the rest of the document still renders so every problem is reported at once.
pub fn render(
    source: &str,
    resolver: &dyn LinkResolver,
    flavor: Flavor,
) -> Result<Rendered, Vec<BadReference>> {
    let (mut events, mut bad) = refs::replace(parse(source, flavor), source, resolver, Mode::Links);
    bad.extend(refused_links(&events));
    if !bad.is_empty() {
        bad.sort_by_key(|b| b.range.start);
        return Err(bad);
    }
    let shift = heading_shift(&events);
    let mut headings = Headings::new(&events);
    let mut out = Vec::with_capacity(events.len());
    let mut words = 0;
    let mut in_word = false;
    let mut in_code = false;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let title = heading_text(&events[i + 1..end]);
                words += title.split_whitespace().count();
                let level = shifted(*level, shift);
                let id = headings.add(level, id.as_deref(), &title);
                out.push(Event::Html(
                    format!("<h{level} id=\"{}\">", crate::html::escape(&id)).into(),
                ));
                out.extend(events[i + 1..end].iter_mut().map(|(e, _)| take(e)));
                out.push(Event::Html(
                    format!(
                        "<a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"Link to the section “{}”\">#</a></h{level}>\n",
                        crate::html::escape(&title),
                        id = crate::html::escape(&id),
                    )
                    .into(),
                ));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code => words += count_words(t, &mut in_word),
            _ => in_word = false,
        }
        out.push(take(&mut events[i].0));
        i += 1;
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Ok(Rendered {
        html,
        toc: headings.into_toc(),
        words,
    })
}

/// Links and images whose target would run script or embed a document (see
/// [`crate::urls::is_script_link`]): an error whatever the flavor.
fn refused_links(events: &[(Event, Range<usize>)]) -> Vec<BadReference> {
    events
        .iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if crate::urls::is_script_link(dest_url) =>
            {
                Some(BadReference {
                    range: range.clone(),
                    error: LinkError {
                        message: format!(
                            "a link to `{}`: links may not run script or embed data",
                            dest_url.escape_debug()
                        ),
                        help: Some(
                            "link to a web address (https://…), a page of the site, or a file in static/"
                                .into(),
                        ),
                    },
                })
            }
            _ => None,
        })
        .collect()
}

/// The text of `source` as a reader sees it, for the search index: references as their
/// labels, a line break after each block, no markup. Cheaper than rendering and stripping
/// the HTML, which doubled the time to make the search records.
pub fn plain_text(
    source: &str,
    resolver: &dyn LinkResolver,
    flavor: Flavor,
) -> Result<String, Vec<BadReference>> {
    let (events, bad) = refs::replace(parse(source, flavor), source, resolver, Mode::Labels);
    if !bad.is_empty() {
        return Err(bad);
    }
    let mut text = String::with_capacity(source.len());
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::TableCell) if !text.ends_with([' ', '\n']) => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::CodeBlock,
            ) => text.push('\n'),
            _ => {}
        }
    }
    Ok(text)
}

/// An event moved out of the list, which the walk visits once (copying every text was a
/// third of the rendering time).
fn take<'a>(event: &mut Event<'a>) -> Event<'a> {
    std::mem::replace(event, Event::SoftBreak)
}

/// The words `text` starts, where a text event may continue the word of the one before
/// (`in_word`): smart punctuation splits "don't" into three events.
fn count_words(text: &str, in_word: &mut bool) -> usize {
    if !text.is_ascii() {
        let mut count = 0;
        for c in text.chars() {
            count += usize::from(!c.is_whitespace() && !*in_word);
            *in_word = !c.is_whitespace();
        }
        return count;
    }
    // The same whitespace as `char::is_whitespace`, byte by byte; a word starts at each
    // non-space after a space, in a form the compiler vectorizes.
    let space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let bytes = text.as_bytes();
    let Some((&first, &last)) = bytes.first().zip(bytes.last()) else {
        return 0;
    };
    let starts: usize = bytes
        .iter()
        .zip(&bytes[1..])
        .map(|(&a, &b)| usize::from(space(a) & !space(b)))
        .sum();
    let count = starts + usize::from(!space(first) && !*in_word);
    *in_word = !space(last);
    count
}

/// Briefs are shown under the page's `<h1>`: when a body uses `#`, every level moves down one.
fn heading_shift(events: &[(Event, Range<usize>)]) -> u8 {
    let top = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as u8),
            _ => None,
        })
        .min();
    match top {
        Some(1) => 1,
        _ => 0,
    }
}

fn shifted(level: HeadingLevel, shift: u8) -> u8 {
    (level as u8 + shift).min(6)
}

/// Ids the default theme's brief page uses itself; a heading never takes one.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "brief-title",
    "summary-heading",
    "glance-heading",
    "toc-heading",
    "commitments-heading",
    "sources-heading",
];

/// Heading ids, unique within a document, and the table of contents.
struct Headings {
    used: HashSet<String>,
    /// The next suffix to try for each base id, so many equal headings stay linear.
    next: std::collections::HashMap<String, usize>,
    flat: Vec<(u8, String, String)>,
}

impl Headings {
    /// Footnote labels are ids in the output too: headings avoid them and the theme's ids.
    fn new(events: &[(Event, Range<usize>)]) -> Self {
        let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
        for (e, _) in events {
            if let Event::Start(Tag::FootnoteDefinition(label)) = e {
                used.insert(label.to_string());
            }
        }
        Headings {
            used,
            next: std::collections::HashMap::new(),
            flat: Vec::new(),
        }
    }

    fn add(&mut self, level: u8, explicit: Option<&str>, title: &str) -> String {
        let base = match explicit {
            Some(id) => id.to_string(),
            None => {
                let s = slug::slugify(title);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            }
        };
        let mut id = base.clone();
        if self.used.contains(&id) {
            let n = self.next.entry(base.clone()).or_insert(1);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !self.used.contains(&id) {
                    break;
                }
            }
        }
        self.used.insert(id.clone());
        self.flat.push((level, id.clone(), title.to_string()));
        id
    }

    /// Nest the flat list: each heading holds the deeper ones that follow it.
    fn into_toc(self) -> Vec<TocEntry> {
        fn nest(items: &[(u8, String, String)]) -> Vec<TocEntry> {
            let mut out = Vec::new();
            let mut i = 0;
            while i < items.len() {
                let (level, id, title) = &items[i];
                let end = items[i + 1..]
                    .iter()
                    .position(|(l, _, _)| l <= level)
                    .map_or(items.len(), |p| i + 1 + p);
                out.push(TocEntry {
                    level: *level,
                    id: id.clone(),
                    title: title.clone(),
                    children: nest(&items[i + 1..end]),
                });
                i = end;
            }
            out
        }
        nest(&self.flat)
    }
}

#[cfg(test)]
mod tests;
