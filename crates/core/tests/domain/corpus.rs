//! Classification accuracy on three corpora of realistic texts, each printed
//! per field (kind, category, subcategory, grade):
//!
//! - `fresh-dev.tsv` and `fresh-test.tsv`: 460 texts written by two other
//!   hands from the labelling guide (`corpus/GUIDE.md`) and the reference,
//!   without seeing the engine, reviewed by a third, and split in halves
//!   before any rule was tuned. Tuning looks at the development half only:
//!   its misses are printed. The test half prints its figures and nothing
//!   else, so nobody tunes to it; it is the honest measure.
//! - `complaints.tsv` and `heldout.tsv`: the first corpus, written by the
//!   hand that first wrote the keywords.
//!
//! - `fresh-dev-more.tsv` (900) and `fresh-dev-third.tsv` (700): more
//!   development texts by further hands, from the same guide, written
//!   after the split. The third set was measured before anything learned
//!   from it (kind 92.3, category 90.7, subcategory 89.1, grade 91.9 %),
//!   the nearest thing to a second test half that was ever run.
//! - `fresh-dev-fourth.tsv` (900): two more hands (rural, trade and typed
//!   registers; formal summaries, letters, sarcasm, speech transcripts),
//!   measured too before anything learned from them: kind 91.1, category
//!   92.3, subcategory 88.7, grade 91.6 % (rules alone 82.8, 88.8, 84.7,
//!   85.0 %).
//!
//! The development texts also trained the n-gram model beside the rules
//! (`classify/model.rs`), so their figures with the model are not a
//! measure: the test half and the first corpus's held-out texts are.
//! Each corpus prints the rules alone and then with the model.
//!
//! The goal is 95 % per field on the test half (issue 20), and the test
//! half's assertion is that goal: below it on any field, the build fails.
//! The development texts and the first corpus must reach their floors
//! too.

use gridcare_core::domain::classify::Classifier;
use gridcare_core::domain::facts::Facts;
use gridcare_core::domain::rules::RuleTable;

const FIRST: &str = include_str!("../corpus/complaints.tsv");
const FIRST_HELD_OUT: &str = include_str!("../corpus/heldout.tsv");
const FRESH_DEV: &str = include_str!("../corpus/fresh-dev.tsv");
const FRESH_TEST: &str = include_str!("../corpus/fresh-test.tsv");
/// 900 more development texts by four more hands, written after the split
/// (not reviewed by a second labeller, unlike the halves).
const FRESH_DEV_MORE: &str = include_str!("../corpus/fresh-dev-more.tsv");
/// 700 more development texts by two more hands (written registers and
/// call-takers' summaries; spoken, regional and very short), written after
/// the others and measured before the model learned from them.
const FRESH_DEV_THIRD: &str = include_str!("../corpus/fresh-dev-third.tsv");
/// 900 more development texts by two more hands (rural, trade and typed
/// registers; formal summaries, letters, sarcasm and speech transcripts),
/// measured before anything learned from them.
const FRESH_DEV_FOURTH: &str = include_str!("../corpus/fresh-dev-fourth.tsv");
/// What the test half must reach for the issue to be done.
const GOAL: f64 = 0.95;
/// Floors: the goal for the test half; for the others, the figures
/// reached, less a little, so that a change that makes the engine worse on
/// any corpus fails.
const TEST_HALF_FLOOR: f64 = GOAL;
const DEVELOPMENT_FLOOR: f64 = 0.94;
const FIRST_CORPUS_FLOOR: f64 = 0.95;
const FIELDS: [&str; 4] = ["kind", "category", "subcategory", "grade"];

struct Case<'a> {
    line: usize,
    expected: [&'a str; 4],
    text: &'a str,
}

fn cases(corpus: &'static str) -> Vec<Case<'static>> {
    corpus
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let cols: Vec<&str> = l.splitn(5, '\t').collect();
            assert_eq!(cols.len(), 5, "line {}: five tab-separated columns", i + 1);
            Case {
                line: i + 1,
                expected: [cols[0], cols[1], cols[2], cols[3]],
                text: cols[4],
            }
        })
        .collect()
}

/// Whether the misses are printed (never for the test half).
#[derive(PartialEq)]
enum Show {
    Misses,
    FiguresOnly,
}

/// Accuracy per field, printed, of the rules with the model beside them;
/// the rules' own figures are printed too, to show what the model adds.
fn accuracy(name: &str, cases: &[Case], show: Show) -> [f64; 4] {
    let alone = figures(
        &Classifier::rules_only(RuleTable::shipped()),
        cases,
        &mut Vec::new(),
    );
    let mut misses = Vec::new();
    let classifier = Classifier::new(RuleTable::shipped());
    let correct = figures(&classifier, cases, &mut misses);
    println!(
        "{name}: {} texts (rules alone → with the model)",
        cases.len()
    );
    for (i, field) in FIELDS.iter().enumerate() {
        println!(
            "  {field:<12} {:>5.1}% → {:>5.1}% ({}/{})",
            100.0 * alone[i] as f64 / cases.len() as f64,
            100.0 * correct[i] as f64 / cases.len() as f64,
            correct[i],
            cases.len()
        );
    }
    if show == Show::Misses && !misses.is_empty() {
        println!("misses:\n{}", misses.join("\n"));
    }
    correct.map(|c| c as f64 / cases.len() as f64)
}

