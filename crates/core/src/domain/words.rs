//! What a classification says, in the words of the person reading it:
//! facts as labelled values ("停电时长 5 小时"), each rule by its name, each
//! decision as a sentence part ("业务类型：投诉"), never a code. Screens,
//! receipts and the drill ask here; the codes stay for files and `/rules`.

use crate::domain::facts::Facts;
use crate::domain::labels::{area_key, grade_key};
use crate::domain::rules::RuleTable;
use crate::i18n::Lang;

/// A number as people write it: `5` not `5.0`, `2.5` as it is.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// The label of a fact, by the name files use for it.
pub fn fact_label(fact: &str, lang: Lang) -> Option<&'static str> {
    let zh = lang == Lang::Zh;
    Some(match fact {
        "households_affected" => {
            if zh {
                "停电户数"
            } else {
                "Households without power"
            }
        }
        "outage_hours" => {
            if zh {
                "停电时长"
            } else {
                "Hours without power"
            }
        }
        "important_customer" => {
            if zh {
                "重要客户"
            } else {
                "Important customer"
            }
        }
        "safety_hazard" => {
            if zh {
                "危及人身安全"
            } else {
                "Hazard to people"
            }
        }
        "equipment_damage" => {
            if zh {
                "设备损坏"
            } else {
                "Equipment damaged"
            }
        }
        "joint_households" => {
            if zh {
                "联名户数"
            } else {
                "Households complaining jointly"
            }
        }
        "special_group" => {
            if zh {
                "特殊群体（独居老人、残障人士等）"
            } else {
                "Special group (elderly living alone, disabled …)"
            }
        }
        "area" => {
            if zh {
                "区域"
            } else {
                "Area"
            }
        }
        "complex" => {
            if zh {
                "情况复杂"
            } else {
                "Complex case"
            }
        }
        "repeat_complainant" => {
            if zh {
                "重复投诉"
            } else {
                "Repeat complainant"
            }
        }
        "site_visit" => {
            if zh {
                "需要到现场"
            } else {
                "Needs a site visit"
            }
        }
        _ => return None,
    })
}

/// Each known fact as a labelled value; yes/no facts only when yes.
pub fn facts_in_words(facts: &Facts, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    let mut count = |fact: &str, value: Option<u32>, unit_zh: &str, unit_en: &str| {
        if let (Some(v), Some(label)) = (value, fact_label(fact, lang)) {
            out.push(if zh {
                format!("{label} {v} {unit_zh}")
            } else {
                format!("{label}: {v} {unit_en}")
            });
        }
    };
    count("households_affected", facts.households_affected, "户", "");
    count("joint_households", facts.joint_households, "户", "");
    if let (Some(hours), Some(label)) = (facts.outage_hours, fact_label("outage_hours", lang)) {
        out.push(if zh {
            format!("{label} {} 小时", number(hours))
        } else {
            format!("{label}: {}", number(hours))
        });
    }
    for (fact, value) in [
        ("important_customer", facts.important_customer),
        ("safety_hazard", facts.safety_hazard),
        ("equipment_damage", facts.equipment_damage),
        ("special_group", facts.special_group),
        ("complex", facts.complex),
        ("repeat_complainant", facts.repeat_complainant),
        ("site_visit", facts.site_visit),
    ] {
        if value == Some(true) {
            out.extend(fact_label(fact, lang).map(str::to_string));
        }
    }
    if let (Some(area), Some(label)) = (facts.area, fact_label("area", lang)) {
        let sep = if zh { "：" } else { ": " };
        out.push(format!("{label}{sep}{}", area_key(area).text(lang)));
    }
    out.iter_mut().for_each(|s| *s = s.trim_end().to_string());
    out
}

