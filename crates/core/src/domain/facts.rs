//! Structured facts that drive the grade and the clocks (spec §3). Kiosk buttons
//! and crew forms set them directly; the classifier may extract them from text.
//! Facts set by a person always beat extracted ones.

use serde::{Deserialize, Serialize};

/// Every fact name the engine knows, as written in JSON.
pub const FACT_NAMES: [&str; 11] = [
    "households_affected",
    "outage_hours",
    "important_customer",
    "safety_hazard",
    "equipment_damage",
    "joint_households",
    "special_group",
    "area",
    "complex",
    "repeat_complainant",
    "site_visit",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactType {
    Flag,
    Number,
    Area,
}

impl FactType {
    pub fn of(name: &str) -> Option<FactType> {
        match name {
            "households_affected" | "outage_hours" | "joint_households" => Some(FactType::Number),
            "area" => Some(FactType::Area),
            other if FACT_NAMES.contains(&other) => Some(FactType::Flag),
            _ => None,
        }
    }
}

/// Where the ticket is, for the site-arrival span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Urban,
    Suburban,
    Rural,
    Remote,
}

impl Area {
    pub fn code(self) -> &'static str {
        match self {
            Area::Urban => "urban",
            Area::Suburban => "suburban",
            Area::Rural => "rural",
            Area::Remote => "remote",
        }
    }

    pub fn from_code(code: &str) -> Option<Area> {
        [Area::Urban, Area::Suburban, Area::Rural, Area::Remote]
            .into_iter()
            .find(|a| a.code() == code)
    }
}

/// The facts of one ticket; `None` means unknown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households_affected: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outage_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub important_customer: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_hazard: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equipment_damage: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint_households: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_group: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complex: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_complainant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_visit: Option<bool>,
}

impl Facts {
    /// A yes/no fact by name; `None` when unknown or not a flag.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match name {
            "important_customer" => self.important_customer,
            "safety_hazard" => self.safety_hazard,
            "equipment_damage" => self.equipment_damage,
            "special_group" => self.special_group,
            "complex" => self.complex,
            "repeat_complainant" => self.repeat_complainant,
            "site_visit" => self.site_visit,
            _ => None,
        }
    }

    /// A numeric fact by name.
    pub fn number(&self, name: &str) -> Option<f64> {
        match name {
            "households_affected" => self.households_affected.map(f64::from),
            "outage_hours" => self.outage_hours,
            "joint_households" => self.joint_households.map(f64::from),
            _ => None,
        }
    }

    pub fn set_flag(&mut self, name: &str, value: bool) {
        let slot = match name {
            "important_customer" => &mut self.important_customer,
            "safety_hazard" => &mut self.safety_hazard,
            "equipment_damage" => &mut self.equipment_damage,
            "special_group" => &mut self.special_group,
            "complex" => &mut self.complex,
            "repeat_complainant" => &mut self.repeat_complainant,
            "site_visit" => &mut self.site_visit,
            _ => return,
        };
        *slot = Some(value);
    }

    pub fn set_number(&mut self, name: &str, value: f64) {
        match name {
            "households_affected" => self.households_affected = Some(value.round() as u32),
            "joint_households" => self.joint_households = Some(value.round() as u32),
            "outage_hours" => self.outage_hours = Some(value),
            _ => {}
        }
    }

    /// Names of the facts that are known.
    pub fn known(&self) -> Vec<&'static str> {
        FACT_NAMES
            .into_iter()
            .filter(|name| match FactType::of(name) {
                Some(FactType::Flag) => self.flag(name).is_some(),
                Some(FactType::Number) => self.number(name).is_some(),
                Some(FactType::Area) => self.area.is_some(),
                None => false,
            })
            .collect()
    }

    /// These facts with every fact known in `manual` taking its value from there.
    pub fn overridden_by(&self, manual: &Facts) -> Facts {
        Facts {
            households_affected: manual.households_affected.or(self.households_affected),
            outage_hours: manual.outage_hours.or(self.outage_hours),
            important_customer: manual.important_customer.or(self.important_customer),
            safety_hazard: manual.safety_hazard.or(self.safety_hazard),
            equipment_damage: manual.equipment_damage.or(self.equipment_damage),
            joint_households: manual.joint_households.or(self.joint_households),
            special_group: manual.special_group.or(self.special_group),
            area: manual.area.or(self.area),
            complex: manual.complex.or(self.complex),
            repeat_complainant: manual.repeat_complainant.or(self.repeat_complainant),
            site_visit: manual.site_visit.or(self.site_visit),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_name_has_a_type_and_unknown_names_have_none() {
        for name in FACT_NAMES {
            assert!(FactType::of(name).is_some(), "{name}");
        }
        assert_eq!(FactType::of("weather"), None);
    }

    #[test]
    fn manual_facts_beat_extracted_ones_and_unknown_fields_are_refused() {
        let extracted = Facts {
            households_affected: Some(20),
            safety_hazard: Some(true),
            ..Facts::default()
        };
        let manual = Facts {
            safety_hazard: Some(false),
            ..Facts::default()
        };
        let merged = extracted.overridden_by(&manual);
        assert_eq!(merged.safety_hazard, Some(false));
        assert_eq!(merged.households_affected, Some(20));
        assert!(serde_json::from_str::<Facts>(r#"{"weather": "rain"}"#).is_err());
        let parsed: Facts =
            serde_json::from_str(r#"{"area": "rural", "outage_hours": 30}"#).unwrap();
        assert_eq!(parsed.area, Some(Area::Rural));
        assert_eq!(parsed.known(), vec!["outage_hours", "area"]);
    }
}
