//! The training drill (情景化考核, 003 §七(三)): demo complaints, never real
//! ones; the trainee classifies and grades each, picks the resolution deadline
//! and a reply template; every answer is scored against the rules, and each
//! difference is explained with the rule and the clause it comes from.

use crate::domain::classify::{Classification, Classifier, Subject};
use crate::domain::demo::{problem_count, text_with_problem, Rng};
use crate::domain::facts::Facts;
use crate::domain::rules::RuleTable;
use crate::domain::templates::Templates;
use serde::{Deserialize, Serialize};

/// One complaint to judge, with the rules' own answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub text: String,
    pub expected: Classification,
}

/// What the trainee chose.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub kind: String,
    pub category: String,
    pub grade: Option<u8>,
    /// The id of the resolution clock rule, or none when no such clock applies.
    pub resolution_clock: Option<String>,
    pub template: Option<String>,
}

/// One judged part of an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    /// `kind`, `category`, `grade`, `deadline` or `template`.
    pub part: String,
    pub correct: bool,
    pub expected: String,
    pub given: String,
    /// The rule that decides it and its clause.
    pub rule: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub marks: Vec<Mark>,
    pub points: u32,
    pub out_of: u32,
}

/// `n` scenarios from the demo generator; the same seed gives the same drill.
/// No problem is asked twice in one round while the demo has enough.
pub fn scenarios(classifier: &Classifier, seed: u64, n: usize) -> Vec<Scenario> {
    let mut rng = Rng::new(seed ^ 0x000D_1211);
    let mut asked = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let (problem, text) = text_with_problem(&mut rng);
        // Once every problem was asked, any may come again (a long round).
        let fresh = asked.len() >= problem_count() || asked.insert(problem);
        if fresh {
            let expected = classifier.classify(&text, &Facts::default());
            out.push(Scenario { text, expected });
        }
    }
    out
}

/// The resolution clock rules a trainee chooses among.
pub fn resolution_rules(table: &RuleTable) -> Vec<(&str, &str, &str, &str)> {
    table
        .clocks
        .iter()
        .filter(|c| c.words.code == "resolution")
        .map(|c| {
            (
                c.words.id.as_str(),
                c.words.zh.as_str(),
                c.words.en.as_str(),
                c.words.source.as_str(),
            )
        })
        .collect()
}

/// The resolution clock that applies to the expected classification.
pub fn expected_resolution(table: &RuleTable, c: &Classification) -> Option<String> {
    let subject = Subject {
        kind: &c.kind,
        category: &c.category,
        subcategory: c.subcategory.as_deref(),
        grade: c.grade,
        facts: &c.facts,
        described: None,
    };
    table
        .clocks
        .iter()
        .filter(|r| r.words.code == "resolution")
        .find(|r| subject.satisfies(&r.applies))
        .map(|r| r.words.id.to_string())
}

/// The rule of the classification that decided `what` (`kind=`, `grade=`,
/// `subcategory=`), with its clause: the last one, as a later decision (the
/// n-gram model's, a kind's fixed subcategory) overrules an earlier one.
fn deciding(c: &Classification, prefix: &str) -> (String, String) {
    c.rules
        .iter()
        .rev()
        .find(|r| r.decided.starts_with(prefix))
        .map(|r| (r.id.to_string(), r.source.to_string()))
        .unwrap_or_else(|| ("-".into(), "-".into()))
}

fn show<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_else(|| "-".into())
}

pub fn mark(s: &Scenario, a: &Answer, table: &RuleTable, templates: &Templates) -> Score {
    let c = &s.expected;
    let mut marks = Vec::new();
    let (rule, source) = deciding(c, "kind=");
    marks.push(Mark {
        part: "kind".into(),
        correct: a.kind == c.kind,
        expected: c.kind.clone(),
        given: a.kind.clone(),
        rule,
        source,
    });
    let (rule, source) = deciding(c, "subcategory=");
    marks.push(Mark {
        part: "category".into(),
        correct: a.category == c.category,
        expected: c.category.clone(),
        given: a.category.clone(),
        rule,
        source,
    });
    let (rule, source) = deciding(c, "grade=");
    marks.push(Mark {
        part: "grade".into(),
        correct: a.grade == c.grade,
        expected: show(&c.grade),
        given: show(&a.grade),
        rule,
        source,
    });
    let clock = expected_resolution(table, c);
    let clock_source = clock
        .as_deref()
        .and_then(|id| table.clocks.iter().find(|r| r.words.id == id))
        .map(|r| r.words.source.to_string())
        .unwrap_or_else(|| "002 §一".into());
    marks.push(Mark {
        part: "deadline".into(),
        correct: a.resolution_clock == clock,
        expected: show(&clock),
        given: show(&a.resolution_clock),
        rule: show(&clock),
        source: clock_source,
    });
    // Any first-response template written for the expected category will do.
    let fitting: Vec<&str> = templates
        .for_ticket(&c.category, "first_response")
        .into_iter()
        .map(|t| t.id.as_str())
        .collect();
    let template_source = templates
        .templates
        .iter()
        .find(|t| fitting.contains(&t.id.as_str()))
        .map(|t| t.source.clone())
        .unwrap_or_else(|| "003 §五".into());
    marks.push(Mark {
        part: "template".into(),
        correct: a.template.as_deref().is_some_and(|t| fitting.contains(&t)),
        expected: fitting.join(" / "),
        given: show(&a.template),
        rule: "templates".into(),
        source: template_source,
    });
    let points = marks.iter().filter(|m| m.correct).count() as u32;
    Score {
        out_of: marks.len() as u32,
        points,
        marks,
    }
}
