//! The `accord` command: parse arguments, run, print the result, exit.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use accord::Error;
use accord::build::{self, BuildOptions, BuildReport};
use clap::Parser;
use cli::{Cli, Command, NewCommand};

// Rendering allocates many small values (template contexts, strings); mimalloc handles that
// markedly faster than the system allocator (measured in the commit adding it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.clone().unwrap_or_else(|| PathBuf::from("."));
    match run(&cli, root) {
        Ok(()) => ExitCode::SUCCESS,
        // The interrupt handler is deleting the staging directory and exits with 130 when it
        // is done; returning now would cut that short.
        Err(_) if accord::output::interrupted() => loop {
            std::thread::park();
        },
        Err(e) => {
            print_error(&e);
            ExitCode::from(1)
        }
    }
}

fn run(cli: &Cli, root: PathBuf) -> Result<(), Error> {
    // Read here so that a malformed value stops every command that builds, before it starts.
    let epoch = build::source_date_epoch()?;
    match &cli.command {
        Command::Build(args) => {
            build::check_root(&root)?;
            // Interrupted, a build leaves the previous output as it was, and nothing beside it.
            let _ = ctrlc::set_handler(|| {
                accord::output::interrupt();
                std::process::exit(130);
            });
            let options = BuildOptions {
                root,
                base_url: args.base_url.clone(),
                drafts: args.drafts,
                output: args.output.clone(),
                today: args.as_of.or(epoch),
                no_search: args.no_search,
            };
            let report = build::build(&options)?;
            summary(cli, "built", &report);
        }
        Command::Serve(args) => {
            build::check_root(&root)?;
            accord::serve::serve(accord::serve::ServeOptions {
                build: BuildOptions {
                    root,
                    base_url: args.base_url.clone(),
                    drafts: args.drafts,
                    output: None,
                    today: args.as_of.or(epoch),
                    no_search: false,
                },
                interface: args.interface,
                port: args.port,
                open: args.open,
                quiet: cli.quiet,
            })?;
        }
        Command::Check(args) => {
            build::check_root(&root)?;
            let options = BuildOptions {
                root,
                base_url: args.base_url.clone(),
                drafts: args.drafts,
                output: None,
                today: args.as_of.or(epoch),
                no_search: false,
            };
            let report = build::check(&options)?;
            summary(cli, "checked", &report);
        }
        Command::Init { dir } => {
            let written = accord::scaffold::init(dir)?;
            if !cli.quiet {
                for path in &written {
                    if cli.verbose {
                        accord::outln!("  wrote {}", path.display());
                    }
                }
                accord::outln!(
                    "Created a new site in {}. Next: cd {} && accord build",
                    dir.display(),
                    dir.display()
                );
            }
        }
        Command::New {
            what: NewCommand::Brief { title },
        } => {
            let path = accord::scaffold::new_brief(&root, title)?;
            if !cli.quiet {
                accord::outln!(
                    "Created {} (a draft: build with --drafts to see it)",
                    path.display()
                );
            }
        }
    }
    Ok(())
}

fn summary(cli: &Cli, verb: &str, report: &BuildReport) {
    if cli.quiet {
        return;
    }
    let ms = report.elapsed.as_secs_f64() * 1000.0;
    if cli.verbose {
        for (stage, took) in &report.stages {
            accord::outln!("  {stage}: {:.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
    match &report.output_dir {
        Some(dir) => {
            if cli.verbose {
                accord::outln!(
                    "  {} briefs, {} files in {}",
                    report.briefs,
                    report.files,
                    dir.display()
                );
            }
            let size = report
                .size
                .as_ref()
                .map(|s| format!(", {}", accord::output::size::megabytes(s.bytes)))
                .unwrap_or_default();
            accord::outln!(
                "Wrote {} pages ({} files{size}) to {} in {ms:.0} ms",
                report.pages,
                report.files,
                dir.display()
            );
            if let Some(size) = &report.size {
                if cli.verbose {
                    for k in &size.kinds {
                        accord::outln!(
                            "  {}: {} in {} files",
                            k.kind,
                            accord::output::size::megabytes(k.bytes),
                            k.files
                        );
                    }
                }
                if size.near_the_limit() {
                    accord::errln!("{}", size.warning());
                }
            }
        }
        None => accord::outln!(
            "No problems: {} pages would be written ({verb} in {ms:.0} ms)",
            report.pages
        ),
    }
}

fn print_error(e: &Error) {
    match e {
        Error::Content(diagnostics) => {
            // Past a screenful, more detail helps no one: the rest are counted.
            const SHOWN: usize = 50;
            let n = diagnostics.len();
            if n > SHOWN {
                let first = accord::diagnostics::Diagnostics(diagnostics.0[..SHOWN].to_vec());
                accord::err!("{first}");
                accord::errln!("... and {} more problems", n - SHOWN);
            } else {
                accord::err!("{diagnostics}");
            }
            accord::errln!(
                "error: {n} problem{} found; nothing was written",
                if n == 1 { "" } else { "s" }
            );
        }
        Error::Output(o) => {
            accord::errln!("error: {o}");
            if let Some(help) = o.help() {
                accord::errln!("  = help: {help}");
            }
        }
        Error::Refused { message, help } => {
            accord::errln!("error: {message}");
            accord::errln!("  = help: {help}");
        }
        Error::Io { .. } => accord::errln!("error: {e}"),
    }
}