/// A rule by its name in the table (a fact rule by its fact's label; the
/// n-gram model by what it is); the id only if nothing names it.
pub fn rule_name(table: &RuleTable, id: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    if let Some(k) = table.kinds.iter().find(|k| k.id == id) {
        return pick(&format!("诉求：{}", k.zh), &format!("Intent: {}", k.en));
    }
    if let Some(s) = table
        .categories
        .iter()
        .flat_map(|c| &c.subcategories)
        .find(|s| s.id == id)
    {
        return pick(&format!("话题：{}", s.zh), &format!("Topic: {}", s.en));
    }
    if let Some(g) = table.grade_rules.iter().find(|g| g.id == id) {
        return pick(&g.zh, &g.en);
    }
    if let Some(f) = table.facts.iter().find(|f| f.id == id) {
        if let Some(label) = fact_label(&f.fact, lang) {
            let found = pick("从文字读出：", "Read from the text: ");
            return format!("{found}{label}");
        }
    }
    match id {
        "model.kind" | "model.subcategory" => pick(
            "统计模型（从已标注的工单学到的字词特征）",
            "Statistical model (character patterns learned from labelled tickets)",
        ),
        _ if id == table.high_frequency.id => pick(
            "高频投诉预警（同一区域或供电所同类投诉集中）",
            "High-frequency alert (one kind of complaint concentrated in an area or station)",
        ),
        _ if id == table.kind_without_cue.id => pick(
            "未见明确诉求，按话题判断",
            "No clear intent: judged by the topic",
        ),
        _ if table.intent_order.as_ref().is_some_and(|o| o.id == id) => pick(
            "多种诉求并存时的先后",
            "Which intent wins when several are present",
        ),
        _ => id.to_string(),
    }
}

/// A decision (`kind=complaint`, `grade=1`, `households_affected=80`,
/// `kind=consultation (not complaint)`) in words.
pub fn decision_in_words(table: &RuleTable, decided: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let (head, instead) = match decided.split_once(" (not ") {
        Some((head, rest)) => (head, Some(rest.trim_end_matches(')'))),
        None => (decided, None),
    };
    let Some((field, value)) = head.split_once('=') else {
        return decided.to_string();
    };
    let name = |code: &str| table.name_of(code, lang).to_string();
    let said = match field {
        "kind" | "subcategory" | "category" => {
            let label = match (field, zh) {
                ("kind", true) => "业务类型",
                ("kind", false) => "Kind",
                (_, true) => "分类",
                (_, false) => "Category",
            };
            format!("{label}{}{}", if zh { "：" } else { ": " }, name(value))
        }
        "grade" => match value.parse::<u8>() {
            Ok(g) => grade_key(g).text(lang).to_string(),
            Err(_) => value.to_string(),
        },
        fact => {
            let mut facts = Facts::default();
            match value {
                "true" => facts.set_flag(fact, true),
                "false" => {}
                v => {
                    if let Ok(n) = v.parse::<f64>() {
                        facts.set_number(fact, n);
                    } else if let Some(area) = crate::domain::facts::Area::from_code(v) {
                        facts.area = Some(area);
                    }
                }
            }
            facts_in_words(&facts, lang)
                .into_iter()
                .next()
                .unwrap_or_else(|| fact_label(fact, lang).unwrap_or(fact).to_string())
        }
    };
    match instead {
        Some(code) if zh => format!("{said}（而非{}）", name(code)),
        Some(code) => format!("{said} (not {})", name(code)),
        None => said,
    }
}

/// A drill's mark in words: what was given, what the rules expected, and
/// the rule that decides it, each by its name.
pub fn mark_in_words(
    mark: &crate::domain::drill::Mark,
    table: &RuleTable,
    templates: &crate::domain::templates::Templates,
    lang: Lang,
) -> (String, String, String) {
    let none = || {
        if lang == Lang::Zh {
            "（未选）"
        } else {
            "(none)"
        }
        .to_string()
    };
    let one = |code: &str| -> String {
        if code == "-" || code.is_empty() {
            return match mark.part.as_str() {
                "grade" => if lang == Lang::Zh {
                    "不分级"
                } else {
                    "Not graded"
                }
                .to_string(),
                _ => none(),
            };
        }
        match mark.part.as_str() {
            "grade" => match code.parse::<u8>() {
                Ok(g) => grade_key(g).text(lang).to_string(),
                Err(_) => code.to_string(),
            },
            "deadline" => table
                .clocks
                .iter()
                .find(|c| c.words.id == code)
                .map(|c| lang.pick(&c.words.zh, &c.words.en).to_string())
                .unwrap_or_else(|| code.to_string()),
            "template" => templates
                .templates
                .iter()
                .find(|t| t.id == code)
                .map(|t| {
                    if lang == Lang::Zh {
                        t.name.zh.clone()
                    } else {
                        t.name.en.clone()
                    }
                })
                .unwrap_or_else(|| code.to_string()),
            _ => table.name_of(code, lang).to_string(),
        }
    };
    let many = |codes: &str| {
        codes
            .split(" / ")
            .map(&one)
            .collect::<Vec<_>>()
            .join(if lang == Lang::Zh { "、" } else { ", " })
    };
    let no_rule = mark.rule == "-" || mark.rule.is_empty();
    let zh = lang == Lang::Zh;
    let rule = match mark.part.as_str() {
        // Nothing decided it: say what that means, not a dash.
        "grade" if no_rule => if zh {
            "此类工单不定级"
        } else {
            "This kind of ticket takes no grade"
        }
        .to_string(),
        "deadline" if no_rule => if zh {
            "此类工单没有处理时限"
        } else {
            "This kind of ticket has no resolution clock"
        }
        .to_string(),
        _ if no_rule => if zh {
            "没有规则命中，按默认归类"
        } else {
            "No rule fired: the default applies"
        }
        .to_string(),
        "deadline" => one(&mark.rule),
        "template" => if lang == Lang::Zh {
            "答复模板"
        } else {
            "Reply templates"
        }
        .to_string(),
        _ => rule_name(table, &mark.rule, lang),
    };
    (one(&mark.given), many(&mark.expected), rule)
}

