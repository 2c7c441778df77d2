//! The default theme, embedded in the binary, and a site's overrides of it.

use std::sync::Arc;

use jiff::civil::Date;
use tera::{Error, Kwargs, State, Tera, TeraResult};

use crate::content::Sources;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::urls::Urls;

/// The default theme's templates, by name.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "components.html",
        include_str!("../../templates/components.html"),
    ),
    ("index.html", include_str!("../../templates/index.html")),
    ("brief.html", include_str!("../../templates/brief.html")),
    ("party.html", include_str!("../../templates/party.html")),
    ("parties.html", include_str!("../../templates/parties.html")),
    ("topic.html", include_str!("../../templates/topic.html")),
    ("topics.html", include_str!("../../templates/topics.html")),
    (
        "commitment.html",
        include_str!("../../templates/commitment.html"),
    ),
    (
        "commitments.html",
        include_str!("../../templates/commitments.html"),
    ),
    (
        super::TRACKER_ROW_TEMPLATE,
        include_str!("../../templates/tracker_row.html"),
    ),
    (
        "commitment_list.html",
        include_str!("../../templates/commitment_list.html"),
    ),
    ("person.html", include_str!("../../templates/person.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("people.html", include_str!("../../templates/people.html")),
    ("404.html", include_str!("../../templates/404.html")),
];

/// The default theme's assets, written to the output unless the site's `static/` has a file of
/// the same name.
pub const DEFAULT_ASSETS: &[(&str, &[u8])] = &[
    ("accord.css", include_bytes!("../../static/accord.css")),
    (
        "accord-print.css",
        include_bytes!("../../static/accord-print.css"),
    ),
    (
        "accord-tracker.js",
        include_bytes!("../../static/accord-tracker.js"),
    ),
    (
        "accord-search.js",
        include_bytes!("../../static/accord-search.js"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateOrigin {
    Default,
    /// From the site's `templates/` directory.
    Site,
}

/// The templates in effect for a site.
#[derive(Debug, Clone)]
pub struct Theme {
    pub templates: Vec<(String, Arc<str>, TemplateOrigin)>,
}

impl Theme {
    /// The default theme with the site's templates laid over it, file by file.
    pub fn for_site(sources: &Sources) -> Theme {
        let mut templates: Vec<(String, Arc<str>, TemplateOrigin)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), Arc::from(*text), TemplateOrigin::Default))
            .collect();
        for file in &sources.templates {
            match templates.iter_mut().find(|(name, _, _)| *name == file.path) {
                Some(slot) => *slot = (file.path.clone(), file.text.clone(), TemplateOrigin::Site),
                None => {
                    templates.push((file.path.clone(), file.text.clone(), TemplateOrigin::Site))
                }
            }
        }
        Theme { templates }
    }

    fn origin(&self, name: &str) -> Option<TemplateOrigin> {
        self.templates
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, o)| *o)
    }

    /// Tera with Accord's functions and filters and every template of the theme.
    pub fn tera(&self, site: &Site) -> Result<Tera, Diagnostics> {
        let mut tera = Tera::new();
        register_functions(&mut tera, &site.urls, &site.config.options.date_format);
        super::queries::register(&mut tera);
        let templates: Vec<(&str, &str)> = self
            .templates
            .iter()
            .filter(|(name, _, _)| is_template_name(name))
            .map(|(name, text, _)| (name.as_str(), text.as_ref()))
            .collect();
        tera.add_raw_templates(templates).map_err(|e| {
            let text = self.locate_error(&e.to_string());
            Diagnostics::from(
                Diagnostic::general(format!(
                    "a template does not compile\n{}",
                    text.trim_end().trim_start_matches("error: ")
                ))
                .with_help(
                    "fix the template at the place shown; `accord check` re-checks without writing",
                ),
            )
        })?;
        Ok(tera)
    }

    /// Rewrite Tera's `--> name:line:col` so it names the file on disk.
    pub fn locate_error(&self, text: &str) -> String {
        text.lines()
            .map(|line| {
                let trimmed = line.trim_start();
                let Some(rest) = trimmed
                    .strip_prefix("--> ")
                    .or_else(|| trimmed.strip_prefix("note: called from "))
                else {
                    return line.to_string();
                };
                let name = rest.split(':').next().unwrap_or(rest);
                match self.origin(name) {
                    Some(TemplateOrigin::Site) => {
                        line.replacen(name, &format!("templates/{name}"), 1)
                    }
                    Some(TemplateOrigin::Default) => format!("{line} (default theme)"),
                    None => line.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Help for an error of page template `template`, whose located text (see
    /// [`Theme::locate_error`]) may point into another template it uses, such as a row of the
    /// tracker.
    pub fn help_for(&self, template: &str, located: &str) -> String {
        let failing = located
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> templates/"))
            .and_then(|rest| rest.split(':').next())
            .unwrap_or(template);
        match self.origin(failing) {
            Some(TemplateOrigin::Site) => format!(
                "fix templates/{failing}; the README lists every variable a template can use"
            ),
            _ => "this is the default theme: if you changed a template it includes, check that one"
                .into(),
        }
    }
}

/// Only `.html`, `.xml`, `.txt`, `.json` files under `templates/` are templates; anything
/// else there (a README, an editor file) is left alone.
fn is_template_name(name: &str) -> bool {
    [".html", ".xml", ".txt", ".json"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// `url(path=..., absolute=false)` and the `date` filter.
fn register_functions(tera: &mut Tera, urls: &Urls, date_format: &str) {
    let urls = urls.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
            Ok(if absolute {
                urls.absolute(&path)
            } else {
                urls.path(&path)
            })
        },
    );
    let default_format = date_format.to_string();
    // A site shows the same few thousand dates over and over (lists, tables): each is
    // formatted once in the default format, then looked up.
    let formatted: std::sync::RwLock<std::collections::HashMap<String, String>> =
        Default::default();
    tera.register_filter(
        "date",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let format: Option<String> = kwargs.get("format")?;
            let Some(format) = format else {
                if let Some(s) = formatted.read().ok().and_then(|m| m.get(value).cloned()) {
                    return Ok(s);
                }
                let s = format_date(value, &default_format).map_err(Error::message)?;
                if let Ok(mut m) = formatted.write() {
                    m.insert(value.to_string(), s.clone());
                }
                return Ok(s);
            };
            format_date(value, &format).map_err(Error::message)
        },
    );
}

/// Format a `YYYY-MM-DD` date with a strftime-style format.
pub fn format_date(value: &str, format: &str) -> Result<String, String> {
    let date: Date = value
        .parse()
        .map_err(|e| format!("date filter: `{value}` is not a YYYY-MM-DD date ({e})"))?;
    jiff::fmt::strtime::format(format, date)
        .map_err(|e| format!("date filter: bad format `{format}` ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_with_strftime() {
        assert_eq!(
            format_date("2025-07-11", "%-d %B %Y").unwrap(),
            "11 July 2025"
        );
        assert_eq!(format_date("2025-07-11", "%Y-%m-%d").unwrap(), "2025-07-11");
        assert!(format_date("July", "%Y").is_err());
    }
}
