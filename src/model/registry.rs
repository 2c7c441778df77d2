//! The party and topic registries: one file per id under `content/parties/` and
//! `content/topics/`.

use std::collections::BTreeMap;

use crate::content::raw::Spanned;

use super::{Body, Party, PartyKind, Topic};
use crate::content::frontmatter::{self, Split};
use crate::content::raw::{PARTY_FIELDS, RawParty, RawTopic, TOPIC_FIELDS};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile, suggestion};

/// A parsed file: where it came from, and its front matter as written.
pub struct Doc<T> {
    pub file: SourceFile,
    pub split: Split,
    pub raw: T,
}

impl<T> Doc<T> {
    /// The byte range of a spanned value in this file.
    pub fn span(&self, value: &Spanned<String>) -> std::ops::Range<usize> {
        frontmatter::span_of(&self.file, &self.split, value)
    }

    pub fn body(&self) -> &str {
        &self.file.text[self.split.body.clone()]
    }

    pub fn error(&self, value: &Spanned<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(&self.file, self.span(value), message)
    }
}

/// Parse one file's front matter.
pub fn parse_doc<T: serde::de::DeserializeOwned>(
    file: &SourceFile,
    fields: &[&str],
) -> Result<Doc<T>, Diagnostic> {
    let split = frontmatter::split(file)?;
    let raw = frontmatter::parse(file, &split, fields)?;
    Ok(Doc {
        file: file.clone(),
        split,
        raw,
    })
}

