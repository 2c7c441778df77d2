//! The template context: the only shape of the site that templates see. Every struct here is
//! documented in the README ("Template context"); a field added here must be added there.
//!
//! Views borrow from the model and carry what a template cannot compute itself: URLs under
//! the base path, status labels, flags.

use serde::Serialize;

use super::deps::{Input, read};
use super::feeds::{FeedFormat, FeedOf};
use super::prepared::{Link, Prepared};
use crate::config::Status;
use crate::markdown::TocEntry;
use crate::model::{
    Brief, Commitment, Party, Person, PersonMention, RoleSeen, Site, Source, Topic,
};
use crate::urls::site_path;

/// Site-wide values, in every page's context as `site`.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    /// The absolute base URL, ending in `/`.
    pub base_url: &'a str,
    /// The base URL's path, e.g. `/briefs/`.
    pub base_path: &'a str,
    pub extra: &'a serde_json::Value,
    pub statuses: &'a [Status],
    pub generator: &'static str,
    /// Whether the site has search (`options.search`).
    pub search: bool,
}

/// The site's totals, from the template function `site_counts()` (not in `site`: every page
/// would then change when a brief is added).
#[derive(Serialize)]
pub struct Counts {
    pub briefs: usize,
    pub parties: usize,
    pub topics: usize,
    pub commitments: usize,
    pub people: usize,
}

/// What page is being rendered, as `page`.
#[derive(Serialize)]
pub struct PageView<'a> {
    /// `index`, `brief`, `party`, `parties`, `topic`, `topics`, `person`, `people`,
    /// `commitment`, `commitments`, `search`, `not_found`.
    pub kind: &'static str,
    pub title: &'a str,
    /// The link to this page (`/briefs/parties/jp/`).
    pub url: String,
    /// Its absolute URL, for `<link rel=canonical>`.
    pub permalink: String,
    /// Its site path (`parties/jp/`).
    pub path: String,
    /// For `<meta name=description>` and Open Graph: a brief's summary, a topic's
    /// description, or the site's.
    pub description: &'a str,
    /// schema.org JSON-LD for the page (a `NewsArticle` for a brief, a `Country` or
    /// `Organization` for a party), ready for a `<script type="application/ld+json">`.
    pub json_ld: Option<String>,
    /// Links to the Atom and JSON feeds that follow this page: a party's or a topic's own,
    /// else the site's.
    pub atom_feed: String,
    pub json_feed: String,
    /// The title of those feeds (the site's, or `Japan · Site`).
    pub feed_title: String,
}

/// A party as a link: name, short name, flag.
#[derive(Serialize, Clone)]
pub struct PartyRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub short: Option<&'a str>,
    pub kind: &'static str,
    pub iso: Option<&'a str>,
    /// The flag emoji of `iso`, when it has one.
    pub flag: Option<String>,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct TopicRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
}

/// A person as a link.
#[derive(Serialize, Clone)]
pub struct PersonRef<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct StatusView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub closes: bool,
}

/// A brief for lists: everything but the body.
#[derive(Serialize)]
pub struct BriefSummary<'a> {
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    /// `YYYY-MM-DD`; format it with the `date` filter.
    pub date: String,
    /// The time of day when `date:` gave one, for readers: `14:30`, `14:30 UTC+08:00`.
    pub time: Option<String>,
    /// Date and time for a `<time datetime>` attribute: `2025-07-11` or `2025-07-11T14:30+08:00`.
    pub datetime: String,
    pub updated: Option<String>,
    pub summary: Option<&'a str>,
    pub event: Option<&'a str>,
    pub location: Option<&'a str>,
    /// On lists, the first [`LISTED`] parties, and how many more there are; on the brief's
    /// own page, all of them (`parties_more` is 0).
    pub parties: Vec<Link>,
    pub parties_more: usize,
    /// Likewise the topics.
    pub topics: Vec<Link>,
    pub topics_more: usize,
    pub commitment_count: usize,
    pub draft: bool,
}

