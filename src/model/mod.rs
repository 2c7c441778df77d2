//! The site model: briefs, parties, topics and commitments, with every cross-reference
//! checked and every index built. It is plain data, immutable once [`resolve`] (or, in
//! `serve`, [`resolve_cached`]) has built it; rendering only reads it.

mod bodies;
mod commitments;
mod dates;
mod links;
mod order;
mod patch;
mod people;
mod registry;
mod resolve;

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

pub use bodies::Refs;
pub use dates::{Moment, TimeOfDay};
pub use patch::{Patched, patch_briefs};
pub use resolve::{ModelCache, ResolveOptions, resolve, resolve_cached};

use crate::config::Config;
use crate::content::raw::Extra;
use crate::markdown::TocEntry;
use crate::urls::Urls;

/// Everything a site holds, resolved.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub urls: Urls,
    /// Newest first: the reverse of the order in time (see `order.rs`).
    pub briefs: Vec<Brief>,
    pub parties: BTreeMap<String, Party>,
    pub topics: BTreeMap<String, Topic>,
    pub commitments: BTreeMap<String, Commitment>,
    /// Everyone named in a brief, by slug: registered people and the names briefs use.
    pub people: BTreeMap<String, Person>,
    /// The date the site is built as of: what "overdue" is measured against.
    pub today: Date,
}

/// An index into [`Site::briefs`].
pub type BriefIndex = usize;

#[derive(Debug, Clone)]
pub struct Brief {
    /// Source file, relative to the site root.
    pub source: String,
    pub slug: String,
    pub title: String,
    /// The date as written; `time` is the time of day, when `date:` gave one.
    pub date: Date,
    pub time: Option<TimeOfDay>,
    pub updated: Option<Date>,
    pub summary: Option<String>,
    pub event: Option<String>,
    pub location: Option<String>,
    pub parties: Vec<String>,
    pub people: Vec<PersonMention>,
    pub topics: Vec<String>,
    pub commitments: Vec<Mention>,
    pub sources: Vec<Source>,
    pub draft: bool,
    /// Old site paths of this brief, each written as a redirect to it.
    pub aliases: Vec<String>,
    pub body: Markdown,
    pub extra: Extra,
    /// The briefs most related to this one (sharing commitments, topics, parties), best first.
    pub related: Vec<BriefIndex>,
}

/// A brief's body as written, checked but not kept rendered: each page that shows it renders
/// it again ([`Refs::render`]). Kept as HTML, the bodies were half the memory of a large
/// site's model; kept as text, still the largest part of it (a GB at 100,000 briefs), so a
/// made brief holds its body compressed.
#[derive(Debug, Clone, Default)]
pub struct Markdown {
    text: MarkdownText,
    pub words: usize,
}

#[derive(Debug, Clone)]
enum MarkdownText {
    /// A range of the file's text, shared with its parse while the site is checked.
    InFile(Arc<str>, std::ops::Range<usize>),
    /// LZ4, once the brief is made: a third to a half of the text, and decompressed at
    /// gigabytes a second when a page shows it.
    Packed(Arc<[u8]>),
}

impl Default for MarkdownText {
    fn default() -> Self {
        MarkdownText::InFile(Arc::from(""), 0..0)
    }
}

impl Markdown {
    pub(super) fn in_file(text: Arc<str>, range: std::ops::Range<usize>, words: usize) -> Self {
        Markdown {
            text: MarkdownText::InFile(text, range),
            words,
        }
    }

    /// The same body, compressed: it no longer holds on to the file's text.
    pub(super) fn packed(&self) -> Markdown {
        let text = match &self.text {
            MarkdownText::InFile(text, range) => {
                let body = text.get(range.clone()).unwrap_or_default();
                MarkdownText::Packed(Arc::from(lz4_flex::compress_prepend_size(body.as_bytes())))
            }
            packed @ MarkdownText::Packed(_) => packed.clone(),
        };
        Markdown {
            text,
            words: self.words,
        }
    }

    /// The Markdown; `Err` only if the compressed body were damaged.
    pub fn source(&self) -> Result<std::borrow::Cow<'_, str>, String> {
        match &self.text {
            MarkdownText::InFile(text, range) => {
                Ok(text.get(range.clone()).unwrap_or_default().into())
            }
            MarkdownText::Packed(bytes) => lz4_flex::decompress_size_prepended(bytes)
                .map_err(|e| e.to_string())
                .and_then(|bytes| String::from_utf8(bytes).map_err(|e| e.to_string()))
                .map(Into::into),
        }
    }
}

/// A rendered Markdown body, of a registry entry (party, topic, person). The HTML is shared,
/// so a site model is cheap to rebuild from cached bodies.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub html: std::sync::Arc<str>,
    pub toc: Vec<TocEntry>,
    pub words: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonMention {
    /// The person's slug in [`Site::people`].
    pub person: String,
    /// The name as this brief writes it.
    pub name: String,
    pub role: Option<String>,
    pub party: Option<String>,
}

