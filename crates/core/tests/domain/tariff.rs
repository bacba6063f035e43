//! The bill trial calculation on bills worked out by hand (sample tariff:
//! month tiers 0–180 kWh at 0.5653, 180–350 at 0.6153, above at 0.8653;
//! peak 0.5883, valley 0.3583), across tier and period boundaries.

use gridcare_core::domain::tariff::{
    amount, usage_in_text, Basis, Fen, Kwh, LineKind, Price, TariffTable,
};

fn kwh(text: &str) -> Kwh {
    Kwh::parse(text).unwrap()
}

fn lines(bill: &gridcare_core::domain::tariff::Bill) -> Vec<(LineKind, String, String)> {
    bill.lines
        .iter()
        .map(|l| (l.what.clone(), l.kwh.to_string(), l.amount.to_string()))
        .collect()
}

#[test]
fn decimals_parse_exactly_and_round_half_up_to_the_fen() {
    assert_eq!(Price::parse("0.5653"), Ok(Price(5653)));
    assert_eq!(Kwh::parse("12."), Ok(Kwh(1200)));
    assert_eq!(Kwh::parse(".5"), Ok(Kwh(50)));
    for bad in ["", "-1", "1,5", "abc", "1.234", "1e3", "."] {
        assert!(Kwh::parse(bad).is_err(), "{bad}");
    }
    assert!(Price::parse("0.56531").is_err());
    // 0.01 kWh × 0.5 = 0.005 yuan: half a fen rounds up; 0.004999 rounds down.
    assert_eq!(amount(Kwh(1), Price(5000)), Fen(1));
    assert_eq!(amount(Kwh(1), Price(4999)), Fen(0));
    // Floating point would say 0.1 + 0.2 != 0.3; fixed point does not care.
    assert_eq!(
        amount(kwh("0.1"), Price::parse("1").unwrap()).0
            + amount(kwh("0.2"), Price::parse("1").unwrap()).0,
        amount(kwh("0.3"), Price::parse("1").unwrap()).0
    );
    assert_eq!(Fen(33615).to_string(), "336.15");
    assert_eq!(Price(5653).to_string(), "0.5653");
}

#[test]
fn tiered_bills_across_the_boundaries() {
    let t = TariffTable::shipped();
    assert!(t.sample, "the shipped table says it is a sample");
    // 100 kWh: all in tier 1. 100 × 0.5653 = 56.53.
    let b = t.tiered(kwh("100"), Basis::Month);
    assert_eq!(
        lines(&b),
        vec![(LineKind::Tier(1), "100".into(), "56.53".into())]
    );
    assert_eq!((b.total, b.top_tier), (Fen(5653), 1));
    // Exactly 180: 180 × 0.5653 = 101.754 -> 101.75, still tier 1.
    let b = t.tiered(kwh("180"), Basis::Month);
    assert_eq!((b.total.to_string(), b.top_tier), ("101.75".into(), 1));
    // 180.01: 0.01 kWh in tier 2 (0.006153 -> 0.01).
    let b = t.tiered(kwh("180.01"), Basis::Month);
    assert_eq!(b.top_tier, 2);
    assert_eq!(b.total.to_string(), "101.76");
    // 500: 101.75 + 170 × 0.6153 (104.601 -> 104.60) + 150 × 0.8653 (129.795 -> 129.80) = 336.15.
    let b = t.tiered(kwh("500"), Basis::Month);
    assert_eq!(
        lines(&b),
        vec![
            (LineKind::Tier(1), "180".into(), "101.75".into()),
            (LineKind::Tier(2), "170".into(), "104.60".into()),
            (LineKind::Tier(3), "150".into(), "129.80".into()),
        ]
    );
    assert_eq!((b.total.to_string(), b.top_tier), ("336.15".into(), 3));
    // The neighbour's 300: 101.75 + 120 × 0.6153 (73.836 -> 73.84) = 175.59.
    let n = t.tiered(kwh("300"), Basis::Month);
    assert_eq!((n.total.to_string(), n.top_tier), ("175.59".into(), 2));
    // Nothing used, nothing owed.
    let zero = t.tiered(kwh("0"), Basis::Month);
    assert_eq!((zero.total, zero.lines.len()), (Fen(0), 0));
    // A year: 2160 × 0.5653 = 1221.048 -> 1221.05.
    assert_eq!(
        t.tiered(kwh("2160"), Basis::Year).total.to_string(),
        "1221.05"
    );
}

#[test]
fn time_of_use_with_the_tier_surcharge() {
    let t = TariffTable::shipped();
    // Peak 300 × 0.5883 = 176.49; valley 200 × 0.3583 = 71.66; 500 in all:
    // tier 2 170 × 0.05 = 8.50, tier 3 150 × 0.30 = 45.00. Total 301.65.
    let b = t.time_of_use(
        &[("peak".into(), kwh("300")), ("valley".into(), kwh("200"))],
        Basis::Month,
    );
    assert_eq!(
        lines(&b),
        vec![
            (
                LineKind::Period("peak".into()),
                "300".into(),
                "176.49".into()
            ),
            (
                LineKind::Period("valley".into()),
                "200".into(),
                "71.66".into()
            ),
            (LineKind::TierSurcharge(2), "170".into(), "8.50".into()),
            (LineKind::TierSurcharge(3), "150".into(), "45.00".into()),
        ]
    );
    assert_eq!(b.total.to_string(), "301.65");
    // Within tier 1 there is no surcharge: 100 × 0.5883 + 50 × 0.3583 = 58.83 + 17.92 (17.915) = 76.75.
    let small = t.time_of_use(
        &[("peak".into(), kwh("100")), ("valley".into(), kwh("50"))],
        Basis::Month,
    );
    assert_eq!(small.lines.len(), 2);
    assert_eq!(small.total.to_string(), "76.75");
}

#[test]
fn a_bad_tariff_file_is_refused_with_the_reason() {
    let good = include_str!("../../src/domain/data/tariff.json");
    let falling = good.replacen("\"350\"", "\"100\"", 1);
    assert!(TariffTable::from_json(&falling)
        .unwrap_err()
        .to_string()
        .contains("rise"));
    let closed = good.replacen(
        "{\"up_to_kwh\": null, \"price\": \"0.8653\"}",
        "{\"up_to_kwh\": \"999\", \"price\": \"0.8653\"}",
        1,
    );
    assert!(TariffTable::from_json(&closed)
        .unwrap_err()
        .to_string()
        .contains("open"));
    let price = good.replacen("0.5883", "cheap", 1);
    assert!(TariffTable::from_json(&price).is_err());
}

#[test]
fn usage_is_read_from_a_complaint() {
    assert_eq!(
        usage_in_text("这个月用了500度电，比平时高一倍"),
        Some(kwh("500"))
    );
    assert_eq!(usage_in_text("抄表显示600千瓦时"), Some(kwh("600")));
    assert_eq!(
        usage_in_text("only 12.5 kWh? no, 12.5kWh"),
        Some(kwh("12.5"))
    );
    assert_eq!(usage_in_text("电费太贵了"), None);
}
