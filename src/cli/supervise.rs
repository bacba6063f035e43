//! Supervisors' batch work on a desktop: the ledger and the monthly figures of
//! a folder of crews' files, with the same code as the app's supervisor desk.

use super::Failure;
use crate::domain::bundle::{merge_bundles, Bundle};
use crate::domain::engine::Engine;
use crate::domain::settings::Why;
use crate::domain::supervision::audit::{audit_sample, AuditSample};
use crate::domain::supervision::export::{sheet, to_csv, to_xlsx};
use crate::domain::supervision::ledger::{mark_strangers, LedgerFilter};
use crate::domain::supervision::report::{
    high_frequency, hot_topics, monthly_report, repeat_complainants, team_lists, HighFrequency,
    HotTopics, MonthlyReport, RepeatComplainant, TeamLists,
};
use crate::domain::supervision::{ledger, parse_month, LedgerRow};
use crate::domain::ticket::fold_all;
use crate::domain::trust::roster::Authority;
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use serde::Serialize;
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
    /// The month, YYYY-MM (China time).
    #[arg(long)]
    month: String,
    /// Evaluate the clocks at this instant (RFC 3339) instead of now.
    #[arg(long)]
    at: Option<String>,
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
}

fn bundle_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|e| Failure(format!("{}: {e}", input.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            if found.is_empty() {
                return Err(Failure(format!(
                    "{}: no .json files in this folder",
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

/// The merged ledger of every input, and the rules engine its settings
/// events make (the rules and calendar the supervisors published, as every
/// device applies them).
fn load(source: &Source) -> Result<(Vec<LedgerRow>, Engine), Failure> {
    if parse_month(&source.month).is_none() {
        return Err(Failure(format!(
            "--month '{}' is not YYYY-MM",
            source.month
        )));
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
    let merged = merge_bundles(&bundles).map_err(|e| super::sync::merge_failure(&files, e))?;
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
    let mut rows = ledger(
        &fold_all(&merged.events),
        &merged.events,
        engine.table(),
        &engine.calendar,
        at,
    );
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
    let filter = LedgerFilter {
        month: Some(args.source.month.clone()),
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
        Format::Xlsx => to_xlsx(&sheet, &args.source.month)
            .map_err(|e| Failure(format!("could not write the workbook: {e}")))?,
    };
    std::fs::write(&args.output, bytes)
        .map_err(|e| Failure(format!("{}: {e}", args.output.display())))?;
    eprintln!(
        "{} tickets of {} written to {}",
        rows.len(),
        args.source.month,
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Everything the supervisor desk shows for a month, as one JSON document.
#[derive(Serialize)]
struct MonthFigures {
    report: MonthlyReport,
    high_frequency: Vec<HighFrequency>,
    repeat_complainants: Vec<RepeatComplainant>,
    teams: TeamLists,
    audit: AuditSample,
    hot_topics: Vec<HotTopics>,
}

pub fn report(args: ReportArgs) -> Result<ExitCode, Failure> {
    let (rows, engine) = load(&args.source)?;
    let month = args.source.month.as_str();
    let table = engine.table();
    let figures = MonthFigures {
        report: monthly_report(&rows, month, table),
        high_frequency: high_frequency(&rows, month, table),
        repeat_complainants: repeat_complainants(&rows, month),
        teams: team_lists(&rows, month, table),
        audit: audit_sample(&rows, month),
        hot_topics: hot_topics(&rows, month, &engine.classifier, 10),
    };
    println!("{}", serde_json::to_string_pretty(&figures)?);
    Ok(ExitCode::SUCCESS)
}
