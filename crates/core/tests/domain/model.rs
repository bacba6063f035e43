//! The n-gram model's readings: the evidence it names is what its weights
//! say, worked out here the slow way (by the n-grams' strings).

use gridcare_core::domain::classify::model::{FieldModel, Model, Reading, Scorers};
use gridcare_core::domain::classify::Classifier;
use gridcare_core::domain::rules::RuleTable;

/// Every n-gram of one to three characters of the text, white space left out.
fn grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out: Vec<String> = (1..=3)
        .flat_map(|n| chars.windows(n).map(|w| w.iter().collect::<String>()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The five n-grams that weigh most for `label`, strongest first, ties in
/// the strings' order.
fn expected_evidence(field: &FieldModel, label: &str, text: &str) -> Vec<String> {
    let index = field.labels.iter().position(|l| l == label).unwrap() as u16;
    let mut weighed: Vec<(i32, String)> = grams(text)
        .into_iter()
        .filter_map(|g| {
            let w = field.grams.get(&g)?.iter().find(|(l, _)| *l == index)?.1;
            (w > 0).then_some((w, g))
        })
        .collect();
    weighed.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    weighed.into_iter().take(5).map(|(_, g)| g).collect()
}

/// Each text's reading by each field of the shipped model, with the
/// field's weights and the normalised text, handed to `check`.
fn each_reading(texts: &[&str], mut check: impl FnMut(&str, &FieldModel, &str, Reading)) {
    let model = Model::shipped();
    let scorers = Scorers::new(&model.kind, &model.subcategory);
    let classifier = Classifier::rules_only(RuleTable::shipped());
    for text in texts {
        let normalised = classifier.normalise(text);
        let known = scorers.known(&normalised);
        for (field, scorer) in [
            (&model.kind, &scorers.kind),
            (&model.subcategory, &scorers.subcategory),
        ] {
            let reading = scorer.read(&known).expect("a reading");
            check(text, field, &normalised, reading);
        }
    }
}

#[test]
fn a_readings_evidence_is_the_five_heaviest_ngrams_for_its_label() {
    let texts = [
        "我就问了一句，那个客服直接把电话撂了",
        "师傅说下午来换表，等到天黑也没见人影",
        "俺家电费咋比上个月多了一倍，你们是不是算错了？",
        "Power has been out since last night on Elm Street",
        "你们小王师傅半夜还来修，必须表扬一下",
    ];
    let mut checked = 0;
    each_reading(&texts, |text, field, normalised, reading| {
        assert!(reading.evidence.len() <= 5);
        assert_eq!(
            reading.evidence,
            expected_evidence(field, &reading.label, normalised),
            "{text}"
        );
        checked += usize::from(!reading.evidence.is_empty());
    });
    assert!(
        checked >= 8,
        "most readings name evidence ({checked} of 10)"
    );
}

/// Each label's score for a text, added up the slow way: the weight of each
/// distinct n-gram, by its string.
fn expected_scores(field: &FieldModel, text: &str) -> Vec<i64> {
    let mut scores = vec![0i64; field.labels.len()];
    for gram in grams(text) {
        for &(label, weight) in field.grams.get(&gram).into_iter().flatten() {
            scores[usize::from(label)] += i64::from(weight);
        }
    }
    scores
}

#[test]
fn a_readings_label_and_lead_are_what_the_weights_add_up_to() {
    let texts = [
        "我就问了一句，那个客服直接把电话撂了",
        "想问问新开户要带啥材料",
        "交电费只能去营业厅排队，网上交不了",
        "小区停电三个多小时了，一直没人来修",
        "电表箱门坏了，电线露在外面，孩子经常在旁边玩",
        "the bill doubled this month",
    ];
    each_reading(&texts, |text, field, normalised, reading| {
        let scores = expected_scores(field, normalised);
        // The highest score, the first label among equals.
        let best = (0..scores.len())
            .max_by_key(|&i| (scores[i], std::cmp::Reverse(i)))
            .unwrap();
        let second = (0..scores.len())
            .filter(|&i| i != best)
            .map(|i| scores[i])
            .max()
            .unwrap();
        assert_eq!(reading.label, field.labels[best], "{text}");
        assert_eq!(i64::from(reading.lead), scores[best] - second, "{text}");
    });
}

#[test]
fn a_model_the_scorers_cannot_hold_is_refused() {
    let shipped = Model::shipped();
    let json = |model: &Model| serde_json::to_vec(model).unwrap();
    assert!(Model::from_gzip(&json(&shipped)).is_ok());
    assert!(Model::from_gzip(&shipped.to_gzip()).is_ok());

    let mut too_heavy = shipped.clone();
    too_heavy
        .kind
        .grams
        .insert("停电".into(), vec![(0, 40_000)]);
    let refused = Model::from_gzip(&json(&too_heavy)).unwrap_err();
    assert!(refused.contains("停电"), "{refused}");

    let mut unknown_label = shipped.clone();
    let labels = unknown_label.subcategory.labels.len() as u16;
    unknown_label
        .subcategory
        .grams
        .insert("停电".into(), vec![(labels, 100)]);
    assert!(Model::from_gzip(&json(&unknown_label)).is_err());

    let mut twice = shipped.clone();
    twice
        .kind
        .grams
        .insert("停电".into(), vec![(0, 100), (0, 200)]);
    assert!(Model::from_gzip(&json(&twice)).is_err());

    let mut most_negative = shipped.clone();
    most_negative
        .kind
        .grams
        .insert("停电".into(), vec![(0, i32::MIN)]);
    assert!(Model::from_gzip(&json(&most_negative)).is_err());

    let mut too_many = shipped;
    too_many.kind.labels = (0..65).map(|i| format!("label{i}")).collect();
    assert!(Model::from_gzip(&json(&too_many)).is_err());
}
