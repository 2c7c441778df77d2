//! What each page reads of the site while it is made, noted as data: its [`Input`]s.
//!
//! Rendering a page notes the views it built (a brief as lists show it, a party's link, a
//! commitment's summary...), the lists whose items it shows, the `[[...]]` labels of the
//! bodies it rendered and the template queries it ran. [`super::record`] keeps them with a
//! fingerprint of each, to answer "which pages does this change touch?".
//!
//! Every read goes through [`read`], which notes it for the page being rendered on this
//! thread. A view that reads the model without noting it makes pages stale after a change:
//! `tests/random_edits.rs` compares hundreds of random edits with cold builds to catch that.

use std::cell::RefCell;

use serde::Serialize;

use crate::markdown::{LinkError, LinkResolver, ResolvedLink};
use crate::model::Refs;

/// Something of the site a page read. Briefs are named by their source file (their place in
/// the site's order moves when another is added); everything else by its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Input {
    /// `site` in every context: the settings (`accord.toml` and the command line's).
    Site,
    /// A brief in full: every field of it, its body, the statuses it carries.
    Brief(String),
    /// A brief as lists show it (`BriefSummary`).
    BriefListed(String),
    /// A party as other pages name it: name, short name, kind, flag, aliases, website.
    PartyLink(String),
    /// A party's own view (`PartyView`): profile, counts, who it met.
    Party(String),
    TopicLink(String),
    Topic(String),
    PersonLink(String),
    /// A person's own view (`PersonPageView`): roles, parties, count of briefs.
    Person(String),
    /// A commitment's summary (`CommitmentSummary`): text, parties, status, due, overdue.
    Commitment(String),
    /// A commitment's timeline: each brief naming it, with what it said.
    Timeline(String),
    /// The items on page `n` of a paginated list, and the number of its pages.
    ListPage(List, usize),
    /// The first `n` briefs of a list, in order (a feed's entries).
    Newest(List, usize),
    /// Which parties, topics or people the site has (the pages listing them all).
    Ids(Registry),
    /// The first commitments of a party's or topic's list in the tracker, most recently
    /// changed first (their pages show ten).
    Recent(List, usize),
    /// A template query and its arguments, as JSON: its result.
    Query(String, String),
    /// Everything of the content: pages made from the whole site (exports, the sitemap, the
    /// tracker) read this rather than a list of thousands.
    Everything,
}

/// A kind of registry entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Registry {
    Parties,
    Topics,
    People,
}

/// A list of briefs shown over pages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum List {
    Index,
    Party(String),
    Topic(String),
    Person(String),
}

thread_local! {
    /// The inputs of the page being rendered on this thread, while [`recording`] runs.
    static READS: RefCell<Option<Vec<Input>>> = const { RefCell::new(None) };
}

/// Note that the page being rendered on this thread read `input` (nothing when no page is
/// being recorded, as when fingerprints are computed).
pub fn read(input: Input) {
    READS.with(|reads| {
        if let Some(reads) = reads.borrow_mut().as_mut() {
            reads.push(input);
        }
    });
}

/// Run `render` and return what it read, sorted and without repeats, with its result.
pub fn recording<R>(render: impl FnOnce() -> R) -> (R, Vec<Input>) {
    let outer = READS.with(|reads| reads.borrow_mut().replace(Vec::new()));
    let result = render();
    let mut inputs = READS
        .with(|reads| std::mem::replace(&mut *reads.borrow_mut(), outer))
        .unwrap_or_default();
    inputs.sort_unstable();
    inputs.dedup();
    (result, inputs)
}

/// Run `f` without recording what it reads (a fingerprint reads the views it hashes).
pub(super) fn unrecorded<R>(f: impl FnOnce() -> R) -> R {
    let outer = READS.with(|reads| reads.borrow_mut().take());
    let result = f();
    READS.with(|reads| *reads.borrow_mut() = outer);
    result
}

/// Body references that note the labels they resolve as read: a party's or topic's name, a
/// commitment's text.
pub struct RecordedRefs<'a>(pub &'a Refs);

impl LinkResolver for RecordedRefs<'_> {
    fn resolve(&self, target: &str) -> Result<ResolvedLink, LinkError> {
        let (kind, id) = target.split_once(':').unwrap_or(("party", target));
        match kind {
            "party" => read(Input::PartyLink(id.to_string())),
            "topic" => read(Input::TopicLink(id.to_string())),
            "commitment" => read(Input::Commitment(id.to_string())),
            _ => {}
        }
        self.0.resolve(target)
    }
}
