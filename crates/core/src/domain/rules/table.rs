//! The rule table: a versioned data file (JSON) that holds every category,
//! keyword, fact pattern, grade rule and clock span. Every rule has a stable
//! id and the clause of the standard it comes from. A table is validated as a
//! whole on load; a broken table is refused with every problem and its
//! location, and never half-loaded.

use crate::domain::shared_str::SharedStr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const FORMAT: &str = "gridcare-rules";
pub(super) const SHIPPED: &str = include_str!("../data/rules.json");

/// A keyword and how strongly it points at its target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Keyword(pub String, pub f64);

pub use crate::i18n::Bilingual;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTable {
    pub format: String,
    pub version: String,
    pub title: Bilingual,
    pub reference: String,
    pub due_soon_ratio: f64,
    pub high_frequency: HighFrequency,
    pub site_arrival_profile: String,
    pub negation: Negation,
    /// Colloquial, regional and Cantonese forms read as standard Mandarin
    /// before matching (俺 → 我, 咋 → 怎么, 冇 → 没有).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<Variants>,
    /// Which kind wins when the text shows several intents (dissatisfaction
    /// and a question, praise and a repair).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent_order: Option<IntentOrder>,
    pub kinds: Vec<KindRule>,
    pub kind_without_cue: KindDefault,
    pub categories: Vec<CategoryRule>,
    pub facts: Vec<FactRule>,
    pub grade_rules: Vec<GradeRule>,
    pub emergency_grade: u8,
    pub arrival_profiles: Vec<ArrivalProfile>,
    pub clocks: Vec<ClockRule>,
    /// The name of a clock code several clocks share (one resolution clock
    /// per grade): what a report's column or row of that code is headed.
    #[serde(default)]
    pub clock_groups: Vec<ClockGroup>,
    pub satisfaction_threshold: SatisfactionThreshold,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockGroup {
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HighFrequency {
    pub id: SharedStr,
    pub share: f64,
    pub min_count: u32,
    pub source: SharedStr,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Negation {
    pub id: SharedStr,
    pub source: SharedStr,
    /// Cues that negate a keyword when they end at most `max_gap` characters before it.
    pub cues: Vec<String>,
    /// One-character cues that negate only when directly before a keyword.
    pub adjacent_cues: Vec<String>,
    pub max_gap: usize,
    /// Phrases that contain a cue but do not negate ("有没有", "是不是": questions).
    #[serde(default)]
    pub not_negations: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variants {
    pub id: SharedStr,
    pub source: SharedStr,
    /// (as people write it, as the keywords are written); the longest
    /// form found at a place is the one read.
    pub pairs: Vec<(String, String)>,
}

/// The order of intents (spec §1): a kind whose cues in the text reach
/// `asserted_at` is asserted; of the kinds asserted, the one first in
/// `order` wins, whatever another's score. With none asserted, the highest
/// score wins as before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentOrder {
    pub id: SharedStr,
    pub source: SharedStr,
    pub order: Vec<String>,
    pub asserted_at: f64,
}

/// Two (or three) cues in this order, each at most `within` characters
/// after the one before ("说 … 明天 … 没见人影"): a phrase that a list of
/// words cannot express.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    pub first: Vec<String>,
    pub then: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finally: Vec<String>,
    pub within: usize,
    pub weight: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRule {
    pub id: SharedStr,
    pub code: String,
    pub zh: String,
    pub en: String,
    pub source: SharedStr,
    /// Whether grades 1-3 apply (complaints only).
    pub graded: bool,
    /// Kinds such as praise always take this subcategory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_subcategory: Option<String>,
    /// The subcategory when the text names no topic (a consultation is a policy inquiry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_subcategory: Option<String>,
    /// `false` for kinds whose topic words say nothing about the ticket (a report of
    /// theft mentions meters but is no billing matter): category "other", no subcategory.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub topic: bool,
    pub keywords: Vec<Keyword>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
    /// The score at which this kind's cues assert it (the intent order's
    /// threshold when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asserted_at: Option<f64>,
    /// Topics that mean another for this kind: a consultation about the
    /// steps of a connection is a policy inquiry, not a cumbersome process.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub topic_instead: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindDefault {
    pub id: SharedStr,
    pub source: SharedStr,
    /// The kind when no kind keyword matched but a topic did (unless the
    /// subcategory names its own `kind_without_cue`).
    pub with_topic: String,
    /// The kind when nothing matched at all.
    pub without_topic: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    pub id: SharedStr,
    pub code: String,
    pub zh: String,
    pub en: String,
    pub source: SharedStr,
    pub subcategories: Vec<SubcategoryRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubcategoryRule {
    pub id: SharedStr,
    pub code: String,
    pub zh: String,
    pub en: String,
    pub source: SharedStr,
    /// Problems of this kind need someone on site (starts the arrival clock).
    #[serde(default)]
    pub site_visit: bool,
    /// The kind when the text names this problem but no kind cue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_without_cue: Option<String>,
    pub keywords: Vec<Keyword>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
}

/// How a fact is found in free text. Exactly one of the extractors is set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactRule {
    pub id: SharedStr,
    pub fact: String,
    pub source: SharedStr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<CountPattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<DurationPattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint: Option<JointPattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaPattern>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountPattern {
    pub units: Vec<String>,
    #[serde(default)]
    pub phrases: Vec<Keyword>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationPattern {
    /// The number must stand within `window` characters of one of these.
    pub near: Vec<String>,
    pub window: usize,
    /// Unit and its length in hours.
    pub units: Vec<Keyword>,
    #[serde(default)]
    pub phrases: Vec<Keyword>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointPattern {
    pub cues: Vec<String>,
    /// The number of households is taken from this fact.
    pub count_fact: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaPattern {
    pub value: String,
    pub keywords: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeRule {
    pub id: SharedStr,
    pub grade: u8,
    pub zh: String,
    pub en: String,
    pub source: SharedStr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Applies to a ticket of any kind, not only the graded ones (a hazard
    /// to people is 一级 whatever the caller asked for: spec §1).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub every_kind: bool,
    pub when: Condition,
}

/// A condition over a ticket's kind, classification, grade and facts.
/// Exactly one form is used per object; `all`/`any` nest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub always: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<Vec<String>>,
    /// The text describes one of these subcategories (its cues are among
    /// the text's), whatever the ticket's own subcategory, or the ticket is
    /// of one of them. "An outage affecting 50 households" holds for a
    /// complaint about a broken promise during that outage, too. Outside
    /// classification (clocks, the drill) it is the subcategory condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub described: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more_than: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalProfile {
    pub id: SharedStr,
    pub code: String,
    pub zh: String,
    pub en: String,
    pub source: SharedStr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Minutes to arrive, by area code.
    pub minutes: BTreeMap<String, u32>,
    pub default_area: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRule {
    /// Its id, names and source: one value shared with every clock status
    /// computed from the rule (fourteen a ticket), one reference counted
    /// per status rather than five. Flat in the JSON.
    #[serde(flatten)]
    pub words: Arc<ClockWords>,
    /// Why the rule reads as it does, where the reference leaves a choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub applies: Condition,
    /// The milestone the clock starts at (see `clock::Milestone`).
    pub start: String,
    pub span: Span,
    /// Milestones that satisfy the clock.
    pub met_by: Vec<String>,
    /// Waiting on the customer pauses the clock (all but first response).
    #[serde(default = "yes")]
    pub pausable: bool,
    /// Shown to the customer as a promise (on the receipt); internal
    /// deadlines such as pulling records are not.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub promised: bool,
    /// The promise as the customer reads it on the receipt, `{due}` where
    /// the time goes ("我们会在 {due} 前联系您"); without it the receipt
    /// shows the clock's name and the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promise: Option<Promise>,
    /// The clock starts again after each time it is met.
    #[serde(default)]
    pub recurring: bool,
    /// A recurring clock ends at this milestone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// A clock rule's id, names and source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockWords {
    pub id: SharedStr,
    pub code: SharedStr,
    pub zh: SharedStr,
    pub en: SharedStr,
    pub source: SharedStr,
}

/// A clock's promise in the customer's words, in both languages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promise {
    pub zh: String,
    pub en: String,
}

/// Where a promise's time goes.
pub const DUE_SLOT: &str = "{due}";

impl Promise {
    /// The promise with `due` (already in the reader's form) in its place.
    pub fn with_due(&self, lang: crate::i18n::Lang, due: &str) -> String {
        lang.pick(&self.zh, &self.en).replace(DUE_SLOT, due)
    }
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

/// How long a clock runs. Exactly one form is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
    /// Calendar days, wall-clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    /// "Within N working days": end of the N-th working day after the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_on_working_day: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_otherwise: Option<u32>,
    /// Taken from the active arrival profile and the ticket's area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_profile: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SatisfactionThreshold {
    pub id: SharedStr,
    pub percent: u8,
    pub source: SharedStr,
}

/// One problem in a rule table, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// A JSON path such as `clocks[3].span`, or `line 4, column 7` for syntax errors.
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the rule table has {} problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
pub struct InvalidTable(pub Vec<Problem>);

/// The kinds of ticket of 002 §一; codes are part of the CLI and file formats.
pub const KIND_CODES: [&str; 7] = [
    "fault_repair",
    "consultation",
    "complaint",
    "suggestion",
    "report",
    "opinion",
    "praise",
];
pub const CATEGORY_CODES: [&str; 4] = ["supply_quality", "billing", "service_conduct", "other"];
pub const SUBCATEGORY_CODES: [&str; 12] = [
    "outage",
    "voltage",
    "frequency",
    "billing_error",
    "tariff_dispute",
    "payment_inconvenience",
    "rude_attitude",
    "cumbersome_process",
    "broken_promise",
    "property_dispute",
    "policy_inquiry",
    "suggestion_feedback",
];
pub const AREA_CODES: [&str; 4] = ["urban", "suburban", "rural", "remote"];

impl RuleTable {
    pub fn to_pretty_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a rule table always serialises")
    }

    pub fn kind(&self, code: &str) -> Option<&KindRule> {
        self.kinds.iter().find(|k| k.code == code)
    }

    pub fn subcategory(&self, code: &str) -> Option<(&CategoryRule, &SubcategoryRule)> {
        self.categories
            .iter()
            .flat_map(|c| c.subcategories.iter().map(move |s| (c, s)))
            .find(|(_, s)| s.code == code)
    }

    pub fn category(&self, code: &str) -> Option<&CategoryRule> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// The name of a kind, category, subcategory or clock code in `lang`;
    /// the code itself when the table does not know it.
    pub fn name_of<'a>(&'a self, code: &'a str, lang: crate::i18n::Lang) -> &'a str {
        let pair = self
            .kind(code)
            .map(|k| (k.zh.as_str(), k.en.as_str()))
            .or_else(|| self.category(code).map(|c| (c.zh.as_str(), c.en.as_str())))
            .or_else(|| {
                self.subcategory(code)
                    .map(|(_, s)| (s.zh.as_str(), s.en.as_str()))
            })
            .or_else(|| {
                // A code several clocks share is named by its group, never
                // by its first clock ("一级闭环处理" over 二级 outcomes).
                self.clock_groups
                    .iter()
                    .find(|g| g.code == code)
                    .map(|g| (g.zh.as_str(), g.en.as_str()))
            })
            .or_else(|| {
                self.clocks
                    .iter()
                    .find(|c| c.words.code == code)
                    .map(|c| (c.words.zh.as_str(), c.words.en.as_str()))
            });
        pair.map(|(zh, en)| lang.pick(zh, en)).unwrap_or(code)
    }

    pub fn active_arrival_profile(&self) -> &ArrivalProfile {
        self.arrival_profiles
            .iter()
            .find(|p| p.code == self.site_arrival_profile)
            .expect("validated: the active profile exists")
    }

    /// Every rule id in the table, for uniqueness checks and look-ups.
    pub(super) fn ids(&self) -> Vec<(String, &str)> {
        let mut ids = vec![
            (
                "high_frequency".to_string(),
                self.high_frequency.id.as_str(),
            ),
            ("negation".to_string(), self.negation.id.as_str()),
            (
                "kind_without_cue".to_string(),
                self.kind_without_cue.id.as_str(),
            ),
            (
                "satisfaction_threshold".to_string(),
                self.satisfaction_threshold.id.as_str(),
            ),
        ];
        ids.extend(
            self.kinds
                .iter()
                .enumerate()
                .map(|(i, k)| (format!("kinds[{i}]"), k.id.as_str())),
        );
        for (i, c) in self.categories.iter().enumerate() {
            ids.push((format!("categories[{i}]"), c.id.as_str()));
            ids.extend(
                c.subcategories
                    .iter()
                    .enumerate()
                    .map(|(j, s)| (format!("categories[{i}].subcategories[{j}]"), s.id.as_str())),
            );
        }
        ids.extend(
            self.facts
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("facts[{i}]"), f.id.as_str())),
        );
        ids.extend(
            self.grade_rules
                .iter()
                .enumerate()
                .map(|(i, g)| (format!("grade_rules[{i}]"), g.id.as_str())),
        );
        ids.extend(
            self.arrival_profiles
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("arrival_profiles[{i}]"), p.id.as_str())),
        );
        ids.extend(
            self.clocks
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("clocks[{i}]"), c.words.id.as_str())),
        );
        ids
    }

    /// The source clause of a rule id, for explanations.
    pub fn source_of(&self, id: &str) -> Option<&str> {
        let sources: Vec<(&str, &str)> = std::iter::empty()
            .chain(
                self.kinds
                    .iter()
                    .map(|k| (k.id.as_str(), k.source.as_str())),
            )
            .chain(self.categories.iter().flat_map(|c| {
                c.subcategories
                    .iter()
                    .map(|s| (s.id.as_str(), s.source.as_str()))
            }))
            .chain(
                self.facts
                    .iter()
                    .map(|f| (f.id.as_str(), f.source.as_str())),
            )
            .chain(
                self.grade_rules
                    .iter()
                    .map(|g| (g.id.as_str(), g.source.as_str())),
            )
            .chain(
                self.clocks
                    .iter()
                    .map(|c| (c.words.id.as_str(), c.words.source.as_str())),
            )
            .chain([(
                self.kind_without_cue.id.as_str(),
                self.kind_without_cue.source.as_str(),
            )])
            .collect();
        sources.into_iter().find(|(i, _)| *i == id).map(|(_, s)| s)
    }
}
