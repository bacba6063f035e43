//! Languages and the words of the domain. The core prints a few words itself
//! (statuses, clock states, causes, the ledger's columns): they are [`Term`]s
//! here, an enum ([`translations!`]). The screens' own words live with the
//! screens (`gridcare::i18n::Key`), declared as constants
//! ([`text_constants!`]) so each module carries only the texts it names.
//! Both tables are complete at compile time in both languages.

use serde::{Deserialize, Serialize};

/// UI language. Simplified Chinese is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// BCP 47 tag, used for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// The language's own name, shown on the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }

    /// Picks the Chinese or English variant of a pair of texts from data files.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A text that data carries in both languages (a rule's name, a category's,
/// a clock's): the screens pick the one for the person's language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Bilingual {
        Bilingual {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn pick(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// A text of the translation table, in either language.
pub trait Text: Copy {
    fn text(self, lang: Lang) -> &'static str;

    /// The text with each `{name}` replaced by its value: words and numbers
    /// take their place in the sentence as each language orders them,
    /// instead of being glued on before or after.
    fn fill(self, lang: Lang, values: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut out = self.text(lang).to_string();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }
}

/// The [`Text`] trait's methods on a table's type itself, so a screen
/// calls them without importing the trait (both table macros use it).
#[doc(hidden)]
#[macro_export]
macro_rules! text_methods {
    ($name:ident) => {
        impl $name {
            /// The text in `lang` (the trait's method, callable without importing it).
            pub fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                $crate::i18n::Text::text(self, lang)
            }

            /// The text with its `{name}`s filled (see [`Text::fill`]).
            pub fn fill(
                self,
                lang: $crate::i18n::Lang,
                values: &[(&str, &dyn std::fmt::Display)],
            ) -> String {
                $crate::i18n::Text::fill(self, lang, values)
            }
        }
    };
}

/// Declares a table of texts as constants: `$name::Key` is a value that
/// holds its own two texts, so a module carries the texts of the keys it
/// names and nothing else. An enum (see [`translations!`]) is looked up
/// through one function over the whole table, which every module that
/// shows any key then carries whole: 50 KB in the kiosk's home, which shows
/// twenty. The texts are complete at compile time the same way.
#[macro_export]
macro_rules! text_constants {
    ($(#[$meta:meta])* $name:ident { $($key:ident => $zh:literal, $en:literal;)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            name: &'static str,
            zh: &'static str,
            en: &'static str,
        }

        #[allow(non_upper_case_globals)]
        impl $name {
            $(pub const $key: $name = $name { name: stringify!($key), zh: $zh, en: $en };)*

            /// Every key (for tests: a module that names it carries every text).
            pub const ALL: &'static [$name] = &[$($name::$key),*];
        }

        $crate::text_methods!($name);

        /// The key's name, as an enum's would print.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name)
            }
        }

        impl $crate::i18n::Text for $name {
            fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                lang.pick(self.zh, self.en)
            }
        }
    };
}

/// Declares a translation table: an enum of keys, each with a Chinese and an
/// English text; a key without both does not compile, so no screen can be
/// half-translated.
#[macro_export]
macro_rules! translations {
    ($(#[$meta:meta])* $name:ident { $($key:ident => $zh:literal, $en:literal;)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($key),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key),*];
        }

        impl $crate::i18n::Text for $name {
            fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$key, $crate::i18n::Lang::Zh) => $zh, ($name::$key, $crate::i18n::Lang::En) => $en,)*
                }
            }
        }

        $crate::text_methods!($name);
    };
}

