//! Rendering: the theme (the default templates embedded in the binary, overridden file by
//! file by the site's `templates/`), Tera set up with Accord's functions and filters, and one
//! render job per page. Rendering reads the [`Site`]; it never changes it.

pub mod context;
mod pages;
pub mod theme;

use rayon::prelude::*;
use tera::{Context, Tera};

pub use pages::{Page, pages};
pub use theme::{Theme, TemplateOrigin};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;

/// A rendered page: where it goes, and its bytes.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    /// Site path of the page (`briefs/kl/`).
    pub path: String,
    /// What it was made from, for error messages (`content/briefs/kl.md`).
    pub origin: String,
    pub html: String,
}

/// Render every page of the site, in parallel. Every failing page is reported.
pub fn render(site: &Site, theme: &Theme) -> Result<Vec<RenderedPage>, Diagnostics> {
    let tera = theme.tera(site)?;
    let jobs = pages(site);
    let results: Vec<Result<RenderedPage, Diagnostic>> = jobs
        .par_iter()
        .map(|page| {
            let context = pages::context(site, page).map_err(|e| template_error(theme, &page.template, &e, &page.origin))?;
            render_page(&tera, theme, page, &context)
        })
        .collect();
    let mut errors = Diagnostics::new();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(p) => out.push(p),
            Err(d) => errors.push(d),
        }
    }
    errors.into_result(out)
}

fn render_page(tera: &Tera, theme: &Theme, page: &Page, context: &Context) -> Result<RenderedPage, Diagnostic> {
    let html = tera
        .render(&page.template, context)
        .map_err(|e| template_error(theme, &page.template, &e, &page.origin))?;
    Ok(RenderedPage {
        path: page.path.clone(),
        origin: page.origin.clone(),
        html,
    })
}

/// A Tera error as a diagnostic naming the template file (the site's or the default theme's).
pub fn template_error(theme: &Theme, template: &str, e: &tera::Error, origin: &str) -> Diagnostic {
    let text = theme.locate_error(&e.to_string());
    let mut message = format!("template `{template}` failed while rendering the page for {origin}");
    message.push('\n');
    message.push_str(text.trim_end().trim_start_matches("error: "));
    Diagnostic::general(message).with_help(theme.help_for(template))
}