/// How many texts `classifier` gets right per field, and its misses.
fn figures(classifier: &Classifier, cases: &[Case], misses: &mut Vec<String>) -> [usize; 4] {
    let mut correct = [0usize; 4];
    for case in cases {
        let c = classifier.classify(case.text, &Facts::default());
        let got = [
            c.kind.clone(),
            c.category.clone(),
            c.subcategory.clone().unwrap_or_else(|| "-".into()),
            c.grade.map(|g| g.to_string()).unwrap_or_else(|| "-".into()),
        ];
        for (i, field) in FIELDS.iter().enumerate() {
            if got[i] == case.expected[i] {
                correct[i] += 1;
            } else {
                misses.push(format!(
                    "  line {} {field}: expected {} got {} | {}",
                    case.line, case.expected[i], got[i], case.text
                ));
            }
        }
    }
    correct
}

fn require(name: &str, figures: [f64; 4], floor: f64) {
    for (field, accuracy) in FIELDS.iter().zip(figures) {
        if accuracy < GOAL {
            println!(
                "  {name}: {field} {:.1}% is short of the {:.0}% goal",
                accuracy * 100.0,
                GOAL * 100.0
            );
        }
        assert!(
            accuracy >= floor,
            "{name}: {field} accuracy {:.1}% is below its floor of {:.0}%",
            accuracy * 100.0,
            floor * 100.0
        );
    }
}

#[test]
fn the_fresh_test_half_is_at_least_95_percent_per_field() {
    let test = cases(FRESH_TEST);
    assert!(test.len() >= 200, "the test half has {} texts", test.len());
    require(
        "fresh test half",
        accuracy("fresh test half", &test, Show::FiguresOnly),
        TEST_HALF_FLOOR,
    );
}

/// A development corpus's figures, its misses shown, held to their floor.
fn development_floor(name: &str, dev: &[Case]) {
    require(name, accuracy(name, dev, Show::Misses), DEVELOPMENT_FLOOR);
}

#[test]
fn the_further_development_texts_hold_their_floor() {
    development_floor("further development texts", &cases(FRESH_DEV_MORE));
}

#[test]
fn the_third_development_texts_hold_their_floor() {
    development_floor("third development texts", &cases(FRESH_DEV_THIRD));
}

#[test]
fn the_fourth_development_texts_hold_their_floor() {
    development_floor("fourth development texts", &cases(FRESH_DEV_FOURTH));
}

#[test]
fn the_fresh_development_half_holds_its_floor() {
    let dev = cases(FRESH_DEV);
    assert!(
        dev.len() >= 200,
        "the development half has {} texts",
        dev.len()
    );
    development_floor("fresh development half", &dev);
}

#[test]
fn the_first_corpus_is_at_least_95_percent_per_field() {
    let mut all = cases(FIRST);
    let held_out = cases(FIRST_HELD_OUT);
    accuracy("first corpus, its held-out texts", &held_out, Show::Misses);
    all.extend(held_out);
    assert!(all.len() >= 150, "the corpus has {} texts", all.len());
    require(
        "first corpus",
        accuracy("first corpus", &all, Show::Misses),
        FIRST_CORPUS_FLOOR,
    );
}

/// The shipped model is exactly what training on the development corpora
/// gives (the first corpus and both sets of development texts): nothing
/// else went into it, the test halves least of all. After a change to
/// the corpora or the rules, make it again with
/// `gridcare train-model --version V -o crates/core/src/domain/data/model.json.gz
/// crates/core/tests/corpus/{complaints,fresh-dev,fresh-dev-more,fresh-dev-third,fresh-dev-fourth}.tsv`.
#[test]
fn the_shipped_model_is_what_the_development_corpora_teach() {
    use gridcare_core::domain::classify::model::{read_corpus, train_model, Model};
    let corpus: Vec<_> = [
        FIRST,
        FRESH_DEV,
        FRESH_DEV_MORE,
        FRESH_DEV_THIRD,
        FRESH_DEV_FOURTH,
    ]
    .iter()
    .flat_map(|c| read_corpus(c))
    .collect();
    let shipped = Model::shipped();
    let rules = Classifier::rules_only(RuleTable::shipped());
    let (trained, _) = train_model(&corpus, &rules, &shipped.version, &shipped.source);
    assert!(
        trained == shipped,
        "the shipped model is not what the corpora teach: train it again"
    );
}

/// Every label in the corpora is one the rule table knows, so a typo in a
/// label cannot pass for a miss of the engine.
#[test]
fn every_label_is_a_code_of_the_table() {
    use gridcare_core::domain::rules::{CATEGORY_CODES, KIND_CODES, SUBCATEGORY_CODES};
    for corpus in [
        FIRST,
        FIRST_HELD_OUT,
        FRESH_DEV,
        FRESH_DEV_MORE,
        FRESH_DEV_THIRD,
        FRESH_TEST,
    ] {
        for case in cases(corpus) {
            let [kind, category, sub, grade] = case.expected;
            assert!(KIND_CODES.contains(&kind), "line {}: {kind}", case.line);
            assert!(
                CATEGORY_CODES.contains(&category),
                "line {}: {category}",
                case.line
            );
            assert!(
                sub == "-" || SUBCATEGORY_CODES.contains(&sub),
                "line {}: {sub}",
                case.line
            );
            assert!(
                ["1", "2", "3", "-"].contains(&grade),
                "line {}: {grade}",
                case.line
            );
        }
    }
}
