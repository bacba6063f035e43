//! A small statistical model beside the rules: character n-gram weights
//! learned from the labelled development corpora (an averaged perceptron),
//! shipped as data (`data/model.json.gz`: the JSON, gzip-compressed, 1.1 MB
//! to 0.25 MB, so that the kiosk's module stays small) with its version.
//!
//! The rules decide first and explain themselves. The model speaks only
//! where it is much surer than the rules are right: when its best label
//! leads the next by at least the field's `margin`, and the rules said
//! something else. Its decision names the character sequences that weighed
//! most for it, so a supervisor still sees why.
//!
//! Training is deterministic (`train`), so the shipped weights can be made
//! again from the corpora (`gridcare train-model`) and a test checks that
//! they are. The corpora's test half is never among them.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The n-gram lengths the model reads: single characters, pairs, triples.
const ORDERS: [usize; 3] = [1, 2, 3];

/// The shipped model, gzip-compressed JSON (where it is built in).
#[cfg(feature = "embedded-model")]
pub const SHIPPED: &[u8] = include_bytes!("../data/model.json.gz");

/// What the model learned, for each field it may decide.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub version: String,
    /// What it was trained on, in words (shown with every decision it makes).
    pub source: String,
    pub kind: FieldModel,
    pub subcategory: FieldModel,
}

/// One field's labels and each n-gram's weight for them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldModel {
    pub labels: Vec<String>,
    /// How far the best label must lead the next before it may overrule
    /// the rules.
    pub margin: i32,
    /// n-gram → (label index, weight), weights that matter only.
    pub grams: std::collections::BTreeMap<String, Vec<(u16, i32)>>,
}

