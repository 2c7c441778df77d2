//! Accord: a static site generator for policy briefs.
//!
//! The pipeline, one module per stage; data flows one way:
//! [`content::load`] → [`model::resolve`] → [`render::render`] → [`output::Output::write`],
//! driven by [`build`].

pub mod build;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod error;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod urls;

pub use error::Error;
