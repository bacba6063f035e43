//! The electricity-bill trial calculation (电费试算): residential tiered prices
//! (阶梯电价) and time-of-use prices (峰谷), from a tariff table that is data.
//! Many billing complaints are misunderstandings of these (003 §三(二),
//! 004 §1(3)), so staff and customers can see a bill broken down line by line.
//!
//! Arithmetic is exact: energy in hundredths of a kWh, prices in ten-
//! thousandths of a yuan, money in fen; each line is rounded half up to the
//! fen once, and the total is the sum of the lines, as on a printed bill.

use serde::{Deserialize, Serialize};
use std::fmt;

const SHIPPED: &str = include_str!("data/tariff.json");

/// Energy in hundredths of a kWh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Kwh(pub i64);

/// A price in ten-thousandths of a yuan per kWh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Price(pub i64);

/// Money in fen (hundredths of a yuan).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fen(pub i64);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TariffError {
    #[error("“{0}” is not a number with at most {1} decimals")]
    Number(String, u32),
    #[error("the tariff file is not valid: {0}")]
    File(String),
}

/// Parses a non-negative decimal with at most `places` decimals into an integer
/// count of 10^-places units, without going through floating point.
fn parse_fixed(text: &str, places: u32) -> Result<i64, TariffError> {
    let bad = || TariffError::Number(text.to_string(), places);
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > places as usize
        || whole.len() > 12
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    for _ in frac.len()..places as usize {
        frac_value *= 10;
    }
    Ok(whole * 10_i64.pow(places) + frac_value)
}

impl Kwh {
    pub fn parse(text: &str) -> Result<Kwh, TariffError> {
        parse_fixed(text, 2).map(Kwh)
    }
}

impl Price {
    pub fn parse(text: &str) -> Result<Price, TariffError> {
        parse_fixed(text, 4).map(Price)
    }
}

/// kWh × price, rounded half up to the fen.
pub fn amount(kwh: Kwh, price: Price) -> Fen {
    // Units of 10^-6 yuan; a fen is 10^4 of them.
    let micro = kwh.0 * price.0;
    Fen((micro + 5_000).div_euclid(10_000))
}

fn write_fixed(f: &mut fmt::Formatter<'_>, value: i64, places: u32) -> fmt::Result {
    let unit = 10_i64.pow(places);
    let sign = if value < 0 { "-" } else { "" };
    let v = value.abs();
    write!(
        f,
        "{sign}{}.{:0width$}",
        v / unit,
        v % unit,
        width = places as usize
    )
}

