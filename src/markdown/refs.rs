//! `[[ref]]` references in Markdown: joining the text events they may be split across, and
//! replacing each with a link (or its label) given by the caller's [`LinkResolver`].

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{BadReference, LinkResolver, escape_attr, escape_text};

/// pulldown-cmark splits text at `[` and `]`; joining neighbours makes `[[id]]` one event.
/// Only runs with a `[` are joined: smart punctuation splits text at every quote, and copying
/// all of it was a tenth of the rendering time.
pub(super) fn merge_text<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut merged: Vec<(Event, Range<usize>)> = Vec::new();
    // Adjacent text is gathered here until something else comes.
    let mut run: Vec<(CowStr<'a>, Range<usize>)> = Vec::new();
    for (event, range) in events {
        if let Event::Text(t) = event {
            run.push((t, range));
            continue;
        }
        push_text_run(&mut run, &mut merged);
        merged.push((event, range));
    }
    push_text_run(&mut run, &mut merged);
    merged
}

fn push_text_run<'a>(
    run: &mut Vec<(CowStr<'a>, Range<usize>)>,
    merged: &mut Vec<(Event<'a>, Range<usize>)>,
) {
    let has_bracket = run
        .iter()
        .any(|(t, _)| memchr::memchr(b'[', t.as_bytes()).is_some());
    if run.len() < 2 || !has_bracket {
        merged.extend(run.drain(..).map(|(t, r)| (Event::Text(t), r)));
        return;
    }
    let start = run[0].1.start;
    let end = run[run.len() - 1].1.end;
    let joined: String = run.drain(..).map(|(t, _)| t).collect::<Vec<_>>().concat();
    merged.push((Event::Text(joined.into()), start..end));
}

/// State of the walk over a document's events, for `[[...]]` references.
pub(super) struct Refs<'r, 'a> {
    resolver: &'r dyn LinkResolver,
    pub(super) bad: Vec<BadReference>,
    /// Inside a Markdown link, a reference is its label only: links do not nest.
    in_link: bool,
    /// References become their labels only, for [`super::plain_text`].
    labels_only: bool,
    /// The events to render, references replaced.
    pub(super) out: Vec<Event<'a>>,
}

/// Byte ranges of the `[[...]]` in `s`, brackets included.
fn ref_spans(s: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(open) = find_doubled(s, from, b'[') {
        let Some(close) = find_doubled(s, open + 2, b']') else {
            break;
        };
        spans.push(open..close + 2);
        from = close + 2;
    }
    spans
}

/// Where `cc` (`[[` or `]]`) first occurs in `s` from `from`. With `memchr` rather than
/// `str::find`, which took a tenth of the rendering time on text without any.
fn find_doubled(s: &str, from: usize, c: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    memchr::memchr_iter(c, bytes.get(from..)?)
        .map(|i| from + i)
        .find(|&i| bytes.get(i + 1) == Some(&c))
}

/// `[[target|label]]` → (target, label).
fn split_ref(written: &str) -> (&str, Option<&str>) {
    let inner = &written[2..written.len() - 2];
    match inner.split_once('|') {
        Some((t, l)) => (t.trim(), Some(l.trim())),
        None => (inner.trim(), None),
    }
}

impl<'r, 'a> Refs<'r, 'a> {
    pub(super) fn new(resolver: &'r dyn LinkResolver, labels_only: bool, capacity: usize) -> Self {
        Refs {
            resolver,
            bad: Vec::new(),
            in_link: false,
            labels_only,
            out: Vec::with_capacity(capacity),
        }
    }

    /// Push `event`, replacing every `[[target]]` in text with a link. The target and label
    /// are read from the source, not from the text, which smart punctuation has changed
    /// (`--` to `–`, quotes to curly ones).
    pub(super) fn push(&mut self, event: Event<'a>, range: &Range<usize>, source: &str) {
        match event {
            Event::Start(Tag::Link { .. }) => self.in_link = true,
            Event::End(TagEnd::Link) => self.in_link = false,
            _ => {}
        }
        let Event::Text(text) = event else {
            self.out.push(event);
            return;
        };
        let in_text = ref_spans(&text);
        if in_text.is_empty() {
            self.out.push(Event::Text(text));
            return;
        }
        let src = source.get(range.clone()).unwrap_or("");
        let in_source = ref_spans(src);
        let from_source = in_source.len() == in_text.len();
        let mut last = 0;
        for (i, span) in in_text.iter().enumerate() {
            self.out
                .push(Event::Text(text[last..span.start].to_string().into()));
            last = span.end;
            let (written, at) = if from_source {
                (&src[in_source[i].clone()], range.start + in_source[i].start)
            } else {
                (&text[span.clone()], range.start)
            };
            let (target, label) = split_ref(written);
            match self.resolver.resolve(target) {
                Ok(link) if self.in_link || self.labels_only => {
                    self.out
                        .push(Event::Text(label.unwrap_or(&link.label).to_string().into()));
                }
                Ok(link) => self.out.push(Event::InlineHtml(
                    format!(
                        "<a class=\"ref {}\" href=\"{}\">{}</a>",
                        link.class,
                        escape_attr(&link.href),
                        escape_text(label.unwrap_or(&link.label))
                    )
                    .into(),
                )),
                Err(error) => {
                    self.bad.push(BadReference {
                        range: at..at + written.len(),
                        error,
                    });
                    self.out.push(Event::Text(written.to_string().into()));
                }
            }
        }
        self.out.push(Event::Text(text[last..].to_string().into()));
    }
}

/// A heading's text as a reader sees it: references replaced by their labels.
pub(super) fn heading_text(
    events: &[(Event, Range<usize>)],
    resolver: &dyn LinkResolver,
) -> String {
    let mut s = String::new();
    for (e, _) in events {
        if let Event::Text(t) | Event::Code(t) = e {
            let mut last = 0;
            for span in ref_spans(t) {
                s.push_str(&t[last..span.start]);
                let (target, label) = split_ref(&t[span.clone()]);
                match (label, resolver.resolve(target)) {
                    (Some(l), _) => s.push_str(l),
                    (None, Ok(link)) => s.push_str(&link.label),
                    (None, Err(_)) => s.push_str(&t[span.clone()]),
                }
                last = span.end;
            }
            s.push_str(&t[last..]);
        }
    }
    s.trim().to_string()
}
