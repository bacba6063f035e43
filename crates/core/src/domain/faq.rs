//! Frequent questions (常见问题) as data: answers shown at the kiosk before a
//! complaint is filed, matched to the tile the customer chose and the words
//! they type (003 §五 asks to answer frequent questions before they become
//! complaints). "This solved it" is recorded as a self-service consultation.

use crate::domain::lean_sort;
use crate::domain::normalise::Normaliser;
use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};

const SHIPPED: &str = include_str!("data/faq.json");

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub category: String,
    /// Kiosk tiles whose customers see this answer first.
    pub tiles: Vec<String>,
    pub source: String,
    pub keywords: Vec<String>,
    pub question: Text,
    pub answer: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqFile {
    pub format: String,
    pub version: String,
    pub entries: Vec<Entry>,
}

/// The knowledge base with its keyword automaton, built once.
#[derive(Clone, Debug)]
pub struct Faq {
    pub file: FaqFile,
    automaton: AhoCorasick,
    /// Pattern index -> entry index.
    owner: Vec<usize>,
    normaliser: Normaliser,
}

impl Faq {
    pub fn shipped() -> Faq {
        Faq::new(serde_json::from_str(SHIPPED).expect("the shipped FAQ is valid"))
    }

    pub fn new(file: FaqFile) -> Faq {
        let normaliser = Normaliser::new();
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, e) in file.entries.iter().enumerate() {
            for k in &e.keywords {
                patterns.push(normaliser.text(k));
                owner.push(i);
            }
        }
        let automaton = AhoCorasick::new(&patterns).expect("keywords build an automaton");
        Faq {
            file,
            automaton,
            owner,
            normaliser,
        }
    }

    /// The best answers for a tile and the words typed so far, best first:
    /// each distinct keyword found counts 2, the chosen tile 1.
    pub fn matches(&self, tile: Option<&str>, text: &str, most: usize) -> Vec<&Entry> {
        let mut score = vec![0u32; self.file.entries.len()];
        let mut seen = std::collections::HashSet::new();
        for m in self
            .automaton
            .find_overlapping_iter(&self.normaliser.text(text))
        {
            if seen.insert(m.pattern()) {
                score[self.owner[m.pattern().as_usize()]] += 2;
            }
        }
        if let Some(tile) = tile {
            for (i, e) in self.file.entries.iter().enumerate() {
                if e.tiles.iter().any(|t| t == tile) {
                    score[i] += 1;
                }
            }
        }
        let mut ranked: Vec<(u32, usize)> = score
            .into_iter()
            .enumerate()
            .filter(|(_, s)| *s > 0)
            .map(|(i, s)| (s, i))
            .collect();
        lean_sort::sort_by(&mut ranked, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked
            .into_iter()
            .take(most)
            .map(|(_, i)| &self.file.entries[i])
            .collect()
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.file.entries.iter().find(|e| e.id == id)
    }
}
