//! The classifier: free text (plus facts already known) -> kind, category,
//! subcategory, facts, grade, and the rules that fired with their sources.
//!
//! Chinese has no spaces, so every keyword of the rule table goes into one
//! Aho-Corasick automaton that finds all of them, overlapping, in one pass over
//! the normalised text. A keyword right after a negation ("没有停电") does not
//! count, and a keyword inside a longer keyword of the same dimension yields to
//! it. When nothing matches, the answer says so with low confidence.

use crate::domain::facts::{Area, Facts};
use crate::domain::normalise::Normaliser;
use crate::domain::numbers::numbers;
use crate::domain::rules::{
    CategoryRule, Condition, Keyword, RuleTable, Sequence, SubcategoryRule,
};
use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

pub mod model;
mod text;
use crate::domain::shared_str::SharedStr;
use model::{Model, Scorers};

use text::{
    followed_by_more, format_number, hours_of, span_text, starts_with_at, unit_at,
    unit_with_value_at,
};

/// How sure the classifier is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Both the kind and the topic were named in the text.
    High,
    /// One of them was.
    Medium,
    /// Nothing in the text matched: a person should decide.
    Low,
}

/// A rule and what it decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    // The rule's own id and source, shared with the table, not copied.
    pub id: SharedStr,
    pub source: SharedStr,
    /// What it decided, e.g. `kind=complaint`, `grade=1`, `outage_hours=3`.
    pub decided: SharedStr,
}

/// One rule that took part in a decision: the rule and what it decided
/// (read through it as `fired.id`, `fired.decided`), and the words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FiredRule {
    /// Shared by every text the rule decides the same way: most are made
    /// once per classifier, and a fired rule then counts one reference,
    /// not one per string (the counting was 8 % of the rules benchmark).
    #[serde(flatten)]
    pub decision: Arc<Decision>,
    /// The words of the text that made it fire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched: Vec<SharedStr>,
}

impl std::ops::Deref for FiredRule {
    type Target = Decision;
    fn deref(&self) -> &Decision {
        &self.decision
    }
}

/// Where a fact's value came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactOrigin {
    /// Set by a person (kiosk button, crew form): always wins.
    Manual,
    /// Found in the text by the named rule.
    Extracted { rule: SharedStr, text: SharedStr },
    /// Follows from the classification (e.g. an outage needs a site visit).
    Derived { rule: SharedStr },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub kind: String,
    pub category: String,
    pub subcategory: Option<String>,
    /// 1 (一级, urgent) to 3 (三级, general); `None` where grading does not apply.
    pub grade: Option<u8>,
    pub facts: Facts,
    pub fact_origins: Vec<(String, FactOrigin)>,
    pub rules: Vec<FiredRule>,
    pub confidence: Confidence,
    /// A 一级 complaint starts the emergency plan (003 §六(一)).
    pub emergency: bool,
    pub rule_table_version: String,
}

/// What a pattern of the automaton stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Kind(usize),
    Sub(usize),
    Flag(usize),
    Area(usize),
    Joint(usize),
    Near(usize),
    CountPhrase(usize, f64),
    DurationPhrase(usize, f64),
    /// The first or the second cue of the n-th sequence.
    SeqFirst(usize),
    SeqThen(usize),
    SeqFinally(usize),
    Negation,
    AdjacentNegation,
    NotNegation,
}

