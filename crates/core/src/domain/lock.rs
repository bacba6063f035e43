//! The staff PIN's rules: what a PIN may be, how it is stretched, and how
//! failed tries lock it for growing periods. The browser derives the hash
//! (PBKDF2-SHA-256 through WebCrypto) and keeps this record in IndexedDB,
//! the failure count beside the hash, so clearing one storage key cannot
//! undo a lock.

use serde::{Deserialize, Serialize};

/// PBKDF2-SHA-256 iterations: OWASP's 2023 figure for this hash. A 4-digit
/// PIN falls to a search in hours of one core's time instead of a second,
/// which, with the lockout below, leaves guessing at the kiosk hopeless.
pub const PIN_ITERATIONS: u32 = 600_000;

/// Free tries before the first wait.
pub const FREE_TRIES: u32 = 3;

/// The first wait, in seconds; it doubles with each further failure.
pub const FIRST_WAIT_SECONDS: u64 = 30;

/// The longest wait: an hour.
const LONGEST_WAIT_SECONDS: u64 = 3_600;

/// A staff PIN: 4 to 8 digits.
pub fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit())
}

/// A stretched PIN and its failure count, as the device keeps them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinRecord {
    /// Random salt, base64.
    pub salt: String,
    pub iterations: u32,
    /// PBKDF2-SHA-256 of the PIN, 32 bytes, base64.
    pub hash: String,
    /// Failed tries since the last success.
    #[serde(default)]
    pub failures: u32,
    /// No try is taken before this instant (milliseconds since 1970).
    #[serde(default)]
    pub locked_until_ms: i64,
}

impl PinRecord {
    /// Seconds left before a try is taken, if the PIN is locked.
    pub fn wait(&self, now_ms: i64) -> Option<u64> {
        let left = self.locked_until_ms - now_ms;
        (left > 0).then(|| (left as u64).div_ceil(1000))
    }

    /// After a wrong PIN: the count goes up, and from the fourth failure on
    /// each one locks the PIN for twice as long as the one before.
    pub fn failed(&mut self, now_ms: i64) {
        self.failures += 1;
        if self.failures > FREE_TRIES {
            let doublings = (self.failures - FREE_TRIES - 1).min(16);
            let seconds = (FIRST_WAIT_SECONDS << doublings).min(LONGEST_WAIT_SECONDS);
            self.locked_until_ms = now_ms + seconds as i64 * 1000;
        }
    }

    /// Wrong PINs still taken before one starts a wait: what a user is told
    /// after a wrong PIN, so the lock never comes as a surprise.
    pub fn tries_before_wait(&self) -> u32 {
        FREE_TRIES.saturating_sub(self.failures)
    }

    /// After the right PIN.
    pub fn succeeded(&mut self) {
        self.failures = 0;
        self.locked_until_ms = 0;
    }
}

/// How a kiosk slows down guessing at look-ups: each ticket number has its
/// own count (a success resets it), so one customer's typos never lock out
/// the next; and a much higher count over all numbers stops a sweep.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupThrottle {
    /// Failures and lock per ticket number (normalised).
    #[serde(default)]
    numbers: std::collections::BTreeMap<String, (u32, i64)>,
    /// When recent failures happened, over every number.
    #[serde(default)]
    recent: Vec<i64>,
}

/// Tries per ticket number; the last of them starts a wait (5 s, doubling, up
/// to 10 minutes): with four digits of the phone to guess, three tries give
/// three chances in ten thousand.
const LOOKUP_FREE_TRIES: u32 = 3;
const LOOKUP_LONGEST_WAIT_MS: i64 = 600_000;
/// Failures over all numbers within `SWEEP_WINDOW_MS` that stop every look-up.
const SWEEP_FAILURES: usize = 30;
const SWEEP_WINDOW_MS: i64 = 600_000;

impl LookupThrottle {
    /// Milliseconds left before `number` may be tried, if any.
    pub fn wait_ms(&self, number: &str, now_ms: i64) -> Option<i64> {
        let own = self
            .numbers
            .get(number)
            .map(|&(_, until)| until - now_ms)
            .filter(|&left| left > 0);
        let recent: Vec<i64> = self
            .recent
            .iter()
            .copied()
            .filter(|&t| now_ms - t < SWEEP_WINDOW_MS)
            .collect();
        let sweep = (recent.len() >= SWEEP_FAILURES)
            .then(|| {
                recent
                    .iter()
                    .min()
                    .map(|oldest| oldest + SWEEP_WINDOW_MS - now_ms)
            })
            .flatten()
            .filter(|&left| left > 0);
        own.into_iter().chain(sweep).max()
    }

    pub fn failed(&mut self, number: &str, now_ms: i64) {
        let entry = self.numbers.entry(number.to_string()).or_insert((0, 0));
        entry.0 += 1;
        if entry.0 >= LOOKUP_FREE_TRIES {
            let doublings = (entry.0 - LOOKUP_FREE_TRIES).min(16);
            entry.1 = now_ms + (5_000_i64 << doublings).min(LOOKUP_LONGEST_WAIT_MS);
        }
        self.recent.retain(|&t| now_ms - t < SWEEP_WINDOW_MS);
        self.recent.push(now_ms);
    }

    pub fn succeeded(&mut self, number: &str) {
        self.numbers.remove(number);
    }
}

