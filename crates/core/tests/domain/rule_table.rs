//! The rule table is data: the shipped one is valid and sourced; a broken one
//! is refused whole, with every problem and where it is.

use gridcare_core::domain::rules::{RuleTable, KIND_CODES, SUBCATEGORY_CODES};
use serde_json::{json, Value};

fn shipped_json() -> Value {
    serde_json::to_value(RuleTable::shipped()).unwrap()
}

fn problems_of(value: &Value) -> Vec<String> {
    match RuleTable::from_json(&value.to_string()) {
        Ok(_) => vec![],
        Err(e) => e.0.into_iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn the_shipped_table_is_valid_versioned_and_every_rule_has_a_source() {
    let table = RuleTable::shipped();
    assert_eq!(table.format, "gridcare-rules");
    assert!(!table.version.is_empty());
    assert_eq!(table.kinds.len(), KIND_CODES.len());
    let subs: usize = table.categories.iter().map(|c| c.subcategories.len()).sum();
    assert_eq!(subs, SUBCATEGORY_CODES.len());
    for rule in &table.grade_rules {
        assert!(
            rule.source.starts_with("003 §"),
            "{}: {}",
            rule.id,
            rule.source
        );
        assert_eq!(table.source_of(&rule.id), Some(rule.source.as_str()));
    }
    for clock in &table.clocks {
        assert!(!clock.words.source.is_empty(), "{}", clock.words.id);
    }
    assert_eq!(table.due_soon_ratio, 0.75);
    assert_eq!(
        (table.high_frequency.share, table.high_frequency.min_count),
        (0.30, 10)
    );
}

#[test]
fn a_table_survives_a_round_trip_through_its_json() {
    let table = RuleTable::shipped();
    assert_eq!(
        RuleTable::from_json(&table.to_pretty_json()).unwrap(),
        table
    );
    // A byte-order mark from a Windows editor does not matter.
    assert!(RuleTable::from_json(&format!("\u{feff}{}", table.to_pretty_json())).is_ok());
}

#[test]
fn every_problem_is_reported_with_its_location() {
    let mut broken = shipped_json();
    broken["kinds"][0]["source"] = json!("");
    broken["grade_rules"][1]["when"]["all"][1]["fact"] = json!("weather");
    broken["clocks"][2]["span"] = json!({"hours": 1, "minutes": 30});
    broken["clocks"][3]["met_by"][0] = json!("teleported");
    broken["categories"][1]["subcategories"][0]["id"] = json!("sub.outage");
    broken["due_soon_ratio"] = json!(1.5);
    let problems = problems_of(&broken);
    let expected = [
        "kinds[0].source: must not be empty",
        "grade_rules[1].when.all[1].fact: unknown fact 'weather'",
        "clocks[2].span: a span needs exactly one of",
        "clocks[3].met_by[0]: unknown milestone 'teleported'",
        "categories[1].subcategories[0].id: duplicate id 'sub.outage'",
        "due_soon_ratio: must lie between 0 and 1",
    ];
    for want in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(want)),
            "missing '{want}' in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
}

#[test]
fn syntax_errors_and_unknown_fields_name_the_line() {
    let err = RuleTable::from_json("{\n  \"format\": \"gridcare-rules\",\n  oops\n}").unwrap_err();
    assert!(err.0[0].at.starts_with("line 3"), "{}", err.0[0]);
    let mut extra = shipped_json();
    extra["clocks"][0]["colour"] = json!("red");
    let problems = problems_of(&extra);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains("unknown field `colour`"),
        "{problems:?}"
    );
}

#[test]
fn a_table_missing_a_kind_or_a_catch_all_grade_is_refused() {
    let mut t = shipped_json();
    t["kinds"]
        .as_array_mut()
        .unwrap()
        .retain(|k| k["code"] != "praise");
    assert!(problems_of(&t)
        .iter()
        .any(|p| p.contains("kind 'praise' is missing")));
    let mut t = shipped_json();
    t["grade_rules"]
        .as_array_mut()
        .unwrap()
        .retain(|g| g["when"].get("always").is_none());
    assert!(problems_of(&t)
        .iter()
        .any(|p| p.contains("every complaint gets a grade")));
    let mut t = shipped_json();
    t["site_arrival_profile"] = json!("mars");
    assert!(problems_of(&t)
        .iter()
        .any(|p| p.starts_with("site_arrival_profile: no arrival profile 'mars'")));
}

#[test]
fn an_edited_threshold_changes_decisions() {
    // Rules are data: lowering the large-outage threshold to 30 households makes 30 households 一级.
    let mut t = shipped_json();
    let rule = t["grade_rules"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|g| g["id"] == "grade.1.large_outage")
        .unwrap();
    rule["when"]["all"][1]["at_least"] = json!(30);
    let table = RuleTable::from_json(&t.to_string()).unwrap();
    let c = gridcare_core::domain::classify::Classifier::new(table)
        .classify("30户停电，投诉", &Default::default());
    assert_eq!(c.grade, Some(1));
}

#[test]
fn every_promised_clock_speaks_to_the_customer_with_its_time_in_place() {
    use gridcare_core::i18n::Lang;
    let table = RuleTable::shipped();
    for clock in table.clocks.iter().filter(|c| c.promised) {
        let promise = clock
            .promise
            .as_ref()
            .unwrap_or_else(|| panic!("{}", clock.words.id));
        let zh = promise.with_due(Lang::Zh, "11月23日 11:00");
        assert!(
            zh.contains("11月23日 11:00") && !zh.contains("{due}"),
            "{zh}"
        );
        assert!(!zh.contains('级'), "no grade, the staff's word: {zh}");
    }
    // A promise without the slot for its time is refused, with where.
    let mut table = shipped_json();
    table["clocks"][0]["promise"] =
        json!({"zh": "我们会尽快联系您", "en": "We will contact you by {due}."});
    let problems = problems_of(&table);
    assert_eq!(
        problems,
        vec!["clocks[0].promise.zh: must hold {due} once, where the time goes"]
    );
}