impl Target {
    /// Keywords that a negation can cancel, and their dimension for the
    /// "longer keyword wins" rule.
    fn dimension(self) -> Option<u8> {
        match self {
            Target::Kind(_) => Some(0),
            Target::Sub(_) => Some(1),
            Target::Flag(_) | Target::Area(_) | Target::Joint(_) => Some(2),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Hit {
    pattern: usize,
    /// For a sequence: the pattern of its second cue.
    then: Option<usize>,
    target: Target,
    weight: f64,
    start: usize,
    end: usize,
}

/// The working lists of `Classifier::hits`, kept between texts.
#[derive(Default)]
struct HitScratch {
    char_at: Vec<usize>,
    all: Vec<Hit>,
    /// Negation cues that are not part of a question (indices into `all`).
    cues: Vec<usize>,
    /// Hits by dimension (indices into `all`).
    by_dimension: [Vec<usize>; 3],
    /// Sequence cues: (sequence, role: first, then, finally, hit).
    sequence_hits: Vec<(usize, u8, Hit)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<HitScratch> = std::cell::RefCell::new(HitScratch::default());
}

/// A classifier built once from a rule table, then used for many texts.
#[derive(Clone, Debug)]
pub struct Classifier {
    table: RuleTable,
    normaliser: Normaliser,
    automaton: AhoCorasick,
    /// The normalised keywords, indexed like the automaton's patterns.
    patterns: Vec<SharedStr>,
    /// For each pattern of the automaton, what it stands for.
    uses: Vec<Vec<(Target, f64)>>,
    /// (category code, subcategory index within it) for each flat subcategory index.
    subs: Vec<(usize, usize)>,
    /// The flat subcategory index of each subcategory code.
    sub_of_code: FxHashMap<String, usize>,
    /// The decisions a text can lead to, written once.
    decided: Decisions,
    /// Each sequence of the table: what it points at, and the phrase.
    sequences: Vec<(Target, Sequence)>,
    /// Colloquial and regional forms and the standard ones they are read as.
    variants: Option<(AhoCorasick, Vec<String>)>,
    /// The n-gram model beside the rules, if any (see `model`).
    model: ModelRef,
}

/// Decisions of fired rules that do not depend on the text, made once per
/// classifier: each text's fired rule shares one. (Not all: those a kind
/// makes of a topic, and those naming the text's own figures or what the
/// model or the intent order overruled, are made per text, `fired_now`.)
#[derive(Clone, Debug)]
struct Decisions {
    /// A kind's own rule, by kind index (its cues decided).
    kind: Vec<Arc<Decision>>,
    /// The rule for texts without a kind's cue, by the kind it gives.
    kind_without_cue: Vec<Arc<Decision>>,
    /// A subcategory's own rule, by flat subcategory index.
    subcategory: Vec<Arc<Decision>>,
    /// Each grade rule, in the table's order.
    grade: Vec<Arc<Decision>>,
    /// By fact rule: `<fact>=true` for a flag, `area=<value>` for an area.
    fact: Vec<Option<Arc<Decision>>>,
}

impl Decisions {
    fn of(table: &RuleTable) -> Decisions {
        let default = &table.kind_without_cue;
        Decisions {
            kind: table
                .kinds
                .iter()
                .map(|k| decision(&k.id, &k.source, "kind", &k.code))
                .collect(),
            kind_without_cue: table
                .kinds
                .iter()
                .map(|k| decision(&default.id, &default.source, "kind", &k.code))
                .collect(),
            subcategory: table
                .categories
                .iter()
                .flat_map(|c| &c.subcategories)
                .map(|s| decision(&s.id, &s.source, "subcategory", &s.code))
                .collect(),
            grade: table
                .grade_rules
                .iter()
                .map(|r| decision(&r.id, &r.source, "grade", &r.grade.to_string()))
                .collect(),
            fact: table
                .facts
                .iter()
                .map(|f| match (&f.area, &f.flag) {
                    (Some(area), _) => Some(decision(&f.id, &f.source, "area", &area.value)),
                    (None, Some(_)) => Some(decision(&f.id, &f.source, &f.fact, "true")),
                    (None, None) => None,
                })
                .collect(),
        }
    }
}

/// Which model a classifier consults. The shipped one is made ready once,
/// on the first text classified, not when the engine is built at start-up.
#[derive(Clone, Debug)]
enum ModelRef {
    None,
    Shipped,
    Own(std::sync::Arc<ModelScorers>),
}

static SHIPPED_MODEL: std::sync::OnceLock<ModelScorers> = std::sync::OnceLock::new();

/// The shipped model, built in: made ready on first use.
#[cfg(feature = "embedded-model")]
fn shipped_model() -> Option<&'static ModelScorers> {
    Some(SHIPPED_MODEL.get_or_init(|| ModelScorers::new(&Model::shipped())))
}

/// The shipped model, once installed (see [`install_shipped_model`]).
#[cfg(not(feature = "embedded-model"))]
fn shipped_model() -> Option<&'static ModelScorers> {
    SHIPPED_MODEL.get()
}

/// Installs the shipped model where the build does not carry it (the
/// browser fetches `model.json.gz` beside its modules and undoes the gzip
/// itself: `json` is the model's JSON). Until then the rules decide alone,
/// and their decisions say so. `Ok(false)`: one was already in place.
pub fn install_shipped_model(json: &[u8]) -> Result<bool, String> {
    let model = Model::from_json(json)?;
    Ok(SHIPPED_MODEL.set(ModelScorers::new(&model)).is_ok())
}

/// Whether classifiers built with [`Classifier::new`] consult the model.
pub fn shipped_model_ready() -> bool {
    cfg!(feature = "embedded-model") || SHIPPED_MODEL.get().is_some()
}

/// The model's two fields, ready to score.
#[derive(Clone, Debug)]
struct ModelScorers {
    source: SharedStr,
    scorers: Scorers,
    /// The names its decisions are listed under, made once.
    kind_rule: SharedStr,
    subcategory_rule: SharedStr,
}

impl ModelScorers {
    fn new(m: &Model) -> ModelScorers {
        ModelScorers {
            source: format!("{} ({})", m.source, m.version).into(),
            scorers: Scorers::new(&m.kind, &m.subcategory),
            kind_rule: "model.kind".into(),
            subcategory_rule: "model.subcategory".into(),
        }
    }
}

impl Classifier {
    /// The rules of `table` with the shipped n-gram model beside them.
    pub fn new(table: RuleTable) -> Classifier {
        Classifier {
            model: ModelRef::Shipped,
            ..Classifier::with_model(table, None)
        }
    }

    /// The rules alone (the model's training asks them, to learn where
    /// they go wrong).
    pub fn rules_only(table: RuleTable) -> Classifier {
        Classifier::with_model(table, None)
    }