/// How long something has waited, in the reader's words: minutes under an
/// hour, hours under two days, days after ("20 分钟", "5 小时", "3 天").
pub fn age_in_words(minutes: i64, lang: Lang) -> String {
    const HOUR: i64 = 60;
    const DAY: i64 = 24 * HOUR;
    let minutes = minutes.max(0);
    let (n, zh, en) = if minutes >= 2 * DAY {
        (minutes / DAY, "天", "d")
    } else if minutes >= HOUR {
        (minutes / HOUR, "小时", "h")
    } else {
        (minutes, "分钟", "min")
    };
    match lang {
        Lang::Zh => format!("{n} {zh}"),
        Lang::En => format!("{n} {en}"),
    }
}

/// How far a deadline is, to the minute that matters: "还剩 3 小时 20 分钟",
/// "已超时 2 天 5 小时". `seconds` is the time left; below zero it is late
/// (from its first second: a deadline just passed never reads as time left).
pub fn deadline_in_words(seconds: i64, lang: Lang) -> String {
    const HOUR: i64 = 60;
    const DAY: i64 = 24 * HOUR;
    let late = seconds < 0;
    let m = seconds.abs() / 60;
    let (big, small) = if m >= 2 * DAY {
        ((m / DAY, "天", "d"), Some((m % DAY / HOUR, "小时", "h")))
    } else if m >= HOUR {
        ((m / HOUR, "小时", "h"), Some((m % HOUR, "分钟", "min")))
    } else {
        ((m, "分钟", "min"), None)
    };
    let part = |(n, zh, en): (i64, &str, &str)| match lang {
        Lang::Zh => format!("{n} {zh}"),
        Lang::En => format!("{n} {en}"),
    };
    let span = match small.filter(|(n, _, _)| *n > 0) {
        Some(small) => format!("{} {}", part(big), part(small)),
        None => part(big),
    };
    match (lang, late) {
        (Lang::Zh, false) => format!("还剩 {span}"),
        (Lang::Zh, true) => format!("已超时 {span}"),
        (Lang::En, false) => format!("{span} left"),
        (Lang::En, true) => format!("{span} overdue"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_read_as_time_left_or_time_late() {
        let min = |m: i64| m * 60;
        assert_eq!(deadline_in_words(min(200), Lang::Zh), "还剩 3 小时 20 分钟");
        assert_eq!(deadline_in_words(min(180) + 59, Lang::Zh), "还剩 3 小时");
        assert_eq!(deadline_in_words(min(45), Lang::En), "45 min left");
        assert_eq!(
            deadline_in_words(-min(2 * 1440 + 5 * 60 + 7), Lang::Zh),
            "已超时 2 天 5 小时"
        );
        assert_eq!(deadline_in_words(-min(3), Lang::En), "3 min overdue");
        assert_eq!(deadline_in_words(0, Lang::Zh), "还剩 0 分钟");
        // Ten seconds past is late, not "0 minutes left".
        assert_eq!(deadline_in_words(-10, Lang::Zh), "已超时 0 分钟");
    }

    #[test]
    fn ages_read_in_the_largest_unit_that_fits() {
        assert_eq!(
            age_in_words(-5, Lang::Zh),
            "0 分钟",
            "a clock a little ahead"
        );
        assert_eq!(age_in_words(59, Lang::Zh), "59 分钟");
        assert_eq!(age_in_words(60, Lang::En), "1 h");
        assert_eq!(age_in_words(47 * 60 + 59, Lang::Zh), "47 小时");
        assert_eq!(age_in_words(48 * 60, Lang::Zh), "2 天");
        assert_eq!(age_in_words(10 * 24 * 60 + 5, Lang::En), "10 d");
    }

    /// Whether a text still holds something that looks like a code.
    fn has_code(text: &str) -> bool {
        text.contains('_')
            || text.contains('=')
            || text.split(' ').any(|w| {
                w.contains('.') && w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            })
    }

    #[test]
    fn facts_read_as_labelled_values() {
        let facts = Facts {
            households_affected: Some(80),
            outage_hours: Some(5.0),
            special_group: Some(true),
            safety_hazard: Some(false),
            ..Facts::default()
        };
        assert_eq!(
            facts_in_words(&facts, Lang::Zh),
            vec![
                "停电户数 80 户",
                "停电时长 5 小时",
                "特殊群体（独居老人、残障人士等）"
            ]
        );
        assert_eq!(
            facts_in_words(&facts, Lang::En)[1],
            "Hours without power: 5"
        );
    }

    #[test]
    fn every_rule_that_can_fire_has_a_name_in_both_languages() {
        let table = RuleTable::shipped();
        use crate::domain::shared_str::SharedStr;
        let mut ids: Vec<SharedStr> = table.kinds.iter().map(|k| k.id.clone()).collect();
        ids.extend(
            table
                .categories
                .iter()
                .flat_map(|c| &c.subcategories)
                .map(|s| s.id.clone()),
        );
        ids.extend(table.grade_rules.iter().map(|g| g.id.clone()));
        ids.extend(table.facts.iter().map(|f| f.id.clone()));
        ids.push(table.kind_without_cue.id.clone());
        ids.push(table.high_frequency.id.clone());
        ids.extend(table.intent_order.iter().map(|o| o.id.clone()));
        ids.extend(["model.kind".into(), "model.subcategory".into()]);
        for id in &ids {
            for lang in [Lang::Zh, Lang::En] {
                let name = rule_name(&table, id, lang);
                assert!(!has_code(&name) && name != **id, "{id} reads \"{name}\"");
            }
        }
    }

    #[test]
    fn a_drills_marks_read_as_words() {
        use crate::domain::drill::Mark;
        let table = RuleTable::shipped();
        let templates = crate::domain::templates::Templates::shipped();
        let clock = table
            .clocks
            .iter()
            .find(|c| c.words.id.contains("resolution"))
            .unwrap();
        let template = &templates.templates[0];
        for (part, given, expected, rule) in [
            (
                "category",
                "service_conduct",
                "supply_quality",
                "sub.outage",
            ),
            ("grade", "-", "1", "grade.1.safety"),
            (
                "deadline",
                "-",
                clock.words.id.as_str(),
                clock.words.id.as_str(),
            ),
            // Nothing decided: no dash, no "(none)" as the rule.
            ("kind", "complaint", "consultation", "-"),
            ("grade", "3", "-", "-"),
            ("deadline", clock.words.id.as_str(), "-", "-"),
            (
                "template",
                template.id.as_str(),
                template.id.as_str(),
                "templates",
            ),
        ] {
            let mark = Mark {
                part: part.into(),
                correct: false,
                expected: expected.into(),
                given: given.into(),
                rule: rule.into(),
                source: String::new(),
            };
            for lang in [Lang::Zh, Lang::En] {
                let (g, e, r) = mark_in_words(&mark, &table, &templates, lang);
                for words in [&g, &e, &r] {
                    assert!(!has_code(words), "{part}: \"{words}\"");
                }
                assert!(
                    r != "-" && !r.contains("未选") && !r.contains("(none)") && !r.is_empty(),
                    "{part}: the rule reads \"{r}\""
                );
            }
        }
    }

    #[test]
    fn decisions_read_as_words() {
        let table = RuleTable::shipped();
        for decided in [
            "kind=complaint",
            "kind=consultation (not complaint)",
            "subcategory=outage",
            "grade=1",
            "households_affected=80",
            "safety_hazard=true",
            "area=rural",
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let words = decision_in_words(&table, decided, lang);
                assert!(!has_code(&words), "{decided} reads \"{words}\"");
            }
        }
        assert_eq!(
            decision_in_words(&table, "households_affected=80", Lang::Zh),
            "停电户数 80 户"
        );
    }
}
