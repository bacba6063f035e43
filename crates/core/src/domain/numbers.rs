//! Numbers in complaint text: Arabic digits ("3", "1.5") and Chinese numerals
//! ("二十", "两", "十几"), with the approximations people use ("20余户",
//! "一天多", "超过24小时").

/// A number found in text, in characters of the normalised text.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub value: f64,
    pub start: usize,
    /// First character after the number and any "余/多/几/来/个/半".
    pub end: usize,
    /// "20余", "十几", "超过24": the true value is somewhat more.
    pub more: bool,
}

fn digit(c: char) -> Option<u32> {
    match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' | '俩' => Some(2),
        '三' | '仨' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

fn multiplier(c: char) -> Option<u32> {
    match c {
        // 廿 and 卅 are twenty and thirty on their own ("廿来户").
        '廿' => Some(20),
        '卅' => Some(30),
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        '万' => Some(10000),
        _ => None,
    }
}

/// Reads a number at `start`, or `None` if there is none.
pub fn number_at(chars: &[char], start: usize) -> Option<Number> {
    let (value, mut end, range) = arabic(chars, start)
        .map(|(v, e)| (v, e, false))
        .or_else(|| chinese(chars, start))?;
    let mut more = range
        || start >= 2 && chars[start - 2..start] == ['超', '过']
        || start >= 1 && chars[start - 1] == '超';
    let mut value = value;
    while let Some(&c) = chars.get(end) {
        match c {
            '余' | '多' | '几' | '来' => more = true,
            '个' => {}
            '半' => value += 0.5,
            _ => break,
        }
        end += 1;
    }
    Some(Number {
        value,
        start,
        end,
        more,
    })
}

fn arabic(chars: &[char], start: usize) -> Option<(f64, usize)> {
    let mut end = start;
    while chars
        .get(end)
        .is_some_and(|c| c.is_ascii_digit() || (*c == '.' && end > start))
    {
        end += 1;
    }
    if end > start && chars[end - 1] == '.' {
        end -= 1;
    }
    if end == start {
        return None;
    }
    let text: String = chars[start..end].iter().collect();
    text.parse().ok().map(|v| (v, end))
}

/// A Chinese numeral; the flag says it was a range ("五六十", "三四个"),
/// read as its lower end.
fn chinese(chars: &[char], start: usize) -> Option<(f64, usize, bool)> {
    let (mut total, mut section, mut current) = (0u64, 0u64, 0u64);
    let mut end = start;
    let mut range = false;
    let mut after_digit = false;
    while let Some(&c) = chars.get(end) {
        if let Some(d) = digit(c) {
            // Two digits in a row name a range: keep the first (lower) one.
            if after_digit && d == current as u32 + 1 {
                range = true;
            } else {
                current = u64::from(d);
            }
            after_digit = true;
        } else if let Some(m) = multiplier(c) {
            after_digit = false;
            let m = u64::from(m);
            if m == 10000 {
                total = (total + section + current) * m;
                section = 0;
            } else {
                // "十" alone means ten.
                section += current.max(1) * m;
            }
            current = 0;
        } else {
            break;
        }
        end += 1;
    }
    if end == start {
        return None;
    }
    Some(((total + section + current) as f64, end, range))
}

/// Every number in the text, left to right.
pub fn numbers(chars: &[char]) -> Vec<Number> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match number_at(chars, i) {
            Some(n) => {
                i = n.end.max(i + 1);
                found.push(n);
            }
            None => i += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Number {
        let chars: Vec<char> = text.chars().collect();
        numbers(&chars).into_iter().next().expect(text)
    }

    #[test]
    fn reads_arabic_and_chinese_numerals_with_approximations() {
        assert_eq!(first("20余户").value, 20.0);
        assert!(first("20余户").more);
        assert_eq!(first("二十多户").value, 20.0);
        assert_eq!(first("两个小时").value, 2.0);
        assert_eq!(first("一个半小时").value, 1.5);
        assert_eq!(first("停电1.5小时").value, 1.5);
        assert_eq!(first("一百二十户").value, 120.0);
        assert_eq!(first("十五户").value, 15.0);
        assert_eq!(first("三十六小时").value, 36.0);
        assert!(first("超过24小时").more);
        assert!(!first("24小时").more);
        // Ranges read as their lower end, and as "somewhat more".
        assert_eq!(first("五六十户").value, 50.0);
        assert!(first("五六十户").more);
        assert_eq!(first("三四个小时").value, 3.0);
        assert_eq!(first("俩小时").value, 2.0);
        assert_eq!(first("仨月").value, 3.0);
        assert_eq!(first("廿来户").value, 20.0);
        assert_eq!(first("百来户").value, 100.0);
        let chars: Vec<char> = "第3次".chars().collect();
        assert_eq!(number_at(&chars, 1).unwrap().end, 2);
    }
}