    pub fn with_model(table: RuleTable, model: Option<&Model>) -> Classifier {
        let normaliser = Normaliser::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<SharedStr> = Vec::new();
        let mut uses: Vec<Vec<(Target, f64)>> = Vec::new();
        let mut add = |word: &str, target: Target, weight: f64| {
            let word = normaliser.text(word);
            let id = *index.entry(word.clone()).or_insert_with(|| {
                patterns.push(word.into());
                uses.push(Vec::new());
                patterns.len() - 1
            });
            uses[id].push((target, weight));
        };
        let mut sequences: Vec<(Target, Sequence)> = Vec::new();
        let mut add_sequences =
            |owner: Target, list: &[Sequence], add: &mut dyn FnMut(&str, Target, f64)| {
                for sequence in list {
                    let n = sequences.len();
                    for word in &sequence.first {
                        add(word, Target::SeqFirst(n), 1.0);
                    }
                    for word in &sequence.then {
                        add(word, Target::SeqThen(n), 1.0);
                    }
                    for word in &sequence.finally {
                        add(word, Target::SeqFinally(n), 1.0);
                    }
                    sequences.push((owner, sequence.clone()));
                }
            };
        for (i, kind) in table.kinds.iter().enumerate() {
            for Keyword(word, weight) in &kind.keywords {
                add(word, Target::Kind(i), *weight);
            }
            add_sequences(Target::Kind(i), &kind.sequences, &mut add);
        }
        let mut subs = Vec::new();
        for (c, category) in table.categories.iter().enumerate() {
            for (s, sub) in category.subcategories.iter().enumerate() {
                let flat = subs.len();
                subs.push((c, s));
                for Keyword(word, weight) in &sub.keywords {
                    add(word, Target::Sub(flat), *weight);
                }
                add_sequences(Target::Sub(flat), &sub.sequences, &mut add);
            }
        }
        for (i, fact) in table.facts.iter().enumerate() {
            for word in fact.flag.iter().flatten() {
                add(word, Target::Flag(i), 1.0);
            }
            if let Some(area) = &fact.area {
                for word in &area.keywords {
                    add(word, Target::Area(i), 1.0);
                }
            }
            if let Some(joint) = &fact.joint {
                for word in &joint.cues {
                    add(word, Target::Joint(i), 1.0);
                }
            }
            if let Some(count) = &fact.count {
                for Keyword(word, value) in &count.phrases {
                    add(word, Target::CountPhrase(i, *value), 1.0);
                }
            }
            if let Some(duration) = &fact.duration {
                for word in &duration.near {
                    add(word, Target::Near(i), 1.0);
                }
                for Keyword(word, value) in &duration.phrases {
                    add(word, Target::DurationPhrase(i, *value), 1.0);
                }
            }
        }
        for cue in &table.negation.cues {
            add(cue, Target::Negation, 1.0);
        }
        for cue in &table.negation.adjacent_cues {
            add(cue, Target::AdjacentNegation, 1.0);
        }
        for phrase in &table.negation.not_negations {
            add(phrase, Target::NotNegation, 1.0);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().map(|p| p.as_bytes()))
            .expect("keywords of a validated table build an automaton");
        let variants = table.variants.as_ref().map(|v| {
            let (from, to): (Vec<String>, Vec<String>) = v
                .pairs
                .iter()
                .map(|(from, to)| (normaliser.text(from), normaliser.text(to)))
                .unzip();
            let automaton = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&from)
                .expect("variants of a validated table build an automaton");
            (automaton, to)
        });
        let mut sub_of_code = FxHashMap::default();
        for (flat, sub) in table
            .categories
            .iter()
            .flat_map(|c| &c.subcategories)
            .enumerate()
        {
            sub_of_code.entry(sub.code.clone()).or_insert(flat);
        }
        Classifier {
            decided: Decisions::of(&table),
            table,
            normaliser,
            automaton,
            patterns,
            uses,
            subs,
            sub_of_code,
            sequences,
            variants,
            model: match model {
                Some(m) => ModelRef::Own(std::sync::Arc::new(ModelScorers::new(m))),
                None => ModelRef::None,
            },
        }
    }

    /// The model to consult, made ready on first use if it is the shipped one.
    fn model(&self) -> Option<&ModelScorers> {
        match &self.model {
            ModelRef::None => None,
            ModelRef::Shipped => shipped_model(),
            ModelRef::Own(m) => Some(m),
        }
    }

    pub fn table(&self) -> &RuleTable {
        &self.table
    }

    /// The text as the keywords are written: full-width, case and
    /// traditional characters folded, colloquial and regional forms read as
    /// standard ones.
    pub fn normalise(&self, text: &str) -> String {
        let folded = self.normaliser.text(text);
        match &self.variants {
            // Most texts hold no variant: they are not copied again. For the
            // others, the scan goes on from the first variant found.
            Some((automaton, to)) => match automaton.find(&folded) {
                None => folded,
                Some(first) => {
                    let mut out = String::with_capacity(folded.len() + 8);
                    out.push_str(&folded[..first.start()]);
                    out.push_str(&automaton.replace_all(&folded[first.start()..], to));
                    out
                }
            },
            None => folded,
        }
    }

