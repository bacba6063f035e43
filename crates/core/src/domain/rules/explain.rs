//! A rule-table problem in the words of the person editing the table on
//! `/rules`: which rule, by its name, which of its settings, and what is
//! wrong, in Chinese or English. The problem itself (a JSON path and an
//! English sentence, see [`Problem`]) stays what the CLI and files print.

use super::{Problem, RuleTable};
use crate::i18n::Lang;

/// `problem`, said in `lang`, naming the rules of `table` (the table as it
/// was edited, so that the names are the ones on the screen).
pub fn problem_in_words(problem: &Problem, table: &RuleTable, lang: Lang) -> String {
    let place = place_in_words(&problem.at, table, lang);
    let what = message_in_words(&problem.message, lang);
    match lang {
        Lang::Zh => format!("{place}：{what}"),
        Lang::En => format!("{place}: {what}"),
    }
}

/// One step of a path: a field, and the position in it if it is a list.
fn steps(path: &str) -> Vec<(&str, Option<usize>)> {
    path.split('.')
        .map(|step| match step.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
            None => (step, None),
        })
        .collect()
}

/// A list of rules by its name, and the name of its `i`-th rule.
fn rule_name(table: &RuleTable, list: &str, i: usize, lang: Lang) -> Option<String> {
    let pick = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    match list {
        "clocks" => table.clocks.get(i).map(|c| pick(&c.words.zh, &c.words.en)),
        "kinds" => table.kinds.get(i).map(|k| pick(&k.zh, &k.en)),
        "categories" => table.categories.get(i).map(|c| pick(&c.zh, &c.en)),
        "grade_rules" => table.grade_rules.get(i).map(|g| pick(&g.zh, &g.en)),
        "arrival_profiles" => table.arrival_profiles.get(i).map(|a| pick(&a.zh, &a.en)),
        _ => None,
    }
}

/// A field's name as the editor shows it; `None` for one it does not know.
fn field_name(field: &str, lang: Lang) -> Option<&'static str> {
    let (zh, en) = match field {
        "clocks" => ("时限规则", "Deadline rule"),
        "kinds" => ("业务类型", "Kind"),
        "categories" => ("分类", "Category"),
        "subcategories" => ("子类", "Subcategory"),
        "kind" => ("业务类型", "kind"),
        "category" => ("分类", "category"),
        "subcategory" => ("子类", "subcategory"),
        "fact" => ("事实", "fact"),
        "milestone" => ("节点", "milestone"),
        "grade_rules" => ("定级规则", "Grade rule"),
        "facts" => ("事实识别", "Fact reading"),
        "arrival_profiles" => ("到场时限档", "Arrival profile"),
        "high_frequency" => ("高频预警", "High-frequency alert"),
        "share" => ("占比", "share"),
        "min_count" => ("最少件数", "minimum count"),
        "due_soon_ratio" => ("即将到期的提醒点", "Due-soon point"),
        "satisfaction_threshold" => ("满意度", "Satisfaction"),
        "percent" => ("满意的分数线", "pass mark"),
        "span" => ("时长", "span"),
        "minutes" => ("分钟数", "minutes"),
        "hours" => ("小时数", "hours"),
        "days" => ("天数", "days"),
        "working_days" => ("工作日数", "working days"),
        "months" => ("月数", "months"),
        "hours_on_working_day" => ("工作日小时数", "hours on a working day"),
        "hours_otherwise" => ("非工作日小时数", "hours otherwise"),
        "keywords" => ("关键词", "keyword"),
        "promise" => ("对客户的承诺", "promise to the customer"),
        "source" => ("出处", "source"),
        "zh" => ("中文名称", "Chinese name"),
        "en" => ("英文名称", "English name"),
        "id" => ("编号", "id"),
        "code" => ("代码", "code"),
        "version" => ("版本", "version"),
        "applies" => ("适用条件", "condition"),
        "emergency_grade" => ("启动应急的等级", "emergency grade"),
        _ => return None,
    };
    Some(lang.pick(zh, en))
}

