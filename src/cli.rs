//! Command-line interface: one struct per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "accord",
    version,
    about = "A static site generator for policy briefs"
)]
pub struct Cli {
    /// The site root (default: the current directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print what is done, step by step.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory.
    Build(BuildArgs),
    /// Build the site into memory and preview it, rebuilding and reloading on every change.
    Serve(ServeArgs),
    /// Check everything a build checks, and write nothing.
    Check(CheckArgs),
    /// Create a new site with one party, one topic and one brief.
    Init {
        /// Where to create it.
        dir: PathBuf,
    },
    /// Create a new file to fill in.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Base URL to build for, instead of `base_url` in accord.toml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include briefs marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Build as of this date (YYYY-MM-DD): what "overdue" is measured against. Default:
    /// `SOURCE_DATE_EPOCH` if set, else today (UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<jiff::civil::Date>,
    /// Output directory, instead of `output_dir` in accord.toml.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Build without the search index and page (as `search = false` in accord.toml).
    #[arg(long)]
    pub no_search: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (the next free one is taken if it is busy).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Include briefs marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Build as of this date (YYYY-MM-DD): what "overdue" is measured against. Default:
    /// `SOURCE_DATE_EPOCH` if set, else today (UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<jiff::civil::Date>,
    /// Base URL to preview, instead of `base_url` in accord.toml (its path is served).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check with this base URL.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Check drafts too.
    #[arg(long)]
    pub drafts: bool,
    /// Build as of this date (YYYY-MM-DD): what "overdue" is measured against. Default:
    /// `SOURCE_DATE_EPOCH` if set, else today (UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<jiff::civil::Date>,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A brief: content/briefs/<slug-of-title>.md, marked as a draft.
    Brief {
        /// The brief's title.
        title: String,
    },
}