impl FieldModel {
    /// Refuses what the scorers cannot hold: more than `MOST_LABELS`
    /// labels, a weight for a label it does not have or for one label
    /// twice, or a weight beyond `WEIGHT_BOUND`.
    fn check(&self, field: &str) -> Result<(), String> {
        if self.labels.len() > MOST_LABELS {
            return Err(format!(
                "{field}: {} labels, at most {MOST_LABELS}",
                self.labels.len()
            ));
        }
        for (gram, list) in &self.grams {
            let mut seen = [false; MOST_LABELS];
            for &(label, weight) in list {
                let known = usize::from(label) < self.labels.len();
                let twice = known && std::mem::replace(&mut seen[usize::from(label)], true);
                if !known || twice || weight.unsigned_abs() > WEIGHT_BOUND.unsigned_abs() {
                    return Err(format!(
                        "{field}: n-gram '{gram}': label {label}, weight {weight}"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The model's reading of one text for one field.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub label: String,
    /// How far it leads the next label.
    pub lead: i32,
    /// The n-grams that weighed most for it, strongest first.
    pub evidence: Vec<String>,
}

/// Both fields ready to score texts. Every n-gram either field knows has
/// one row of weights: one small whole number per label, the kind's labels
/// then the subcategory's, zero where training left none. One map (by the
/// n-gram's packed key, `keys_of`) says which row, so that reading a text
/// hashes each of its n-grams once and never makes a string. Scoring adds
/// up the rows of the text's n-grams: the same short loop for every
/// n-gram, which the compiler makes vector adds of. (Lists of label and
/// weight pairs, as the model file keeps them, took 0.85 µs a text to add
/// up where rows take 0.3: their lengths vary, and the processor
/// mispredicted each list's end. The rows cost memory: 1.7 MB for the
/// shipped model's 42,708 n-grams, against 0.58 MB for the lists.)
#[derive(Clone, Debug, Default)]
pub struct Scorers {
    row_of: FxHashMap<u64, u32>,
    rows: Rows,
    pub kind: Scorer,
    pub subcategory: Scorer,
}

/// Rows of weights, `width` to a row, shared by both fields' scorers.
#[derive(Clone, Debug, Default)]
struct Rows {
    width: usize,
    weights: std::sync::Arc<[i16]>,
}

impl Rows {
    fn count(&self) -> usize {
        self.weights.len().checked_div(self.width).unwrap_or(0)
    }

    fn row(&self, row: u32) -> &[i16] {
        let start = row as usize * self.width;
        self.weights.get(start..start + self.width).unwrap_or(&[])
    }
}

thread_local! {
    /// The rows a text has shown so far (`Scorers::known`); all clear
    /// between texts.
    static SEEN: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One field's labels and margin, and where its weights sit in a row.
#[derive(Clone, Debug, Default)]
pub struct Scorer {
    labels: Vec<String>,
    margin: i32,
    /// Where this field's labels start in a row and in `Known::scores`.
    offset: usize,
    rows: Rows,
}

/// The n-grams of one text that the model knows, each once (packed key,
/// row), and both fields' scores for the text, laid out as a row is.
#[derive(Clone, Debug, Default)]
pub struct Known {
    grams: Vec<(u64, u32)>,
    scores: Vec<i64>,
}

/// Labels a field may have, and the most weights a row may hold.
const MOST_LABELS: usize = 64;
const MOST_WIDTH: usize = 2 * MOST_LABELS;

/// How many rows are added up in 32-bit sums before they are carried
/// into 64-bit ones: 2^15 rows of weights within ±2^15 cannot overflow.
const CARRY_EVERY: usize = 1 << 15;

impl Model {
    /// The model shipped with this build.
    #[cfg(feature = "embedded-model")]
    pub fn shipped() -> Model {
        Model::from_gzip(SHIPPED).expect("the shipped model reads")
    }

    /// A model from its gzip-compressed JSON, or from the JSON itself (a
    /// web server may have undone the compression on the way).
    pub fn from_gzip(bytes: &[u8]) -> Result<Model, String> {
        use std::io::Read;
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut json = Vec::new();
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut json)
                .map_err(|e| e.to_string())?;
            Model::from_json(&json)
        } else {
            Model::from_json(bytes)
        }
    }

    /// A model from its JSON. The browser undoes the file's gzip with its
    /// own `DecompressionStream`, so its modules carry no inflate code.
    pub fn from_json(json: &[u8]) -> Result<Model, String> {
        let model: Model = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        model.kind.check("kind")?;
        model.subcategory.check("subcategory")?;
        Ok(model)
    }

    /// The model as gzip-compressed JSON (what `data/model.json.gz` holds).
    pub fn to_gzip(&self) -> Vec<u8> {
        use std::io::Write;
        let json = serde_json::to_string(self).expect("a model serialises");
        let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        out.write_all(json.as_bytes()).expect("writing to memory");
        out.finish().expect("writing to memory")
    }
}

impl Scorers {
    pub fn new(kind: &FieldModel, subcategory: &FieldModel) -> Scorers {
        let offset = kind.labels.len();
        let width = offset + subcategory.labels.len();
        let mut lists: std::collections::BTreeMap<u64, [&[(u16, i32)]; 2]> = Default::default();
        for (field, model) in [kind, subcategory].into_iter().enumerate() {
            for (gram, list) in &model.grams {
                if let Some(key) = key_of(gram) {
                    lists.entry(key).or_default()[field] = list;
                }
            }
        }
        let mut row_of = FxHashMap::default();
        let mut weights = Vec::new();
        for (key, [for_kind, for_subcategory]) in lists {
            let mut row = vec![0i16; width];
            // A label a field does not have is left out (`Model::from_gzip`
            // refuses such a model; this guards models made in code).
            let fields = [
                (0, for_kind, kind.labels.len()),
                (offset, for_subcategory, subcategory.labels.len()),
            ];
            for (at, list, labels) in fields {
                for &(label, weight) in list {
                    if usize::from(label) < labels {
                        row[at + usize::from(label)] =
                            weight.clamp(-WEIGHT_BOUND, WEIGHT_BOUND) as i16;
                    }
                }
            }
            // An n-gram with no weight decides nothing and names nothing.
            if row.iter().all(|w| *w == 0) {
                continue;
            }
            let Ok(index) = u32::try_from(weights.len() / width.max(1)) else {
                break;
            };
            row_of.insert(key, index);
            weights.extend(row);
        }
        let rows = Rows {
            width,
            weights: weights.into(),
        };
        let scorer = |model: &FieldModel, offset| Scorer {
            labels: model.labels.clone(),
            margin: model.margin,
            offset,
            rows: rows.clone(),
        };
        Scorers {
            kind: scorer(kind, 0),
            subcategory: scorer(subcategory, offset),
            row_of,
            rows,
        }
    }

    /// The n-grams of a normalised text that either field knows, and both
    /// fields' scores for the text.
    pub fn known(&self, normalised: &str) -> Known {
        let width = self.rows.width;
        // Room for a short text's n-grams, within what the allocator keeps
        // at hand for reuse (a larger first block took its slow path).
        let mut grams = Vec::with_capacity(normalised.len().min(64));
        if width > MOST_WIDTH {
            // Not a model `Model::from_gzip` accepts: no scores, no reading.
            return Known::default();
        }
        let mut scores = vec![0i64; width];
        let mut sums = [0i32; MOST_WIDTH];
        let sums = &mut sums[..width];
        let carry = |sums: &mut [i32], scores: &mut [i64]| {
            for (score, sum) in scores.iter_mut().zip(sums.iter_mut()) {
                *score += i64::from(std::mem::take(sum));
            }
        };
        // Whether an n-gram occurs, not how often (see `keys_of`): each
        // row once, marked in a bit set kept between texts (clearing only
        // the bits a text set costs less than sorting or a fresh set).
        SEEN.with_borrow_mut(|seen| {
            seen.resize(self.rows.count().div_ceil(64), 0);
            let bit = |row: u32| (row as usize / 64, 1u64 << (row % 64));
            each_key(normalised, |key| {
                let Some(&row) = self.row_of.get(&key) else {
                    return;
                };
                let (word, mask) = bit(row);
                if seen[word] & mask != 0 {
                    return;
                }
                seen[word] |= mask;
                grams.push((key, row));
            });
            for (_, row) in &grams {
                let (word, mask) = bit(*row);
                seen[word] &= !mask;
            }
        });
        // Added up after all are found, not as each is: the rows' memory is
        // then read in a loop of independent reads, which the processor
        // overlaps (each read waited on the map's before).
        for chunk in grams.chunks(CARRY_EVERY) {
            for (_, row) in chunk {
                for (sum, weight) in sums.iter_mut().zip(self.rows.row(*row)) {
                    *sum += i32::from(*weight);
                }
            }
            carry(sums, &mut scores);
        }
        Known { grams, scores }
    }
}

impl Scorer {
    /// The best label for a text of these n-grams (`Scorers::known`), when it
    /// leads the next by the field's margin and is not `unless` (what the
    /// rules said); `None` otherwise.
    /// (The n-grams behind it are found only when `unless` is not its label:
    /// the usual case, the model agreeing with the rules, costs no more.)
    pub fn sure(&self, known: &Known, unless: &str) -> Option<Reading> {
        let (best, lead) = self.best(known)?;
        (lead >= self.margin && self.labels[best] != unless)
            .then(|| self.reading(known, best, lead))
    }

    /// The best label for a text of these n-grams and by how much it leads.
    pub fn read(&self, known: &Known) -> Option<Reading> {
        let (best, lead) = self.best(known)?;
        Some(self.reading(known, best, lead))
    }

    fn best(&self, known: &Known) -> Option<(usize, i32)> {
        if self.labels.len() < 2 {
            return None;
        }
        let scores = known
            .scores
            .get(self.offset..self.offset + self.labels.len())?;
        let best = (0..scores.len()).max_by_key(|&i| (scores[i], std::cmp::Reverse(i)))?;
        let second = (0..scores.len())
            .filter(|&i| i != best)
            .map(|i| scores[i])
            .max()?;
        Some((
            best,
            i32::try_from(scores[best] - second).unwrap_or(i32::MAX),
        ))
    }

    /// The reading, with the n-grams that weighed most for `best`.
    fn reading(&self, known: &Known, best: usize, lead: i32) -> Reading {
        let weight_for = |row: u32| -> i32 {
            self.rows
                .row(row)
                .get(self.offset + best)
                .map_or(0, |w| i32::from(*w))
        };
        // Strongest first, ties in the n-grams' order; strings only for the
        // five shown (this runs whenever the model overrules the rules).
        let mut evidence: Vec<(i32, u64)> = known
            .grams
            .iter()
            .map(|(key, row)| (weight_for(*row), *key))
            .filter(|(w, _)| *w > 0)
            .collect();
        let order = |a: &(i32, u64), b: &(i32, u64)| {
            b.0.cmp(&a.0)
                .then_with(|| chars_of(a.1).cmp(&chars_of(b.1)))
        };
        if evidence.len() > EVIDENCE {
            evidence.select_nth_unstable_by(EVIDENCE - 1, order);
            evidence.truncate(EVIDENCE);
        }
        evidence.sort_unstable_by(order);
        Reading {
            label: self.labels[best].clone(),
            lead,
            evidence: evidence.into_iter().map(|(_, key)| gram_of(key)).collect(),
        }
    }
}

/// Bits of one character in a packed n-gram: every code point fits.
const CHAR_BITS: u32 = 21;

/// The packed key of an n-gram of one to three characters.
fn key_of(gram: &str) -> Option<u64> {
    let chars: Vec<char> = gram.chars().collect();
    (ORDERS.contains(&chars.len()) && !chars.contains(&'\0')).then(|| {
        chars
            .iter()
            .fold(0u64, |k, &c| (k << CHAR_BITS) | u64::from(c))
    })
}

/// The largest weight a model may have, in hundredths: a row holds 16-bit
/// numbers (training gives a few thousand at most).
pub const WEIGHT_BOUND: i32 = i16::MAX as i32;

/// How many n-grams a reading names as its evidence.
const EVIDENCE: usize = 5;

/// The characters of a packed key, first to last (unused places zero, so
/// that comparing these compares the n-grams as strings are compared).
fn chars_of(key: u64) -> [u32; 3] {
    let mask = (1u64 << CHAR_BITS) - 1;
    let mut chars = [0u32; 3];
    let len = ORDERS
        .iter()
        .rev()
        .find(|&&n| n == 1 || key >> (CHAR_BITS * (n as u32 - 1)) != 0)
        .copied()
        .unwrap_or(1);
    for (i, slot) in chars.iter_mut().take(len).enumerate() {
        *slot = ((key >> (CHAR_BITS * (len - 1 - i) as u32)) & mask) as u32;
    }
    chars
}

/// The n-gram a packed key stands for.
fn gram_of(mut key: u64) -> String {
    let mut chars = Vec::with_capacity(3);
    while key != 0 {
        chars.push(char::from_u32((key & ((1 << CHAR_BITS) - 1)) as u32).unwrap_or('?'));
        key >>= CHAR_BITS;
    }
    chars.iter().rev().collect()
}

/// Every distinct n-gram of the text (white space left out), as packed
/// keys, sorted: one pass over the characters, no strings made. (Whether
/// an n-gram occurs, not how often: counting them did worse in training.)
pub fn keys_of(normalised: &str) -> Vec<u64> {
    let mut keys = Vec::with_capacity(normalised.len());
    each_key(normalised, |key| keys.push(key));
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Each n-gram of the text as a packed key, in order, repeats included.
fn each_key(normalised: &str, mut found: impl FnMut(u64)) {
    let (mut one, mut two) = (0u64, 0u64);
    for c in normalised
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\0')
    {
        let c = u64::from(c);
        found(c);
        if one != 0 {
            found((one << CHAR_BITS) | c);
        }
        if two != 0 {
            found((two << (2 * CHAR_BITS)) | (one << CHAR_BITS) | c);
        }
        (one, two) = (c, one);
    }
}

/// One label's weight for one n-gram while training: now, summed over the
/// steps before `since`, for the average.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone)]
struct Weight {
    label: usize,
    now: i64,
    sum: i64,
    since: u64,
}

/// Trains one field: an averaged perceptron over n-grams, `epochs` passes
/// in a fixed pseudo-random order, weights scaled to whole numbers and
/// those under `keep_above` in size dropped (they never decide).
#[cfg(not(target_arch = "wasm32"))]
pub fn train(examples: &[(String, String)], epochs: usize, keep_above: i32) -> FieldModel {
    let mut labels: Vec<String> = examples.iter().map(|(_, y)| y.clone()).collect();
    labels.sort();
    labels.dedup();
    let label_of: FxHashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    // Each n-gram by number; per n-gram, its labels' weights.
    let mut ids: FxHashMap<u64, usize> = FxHashMap::default();
    let mut names: Vec<u64> = Vec::new();
    let data: Vec<(Vec<usize>, usize)> = examples
        .iter()
        .map(|(text, y)| {
            let grams = keys_of(text)
                .into_iter()
                .map(|key| {
                    *ids.entry(key).or_insert_with(|| {
                        names.push(key);
                        names.len() - 1
                    })
                })
                .collect();
            (grams, label_of[y.as_str()])
        })
        .collect();
    let mut weights: Vec<Vec<Weight>> = vec![Vec::new(); names.len()];
    let mut step: u64 = 1;
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut scores = vec![0i64; labels.len()];
    for _ in 0..epochs {
        // Fisher–Yates with a fixed xorshift: the same order on every machine.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let (grams, truth) = &data[i];
            scores.iter_mut().for_each(|s| *s = 0);
            for &g in grams {
                for w in &weights[g] {
                    scores[w.label] += w.now;
                }
            }
            let guess = (0..labels.len())
                .max_by_key(|&l| (scores[l], std::cmp::Reverse(l)))
                .unwrap_or(0);
            if guess != *truth {
                for &g in grams {
                    for (label, delta) in [(*truth, 1i64), (guess, -1)] {
                        let list = &mut weights[g];
                        let at = match list.iter().position(|w| w.label == label) {
                            Some(at) => at,
                            None => {
                                list.push(Weight {
                                    label,
                                    now: 0,
                                    sum: 0,
                                    since: step,
                                });
                                list.len() - 1
                            }
                        };
                        let w = &mut list[at];
                        // Catch the running sum up to now, then change.
                        w.sum += w.now * (step - w.since) as i64;
                        w.since = step;
                        w.now += delta;
                    }
                }
            }
            step += 1;
        }
    }
    let mut grams: std::collections::BTreeMap<String, Vec<(u16, i32)>> = Default::default();
    for (g, list) in weights.into_iter().enumerate() {
        for w in list {
            let total = w.sum + w.now * (step - w.since) as i64;
            // The average weight in hundredths, held within what a row keeps.
            let average = ((total * 100) / step as i64)
                .clamp(-i64::from(WEIGHT_BOUND), i64::from(WEIGHT_BOUND))
                as i32;
            if average.abs() > keep_above {
                grams
                    .entry(gram_of(names[g]))
                    .or_default()
                    .push((u16::try_from(w.label).unwrap_or(u16::MAX), average));
            }
        }
    }
    for list in grams.values_mut() {
        list.sort_unstable();
    }
    FieldModel {
        labels,
        margin: 0,
        grams,
    }
}

/// One labelled text of a corpus.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub kind: String,
    pub subcategory: String,
    pub text: String,
}

/// Reads a corpus file: `kind category subcategory grade text`, tab-separated,
/// `#` lines and blank lines skipped.
pub fn read_corpus(tsv: &str) -> Vec<Labelled> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let cols: Vec<&str> = l.splitn(5, '\t').collect();
            (cols.len() == 5).then(|| Labelled {
                kind: cols[0].to_string(),
                subcategory: cols[2].to_string(),
                text: cols[4].to_string(),
            })
        })
        .collect()
}

/// Passes over the corpus while training.
#[cfg(not(target_arch = "wasm32"))]
const EPOCHS: usize = 10;
/// Weights at or under this size (hundredths) are dropped from the shipped model.
#[cfg(not(target_arch = "wasm32"))]
const KEEP_ABOVE: i32 = 80;
/// Folds of the cross-validation that picks each field's margin.
#[cfg(not(target_arch = "wasm32"))]
const FOLDS: usize = 5;
/// The margins tried (hundredths); `i32::MAX` is "never overrule".
#[cfg(not(target_arch = "wasm32"))]
const MARGINS: [i32; 12] = [
    0,
    250,
    500,
    750,
    1000,
    1500,
    2000,
    3000,
    4000,
    6000,
    8000,
    i32::MAX,
];

/// Trains the model on `corpus` and picks each field's margin by
/// cross-validation against the rules (`rules`: the classifier without a
/// model): the margin at which overruling the rules with the model's held-out
/// readings gets the most right, the higher margin on a tie. Also what
/// cross-validation found, per field (kind, subcategory).
#[cfg(not(target_arch = "wasm32"))]
pub fn train_model(
    corpus: &[Labelled],
    rules: &super::Classifier,
    version: &str,
    source: &str,
) -> (Model, [CrossValidated; 2]) {
    let normalised: Vec<String> = corpus.iter().map(|c| rules.normalise(&c.text)).collect();
    let examples = |pick: fn(&Labelled) -> &String, keep: &dyn Fn(usize) -> bool| {
        corpus
            .iter()
            .zip(&normalised)
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, (c, n))| (n.clone(), pick(c).clone()))
            .collect::<Vec<_>>()
    };
    let kind_of: fn(&Labelled) -> &String = |c| &c.kind;
    let sub_of: fn(&Labelled) -> &String = |c| &c.subcategory;
    // Held-out readings: (truth, rules' answer, model's reading) per field.
    let mut kinds = Vec::new();
    let mut subs = Vec::new();
    for fold in 0..FOLDS {
        let train_on = |i: usize| i % FOLDS != fold;
        let scorers = Scorers::new(
            &train(&examples(kind_of, &train_on), EPOCHS, KEEP_ABOVE),
            &train(&examples(sub_of, &train_on), EPOCHS, KEEP_ABOVE),
        );
        for (i, c) in corpus.iter().enumerate().filter(|(i, _)| !train_on(*i)) {
            let said = rules.classify(&c.text, &crate::domain::facts::Facts::default());
            let said_sub = said.subcategory.clone().unwrap_or_else(|| "-".into());
            let known = scorers.known(&normalised[i]);
            if let Some(reading) = scorers.kind.read(&known) {
                kinds.push((c.kind.clone(), said.kind.clone(), reading));
            }
            // The topic only where the rules' kind was right: the kind's own
            // margin speaks for the rest.
            if said.kind == c.kind {
                if let Some(reading) = scorers.subcategory.read(&known) {
                    subs.push((c.subcategory.clone(), said_sub, reading));
                }
            }
        }
    }
    let fixed: Vec<String> = rules
        .table()
        .kinds
        .iter()
        .filter_map(|k| k.fixed_subcategory.clone())
        .collect();
    let right_at = |held: &[(String, String, Reading)], allowed: &dyn Fn(&str) -> bool, m: i32| {
        held.iter()
            .filter(|(truth, said, r)| {
                let overrule = r.lead >= m && &r.label != said && allowed(&r.label);
                let answer = if overrule { &r.label } else { said };
                answer == truth
            })
            .count()
    };
    let best_margin = |held: &[(String, String, Reading)], allowed: &dyn Fn(&str) -> bool| {
        let m = MARGINS
            .iter()
            .copied()
            .max_by_key(|&m| (right_at(held, allowed, m), m))
            .unwrap_or(i32::MAX);
        let figures = CrossValidated {
            texts: held.len(),
            rules_alone: right_at(held, allowed, i32::MAX),
            with_model: right_at(held, allowed, m),
        };
        (m, figures)
    };
    let mut kind = train(&examples(kind_of, &|_| true), EPOCHS, KEEP_ABOVE);
    let (margin, kind_figures) = best_margin(&kinds, &|_| true);
    kind.margin = margin;
    let mut subcategory = train(&examples(sub_of, &|_| true), EPOCHS, KEEP_ABOVE);
    let (margin, subcategory_figures) = best_margin(&subs, &|label| {
        !fixed.iter().any(|f| f == label) && rules.table().subcategory(label).is_some()
    });
    subcategory.margin = margin;
    let model = Model {
        version: version.to_string(),
        source: source.to_string(),
        kind,
        subcategory,
    };
    (model, [kind_figures, subcategory_figures])
}

/// How many held-out texts of the cross-validation came out right, for
/// the rules alone and with the model at the margin picked (the trainer
/// prints them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrossValidated {
    pub texts: usize,
    pub rules_alone: usize,
    pub with_model: usize,
}
