//! `[[ref]]` references in Markdown: finding them in the parser's events (a reference may be
//! split across events, and its label may hold Markdown), and replacing each with a link, or
//! its label, given by the caller's [`LinkResolver`]. Every `[[` either resolves or is
//! reported: nothing is left as literal text by accident.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{BadReference, LinkError, LinkResolver};

type Events<'a> = Vec<(Event<'a>, Range<usize>)>;

/// pulldown-cmark splits text at `[` and `]`; joining neighbours makes `[[id]]` (and the `]]`
/// that closes a label with markup) one event. Only runs with a bracket are joined: smart
/// punctuation splits text at every quote, and copying all of it was a tenth of the rendering
/// time.
///
/// A bracket written escaped (`\[`) or as an entity (`&#91;`) is text, not half of a `[[`: it
/// is kept out of the runs, so it never joins one.
pub(super) fn merge_text<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    source: &str,
) -> Events<'a> {
    let mut merged: Events = Vec::new();
    // Adjacent text is gathered here until something else comes.
    let mut run: Vec<(CowStr<'a>, Range<usize>)> = Vec::new();
    for (event, range) in events {
        if let Event::Text(t) = event {
            let written_otherwise = memchr::memchr2(b'[', b']', t.as_bytes()).is_some()
                && (source.get(range.clone()) != Some(&*t) || escaped(source, range.start));
            if written_otherwise {
                push_text_run(&mut run, &mut merged);
                merged.push((Event::Text(t), range));
            } else {
                run.push((t, range));
            }
            continue;
        }
        push_text_run(&mut run, &mut merged);
        merged.push((event, range));
    }
    push_text_run(&mut run, &mut merged);
    merged
}

/// Whether the character at `at` is escaped: an odd number of backslashes before it (the
/// parser leaves the backslash out of the text's range).
fn escaped(source: &str, at: usize) -> bool {
    let before = source.as_bytes().get(..at).unwrap_or_default();
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

fn push_text_run<'a>(run: &mut Vec<(CowStr<'a>, Range<usize>)>, merged: &mut Events<'a>) {
    let has_bracket = run
        .iter()
        .any(|(t, _)| memchr::memchr2(b'[', b']', t.as_bytes()).is_some());
    if run.len() < 2 || !has_bracket {
        merged.extend(run.drain(..).map(|(t, r)| (Event::Text(t), r)));
        return;
    }
    let start = run[0].1.start;
    let end = run[run.len() - 1].1.end;
    let joined: String = run.drain(..).map(|(t, _)| t).collect::<Vec<_>>().concat();
    merged.push((Event::Text(joined.into()), start..end));
}

/// What a resolved reference becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// A link around its label (the page's HTML).
    Links,
    /// Its label alone (the search index's plain text).
    Labels,
}

/// Replace every `[[...]]` in `events` (parsed from `source`). References inside code are
/// left alone; inside a link or an image's alt text a reference is its label only.
pub(super) fn replace<'a>(
    events: Events<'a>,
    source: &str,
    resolver: &dyn LinkResolver,
    mode: Mode,
) -> (Events<'a>, Vec<BadReference>) {
    let mut walk = Walk {
        resolver,
        source,
        mode,
        out: Vec::with_capacity(events.len() + 8),
        bad: Vec::new(),
        in_code: false,
        labels_only: 0,
        open: None,
    };
    let mut events = events;
    for i in 0..events.len() {
        let (event, range) = std::mem::replace(&mut events[i], (Event::SoftBreak, 0..0));
        walk.event(event, range, &events[i + 1..]);
    }
    (walk.out, walk.bad)
}

/// A reference whose label runs over several events (`[[jp|*Japan*]]`), between its opening
/// text and the text holding its `]]`.
struct Open {
    /// Events until the one holding the `]]`.
    remaining: usize,
    /// A link was opened and needs closing.
    linked: bool,
}

struct Walk<'r, 'a> {
    resolver: &'r dyn LinkResolver,
    source: &'r str,
    mode: Mode,
    out: Events<'a>,
    bad: Vec<BadReference>,
    in_code: bool,
    /// Depth of links and images (and references being labelled): references there are text.
    labels_only: usize,
    open: Option<Open>,
}

