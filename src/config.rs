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
    /// Folders outside the site root that its files may link into (see
    /// [`crate::content::Boundary`], which reads them with [`BeforeLoad`] before loading).
    pub allow_outside: Vec<String>,
    /// How Markdown bodies are read (`[markdown]`).
    pub markdown: crate::markdown::Flavor,
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
    base_url: toml::Spanned<String>,
    #[serde(default = "default_language")]
    language: toml::Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default = "default_output_dir")]
    output_dir: PathBuf,
    #[serde(default = "default_raw_statuses")]
    statuses: toml::Spanned<Vec<RawStatus>>,
    #[serde(default)]
    options: Options,
    #[serde(default)]
    extra: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    cname: Option<toml::Spanned<String>>,
    #[serde(default)]
    allow_outside: Vec<String>,
    #[serde(default)]
    markdown: MarkdownOptions,
}

/// `[markdown]`: how bodies are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct MarkdownOptions {
    /// Publish raw HTML as written (authors are trusted); `false` shows it as text.
    raw_html: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions { raw_html: true }
    }
}

/// A status as written, with where its id is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    id: toml::Spanned<String>,
    label: String,
    #[serde(default)]
    closes: bool,
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
    "allow_outside",
    "markdown",
];

fn default_language() -> toml::Spanned<String> {
    toml::Spanned::new(0..0, "en".into())
}

fn default_raw_statuses() -> toml::Spanned<Vec<RawStatus>> {
    let statuses = default_statuses()
        .into_iter()
        .map(|s| RawStatus {
            id: toml::Spanned::new(0..0, s.id),
            label: s.label,
            closes: s.closes,
        })
        .collect();
    toml::Spanned::new(0..0, statuses)
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
            allow_outside,
            markdown,
        } = raw;
        let mut errors = Diagnostics::new();
        let base_url = match parse_base_url(base_url.get_ref()) {
            Ok(url) => Some(url),
            Err(msg) => {
                errors.push(
                    Diagnostic::at(file, base_url.span(), msg)
                        .with_help("use an absolute URL such as `https://org.github.io/briefs/`"),
                );
                None
            }
        };
        let language = parse_language(file, &language, &mut errors);
        let cname = cname.and_then(|c| parse_cname(file, &c, &mut errors));
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
            statuses: statuses
                .into_inner()
                .into_iter()
                .map(|s| Status {
                    id: s.id.into_inner(),
                    label: s.label,
                    closes: s.closes,
                })
                .collect(),
            options,
            extra: serde_json::Value::Object(extra.into_iter().collect()),
            cname,
            allow_outside,
            markdown: crate::markdown::Flavor {
                raw_html: markdown.raw_html,
            },
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

/// What loading the site needs from `accord.toml` before [`Config::parse`] can run: the
/// folders outside the root its files may link into (`allow_outside`) and the output
/// directory, whose files are never read as the site's (see [`crate::content::Boundary`]).
/// A file that does not parse gives the defaults; [`Config::parse`] reports why.
#[derive(Debug, Deserialize)]
pub struct BeforeLoad {
    #[serde(default)]
    pub allow_outside: Vec<String>,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
}