/// "时限规则「到达现场」的时长的小时数" from `clocks[2].span.hours`.
fn place_in_words(at: &str, table: &RuleTable, lang: Lang) -> String {
    // A syntax error's place ("line 4, column 7") is already words.
    if at.starts_with("line ") {
        return match lang {
            Lang::Zh => format!("规则表文件 {at}"),
            Lang::En => format!("The rule table file, {at}"),
        };
    }
    let mut parts: Vec<String> = Vec::new();
    let mut category: Option<usize> = None;
    for (field, index) in steps(at) {
        let name = field_name(field, lang);
        let part = match (field, index) {
            ("subcategories", Some(j)) => category
                .and_then(|c| table.categories.get(c))
                .and_then(|c| c.subcategories.get(j))
                .map(|s| quoted(name.unwrap_or(field), lang.pick(&s.zh, &s.en), lang)),
            ("keywords", Some(k)) => Some(match lang {
                Lang::Zh => format!("第 {} 个关键词", k + 1),
                Lang::En => format!("keyword {}", k + 1),
            }),
            (list, Some(i)) => {
                if list == "categories" {
                    category = Some(i);
                }
                rule_name(table, list, i, lang)
                    .map(|rule| quoted(name.unwrap_or(list), &rule, lang))
            }
            _ => None,
        };
        // A field or position it does not know is kept as written.
        parts.push(part.unwrap_or_else(|| match (name, index) {
            (Some(name), None) => name.to_string(),
            (Some(name), Some(i)) => format!("{name} {}", i + 1),
            (None, None) => field.to_string(),
            (None, Some(i)) => format!("{field}[{i}]"),
        }));
    }
    parts.join(lang.pick("的", " › "))
}

fn quoted(what: &str, name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{what}「{name}」"),
        Lang::En => format!("{what} “{name}”"),
    }
}

