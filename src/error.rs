//! The error of a command: content problems (all of them), or a refusal or I/O failure while
//! writing. `main` only formats these.

use std::io;
use std::path::PathBuf;

use crate::diagnostics::Diagnostics;
use crate::output::OutputError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's content, configuration or templates.
    #[error("{0}")]
    Content(Diagnostics),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    /// A command that would overwrite something it must not.
    #[error("{message}")]
    Refused { message: String, help: String },
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Content(d)
    }
}
