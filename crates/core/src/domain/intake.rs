//! Kiosk intake: the tiles a customer taps, the two or three questions that
//! set the facts deciding the grade, and how the answers become the ticket's
//! text and facts. Every question has a safe default, so a complaint takes
//! three taps plus a phone number.

use crate::domain::facts::{Area, Facts};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tile {
    Outage,
    Voltage,
    Billing,
    Conduct,
    Other,
}

impl Tile {
    pub const ALL: [Tile; 5] = [
        Tile::Outage,
        Tile::Voltage,
        Tile::Billing,
        Tile::Conduct,
        Tile::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Tile::Outage => "outage",
            Tile::Voltage => "voltage",
            Tile::Billing => "billing",
            Tile::Conduct => "conduct",
            Tile::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Tile> {
        Tile::ALL.into_iter().find(|t| t.code() == code)
    }

    /// (Chinese, English) label of the tile.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Tile::Outage => ("停电", "Power cut"),
            Tile::Voltage => ("电压 / 电器问题", "Voltage or appliance problem"),
            Tile::Billing => ("电费电价疑问", "Bill or tariff question"),
            Tile::Conduct => ("服务态度", "Staff conduct"),
            Tile::Other => ("其他 / 建议 / 表扬", "Other, suggestion or praise"),
        }
    }

    pub fn questions(self) -> &'static [Question] {
        match self {
            Tile::Outage => &[Question::Danger, Question::Households, Question::Duration],
            Tile::Voltage => &[Question::Danger, Question::Damage, Question::Joint],
            Tile::Billing => &[Question::BillingTopic],
            Tile::Conduct => &[Question::ConductTopic],
            Tile::Other => &[Question::OtherTopic],
        }
    }
}

/// A question with a few fixed answers; the first answer is the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Question {
    Danger,
    Households,
    Duration,
    Damage,
    Joint,
    BillingTopic,
    ConductTopic,
    OtherTopic,
}

impl Question {
    pub fn code(self) -> &'static str {
        match self {
            Question::Danger => "danger",
            Question::Households => "households",
            Question::Duration => "duration",
            Question::Damage => "damage",
            Question::Joint => "joint",
            Question::BillingTopic => "billing_topic",
            Question::ConductTopic => "conduct_topic",
            Question::OtherTopic => "other_topic",
        }
    }

    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            Question::Danger => (
                "有没有人身安全危险？（电线掉落、冒火、触电）",
                "Is anyone in danger? (fallen wire, fire, electric shock)",
            ),
            Question::Households => ("影响多少户？", "How many households are affected?"),
            Question::Duration => ("停电多久了？", "How long has the power been off?"),
            Question::Damage => ("有电器损坏吗？", "Were appliances damaged?"),
            Question::Joint => (
                "是几户一起反映吗？",
                "Are several households complaining together?",
            ),
            Question::BillingTopic => ("是什么问题？", "What is the problem?"),
            Question::ConductTopic => ("是什么问题？", "What happened?"),
            Question::OtherTopic => ("您想要：", "You would like to:"),
        }
    }

    /// (Chinese, English) answers; the first is the default.
    pub fn answers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Question::Danger | Question::Damage => &[("没有", "No"), ("有", "Yes")],
            Question::Households => &[
                ("只有我家", "Only my home"),
                ("几户", "A few homes"),
                (
                    "整栋楼或整个小区（50户以上）",
                    "A whole building or estate (50+ homes)",
                ),
            ],
            Question::Duration => &[
                ("不到2小时", "Under 2 hours"),
                ("2到24小时", "2 to 24 hours"),
                ("超过24小时", "Over 24 hours"),
            ],
            Question::Joint => &[
                ("只有我家", "Only my home"),
                ("5户以上一起", "5 or more households together"),
            ],
            Question::BillingTopic => &[
                ("电费算错或多收", "Wrong or excessive bill"),
                (
                    "看不懂阶梯或峰谷电价",
                    "Tiered or time-of-use price unclear",
                ),
                ("缴费不方便", "Paying is inconvenient"),
            ],
            Question::ConductTopic => &[
                ("工作人员态度差", "Rude staff"),
                ("答应的事没做到", "A promise was not kept"),
                ("手续繁琐、跑多趟", "Too much paperwork or too many trips"),
            ],
            Question::OtherTopic => &[
                ("提建议", "Make a suggestion"),
                ("表扬", "Praise someone"),
                ("其他投诉", "Another complaint"),
            ],
        }
    }
}

/// Chinese mobile (1[3-9] + 9 digits) or landline (0 + 2-3 digit area code,
/// optional hyphen, 7-8 digits).
pub fn valid_phone(phone: &str) -> bool {
    let digits: Vec<char> = phone.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if !digits.iter().all(char::is_ascii_digit) {
        return false;
    }
    let mobile = digits.len() == 11 && digits[0] == '1' && ('3'..='9').contains(&digits[1]);
    let landline = digits.first() == Some(&'0')
        && (10..=12).contains(&digits.len())
        && phone.chars().filter(|c| *c == '-').count() <= 1;
    mobile || landline
}

