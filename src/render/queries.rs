//! Template functions that query the site, so a theme can build views the default one does
//! not have: `get_briefs(party="jp", limit=5)`, `get_commitments(status="stalled")`,
//! `get_party(id="jp")`... (listed in the README, "Template functions").
//!
//! Tera's functions are registered once, but the site changes between rebuilds, so the site
//! is lent to the rendering thread for the length of each render ([`with_site`]) rather than
//! copied into every page's context.

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use super::context::Views;
use super::prepared::Prepared;
use crate::diagnostics::suggestion;
use crate::model::Site;

scoped_tls::scoped_thread_local!(static SITE: Site);
scoped_tls::scoped_thread_local!(static PREPARED: Prepared);

/// The names of the functions, for the rebuild to know which templates query the site.
pub const FUNCTIONS: &[&str] = &[
    "get_briefs",
    "get_commitments",
    "get_party",
    "get_topic",
    "get_person",
    "get_commitment",
    "site_counts",
    "build_date",
];

/// Run `render` with `site` (and the values its pages share) available to the query
/// functions on this thread.
pub fn with_site<R>(site: &Site, prepared: &Prepared, render: impl FnOnce() -> R) -> R {
    SITE.set(site, || PREPARED.set(prepared, render))
}

fn query(name: &'static str, kwargs: &Kwargs) -> TeraResult<Value> {
    if !SITE.is_set() || !PREPARED.is_set() {
        return Err(Error::message(
            "site queries are only available while rendering a page",
        ));
    }
    super::deps::read(super::deps::Input::Query(
        name.to_string(),
        args_key(kwargs),
    ));
    SITE.with(|site| PREPARED.with(|prepared| call(name, &Views { site, prepared }, kwargs)))
}

/// A query's arguments as JSON, keys in order: the same call gives the same key.
fn args_key(kwargs: &Kwargs) -> String {
    let args: std::collections::BTreeMap<String, &Value> =
        kwargs.iter().map(|(k, v)| (k.to_string(), v)).collect();
    serde_json::to_string(&args).unwrap_or_default()
}

/// What the query `name` with `args` (see [`args_key`]) gives in the site of `v`, or its
/// error: what a page's read of it is fingerprinted from (see [`super::record`]).
pub(super) fn replay(v: &Views, name: &str, args: &str) -> Result<Value, String> {
    let json: serde_json::Value = serde_json::from_str(args).map_err(|e| e.to_string())?;
    let map = Value::from_serializable(&json)
        .into_map()
        .unwrap_or_default();
    call(name, v, &Kwargs::new(std::sync::Arc::new(map))).map_err(|e| e.to_string())
}

pub fn register(tera: &mut Tera) {
    for &name in FUNCTIONS {
        tera.register_function(name, move |kwargs: Kwargs, _: &State| query(name, &kwargs));
    }
}

/// Run the query function `name`.
fn call(name: &str, v: &Views, kwargs: &Kwargs) -> TeraResult<Value> {
    let site = v.site;
    match name {
        "get_briefs" => briefs(v, kwargs),
        "get_commitments" => commitments(v, kwargs),
        "get_party" => {
            let id: String = kwargs.must_get("id")?;
            let p = known(site.parties.get(&id), &id, site.parties.keys(), "party")?;
            Ok(Value::from_serializable(&v.party(p)))
        }
        "get_topic" => {
            let id: String = kwargs.must_get("id")?;
            let t = known(site.topics.get(&id), &id, site.topics.keys(), "topic")?;
            Ok(Value::from_serializable(&v.topic(t)))
        }
        "get_person" => {
            let slug: String = kwargs.must_get("slug")?;
            let p = known(site.people.get(&slug), &slug, site.people.keys(), "person")?;
            Ok(Value::from_serializable(&v.person_page(p)))
        }
        "get_commitment" => {
            let id: String = kwargs.must_get("id")?;
            let c = known(
                site.commitments.get(&id),
                &id,
                site.commitments.keys(),
                "commitment",
            )?;
            Ok(Value::from_serializable(&v.commitment_summary(c)))
        }
        "site_counts" => Ok(Value::from_serializable(&super::context::Counts {
            briefs: site.briefs.len(),
            parties: site.parties.len(),
            topics: site.topics.len(),
            commitments: site.commitments.len(),
            people: site.people.len(),
        })),
        "build_date" => Ok(Value::from(site.today.to_string())),
        other => Err(Error::message(format!("no query function `{other}`"))),
    }
}

