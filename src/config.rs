//! `accord.toml`: the site's settings, parsed once into a [`Config`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use url::Url;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile, suggestion};

/// The file name of the configuration at the site root.
pub const CONFIG_FILE: &str = "accord.toml";

/// Settings of a site, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Absolute base URL; its path (`/briefs/`) is the prefix of every internal link.
    pub base_url: Url,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
    pub description: String,
    /// Output directory, relative to the site root unless absolute.
    pub output_dir: PathBuf,
    /// The commitment status vocabulary, in display order.
    pub statuses: Vec<Status>,
    pub options: Options,
    /// Free-form values for templates (`config.extra`).
    pub extra: serde_json::Value,
    /// A custom domain for GitHub Pages, written to `CNAME`.
    pub cname: Option<String>,
}

/// One value of the commitment status vocabulary.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Status {
    pub id: String,
    pub label: String,
    /// Whether a commitment with this status is finished (fulfilled, abandoned, ...).
    #[serde(default)]
    pub closes: bool,
}

/// Tunables with defaults.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// Briefs per page on the index.
    pub per_page: usize,
    /// strftime-style format for dates shown in pages (`%-d %B %Y` gives "11 July 2025").
    pub date_format: String,
    /// Build the search index and the search page.
    pub search: bool,
    /// Briefs per search index shard; `None`: an eighth of the briefs, 250 to 1,000 (see
    /// `search::shard_size`). Shards are indexed in parallel and with bounded memory, and the
    /// search page queries them all.
    pub search_shard_size: Option<usize>,
    /// URLs per sitemap file, at most the protocol's 50,000 (see `render::sitemap`).
    pub sitemap_urls: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            per_page: 10,
            date_format: "%-d %B %Y".into(),
            search: true,
            search_shard_size: None,
            sitemap_urls: crate::render::sitemap::MAX_URLS_PER_FILE,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_output_dir")]
    output_dir: PathBuf,
    #[serde(default = "default_statuses")]
    statuses: Vec<Status>,
    #[serde(default)]
    options: Options,
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    cname: Option<String>,
}

const CONFIG_FIELDS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "description",
    "output_dir",
    "statuses",
    "options",
    "extra",
    "cname",
];

fn default_language() -> String {
    "en".into()
}

fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}

/// The default status scale: announced → reaffirmed → in progress → fulfilled / stalled / abandoned.
pub fn default_statuses() -> Vec<Status> {
    [
        ("announced", "Announced", false),
        ("reaffirmed", "Reaffirmed", false),
        ("in-progress", "In progress", false),
        ("fulfilled", "Fulfilled", true),
        ("stalled", "Stalled", false),
        ("abandoned", "Abandoned", true),
    ]
    .into_iter()
    .map(|(id, label, closes)| Status {
        id: id.into(),
        label: label.into(),
        closes,
    })
    .collect()
}

impl Config {
    /// Parse and validate `accord.toml`.
    pub fn parse(file: &SourceFile) -> Result<Config, Diagnostics> {
        let raw: RawConfig = toml::from_str(&file.text).map_err(|e| toml_error(file, &e))?;
        let RawConfig {
            title,
            base_url,
            language,
            description,
            output_dir,
            statuses,
            options,
            extra,
            cname,
        } = raw;
        let mut errors = Diagnostics::new();
        let base_url = match parse_base_url(&base_url) {
            Ok(url) => Some(url),
            Err(msg) => {
                errors.push(
                    at_value(file, "base_url", &base_url, msg)
                        .with_help("use an absolute URL such as `https://org.github.io/briefs/`"),
                );
                None
            }
        };
        check_statuses(file, &statuses, &mut errors);
        if let Err(e) =
            jiff::fmt::strtime::format(options.date_format.as_str(), jiff::civil::date(2025, 7, 11))
        {
            errors.push(
                at_value(
                    file,
                    "date_format",
                    &options.date_format,
                    format!("`date_format` is not a valid date format: {e}"),
                )
                .with_help(
                    "use strftime codes, e.g. \"%-d %B %Y\" for 11 July 2025 or \"%Y-%m-%d\"",
                ),
            );
        }
        if options.per_page == 0 {
            errors.push(
                at_value(file, "per_page", "0", "`per_page` must be at least 1")
                    .with_help("set `per_page = 10` under `[options]`"),
            );
        }
        if options.search_shard_size == Some(0) {
            errors.push(
                at_value(
                    file,
                    "search_shard_size",
                    "0",
                    "`search_shard_size` must be at least 1",
                )
                .with_help(format!(
                    "leave it out to have shards of {} to {} briefs by the site's size, or set a number of briefs per shard",
                    crate::search::MIN_SHARD_SIZE,
                    crate::search::MAX_SHARD_SIZE
                )),
            );
        }
        let max_urls = crate::render::sitemap::MAX_URLS_PER_FILE;
        if options.sitemap_urls == 0 || options.sitemap_urls > max_urls {
            errors.push(
                at_value(
                    file,
                    "sitemap_urls",
                    &options.sitemap_urls.to_string(),
                    format!("`sitemap_urls` must be between 1 and {max_urls}"),
                )
                .with_help(format!(
                    "the sitemaps protocol allows at most {max_urls} URLs a file; leave it out for that"
                )),
            );
        }
        errors.into_result(())?;
        Ok(Config {
            title,
            base_url: base_url.expect("checked above"),
            language,
            description,
            output_dir,
            statuses,
            options,
            extra: serde_json::Value::Object(extra.into_iter().collect()),
            cname: cname
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
        })
    }