/// The ticket's text and facts from a tile, the chosen answers (index per
/// question, in the tile's order) and the customer's own words.
pub fn compose(
    tile: Tile,
    answers: &[usize],
    description: &str,
    area: Option<Area>,
) -> (String, Facts) {
    let mut facts = Facts {
        area,
        ..Facts::default()
    };
    let mut parts: Vec<String> = Vec::new();
    let mut lead = "营业厅投诉";
    for (question, &answer) in tile.questions().iter().zip(answers) {
        let answer = answer.min(question.answers().len() - 1);
        match (question, answer) {
            (Question::Danger, a) => {
                facts.safety_hazard = Some(a == 1);
                if a == 1 {
                    parts.push("现场有人身安全危险".into());
                }
            }
            (Question::Damage, a) => {
                facts.equipment_damage = Some(a == 1);
                if a == 1 {
                    parts.push("电器损坏".into());
                }
            }
            (Question::Households, a) => facts.households_affected = Some([1, 5, 50][a]),
            (Question::Duration, a) => facts.outage_hours = Some([1.0, 12.0, 25.0][a]),
            (Question::Joint, a) => facts.joint_households = Some([1, 5][a]),
            (Question::OtherTopic, 0) => lead = "营业厅建议",
            (Question::OtherTopic, 1) => lead = "营业厅表扬",
            _ => {}
        }
        parts.push(question.answers()[answer].0.to_string());
    }
    let topic = match tile {
        Tile::Outage => "停电",
        Tile::Voltage => "电压不稳、电器问题",
        Tile::Billing => "电费问题",
        Tile::Conduct => "服务行为",
        Tile::Other => "其他",
    };
    let mut text = format!("{lead}（{topic}）：{}。", parts.join("；"));
    let description = description.trim();
    if !description.is_empty() {
        text.push_str("客户描述：");
        text.push_str(description);
    }
    (text, facts)
}

/// Only the last four digits of the phone unlock a ticket's status.
pub fn phone_matches(phone: Option<&str>, last_four: &str) -> bool {
    let last_four = last_four.trim();
    last_four.len() == 4
        && last_four.chars().all(|c| c.is_ascii_digit())
        && phone.is_some_and(|p| {
            p.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .ends_with(last_four)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::classify::Classifier;
    use crate::domain::rules::RuleTable;

    #[test]
    fn phones_of_the_right_shape_pass() {
        for ok in [
            "13812345678",
            "19912345678",
            "0768-2345678",
            "010-12345678",
            "02012345678",
        ] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in [
            "",
            "12345",
            "12812345678",
            "1381234567",
            "138123456789",
            "abc",
            "0768--2345678",
            "13812345678a",
        ] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn defaults_give_a_general_complaint_and_answers_raise_the_grade() {
        let classifier = Classifier::new(RuleTable::shipped());
        let grade = |tile: Tile, answers: &[usize]| {
            let (text, facts) = compose(tile, answers, "", None);
            let c = classifier.classify(&text, &facts);
            assert_eq!(c.kind, "complaint", "{text}");
            (c.subcategory, c.grade)
        };
        assert_eq!(
            grade(Tile::Outage, &[0, 0, 0]),
            (Some("outage".into()), Some(3))
        );
        assert_eq!(
            grade(Tile::Outage, &[1, 0, 0]),
            (Some("outage".into()), Some(1)),
            "danger"
        );
        assert_eq!(
            grade(Tile::Outage, &[0, 2, 0]),
            (Some("outage".into()), Some(1)),
            "50+ households"
        );
        assert_eq!(
            grade(Tile::Outage, &[0, 0, 2]),
            (Some("outage".into()), Some(2)),
            "over 24 hours"
        );
        assert_eq!(
            grade(Tile::Voltage, &[0, 1, 0]),
            (Some("voltage".into()), Some(2)),
            "appliances damaged"
        );
        assert_eq!(
            grade(Tile::Voltage, &[0, 0, 1]),
            (Some("voltage".into()), Some(1)),
            "joint + supply quality"
        );
        assert_eq!(
            grade(Tile::Billing, &[0]),
            (Some("billing_error".into()), Some(3))
        );
        assert_eq!(
            grade(Tile::Billing, &[1]),
            (Some("tariff_dispute".into()), Some(3))
        );
        assert_eq!(
            grade(Tile::Billing, &[2]),
            (Some("payment_inconvenience".into()), Some(3))
        );
        assert_eq!(
            grade(Tile::Conduct, &[0]),
            (Some("rude_attitude".into()), Some(3))
        );
        assert_eq!(
            grade(Tile::Conduct, &[1]),
            (Some("broken_promise".into()), Some(3))
        );
        assert_eq!(
            grade(Tile::Conduct, &[2]),
            (Some("cumbersome_process".into()), Some(3))
        );
        let (text, facts) = compose(Tile::Other, &[1], "抢修师傅很好", None);
        assert_eq!(classifier.classify(&text, &facts).kind, "praise");
        let (text, facts) = compose(Tile::Other, &[0], "希望多设缴费点", None);
        assert_eq!(classifier.classify(&text, &facts).kind, "suggestion");
    }

    #[test]
    fn a_description_is_kept_as_the_customers_words() {
        let (text, facts) = compose(
            Tile::Outage,
            &[0, 1, 1],
            "  东门配电箱冒烟  ",
            Some(Area::Suburban),
        );
        assert!(text.ends_with("客户描述：东门配电箱冒烟"), "{text}");
        assert_eq!(facts.households_affected, Some(5));
        assert_eq!(facts.area, Some(Area::Suburban));
    }

    #[test]
    fn only_the_right_last_four_digits_match() {
        assert!(phone_matches(Some("138-1234-5678"), "5678"));
        assert!(!phone_matches(Some("13812345678"), "5679"));
        assert!(!phone_matches(Some("13812345678"), "678"));
        assert!(!phone_matches(None, "5678"));
        assert!(!phone_matches(Some("13812345678"), "56a8"));
    }
}
