//! The monthly audit sample (003 §七(一)): 10% of the month's closed tickets,
//! drawn reproducibly, each checked against its clocks and for a complete
//! evidence chain.

use super::ledger::LedgerRow;
use crate::domain::clock::ClockState;
use crate::domain::lean_sort;
use crate::domain::ticket::Status;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What an audited ticket lacks or did late.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    /// A clock that finished late or is still overdue.
    ClockLate { clock: String },
    /// Closed without the three-part feedback (cause, solution, improvement).
    NoResolution,
    /// Neither a customer confirmation nor a revisit is on record.
    NoConfirmation,
    /// A crew went on site but no photo was attached.
    NoSitePhoto,
    /// The customer was never told the outcome.
    NoFeedback,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Audited {
    pub number: String,
    pub team: Option<String>,
    pub findings: Vec<Finding>,
}

impl Audited {
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditSample {
    pub month: String,
    /// Closed tickets of the month the sample was drawn from.
    pub population: u32,
    pub sample: Vec<Audited>,
}

/// How many of `population` the sample takes: 10%, rounded up, at least one
/// when there is anything to sample.
pub fn sample_size(population: usize) -> usize {
    population.div_ceil(10)
}

/// A closed ticket of a sample, with the rank it was drawn by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drawn {
    /// SHA-256 of `audit|<month>|<ticket id>`, hex: lowest first.
    pub rank: String,
    pub ticket: Audited,
}

/// `r` as a candidate of `month`'s sample. The rank is deterministic and
/// unrelated to the ticket's team or content, so nobody can steer it.
pub fn candidate(r: &LedgerRow, month: &str) -> Drawn {
    let rank = Sha256::digest(format!("audit|{month}|{}", r.id).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Drawn {
        rank,
        ticket: Audited {
            number: r.number.clone(),
            team: r.team.clone(),
            findings: findings(r),
        },
    }
}

/// The lowest ranks among `candidates`, one in ten of `population`.
pub fn draw(mut candidates: Vec<Drawn>, population: u32) -> Vec<Drawn> {
    lean_sort::sort_by(&mut candidates, |a, b| a.rank.cmp(&b.rank));
    candidates.truncate(sample_size(population as usize));
    candidates
}

/// The sample of `month`: the same month and data always give the same
/// tickets, whatever order the rows come in. Tickets are ranked by the
/// SHA-256 of month and ticket id, and the first 10% are taken.
pub fn audit_sample(rows: &[LedgerRow], month: &str) -> AuditSample {
    let closed: Vec<Drawn> = rows
        .iter()
        .filter(|r| r.month == month && r.status == Status::Closed)
        .map(|r| candidate(r, month))
        .collect();
    let population = closed.len() as u32;
    AuditSample {
        month: month.to_string(),
        population,
        sample: draw(closed, population)
            .into_iter()
            .map(|d| d.ticket)
            .collect(),
    }
}

pub fn findings(r: &LedgerRow) -> Vec<Finding> {
    let mut out: Vec<Finding> = r
        .clocks
        .iter()
        .filter(|c| matches!(c.state, ClockState::MetLate | ClockState::Overdue))
        .map(|c| Finding::ClockLate {
            clock: c.code.clone(),
        })
        .collect();
    out.dedup();
    if r.cause_class.is_none() {
        out.push(Finding::NoResolution);
    }
    if !r.feedback_given {
        out.push(Finding::NoFeedback);
    }
    // A customer's signature on the device is a confirmation too.
    if !r.confirmed && !r.revisited && r.signatures == 0 {
        out.push(Finding::NoConfirmation);
    }
    if r.site_visit && r.photos == 0 {
        out.push(Finding::NoSitePhoto);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_percent_rounded_up() {
        assert_eq!(sample_size(0), 0);
        assert_eq!(sample_size(1), 1);
        assert_eq!(sample_size(10), 1);
        assert_eq!(sample_size(11), 2);
        assert_eq!(sample_size(200), 20);
    }
}