    /// Classifies a text. `manual` holds facts a person set; they beat extracted ones.
    pub fn classify(&self, text: &str, manual: &Facts) -> Classification {
        let normalised = self.normalise(text);
        // Sized once (a character is at least a byte): collecting grew it.
        let mut chars: Vec<char> = Vec::with_capacity(normalised.len());
        chars.extend(normalised.chars());
        let hits = self.hits(&normalised);
        // Room for the usual four to six decisions, made once.
        let mut rules = Vec::with_capacity(8);

        let (extracted, mut origins) = self.extract_facts(&chars, &hits, manual, &mut rules);
        let mut facts = extracted.overridden_by(manual);
        for name in manual.known() {
            origins.retain(|(fact, _)| fact != name);
            origins.push((name.to_string(), FactOrigin::Manual));
        }

        let topic = self.best(&hits, |t| match t {
            Target::Sub(i) => Some(i),
            _ => None,
        });
        let mut kind_cue = self.kind_by_intent(&hits, &mut rules);

        // Kind: the cue that decided; without one, what the topic suggests.
        let mut kind_index = match &mut kind_cue {
            Some((i, _, words)) => {
                rules.push(fired(&self.decided.kind[*i], std::mem::take(words)));
                *i
            }
            None => {
                let default = &self.table.kind_without_cue;
                let code = match &topic {
                    Some((s, _, _)) => self
                        .sub_at(*s)
                        .1
                        .kind_without_cue
                        .as_deref()
                        .unwrap_or(&default.with_topic),
                    None => &default.without_topic,
                };
                let i = self
                    .table
                    .kinds
                    .iter()
                    .position(|k| k.code == code)
                    .expect("validated kind code");
                rules.push(fired(&self.decided.kind_without_cue[i], vec![]));
                i
            }
        };
        // The model overrules the rules' kind only where it is much surer.
        let grams = match self.model() {
            Some(m) => m.scorers.known(&normalised),
            None => model::Known::default(),
        };
        let model_kind = self.model().and_then(|m| {
            let reading = m
                .scorers
                .kind
                .sure(&grams, &self.table.kinds[kind_index].code)?;
            let i = self
                .table
                .kinds
                .iter()
                .position(|k| k.code == reading.label)?;
            (i != kind_index).then_some((i, reading, m))
        });
        if let Some((i, reading, m)) = model_kind {
            // The model chose; the clause is the one defining what it chose.
            let source = by_model(&self.table.kinds[i].source, &m.source);
            rules.push(fired_now(
                &m.kind_rule,
                &source,
                format!(
                    "kind={} (not {})",
                    reading.label, self.table.kinds[kind_index].code
                )
                .into(),
                reading.evidence.into_iter().map(SharedStr::from).collect(),
            ));
            kind_index = i;
        }
        let kind = &self.table.kinds[kind_index];

        // Topic: fixed by some kinds (praise, suggestion), else the strongest keywords,
        // else the kind's default (a consultation about nothing named is a policy inquiry).
        let mut topic = if kind.topic { topic } else { None };
        let kind_subcategory = match (&kind.fixed_subcategory, &topic) {
            (Some(fixed), _) => Some(fixed),
            (None, None) => kind.default_subcategory.as_ref(),
            (None, Some(_)) => None,
        };
        // The flat index of the subcategory the rules chose, if any.
        let rules_topic = match (kind_subcategory, &mut topic) {
            (Some(code), _) => {
                let s = self.sub_named(code).expect("validated subcategory");
                let sub = &self.decided.subcategory[s];
                rules.push(fired_now(
                    &kind.id,
                    &kind.source,
                    sub.decided.clone(),
                    vec![],
                ));
                Some(s)
            }
            (None, Some((named, _, words))) => {
                let s = match kind.topic_instead.get(&self.sub_at(*named).1.code) {
                    Some(instead) => self.sub_named(instead).expect("validated subcategory"),
                    None => *named,
                };
                rules.push(fired(&self.decided.subcategory[s], std::mem::take(words)));
                Some(s)
            }
            (None, None) => None,
        };
        let chosen = match self.model_topic(kind, &grams, rules_topic) {
            Some((s, reading, m)) => {
                let rules_said = rules_topic.map_or("-", |r| self.sub_at(r).1.code.as_str());
                let source = by_model(&self.decided.subcategory[s].source, &m.source);
                rules.push(fired_now(
                    &m.subcategory_rule,
                    &source,
                    format!("subcategory={} (not {rules_said})", reading.label).into(),
                    reading.evidence.into_iter().map(SharedStr::from).collect(),
                ));
                Some(s)
            }
            None => rules_topic,
        };
        let chosen = chosen.map(|s| self.sub_at(s));
        let category = chosen.map_or("other", |(c, _)| c.code.as_str());
        let subcategory = chosen.map(|(_, s)| s);

        // An outage or voltage problem needs someone on site.
        if facts.site_visit.is_none() && matches!(kind.code.as_str(), "complaint" | "fault_repair")
        {
            if let Some(sub) = subcategory.filter(|sub| sub.site_visit) {
                facts.site_visit = Some(true);
                origins.push((
                    "site_visit".into(),
                    FactOrigin::Derived {
                        rule: sub.id.clone(),
                    },
                ));
            }
        }

        // Complaints and fault repairs are graded; any ticket whose facts show
        // a hazard to people is 一级 whatever its kind (spec §1, §4).
        let described = |code: &str| {
            hits.iter().any(|hit| match hit.target {
                Target::Sub(i) => self.sub_at(i).1.code == code,
                _ => false,
            })
        };
        let subject = Subject {
            kind: &kind.code,
            category,
            subcategory: subcategory.map(|s| s.code.as_str()),
            grade: None,
            facts: &facts,
            described: Some(&described),
        };
        let grade = self.grade_of(kind.graded, &subject, &mut rules);

        // Evidence, not defaults: a topic named in the text, or one a named kind fixes.
        let topic_named =
            topic.is_some() || (kind_cue.is_some() && kind.fixed_subcategory.is_some());
        let confidence = match (kind_cue.is_some(), topic_named) {
            (true, true) => Confidence::High,
            (false, false) => Confidence::Low,
            _ => Confidence::Medium,
        };

        Classification {
            kind: kind.code.clone(),
            category: category.to_string(),
            subcategory: subcategory.map(|s| s.code.clone()),
            emergency: grade == Some(self.table.emergency_grade),
            grade,
            facts,
            fact_origins: origins,
            rules,
            confidence,
            rule_table_version: self.table.version.clone(),
        }
    }