translations! {
    /// A word of the domain (a status, a clock state, a cause, a column of the
    /// ledger) that the domain itself prints: the ledger export and the
    /// messages of the core. The screens' own words are `gridcare::i18n::Key`.
    Term {
    Category => "类别", "Category";
    Subcategory => "子类", "Subcategory";
    Kind => "业务类型", "Ticket kind";
    Grade => "等级", "Grade";
    GradeN1 => "一级（紧急）", "Grade 1 (urgent)";
    GradeN2 => "二级（较急）", "Grade 2 (fairly urgent)";
    GradeN3 => "三级（一般）", "Grade 3 (general)";
    TicketNumber => "工单号", "Ticket no.";
    Status => "状态", "Status";
    Conflict => "有冲突", "Conflict";
    StatusReceived => "已受理", "Received";
    StatusResponded => "已响应", "Responded";
    StatusDispatched => "已派工", "Dispatched";
    StatusOnSite => "已到场", "On site";
    StatusPending => "等待客户", "Waiting on customer";
    StatusResolved => "已处理", "Resolved";
    StatusFeedback => "已反馈", "Feedback given";
    StatusConfirmed => "已确认", "Confirmed";
    StatusClosed => "已关闭", "Closed";
    StatusVoided => "已作废", "Voided";
    ClockRunning => "正常", "On track";
    ClockDueSoon => "即将到期", "Due soon";
    ClockOverdue => "已超期", "Overdue";
    ClockPaused => "已暂停", "Paused";
    StationFilter => "供电所", "Station";
    AreaLabel => "所在区域", "Area";
    AreaUrban => "市区", "Urban";
    AreaSuburban => "郊区", "Suburban";
    AreaRural => "农村", "Rural";
    AreaRemote => "边远地区", "Remote";
    EventCreated => "已受理", "Received";
    EventClassified => "已分类", "Classified";
    EventReclassified => "重新分类", "Reclassified";
    EventResponded => "已响应", "Responded";
    EventDispatched => "已派工", "Dispatched";
    EventArrived => "已到达现场", "Arrived on site";
    EventPending => "等待客户", "Waiting on customer";
    EventResumed => "恢复处理", "Resumed";
    EventProgress => "进展通报", "Progress report";
    EventResolved => "已处理", "Resolved";
    EventFeedback => "已反馈处理结果", "Feedback given";
    EventConfirmed => "客户已确认", "Confirmed by customer";
    EventRevisited => "已回访", "Revisited";
    EventReopened => "重新处理", "Reopened";
    EventReassigned => "已转派", "Reassigned";
    EventClosed => "已关闭", "Closed";
    EventVoided => "已作废", "Voided";
    EventNote => "备注", "Note";
    EventRecords => "已调取资料", "Records pulled";
    EventApology => "已致歉", "Apology made";
    EventPhoto => "照片", "Photo";
    Received => "受理时间", "Received";
    ClockMet => "按时完成", "Met";
    ClockMetLate => "超时完成", "Met late";
    ClockPending => "未开始", "Not started";
    FieldTeam => "班组", "Team";
    FieldCauseClass => "原因分类", "Cause class";
    CauseInternal => "内部管理", "Internal management";
    CauseEquipment => "设备技术", "Equipment / technical";
    CauseExternal => "外部环境", "External environment";
    CauseMisunderstanding => "客户误解", "Customer misunderstanding";
    ChannelPhone => "电话", "Phone";
    ChannelSms => "短信", "SMS";
    ChannelVisit => "上门", "In person";
    Yes => "是", "Yes";
    EventTariffPublished => "发布电价表", "Tariff published";
    EventSelfService => "自助解答", "Answered by self-service";
    EventDelayNotified => "告知客户延迟到达", "Customer told of a delay";
    EventSignature => "签名", "Signature";
    EventIncidentLinked => "关联到区域性事件", "Linked to a regional incident";
    EventIncidentDeclared => "宣布区域性事件", "Regional incident declared";
    EventIncidentNotice => "事件进展通知", "Incident progress notice";
    EventIncidentEnded => "事件结束", "Incident ended";
    EventRulesPublished => "发布规则表", "Rule table published";
    EventCalendarChanged => "修改节假日日历", "Calendar changed";
    EventDeviceEnrolled => "登记设备", "Device enrolled";
    EventDeviceRevoked => "吊销设备", "Device revoked";
    RoleCrew => "抢修班组", "Repair crew";
    RoleKiosk => "营业厅自助终端", "Service-hall kiosk";
    RoleSupervisor => "主管", "Supervisor";
    RoleHotline => "热线", "Hotline";
    Handler => "处理人", "Handler";
    HandlingHours => "处理时长（小时）", "Handling time (h)";
    SatisfactionColumn => "满意度", "Satisfaction";
    ReturnsColumn => "退单次数", "Returns";
    ReopensColumn => "重开次数", "Reopens";
    StrangersColumn => "未登记设备", "Unenrolled devices";
}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_distinct_non_empty_texts_in_both_languages() {
        for key in Term::ALL {
            let zh = key.text(Lang::Zh);
            let en = key.text(Lang::En);
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{key:?}");
            assert_ne!(zh, en, "{key:?} is not translated");
            assert!(
                zh.chars().any(|c| c as u32 > 0x2E80),
                "{key:?} Chinese text has no CJK"
            );
        }
    }

    #[test]
    fn language_tags_round_trip_and_default_is_chinese() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
