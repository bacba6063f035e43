//! Reply templates (话术) as data, written in the spirit of 003 §五: restate
//! and empathise, apologise first, explain with an everyday comparison. Staff
//! pick one for the ticket's category and step; the placeholders are filled
//! from the ticket, and what is not known stays visibly marked to be completed.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const SHIPPED: &str = include_str!("data/templates.json");

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    /// What the crew picks it by, in both languages (the id stays internal).
    pub name: Names,
    /// `first_response`, `progress`, `resolution` or `delay`.
    pub step: String,
    pub categories: Vec<String>,
    pub source: String,
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    pub format: String,
    pub version: String,
    pub placeholders: BTreeMap<String, Names>,
    pub templates: Vec<Template>,
}

/// A filled template, and the placeholders that had no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filled {
    pub text: String,
    pub missing: Vec<String>,
}

impl Templates {
    pub fn shipped() -> Templates {
        serde_json::from_str(SHIPPED).expect("the shipped templates are valid")
    }

    /// The templates for a category and step.
    pub fn for_ticket(&self, category: &str, step: &str) -> Vec<&Template> {
        self.templates
            .iter()
            .filter(|t| t.step == step && t.categories.iter().any(|c| c == category))
            .collect()
    }

    /// Fills `{name}` placeholders from `values`; a missing or empty value
    /// becomes 【its name】 so the reply cannot go out looking complete.
    pub fn fill(&self, template: &Template, lang: Lang, values: &BTreeMap<&str, String>) -> Filled {
        let mut text = lang.pick(&template.zh, &template.en).to_string();
        let mut missing = Vec::new();
        for (key, names) in &self.placeholders {
            let marker = format!("{{{key}}}");
            if !text.contains(&marker) {
                continue;
            }
            match values
                .get(key.as_str())
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
            {
                Some(value) => text = text.replace(&marker, value),
                None => {
                    text =
                        text.replace(&marker, &format!("【{}】", lang.pick(&names.zh, &names.en)));
                    missing.push(key.clone());
                }
            }
        }
        Filled { text, missing }
    }
}