    /// The category and subcategory of a flat subcategory index.
    fn sub_at(&self, flat: usize) -> (&CategoryRule, &SubcategoryRule) {
        let (c, j) = self.subs[flat];
        let category = &self.table.categories[c];
        (category, &category.subcategories[j])
    }

    /// The flat index of a subcategory code.
    fn sub_named(&self, code: &str) -> Option<usize> {
        self.sub_of_code.get(code).copied()
    }

    /// The model's topic (a flat subcategory index) where it is much surer
    /// than the rules' and the kind takes a topic at all (not one another
    /// kind fixes: praise, suggestions).
    fn model_topic<'a>(
        &'a self,
        kind: &crate::domain::rules::KindRule,
        grams: &model::Known,
        rules_said: Option<usize>,
    ) -> Option<(usize, model::Reading, &'a ModelScorers)> {
        let m = self.model()?;
        if !kind.topic || kind.fixed_subcategory.is_some() {
            return None;
        }
        let said = rules_said.map_or("-", |s| self.sub_at(s).1.code.as_str());
        let reading = m.scorers.subcategory.sure(grams, said)?;
        let fixed_elsewhere = self
            .table
            .kinds
            .iter()
            .any(|k| k.fixed_subcategory.as_deref() == Some(reading.label.as_str()));
        if fixed_elsewhere || said == reading.label {
            return None;
        }
        let s = self.sub_named(&reading.label)?;
        Some((s, reading, m))
    }

    /// The grade rules that hold, and the highest grade (lowest number) among
    /// them: every rule for a graded kind, only those for every kind otherwise.
    /// Each holding rule of that grade is listed (in one pass: a rule of a
    /// higher grade takes back those listed before it).
    fn grade_of(&self, graded: bool, subject: &Subject, rules: &mut Vec<FiredRule>) -> Option<u8> {
        let listed_before = rules.len();
        let mut best: Option<u8> = None;
        for (rule, decided) in self.table.grade_rules.iter().zip(&self.decided.grade) {
            if best.is_some_and(|g| rule.grade > g)
                || !(graded || rule.every_kind)
                || !subject.satisfies(&rule.when)
            {
                continue;
            }
            if best.is_none_or(|g| rule.grade < g) {
                rules.truncate(listed_before);
                best = Some(rule.grade);
            }
            rules.push(fired(decided, vec![]));
        }
        best
    }

    /// All keyword hits in the text, without negated ones and without those
    /// inside a longer hit of the same dimension.
    fn hits(&self, normalised: &str) -> Vec<Hit> {
        SCRATCH.with_borrow_mut(|scratch| self.hits_in(normalised, scratch))
    }

    /// `hits`, its working lists kept in `scratch` between texts: they were
    /// most of a text's allocations (the rules benchmark classifies 200,000
    /// texts a second).
    fn hits_in(&self, normalised: &str, scratch: &mut HitScratch) -> Vec<Hit> {
        let HitScratch {
            char_at,
            all,
            cues,
            by_dimension,
            sequence_hits,
        } = scratch;
        // Byte offsets to character offsets.
        char_at.clear();
        char_at.resize(normalised.len() + 1, 0);
        let mut count = 0;
        for (byte, c) in normalised.char_indices() {
            char_at[byte] = count;
            count += 1;
            for k in 1..c.len_utf8() {
                char_at[byte + k] = count;
            }
        }
        char_at[normalised.len()] = count;

        all.clear();
        for m in self.automaton.find_overlapping_iter(normalised) {
            let (start, end) = (char_at[m.start()], char_at[m.end()]);
            let pattern = m.pattern().as_usize();
            for &(target, weight) in &self.uses[pattern] {
                all.push(Hit {
                    pattern,
                    then: None,
                    target,
                    weight,
                    start,
                    end,
                });
            }
        }
        let all = &*all;
        let max_gap = self.table.negation.max_gap;
        // "有没有", "是不是": a question, not a negation. The cues that do
        // negate, and the hits of each dimension, are gathered once: a text
        // has dozens of hits, and each is checked against them.
        let question_around = |c: &Hit| {
            all.iter()
                .any(|q| q.target == Target::NotNegation && q.start <= c.start && q.end >= c.end)
        };
        cues.clear();
        cues.extend(
            (0..all.len())
                .filter(|&i| matches!(all[i].target, Target::Negation | Target::AdjacentNegation))
                .filter(|&i| !question_around(&all[i])),
        );
        let negated = |hit: &Hit| {
            cues.iter().any(|&i| {
                let cue = &all[i];
                match cue.target {
                    Target::Negation => cue.end <= hit.start && hit.start - cue.end <= max_gap,
                    _ => cue.end == hit.start,
                }
            })
        };
        for list in by_dimension.iter_mut() {
            list.clear();
        }
        for (i, hit) in all.iter().enumerate() {
            if let Some(d) = hit.target.dimension() {
                by_dimension[usize::from(d)].push(i);
            }
        }
        let inside_longer = |hit: &Hit| {
            let d = usize::from(hit.target.dimension().unwrap_or(0));
            by_dimension[d].iter().any(|&i| {
                let other = &all[i];
                other.start <= hit.start
                    && other.end >= hit.end
                    && other.end - other.start > hit.end - hit.start
            })
        };
        // Sized for the usual case: hits kept, plus a few sequences found.
        let mut kept: Vec<Hit> = Vec::with_capacity(all.len() + 4);
        kept.extend(all.iter().filter(|hit| match hit.target.dimension() {
            Some(_) => !negated(hit) && !inside_longer(hit),
            None => !matches!(
                hit.target,
                Target::Negation
                    | Target::AdjacentNegation
                    | Target::NotNegation
                    | Target::SeqFirst(_)
                    | Target::SeqThen(_)
                    | Target::SeqFinally(_)
            ),
        }));
        // A sequence counts once, for its first match in order within reach.
        // Its cues' hits are gathered first, by sequence and in the text's
        // order, so each sequence looks only at its own.
        sequence_hits.clear();
        sequence_hits.extend(all.iter().filter_map(|hit| match hit.target {
            Target::SeqFirst(n) => Some((n, 0u8, *hit)),
            Target::SeqThen(n) => Some((n, 1, *hit)),
            Target::SeqFinally(n) => Some((n, 2, *hit)),
            _ => None,
        }));
        sequence_hits.sort_by_key(|(n, _, _)| *n);
        for group in sequence_hits.chunk_by(|a, b| a.0 == b.0) {
            let (owner, sequence) = &self.sequences[group[0].0];
            let part = |role: u8| group.iter().filter(move |h| h.1 == role).map(|h| &h.2);
            let within = |a: &Hit, b: &Hit| b.start >= a.end && b.start - a.end <= sequence.within;
            let found = part(0).find_map(|first| {
                part(1).filter(|t| within(first, t)).find_map(|then| {
                    if sequence.finally.is_empty() {
                        Some((first, then, then))
                    } else {
                        part(2)
                            .find(|l| within(then, l))
                            .map(|last| (first, then, last))
                    }
                })
            });
            if let Some((first, then, last)) = found {
                kept.push(Hit {
                    pattern: first.pattern,
                    then: Some(last.pattern),
                    target: *owner,
                    weight: sequence.weight,
                    start: first.start,
                    end: last.end.max(then.end),
                });
            }
        }
        kept
    }

    /// The kind the text's cues decide: of the kinds whose cues reach the
    /// intent order's threshold, the first in that order (naming the order's
    /// rule when it overruled a higher score); else the highest score.
    fn kind_by_intent(
        &self,
        hits: &[Hit],
        rules: &mut Vec<FiredRule>,
    ) -> Option<(usize, f64, Vec<SharedStr>)> {
        let kind_of = |t| match t {
            Target::Kind(i) => Some(i),
            _ => None,
        };
        let (best, best_score) = Self::top(Self::scores(hits, kind_of))?;
        let Some(order) = &self.table.intent_order else {
            return Some((best, best_score, self.words_of(hits, best, kind_of)));
        };
        let rank = |i: usize| {
            let code = &self.table.kinds[i].code;
            order
                .order
                .iter()
                .position(|c| c == code)
                .unwrap_or(usize::MAX)
        };
        let asserted = Self::scores(hits, kind_of)
            .filter(|(i, score)| {
                *score
                    >= self.table.kinds[*i]
                        .asserted_at
                        .unwrap_or(order.asserted_at)
            })
            .min_by_key(|(i, _)| rank(*i));
        match asserted {
            Some((first, score)) if first != best => {
                let words = self.words_of(hits, first, kind_of);
                rules.push(fired_now(
                    &order.id,
                    &order.source,
                    format!(
                        "kind={} (over {})",
                        self.table.kinds[first].code, self.table.kinds[best].code
                    )
                    .into(),
                    words.clone(),
                ));
                Some((first, score, words))
            }
            _ => Some((best, best_score, self.words_of(hits, best, kind_of))),
        }
    }

    /// Each index that `pick` maps a hit to, with its summed weight, in
    /// the order of first hits (words are built only for the one that is
    /// chosen: see `words_of`). Quadratic in the hits, of which a text has
    /// a few dozen at most: cheaper than a list made per text.
    fn scores<'h>(
        hits: &'h [Hit],
        pick: impl Fn(Target) -> Option<usize> + Copy + 'h,
    ) -> impl Iterator<Item = (usize, f64)> + 'h {
        hits.iter().enumerate().filter_map(move |(n, hit)| {
            let i = pick(hit.target)?;
            if hits[..n].iter().any(|h| pick(h.target) == Some(i)) {
                return None;
            }
            let score = hits[n..]
                .iter()
                .filter(|h| pick(h.target) == Some(i))
                .fold(0.0, |sum, h| sum + h.weight);
            Some((i, score))
        })
    }

    /// The words of the hits that `pick` maps to `index`, each once.
    fn words_of(
        &self,
        hits: &[Hit],
        index: usize,
        pick: impl Fn(Target) -> Option<usize>,
    ) -> Vec<SharedStr> {
        let mut words: Vec<SharedStr> = Vec::new();
        for hit in hits.iter().filter(|h| pick(h.target) == Some(index)) {
            let word = self.word(hit);
            if !words.contains(&word) {
                words.push(word);
            }
        }
        words
    }

    /// The index with the highest summed weight among hits that `pick` maps to
    /// one; ties go to the one listed first in the table. Returns the matched words.
    fn best(
        &self,
        hits: &[Hit],
        pick: impl Fn(Target) -> Option<usize> + Copy,
    ) -> Option<(usize, f64, Vec<SharedStr>)> {
        let (index, score) = Self::top(Self::scores(hits, pick))?;
        Some((index, score, self.words_of(hits, index, pick)))
    }

    fn top(scores: impl Iterator<Item = (usize, f64)>) -> Option<(usize, f64)> {
        scores.fold(None, |best, candidate| match best {
            Some(b) if b.1 > candidate.1 || (b.1 == candidate.1 && b.0 < candidate.0) => Some(b),
            _ => Some(candidate),
        })
    }

    fn word(&self, hit: &Hit) -> SharedStr {
        match hit.then {
            Some(then) => {
                let (first, last) = (&self.patterns[hit.pattern], &self.patterns[then]);
                let mut word = String::with_capacity(first.len() + '…'.len_utf8() + last.len());
                word.push_str(first);
                word.push('…');
                word.push_str(last);
                word.into()
            }
            None => self.patterns[hit.pattern].clone(),
        }
    }

    fn extract_facts(
        &self,
        chars: &[char],
        hits: &[Hit],
        manual: &Facts,
        rules: &mut Vec<FiredRule>,
    ) -> (Facts, Vec<(String, FactOrigin)>) {
        let mut facts = Facts::default();
        let mut origins = Vec::new();
        // A keyword's hit spans the keyword itself (both are normalised):
        // shared, not copied out of the text.
        let text = |hit: &Hit| match hit.then {
            None => self.patterns[hit.pattern].clone(),
            Some(_) => SharedStr::from(span_text(chars, hit.start, hit.end)),
        };
        let numbers = numbers(chars);
        for (i, rule) in self.table.facts.iter().enumerate() {
            let mut found: Option<(f64, SharedStr)> = None;
            let mut keep_larger = |value: f64, words: SharedStr| {
                if found.as_ref().is_none_or(|(v, _)| value > *v) {
                    found = Some((value, words));
                }
            };
            if rule.flag.is_some() {
                if let Some(hit) = hits.iter().find(|h| h.target == Target::Flag(i)) {
                    keep_larger(1.0, text(hit));
                }
            }
            if let Some(area) = &rule.area {
                if let Some(hit) = hits.iter().find(|h| h.target == Target::Area(i)) {
                    if facts.area.is_none() {
                        facts.area = Area::from_code(&area.value);
                        origins.push((
                            rule.fact.clone(),
                            FactOrigin::Extracted {
                                rule: rule.id.clone(),
                                text: text(hit),
                            },
                        ));
                        let area = self.decided.fact[i].as_ref().expect("an area's decision");
                        rules.push(fired(area, vec![text(hit)]));
                    }
                }
                continue;
            }
            if let Some(count) = &rule.count {
                for n in &numbers {
                    if unit_at(chars, n.end, &count.units).is_some() {
                        keep_larger(n.value, span_text(chars, n.start, n.end + 1).into());
                    }
                }
                for hit in hits
                    .iter()
                    .filter(|h| matches!(h.target, Target::CountPhrase(j, _) if j == i))
                {
                    if let Target::CountPhrase(_, value) = hit.target {
                        keep_larger(value, text(hit));
                    }
                }
            }
            if let Some(duration) = &rule.duration {
                let near = |start: usize, end: usize| {
                    hits.iter().any(|h| {
                        h.target == Target::Near(i)
                            && (h.end <= start && start - h.end <= duration.window
                                || h.start >= end && h.start - end <= duration.window)
                    })
                };
                for n in &numbers {
                    if let Some((unit_len, hours)) =
                        unit_with_value_at(chars, n.end, &duration.units)
                    {
                        // "第二天" is a day, not two; "两天内" a deadline, not
                        // how long the power has been off.
                        let ordinal = n.start > 0 && chars[n.start - 1] == '第';
                        let deadline = ["内", "之内", "以内"]
                            .iter()
                            .any(|w| starts_with_at(chars, n.end + unit_len, w));
                        if !ordinal && !deadline && near(n.start, n.end + unit_len) {
                            let more = n.more || followed_by_more(chars, n.end + unit_len);
                            keep_larger(
                                hours_of(n, hours, more),
                                span_text(chars, n.start, n.end + unit_len).into(),
                            );
                        }
                    }
                }
                for hit in hits
                    .iter()
                    .filter(|h| matches!(h.target, Target::DurationPhrase(j, _) if j == i))
                {
                    if let Target::DurationPhrase(_, value) = hit.target {
                        if near(hit.start, hit.end) {
                            keep_larger(value, text(hit));
                        }
                    }
                }
            }
            if let Some(joint) = &rule.joint {
                if let Some(hit) = hits.iter().find(|h| h.target == Target::Joint(i)) {
                    let households = manual
                        .number(&joint.count_fact)
                        .or(facts.number(&joint.count_fact));
                    if let Some(n) = households {
                        keep_larger(n, text(hit));
                    }
                }
            }
            if let Some((value, words)) = found {
                if rule.flag.is_some() {
                    facts.set_flag(&rule.fact, true);
                } else {
                    facts.set_number(&rule.fact, value);
                }
                let fact = match &self.decided.fact[i] {
                    Some(flag) => fired(flag, vec![words.clone()]),
                    None => fired_now(
                        &rule.id,
                        &rule.source,
                        decided(&rule.fact, &format_number(value)),
                        vec![words.clone()],
                    ),
                };
                rules.push(fact);
                origins.push((
                    rule.fact.clone(),
                    FactOrigin::Extracted {
                        rule: rule.id.clone(),
                        text: words,
                    },
                ));
            }
        }
        (facts, origins)
    }
}

