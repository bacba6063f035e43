//! Subcommands over sync bundles: demo, merge, validate. They share parse,
//! validate and merge with the browser (`domain::bundle`).

use super::sealed::read_bundle;
use super::Failure;
use crate::domain::bundle::gzip::gzip;
use crate::domain::bundle::{merge_bundles, Bundle, MergeError, OLDEST_WRITTEN_VERSION, VERSION};
use crate::domain::classify::Classifier;
use crate::domain::demo::{demo_chains, demo_events, DemoOptions};
use crate::domain::rules::RuleTable;
use crate::domain::ticket::for_each_ticket;
use crate::domain::trust::roster::{Authority, Standing};
use crate::domain::trust::{fingerprint, DeviceKey};
use chrono::{DateTime, Utc};
use clap::Args;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct DemoArgs {
    /// How many base tickets.
    #[arg(long, default_value_t = 100)]
    tickets: usize,
    /// The same seed gives the same base tickets.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// This device adds its own follow-up events.
    #[arg(long, default_value = "tablet-1")]
    device: String,
    /// Tickets are received in the 30 days before this instant (RFC 3339).
    #[arg(long, default_value = "2026-11-20T08:00:00+08:00")]
    anchor: String,
    /// Write here instead of standard output (gzip-compressed when the name ends in .gz).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct MergeArgs {
    /// Bundles to merge.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Write here instead of standard output (gzip-compressed when the name ends in .gz).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The file format to write: 3 (ids derived on reading), or 2 (each
    /// event with its id) for devices whose app is older than format 3.
    #[arg(long, default_value_t = VERSION, value_parser = clap::value_parser!(u64).range(OLDEST_WRITTEN_VERSION..=VERSION))]
    file_version: u64,
}

#[derive(Args)]
pub struct ValidateArgs {
    file: PathBuf,
}

/// Writes a sync file's text to `output` (gzip-compressed when its name ends
/// in `.gz`), or to standard output as it is.
pub(super) fn write(output: Option<&PathBuf>, text: &str) -> Result<(), Failure> {
    match output {
        Some(path) => {
            let compressed = path.extension().is_some_and(|e| e == "gz");
            let written = if compressed {
                std::fs::write(path, gzip(text.as_bytes()))
            } else {
                std::fs::write(path, text)
            };
            written.map_err(|e| Failure(format!("{}: {e}", path.display())))
        }
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

pub fn demo(args: DemoArgs) -> Result<ExitCode, Failure> {
    let anchor = DateTime::parse_from_rfc3339(&args.anchor)
        .map_err(|_| {
            Failure(format!(
                "--anchor '{}' is not an RFC 3339 instant",
                args.anchor
            ))
        })?
        .with_timezone(&Utc);
    if args.device.trim().is_empty() {
        return Err(Failure("--device must not be empty".into()));
    }
    let classifier = Classifier::new(RuleTable::shipped());
    let options = DemoOptions {
        tickets: args.tickets,
        seed: args.seed,
        device: &args.device,
        anchor,
    };
    let events = demo_events(&classifier, &options);
    // Demo devices sign with the demo's well-known keys: the file checks
    // like any other, and its devices show as demo devices.
    let chains = demo_chains(&events);
    let bundle = Bundle::new(&args.device, anchor, events, BTreeMap::new()).with_chains(chains);
    write(args.output.as_ref(), &bundle.to_json())?;
    Ok(ExitCode::SUCCESS)
}

/// A merge refused, naming the file that carried the second version.
pub fn merge_failure(files: &[PathBuf], e: MergeError) -> Failure {
    let (file, what) = match &e {
        MergeError::SequenceReused { file, device, seq } => (
            *file,
            format!("a second version of event {seq} of device \"{device}\"; refused"),
        ),
        MergeError::KeyChanged { file, device } => (
            *file,
            format!("device \"{device}\" signed with another key than in an earlier file; refused"),
        ),
    };
    let name = files
        .get(file)
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Failure(format!("{name}: {what}"))
}

pub fn merge(args: MergeArgs) -> Result<ExitCode, Failure> {
    let bundles = args
        .files
        .iter()
        .map(|p| read_bundle(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut merged = merge_bundles(bundles).map_err(|e| merge_failure(&args.files, e))?;
    if merged.version != args.file_version {
        merged.version = args.file_version;
        merged.seal();
    }
    write(args.output.as_ref(), &merged.to_json())?;
    Ok(ExitCode::SUCCESS)
}

pub fn validate(args: ValidateArgs) -> Result<ExitCode, Failure> {
    let bundle = read_bundle(&args.file)?;
    // Ticket by ticket: a county's year of states would double the memory.
    let (mut tickets, mut conflicts) = (0usize, 0usize);
    for_each_ticket(&bundle.events, |t| {
        tickets += 1;
        conflicts += t.conflicts.len();
    });
    let devices: BTreeSet<&str> = bundle.events.iter().map(|e| e.device.as_str()).collect();
    let first = bundle.events.iter().map(|e| e.at).min();
    let last = bundle.events.iter().map(|e| e.at).max();
    println!(
        "{}: valid gridcare bundle, format version {}",
        args.file.display(),
        bundle.version
    );
    println!(
        "  exported {} by {}",
        bundle.exported_at.to_rfc3339(),
        bundle.device
    );
    println!(
        "  {} events, {} tickets, {} attachments, {} conflicts",
        bundle.events.len(),
        tickets,
        bundle.attachments.len(),
        conflicts
    );
    println!(
        "  devices: {}",
        devices.iter().copied().collect::<Vec<_>>().join(", ")
    );
    // Who vouches for each device's events (the file has been checked), and
    // how the roster the file carries stands them.
    let authority = Authority::for_reader(&bundle.events, &bundle.chains);
    for device in &devices {
        let roster = match (authority.standing(device), authority.key_of(device)) {
            (Standing::Enrolled(e), _) => format!("; enrolled: {:?}, {}", e.role, e.station),
            (Standing::Revoked(_), _) => "; revoked".to_string(),
            (_, Some(key)) if authority.roster.roots.iter().any(|r| r == key) => {
                "; root supervisor".to_string()
            }
            (_, Some(_)) => "; not enrolled".to_string(),
            (_, None) => String::new(),
        };
        let standing = match bundle.chains.get(*device).and_then(|r| r.first()) {
            Some(r) if r.key == DeviceKey::demo(device).public() => {
                "signed with the demo's well-known key (demo data)".to_string()
            }
            Some(r) => format!("signed, key {}", fingerprint(&r.key)),
            None => "unsigned (recorded before signing)".to_string(),
        };
        println!("    {device}: {standing}{roster}");
    }
    if let (Some(first), Some(last)) = (first, last) {
        println!(
            "  events from {} to {}",
            first.to_rfc3339(),
            last.to_rfc3339()
        );
    }
    Ok(ExitCode::SUCCESS)
}