impl BeforeLoad {
    pub fn read(text: &str) -> BeforeLoad {
        toml::from_str(text).unwrap_or_else(|_| BeforeLoad {
            allow_outside: Vec::new(),
            output_dir: default_output_dir(),
        })
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

fn check_statuses(
    file: &SourceFile,
    statuses: &toml::Spanned<Vec<RawStatus>>,
    errors: &mut Diagnostics,
) {
    if statuses.get_ref().is_empty() {
        errors.push(
            Diagnostic::at(file, statuses.span(), "the status vocabulary is empty")
                .with_help("remove `statuses` to use the default scale, or list at least one"),
        );
    }
    let statuses = statuses.get_ref();
    for (i, s) in statuses.iter().enumerate() {
        let id = s.id.get_ref();
        if let Some(first) = statuses[..i].iter().find(|t| t.id.get_ref() == id) {
            errors.push(
                Diagnostic::at(file, s.id.span(), format!("status `{id}` is defined twice"))
                    .with_related(file, first.id.span(), "first defined here"),
            );
        }
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push(
                Diagnostic::at(
                    file,
                    s.id.span(),
                    format!("status id `{id}` is not a valid id"),
                )
                .with_help("use lowercase letters, digits and `-`, e.g. `in-progress`"),
            );
        }
    }
}

/// `language`: a BCP 47 language tag (`en`, `en-GB`, `pt-BR`, `zh-Hant-TW`), in its canonical
/// case. It names files of the search index, so nothing else may pass.
fn parse_language(
    file: &SourceFile,
    language: &toml::Spanned<String>,
    errors: &mut Diagnostics,
) -> String {
    let text = language.get_ref();
    match icu_locale_core::Locale::try_from_str(text) {
        Ok(locale) if !text.is_empty() => locale.to_string(),
        _ => {
            errors.push(
                Diagnostic::at(
                    file,
                    language.span(),
                    format!(
                        "`language` must be a BCP 47 language tag, not `{}`",
                        text.escape_debug()
                    ),
                )
                .with_help("use a tag such as \"en\", \"en-GB\", \"fr\", \"ja\" or \"pt-BR\""),
            );
            String::new()
        }
    }
}

/// `cname`: the one host name GitHub Pages serves the site at (`briefs.example.org`), written
/// to `CNAME` as its only line. Empty means none.
fn parse_cname(
    file: &SourceFile,
    cname: &toml::Spanned<String>,
    errors: &mut Diagnostics,
) -> Option<String> {
    let text = cname.get_ref().trim();
    if text.is_empty() {
        return None;
    }
    if is_host_name(text) {
        return Some(text.to_ascii_lowercase());
    }
    errors.push(
        Diagnostic::at(
            file,
            cname.span(),
            format!("`cname` must be a host name, not `{}`", text.escape_debug()),
        )
        .with_help(
            "give the domain alone, e.g. cname = \"briefs.example.org\" (no scheme, path or port)",
        ),
    );
    None
}

/// A DNS host name: dot-separated labels of ASCII letters, digits and inner `-`, each 1 to 63
/// characters, 253 in all, with at least one dot. (An internationalised domain goes in its
/// `xn--` form, which is what GitHub's CNAME file takes.)
fn is_host_name(text: &str) -> bool {
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    text.len() <= 253 && text.contains('.') && text.split('.').all(label_ok)
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

    #[test]
    fn language_must_be_a_bcp47_tag() {
        let site = |lang: &str| {
            format!("title = \"T\"\nbase_url = \"https://x.org/\"\nlanguage = \"{lang}\"\n")
        };
        assert_eq!(parse(&site("en-gb")).unwrap().language, "en-GB");
        assert_eq!(parse(&site("zh-Hant-TW")).unwrap().language, "zh-Hant-TW");
        let long = "a".repeat(40);
        for bad in [
            "../../../../tmp/zz",
            long.as_str(),
            "",
            "en US",
            "en/x",
            "e",
        ] {
            let err = parse(&site(bad)).unwrap_err().to_string();
            assert!(err.contains("accord.toml:3:12"), "{bad}: {err}");
            assert!(err.contains("BCP 47"), "{bad}: {err}");
        }
    }

    #[test]
    fn cname_must_be_a_host_name() {
        let site =
            |c: &str| format!("title = \"T\"\nbase_url = \"https://x.org/\"\ncname = \"{c}\"\n");
        assert_eq!(
            parse(&site("Briefs.Example.org")).unwrap().cname.as_deref(),
            Some("briefs.example.org")
        );
        assert_eq!(parse(&site(" ")).unwrap().cname, None);
        for bad in [
            "x.org\\n<script>",
            "https://x.org",
            "x.org/path",
            "x.org:8080",
            "localhost",
            "-x.org",
        ] {
            let err = parse(&site(bad)).unwrap_err().to_string();
            assert!(err.contains("accord.toml:3:9"), "{bad}: {err}");
            assert!(err.contains("must be a host name"), "{bad}: {err}");
        }
    }

    #[test]
    fn status_errors_point_at_the_id() {
        let err = parse(
            "title = \"T\"\nbase_url = \"https://x.org/\"\n[[statuses]]\nid = \"kept\"\nlabel = \"K\"\n[[statuses]]\nlabel = \"Bad\"\nid = \"not ok\"\n[[statuses]]\nid = \"kept\"\nlabel = \"Again\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("accord.toml:8:6"), "{err}");
        assert!(err.contains("accord.toml:10:6"), "{err}");
        assert!(err.contains("first defined here"), "{err}");
    }
}
