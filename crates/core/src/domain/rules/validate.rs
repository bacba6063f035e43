//! Checks a parsed rule table as a whole and lists every problem with its path.

use super::table::*;
use crate::domain::clock::Milestone;
use crate::domain::facts::{FactType, FACT_NAMES};
use std::collections::HashSet;

struct Check {
    problems: Vec<Problem>,
}

impl Check {
    fn fail(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            at: at.into(),
            message: message.into(),
        });
    }

    fn require(&mut self, ok: bool, at: impl Into<String>, message: impl Into<String>) {
        if !ok {
            self.fail(at, message);
        }
    }

    fn text(&mut self, value: &str, at: String) {
        self.require(!value.trim().is_empty(), at, "must not be empty");
    }

    fn one_of(&mut self, value: &str, allowed: &[&str], at: String, what: &str) {
        if !allowed.contains(&value) {
            self.fail(
                at,
                format!(
                    "unknown {what} '{value}' (expected one of: {})",
                    allowed.join(", ")
                ),
            );
        }
    }

    fn keywords(&mut self, keywords: &[Keyword], at: &str) {
        self.require(
            !keywords.is_empty(),
            at.to_string(),
            "needs at least one keyword",
        );
        for (i, Keyword(text, weight)) in keywords.iter().enumerate() {
            self.text(text, format!("{at}[{i}]"));
            self.require(
                *weight != 0.0 && weight.is_finite(),
                format!("{at}[{i}]"),
                "weight must be a number other than zero (a negative one counts against)",
            );
        }
    }

    fn sequences(&mut self, sequences: &[Sequence], at: &str) {
        for (i, q) in sequences.iter().enumerate() {
            let at = format!("{at}[{i}]");
            self.words(&q.first, &format!("{at}.first"));
            self.words(&q.then, &format!("{at}.then"));
            for (j, word) in q.finally.iter().enumerate() {
                self.text(word, format!("{at}.finally[{j}]"));
            }
            self.require(q.within > 0, format!("{at}.within"), "must be at least 1");
            self.require(
                q.weight != 0.0 && q.weight.is_finite(),
                format!("{at}.weight"),
                "weight must be a number other than zero",
            );
        }
    }

    fn words(&mut self, words: &[String], at: &str) {
        self.require(
            !words.is_empty(),
            at.to_string(),
            "needs at least one entry",
        );
        for (i, w) in words.iter().enumerate() {
            self.text(w, format!("{at}[{i}]"));
        }
    }

    fn condition(&mut self, c: &Condition, at: &str) {
        let forms = [
            c.always.is_some(),
            c.all.is_some(),
            c.any.is_some(),
            c.kind.is_some(),
            c.category.is_some(),
            c.subcategory.is_some(),
            c.described.is_some(),
            c.grade.is_some(),
            c.fact.is_some(),
        ]
        .iter()
        .filter(|set| **set)
        .count();
        if forms != 1 {
            self.fail(at, "a condition needs exactly one of: always, all, any, kind, category, subcategory, described, grade, fact");
            return;
        }
        for (name, list) in [("all", &c.all), ("any", &c.any)] {
            if let Some(list) = list {
                self.require(
                    !list.is_empty(),
                    format!("{at}.{name}"),
                    "must not be empty",
                );
                for (i, inner) in list.iter().enumerate() {
                    self.condition(inner, &format!("{at}.{name}[{i}]"));
                }
            }
        }
        for (list, allowed, what) in [
            (&c.kind, &KIND_CODES[..], "kind"),
            (&c.category, &CATEGORY_CODES[..], "category"),
            (&c.subcategory, &SUBCATEGORY_CODES[..], "subcategory"),
            (&c.described, &SUBCATEGORY_CODES[..], "subcategory"),
        ] {
            for (i, code) in list.iter().flatten().enumerate() {
                self.one_of(code, allowed, format!("{at}.{what}[{i}]"), what);
            }
        }
        for (i, g) in c.grade.iter().flatten().enumerate() {
            self.require(
                (1..=3).contains(g),
                format!("{at}.grade[{i}]"),
                "grades are 1, 2 or 3",
            );
        }
        if let Some(fact) = &c.fact {
            match FactType::of(fact) {
                None => self.fail(
                    format!("{at}.fact"),
                    format!("unknown fact '{fact}' (known: {})", FACT_NAMES.join(", ")),
                ),
                Some(FactType::Flag) => self.require(
                    c.is.is_some() && c.at_least.is_none() && c.more_than.is_none(),
                    at.to_string(),
                    format!("'{fact}' is yes/no: use \"is\""),
                ),
                Some(FactType::Number) => self.require(
                    c.is.is_none() && (c.at_least.is_some() ^ c.more_than.is_some()),
                    at.to_string(),
                    format!("'{fact}' is a number: use one of \"at_least\", \"more_than\""),
                ),
                Some(FactType::Area) => self.fail(
                    format!("{at}.fact"),
                    "conditions on the area are not supported",
                ),
            }
        } else if c.is.is_some() || c.at_least.is_some() || c.more_than.is_some() {
            self.fail(
                at,
                "\"is\", \"at_least\" and \"more_than\" go with \"fact\"",
            );
        }
    }

    fn span(&mut self, s: &Span, at: &str) {
        let forms = [
            s.minutes.is_some(),
            s.hours.is_some(),
            s.days.is_some(),
            s.months.is_some(),
            s.working_days.is_some(),
            s.hours_on_working_day.is_some() || s.hours_otherwise.is_some(),
            s.arrival_profile.is_some(),
        ]
        .iter()
        .filter(|set| **set)
        .count();
        if forms != 1 {
            self.fail(at, "a span needs exactly one of: minutes, hours, days, months, working_days, hours_on_working_day+hours_otherwise, arrival_profile");
        }
        if s.hours_on_working_day.is_some() != s.hours_otherwise.is_some() {
            self.fail(at, "hours_on_working_day and hours_otherwise go together");
        }
        for (value, name) in [
            (s.minutes, "minutes"),
            (s.hours, "hours"),
            (s.days, "days"),
            (s.months, "months"),
            (s.working_days, "working_days"),
            (s.hours_on_working_day, "hours_on_working_day"),
            (s.hours_otherwise, "hours_otherwise"),
        ] {
            if value == Some(0) {
                self.fail(format!("{at}.{name}"), "must be greater than zero");
            }
        }
        if s.arrival_profile == Some(false) {
            self.fail(
                format!("{at}.arrival_profile"),
                "use true, or another form of span",
            );
        }
    }
}

