//! The monthly audit sample (003 §七(一)): 10% of the month's closed tickets,
//! drawn reproducibly, each checked against its clocks and for a complete
//! evidence chain.

use super::ledger::LedgerRow;
use crate::domain::clock::ClockState;
use crate::domain::ticket::Status;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What an audited ticket lacks or did late.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize)]
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

/// The sample of `month`: the same month and data always give the same
/// tickets, whatever order the rows come in. Tickets are ranked by the
/// SHA-256 of month and ticket id, and the first 10% are taken.
pub fn audit_sample(rows: &[LedgerRow], month: &str) -> AuditSample {
    let mut closed: Vec<(Vec<u8>, &LedgerRow)> = rows
        .iter()
        .filter(|r| r.month == month && r.status == Status::Closed)
        .map(|r| {
            let rank = Sha256::digest(format!("audit|{month}|{}", r.id).as_bytes()).to_vec();
            (rank, r)
        })
        .collect();
    closed.sort_by(|a, b| a.0.cmp(&b.0));
    let population = closed.len();
    let sample = closed
        .into_iter()
        .take(sample_size(population))
        .map(|(_, r)| Audited {
            number: r.number.clone(),
            team: r.team.clone(),
            findings: findings(r),
        })
        .collect();
    AuditSample {
        month: month.to_string(),
        population: population as u32,
        sample,
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