impl<'a> Walk<'_, 'a> {
    fn event(&mut self, event: Event<'a>, range: Range<usize>, rest: &[(Event<'a>, Range<usize>)]) {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => self.in_code = false,
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.labels_only += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => self.labels_only -= 1,
            _ => {}
        }
        if let Some(open) = &mut self.open
            && open.remaining > 0
        {
            open.remaining -= 1;
        }
        match event {
            Event::Text(text) if !self.in_code => self.text(text, range, rest),
            other => self.out.push((other, range)),
        }
    }

    /// A text event: its complete references, the end of a reference opened before it, and
    /// the start of one that closes after it.
    ///
    /// Targets and labels are read from the source, not from the text, which smart
    /// punctuation has changed (`--` to `–`, quotes to curly ones); that needs the brackets
    /// of the text and of the source to match one for one. When they do not (an escaped
    /// `\[`, an entity), the text is used, and problems are reported at the whole event.
    fn text(&mut self, text: CowStr<'a>, range: Range<usize>, rest: &[(Event<'a>, Range<usize>)]) {
        let src = self.source.get(range.clone()).unwrap_or("");
        let aligned = brackets(&text) == brackets(src);
        let mut at = Cursor {
            text: 0,
            src: 0,
            aligned,
        };
        if let Some(open) = &self.open {
            let opens = find_doubled(&text, 0, b'[');
            let closes = find_doubled(&text, 0, b']').filter(|_| open.remaining == 0);
            if opens.is_some_and(|o| closes.is_none_or(|c| o < c)) {
                let error = LinkError {
                    message: "a reference inside another reference's label".into(),
                    help: Some("close the first reference before starting the next".into()),
                };
                self.bad.push(BadReference {
                    range: clamp(self.source, range.clone()),
                    error,
                });
            }
            if closes.is_none() {
                self.push_text(&text, &range);
                return;
            }
        }
        if self.open.as_ref().is_some_and(|o| o.remaining == 0) {
            // This event holds the `]]` of the open reference.
            let close = find_doubled(&text, 0, b']').unwrap_or(text.len());
            self.push_text(&text[..close], &range);
            if self.open.take().is_some_and(|o| o.linked) {
                self.push_html("</a>", &range);
            }
            self.labels_only -= 1;
            at.text = (close + 2).min(text.len());
            at.src = find_doubled(src, 0, b']').map_or(src.len(), |i| i + 2);
        }
        while let Some(open) = find_doubled(&text, at.text, b'[') {
            self.push_text(&text[at.text..open], &range);
            let src_open = find_doubled(src, at.src, b'[').filter(|_| at.aligned);
            let Some(close) = find_doubled(&text, open + 2, b']') else {
                // No `]]` in this event: the label may run on over inline markup.
                let start = src_open.map_or(range.start, |o| range.start + o);
                self.opening(&text[open..], start, &range, rest);
                return;
            };
            let src_close = src_open.and_then(|o| find_doubled(src, o + 2, b']'));
            match (src_open, src_close) {
                (Some(o), Some(c)) => {
                    self.whole(&src[o..c + 2], range.start + o..range.start + c + 2, &range)
                }
                _ => self.whole(&text[open..close + 2], range.clone(), &range),
            }
            at.text = close + 2;
            at.src = src_close.map_or(src.len(), |c| c + 2);
        }
        self.push_text(&text[at.text..], &range);
    }

    /// `[[target]]` or `[[target|label]]` written within one text event, found at `at` in the
    /// source.
    fn whole(&mut self, written: &str, at: Range<usize>, range: &Range<usize>) {
        let (target, label) = split_ref(&written[2..written.len() - 2]);
        match self.resolver.resolve(target) {
            Ok(link) => {
                let label = label.unwrap_or(&link.label).to_string();
                if self.linking() {
                    self.push_html(&open_tag(link.class, &link.href), range);
                    self.out.push((Event::Text(label.into()), range.clone()));
                    self.push_html("</a>", range);
                } else {
                    self.out.push((Event::Text(label.into()), range.clone()));
                }
            }
            Err(error) => self.report(at, error, written, range),
        }
    }

    /// `[[target|` at the end of a text event (`text` starts at the `[[`, which is at `at` in
    /// the source when the event's brackets match it, else at the event's start): a reference
    /// whose label has markup, if its `]]` comes before the inline content ends, outside
    /// that markup.
    fn opening(
        &mut self,
        text: &str,
        at: usize,
        range: &Range<usize>,
        rest: &[(Event<'a>, Range<usize>)],
    ) {
        let Some(remaining) = closing_text(rest) else {
            let error = LinkError {
                message: "`[[` without its `]]`: a reference is `[[id]]` or `[[id|label]]`".into(),
                help: Some(
                    "close the reference on the same line; in a table, write its bar as `\\|` \
                     (`[[jp\\|Japan]]`); to show `[[` as text, escape it (`\\[[`) or put it in backticks"
                        .into(),
                ),
            };
            self.report(at..range.end.max(at), error, text, range);
            return;
        };
        let close = &rest[remaining].1;
        // Where the reference ends in the source: after the `]]` of the closing event, or
        // at that event's end when its brackets cannot be placed.
        let end = self
            .source
            .get(close.clone())
            .and_then(|s| find_doubled(s, 0, b']'))
            .map_or(close.end, |i| close.start + i + 2)
            .max(at);
        let Some(bar) = text.find('|') else {
            // Markup before any bar: it is in the target, which no id matches.
            let written = self.source.get(at..end).unwrap_or(text);
            let error = match written
                .get(2..)
                .map(|w| self.resolver.resolve(split_ref(w).0))
            {
                Some(Err(error)) => error,
                _ => LinkError {
                    message: format!("`{written}`: a reference's id cannot hold markup"),
                    help: Some("write the id plainly: `[[jp|*Japan*]]`".into()),
                },
            };
            self.report(at..end, error, text, range);
            return;
        };
        let linked = match self.resolver.resolve(split_ref(&text[2..]).0) {
            Ok(link) if self.linking() => {
                self.push_html(&open_tag(link.class, &link.href), range);
                true
            }
            Ok(_) => false,
            Err(error) => {
                self.bad.push(BadReference {
                    range: clamp(self.source, at..end),
                    error,
                });
                false
            }
        };
        self.push_text(&text[bar + 1..], range);
        self.labels_only += 1;
        self.open = Some(Open {
            remaining: remaining + 1,
            linked,
        });
    }

    fn linking(&self) -> bool {
        self.mode == Mode::Links && self.labels_only == 0
    }

    fn report(&mut self, at: Range<usize>, error: LinkError, written: &str, range: &Range<usize>) {
        // Within the source and on its character boundaries, whatever the caller worked out.
        let at = clamp(self.source, at);
        self.bad.push(BadReference { range: at, error });
        self.push_text(written, range);
    }

    fn push_text(&mut self, text: &str, range: &Range<usize>) {
        if !text.is_empty() {
            self.out
                .push((Event::Text(text.to_string().into()), range.clone()));
        }
    }

    fn push_html(&mut self, html: &str, range: &Range<usize>) {
        self.out
            .push((Event::InlineHtml(html.to_string().into()), range.clone()));
    }
}

fn clamp(source: &str, at: Range<usize>) -> Range<usize> {
    let floor = |mut i: usize| {
        i = i.min(source.len());
        while !source.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(at.start);
    start..floor(at.end).max(start)
}

fn open_tag(class: &str, href: &str) -> String {
    format!(
        "<a class=\"ref {class}\" href=\"{}\">",
        crate::html::escape(href)
    )
}

/// Where the walk is in a text event and in its source.
struct Cursor {
    text: usize,
    src: usize,
    /// The event's `[[` and `]]` match its source's one for one.
    aligned: bool,
}

/// How many `[[` and `]]` a string has, as the walk finds them.
fn brackets(s: &str) -> (usize, usize) {
    let count = |c: u8| {
        let mut n = 0;
        let mut from = 0;
        while let Some(i) = find_doubled(s, from, c) {
            n += 1;
            from = i + 2;
        }
        n
    };
    (count(b'['), count(b']'))
}

/// Which of `rest` holds the `]]` closing a reference opened just before it: a text within
/// the same inline content, at the same depth of markup (so the link nests properly).
fn closing_text(rest: &[(Event, Range<usize>)]) -> Option<usize> {
    let mut depth = 0usize;
    for (k, (event, _)) in rest.iter().enumerate() {
        if !is_inline(event) {
            return None;
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return None,
            Event::End(_) => depth -= 1,
            Event::Text(t) if find_doubled(t, 0, b']').is_some() => {
                return (depth == 0).then_some(k);
            }
            _ => {}
        }
    }
    None
}

/// Events that stay within one paragraph, heading or table cell.
fn is_inline(event: &Event) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// Where `cc` (`[[` or `]]`) first occurs in `s` from `from`. With `memchr` rather than
/// `str::find`, which took a tenth of the rendering time on text without any.
fn find_doubled(s: &str, from: usize, c: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    memchr::memchr_iter(c, bytes.get(from..)?)
        .map(|i| from + i)
        .find(|&i| bytes.get(i + 1) == Some(&c))
}

/// `target|label` (inside the brackets) → (target, label). In a table the bar is written
/// `\|`, so a target ending in `\` before the bar drops it.
fn split_ref(inner: &str) -> (&str, Option<&str>) {
    match inner.split_once('|') {
        Some((t, l)) => (t.strip_suffix('\\').unwrap_or(t).trim(), Some(l.trim())),
        None => (inner.trim(), None),
    }
}

/// A heading's text as a reader sees it (references already replaced by their labels).
pub(super) fn heading_text(events: &[(Event, Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s.trim().to_string()
}
