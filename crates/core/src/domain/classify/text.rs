//! Reading numbers, units and spans out of a complaint's characters: the
//! small helpers of fact extraction.

use crate::domain::numbers::Number;
use crate::domain::rules::Keyword;

pub(super) fn span_text(chars: &[char], start: usize, end: usize) -> String {
    chars[start..end.min(chars.len())].iter().collect()
}

pub(super) fn starts_with_at(chars: &[char], at: usize, word: &str) -> bool {
    (at..)
        .zip(word.chars())
        .all(|(i, c)| chars.get(i) == Some(&c))
}

/// The longest of `units` that stands at `at`.
pub(super) fn unit_at<'a>(chars: &[char], at: usize, units: &'a [String]) -> Option<&'a str> {
    units
        .iter()
        .filter(|u| starts_with_at(chars, at, u))
        .max_by_key(|u| u.chars().count())
        .map(String::as_str)
}

/// The longest unit at `at`, as (its length in characters, its value).
pub(super) fn unit_with_value_at(
    chars: &[char],
    at: usize,
    units: &[Keyword],
) -> Option<(usize, f64)> {
    let at = if chars.get(at) == Some(&' ') {
        at + 1
    } else {
        at
    };
    units
        .iter()
        .filter(|Keyword(u, _)| starts_with_at(chars, at, u))
        .max_by_key(|Keyword(u, _)| u.chars().count())
        .map(|Keyword(u, v)| (u.chars().count(), *v))
}

pub(super) fn followed_by_more(chars: &[char], at: usize) -> bool {
    matches!(chars.get(at), Some('多') | Some('余')) || starts_with_at(chars, at, "以上")
}

/// A duration in hours; "more than" adds half a unit so that "超过24小时" is over 24.
pub(super) fn hours_of(n: &Number, unit_hours: f64, more: bool) -> f64 {
    let value = n.value * unit_hours;
    if more {
        value + unit_hours / 2.0
    } else {
        value
    }
}

pub(super) fn format_number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}
