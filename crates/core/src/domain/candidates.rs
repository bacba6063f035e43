//! Learning from use: every correction a person makes (a ticket whose
//! classification was overridden) is a labelled example. Where the engine,
//! reading the ticket's text today, still names another topic than the
//! person chose, the words of that text that no rule knows are candidates
//! for the chosen topic's keywords. Supervisors see them on `/rules`,
//! grouped by the corrected topic with counts and example tickets, and can
//! add one in a step, which publishes a new version of the table like any
//! other edit.

use crate::domain::classify::Classifier;
use crate::domain::facts::Facts;
use crate::domain::lean_sort;
use crate::domain::rules::{Keyword, RuleTable};
use crate::domain::settings::next_version;
use crate::domain::ticket::TicketState;
use std::collections::{BTreeMap, BTreeSet};

/// Characters that make a poor keyword at either end of one: particles,
/// pronouns, punctuation, digits.
const EDGE_STOPS: &str = "的了是我你他她它们在就都也还吗呢啊吧呀嘛哦么和与及或而但被把给让对向从到这那个些有没不很太又再才已要会能可说就,.!?:;，。！？、：；“”\"'()（）[]【】《》 0123456789";
/// Candidates shown per topic.
const PER_TOPIC: usize = 12;
/// Words are two to four characters: long enough to mean something in
/// unsegmented Chinese, short enough to recur in other customers' words.
const LENGTHS: std::ops::RangeInclusive<usize> = 2..=4;

/// A word that no rule knows, from texts corrected to one topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub word: String,
    /// Corrected tickets whose text has it.
    pub count: usize,
    /// Up to three of their numbers.
    pub examples: Vec<String>,
}

/// The candidates for one corrected topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CandidateGroup {
    /// The subcategory the person chose.
    pub subcategory: String,
    pub corrected_tickets: usize,
    pub words: Vec<Candidate>,
}

/// The candidate keywords of every corrected topic, most frequent first.
pub fn candidates<'a>(
    tickets: impl IntoIterator<Item = &'a TicketState>,
    classifier: &Classifier,
) -> Vec<CandidateGroup> {
    let known: Vec<String> = known_words(classifier.table(), classifier);
    // topic -> word -> tickets (numbers), and topic -> corrected tickets.
    let mut found: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut corrected: BTreeMap<String, usize> = BTreeMap::new();
    for ticket in tickets {
        let Some(c) = &ticket.classification else {
            continue;
        };
        let Some(chosen) = c.subcategory.as_ref().filter(|_| c.overridden) else {
            continue;
        };
        let engine = classifier.classify(&ticket.text, &Facts::default());
        if engine.subcategory.as_ref() == Some(chosen) {
            continue; // The rules already read it right.
        }
        *corrected.entry(chosen.clone()).or_default() += 1;
        let text: Vec<char> = classifier.normalise(&ticket.text).chars().collect();
        let mut words = BTreeSet::new();
        for length in LENGTHS {
            for window in text.windows(length) {
                let word: String = window.iter().collect();
                if is_word(window) && !known.iter().any(|k| k.contains(&word)) {
                    words.insert(word);
                }
            }
        }
        let by_word = found.entry(chosen.clone()).or_default();
        for word in words {
            by_word.entry(word).or_default().push(ticket.number.clone());
        }
    }
    let mut groups: Vec<CandidateGroup> = found
        .into_iter()
        .map(|(subcategory, by_word)| {
            let mut words: Vec<Candidate> = by_word
                .iter()
                .filter(|(word, numbers)| {
                    // A shorter word inside a longer one found as often says nothing more.
                    !by_word.iter().any(|(longer, others)| {
                        longer.len() > word.len()
                            && longer.contains(word.as_str())
                            && others.len() == numbers.len()
                    })
                })
                .map(|(word, numbers)| Candidate {
                    word: word.clone(),
                    count: numbers.len(),
                    examples: numbers.iter().take(3).cloned().collect(),
                })
                .collect();
            lean_sort::sort_by(&mut words, |a, b| {
                b.count
                    .cmp(&a.count)
                    .then(b.word.chars().count().cmp(&a.word.chars().count()))
                    .then(a.word.cmp(&b.word))
            });
            words.truncate(PER_TOPIC);
            CandidateGroup {
                corrected_tickets: corrected.get(&subcategory).copied().unwrap_or(0),
                subcategory,
                words,
            }
        })
        .filter(|g| !g.words.is_empty())
        .collect();
    lean_sort::sort_by_key(&mut groups, |g| std::cmp::Reverse(g.corrected_tickets));
    groups
}

/// Every keyword of the table, normalised as texts are.
fn known_words(table: &RuleTable, classifier: &Classifier) -> Vec<String> {
    let kinds = table.kinds.iter().flat_map(|k| &k.keywords);
    let subs = table
        .categories
        .iter()
        .flat_map(|c| &c.subcategories)
        .flat_map(|s| &s.keywords);
    kinds
        .chain(subs)
        .map(|Keyword(word, _)| classifier.normalise(word))
        .collect()
}

fn is_word(window: &[char]) -> bool {
    let stop = |c: &char| EDGE_STOPS.contains(*c) || c.is_ascii_punctuation();
    !stop(&window[0])
        && !stop(&window[window.len() - 1])
        && window
            .iter()
            .all(|c| !c.is_whitespace() && !"，。！？、,.!?".contains(*c))
}

/// The table with `word` added to `subcategory`'s keywords, as the next
/// version: what "add this candidate" publishes.
pub fn with_keyword(table: &RuleTable, subcategory: &str, word: &str, weight: f64) -> RuleTable {
    let mut next = table.clone();
    for sub in next
        .categories
        .iter_mut()
        .flat_map(|c| c.subcategories.iter_mut())
        .filter(|s| s.code == subcategory)
    {
        if !sub.keywords.iter().any(|Keyword(w, _)| w == word) {
            sub.keywords.push(Keyword(word.to_string(), weight));
        }
    }
    next.version = next_version(&table.version);
    next
}