pub(super) fn validate(t: &RuleTable) -> Vec<Problem> {
    let mut c = Check {
        problems: Vec::new(),
    };
    c.require(
        t.format == FORMAT,
        "format",
        format!("must be \"{FORMAT}\""),
    );
    c.text(&t.version, "version".into());
    c.require(
        t.due_soon_ratio > 0.0 && t.due_soon_ratio < 1.0,
        "due_soon_ratio",
        "must lie between 0 and 1",
    );
    c.require(
        t.high_frequency.share > 0.0 && t.high_frequency.share <= 1.0,
        "high_frequency.share",
        "must lie in (0, 1]",
    );
    c.require(
        t.high_frequency.min_count >= 1,
        "high_frequency.min_count",
        "must be at least 1",
    );
    c.require(
        (1..=3).contains(&t.emergency_grade),
        "emergency_grade",
        "grades are 1, 2 or 3",
    );
    c.require(
        (1..=100).contains(&t.satisfaction_threshold.percent),
        "satisfaction_threshold.percent",
        "must lie between 1 and 100",
    );
    c.words(&t.negation.cues, "negation.cues");
    c.words(&t.negation.adjacent_cues, "negation.adjacent_cues");

    // Ids: present, unique, each with a source.
    let mut seen = HashSet::new();
    for (at, id) in t.ids() {
        c.text(id, format!("{at}.id"));
        if !seen.insert(id) {
            c.fail(format!("{at}.id"), format!("duplicate id '{id}'"));
        }
    }
    let sources = [
        (
            "high_frequency.source".to_string(),
            &t.high_frequency.source,
        ),
        ("negation.source".to_string(), &t.negation.source),
        (
            "kind_without_cue.source".to_string(),
            &t.kind_without_cue.source,
        ),
        (
            "satisfaction_threshold.source".to_string(),
            &t.satisfaction_threshold.source,
        ),
    ];
    for (at, source) in sources {
        c.text(source, at);
    }

    let mut kind_codes = HashSet::new();
    for (i, k) in t.kinds.iter().enumerate() {
        let at = format!("kinds[{i}]");
        c.one_of(&k.code, &KIND_CODES, format!("{at}.code"), "kind");
        if !kind_codes.insert(k.code.as_str()) {
            c.fail(
                format!("{at}.code"),
                format!("kind '{}' appears twice", k.code),
            );
        }
        c.text(&k.source, format!("{at}.source"));
        c.text(&k.zh, format!("{at}.zh"));
        c.text(&k.en, format!("{at}.en"));
        c.keywords(&k.keywords, &format!("{at}.keywords"));
        c.sequences(&k.sequences, &format!("{at}.sequences"));
        if let Some(score) = k.asserted_at {
            c.require(
                score > 0.0 && score.is_finite(),
                format!("{at}.asserted_at"),
                "must be a positive number",
            );
        }
        for (from, to) in &k.topic_instead {
            for code in [from, to] {
                c.one_of(
                    code,
                    &SUBCATEGORY_CODES,
                    format!("{at}.topic_instead"),
                    "subcategory",
                );
            }
        }
        if let Some(sub) = &k.fixed_subcategory {
            c.one_of(
                sub,
                &SUBCATEGORY_CODES,
                format!("{at}.fixed_subcategory"),
                "subcategory",
            );
        }
    }
    for code in KIND_CODES {
        c.require(
            kind_codes.contains(code),
            "kinds",
            format!("kind '{code}' is missing"),
        );
    }
    if let Some(order) = &t.intent_order {
        c.text(&order.id, "intent_order.id".into());
        c.text(&order.source, "intent_order.source".into());
        for (i, code) in order.order.iter().enumerate() {
            c.one_of(
                code,
                &KIND_CODES,
                format!("intent_order.order[{i}]"),
                "kind",
            );
        }
        c.require(
            order.asserted_at > 0.0 && order.asserted_at.is_finite(),
            "intent_order.asserted_at",
            "must be a positive number",
        );
    }
    if let Some(variants) = &t.variants {
        c.text(&variants.id, "variants.id".into());
        c.text(&variants.source, "variants.source".into());
        for (i, (from, to)) in variants.pairs.iter().enumerate() {
            c.text(from, format!("variants.pairs[{i}][0]"));
            c.text(to, format!("variants.pairs[{i}][1]"));
        }
    }
    c.one_of(
        &t.kind_without_cue.with_topic,
        &KIND_CODES,
        "kind_without_cue.with_topic".into(),
        "kind",
    );
    c.one_of(
        &t.kind_without_cue.without_topic,
        &KIND_CODES,
        "kind_without_cue.without_topic".into(),
        "kind",
    );

    let mut category_codes = HashSet::new();
    let mut sub_codes = HashSet::new();
    for (i, cat) in t.categories.iter().enumerate() {
        let at = format!("categories[{i}]");
        c.one_of(&cat.code, &CATEGORY_CODES, format!("{at}.code"), "category");
        if !category_codes.insert(cat.code.as_str()) {
            c.fail(
                format!("{at}.code"),
                format!("category '{}' appears twice", cat.code),
            );
        }
        c.text(&cat.source, format!("{at}.source"));
        c.require(
            !cat.subcategories.is_empty(),
            format!("{at}.subcategories"),
            "needs at least one subcategory",
        );
        for (j, sub) in cat.subcategories.iter().enumerate() {
            let at = format!("{at}.subcategories[{j}]");
            c.one_of(
                &sub.code,
                &SUBCATEGORY_CODES,
                format!("{at}.code"),
                "subcategory",
            );
            if !sub_codes.insert(sub.code.as_str()) {
                c.fail(
                    format!("{at}.code"),
                    format!("subcategory '{}' appears twice", sub.code),
                );
            }
            c.text(&sub.source, format!("{at}.source"));
            c.keywords(&sub.keywords, &format!("{at}.keywords"));
            c.sequences(&sub.sequences, &format!("{at}.sequences"));
            if let Some(kind) = &sub.kind_without_cue {
                c.one_of(kind, &KIND_CODES, format!("{at}.kind_without_cue"), "kind");
            }
        }
    }
    for code in SUBCATEGORY_CODES {
        c.require(
            sub_codes.contains(code),
            "categories",
            format!("subcategory '{code}' is missing"),
        );
    }

    for (i, f) in t.facts.iter().enumerate() {
        let at = format!("facts[{i}]");
        c.text(&f.source, format!("{at}.source"));
        let kind = FactType::of(&f.fact);
        if kind.is_none() {
            c.fail(
                format!("{at}.fact"),
                format!(
                    "unknown fact '{}' (known: {})",
                    f.fact,
                    FACT_NAMES.join(", ")
                ),
            );
        }
        let extractors = [
            f.flag.is_some(),
            f.count.is_some(),
            f.duration.is_some(),
            f.joint.is_some(),
            f.area.is_some(),
        ]
        .iter()
        .filter(|s| **s)
        .count();
        if extractors != 1 {
            c.fail(
                &at,
                "needs exactly one of: flag, count, duration, joint, area",
            );
            continue;
        }
        let expected = if f.flag.is_some() {
            FactType::Flag
        } else if f.area.is_some() {
            FactType::Area
        } else {
            FactType::Number
        };
        if kind.is_some_and(|k| k != expected) {
            c.fail(
                &at,
                format!("this extractor does not fit the fact '{}'", f.fact),
            );
        }
        if let Some(words) = &f.flag {
            c.words(words, &format!("{at}.flag"));
        }
        if let Some(count) = &f.count {
            c.words(&count.units, &format!("{at}.count.units"));
        }
        if let Some(d) = &f.duration {
            c.words(&d.near, &format!("{at}.duration.near"));
            c.keywords(&d.units, &format!("{at}.duration.units"));
        }
        if let Some(j) = &f.joint {
            c.words(&j.cues, &format!("{at}.joint.cues"));
            c.require(
                FactType::of(&j.count_fact) == Some(FactType::Number),
                format!("{at}.joint.count_fact"),
                "must name a number fact",
            );
        }
        if let Some(a) = &f.area {
            c.one_of(&a.value, &AREA_CODES, format!("{at}.area.value"), "area");
            c.words(&a.keywords, &format!("{at}.area.keywords"));
        }
    }

    for (i, g) in t.grade_rules.iter().enumerate() {
        let at = format!("grade_rules[{i}]");
        c.require(
            (1..=3).contains(&g.grade),
            format!("{at}.grade"),
            "grades are 1, 2 or 3",
        );
        c.text(&g.source, format!("{at}.source"));
        c.condition(&g.when, &format!("{at}.when"));
    }
    c.require(
        t.grade_rules.iter().any(|g| g.when.always == Some(true)),
        "grade_rules",
        "needs a rule with {\"always\": true} so that every complaint gets a grade",
    );

    let mut profile_codes = HashSet::new();
    for (i, p) in t.arrival_profiles.iter().enumerate() {
        let at = format!("arrival_profiles[{i}]");
        c.text(&p.source, format!("{at}.source"));
        if !profile_codes.insert(p.code.as_str()) {
            c.fail(
                format!("{at}.code"),
                format!("profile '{}' appears twice", p.code),
            );
        }
        for area in AREA_CODES {
            match p.minutes.get(area) {
                Some(0) => c.fail(format!("{at}.minutes.{area}"), "must be greater than zero"),
                Some(_) => {}
                None => c.fail(
                    format!("{at}.minutes"),
                    format!("no span for area '{area}'"),
                ),
            }
        }
        for area in p.minutes.keys() {
            c.one_of(area, &AREA_CODES, format!("{at}.minutes"), "area");
        }
        c.one_of(
            &p.default_area,
            &AREA_CODES,
            format!("{at}.default_area"),
            "area",
        );
    }
    c.require(
        profile_codes.contains(t.site_arrival_profile.as_str()),
        "site_arrival_profile",
        format!("no arrival profile '{}'", t.site_arrival_profile),
    );

    let milestones: Vec<&str> = Milestone::ALL.iter().map(|m| m.code()).collect();
    for (i, clock) in t.clocks.iter().enumerate() {
        let at = format!("clocks[{i}]");
        c.text(&clock.words.source, format!("{at}.source"));
        c.text(&clock.words.code, format!("{at}.code"));
        c.condition(&clock.applies, &format!("{at}.applies"));
        c.one_of(
            &clock.start,
            &milestones,
            format!("{at}.start"),
            "milestone",
        );
        c.span(&clock.span, &format!("{at}.span"));
        c.require(
            !clock.met_by.is_empty(),
            format!("{at}.met_by"),
            "needs at least one milestone",
        );
        for (j, m) in clock.met_by.iter().enumerate() {
            c.one_of(m, &milestones, format!("{at}.met_by[{j}]"), "milestone");
        }
        if let Some(promise) = &clock.promise {
            for (text, lang) in [(&promise.zh, "zh"), (&promise.en, "en")] {
                c.require(
                    text.matches(DUE_SLOT).count() == 1,
                    format!("{at}.promise.{lang}"),
                    "must hold {due} once, where the time goes",
                );
            }
        }
        if let Some(until) = &clock.until {
            c.one_of(until, &milestones, format!("{at}.until"), "milestone");
            c.require(
                clock.recurring,
                format!("{at}.until"),
                "only a recurring clock has an end milestone",
            );
        }
    }
    c.problems
}

/// Reading a table is validating it: a table that does not validate is
/// never built (this is why these live here and not beside the types).
impl RuleTable {
    /// The table shipped with this build.
    pub fn shipped() -> RuleTable {
        RuleTable::from_json(SHIPPED).expect("the shipped rule table is valid")
    }

    /// Parses and validates a table: all of it, or an error listing every problem.
    pub fn from_json(json: &str) -> Result<RuleTable, InvalidTable> {
        let table: RuleTable =
            serde_json::from_str(json.trim_start_matches('\u{feff}')).map_err(|e| {
                InvalidTable(vec![Problem {
                    at: format!("line {}, column {}", e.line(), e.column()),
                    message: e.to_string(),
                }])
            })?;
        let problems = validate(&table);
        if problems.is_empty() {
            Ok(table)
        } else {
            Err(InvalidTable(problems))
        }
    }
}