/// What one brief says about a commitment.
#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    pub id: String,
    /// The status as of this brief (given here, or carried from an earlier brief).
    pub status: String,
    /// Whether this brief set the status itself.
    pub status_given: bool,
    pub note: Option<String>,
    pub quote: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub title: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyKind {
    State,
    Organization,
    Group,
    Other,
}

impl PartyKind {
    pub const ALL: [(&'static str, PartyKind); 4] = [
        ("state", PartyKind::State),
        ("organization", PartyKind::Organization),
        ("group", PartyKind::Group),
        ("other", PartyKind::Other),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("other", |(s, _)| s)
    }
}

#[derive(Debug, Clone)]
pub struct Party {
    pub id: String,
    pub source: String,
    pub name: String,
    pub kind: PartyKind,
    pub short: Option<String>,
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub iso: Option<String>,
    pub members: Vec<String>,
    pub url: Option<String>,
    pub body: Body,
    pub extra: Extra,
    /// Briefs naming this party, newest first.
    pub briefs: Vec<BriefIndex>,
    /// Commitments this party made (is in `by`), by id.
    pub commitments: Vec<String>,
    /// Parties that list this one in `members`.
    pub member_of: Vec<String>,
    /// The parties named in the same briefs as this one, with the number of such briefs, most
    /// first.
    pub met: Vec<(String, usize)>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub source: String,
    pub name: String,
    pub description: Option<String>,
    pub body: Body,
    pub extra: Extra,
    /// Briefs with this topic, newest first.
    pub briefs: Vec<BriefIndex>,
    /// Commitments with this topic, by id.
    pub commitments: Vec<String>,
}

/// A person named in briefs, under one slug however the briefs spell the name.
#[derive(Debug, Clone)]
pub struct Person {
    pub slug: String,
    /// The registry's name, else the name the newest brief uses.
    pub name: String,
    pub native: Option<String>,
    /// Other spellings: the registry's aliases and every other name briefs used.
    pub aliases: Vec<String>,
    /// The registry file, when there is one.
    pub source: Option<String>,
    pub body: Body,
    pub extra: Extra,
    /// Each role held, with the party it was held for, newest first.
    pub roles: Vec<RoleSeen>,
    /// Briefs naming this person, newest first.
    pub briefs: Vec<BriefIndex>,
}

/// A role a person was seen in, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSeen {
    pub role: Option<String>,
    pub party: Option<String>,
    pub first: Date,
    pub last: Date,
    pub briefs: usize,
}

/// A commitment tracked across briefs.
#[derive(Debug, Clone)]
pub struct Commitment {
    pub id: String,
    pub text: String,
    pub by: Vec<String>,
    pub topic: Option<String>,
    pub due: Option<Date>,
    /// The current status: that of the latest brief naming it.
    pub status: String,
    /// Every brief naming it, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub brief: BriefIndex,
    pub date: Date,
    pub time: Option<TimeOfDay>,
    pub status: String,
    pub status_given: bool,
    pub note: Option<String>,
    pub quote: Option<String>,
    pub source: Option<String>,
}

impl Commitment {
    /// Whether `due` has passed (as of `today`) without a status that closes it.
    pub fn is_overdue(&self, today: Date, config: &Config) -> bool {
        self.due.is_some_and(|due| due < today)
            && !config.status(&self.status).is_some_and(|s| s.closes)
    }

    pub fn first_seen(&self) -> Option<Date> {
        self.timeline.first().map(|e| e.date)
    }

    pub fn last_seen(&self) -> Option<Date> {
        self.timeline.last().map(|e| e.date)
    }
}

impl Site {
    /// The statuses of the vocabulary with the commitments (ids) currently in each, in
    /// vocabulary order; statuses with none are kept so a template can show zeros.
    pub fn commitments_by_status<'a>(
        &'a self,
        ids: &'a [String],
    ) -> Vec<(&'a crate::config::Status, Vec<&'a Commitment>)> {
        let mut groups: Vec<(&crate::config::Status, Vec<&Commitment>)> = self
            .config
            .statuses
            .iter()
            .map(|status| (status, Vec::new()))
            .collect();
        // One pass over the ids: a party's record at 10,000 briefs holds 1,500 of them.
        for c in ids.iter().filter_map(|id| self.commitments.get(id)) {
            if let Some(group) = groups.iter_mut().find(|(s, _)| s.id == c.status) {
                group.1.push(c);
            }
        }
        groups
    }
}

impl Brief {
    pub fn moment(&self) -> Moment {
        Moment::new(self.date, self.time)
    }

    /// When it was published, as RFC 3339 for feeds: the time given (read as UTC without an
    /// offset), or the start of its day in UTC.
    pub fn published_rfc3339(&self) -> String {
        match self.time {
            None => format!("{}T00:00:00Z", self.date),
            Some(t) => format!("{}T{}", self.date, t.rfc3339()),
        }
    }

    /// The last date it was changed: `updated` when that is later than its date.
    pub fn last_changed(&self) -> Date {
        self.updated.unwrap_or(self.date).max(self.date)
    }
}

impl TimelineEntry {
    pub fn moment(&self) -> Moment {
        Moment::new(self.date, self.time)
    }
}