impl fmt::Display for Kwh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 % 100 == 0 {
            write!(f, "{}", self.0 / 100)
        } else {
            write_fixed(f, self.0, 2)
        }
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_fixed(f, self.0, 4)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_fixed(f, self.0, 2)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRow {
    /// Upper bound of the tier (inclusive); `null` for the last.
    pub up_to_kwh: Option<String>,
    pub price: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    pub monthly: Vec<TierRow>,
    pub yearly: Vec<TierRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub hours: String,
    pub price: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Title {
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TariffTable {
    pub format: String,
    pub version: String,
    /// A sample table, not a real local tariff: the UI says so.
    pub sample: bool,
    pub title: Title,
    pub source: String,
    pub currency: String,
    pub tiers: Tiers,
    pub time_of_use: Vec<Period>,
}

/// Monthly usage or the whole year's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    Month,
    Year,
}

/// One line of a bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based tier, or the time-of-use period's code.
    pub what: LineKind,
    pub kwh: Kwh,
    pub price: Price,
    pub amount: Fen,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    Tier(usize),
    Period(String),
    /// The extra over tier 1's price for energy in a higher tier (time-of-use bills).
    TierSurcharge(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bill {
    pub lines: Vec<Line>,
    pub total: Fen,
    /// The highest tier the usage reached (1-based).
    pub top_tier: usize,
    pub usage: Kwh,
}

struct Tier {
    up_to: Option<Kwh>,
    price: Price,
}

impl TariffTable {
    pub fn shipped() -> TariffTable {
        TariffTable::from_json(SHIPPED).expect("the shipped tariff is valid")
    }

    /// Parses and checks a table: prices and bounds are decimals, bounds rise,
    /// only the last tier is open.
    pub fn from_json(json: &str) -> Result<TariffTable, TariffError> {
        let t: TariffTable =
            serde_json::from_str(json).map_err(|e| TariffError::File(e.to_string()))?;
        for (name, rows) in [("monthly", &t.tiers.monthly), ("yearly", &t.tiers.yearly)] {
            let tiers = parse_tiers(rows).map_err(|e| TariffError::File(format!("{name}: {e}")))?;
            if tiers.is_empty() || tiers.last().is_some_and(|t| t.up_to.is_some()) {
                return Err(TariffError::File(format!(
                    "{name}: the last tier must be open (null)"
                )));
            }
            let bounds: Vec<Kwh> = tiers.iter().filter_map(|t| t.up_to).collect();
            if bounds.len() != tiers.len() - 1 || bounds.windows(2).any(|w| w[0] >= w[1]) {
                return Err(TariffError::File(format!("{name}: tier bounds must rise")));
            }
        }
        for p in &t.time_of_use {
            Price::parse(&p.price).map_err(|e| TariffError::File(format!("{}: {e}", p.code)))?;
        }
        Ok(t)
    }

    fn tiers(&self, basis: Basis) -> Vec<Tier> {
        let rows = match basis {
            Basis::Month => &self.tiers.monthly,
            Basis::Year => &self.tiers.yearly,
        };
        parse_tiers(rows).expect("checked when loaded")
    }

    /// The tiered bill for `usage` over a month or a year.
    pub fn tiered(&self, usage: Kwh, basis: Basis) -> Bill {
        let tiers = self.tiers(basis);
        let mut lines = Vec::new();
        let mut below = Kwh(0);
        for (i, tier) in tiers.iter().enumerate() {
            let top = tier.up_to.map_or(usage, |u| u.min(usage));
            if top <= below {
                break;
            }
            let kwh = Kwh(top.0 - below.0);
            lines.push(Line {
                what: LineKind::Tier(i + 1),
                kwh,
                price: tier.price,
                amount: amount(kwh, tier.price),
            });
            below = top;
        }
        let top_tier = lines.len().max(1);
        Bill {
            total: Fen(lines.iter().map(|l| l.amount.0).sum()),
            lines,
            top_tier,
            usage,
        }
    }

    /// A time-of-use bill: each period's energy at its price, plus, for the
    /// energy that falls in a higher tier, that tier's extra over tier 1.
    pub fn time_of_use(&self, readings: &[(String, Kwh)], basis: Basis) -> Bill {
        let mut lines: Vec<Line> = Vec::new();
        for (code, kwh) in readings {
            if let Some(p) = self.time_of_use.iter().find(|p| &p.code == code) {
                let price = Price::parse(&p.price).expect("checked when loaded");
                lines.push(Line {
                    what: LineKind::Period(code.clone()),
                    kwh: *kwh,
                    price,
                    amount: amount(*kwh, price),
                });
            }
        }
        let usage = Kwh(readings.iter().map(|(_, k)| k.0).sum());
        let tiered = self.tiered(usage, basis);
        let base = tiered.lines.first().map(|l| l.price).unwrap_or_default();
        for l in tiered.lines.iter().skip(1) {
            let extra = Price(l.price.0 - base.0);
            if let LineKind::Tier(n) = l.what {
                lines.push(Line {
                    what: LineKind::TierSurcharge(n),
                    kwh: l.kwh,
                    price: extra,
                    amount: amount(l.kwh, extra),
                });
            }
        }
        Bill {
            total: Fen(lines.iter().map(|l| l.amount.0).sum()),
            lines,
            top_tier: tiered.top_tier,
            usage,
        }
    }

    /// The bound of each tier, for "which tier is this in" explanations.
    pub fn bounds(&self, basis: Basis) -> Vec<Option<Kwh>> {
        self.tiers(basis).iter().map(|t| t.up_to).collect()
    }
}

fn parse_tiers(rows: &[TierRow]) -> Result<Vec<Tier>, TariffError> {
    rows.iter()
        .map(|r| {
            Ok(Tier {
                up_to: r.up_to_kwh.as_deref().map(Kwh::parse).transpose()?,
                price: Price::parse(&r.price)?,
            })
        })
        .collect()
}

/// Usage named in a complaint's text ("用了500度", "600千瓦时"), for
/// opening the calculator pre-filled from a billing ticket.
pub fn usage_in_text(text: &str) -> Option<Kwh> {
    let chars: Vec<char> = text.chars().collect();
    for (i, _) in chars.iter().enumerate() {
        let rest: String = chars[i..].iter().collect();
        if !(rest.starts_with('度')
            || rest.starts_with("千瓦时")
            || rest.to_lowercase().starts_with("kwh"))
        {
            continue;
        }
        let mut start = i;
        while start > 0 && (chars[start - 1].is_ascii_digit() || chars[start - 1] == '.') {
            start -= 1;
        }
        if start < i {
            let number: String = chars[start..i].iter().collect();
            if let Ok(k) = Kwh::parse(&number) {
                return Some(k);
            }
        }
    }
    None
}
