//! Subcommands over the rules engine: classify, calendar, due, rules.

use super::Failure;
use crate::domain::calendar::Calendar;
use crate::domain::classify::Classifier;
use crate::domain::clock::working_days_after;
use crate::domain::facts::Facts;
use crate::domain::rules::RuleTable;
use crate::domain::time::to_china_rfc3339;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::Args;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ClassifyArgs {
    /// Use this rule table instead of the shipped one.
    #[arg(long)]
    rules: Option<PathBuf>,
}

#[derive(Args)]
pub struct CalendarArgs {
    #[arg(long, value_parser = parse_date)]
    from: NaiveDate,
    #[arg(long, value_parser = parse_date)]
    to: NaiveDate,
    /// Add a year in the holiday-cn JSON layout before listing.
    #[arg(long)]
    import: Vec<PathBuf>,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("span").required(true).args(["working_days", "hours"]))]
pub struct DueArgs {
    /// Start instant, RFC 3339 (e.g. 2026-11-20T15:00:00+08:00).
    #[arg(long, value_parser = parse_instant)]
    from: DateTime<Utc>,
    /// "Within N working days": 24:00 China time of the N-th working day after the start date.
    #[arg(long)]
    working_days: Option<u32>,
    /// N hours of wall-clock time (the hotline runs 24/7).
    #[arg(long)]
    hours: Option<u32>,
}

#[derive(Args)]
pub struct RulesArgs {
    /// Validate this rule table file instead of printing the active one.
    #[arg(long)]
    check: Option<PathBuf>,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date of the form YYYY-MM-DD"))
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("'{text}' is not an RFC 3339 instant such as 2026-11-20T15:00:00+08:00")
        })
}