/// A brief with its body, on its own page as `brief`.
#[derive(Serialize)]
pub struct BriefView<'a> {
    #[serde(flatten)]
    pub summary: BriefSummary<'a>,
    pub people: Vec<PersonView<'a>>,
    pub commitments: Vec<MentionView<'a>>,
    pub sources: &'a [Source],
    /// The body as HTML (print it with `| safe`).
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    /// Headings in `toc`, at every level.
    pub heading_count: usize,
    pub words: usize,
    pub reading_minutes: usize,
    pub source_path: &'a str,
    pub extra: &'a crate::content::raw::Extra,
    /// The most related briefs (sharing commitments, topics, parties), best first.
    pub related: Vec<BriefSummary<'a>>,
    /// Old addresses that redirect here.
    pub aliases: &'a [String],
    pub citation: super::cite::CitationView,
}

/// A person as one brief names them.
#[derive(Serialize)]
pub struct PersonView<'a> {
    /// The name as this brief writes it.
    pub name: &'a str,
    /// The person's own page and usual name.
    pub person: PersonRef<'a>,
    pub role: Option<&'a str>,
    pub party: Option<Link>,
}

/// A person on their own page, as `person`, and in the list of people.
#[derive(Serialize)]
pub struct PersonPageView<'a> {
    #[serde(flatten)]
    pub link: PersonRef<'a>,
    pub native: Option<&'a str>,
    pub aliases: &'a [String],
    pub content: &'a str,
    /// Roles held, newest first.
    pub roles: Vec<RoleView<'a>>,
    /// Every party the person was seen for.
    pub parties: Vec<Link>,
    pub brief_count: usize,
    pub registered: bool,
    pub extra: &'a crate::content::raw::Extra,
}

#[derive(Serialize)]
pub struct RoleView<'a> {
    pub role: Option<&'a str>,
    pub party: Option<Link>,
    pub first: String,
    pub last: String,
    pub briefs: usize,
}

/// A party another one met, with the number of briefs naming both.
#[derive(Serialize)]
pub struct MetView {
    pub party: Link,
    pub briefs: usize,
}

/// A commitment as one brief mentions it.
#[derive(Serialize)]
pub struct MentionView<'a> {
    #[serde(flatten)]
    pub commitment: CommitmentSummary<'a>,
    /// The status as of this brief.
    pub status_here: StatusView<'a>,
    /// Whether this brief set that status (rather than carrying it).
    pub status_given: bool,
    pub note: Option<&'a str>,
    pub quote: Option<&'a str>,
    pub source: Option<&'a str>,
}

/// A commitment for lists.
#[derive(Serialize)]
pub struct CommitmentSummary<'a> {
    pub id: &'a str,
    pub url: String,
    pub text: &'a str,
    /// On lists, the first [`LISTED`] parties that made it, and how many more; on the
    /// commitment's own page, all of them.
    pub by: Vec<Link>,
    pub by_more: usize,
    pub topic: Option<Link>,
    /// The current status (of the latest brief naming it).
    pub status: StatusView<'a>,
    pub due: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub mentions: usize,
    /// `due` has passed, as of `build_date()`, without a status that closes it.
    pub overdue: bool,
}

#[derive(Serialize)]
pub struct PartyView<'a> {
    #[serde(flatten)]
    pub link: Link,
    pub aliases: &'a [String],
    pub members: Vec<Link>,
    pub member_of: Vec<Link>,
    /// The party's own website, from `url:` in its file.
    pub website: Option<&'a str>,
    pub content: &'a str,
    pub brief_count: usize,
    pub commitment_count: usize,
    /// The parties named most often in the same briefs, most first (at most 10).
    pub met: Vec<MetView>,
    pub extra: &'a crate::content::raw::Extra,
}

#[derive(Serialize)]
pub struct TopicView<'a> {
    #[serde(flatten)]
    pub link: Link,
    pub description: Option<&'a str>,
    pub content: &'a str,
    pub brief_count: usize,
    pub commitment_count: usize,
    pub extra: &'a crate::content::raw::Extra,
}

