//! Accord: a static site generator for policy briefs.
//!
//! The pipeline, one module per stage; data flows one way:
//! [`content::load`] → [`model::resolve`] → [`render::render`] → [`output::Output::write`].

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod markdown;
pub mod model;
pub mod urls;
