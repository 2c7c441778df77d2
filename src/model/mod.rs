//! The site model: briefs, parties, topics and commitments, with every cross-reference
//! checked and every index built. It is plain data, immutable once [`resolve_cached`] has built it;
//! rendering only reads it.

mod commitments;
mod patch;
mod registry;
mod resolve;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

pub use patch::{Patched, patch_briefs};
pub use resolve::{ModelCache, ResolveOptions, resolve_cached};

use crate::config::Config;
use crate::content::raw::Extra;
use crate::markdown::TocEntry;
use crate::urls::Urls;

/// Everything a site holds, resolved.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub urls: Urls,
    /// Newest first (date, then updated, then source path for a stable order).
    pub briefs: Vec<Brief>,
    pub parties: BTreeMap<String, Party>,
    pub topics: BTreeMap<String, Topic>,
    pub commitments: BTreeMap<String, Commitment>,
}

/// An index into [`Site::briefs`].
pub type BriefIndex = usize;

#[derive(Debug, Clone)]
pub struct Brief {
    /// Source file, relative to the site root.
    pub source: String,
    pub slug: String,
    pub title: String,
    pub date: Date,
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
    pub body: Body,
    pub extra: Extra,
}

/// A rendered Markdown body. The HTML is shared, so a site model is cheap to rebuild from
/// cached bodies.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub html: std::sync::Arc<str>,
    pub toc: Vec<TocEntry>,
    pub words: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonMention {
    pub name: String,
    pub role: Option<String>,
    pub party: Option<String>,
}

/// What one brief says about a commitment.
#[derive(Debug, Clone)]
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

#[derive(Debug, Clone, Serialize)]
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
    pub status: String,
    pub status_given: bool,
    pub note: Option<String>,
    pub quote: Option<String>,
    pub source: Option<String>,
}

impl Commitment {
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
        self.config
            .statuses
            .iter()
            .map(|status| {
                let list = ids
                    .iter()
                    .filter_map(|id| self.commitments.get(id))
                    .filter(|c| c.status == status.id)
                    .collect();
                (status, list)
            })
            .collect()
    }
}
