//! Matching what a resident typed to catalogue entries.
//!
//! Every entry's official name, aliases and facts (`proves`) become *terms*,
//! read as pinyin syllables, without the words that only set the scene
//! ([`scene`]). A query (Chinese in simplified or traditional characters,
//! full pinyin, pinyin initials or English words), also without them, is
//! compared with the terms by a weighted in-order alignment: rare syllables
//! weigh more than the ones every term shares (证明), the same character
//! counts more than a homophone, neighbouring syllables count more side by
//! side, and how much of the *term* the query covers counts more than how
//! much of the query is explained (residents wrap the fact in a sentence).
//! Entries are ranked by their best term; the confidence is in 0..=1.

pub mod hanzi;
mod intent;
mod normalize;
mod pinyin_input;
mod scene;

use crate::catalogue::Catalogue;
use hanzi::{syllable_count, syllable_of, syllable_text, Syllable};
use intent::{asks_about_something_else, ELSEWHERE_FACTOR};
use normalize::{pieces, Piece};
use scene::without_scene_words;
use std::collections::HashMap;

/// An entry the query may mean, with how sure the matcher is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Index of the entry in [`Catalogue::entries`] order.
    pub entry: usize,
    /// 0 (nothing alike) to 1 (the whole name, exactly).
    pub confidence: f32,
}

/// Weight of the same character, of a homophone (or traditional form),
/// of a typed syllable, and of a syllable still being typed.
const SAME_CHAR: f32 = 1.0;
const SAME_SOUND: f32 = 0.8;
const TYPED_SYLLABLE: f32 = 0.95;
const TYPED_PREFIX: f32 = 0.6;
/// Initials are ambiguous; a perfect initials match is worth this much.
const INITIALS_FACTOR: f32 = 0.9;
/// Share of the confidence that comes from covering the term.
const TERM_SHARE: f32 = 0.75;
/// Share of the term cover that comes from neighbouring syllable pairs.
const PAIR_SHARE: f32 = 0.5;
/// A syllable in at most this many terms always finds candidates, however
/// small the catalogue.
const RARE_AT_LEAST: usize = 80;
/// A syllable in at most this share of terms finds candidates.
const RARE_SHARE: f32 = 0.05;

/// Matches weaker than this are noise and are not reported.
pub const MIN_REPORTED: f32 = 0.3;

/// The best confidence per entry so far, and the bar a term must clear to
/// change the top `limit`; every confidence is scaled by `factor`.
struct Best {
    by_entry: Vec<f32>,
    top: Vec<f32>,
    limit: usize,
    factor: f32,
}

impl Best {
    fn new(entries: usize, limit: usize, factor: f32) -> Best {
        Best {
            by_entry: vec![0.0; entries],
            top: Vec::with_capacity(limit + 1),
            limit,
            factor,
        }
    }

    /// Below this (before scaling), a match can neither enter the top nor
    /// be reported.
    fn threshold(&self) -> f32 {
        let bar = if self.top.len() < self.limit {
            MIN_REPORTED
        } else {
            self.top
                .last()
                .copied()
                .unwrap_or(MIN_REPORTED)
                .max(MIN_REPORTED)
        };
        bar / self.factor
    }

    fn keep(&mut self, entry: u32, confidence: f32) {
        let confidence = confidence * self.factor;
        let slot = &mut self.by_entry[entry as usize];
        if confidence > *slot {
            // `top` holds one score per entry: the entry's old score leaves it.
            if let Some(old) = self.top.iter().position(|&c| c == *slot) {
                self.top.remove(old);
            }
            *slot = confidence;
            let at = self.top.partition_point(|&c| c >= confidence);
            self.top.insert(at, confidence);
            self.top.truncate(self.limit);
        }
    }

    fn into_ranked(self) -> Vec<Scored> {
        let mut ranked: Vec<Scored> = self
            .by_entry
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c >= MIN_REPORTED)
            .map(|(entry, &c)| Scored {
                entry,
                confidence: c.min(1.0),
            })
            .collect();
        // Entries are unique, so the order is total and a stable sort (a
        // second sort implementation in the resident's bundle) would add nothing.
        ranked.sort_unstable_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.entry.cmp(&b.entry))
        });
        ranked.truncate(self.limit);
        ranked
    }
}