/// The validation's sentence, in `lang`; one it does not know is kept.
fn message_in_words(message: &str, lang: Lang) -> String {
    let known: &[(&str, &str, &str)] = &[
        (
            "must be greater than zero",
            "必须大于零",
            "must be greater than zero",
        ),
        ("must not be empty", "不能为空", "must not be empty"),
        (
            "must be a positive number",
            "必须是正数",
            "must be a positive number",
        ),
        ("must be at least 1", "至少为 1", "must be at least 1"),
        (
            "must lie between 0 and 1",
            "必须在 0 到 100% 之间",
            "must lie between 0 and 100%",
        ),
        (
            "must lie in (0, 1]",
            "必须大于 0、不超过 100%",
            "must be above 0 and at most 100%",
        ),
        (
            "must lie between 1 and 100",
            "必须在 1 到 100 之间",
            "must lie between 1 and 100",
        ),
        (
            "grades are 1, 2 or 3",
            "等级只能是一级、二级或三级",
            "grades are 1, 2 or 3",
        ),
        (
            "needs at least one keyword",
            "至少需要一个关键词",
            "needs at least one keyword",
        ),
        (
            "needs at least one subcategory",
            "至少需要一个子类",
            "needs at least one subcategory",
        ),
        (
            "needs at least one entry",
            "至少需要一项",
            "needs at least one entry",
        ),
        (
            "needs at least one milestone",
            "至少需要一个节点",
            "needs at least one milestone",
        ),
        (
            "weight must be a number other than zero (a negative one counts against)",
            "权重必须是不为零的数（负数表示反向计分）",
            "the weight must be a number other than zero (a negative one counts against)",
        ),
        (
            "must hold {due} once, where the time goes",
            "必须包含一次 {due}，标出时间的位置",
            "must hold {due} once, where the time goes",
        ),
        (
            "hours_on_working_day and hours_otherwise go together",
            "工作日小时数和非工作日小时数要一起填写",
            "hours on a working day and hours otherwise go together",
        ),
    ];
    if let Some((_, zh, en)) = known.iter().find(|(m, _, _)| *m == message) {
        return lang.pick(zh, en).to_string();
    }
    if let Some(id) = message
        .strip_prefix("duplicate id '")
        .and_then(|r| r.strip_suffix('\''))
    {
        return match lang {
            Lang::Zh => format!("编号「{id}」重复"),
            Lang::En => format!("the id “{id}” appears twice"),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown ") {
        if let Some((what, value)) = rest.split_once(" '") {
            let value = value.split('\'').next().unwrap_or_default();
            return match lang {
                Lang::Zh => format!(
                    "不认识的{}「{value}」",
                    field_name(what, lang).unwrap_or(what)
                ),
                Lang::En => format!("unknown {what} “{value}”"),
            };
        }
    }
    match lang {
        // Said as written, marked as the table's own words.
        Lang::Zh => format!("{message}（规则表校验原文）"),
        Lang::En => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(at: &str, message: &str) -> Problem {
        Problem {
            at: at.into(),
            message: message.into(),
        }
    }

    #[test]
    fn problems_name_the_rule_and_its_setting_in_the_readers_language() {
        let table = RuleTable::shipped();
        let arrival = table
            .clocks
            .iter()
            .position(|c| c.words.code == "site_arrival")
            .unwrap();
        let p = problem(
            &format!("clocks[{arrival}].span.hours"),
            "must be greater than zero",
        );
        assert_eq!(
            problem_in_words(&p, &table, Lang::Zh),
            "时限规则「到达现场」的时长的小时数：必须大于零"
        );
        assert_eq!(
            problem_in_words(&p, &table, Lang::En),
            "Deadline rule “Site arrival” › span › hours: must be greater than zero"
                .replace("Site arrival", &table.clocks[arrival].words.en)
        );
        let share = problem("high_frequency.share", "must lie in (0, 1]");
        assert_eq!(
            problem_in_words(&share, &table, Lang::Zh),
            "高频预警的占比：必须大于 0、不超过 100%"
        );
        let outage = &table.categories[0];
        let keyword = problem(
            "categories[0].subcategories[0].keywords[2]",
            "must not be empty",
        );
        assert_eq!(
            problem_in_words(&keyword, &table, Lang::Zh),
            format!(
                "分类「{}」的子类「{}」的第 3 个关键词：不能为空",
                outage.zh, outage.subcategories[0].zh
            )
        );
        let duplicate = problem("kinds[1].id", "duplicate id 'kind.complaint'");
        assert!(problem_in_words(&duplicate, &table, Lang::Zh)
            .ends_with("的编号：编号「kind.complaint」重复"));
    }

    #[test]
    fn nothing_a_person_reads_is_a_path_or_a_snake_case_code() {
        let table = RuleTable::shipped();
        for (at, message) in [
            ("clocks[0].span.hours", "must be greater than zero"),
            ("high_frequency.min_count", "must be at least 1"),
            ("due_soon_ratio", "must lie between 0 and 1"),
            (
                "satisfaction_threshold.percent",
                "must lie between 1 and 100",
            ),
            (
                "categories[1].subcategories[0].keywords[0]",
                "weight must be a number other than zero (a negative one counts against)",
            ),
            (
                "grade_rules[0].applies",
                "unknown category 'nope' (expected one of: a, b)",
            ),
        ] {
            let said = problem_in_words(&problem(at, message), &table, Lang::Zh);
            assert!(
                !said.contains('[') && !said.contains('_') && !said.contains('.'),
                "{said}"
            );
        }
        // A place it cannot name is kept, not lost.
        let odd = problem_in_words(&problem("wibble[3]", "must not be empty"), &table, Lang::Zh);
        assert!(odd.contains("wibble[3]"), "{odd}");
    }
}
