//! Markdown to HTML: CommonMark plus tables, footnotes, strikethrough, task lists and smart
//! punctuation; heading ids with anchor links; a table of contents; and `[[ref]]` links to
//! parties, topics and commitments, each checked by the caller's [`LinkResolver`].

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

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

/// A `[[...]]` reference that did not resolve, at a byte range of the rendered text.
pub struct BadReference {
    pub range: Range<usize>,
    pub error: LinkError,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Render `source`. Bad references are returned with their ranges in `source`; the rest of
/// the document still renders so every problem is reported at once.
pub fn render(source: &str, resolver: &dyn LinkResolver) -> Result<Rendered, Vec<BadReference>> {
    let events = merge_text(
        Parser::new_ext(source, options())
            .into_offset_iter()
            .collect(),
    );
    let shift = heading_shift(&events);
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut bad = Vec::new();
    let mut headings = Headings::default();
    let mut words = 0;
    let mut in_code = false;
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let inner = &events[i + 1..end];
                let title = plain_text(inner);
                words += title.split_whitespace().count();
                let level = shifted(*level, shift);
                let id = headings.add(level, id.as_deref(), &title);
                out.push(Event::Html(
                    format!("<h{level} id=\"{}\">", escape_attr(&id)).into(),
                ));
                for (e, r) in inner {
                    push_with_refs(e, r, source, resolver, &mut out, &mut bad);
                }
                out.push(Event::Html(
                    format!(
                        "<a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"Link to the section “{}”\">#</a></h{level}>\n",
                        escape_attr(&title),
                        id = escape_attr(&id),
                    )
                    .into(),
                ));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code => words += t.split_whitespace().count(),
            _ => {}
        }
        if in_code {
            out.push(event.clone());
        } else {
            push_with_refs(event, range, source, resolver, &mut out, &mut bad);
        }
        i += 1;
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Ok(Rendered {
        html,
        toc: headings.into_toc(),
        words,
    })
}

/// pulldown-cmark splits text at `[` and `]`; joining neighbours makes `[[id]]` one event.
fn merge_text(events: Vec<(Event<'_>, Range<usize>)>) -> Vec<(Event<'_>, Range<usize>)> {
    let mut merged: Vec<(Event, Range<usize>)> = Vec::with_capacity(events.len());
    for (event, range) in events {
        if let (Event::Text(next), Some((Event::Text(prev), prev_range))) =
            (&event, merged.last_mut())
        {
            let joined = format!("{prev}{next}");
            *prev = CowStr::from(joined);
            prev_range.end = range.end;
            continue;
        }
        merged.push((event, range));
    }
    merged
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

/// Push `event`, replacing every `[[target]]` in text with a link.
fn push_with_refs<'a>(
    event: &Event<'a>,
    range: &Range<usize>,
    source: &str,
    resolver: &dyn LinkResolver,
    out: &mut Vec<Event<'a>>,
    bad: &mut Vec<BadReference>,
) {
    let Event::Text(text) = event else {
        out.push(event.clone());
        return;
    };
    if !text.contains("[[") {
        out.push(event.clone());
        return;
    }
    let mut rest: &str = text;
    let mut search_from = range.start;
    while let Some(open) = rest.find("[[") {
        let Some(close) = rest[open..].find("]]").map(|c| open + c) else {
            break;
        };
        let inner = &rest[open + 2..close];
        out.push(Event::Text(rest[..open].to_string().into()));
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t.trim(), Some(l.trim())),
            None => (inner.trim(), None),
        };
        let written = &rest[open..close + 2];
        let at = source
            .get(search_from..range.end)
            .and_then(|s| s.find(written))
            .map_or(range.start, |p| search_from + p);
        search_from = at + written.len();
        match resolver.resolve(target) {
            Ok(link) => out.push(Event::InlineHtml(
                format!(
                    "<a class=\"ref {}\" href=\"{}\">{}</a>",
                    link.class,
                    escape_attr(&link.href),
                    escape_text(label.unwrap_or(&link.label))
                )
                .into(),
            )),
            Err(error) => {
                bad.push(BadReference {
                    range: at..at + written.len(),
                    error,
                });
                out.push(Event::Text(written.to_string().into()));
            }
        }
        rest = &rest[close + 2..];
    }
    out.push(Event::Text(rest.to_string().into()));
}

fn plain_text(events: &[(Event, Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s.trim().to_string()
}

/// Heading ids, unique within a document, and the table of contents.
#[derive(Default)]
struct Headings {
    used: HashSet<String>,
    flat: Vec<(u8, String, String)>,
}

impl Headings {
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
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
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

pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

pub fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Parties;
    impl LinkResolver for Parties {
        fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
            match target {
                "jp" => Ok(ResolvedLink {
                    href: "/b/parties/jp/".into(),
                    label: "Japan".into(),
                    class: "ref-party",
                }),
                other => Err(LinkError {
                    message: format!("unknown party `{other}`"),
                    help: None,
                }),
            }
        }
    }

    #[test]
    fn references_become_links() {
        let r = render("Met with [[jp]] and [[jp|Tokyo]].", &Parties)
            .ok()
            .unwrap();
        assert!(
            r.html
                .contains(r#"<a class="ref ref-party" href="/b/parties/jp/">Japan</a>"#),
            "{}",
            r.html
        );
        assert!(r.html.contains(">Tokyo</a>"), "{}", r.html);
    }

    #[test]
    fn bad_reference_reports_its_range() {
        let src = "Para one.\n\nMet [[jpn]] today.";
        let Err(bad) = render(src, &Parties) else {
            panic!("expected an error")
        };
        assert_eq!(bad.len(), 1);
        assert_eq!(&src[bad[0].range.clone()], "[[jpn]]");
    }

    #[test]
    fn references_in_code_are_left_alone() {
        let r = render("`[[nope]]`\n\n```\n[[nope]]\n```\n", &Parties)
            .ok()
            .unwrap();
        assert!(r.html.contains("[[nope]]"));
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_a_nested_toc() {
        let r = render(
            "# Outcome\n\n## Defence\n\n## Defence\n\n# Next {#next-steps}\n",
            &Parties,
        )
        .ok()
        .unwrap();
        assert!(r.html.contains("<h2 id=\"outcome\">"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"defence-1\">"), "{}", r.html);
        assert!(r.html.contains("href=\"#next-steps\""), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
        assert_eq!(r.toc[1].id, "next-steps");
    }

    #[test]
    fn extensions_are_on() {
        let src = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: A footnote.\n";
        let r = render(src, &Parties).ok().unwrap();
        for needle in [
            "<table>",
            "<del>old</del>",
            "“quoted”",
            "type=\"checkbox\"",
            "footnote-definition",
        ] {
            assert!(r.html.contains(needle), "{needle} missing in {}", r.html);
        }
    }
}
