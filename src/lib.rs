//! Accord: a static site generator for policy briefs.
//!
//! The pipeline, one module per stage; data flows one way:
//! [`content::load`] → [`model::resolve`] → [`render::render_pages`] →
//! [`output::Output::write`], driven by [`build`] (and, for `serve`, by [`rebuild`]).

// A diagnostic is the error path: built a few times per file at most, never in a hot loop.
// Boxing it to shrink `Result` would only add indirection to every constructor.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod config;
pub mod console;
pub mod content;
pub mod diagnostics;
pub mod error;
pub mod html;
pub mod markdown;
pub mod model;
pub mod output;
pub mod rebuild;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod urls;
pub mod watch;

pub use error::Error;