/// A ticket number as a customer may type it: any case, with or without
/// the hyphens (`gs01 20261122 0003` finds `GS01-20261122-0003`).
pub fn normalise_ticket_number(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether `number` is the ticket a customer typed as `typed` (already
/// normalised): the whole number in any case, or its digits alone. The
/// kiosk's keypad has digits and the letters of its own numbers (A–F); a
/// ticket taken on the 95598 hotline (`HL-20261204-00004`) is then found by
/// `2026120400004`. The look-up still needs the phone's last four digits.
pub fn ticket_number_matches(number: &str, typed: &str) -> bool {
    if typed.is_empty() {
        return false;
    }
    let mut whole = number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase());
    if whole.clone().eq(typed.chars()) {
        return true;
    }
    typed.chars().all(|c| c.is_ascii_digit())
        && whole
            .by_ref()
            .filter(char::is_ascii_digit)
            .eq(typed.chars())
}

/// The one ticket that `typed` (normalised) names among `tickets` (each
/// number with what it stands for): the whole number first; by its digits
/// alone only when a single ticket has them, since different prefixes may
/// share their digits (`1A2B-…` and `12AB-…`).
pub fn ticket_named<'n, T>(
    typed: &str,
    tickets: impl IntoIterator<Item = (&'n str, T)>,
) -> Option<T> {
    let mut by_digits = None;
    let mut several = false;
    for (number, ticket) in tickets {
        if !ticket_number_matches(number, typed) {
            continue;
        }
        if normalise_ticket_number(number) == typed {
            return Some(ticket);
        }
        several |= by_digits.is_some();
        by_digits = Some(ticket);
    }
    by_digits.filter(|_| !several)
}

/// What look-up failures are counted under: the digits of what was typed,
/// so a number typed whole and by its digits alone share one allowance.
pub fn lookup_key(typed: &str) -> String {
    typed.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> PinRecord {
        PinRecord {
            salt: String::new(),
            iterations: PIN_ITERATIONS,
            hash: String::new(),
            failures: 0,
            locked_until_ms: 0,
        }
    }

    #[test]
    fn three_free_tries_then_waits_that_double_up_to_an_hour() {
        let mut r = record();
        let (mut waits, mut warnings) = (Vec::new(), Vec::new());
        for _ in 0..12 {
            r.failed(0);
            waits.push(r.wait(0).unwrap_or(0));
            warnings.push(r.tries_before_wait());
        }
        assert_eq!(&waits[..6], &[0, 0, 0, 30, 60, 120]);
        assert_eq!(
            &warnings[..5],
            &[2, 1, 0, 0, 0],
            "told before the first wait"
        );
        assert_eq!(*waits.last().unwrap(), 3_600);
        assert_eq!(r.wait(3_600_000), None);
        r.succeeded();
        assert_eq!((r.failures, r.wait(0)), (0, None));
    }

    #[test]
    fn a_pin_is_four_to_eight_digits() {
        assert!(valid_pin("0000") && valid_pin("12345678"));
        assert!(!valid_pin("123") && !valid_pin("123456789") && !valid_pin("12a4"));
    }

    #[test]
    fn one_customer_s_typos_never_lock_out_the_next() {
        let mut t = LookupThrottle::default();
        for _ in 0..5 {
            t.failed("A1", 0);
        }
        assert!(t.wait_ms("A1", 0).is_some(), "this number waits");
        assert_eq!(
            t.wait_ms("B2", 0),
            None,
            "another customer's number does not"
        );
        t.succeeded("A1");
        assert_eq!(t.wait_ms("A1", 0), None, "a success resets its count");
        // A sweep over many numbers stops every look-up for a while.
        for n in 0..30 {
            t.failed(&format!("N{n}"), 1_000);
        }
        assert!(t.wait_ms("C3", 1_000).is_some());
        assert_eq!(t.wait_ms("C3", 1_000 + 600_000), None);
    }

    #[test]
    fn ticket_numbers_are_found_in_any_case_with_or_without_hyphens() {
        assert_eq!(
            normalise_ticket_number(" gs01 20261122-0003 "),
            normalise_ticket_number("GS01-20261122-0003")
        );
    }

    #[test]
    fn a_number_is_found_whole_or_by_its_digits_alone() {
        let typed = |t: &str| normalise_ticket_number(t);
        assert!(ticket_number_matches(
            "HL-20261204-00004",
            &typed("hl2026120400004")
        ));
        assert!(ticket_number_matches(
            "HL-20261204-00004",
            &typed("2026120400004")
        ));
        assert!(ticket_number_matches(
            "512A-20261204-0001",
            &typed("512202612040001")
        ));
        // Not a part of it, not another number, not nothing.
        assert!(!ticket_number_matches("HL-20261204-00004", &typed("00004")));
        assert!(!ticket_number_matches(
            "HL-20261204-00004",
            &typed("2026120400005")
        ));
        assert!(!ticket_number_matches(
            "HL-20261204-00004",
            &typed("GS2026120400004")
        ));
        assert!(!ticket_number_matches("HL-20261204-00004", ""));
    }

    #[test]
    fn digits_alone_name_a_ticket_only_when_no_other_has_them() {
        let tickets = [
            ("1A2B-20261204-0001", 1),
            ("12AB-20261204-0001", 2),
            ("HL-20261204-00004", 3),
        ];
        let named = |t: &str| {
            ticket_named(
                &normalise_ticket_number(t),
                tickets.iter().map(|(n, i)| (*n, *i)),
            )
        };
        assert_eq!(named("2026120400004"), Some(3));
        assert_eq!(named("12AB202612040001"), Some(2), "the whole number wins");
        assert_eq!(
            named("12202612040001"),
            None,
            "two tickets share these digits"
        );
        assert_eq!(lookup_key("HL2026120400004"), lookup_key("2026120400004"));
    }
}
