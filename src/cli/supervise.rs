//! Supervisors' batch work on a desktop: the ledger and the monthly figures of
//! a folder of crews' files, with the same code as the app's supervisor desk.

use super::Failure;
use crate::domain::bundle::{gzip, merge_bundles, Bundle};
use crate::domain::engine::Engine;
use crate::domain::settings::Why;
use crate::domain::supervision::audit::AuditSample;
use crate::domain::supervision::export::{sheet, to_csv, to_xlsx};
use crate::domain::supervision::ledger::{mark_strangers, LedgerFilter};
use crate::domain::supervision::report::{
    HighFrequency, HotTopics, MonthlyReport, RepeatComplainant, TeamLists,
};
use crate::domain::supervision::tally::MonthTally;
use crate::domain::supervision::{ledger_of_events, parse_month, LedgerRow};
use crate::domain::trust::roster::Authority;
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Language {
    Zh,
    En,
}

#[derive(Args)]
pub struct Source {
    /// Bundles, folders whose *.json files are all read, or CouchDB databases
    /// (http(s)://host:port/db; user from GRIDCARE_COUCH_USER, password from
    /// GRIDCARE_COUCH_PASSWORD).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The month, YYYY-MM (China time); required but with --merge.
    #[arg(long)]
    month: Option<String>,
    /// Evaluate the clocks at this instant (RFC 3339) instead of now.
    #[arg(long)]
    at: Option<String>,
    /// Only the tickets of this station (供电所), as its own supervisor sees them.
    #[arg(long)]
    station: Option<String>,
}

#[derive(Args)]
pub struct LedgerArgs {
    #[command(flatten)]
    source: Source,
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Language of the headers and labels.
    #[arg(long, value_enum, default_value = "zh")]
    lang: Language,
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    source: Source,
    /// The inputs are reports written by `gridcare report` for different
    /// stations: print the figures of them all, without their events.
    #[arg(long)]
    merge: bool,
}