/// What a rule decided, as `name=value`.
fn decided(name: &str, value: &str) -> SharedStr {
    let mut out = String::with_capacity(name.len() + 1 + value.len());
    out.push_str(name);
    out.push('=');
    out.push_str(value);
    out.into()
}

/// A rule's decision `name=value`, to be shared.
fn decision(id: &SharedStr, source: &SharedStr, name: &str, value: &str) -> Arc<Decision> {
    Arc::new(Decision {
        id: id.clone(),
        source: source.clone(),
        decided: decided(name, value),
    })
}

/// A decision made once, fired again.
fn fired(decision: &Arc<Decision>, matched: Vec<SharedStr>) -> FiredRule {
    FiredRule {
        decision: decision.clone(),
        matched,
    }
}

/// The source of a decision the n-gram model made: the clause defining what
/// it chose, then the model itself (a model is evidence, not a standard).
fn by_model(clause: &str, model: &str) -> SharedStr {
    format!("{clause} · {model}").into()
}

/// A decision made for this text: one not in `Decisions` (see there).
fn fired_now(
    id: &SharedStr,
    source: &SharedStr,
    decided: SharedStr,
    matched: Vec<SharedStr>,
) -> FiredRule {
    FiredRule {
        decision: Arc::new(Decision {
            id: id.clone(),
            source: source.clone(),
            decided,
        }),
        matched,
    }
}

