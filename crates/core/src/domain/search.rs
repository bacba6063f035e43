//! The queue's search: which tickets mention what a person typed. The
//! words are looked for in the ticket itself (number, the customer's phone
//! and address, the text) rather than in a lower-cased copy kept per row,
//! which cost about 300 bytes a ticket for as long as the queue was open.
//!
//! Only words with Latin letters are looked for case-blind. Others
//! (Chinese, digits) are found by the automaton's substring search
//! (`memchr`'s), which skips ahead; a case-blind search has none and steps
//! through every byte. Stepping through 50,000 tickets that way, with a
//! look-up of each row's ticket, made typing "停电" take 89 ms to show.

use crate::domain::ticket::TicketState;
use aho_corasick::AhoCorasick;

/// What a person typed into the search box, ready to look for.
pub struct Search(Option<AhoCorasick>);

impl Search {
    /// The words, trimmed; Latin letters match in either case (numbers,
    /// pinyin, Latin addresses), Chinese as written (it has no case).
    pub fn new(words: &str) -> Search {
        let words = words.trim();
        if words.is_empty() {
            return Search(None);
        }
        let latin = words.bytes().any(|b| b.is_ascii_alphabetic());
        Search(
            AhoCorasick::builder()
                .ascii_case_insensitive(latin)
                .build([words])
                .ok(),
        )
    }

    /// Nothing typed: every ticket matches.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Whether the ticket's number, phone, address or text holds the words.
    pub fn finds(&self, ticket: &TicketState) -> bool {
        self.finds_in([
            Some(ticket.number.as_str()),
            ticket.contact.phone.as_deref(),
            ticket.contact.address.as_deref(),
            Some(ticket.text.as_str()),
        ])
    }

    /// Whether any of the fields holds the words.
    fn finds_in<'a>(&self, fields: impl IntoIterator<Item = Option<&'a str>>) -> bool {
        let Some(words) = &self.0 else {
            return true;
        };
        fields
            .into_iter()
            .flatten()
            .any(|field| words.is_match(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Number, phone, address, text.
    const TICKET: [Option<&str>; 4] = [
        Some("GC-2026-000123"),
        Some("13800001111"),
        Some("红旗路 8 号"),
        Some("Meter box at Hongqi Road sparks 表箱冒火花"),
    ];

    #[test]
    fn finds_the_words_in_any_field_latin_letters_in_either_case() {
        for words in [
            "gc-2026",
            "HONGQI road",
            "冒火花",
            "0000111",
            "红旗路",
            "  表箱  ",
        ] {
            assert!(Search::new(words).finds_in(TICKET), "{words}");
        }
        for words in ["火花冒", "13900", "Hongqi Street"] {
            assert!(!Search::new(words).finds_in(TICKET), "{words}");
        }
        let nothing = Search::new("   ");
        assert!(nothing.is_empty() && nothing.finds_in([None, None, None, None]));
    }
}