/// Commitments in one status, for party pages.
#[derive(Serialize)]
pub struct StatusGroup<'a> {
    pub status: StatusView<'a>,
    pub count: usize,
    /// The tracker, filtered to this party and status.
    pub tracker_url: String,
}

#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    /// Pages are left out before this one (show an ellipsis).
    pub gap_before: bool,
}

/// How many parties or topics a brief or commitment shows where it is one of a list: a page
/// of ten briefs that each named 1,000 parties was 785 KB, and such a page's size must not
/// grow with the product of two counts. Their own pages list them all.
pub const LISTED: usize = 8;

fn listed<T>(all: &[T]) -> &[T] {
    &all[..all.len().min(LISTED)]
}

/// Builds views from the model.
pub struct Views<'a> {
    pub site: &'a Site,
    pub prepared: &'a Prepared,
}

impl<'a> Views<'a> {
    pub fn page(&self, kind: &'static str, title: &'a str, path: String) -> PageView<'a> {
        read(Input::Site);
        PageView {
            kind,
            title,
            url: self.site.urls.path(&path),
            permalink: self.site.urls.absolute(&path),
            path,
            description: &self.site.config.description,
            json_ld: None,
            atom_feed: self.site.urls.path(&FeedOf::Site.path(FeedFormat::Atom)),
            json_feed: self.site.urls.path(&FeedOf::Site.path(FeedFormat::Json)),
            feed_title: self.site.config.title.clone(),
        }
    }

    /// Point the page's feed links at a party's or topic's feeds.
    pub fn with_feeds(&self, mut page: PageView<'a>, of: &FeedOf) -> PageView<'a> {
        match of {
            FeedOf::Site => {}
            FeedOf::Party(id) => read(Input::PartyLink(id.clone())),
            FeedOf::Topic(id) => read(Input::TopicLink(id.clone())),
        }
        page.atom_feed = self.site.urls.path(&of.path(FeedFormat::Atom));
        page.json_feed = self.site.urls.path(&of.path(FeedFormat::Json));
        page.feed_title = of.title(self.site);
        page
    }

    /// A brief's page: its summary as description, a `NewsArticle` as JSON-LD.
    pub fn brief_page(&self, b: &'a Brief, path: String) -> PageView<'a> {
        // Its JSON-LD names the brief's parties and topics.
        b.parties
            .iter()
            .for_each(|id| read(Input::PartyLink(id.clone())));
        b.topics
            .iter()
            .for_each(|id| read(Input::TopicLink(id.clone())));
        read(Input::Brief(b.source.clone()));
        let mut page = self.page("brief", &b.title, path);
        page.description = b
            .summary
            .as_deref()
            .unwrap_or(&self.site.config.description);
        page.json_ld = Some(super::json_ld::brief(self.site, b, &page.permalink));
        page
    }

    /// A party's page: a `Country` or `Organization` as JSON-LD.
    pub fn party_page(&self, p: &'a Party, path: String) -> PageView<'a> {
        read(Input::PartyLink(p.id.clone()));
        let mut page = self.page("party", &p.name, path);
        page.json_ld = Some(super::json_ld::party(p, &self.site.urls));
        page
    }

    pub fn party_ref(&self, id: &str) -> Option<Link> {
        read(Input::PartyLink(id.to_string()));
        self.prepared.party(id)
    }

    fn party_refs(&self, ids: &[String]) -> Vec<Link> {
        ids.iter().filter_map(|id| self.party_ref(id)).collect()
    }

    pub fn topic_ref(&self, id: &str) -> Option<Link> {
        read(Input::TopicLink(id.to_string()));
        self.prepared.topic(id)
    }

    /// `site`, for every page's context.
    pub fn site_view(&self) -> &'a tera::Value {
        read(Input::Site);
        self.prepared.site()
    }

    pub fn status(&self, id: &'a str) -> StatusView<'a> {
        match self.site.config.status(id) {
            Some(s) => StatusView {
                id: &s.id,
                label: &s.label,
                closes: s.closes,
            },
            None => StatusView {
                id,
                label: id,
                closes: false,
            },
        }
    }

    pub fn brief_summary(&self, b: &'a Brief) -> BriefSummary<'a> {
        read(Input::BriefListed(b.source.clone()));
        BriefSummary {
            slug: &b.slug,
            url: self.site.urls.path(&site_path::brief(&b.slug)),
            title: &b.title,
            date: b.date.to_string(),
            time: b.time.map(|t| t.display()),
            datetime: crate::model::Moment::datetime(b.date, b.time),
            updated: b.updated.map(|d| d.to_string()),
            summary: b.summary.as_deref(),
            event: b.event.as_deref(),
            location: b.location.as_deref(),
            parties: self.party_refs(listed(&b.parties)),
            parties_more: b.parties.len().saturating_sub(LISTED),
            topics: listed(&b.topics)
                .iter()
                .filter_map(|t| self.topic_ref(t))
                .collect(),
            topics_more: b.topics.len().saturating_sub(LISTED),
            commitment_count: b.commitments.len(),
            draft: b.draft,
        }
    }

    /// A brief with its `body`, rendered for this page.
    pub fn brief(&self, b: &'a Brief, body: &'a crate::markdown::Rendered) -> BriefView<'a> {
        read(Input::Brief(b.source.clone()));
        let mut summary = self.brief_summary(b);
        summary.parties = self.party_refs(&b.parties);
        summary.parties_more = 0;
        summary.topics = b.topics.iter().filter_map(|t| self.topic_ref(t)).collect();
        summary.topics_more = 0;
        BriefView {
            summary,
            people: b.people.iter().map(|p| self.person(p)).collect(),
            commitments: b
                .commitments
                .iter()
                .filter_map(|m| {
                    let c = self.site.commitments.get(&m.id)?;
                    Some(MentionView {
                        commitment: self.commitment_summary(c),
                        status_here: self.status(&m.status),
                        status_given: m.status_given,
                        note: m.note.as_deref(),
                        quote: m.quote.as_deref(),
                        source: m.source.as_deref(),
                    })
                })
                .collect(),
            sources: &b.sources,
            content: &body.html,
            toc: &body.toc,
            heading_count: count_headings(&body.toc),
            words: b.body.words,
            reading_minutes: b.body.words.div_ceil(220).max(1),
            source_path: &b.source,
            extra: &b.extra,
            related: self.briefs(&b.related),
            aliases: &b.aliases,
            citation: super::cite::citation(self.site, b),
        }
    }

    fn person(&self, p: &'a PersonMention) -> PersonView<'a> {
        PersonView {
            name: &p.name,
            person: self.person_ref(&p.person).unwrap_or_else(|| PersonRef {
                slug: &p.person,
                name: &p.name,
                url: self.site.urls.path(&site_path::person(&p.person)),
            }),
            role: p.role.as_deref(),
            party: p.party.as_deref().and_then(|id| self.party_ref(id)),
        }
    }

    pub fn person_ref(&self, slug: &str) -> Option<PersonRef<'a>> {
        read(Input::PersonLink(slug.to_string()));
        let p: &'a Person = self.site.people.get(slug)?;
        Some(PersonRef {
            slug: &p.slug,
            name: &p.name,
            url: self.site.urls.path(&site_path::person(&p.slug)),
        })
    }

    pub fn person_page(&self, p: &'a Person) -> PersonPageView<'a> {
        read(Input::Person(p.slug.clone()));
        let mut parties: Vec<&'a str> = p.roles.iter().filter_map(|r| r.party.as_deref()).collect();
        parties.sort_unstable();
        parties.dedup();
        PersonPageView {
            link: self.person_ref(&p.slug).expect("person is in the site"),
            native: p.native.as_deref(),
            aliases: &p.aliases,
            content: &p.body.html,
            roles: p.roles.iter().map(|r| self.role(r)).collect(),
            parties: parties
                .into_iter()
                .filter_map(|id| self.party_ref(id))
                .collect(),
            brief_count: p.briefs.len(),
            registered: p.source.is_some(),
            extra: &p.extra,
        }
    }

    fn role(&self, r: &'a RoleSeen) -> RoleView<'a> {
        RoleView {
            role: r.role.as_deref(),
            party: r.party.as_deref().and_then(|id| self.party_ref(id)),
            first: r.first.to_string(),
            last: r.last.to_string(),
            briefs: r.briefs,
        }
    }

    pub fn commitment_summary(&self, c: &'a Commitment) -> CommitmentSummary<'a> {
        read(Input::Commitment(c.id.clone()));
        CommitmentSummary {
            id: &c.id,
            url: self.site.urls.path(&site_path::commitment(&c.id)),
            text: &c.text,
            by: self.party_refs(listed(&c.by)),
            by_more: c.by.len().saturating_sub(LISTED),
            topic: c.topic.as_deref().and_then(|t| self.topic_ref(t)),
            status: self.status(&c.status),
            due: c.due.map(|d| d.to_string()),
            first_seen: c.first_seen().map(|d| d.to_string()),
            last_seen: c.last_seen().map(|d| d.to_string()),
            mentions: c.timeline.len(),
            overdue: c.is_overdue(self.site.today, &self.site.config),
        }
    }

    /// A commitment on its own page: every party that made it.
    pub fn commitment(&self, c: &'a Commitment) -> CommitmentSummary<'a> {
        CommitmentSummary {
            by: self.party_refs(&c.by),
            by_more: 0,
            ..self.commitment_summary(c)
        }
    }

    pub fn party(&self, p: &'a Party) -> PartyView<'a> {
        read(Input::Party(p.id.clone()));
        PartyView {
            link: self.party_ref(&p.id).expect("party is in the site"),
            aliases: &p.aliases,
            members: self.party_refs(&p.members),
            member_of: self.party_refs(&p.member_of),
            website: p.url.as_deref(),
            content: &p.body.html,
            brief_count: p.briefs.len(),
            commitment_count: p.commitments.len(),
            met: p
                .met
                .iter()
                .take(10)
                .filter_map(|(id, n)| {
                    Some(MetView {
                        party: self.party_ref(id)?,
                        briefs: *n,
                    })
                })
                .collect(),
            extra: &p.extra,
        }
    }

    pub fn topic(&self, t: &'a Topic) -> TopicView<'a> {
        read(Input::Topic(t.id.clone()));
        TopicView {
            link: self.topic_ref(&t.id).expect("topic is in the site"),
            description: t.description.as_deref(),
            content: &t.body.html,
            brief_count: t.briefs.len(),
            commitment_count: t.commitments.len(),
            extra: &t.extra,
        }
    }

    /// The commitments `ids` of `party` by status, each with a link to the tracker filtered
    /// to them.
    pub fn status_groups(&self, party: &str, ids: &'a [String]) -> Vec<StatusGroup<'a>> {
        // The statuses of its commitments, which their summaries hold.
        ids.iter()
            .for_each(|id| read(Input::Commitment(id.clone())));
        let tracker = self.site.urls.path(site_path::COMMITMENTS);
        self.site
            .commitments_by_status(ids)
            .into_iter()
            .map(|(status, list)| StatusGroup {
                status: self.status(&status.id),
                count: list.len(),
                tracker_url: format!("{tracker}?party={party}&status={}", status.id),
            })
            .collect()
    }

    pub fn briefs(&self, indexes: &[usize]) -> Vec<BriefSummary<'a>> {
        indexes
            .iter()
            .filter_map(|&i| self.site.briefs.get(i))
            .map(|b| self.brief_summary(b))
            .collect()
    }
}

fn count_headings(toc: &[TocEntry]) -> usize {
    toc.iter().map(|h| 1 + count_headings(&h.children)).sum()
}

/// The flag emoji of an ISO 3166-1 alpha-2 code: two regional indicator symbols.
pub fn flag_emoji(iso: &str) -> Option<String> {
    let bytes = iso.as_bytes();
    if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    bytes
        .iter()
        .map(|b| char::from_u32(0x1F1E6 + u32::from(b - b'A')))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn flags_from_iso_codes() {
        assert_eq!(super::flag_emoji("JP").as_deref(), Some("🇯🇵"));
        assert_eq!(super::flag_emoji("jp"), None);
    }
}