    /// Replace the base URL (from `--base-url`).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        self.base_url = parse_base_url(url).map_err(|msg| {
            Diagnostic::general(format!("--base-url {url}: {msg}"))
                .with_help("use an absolute URL such as `https://org.github.io/briefs/`")
        })?;
        Ok(())
    }

    pub fn status(&self, id: &str) -> Option<&Status> {
        self.statuses.iter().find(|s| s.id == id)
    }
}

/// An absolute http(s) URL; a missing trailing slash is added so the path is a directory.
pub fn parse_base_url(text: &str) -> Result<Url, String> {
    let mut url = Url::parse(text).map_err(|e| format!("`{text}` is not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}` must start with http:// or https://"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{text}` must not have a query or fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn check_statuses(file: &SourceFile, statuses: &[Status], errors: &mut Diagnostics) {
    if statuses.is_empty() {
        errors.push(
            at_value(
                file,
                "statuses",
                "statuses",
                "the status vocabulary is empty",
            )
            .with_help("remove `statuses` to use the default scale, or list at least one"),
        );
    }
    for (i, s) in statuses.iter().enumerate() {
        if statuses[..i].iter().any(|t| t.id == s.id) {
            errors.push(at_value(
                file,
                "id",
                &s.id,
                format!("status `{}` is defined twice", s.id),
            ));
        }
        if s.id.is_empty()
            || !s
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push(
                at_value(
                    file,
                    "id",
                    &s.id,
                    format!("status id `{}` is not a valid id", s.id),
                )
                .with_help("use lowercase letters, digits and `-`, e.g. `in-progress`"),
            );
        }
    }
}

/// A diagnostic pointing at `value` on the first line that assigns `key`, or at the file.
fn at_value(file: &SourceFile, key: &str, value: &str, message: impl Into<String>) -> Diagnostic {
    let range = file
        .text
        .lines()
        .scan(0usize, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .find(|(_, line)| line.trim_start().starts_with(key) && line.contains(value))
        .map(|(start, line)| {
            let at = line.find(value).unwrap_or(0);
            start + at..start + at + value.len()
        })
        .unwrap_or(0..0);
    Diagnostic::at(file, range, message)
}

/// A TOML syntax or schema error, at its span, with a suggestion for an unknown key.
pub fn toml_error(file: &SourceFile, e: &toml::de::Error) -> Diagnostics {
    let range = e.span().unwrap_or(0..0);
    let message = e.message().trim().to_string();
    let help = unknown_field_name(&message)
        .map(|name| suggestion(name, CONFIG_FIELDS.iter().copied(), "setting"));
    Diagnostic::at(file, range, format!("{CONFIG_FILE}: {message}"))
        .with_help_opt(help)
        .into()
}

/// The field name in serde's "unknown field `x`, expected ..." message.
pub fn unknown_field_name(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(&SourceFile::new("accord.toml", text))
    }

    #[test]
    fn base_url_gets_a_trailing_slash_and_keeps_its_path() {
        let c = parse("title = \"T\"\nbase_url = \"https://org.github.io/briefs\"\n").unwrap();
        assert_eq!(c.base_url.as_str(), "https://org.github.io/briefs/");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.statuses.len(), 6);
        assert!(c.status("fulfilled").unwrap().closes);
    }

    #[test]
    fn unknown_setting_suggests_nearest() {
        let err = parse("title = \"T\"\nbase_url = \"https://x.org/\"\ndescripton = \"d\"\n")
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("accord.toml:3:1"), "{text}");
        assert!(text.contains("did you mean `description`?"), "{text}");
    }

    #[test]
    fn relative_base_url_is_an_error() {
        let err = parse("title = \"T\"\nbase_url = \"/briefs/\"\n").unwrap_err();
        assert!(err.to_string().contains("accord.toml:2:"), "{err}");
    }

    #[test]
    fn custom_status_scale() {
        let c = parse(
            "title = \"T\"\nbase_url = \"https://x.org/\"\n[[statuses]]\nid = \"kept\"\nlabel = \"Promise kept\"\ncloses = true\n",
        )
        .unwrap();
        assert_eq!(c.statuses.len(), 1);
        assert_eq!(c.statuses[0].label, "Promise kept");
    }
}
