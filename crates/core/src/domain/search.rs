//! The queue's search: which tickets mention what a person typed. The
//! words are looked for in the ticket itself (number, the customer's phone
//! and address, the text) rather than in a lower-cased copy kept per row,
//! which cost about 300 bytes a ticket for as long as the queue was open.
//!
//! Words without Latin letters (Chinese, numbers: most searches) are looked
//! for exactly with `memchr`'s substring search, which skips along by the
//! rarest bytes of the words; only Latin letters need the case-blind
//! automaton, which steps through every byte (a Chinese character's bytes
//! are too common to skip by). Over 50,000 tickets in the browser, the
//! automaton alone made typing "停电" take 89 ms to show.

use crate::domain::ticket::TicketState;
use aho_corasick::AhoCorasick;
use memchr::memmem::Finder;

/// What a person typed into the search box, ready to look for.
pub struct Search(Looking);

enum Looking {
    /// Nothing typed.
    Nothing,
    /// No Latin letters: the bytes as typed.
    Exact(Box<Finder<'static>>),
    /// Latin letters, in either case.
    Caseless(AhoCorasick),
}

impl Search {
    /// The words, trimmed; Latin letters match in either case (numbers,
    /// pinyin, Latin addresses), Chinese as written (it has no case).
    pub fn new(words: &str) -> Search {
        let words = words.trim();
        if words.is_empty() {
            return Search(Looking::Nothing);
        }
        if !words.bytes().any(|b| b.is_ascii_alphabetic()) {
            return Search(Looking::Exact(Box::new(Finder::new(words).into_owned())));
        }
        match AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([words])
        {
            Ok(automaton) => Search(Looking::Caseless(automaton)),
            // Words too long for an automaton: looked for as typed.
            Err(_) => Search(Looking::Exact(Box::new(Finder::new(words).into_owned()))),
        }
    }

    /// Nothing typed: every ticket matches.
    pub fn is_empty(&self) -> bool {
        matches!(self.0, Looking::Nothing)
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
        let mut fields = fields.into_iter().flatten();
        match &self.0 {
            Looking::Nothing => true,
            Looking::Exact(words) => fields.any(|field| words.find(field.as_bytes()).is_some()),
            Looking::Caseless(words) => fields.any(|field| words.is_match(field)),
        }
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
        for words in ["火花冒", "13900", "Hongqi Street", "冒火花 表箱"] {
            assert!(!Search::new(words).finds_in(TICKET), "{words}");
        }
        let nothing = Search::new("   ");
        assert!(nothing.is_empty() && nothing.finds_in([None, None, None, None]));
    }
}