/// An id a template asked for, or an error naming the closest one.
fn known<'a, T>(
    found: Option<&'a T>,
    id: &str,
    ids: impl Iterator<Item = &'a String> + Clone,
    what: &str,
) -> TeraResult<&'a T> {
    found.ok_or_else(|| {
        Error::message(format!(
            "no {what} `{id}`: {}",
            suggestion(id, ids.map(String::as_str), what)
        ))
    })
}

/// `get_briefs(party=, topic=, person=, commitment=, limit=)`: briefs naming all of the
/// given, newest first.
fn briefs(v: &Views, kwargs: &Kwargs) -> TeraResult<Value> {
    let site = v.site;
    let party: Option<String> = kwargs.get("party")?;
    let topic: Option<String> = kwargs.get("topic")?;
    let person: Option<String> = kwargs.get("person")?;
    let commitment: Option<String> = kwargs.get("commitment")?;
    let limit: Option<usize> = kwargs.get("limit")?;
    if let Some(id) = &party {
        known(site.parties.get(id), id, site.parties.keys(), "party")?;
    }
    if let Some(id) = &topic {
        known(site.topics.get(id), id, site.topics.keys(), "topic")?;
    }
    if let Some(slug) = &person {
        known(site.people.get(slug), slug, site.people.keys(), "person")?;
    }
    if let Some(id) = &commitment {
        known(
            site.commitments.get(id),
            id,
            site.commitments.keys(),
            "commitment",
        )?;
    }
    let list: Vec<_> = site
        .briefs
        .iter()
        .filter(|b| party.as_ref().is_none_or(|p| b.parties.contains(p)))
        .filter(|b| topic.as_ref().is_none_or(|t| b.topics.contains(t)))
        .filter(|b| {
            person
                .as_ref()
                .is_none_or(|p| b.people.iter().any(|m| &m.person == p))
        })
        .filter(|b| {
            commitment
                .as_ref()
                .is_none_or(|c| b.commitments.iter().any(|m| &m.id == c))
        })
        .take(limit.unwrap_or(usize::MAX))
        .map(|b| v.brief_summary(b))
        .collect();
    Ok(Value::from_serializable(&list))
}

/// `get_commitments(status=, party=, topic=, overdue=)`: commitments matching all of the
/// given, by id.
fn commitments(v: &Views, kwargs: &Kwargs) -> TeraResult<Value> {
    let site = v.site;
    let status: Option<String> = kwargs.get("status")?;
    let party: Option<String> = kwargs.get("party")?;
    let topic: Option<String> = kwargs.get("topic")?;
    let overdue: Option<bool> = kwargs.get("overdue")?;
    if let Some(s) = &status
        && site.config.status(s).is_none()
    {
        let ids = site.config.statuses.iter().map(|s| s.id.as_str());
        return Err(Error::message(format!(
            "no status `{s}`: {}",
            suggestion(s, ids, "status")
        )));
    }
    let list: Vec<_> = site
        .commitments
        .values()
        .filter(|c| status.as_ref().is_none_or(|s| &c.status == s))
        .filter(|c| party.as_ref().is_none_or(|p| c.by.contains(p)))
        .filter(|c| topic.as_ref().is_none_or(|t| c.topic.as_ref() == Some(t)))
        .filter(|c| overdue.is_none_or(|o| c.is_overdue(site.today, &site.config) == o))
        .map(|c| v.commitment_summary(c))
        .collect();
    Ok(Value::from_serializable(&list))
}
