//! The native `gridcare` command line: supervisors' batch work and a way to
//! check the engine from outside. Bad input gives a message naming the line or
//! argument and a non-zero exit, never a panic.

mod couch;
mod engine;
mod sealed;
mod supervise;
mod sync;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "gridcare",
    version,
    about = "Electric-utility complaint and 95598 ticket tools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify JSON lines {"text": "...", "facts": {...}} from stdin; one JSON line out per line in.
    Classify(engine::ClassifyArgs),
    /// List days as `YYYY-MM-DD work|rest [holiday name]`.
    Calendar(engine::CalendarArgs),
    /// Print a due instant (RFC 3339, China time).
    Due(engine::DueArgs),
    /// Print the active rule table, or check one with --check FILE.
    Rules(engine::RulesArgs),
    /// Train the n-gram model beside the rules on labelled corpora (never a test half).
    TrainModel(engine::TrainModelArgs),
    /// Write a demo bundle: the same seed gives the same base tickets, each device its own follow-ups.
    Demo(sync::DemoArgs),
    /// Merge bundles into one (union of events, ticket by ticket) on standard output.
    Merge(sync::MergeArgs),
    /// Validate a bundle: a summary and exit 0, or what is wrong and exit 1.
    Validate(sync::ValidateArgs),
    /// Write a copy of a sync file protected with the passphrase in GRIDCARE_PASSPHRASE.
    Seal(sealed::SealArgs),
    /// Write a month's complaint ledger (台账) of one or more bundles as CSV or XLSX.
    Ledger(supervise::LedgerArgs),
    /// Print a month's figures as JSON: counts, trend, on-time rates, alerts, lists, audit sample.
    Report(supervise::ReportArgs),
    /// Send the events of sync files that a CouchDB database lacks.
    Push(couch::PushArgs),
    /// Every valid event of a CouchDB database as one sync file (refused documents on stderr, exit 2).
    Pull(couch::PullArgs),
    /// Create a station's CouchDB database if missing; install its design document and security.
    CouchSetup(couch::SetupArgs),
}

/// An error for the user: what went wrong, in words.
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.to_string())
    }
}

pub fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so a print into a closed pipe (`gridcare report
    // | head`) would panic; the default action ends the process quietly.
    #[cfg(unix)]
    // SAFETY: set once, before any thread starts or anything is printed.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(args) => engine::classify(args),
        Command::Calendar(args) => engine::calendar(args),
        Command::Due(args) => engine::due(args),
        Command::Rules(args) => engine::rules(args),
        Command::TrainModel(args) => engine::train_model(args),
        Command::Demo(args) => sync::demo(args),
        Command::Merge(args) => sync::merge(args),
        Command::Validate(args) => sync::validate(args),
        Command::Seal(args) => sealed::seal_file(args),
        Command::Ledger(args) => supervise::ledger_file(args),
        Command::Report(args) => supervise::report(args),
        Command::Push(args) => couch::push(args),
        Command::Pull(args) => couch::pull(args),
        Command::CouchSetup(args) => couch::setup(args),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("gridcare: {message}");
            ExitCode::FAILURE
        }
    }
}