/// One name or alias of an entry, read as syllables.
#[derive(Debug)]
struct Term {
    entry: u32,
    chars: Vec<char>,
    syllables: Vec<Syllable>,
    initials: Vec<u8>,
    /// Sum of the syllables' weights.
    weight: f32,
    /// The syllables too common to have postings, with their weights.
    common: Vec<(Syllable, f32)>,
}

/// One English name or alias, as words.
#[derive(Debug)]
struct EnglishTerm {
    entry: u32,
    words: Vec<String>,
    weight: f32,
}

/// What one element of a query can match.
#[derive(Clone, Debug)]
enum Element {
    Hanzi(char, Syllable),
    Typed(Syllable),
    Prefix(String),
}

impl Element {
    /// The syllable this element stands for, if it is a whole one.
    fn syllable(&self) -> Option<Syllable> {
        match self {
            Element::Hanzi(_, s) | Element::Typed(s) => Some(*s),
            Element::Prefix(p) => hanzi::syllable_from_text(p),
        }
    }

    /// How well this element matches a term's character `c` read `s`.
    fn score(&self, c: char, s: Syllable) -> f32 {
        match self {
            Element::Hanzi(qc, _) if *qc == c => SAME_CHAR,
            Element::Hanzi(_, qs) if *qs == s => SAME_SOUND,
            Element::Typed(qs) if *qs == s => TYPED_SYLLABLE,
            Element::Prefix(p) if syllable_text(s) == p => TYPED_SYLLABLE,
            Element::Prefix(p) if syllable_text(s).starts_with(p.as_str()) => TYPED_PREFIX,
            _ => 0.0,
        }
    }
}

/// English words that say nothing about which certificate is meant.
const ENGLISH_STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "for",
    "to",
    "my",
    "i",
    "me",
    "need",
    "want",
    "certificate",
    "certificates",
    "proof",
    "letter",
    "from",
    "village",
    "please",
    "get",
    "is",
    "do",
    "can",
];

fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_ascii_lowercase();
            // A light stem: plural and possessive forms match the singular.
            w.strip_suffix('s')
                .filter(|s| s.len() > 3)
                .map(str::to_owned)
                .unwrap_or(w)
        })
        .filter(|w| !ENGLISH_STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// The search index over a catalogue's entries.
#[derive(Debug)]
pub struct Matcher {
    entries: usize,
    terms: Vec<Term>,
    idf: Vec<f32>,
    /// Whether any term contains the syllable.
    known: Vec<bool>,
    /// Weight of a query syllable no term contains.
    unknown_weight: f32,
    postings: Vec<Vec<u32>>,
    /// (term, position) of every pair of neighbouring initials, by [`initial_pair`].
    initial_pairs: Vec<Vec<(u32, u16)>>,
    english: Vec<EnglishTerm>,
    english_idf: HashMap<String, f32>,
}

/// Characters every kind of certificate shares; a term with nothing else
/// left names no certificate in particular.
const GENERIC: &str = "证證明是";

/// A term's characters without the words that only set the scene
/// ([`scene`]): all of them if nothing else is left; none if what is left
/// is generic (证明我是我 says nothing once 我 is left out) or a single
/// character (丢了 would match every 丢 and, by sound, every 掉).
fn without_scene(read: Vec<(char, Syllable)>) -> Vec<(char, Syllable)> {
    let kept = without_scene_words(read.clone(), |r| Some(r.1), |r| Some(r.0));
    if kept.is_empty() {
        read
    } else if kept.len() < 2 || kept.iter().all(|(c, _)| GENERIC.contains(*c)) {
        Vec::new()
    } else {
        kept
    }
}

/// Index of two lower-case initials in the initials-pair table.
fn initial_pair(a: u8, b: u8) -> usize {
    usize::from(a.wrapping_sub(b'a') % 26) * 26 + usize::from(b.wrapping_sub(b'a') % 26)
}

fn idf(total: usize, df: usize) -> f32 {
    (1.0 + total as f32 / df.max(1) as f32).ln()
}

impl Matcher {
    /// Indexes every entry of `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Matcher {
        let mut terms = Vec::new();
        let mut english = Vec::new();
        for (i, found) in catalogue.entries().enumerate() {
            let e = found.entry;
            let entry = i as u32;
            for text in std::iter::once(&e.name.zh)
                .chain(&e.aliases)
                .chain(&e.proves)
            {
                let read = without_scene(
                    text.chars()
                        .filter_map(|c| syllable_of(c).map(|s| (c, s)))
                        .collect(),
                );
                if read.is_empty() {
                    continue;
                }
                terms.push(Term {
                    entry,
                    chars: read.iter().map(|r| r.0).collect(),
                    syllables: read.iter().map(|r| r.1).collect(),
                    initials: read
                        .iter()
                        .map(|r| syllable_text(r.1).as_bytes()[0])
                        .collect(),
                    weight: 0.0,
                    common: Vec::new(),
                });
            }
            for text in std::iter::once(&e.name.en).chain(&e.aliases_en) {
                let words = english_words(text);
                if !words.is_empty() {
                    english.push(EnglishTerm {
                        entry,
                        words,
                        weight: 0.0,
                    });
                }
            }
        }

        // Syllable rarity: in how many terms each syllable occurs.
        let mut df = vec![0usize; syllable_count()];
        // Each syllable once per term; a term is a few syllables, so looking
        // back beats sorting a copy (and a sort of its own in every bundle).
        for term in &terms {
            for (i, &s) in term.syllables.iter().enumerate() {
                if !term.syllables[..i].contains(&s) {
                    df[usize::from(s)] += 1;
                }
            }
        }
        let n = terms.len().max(1);
        let idf_table: Vec<f32> = df.iter().map(|&d| idf(n, d)).collect();
        let known: Vec<f32> = df
            .iter()
            .zip(&idf_table)
            .filter(|(d, _)| **d > 0)
            .map(|(_, w)| *w)
            .collect();
        let unknown_weight = 0.5 * known.iter().sum::<f32>() / known.len().max(1) as f32;
        let rare_limit = (((n as f32) * RARE_SHARE).ceil() as usize).max(RARE_AT_LEAST);
        let mut postings = vec![Vec::new(); syllable_count()];
        for (t, term) in terms.iter_mut().enumerate() {
            term.weight = term
                .syllables
                .iter()
                .map(|&s| idf_table[usize::from(s)])
                .sum();
            term.common = term
                .syllables
                .iter()
                .filter(|&&s| df[usize::from(s)] > rare_limit)
                .map(|&s| (s, idf_table[usize::from(s)]))
                .collect();
            for &s in &term.syllables {
                let list = &mut postings[usize::from(s)];
                if df[usize::from(s)] <= rare_limit && list.last() != Some(&(t as u32)) {
                    list.push(t as u32);
                }
            }
        }

        let mut english_df: HashMap<String, usize> = HashMap::new();
        for term in &english {
            for (i, w) in term.words.iter().enumerate() {
                if !term.words[..i].contains(w) {
                    *english_df.entry(w.clone()).or_default() += 1;
                }
            }
        }
        let en_n = english.len().max(1);
        let english_idf: HashMap<String, f32> = english_df
            .into_iter()
            .map(|(w, d)| (w, idf(en_n, d)))
            .collect();
        for term in &mut english {
            term.weight = term.words.iter().map(|w| english_idf[w]).sum();
        }

        let known = df.iter().map(|&d| d > 0).collect();
        let mut initial_pairs = vec![Vec::new(); 26 * 26];
        for (t, term) in terms.iter().enumerate() {
            for (start, w) in term.initials.windows(2).enumerate() {
                initial_pairs[initial_pair(w[0], w[1])].push((t as u32, start as u16));
            }
        }
        Matcher {
            entries: catalogue.entries().count(),
            terms,
            idf: idf_table,
            known,
            unknown_weight,
            postings,
            initial_pairs,
            english,
            english_idf,
        }
    }

    fn weight_of(&self, s: Syllable) -> f32 {
        self.idf[usize::from(s)]
    }

    /// Entries the query may mean, best first, at most `limit`, none below
    /// [`MIN_REPORTED`].
    pub fn search(&self, query: &str, limit: usize) -> Vec<Scored> {
        let pieces = pieces(query);
        let factor = if asks_about_something_else(query) {
            ELSEWHERE_FACTOR
        } else {
            1.0
        };
        let mut best = Best::new(self.entries, limit, factor);
        let elements = self.elements(&pieces);
        if !elements.is_empty() {
            self.score_sequence(&elements, &mut best);
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Hanzi(..))) {
            for piece in &pieces {
                if let Piece::Latin(letters) = piece {
                    self.score_initials(letters, &mut best);
                }
            }
            self.score_english(query, &mut best);
        }
        best.into_ranked()
    }

    /// The query as hanzi and typed syllables, in order. The last typed
    /// syllable may still be growing (`zu` on the way to `zui`), so it also
    /// matches as a prefix.
    fn elements(&self, pieces: &[Piece]) -> Vec<Element> {
        let mut out = Vec::new();
        for (i, piece) in pieces.iter().enumerate() {
            match piece {
                Piece::Hanzi(c, Some(s)) => out.push(Element::Hanzi(*c, *s)),
                Piece::Hanzi(_, None) => {}
                Piece::Latin(letters) => {
                    if let Some(seg) = pinyin_input::segment(letters) {
                        let last_piece = i + 1 == pieces.len();
                        let mut syllables = seg.syllables;
                        let growing = match seg.partial {
                            Some(partial) => Some(partial),
                            None if last_piece => {
                                syllables.pop().map(|s| syllable_text(s).to_owned())
                            }
                            None => None,
                        };
                        out.extend(syllables.into_iter().map(Element::Typed));
                        out.extend(growing.map(Element::Prefix));
                    }
                }
            }
        }
        without_scene_words(out, Element::syllable, |e| match e {
            Element::Hanzi(c, _) => Some(*c),
            _ => None,
        })
    }

    fn score_sequence(&self, query: &[Element], best: &mut Best) {
        let query_weight: f32 = query
            .iter()
            .map(|e| match e.syllable() {
                Some(s) if self.known[usize::from(s)] => self.weight_of(s),
                Some(_) => self.unknown_weight,
                None => self.unknown_weight * 0.5,
            })
            .sum();
        // Accumulate, per term, the weight of the rare syllables it shares
        // with the query: with the weight of its common syllables, a bound
        // on what the alignment can cover.
        let mut shared = vec![0.0f32; self.terms.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut in_query = vec![false; self.idf.len()];
        let mut add = |s: Syllable, touched: &mut Vec<u32>| {
            in_query[usize::from(s)] = true;
            let w = self.weight_of(s);
            for &t in &self.postings[usize::from(s)] {
                if shared[t as usize] == 0.0 {
                    touched.push(t);
                }
                shared[t as usize] += w;
            }
        };
        for element in query {
            match element {
                Element::Hanzi(_, s) | Element::Typed(s) => add(*s, &mut touched),
                Element::Prefix(p) => {
                    hanzi::syllables_starting_with(p).for_each(|s| add(s, &mut touched))
                }
            }
        }
        let bound = |t: u32| {
            let term = &self.terms[t as usize];
            let common: f32 = term
                .common
                .iter()
                .filter(|(s, _)| in_query[usize::from(*s)])
                .map(|(_, w)| w)
                .sum();
            let covered = shared[t as usize] + common;
            let cover = (covered / term.weight.max(f32::EPSILON)).min(1.0);
            let pair = (2.0 * cover).min(1.0);
            TERM_SHARE * ((1.0 - PAIR_SHARE) * cover + PAIR_SHARE * pair)
                + (1.0 - TERM_SHARE) * (covered / query_weight.max(f32::EPSILON)).min(1.0)
        };
        let mut ranked: Vec<(f32, u32)> = touched.iter().map(|&t| (bound(t), t)).collect();
        ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));

        let mut rows = Vec::new();
        for (upper, t) in ranked {
            if upper < best.threshold() {
                break;
            }
            let term = &self.terms[t as usize];
            let (term_cover, covered) = self.align(query, term, &mut rows);
            let query_cover = (covered / query_weight.max(f32::EPSILON)).min(1.0);
            best.keep(
                term.entry,
                TERM_SHARE * term_cover + (1.0 - TERM_SHARE) * query_cover,
            );
        }
    }

    /// The in-order matching of the query to the term's syllables that
    /// covers most of the term: by the weight of the syllables matched and
    /// (for a term of two or more) of the neighbouring pairs matched side by
    /// side *in that same matching*, so 身份证…证明 covers every syllable of
    /// 身份证明 but not all its pairs, and scattered matches (健康证在
    /// against 健在证明) cover little. Returns the term cover (0..=1) and
    /// the weight of the query matched.
    fn align(&self, query: &[Element], term: &Term, rows: &mut Vec<(f32, f32)>) -> (f32, f32) {
        let m = term.syllables.len();
        let weight = |j: usize| self.weight_of(term.syllables[j]);
        let pair_total: f32 = (1..m).map(|j| weight(j - 1) + weight(j)).sum();
        let (match_share, pair_share) = if m < 2 {
            (1.0, 0.0)
        } else {
            (1.0 - PAIR_SHARE, PAIR_SHARE / pair_total.max(f32::EPSILON))
        };
        let match_share = match_share / term.weight.max(f32::EPSILON);
        // Per term position, for the previous and the current query element:
        // the best (value, covered) of a matching ending in a match there,
        // and the best within the prefix.
        const NONE: (f32, f32) = (f32::NEG_INFINITY, 0.0);
        rows.clear();
        rows.resize(4 * (m + 1), (0.0, 0.0));
        let (prev, cur) = rows.split_at_mut(2 * (m + 1));
        let (mut prev_end, mut prev_best) = prev.split_at_mut(m + 1);
        let (mut cur_end, mut cur_best) = cur.split_at_mut(m + 1);
        prev_end.fill(NONE);
        let better = |a: (f32, f32), b: (f32, f32)| if b.0 > a.0 { b } else { a };
        for q in query {
            cur_end[0] = NONE;
            cur_best[0] = (0.0, 0.0);
            for j in 1..=m {
                let gain = q.score(term.chars[j - 1], term.syllables[j - 1]) * weight(j - 1);
                cur_end[j] = if gain > 0.0 {
                    let after_gap = prev_best[j - 1];
                    let mut from = after_gap;
                    if j >= 2 && prev_end[j - 1].0 > f32::NEG_INFINITY {
                        let side_by_side = prev_end[j - 1];
                        let pair = pair_share * (weight(j - 2) + weight(j - 1));
                        from = better(from, (side_by_side.0 + pair, side_by_side.1));
                    }
                    (from.0 + match_share * gain, from.1 + gain)
                } else {
                    NONE
                };
                cur_best[j] = better(better(cur_end[j], prev_best[j]), cur_best[j - 1]);
            }
            std::mem::swap(&mut prev_end, &mut cur_end);
            std::mem::swap(&mut prev_best, &mut cur_best);
        }
        let (cover, covered) = prev_best[m];
        (cover.clamp(0.0, 1.0), covered)
    }

    /// Scores `letters` as the initials of a term (wfzjl). Letters that
    /// read as whole pinyin syllables (`da`, `gai`) are a word, not initials.
    fn score_initials(&self, letters: &str, best: &mut Best) {
        let q = letters.as_bytes();
        let whole_syllables = pinyin_input::segment(letters).is_some_and(|s| s.partial.is_none());
        if q.len() < 2 || whole_syllables {
            return;
        }
        // Best covered weight per term, over every place the initials occur.
        let mut found: Vec<(u32, f32)> = Vec::new();
        for &(t, start) in &self.initial_pairs[initial_pair(q[0], q[1])] {
            let term = &self.terms[t as usize];
            let start = start as usize;
            if term.initials.get(start..start + q.len()) != Some(q) {
                continue;
            }
            let covered: f32 = term.syllables[start..start + q.len()]
                .iter()
                .map(|&s| self.weight_of(s))
                .sum();
            match found.last_mut() {
                Some((last, c)) if *last == t => *c = c.max(covered),
                _ => found.push((t, covered)),
            }
        }
        for (t, covered) in found {
            let term = &self.terms[t as usize];
            let term_cover = covered / term.weight.max(f32::EPSILON);
            best.keep(
                term.entry,
                INITIALS_FACTOR * (TERM_SHARE * term_cover + (1.0 - TERM_SHARE)),
            );
        }
    }

    fn score_english(&self, query: &str, best: &mut Best) {
        let words = english_words(query);
        if words.is_empty() {
            return;
        }
        let weight_of = |w: &str| self.english_idf.get(w).copied();
        let query_weight: f32 = words
            .iter()
            .map(|w| weight_of(w).unwrap_or(self.unknown_weight))
            .sum();
        let last = words.len() - 1;
        for term in &self.english {
            let mut covered = 0.0;
            for tw in &term.words {
                let hit = words.iter().enumerate().any(|(i, w)| {
                    w == tw || (i == last && w.len() >= 3 && tw.starts_with(w.as_str()))
                });
                if hit {
                    covered += weight_of(tw).unwrap_or(0.0);
                }
            }
            if covered > 0.0 {
                let term_cover = covered / term.weight.max(f32::EPSILON);
                let query_cover = (covered / query_weight.max(f32::EPSILON)).min(1.0);
                best.keep(
                    term.entry,
                    TERM_SHARE * term_cover + (1.0 - TERM_SHARE) * query_cover,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn matcher() -> (Catalogue, Matcher) {
        let catalogue = Catalogue::default_lists();
        let matcher = Matcher::new(&catalogue);
        (catalogue, matcher)
    }

    #[test]
    fn every_official_name_finds_its_own_entry_first() {
        let (catalogue, matcher) = matcher();
        for (i, found) in catalogue.entries().enumerate() {
            let top = matcher.search(&found.entry.name.zh, 3);
            assert_eq!(top[0].entry, i, "{}", found.entry.name.zh);
            assert!(
                top[0].confidence > 0.95,
                "{} {}",
                found.entry.name.zh,
                top[0].confidence
            );
        }
    }

    #[test]
    fn a_scattered_match_is_weaker_than_the_same_characters_side_by_side() {
        let (catalogue, matcher) = matcher();
        let n10 = catalogue
            .entries()
            .position(|f| f.entry.code == "N10")
            .unwrap();
        let conf = |q: &str| {
            matcher
                .search(q, 27)
                .iter()
                .find(|s| s.entry == n10)
                .map_or(0.0, |s| s.confidence)
        };
        assert!(conf("健康证在哪办") < conf("健在证明") - 0.3);
    }

    #[test]
    fn a_syllable_still_being_typed_counts_as_a_prefix() {
        let (catalogue, matcher) = matcher();
        let n05 = catalogue
            .entries()
            .position(|f| f.entry.code == "N05")
            .unwrap();
        let complete = matcher.search("wufanzui", 1)[0];
        let typing = matcher.search("wufanzu", 1)[0];
        assert_eq!((complete.entry, typing.entry), (n05, n05));
        assert!(typing.confidence < complete.confidence);
    }

    proptest! {
        #[test]
        fn any_input_gives_sorted_bounded_confidences(query in "\\PC{0,40}", limit in 1usize..10) {
            let (_, matcher) = matcher();
            let ranked = matcher.search(&query, limit);
            prop_assert!(ranked.len() <= limit);
            for pair in ranked.windows(2) {
                prop_assert!(pair[0].confidence >= pair[1].confidence);
            }
            for s in &ranked {
                prop_assert!((MIN_REPORTED..=1.0).contains(&s.confidence));
            }
        }

        #[test]
        fn mixed_chinese_and_latin_input_never_panics(query in "[无犯罪记录证明a-z ]{0,30}") {
            let (_, matcher) = matcher();
            let _ = matcher.search(&query, 5);
        }
    }
}
