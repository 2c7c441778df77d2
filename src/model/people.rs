//! People: the optional registry (`content/people/<slug>.md`) and everyone the briefs name,
//! gathered under one slug per person. A registry entry's name, native spelling and aliases
//! all lead to it, so "Iwaya Takeshi", "Takeshi Iwaya" and 岩屋毅 are one person; a name no
//! entry claims is a person of its own, keyed by its slug.

use std::collections::{BTreeMap, HashMap};

use super::registry::{Doc, id_of, parse_registry};
use super::{Body, Brief, Person, RoleSeen};
use crate::content::raw::{PERSON_FIELDS, RawPersonEntry};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile};

/// The registry, and every spelling that leads to an entry of it.
pub(super) struct Directory {
    pub(super) docs: Vec<Doc<RawPersonEntry>>,
    by_name: HashMap<String, String>,
}

/// Parse the people registry. Two entries claiming the same spelling are an error: a brief
/// naming it could mean either.
pub(super) fn parse_directory(files: &[SourceFile], errors: &mut Diagnostics) -> Directory {
    let docs = parse_registry::<RawPersonEntry>(files, PERSON_FIELDS, "person", errors);
    let mut by_name: HashMap<String, String> = HashMap::new();
    for doc in &docs {
        let slug = id_of(&doc.file).to_string();
        let raw = &doc.raw;
        super::registry::check_not_blank(doc, &raw.name, "name", errors);
        let spelled = std::iter::once((raw.name.value.as_str(), None))
            .chain(raw.native.iter().map(|n| (n.value.as_str(), Some(n))))
            .chain(raw.aliases.iter().map(|a| (a.value.as_str(), Some(a))));
        for (name, span) in spelled {
            let key = name_key(name);
            match by_name.get(&key) {
                Some(other) if *other != slug => {
                    let message = format!("`{name}` already names the person `{other}`");
                    let d = match span {
                        Some(s) => doc.error(s, message),
                        None => Diagnostic::in_file(&doc.file.path, message),
                    };
                    errors.push(d.with_help(format!(
                        "a name must lead to one person: remove it here or from content/people/{other}.md"
                    )));
                }
                Some(_) => {}
                None => {
                    by_name.insert(key, slug.clone());
                }
            }
        }
        by_name.entry(name_key(&slug)).or_insert(slug);
    }
    Directory { docs, by_name }
}

impl Directory {
    /// The slug of the person a brief names: the registry entry with that spelling, else the
    /// name made URL-safe.
    pub(super) fn slug_for(&self, name: &str) -> String {
        if let Some(slug) = self.by_name.get(&name_key(name)) {
            return slug.clone();
        }
        let slug = slug::slugify(name);
        if slug.is_empty() {
            // A name with nothing to transliterate still needs a stable address.
            format!("person-{:x}", fnv1a(name.as_bytes()))
        } else {
            slug
        }
    }
}

/// Spellings compare without case and with runs of spaces as one.
fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// Point each person a brief names at their slug.
pub(super) fn assign(briefs: &mut [Brief], directory: &Directory) {
    for brief in briefs {
        for mention in &mut brief.people {
            mention.person = directory.slug_for(&mention.name);
        }
    }
}

/// Everyone in the registry or named in a brief, with the roles and briefs they were seen in.
/// `bodies` are the registry entries' rendered bodies, in `directory.docs` order.
pub(super) fn gather(
    briefs: &[Brief],
    directory: &Directory,
    bodies: Vec<Body>,
) -> BTreeMap<String, Person> {
    let mut people: BTreeMap<String, Person> = BTreeMap::new();
    for (doc, body) in directory.docs.iter().zip(bodies) {
        let slug = id_of(&doc.file).to_string();
        let raw = &doc.raw;
        people.insert(
            slug.clone(),
            Person {
                slug,
                name: raw.name.value.clone(),
                native: raw.native.as_ref().map(|n| n.value.clone()),
                aliases: raw.aliases.iter().map(|a| a.value.clone()).collect(),
                source: Some(doc.file.path.clone()),
                body,
                extra: raw.extra.clone(),
                roles: Vec::new(),
                briefs: Vec::new(),
            },
        );
    }
    // Briefs are newest first, so the first name seen for an unregistered person is the
    // latest spelling.
    let mut counted = std::collections::HashSet::new();
    for (index, brief) in briefs.iter().enumerate() {
        for mention in &brief.people {
            let person = people
                .entry(mention.person.clone())
                .or_insert_with(|| Person {
                    slug: mention.person.clone(),
                    name: mention.name.clone(),
                    native: None,
                    aliases: Vec::new(),
                    source: None,
                    body: Body::default(),
                    extra: Default::default(),
                    roles: Vec::new(),
                    briefs: Vec::new(),
                });
            if person.briefs.last() != Some(&index) {
                person.briefs.push(index);
            }
            let key = name_key(&mention.name);
            let spelled_before = name_key(&person.name) == key
                || person.native.as_deref().map(name_key) == Some(key.clone())
                || person.aliases.iter().any(|a| name_key(a) == key);
            if !spelled_before {
                person.aliases.push(mention.name.clone());
            }
            let role_key = (
                mention.person.clone(),
                mention.role.clone(),
                mention.party.clone(),
                index,
            );
            let new_in_brief = counted.insert(role_key);
            see_role(&mut person.roles, mention, brief.date, new_in_brief);
        }
    }
    for person in people.values_mut() {
        person
            .roles
            .sort_by_key(|r| std::cmp::Reverse((r.last, r.first)));
    }
    people
}

/// See a person in a role on `date`; `new_in_brief` is false when the same brief already
/// named them in it (under another spelling), so the brief counts once.
fn see_role(
    roles: &mut Vec<RoleSeen>,
    mention: &super::PersonMention,
    date: jiff::civil::Date,
    new_in_brief: bool,
) {
    match roles
        .iter_mut()
        .find(|r| r.role == mention.role && r.party == mention.party)
    {
        Some(r) => {
            r.first = r.first.min(date);
            r.last = r.last.max(date);
            if new_in_brief {
                r.briefs += 1;
            }
        }
        None => roles.push(RoleSeen {
            role: mention.role.clone(),
            party: mention.party.clone(),
            first: date,
            last: date,
            briefs: 1,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_compare_loosely() {
        assert_eq!(name_key("  Takeshi   IWAYA "), "takeshi iwaya");
        assert_eq!(name_key("岩屋毅"), "岩屋毅");
    }

    #[test]
    fn unregistered_names_get_slugs() {
        let d = Directory {
            docs: Vec::new(),
            by_name: HashMap::new(),
        };
        assert_eq!(d.slug_for("Marco Rubio"), "marco-rubio");
        assert!(!d.slug_for("…").is_empty());
    }
}