fn bundle_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|e| Failure(format!("{}: {e}", input.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.to_string_lossy();
                    name.ends_with(".json") || name.ends_with(".json.gz")
                })
                .collect();
            if found.is_empty() {
                return Err(Failure(format!(
                    "{}: no .json or .json.gz files in this folder",
                    input.display()
                )));
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn read(path: &Path) -> Result<Bundle, Failure> {
    if let Some(url) = path.to_str().filter(|p| super::couch::is_database(p)) {
        return super::couch::read_database(url);
    }
    super::sealed::read_bundle(path)
}

impl Source {
    fn month(&self) -> Result<&str, Failure> {
        self.month
            .as_deref()
            .ok_or_else(|| Failure("--month YYYY-MM is required".into()))
    }
}

/// The merged ledger of every input, and the rules engine its settings
/// events make (the rules and calendar the supervisors published, as every
/// device applies them).
fn load(source: &Source) -> Result<(Vec<LedgerRow>, Engine), Failure> {
    let month = source.month()?;
    if parse_month(month).is_none() {
        return Err(Failure(format!("--month '{month}' is not YYYY-MM")));
    }
    let at = match &source.at {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|_| Failure(format!("--at '{text}' is not an RFC 3339 instant")))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    let files = bundle_files(&source.inputs)?;
    let bundles = files
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = merge_bundles(bundles).map_err(|e| super::sync::merge_failure(&files, e))?;
    let authority = Authority::for_reader(&merged.events, &merged.chains);
    for refused in &authority.roster.refused {
        eprintln!(
            "roster: an enrolment by device {} is not signed by a supervisor this build trusts; ignored",
            refused.device
        );
    }
    let engine = Engine::from_events(&merged.events, &authority);
    for r in &engine.rejected {
        if let Why::NotSupervisor { device } = &r.why {
            eprintln!("settings: event {} by device {device} is not signed by an enrolled supervisor; not applied", r.event);
        }
    }
    // The events are handed over: each ticket's are freed once its row is made.
    let mut rows = ledger_of_events(merged.events, engine.table(), &engine.calendar, at);
    if let Some(station) = &source.station {
        rows.retain(|r| r.station.as_ref() == Some(station));
    }
    mark_strangers(&mut rows, |device| {
        authority
            .roster
            .voucher(device, authority.key_of(device))
            .is_stranger()
    });
    Ok((rows, engine))
}

pub fn ledger_file(args: LedgerArgs) -> Result<ExitCode, Failure> {
    let (rows, engine) = load(&args.source)?;
    let table = engine.table();
    let month = args.source.month()?.to_string();
    let filter = LedgerFilter {
        month: Some(month.clone()),
        ..Default::default()
    };
    let rows: Vec<LedgerRow> = rows.into_iter().filter(|r| filter.matches(r)).collect();
    let lang = match args.lang {
        Language::Zh => Lang::Zh,
        Language::En => Lang::En,
    };
    let sheet = sheet(&rows, table, lang);
    let bytes = match args.format {
        Format::Csv => to_csv(&sheet).into_bytes(),
        Format::Xlsx => to_xlsx(&sheet, &month)
            .map_err(|e| Failure(format!("could not write the workbook: {e}")))?,
    };
    std::fs::write(&args.output, bytes)
        .map_err(|e| Failure(format!("{}: {e}", args.output.display())))?;
    eprintln!(
        "{} tickets of {} written to {}",
        rows.len(),
        month,
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Everything the supervisor desk shows for a month, as one JSON document,
/// with the tally it was computed from (what `--merge` adds up).
#[derive(Serialize)]
struct MonthFigures {
    report: MonthlyReport,
    high_frequency: Vec<HighFrequency>,
    repeat_complainants: Vec<RepeatComplainant>,
    teams: TeamLists,
    audit: AuditSample,
    hot_topics: Vec<HotTopics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    merged: Option<Merged>,
    tally: MonthTally,
}

/// What a merged report was made of, and what in it is not exact.
#[derive(Serialize)]
struct Merged {
    reports: Vec<String>,
    stations: usize,
    /// Figures that are not what a report over all the events would say.
    not_exact: Vec<&'static str>,
}

/// A report file as `--merge` reads it: only its tally counts.
#[derive(Deserialize)]
struct ReportFile {
    tally: MonthTally,
}

fn figures(tally: MonthTally, merged: Option<Merged>) -> MonthFigures {
    MonthFigures {
        report: tally.report(),
        high_frequency: tally.high_frequency(),
        repeat_complainants: tally.repeat_complainants(),
        teams: tally.team_lists(),
        audit: tally.audit(),
        hot_topics: tally.hot_topics(10),
        merged,
        tally,
    }
}

fn read_report(path: &Path) -> Result<MonthTally, Failure> {
    let failed = |e: &dyn std::fmt::Display| Failure(format!("{}: {e}", path.display()));
    let bytes = std::fs::read(path).map_err(|e| failed(&e))?;
    let bytes = gzip::unpacked(bytes).map_err(|e| failed(&e))?;
    serde_json::from_slice::<ReportFile>(&bytes)
        .map(|r| r.tally)
        .map_err(|e| {
            Failure(format!(
                "{}: not a report written by `gridcare report` of this version ({e})",
                path.display()
            ))
        })
}

pub fn report(args: ReportArgs) -> Result<ExitCode, Failure> {
    let figures = if args.merge {
        let tallies = args
            .source
            .inputs
            .iter()
            .map(|p| read_report(p))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(month) = &args.source.month {
            if let Some(other) = tallies.iter().find(|t| &t.month != month) {
                return Err(Failure(format!(
                    "--month {month}, but a report is of {}",
                    other.month
                )));
            }
        }
        let tally = MonthTally::merge(tallies).map_err(|e| Failure(e.to_string()))?;
        let merged = Merged {
            reports: args
                .source
                .inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            stations: tally.stations.len(),
            not_exact: vec!["audit"],
        };
        figures(tally, Some(merged))
    } else {
        let (rows, engine) = load(&args.source)?;
        let month = args.source.month()?;
        figures(
            MonthTally::of(&rows, month, engine.table(), Some(&engine.classifier)),
            None,
        )
    };
    println!("{}", serde_json::to_string_pretty(&figures)?);
    Ok(ExitCode::SUCCESS)
}