/// The id of a registry entry: its file name without `.md`.
pub fn id_of(file: &SourceFile) -> &str {
    let name = file.path.rsplit('/').next().unwrap_or(&file.path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// Ids (party, topic, commitment, slug) are lowercase ASCII letters, digits and `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

pub fn invalid_id_help(id: &str) -> String {
    let s = slug::slugify(id);
    if s.is_empty() {
        "use lowercase letters, digits and `-`".into()
    } else {
        format!("use lowercase letters, digits and `-`, e.g. `{s}`")
    }
}

pub fn parse_parties(files: &[SourceFile], errors: &mut Diagnostics) -> Vec<Doc<RawParty>> {
    parse_registry(files, PARTY_FIELDS, "party", errors)
}

pub fn parse_topics(files: &[SourceFile], errors: &mut Diagnostics) -> Vec<Doc<RawTopic>> {
    parse_registry(files, TOPIC_FIELDS, "topic", errors)
}

pub(super) fn parse_registry<T: serde::de::DeserializeOwned>(
    files: &[SourceFile],
    fields: &[&str],
    what: &str,
    errors: &mut Diagnostics,
) -> Vec<Doc<T>> {
    files
        .iter()
        .filter_map(|file| {
            let id = id_of(file);
            if !is_valid_id(id) {
                errors.push(
                    Diagnostic::in_file(
                        &file.path,
                        format!("`{id}` is not a valid {what} id (the file name is the id)"),
                    )
                    .with_help(format!("rename the file: {}", invalid_id_help(id))),
                );
                return None;
            }
            match parse_doc(file, fields) {
                Ok(doc) => Some(doc),
                Err(d) => {
                    errors.push(d);
                    None
                }
            }
        })
        .collect()
}

/// Check a party's own fields (kind, iso, members) and build it, body not yet rendered.
pub fn build_party(
    doc: &Doc<RawParty>,
    known: &BTreeMap<String, ()>,
    errors: &mut Diagnostics,
) -> Party {
    let id = id_of(&doc.file).to_string();
    let RawParty {
        name,
        kind,
        short,
        aliases,
        iso,
        members,
        url,
        extra,
    } = &doc.raw;
    check_not_blank(doc, name, "name", errors);
    let kind = match kind {
        None => PartyKind::Other,
        Some(k) => match PartyKind::ALL.iter().find(|(s, _)| *s == k.value) {
            Some((_, kind)) => *kind,
            None => {
                let names = PartyKind::ALL.iter().map(|(s, _)| *s);
                errors.push(
                    doc.error(k, format!("unknown party kind `{}`", k.value))
                        .with_help(suggestion(&k.value, names, "kind").replace("ids", "values")),
                );
                PartyKind::Other
            }
        },
    };
    let iso = iso.as_ref().and_then(|code| {
        let upper = code.value.to_ascii_uppercase();
        if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
            Some(upper)
        } else {
            errors.push(
                doc.error(
                    code,
                    format!("`{}` is not an ISO 3166-1 alpha-2 code", code.value),
                )
                .with_help("use two letters, e.g. `JP` for Japan, `KR` for the Republic of Korea"),
            );
            None
        }
    });
    check_duplicates(doc, members, "members", errors);
    if let Some(u) = url {
        check_url(doc, u, errors);
    }
    for member in members {
        if member.value == id {
            errors.push(doc.error(member, format!("party `{id}` lists itself as a member")));
        } else if !known.contains_key(&member.value) {
            errors.push(unknown_id(
                doc,
                member,
                "party",
                known.keys().map(String::as_str),
                "content/parties",
            ));
        }
    }
    Party {
        id,
        source: doc.file.path.clone(),
        name: name.value.clone(),
        kind,
        short: short.clone(),
        aliases: aliases.clone(),
        iso,
        members: members.iter().map(|m| m.value.clone()).collect(),
        url: url.as_ref().map(|u| u.value.clone()),
        body: Body::default(),
        extra: extra.clone(),
        briefs: Vec::new(),
        commitments: Vec::new(),
        member_of: Vec::new(),
        met: Vec::new(),
    }
}

pub fn build_topic(doc: &Doc<RawTopic>, errors: &mut Diagnostics) -> Topic {
    let RawTopic {
        name,
        description,
        extra,
    } = &doc.raw;
    check_not_blank(doc, name, "name", errors);
    Topic {
        id: id_of(&doc.file).to_string(),
        source: doc.file.path.clone(),
        name: name.value.clone(),
        description: description.clone(),
        body: Body::default(),
        extra: extra.clone(),
        briefs: Vec::new(),
        commitments: Vec::new(),
    }
}

/// Links readers follow must be web addresses: `http(s)://`, `mailto:`, or a path on the
/// site. Anything else (`javascript:`, `file:`) is refused.
pub fn check_url<T>(doc: &Doc<T>, url: &Spanned<String>, errors: &mut Diagnostics) {
    let v = url.value.trim();
    let ok = match crate::urls::link_scheme(v).as_deref() {
        Some("http" | "https") => v.len() > "https://".len(),
        Some("mailto") => true,
        Some(_) => false,
        None => !v.is_empty(),
    };
    if !ok {
        errors.push(
            doc.error(url, format!("`{}` is not a web address", url.value))
                .with_help("use an http:// or https:// URL"),
        );
    }
}

/// A value that becomes a file or folder name of the output (a slug, a commitment id, the
/// slug of a person's name) must be one every system can write (see
/// [`crate::output::unportable_name`]); reported here at the value, before the output is
/// planned.
pub fn check_output_name<T>(
    doc: &Doc<T>,
    value: &Spanned<String>,
    name: &str,
    errors: &mut Diagnostics,
) {
    if let Some(why) = crate::output::unportable_name(name) {
        let shown: String = name.chars().take(60).collect();
        let ellipsis = if shown.len() < name.len() { "…" } else { "" };
        errors.push(
            doc.error(
                value,
                format!(
                    "this makes the name `{shown}{ellipsis}` in the site's addresses, which {why}"
                ),
            )
            .with_help("shorten it, or give the page a plainer name"),
        );
    }
}

/// A name or title must show something: not empty, not only spaces or invisible characters
/// (zero-width spaces, joiners, bidi controls, a soft hyphen), which would make an empty link.
pub fn check_not_blank<T>(
    doc: &Doc<T>,
    value: &Spanned<String>,
    field: &str,
    errors: &mut Diagnostics,
) {
    if is_blank(&value.value) {
        let what = if value.value.is_empty() {
            format!("`{field}` is empty")
        } else {
            format!("`{field}` has no visible characters")
        };
        errors.push(
            doc.error(value, what)
                .with_help(format!("write the {field} out in words")),
        );
    }
}

/// Only whitespace and invisible format characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(c,
                '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
                | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{E0000}'..='\u{E007F}')
    })
}

/// An id listed twice in one list (`parties: [jp, jp]`) would count twice everywhere.
pub fn check_duplicates<T>(
    doc: &Doc<T>,
    list: &[Spanned<String>],
    field: &str,
    errors: &mut Diagnostics,
) {
    for (i, item) in list.iter().enumerate() {
        if list[..i].iter().any(|other| other.value == item.value) {
            errors.push(
                doc.error(
                    item,
                    format!("`{}` is listed twice in `{field}`", item.value),
                )
                .with_help("remove one of them"),
            );
        }
    }
}

/// "unknown party `jpn`", with the nearest known id, or how to add it.
pub fn unknown_id<'a, T>(
    doc: &Doc<T>,
    value: &Spanned<String>,
    what: &str,
    known: impl Iterator<Item = &'a str> + Clone,
    dir: &str,
) -> Diagnostic {
    let hint = suggestion(&value.value, known, what);
    doc.error(value, format!("unknown {what} `{}`", value.value))
        .with_label(format!("no {dir}/{}.md", value.value))
        .with_help(format!("{hint} (or create {dir}/{}.md)", value.value))
}
