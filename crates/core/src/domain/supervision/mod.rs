//! Supervision over the merged tickets of many devices (spec §8; 003 §七,
//! 002 §3.4): the ledger, the monthly figures, alerts, the audit sample, the
//! red and black lists and hot topics. Everything starts from [`LedgerRow`],
//! one per ticket, computed once; the rest are folds over those rows.

pub mod audit;
pub mod export;
pub mod ledger;
pub mod report;
pub mod tally;

pub use ledger::{ledger, ledger_of_events, LedgerRow};

/// `YYYY-MM`, the month key used throughout supervision.
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (year, month) = text.split_once('-')?;
    let (year, month) = (year.parse::<i32>().ok()?, month.parse::<u32>().ok()?);
    ((2000..=2099).contains(&year) && (1..=12).contains(&month) && text.len() == 7)
        .then_some((year, month))
}

/// The month before `YYYY-MM`.
pub fn previous_month(month: &str) -> Option<String> {
    let (y, m) = parse_month(month)?;
    Some(if m == 1 {
        format!("{}-12", y - 1)
    } else {
        format!("{y}-{:02}", m - 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step_back_over_a_year_end() {
        assert_eq!(parse_month("2026-11"), Some((2026, 11)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("2026-1"), None);
        assert_eq!(parse_month("26-11"), None);
        assert_eq!(previous_month("2026-01").as_deref(), Some("2025-12"));
        assert_eq!(previous_month("2026-11").as_deref(), Some("2026-10"));
    }
}
