//! Frequent-question matching on the way customers actually put things, and
//! reply templates filled from a ticket, with what is missing left marked.

use gridcare_core::domain::faq::Faq;
use gridcare_core::domain::templates::Templates;
use gridcare_core::i18n::Lang;
use std::collections::BTreeMap;

fn first(faq: &Faq, tile: Option<&str>, text: &str) -> Option<String> {
    faq.matches(tile, text, 3).first().map(|e| e.id.clone())
}

#[test]
fn frequent_questions_match_realistic_wording() {
    let faq = Faq::shipped();
    let cases = [
        (
            Some("billing"),
            "这个月电费比平时高了一倍，是不是多收了",
            "faq.tiered_price",
        ),
        (None, "峰谷电价到底怎么算的", "faq.time_of_use"),
        (
            Some("outage"),
            "我家智能电表余额用完就停电了，充值以后还没来电",
            "faq.prepaid_meter",
        ),
        (
            Some("outage"),
            "明天是不是计划停电？有没有停电通知",
            "faq.planned_outage",
        ),
        (
            Some("other"),
            "请问在哪交电费，可以用微信吗",
            "faq.how_to_pay",
        ),
        (
            Some("outage"),
            "家里突然没电了，总闸也没跳闸",
            "faq.report_fault",
        ),
        (Some("billing"), "我觉得电表走得快", "faq.meter_accuracy"),
        // Full-width and traditional characters are normalised first.
        (None, "電費突然變高", "faq.tiered_price"),
        (None, "My bill is high this month", "faq.tiered_price"),
    ];
    for (tile, text, want) in cases {
        assert_eq!(first(&faq, tile, text).as_deref(), Some(want), "{text}");
    }
    // A tile alone offers that tile's answers; words outweigh the tile.
    let billing: Vec<&str> = faq
        .matches(Some("billing"), "", 3)
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(billing.len(), 3);
    assert!(billing.iter().all(|id| faq
        .entry(id)
        .unwrap()
        .tiles
        .contains(&"billing".to_string())));
    assert_eq!(
        first(&faq, Some("outage"), "峰谷电价怎么算").as_deref(),
        Some("faq.time_of_use")
    );
    // Nothing relevant: nothing offered.
    assert!(faq
        .matches(None, "工作人员态度很好，表扬一下", 3)
        .is_empty());
}

#[test]
fn templates_fill_from_the_ticket_and_mark_what_is_missing() {
    let t = Templates::shipped();
    let outage = t.for_ticket("supply_quality", "first_response");
    assert_eq!(outage.len(), 1);
    let mut values = BTreeMap::new();
    values.insert("customer", "张女士".to_string());
    values.insert("number", "HL-20261120-0001".to_string());
    values.insert("deadline", "11-22 18:00".to_string());
    let filled = t.fill(outage[0], Lang::Zh, &values);
    assert!(filled.text.starts_with("张女士您好"));
    assert!(filled.text.contains("HL-20261120-0001") && filled.text.contains("11-22 18:00"));
    assert_eq!(filled.missing, vec!["arrival"]);
    assert!(filled.text.contains("【预计到达时间】"));
    assert!(!filled.text.contains('{'));
    // An empty value is missing too; English marks it in English.
    values.insert("customer", "  ".to_string());
    let en = t.fill(outage[0], Lang::En, &values);
    assert!(en.text.starts_with("Hello 【customer's name】"));
    assert_eq!(en.missing, vec!["arrival", "customer"]);
    // Every category has a first response and a progress template.
    for category in ["supply_quality", "billing", "service_conduct", "other"] {
        assert!(
            !t.for_ticket(category, "first_response").is_empty(),
            "{category}"
        );
        assert!(!t.for_ticket(category, "progress").is_empty(), "{category}");
    }
}
