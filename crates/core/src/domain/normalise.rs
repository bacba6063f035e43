//! Text normalisation before matching: full-width forms to half-width, ASCII to
//! lower case, and the traditional characters that the seeds and some
//! customers use to their simplified forms. Each input character maps to
//! exactly one output character, so positions stay comparable.

use rustc_hash::FxHashMap;

const TRADITIONAL: &str = include_str!("data/traditional_simplified.txt");

#[derive(Clone, Debug)]
pub struct Normaliser {
    traditional: FxHashMap<char, char>,
}

impl Default for Normaliser {
    fn default() -> Self {
        Normaliser::new()
    }
}

impl Normaliser {
    pub fn new() -> Normaliser {
        let traditional = TRADITIONAL
            .lines()
            .filter(|line| !line.starts_with('#'))
            .flat_map(str::split_whitespace)
            .filter_map(|pair| {
                let mut chars = pair.chars();
                match (chars.next(), chars.next(), chars.next()) {
                    (Some(t), Some(s), None) => Some((t, s)),
                    _ => None,
                }
            })
            .collect();
        Normaliser { traditional }
    }

    pub fn char(&self, c: char) -> char {
        let c = match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        let c = c.to_ascii_lowercase();
        *self.traditional.get(&c).unwrap_or(&c)
    }

    pub fn text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        out.extend(text.chars().map(|c| self.char(c)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_traditional_and_case_are_folded_one_char_for_one() {
        let n = Normaliser::new();
        assert_eq!(
            n.text("電壓不穩，ＡＢＣ１２３　停電"),
            "电压不稳,abc123 停电"
        );
        let input = "單戶停電超過24小時";
        assert_eq!(n.text(input).chars().count(), input.chars().count());
    }
}
