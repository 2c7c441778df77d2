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
                    format!("<h{level} id=\"{}\">", escape_attr(&id)).into(),
                ));
                out.extend(events[i + 1..end].iter_mut().map(|(e, _)| take(e)));
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

pub fn escape_text(s: &str) -> String {
    if !s.bytes().any(|b| matches!(b, b'&' | b'<' | b'>')) {
        return s.to_string();
    }
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
        let r = render(
            "Met with [[jp]] and [[jp|Tokyo]].",
            &Parties,
            Flavor::default(),
        )
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
    fn words_are_counted_across_the_events_smart_punctuation_makes() {
        let r = render(
            "We don't \"know\" it.\n\nNon\u{a0}breaking *and* `code` here",
            &Parties,
            Flavor::default(),
        )
        .ok()
        .unwrap();
        // We, don't, "know", it. / Non, breaking, and, here: code is not prose.
        assert_eq!(r.words, 8);
        let mut in_word = false;
        assert_eq!(count_words("  two  words ", &mut in_word), 2);
        assert!(!in_word);
        assert_eq!(count_words("a\tb\nc\rd\x0be\x0cf", &mut in_word), 6);
        assert_eq!(count_words("g", &mut in_word), 0, "continues the word f");
        assert_eq!(count_words("", &mut in_word), 0);
    }

    #[test]
    fn references_split_by_smart_punctuation_still_resolve() {
        let r = render(
            "It's \"[[jp]]\" and [[jp|Japan's]] [not a ref] ]]",
            &Parties,
            Flavor::default(),
        )
        .ok()
        .unwrap();
        assert_eq!(r.html.matches("ref-party").count(), 2, "{}", r.html);
        assert!(r.html.contains("[not a ref] ]]"), "{}", r.html);
    }

    fn errors(src: &str) -> Vec<String> {
        match render(src, &Parties, Flavor::default()) {
            Ok(r) => panic!("expected errors, got {}", r.html),
            Err(bad) => bad
                .iter()
                .map(|b| src[b.range.clone()].to_string())
                .collect(),
        }
    }

    fn html(src: &str) -> String {
        match render(src, &Parties, Flavor::default()) {
            Ok(r) => r.html,
            Err(bad) => panic!(
                "{:?}",
                bad.iter().map(|b| &b.error.message).collect::<Vec<_>>()
            ),
        }
    }

    #[test]
    fn every_double_bracket_resolves_or_is_an_error() {
        // A label with Markdown in it: the link wraps the formatted label.
        assert_eq!(
            html("Met [[jp|*Japan*]] today."),
            "<p>Met <a class=\"ref ref-party\" href=\"/b/parties/jp/\"><em>Japan</em></a> today.</p>\n"
        );
        assert_eq!(
            html("[[jp|the **new** partner]]"),
            "<p><a class=\"ref ref-party\" href=\"/b/parties/jp/\">the <strong>new</strong> partner</a></p>\n"
        );
        // Unknown targets are errors whether or not the label has markup.
        assert_eq!(
            errors("A [[nosuch|the *new* party]] b"),
            ["[[nosuch|the *new* party]]"]
        );
        assert_eq!(
            errors("[[nosuch]] and [[jpn|x]]"),
            ["[[nosuch]]", "[[jpn|x]]"]
        );
        // An unclosed `[[` is an error, in prose and in a table whose bar split it.
        assert_eq!(errors("Text [[ and more."), ["[[ and more."]);
        let table = "| a | b |\n|---|---|\n| [[jp|Japan]] | x |\n";
        assert_eq!(errors(table), ["[[jp"]);
        // With the bar escaped, a labelled reference fits in a table.
        let table = "| a | b |\n|---|---|\n| [[jp\\|Nippon]] | x |\n";
        assert!(html(table).contains(">Nippon</a></td>"), "{}", html(table));
        // In an image's alt text, a reference is its label: no markup in `alt`.
        let img = html("![[[jp]] flag](flag.png)");
        assert!(img.contains("alt=\"Japan flag\""), "{img}");
        // Markup in the id, or a `]]` inside the label's markup, is an error, not a link.
        assert_eq!(errors("[[*jp*]] x"), ["[[*jp*]]"]);
        assert_eq!(errors("[[jp|*Japan]]* x"), ["[[jp|"]);
        // A reference inside another's label is an error, whichever way it is written.
        assert_eq!(errors("[[jp|**a** [[jp|*b* c]] d").len(), 1);
        assert_eq!(errors("[[jp|*a* [[jp]] b]] e"), [" [[jp]] b]] e"]);
        // Brackets the source does not have as such (escaped, or entities) are not confused
        // with the references it does have, and never cut a character in two.
        let escaped = html("\\[\\[a]] [[jp]]");
        assert_eq!(escaped.matches("ref-party").count(), 1, "{escaped}");
        assert!(escaped.contains("[[a]]"), "{escaped}");
        assert!(html("€\\[\\[x\n]]").contains("€[[x\n]]"));
        assert!(html("€&#91;&#91;x\n]] é").contains("€[[x\n]] é"));
        assert!(html("\\[[jp]]").contains("[[jp]]"));
        assert!(render("é [[jp|&#91;&#91;x]] ]]", &Parties, Flavor::default()).is_ok());
        // In code it stays as written.
        assert!(html("`[[` and `[[x]]`").contains("<code>[[</code>"));
    }

    #[test]
    fn links_that_run_script_are_errors_in_any_flavor() {
        for src in [
            "[x](javascript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "![x](data:image/svg+xml,<svg/>)",
            "[x][r]\n\n[r]: VBScript:msgbox",
            "<javascript:alert(1)>",
        ] {
            for raw_html in [true, false] {
                assert!(
                    render(src, &Parties, Flavor { raw_html }).is_err(),
                    "{src} passed"
                );
            }
        }
        assert!(html("[x](https://x.org) [y](../kl/) [z](#a)").contains("href=\"../kl/\""));
    }

    #[test]
    fn raw_html_can_be_turned_off() {
        let src = "<div onclick=\"x()\">hi</div>\n\nand <b>bold</b>\n";
        let on = render(src, &Parties, Flavor { raw_html: true })
            .ok()
            .unwrap()
            .html;
        assert!(on.contains("<div onclick"), "{on}");
        let off = render(src, &Parties, Flavor { raw_html: false })
            .ok()
            .unwrap()
            .html;
        assert!(!off.contains("<div") && !off.contains("<b>"), "{off}");
        assert!(
            off.contains("&lt;div onclick=&quot;x()&quot;&gt;")
                || off.contains("&lt;div onclick=\"x()\"&gt;"),
            "{off}"
        );
        assert!(off.contains("&lt;b&gt;bold&lt;/b&gt;"), "{off}");
    }

    #[test]
    fn footnotes_cannot_take_the_pages_ids() {
        let out = html("Text[^main] and[^brief-title].\n\n[^main]: One.\n[^brief-title]: Two.\n");
        for id in RESERVED_IDS {
            assert!(!out.contains(&format!("id=\"{id}\"")), "{id} in {out}");
        }
        assert!(
            out.contains("id=\"fn-main\"") && out.contains("href=\"#fn-main\""),
            "{out}"
        );
    }

    #[test]
    fn plain_text_has_the_words_and_labels_without_markup() {
        let src = "## Next *steps*\n\nTalks & [[jp]] [talks](https://x.org) `code`\nmore.\n\n| a | b |\n|---|---|\n| c | d |\n\n- one\n- two";
        let text = plain_text(src, &Parties, Flavor::default()).ok().unwrap();
        assert_eq!(
            text,
            "Next steps\nTalks & Japan talks code more.\na b\nc d\none\ntwo\n"
        );
        assert!(plain_text("Met [[jpn]].", &Parties, Flavor::default()).is_err());
    }

    #[test]
    fn bad_reference_reports_its_range() {
        let src = "Para one.\n\nMet [[jpn]] today.";
        let Err(bad) = render(src, &Parties, Flavor::default()) else {
            panic!("expected an error")
        };
        assert_eq!(bad.len(), 1);
        assert_eq!(&src[bad[0].range.clone()], "[[jpn]]");
    }

    #[test]
    fn references_in_code_are_left_alone() {
        let r = render(
            "`[[nope]]`\n\n```\n[[nope]]\n```\n",
            &Parties,
            Flavor::default(),
        )
        .ok()
        .unwrap();
        assert!(r.html.contains("[[nope]]"));
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_a_nested_toc() {
        let r = render(
            "# Outcome\n\n## Defence\n\n## Defence\n\n# Next {#next-steps}\n",
            &Parties,
            Flavor::default(),
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
    fn references_survive_smart_punctuation_and_links() {
        struct Any;
        impl LinkResolver for Any {
            fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
                Ok(ResolvedLink {
                    href: format!("/t/{target}/"),
                    label: target.to_string(),
                    class: "ref-topic",
                })
            }
        }
        let r = render(
            "See [[topic:us--jp|Japan's \"view\"]].\n\n[see [[jp]]](https://x.org)\n",
            &Any,
            Flavor::default(),
        )
        .ok()
        .unwrap();
        assert!(r.html.contains(r#"href="/t/topic:us--jp/""#), "{}", r.html);
        assert!(
            r.html.contains(">Japan's &quot;view&quot;</a>")
                || r.html.contains(">Japan's \"view\"</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"<a href="https://x.org">see jp</a>"#),
            "{}",
            r.html
        );
    }

    #[test]
    fn heading_ids_avoid_the_theme_and_footnotes_and_refs_read_as_labels() {
        let r = render(
            "## Main\n\n## Quote\n\n## With [[jp]]\n\nText[^quote].\n\n[^quote]: Note.\n",
            &Parties,
            Flavor::default(),
        )
        .ok()
        .unwrap();
        assert_eq!(
            r.toc.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["main-1", "quote", "with-japan"]
        );
        assert_eq!(r.toc[2].title, "With Japan");
    }

    #[test]
    fn many_equal_headings_stay_fast_and_unique() {
        let src = "## Same\n\n".repeat(5000);
        let r = render(&src, &Parties, Flavor::default()).ok().unwrap();
        assert_eq!(r.toc.len(), 5000);
        assert_eq!(r.toc[4999].id, "same-4999");
    }

    #[test]
    fn extensions_are_on() {
        let src = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: A footnote.\n";
        let r = render(src, &Parties, Flavor::default()).ok().unwrap();
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
