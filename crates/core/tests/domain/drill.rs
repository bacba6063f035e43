//! The training drill scores answers against the rules and names the clause
//! behind each difference; the same seed gives the same drill.

use gridcare_core::domain::classify::Classifier;
use gridcare_core::domain::drill::{expected_resolution, mark, scenarios, Answer};
use gridcare_core::domain::rules::RuleTable;
use gridcare_core::domain::templates::Templates;

#[test]
fn a_drill_is_reproducible_and_right_answers_score_full_marks() {
    let table = RuleTable::shipped();
    let classifier = Classifier::new(table.clone());
    let templates = Templates::shipped();
    let a = scenarios(&classifier, 7, 5);
    assert_eq!(a, scenarios(&classifier, 7, 5));
    assert_ne!(a, scenarios(&classifier, 8, 5));
    for s in &a {
        let c = &s.expected;
        let right = Answer {
            kind: c.kind.clone(),
            category: c.category.clone(),
            grade: c.grade,
            resolution_clock: expected_resolution(&table, c),
            template: templates
                .for_ticket(&c.category, "first_response")
                .first()
                .map(|t| t.id.clone()),
        };
        let score = mark(s, &right, &table, &templates);
        assert_eq!(
            (score.points, score.out_of),
            (5, 5),
            "{}: {:?}",
            s.text,
            score.marks
        );
    }
}

#[test]
fn wrong_answers_lose_points_with_the_rule_and_clause() {
    let table = RuleTable::shipped();
    let classifier = Classifier::new(table.clone());
    let templates = Templates::shipped();
    // A joint supply-quality complaint is grade 1 by 003 §八.
    let s = gridcare_core::domain::drill::Scenario {
        text: "小区20余户联名投诉，晚上电压低，空调启动不了".into(),
        expected: classifier.classify(
            "小区20余户联名投诉，晚上电压低，空调启动不了",
            &Default::default(),
        ),
    };
    assert_eq!(s.expected.grade, Some(1));
    let answer = Answer {
        kind: "complaint".into(),
        category: "billing".into(),
        grade: Some(3),
        resolution_clock: Some("clock.resolution.grade3".into()),
        template: Some("tpl.first_response.billing".into()),
    };
    let score = mark(&s, &answer, &table, &templates);
    assert_eq!(score.points, 1, "only the kind is right: {:?}", score.marks);
    let grade = score.marks.iter().find(|m| m.part == "grade").unwrap();
    assert!(!grade.correct);
    assert_eq!((grade.expected.as_str(), grade.given.as_str()), ("1", "3"));
    assert_eq!(grade.rule, "grade.1.joint_supply_quality");
    assert_eq!(grade.source, "003 §八");
    let deadline = score.marks.iter().find(|m| m.part == "deadline").unwrap();
    assert_eq!(deadline.expected, "clock.resolution.grade1");
    assert!(deadline.source.contains("003"));
    let category = score.marks.iter().find(|m| m.part == "category").unwrap();
    assert_eq!(category.expected, "supply_quality");
    assert!(category.rule.starts_with("sub."));
}

#[test]
fn every_generated_scenario_can_be_marked_with_any_answer() {
    let table = RuleTable::shipped();
    let classifier = Classifier::new(table.clone());
    let templates = Templates::shipped();
    for seed in 0..200 {
        for s in scenarios(&classifier, seed, 5) {
            let blank = mark(&s, &Answer::default(), &table, &templates);
            assert_eq!(blank.out_of, 5);
        }
    }
}

#[test]
fn a_round_never_asks_the_same_problem_twice() {
    let classifier = Classifier::new(RuleTable::shipped());
    for seed in 0..200 {
        let round = scenarios(&classifier, seed, 10);
        let mut problems: Vec<String> = round
            .iter()
            // The problem is what follows the place; numbers vary.
            .map(|s| {
                s.text
                    .chars()
                    .filter(|c| !c.is_ascii_digit())
                    .collect::<String>()
            })
            .collect();
        let texts: std::collections::BTreeSet<&str> =
            round.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts.len(), 10, "seed {seed}: the same question twice");
        problems.sort();
        problems.dedup();
        assert_eq!(problems.len(), 10, "seed {seed}");
    }
}

/// Whoever decided a part, the rules or the n-gram model beside them, the
/// mark names that decider and the clause of the standard defining the answer.
#[test]
fn every_mark_names_its_decider_and_a_clause_even_where_the_model_decided() {
    let table = RuleTable::shipped();
    let classifier = Classifier::new(table.clone());
    let templates = Templates::shipped();
    let (mut by_model, mut marks) = (0, 0);
    for seed in 0..300 {
        for s in scenarios(&classifier, seed, 5) {
            let score = mark(&s, &Answer::default(), &table, &templates);
            for (part, model_rule) in [("kind", "model.kind"), ("category", "model.subcategory")] {
                let m = score.marks.iter().find(|m| m.part == part).unwrap();
                marks += 1;
                assert!(m.source.contains(" §"), "{part} of {}: {m:?}", s.text);
                if s.expected.rules.iter().any(|r| r.id == model_rule) {
                    by_model += 1;
                    assert_eq!(m.rule, model_rule, "{part} of {}", s.text);
                    assert!(m.source.contains("n-gram"), "{m:?}");
                }
            }
        }
    }
    // The property is only tested if the model decided some of them.
    assert!(by_model > 0, "the model decided none of {marks} parts");
}