/// What a condition is evaluated against.
pub struct Subject<'a> {
    pub kind: &'a str,
    pub category: &'a str,
    pub subcategory: Option<&'a str>,
    pub grade: Option<u8>,
    pub facts: &'a Facts,
    /// Whether the text describes a subcategory (its cues were found):
    /// known while classifying a text, `None` elsewhere.
    pub described: Option<&'a dyn Fn(&str) -> bool>,
}

impl Subject<'_> {
    pub fn satisfies(&self, c: &Condition) -> bool {
        if let Some(always) = c.always {
            return always;
        }
        if let Some(all) = &c.all {
            return all.iter().all(|inner| self.satisfies(inner));
        }
        if let Some(any) = &c.any {
            return any.iter().any(|inner| self.satisfies(inner));
        }
        if let Some(kinds) = &c.kind {
            return kinds.iter().any(|k| k == self.kind);
        }
        if let Some(categories) = &c.category {
            return categories.iter().any(|k| k == self.category);
        }
        if let Some(subs) = &c.subcategory {
            return self
                .subcategory
                .is_some_and(|s| subs.iter().any(|k| k == s));
        }
        if let Some(subs) = &c.described {
            return subs.iter().any(|k| {
                self.subcategory == Some(k.as_str()) || self.described.is_some_and(|d| d(k))
            });
        }
        if let Some(grades) = &c.grade {
            return self.grade.is_some_and(|g| grades.contains(&g));
        }
        if let Some(fact) = &c.fact {
            if let Some(expected) = c.is {
                return self.facts.flag(fact).unwrap_or(false) == expected;
            }
            let Some(value) = self.facts.number(fact) else {
                return false;
            };
            return c.at_least.is_none_or(|t| value >= t) && c.more_than.is_none_or(|t| value > t);
        }
        false
    }
}
