//! Values many pages' contexts share, made once per render (see [`Prepared`]).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use super::context::{PartyRef, SiteView, TopicRef, flag_emoji};
use super::memo::Memo;
use super::tracker::TrackerIndex;
use super::tracker_data::Sorted;
use crate::model::{Party, Refs, Site, Topic};
use crate::urls::site_path;

/// What many pages' contexts hold alike, serialized once per render instead of on every page
/// that shows it: `site`, and each party's and topic's link (a list of briefs names dozens).
/// Tera values share their contents, so putting one in a context is cheap.
pub struct Prepared {
    site: tera::Value,
    /// For the bodies of briefs, rendered as their pages and feeds show them: made when a
    /// page first needs them (a fingerprint does not).
    refs: OnceLock<Refs>,
    parties: HashMap<String, Link>,
    topics: HashMap<String, Link>,
    /// The tracker's order and lists, and its data's other orders: made when a page of the
    /// tracker first needs them.
    tracker: OnceLock<Arc<TrackerIndex>>,
    tracker_sorted: OnceLock<Arc<Sorted>>,
    /// The pages the sitemap lists, for its index and each of its files.
    sitemap: OnceLock<Vec<super::Page>>,
}

/// A [`PartyRef`] or [`TopicRef`], already serialized; it serializes as the same fields.
#[derive(Serialize, Clone)]
#[serde(transparent)]
pub struct Link(tera::Value);

impl Link {
    fn of(view: &impl Serialize) -> Link {
        Link(tera::Value::from_serializable(view))
    }
}

impl Prepared {
    /// The values of `site`; with `memo` (`serve`), the tracker's lists it keeps.
    pub fn new(site: &Site, memo: Option<&Memo>) -> Prepared {
        let (tracker, tracker_sorted) = match memo {
            Some(memo) => {
                let (index, sorted) = memo.tracker(site);
                (OnceLock::from(index), OnceLock::from(sorted))
            }
            None => (OnceLock::new(), OnceLock::new()),
        };
        Prepared {
            site: tera::Value::from_serializable(&site_view(site)),
            refs: OnceLock::new(),
            parties: site
                .parties
                .iter()
                .map(|(id, p)| (id.clone(), Link::of(&party_ref(site, p))))
                .collect(),
            topics: site
                .topics
                .iter()
                .map(|(id, t)| (id.clone(), Link::of(&topic_ref(site, t))))
                .collect(),
            tracker,
            tracker_sorted,
            sitemap: OnceLock::new(),
        }
    }

    /// The tracker's order and lists, for `site` (the site this was made from).
    pub fn tracker(&self, site: &Site) -> &TrackerIndex {
        self.tracker
            .get_or_init(|| Arc::new(TrackerIndex::new(site)))
    }

    pub fn sitemap_pages(&self, site: &Site) -> &[super::Page] {
        self.sitemap
            .get_or_init(|| super::sitemap::listed_pages(site))
    }

    pub fn tracker_sorted(&self) -> &Sorted {
        self.tracker_sorted.get_or_init(Arc::default)
    }

    /// `site`, for a page's context.
    pub fn site(&self) -> &tera::Value {
        &self.site
    }

    /// What the bodies of `site` (the site this was made from) refer to.
    pub fn refs(&self, site: &Site) -> &Refs {
        self.refs.get_or_init(|| Refs::of_site(site))
    }

    pub fn party(&self, id: &str) -> Option<Link> {
        self.parties.get(id).cloned()
    }

    pub fn topic(&self, id: &str) -> Option<Link> {
        self.topics.get(id).cloned()
    }
}

/// `site`, in every page's context.
fn site_view(s: &Site) -> SiteView<'_> {
    SiteView {
        title: &s.config.title,
        description: &s.config.description,
        language: &s.config.language,
        base_url: s.config.base_url.as_str(),
        base_path: s.urls.prefix(),
        extra: &s.config.extra,
        statuses: &s.config.statuses,
        generator: concat!("Accord ", env!("CARGO_PKG_VERSION")),
        search: s.config.options.search,
    }
}

fn party_ref<'a>(site: &Site, p: &'a Party) -> PartyRef<'a> {
    PartyRef {
        id: &p.id,
        name: &p.name,
        short: p.short.as_deref(),
        kind: p.kind.as_str(),
        iso: p.iso.as_deref(),
        flag: p.iso.as_deref().and_then(flag_emoji),
        url: site.urls.path(&site_path::party(&p.id)),
    }
}

fn topic_ref<'a>(site: &Site, t: &'a Topic) -> TopicRef<'a> {
    TopicRef {
        id: &t.id,
        name: &t.name,
        url: site.urls.path(&site_path::topic(&t.id)),
    }
}