fn load_table(path: Option<&PathBuf>) -> Result<RuleTable, Failure> {
    match path {
        None => Ok(RuleTable::shipped()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
            RuleTable::from_json(&text).map_err(|e| Failure(format!("{}: {e}", path.display())))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassifyInput {
    text: String,
    #[serde(default)]
    facts: Facts,
}

#[derive(Serialize)]
struct ClassifyOutput<'a> {
    kind: &'a str,
    category: &'a str,
    subcategory: Option<&'a str>,
    grade: Option<u8>,
    emergency: bool,
    confidence: crate::domain::classify::Confidence,
    facts: &'a Facts,
    rules: &'a [crate::domain::classify::FiredRule],
    rule_table_version: &'a str,
}

pub fn classify(args: ClassifyArgs) -> Result<ExitCode, Failure> {
    let classifier = Classifier::new(load_table(args.rules.as_ref())?);
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failures = 0;
    for (number, line) in stdin.lock().lines().enumerate() {
        let line =
            line.map_err(|e| Failure(format!("line {}: cannot read input: {e}", number + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let input: ClassifyInput = match serde_json::from_str(&line) {
            Ok(input) => input,
            Err(e) => {
                // Keep going: one bad line must not lose the answers for the others.
                eprintln!("gridcare: line {}: {e}", number + 1);
                failures += 1;
                continue;
            }
        };
        let c = classifier.classify(&input.text, &input.facts);
        let output = ClassifyOutput {
            kind: &c.kind,
            category: &c.category,
            subcategory: c.subcategory.as_deref(),
            grade: c.grade,
            emergency: c.emergency,
            confidence: c.confidence,
            facts: &c.facts,
            rules: &c.rules,
            rule_table_version: &c.rule_table_version,
        };
        serde_json::to_writer(&mut out, &output)?;
        writeln!(out)?;
    }
    out.flush()?;
    if failures > 0 {
        return Err(Failure(format!(
            "{failures} input line(s) could not be read (see above)"
        )));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn calendar(args: CalendarArgs) -> Result<ExitCode, Failure> {
    if args.to < args.from {
        return Err(Failure(format!(
            "--to {} is before --from {}",
            args.to, args.from
        )));
    }
    let mut calendar = Calendar::shipped();
    for path in &args.import {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        calendar
            .import_holiday_cn(&text)
            .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut missing = std::collections::BTreeSet::new();
    for day in calendar.days(args.from, args.to) {
        if !day.year_known {
            missing.insert(day.date.format("%Y").to_string());
        }
        let state = if day.working { "work" } else { "rest" };
        match &day.name {
            Some(name) => writeln!(out, "{} {state} {name}", day.date)?,
            None => writeln!(out, "{} {state}", day.date)?,
        }
    }
    out.flush()?;
    if !missing.is_empty() {
        let years: Vec<_> = missing.into_iter().collect();
        eprintln!(
            "gridcare: warning: calendar missing for year {}; plain weekends assumed",
            years.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn due(args: DueArgs) -> Result<ExitCode, Failure> {
    let calendar = Calendar::shipped();
    let due = match (args.working_days, args.hours) {
        (Some(n), _) => {
            let (due, missing) = working_days_after(&calendar, args.from, n);
            if !missing.is_empty() {
                let years: Vec<_> = missing.iter().map(i32::to_string).collect();
                eprintln!(
                    "gridcare: warning: calendar missing for year {}; plain weekends assumed",
                    years.join(", ")
                );
            }
            due
        }
        (None, Some(h)) => args.from + Duration::hours(h.into()),
        (None, None) => unreachable!("clap requires one of --working-days and --hours"),
    };
    println!("{}", to_china_rfc3339(due));
    Ok(ExitCode::SUCCESS)
}

pub fn rules(args: RulesArgs) -> Result<ExitCode, Failure> {
    match args.check {
        Some(path) => {
            let table = load_table(Some(&path))?;
            println!(
                "{}: valid rule table version {} ({} kinds, {} categories, {} grade rules, {} clocks)",
                path.display(),
                table.version,
                table.kinds.len(),
                table.categories.len(),
                table.grade_rules.len(),
                table.clocks.len()
            );
        }
        None => println!("{}", RuleTable::shipped().to_pretty_json()),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct TrainModelArgs {
    /// Labelled corpora: kind, category, subcategory, grade, text (tab-separated).
    #[arg(required = true)]
    corpora: Vec<PathBuf>,
    /// The model's version.
    #[arg(long)]
    version: String,
    /// Where to write it: JSON, gzip-compressed when the name ends in .gz
    /// (as the shipped data/model.json.gz); standard output without.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Trains the model on the corpora with the shipped rules beside it.
pub fn train_model(args: TrainModelArgs) -> Result<ExitCode, Failure> {
    use crate::domain::classify::model::{read_corpus, train_model};
    let mut corpus = Vec::new();
    let mut names = Vec::new();
    for path in &args.corpora {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        corpus.extend(read_corpus(&text));
        names.push(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }
    let rules = Classifier::rules_only(load_table(None)?);
    let source = format!(
        "n-gram model trained on {} labelled texts ({})",
        corpus.len(),
        names.join(", ")
    );
    let (model, figures) = train_model(&corpus, &rules, &args.version, &source);
    match &args.output {
        // `data/model.json.gz`: what the build ships.
        Some(path) if path.extension().is_some_and(|e| e == "gz") => {
            std::fs::write(path, model.to_gzip())
                .map_err(|e| Failure(format!("{}: {e}", path.display())))?
        }
        Some(path) => std::fs::write(path, serde_json::to_string(&model)? + "\n")
            .map_err(|e| Failure(format!("{}: {e}", path.display())))?,
        None => println!("{}", serde_json::to_string(&model)?),
    }
    for (field, f) in ["kind", "subcategory"].iter().zip(figures) {
        eprintln!(
            "{field}, cross-validated: rules alone {}/{}, with the model {}/{}",
            f.rules_alone, f.texts, f.with_model, f.texts
        );
    }
    eprintln!(
        "kind: {} labels, {} n-grams, margin {}; subcategory: {} labels, {} n-grams, margin {}",
        model.kind.labels.len(),
        model.kind.grams.len(),
        model.kind.margin,
        model.subcategory.labels.len(),
        model.subcategory.grams.len(),
        model.subcategory.margin
    );
    Ok(ExitCode::SUCCESS)
}
