//! The decision for a resident's request: may the village issue it, must it
//! not (and where to go instead), is it abolished, or is it unknown (to be
//! flagged)? Unknown is a real answer: when nothing matches well enough, the
//! checker says so rather than forcing its best guess.

use crate::catalogue::{Catalogue, Entry, List, Route, Status};
use crate::ledger::{ItemRef, Outcome};
use crate::matching::Matcher;
use serde::{Deserialize, Serialize};

/// Below this confidence a match does not decide anything.
pub const DECIDE_AT: f32 = 0.6;

/// Two deciding candidates closer than this match about equally well: the
/// answer asks which one is meant instead of guessing.
pub const CLOSE_BY: f32 = 0.03;

/// What the checker concludes about a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The village may issue it.
    MayIssue,
    /// The village must not issue it; another agency handles it.
    MustNotIssue,
    /// No certificate is needed; own documents or a self-declaration replace it.
    Abolished,
    /// Not on any list in force: the clerk flags it for the town.
    Unknown,
}

impl Decision {
    /// Whether an event with `outcome` may be recorded for an item with this
    /// decision; a void is judged by the certificate it voids, so it is
    /// permitted for every decision.
    pub fn permits(self, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Issued => self == Decision::MayIssue,
            Outcome::IssuedUnlisted => self != Decision::MayIssue,
            Outcome::RefusedRedirected | Outcome::Void => true,
        }
    }

    /// The decision for a recorded item under `catalogue`: a listed code's
    /// status, or unknown for free text and for a code on none of its lists.
    pub fn of_item(item: &ItemRef, catalogue: &Catalogue) -> Decision {
        match item {
            ItemRef::Listed { code, .. } => catalogue
                .find(code)
                .map_or(Decision::Unknown, |found| found.entry.status.into()),
            ItemRef::FreeText { .. } => Decision::Unknown,
        }
    }
}

impl From<Status> for Decision {
    fn from(status: Status) -> Self {
        match status {
            Status::MayIssue => Decision::MayIssue,
            Status::MustNotIssue => Decision::MustNotIssue,
            Status::Abolished => Decision::Abolished,
        }
    }
}

/// One entry the request may mean.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    /// The entry.
    pub entry: &'a Entry,
    /// The list it is on.
    pub list: &'a List,
    /// How sure the matcher is, 0..=1.
    pub confidence: f32,
}

impl Candidate<'_> {
    /// The confidence as a whole percent, 0..=100, for the page: shown
    /// without float formatting, which the resident's bundle then need not carry.
    pub fn percent(&self) -> u8 {
        // The clamp makes the cast exact; NaN (never produced) saturates to 0.
        (self.confidence.clamp(0.0, 1.0) * 100.0).round() as u8
    }

    /// The decision this candidate alone supports.
    pub fn decision(&self) -> Decision {
        if self.confidence >= DECIDE_AT {
            self.entry.status.into()
        } else {
            Decision::Unknown
        }
    }
}

/// The catalogue in force with its search index.
#[derive(Debug)]
pub struct Checker {
    catalogue: Catalogue,
    matcher: Matcher,
    /// (list, entry) index of each entry, in the matcher's order.
    positions: Vec<(usize, usize)>,
}

/// The checker's answer to one request.
#[derive(Clone, Debug)]
pub struct Check<'a> {
    /// The decision: that of the best candidate, or unknown (also when two
    /// candidates match about equally and their decisions differ).
    pub decision: Decision,
    /// Ranked candidates, best first.
    pub candidates: Vec<Candidate<'a>>,
    /// The first two candidates match about equally ([`CLOSE_BY`]): show
    /// both ("您问的可能是…") rather than the first as the answer.
    pub unsure: bool,
}

impl Checker {
    /// Indexes `catalogue`.
    pub fn new(catalogue: Catalogue) -> Checker {
        let matcher = Matcher::new(&catalogue);
        let positions = catalogue
            .lists()
            .iter()
            .enumerate()
            .flat_map(|(l, list)| (0..list.entries.len()).map(move |e| (l, e)))
            .collect();
        Checker {
            catalogue,
            matcher,
            positions,
        }
    }

    /// The catalogue searched.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Decides `query`, with at most `limit` ranked candidates.
    pub fn check(&self, query: &str, limit: usize) -> Check<'_> {
        let candidates: Vec<Candidate<'_>> = self
            .matcher
            .search(query, limit)
            .into_iter()
            .map(|scored| {
                let (l, e) = self.positions[scored.entry];
                let list = &self.catalogue.lists()[l];
                Candidate {
                    entry: &list.entries[e],
                    list,
                    confidence: scored.confidence,
                }
            })
            .collect();
        let unsure = match candidates.as_slice() {
            [first, second, ..] => {
                first.confidence >= DECIDE_AT && first.confidence - second.confidence < CLOSE_BY
            }
            _ => false,
        };
        let decision = match candidates.as_slice() {
            [] => Decision::Unknown,
            [first, second, ..] if unsure && first.decision() != second.decision() => {
                Decision::Unknown
            }
            [first, ..] => first.decision(),
        };
        Check {
            decision,
            candidates,
            unsure,
        }
    }
}

/// The JSON answer of `GET /api/v1/check?q=…`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckAnswer {
    /// The query as received.
    pub query: String,
    /// The decision for the query.
    pub decision: Decision,
    /// The first two results match about equally: ask which one is meant.
    #[serde(default)]
    pub unsure: bool,
    /// Ranked entries, best first.
    pub results: Vec<CheckResult>,
}

/// One ranked entry of a [`CheckAnswer`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Stable entry code.
    pub code: String,
    /// Official name, Chinese.
    pub name_zh: String,
    /// Official name, English.
    pub name_en: String,
    /// The entry's status where the match is confident, else `unknown`.
    pub decision: Decision,
    /// How sure the match is, 0..=1, rounded to 0.01.
    pub confidence: f32,
    /// Where to go instead, if the village does not issue it.
    pub instead: Option<Route>,
    /// The list and its version.
    pub list_id: String,
    /// The version of that list.
    pub list_version: String,
}

impl CheckAnswer {
    /// The answer for `query` from `check`.
    pub fn new(query: &str, check: &Check<'_>) -> CheckAnswer {
        CheckAnswer {
            query: query.to_owned(),
            decision: check.decision,
            unsure: check.unsure,
            results: check
                .candidates
                .iter()
                .map(|c| CheckResult {
                    code: c.entry.code.clone(),
                    name_zh: c.entry.name.zh.clone(),
                    name_en: c.entry.name.en.clone(),
                    decision: c.decision(),
                    confidence: (c.confidence * 100.0).round() / 100.0,
                    instead: c.entry.instead.clone(),
                    list_id: c.list.id.clone(),
                    list_version: c.list.version.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Status;

    fn checker() -> Checker {
        Checker::new(Catalogue::default_lists())
    }

    #[test]
    fn an_exact_name_decides_with_its_status() {
        let c = checker();
        let check = c.check("无犯罪记录证明", 5);
        assert_eq!(check.decision, Decision::MustNotIssue);
        assert_eq!(check.candidates[0].entry.code, "N05");
        assert!(check.candidates[0].confidence > 0.95);
    }

    #[test]
    fn the_percent_shown_is_the_confidence_rounded_within_0_to_100() {
        let c = checker();
        let check = c.check("无犯罪记录证明", 5);
        let mut candidate = check.candidates[0];
        for (confidence, percent) in [
            (0.0, 0),
            (0.004, 0),
            (0.005, 1),
            (0.874, 87),
            (0.875, 88),
            (1.0, 100),
            (1.7, 100),
            (-0.2, 0),
        ] {
            candidate.confidence = confidence;
            assert_eq!(candidate.percent(), percent, "confidence {confidence}");
        }
        candidate.confidence = f32::NAN;
        assert_eq!(candidate.percent(), 0);
    }

    #[test]
    fn an_allowed_item_may_be_issued() {
        let c = checker();
        let check = c.check("应征公民政治考核", 5);
        assert_eq!(check.decision, Decision::MayIssue);
    }

    #[test]
    fn a_self_declaration_item_is_abolished() {
        let c = checker();
        let check = c.check("婚姻状况证明", 5);
        assert_eq!(check.decision, Decision::Abolished);
        assert_eq!(check.candidates[0].entry.code, "N08");
    }

    #[test]
    fn nothing_alike_is_unknown_not_a_forced_guess() {
        let c = checker();
        for q in ["今天天气怎么样", "证明", "", "   ", "xyzzy", "12345"] {
            assert_eq!(c.check(q, 5).decision, Decision::Unknown, "{q:?}");
        }
    }

    #[test]
    fn pinyin_initials_and_traditional_characters_find_the_entry() {
        let c = checker();
        for q in [
            "wufanzuijilu",
            "wfzjl",
            "無犯罪記錄證明",
            "开个无犯罪记录的证明",
        ] {
            let check = c.check(q, 5);
            assert_eq!(check.candidates[0].entry.code, "N05", "{q}");
            assert_eq!(check.decision, Decision::MustNotIssue, "{q}");
        }
    }

    #[test]
    fn a_sentence_around_the_fact_decides_by_the_fact() {
        let c = checker();
        for (q, code) in [
            ("保险公司让我证明我妈是我妈，村里能给开吗", "N01"),
            ("摩托车被交警扣了，要村里证明车是我的", "N17"),
            ("厂里招工让村里证明我没有违法犯罪", "N05"),
            ("我们两口子分居好几年了，法院要证明分居", "N08"),
        ] {
            let check = c.check(q, 3);
            assert_eq!(check.candidates[0].entry.code, code, "{q}");
            assert_ne!(check.decision, Decision::Unknown, "{q}");
            assert!(!check.unsure, "{q}");
        }
    }

    #[test]
    fn words_that_set_the_scene_neither_score_nor_dilute() {
        let c = checker();
        let bare = c.check("无犯罪记录证明", 1).candidates[0].confidence;
        let wrapped = c.check("厂里让我去村里开个无犯罪记录证明，能不能给开啊", 1);
        assert_eq!(wrapped.candidates[0].entry.code, "N05");
        assert!(bare - wrapped.candidates[0].confidence < 0.05);
        // Scene words alone are not a request.
        assert_eq!(
            c.check("银行让我去村里开个证明", 3).decision,
            Decision::Unknown
        );
    }

    #[test]
    fn a_question_about_something_else_stays_unknown() {
        let c = checker();
        for q in [
            "残疾人补贴每个月发多少钱",
            "村委会几点上班",
            "低保什么时候到账",
        ] {
            assert_eq!(c.check(q, 3).decision, Decision::Unknown, "{q}");
        }
    }

    #[test]
    fn two_entries_matched_about_equally_are_both_shown_not_guessed() {
        let c = checker();
        // 单身证明 and 丢失证明 have the same initials.
        let check = c.check("dszm", 3);
        assert!(check.unsure);
        let mut codes: Vec<&str> = check.candidates[..2]
            .iter()
            .map(|c| c.entry.code.as_str())
            .collect();
        codes.sort();
        assert_eq!(codes, ["N08", "N20"]);
        // Both are replaced by a declaration, so that much is decided.
        assert_eq!(check.decision, Decision::Abolished);

        // Two entries that match equally and decide differently: unknown.
        let mut lists = Catalogue::default_lists().lists().to_vec();
        let mut twin = lists[0].entries[0].clone();
        twin.code = "TWIN".into();
        twin.status = if twin.status == Status::MayIssue {
            Status::MustNotIssue
        } else {
            Status::MayIssue
        };
        twin.instead = lists[1].entries[0].instead.clone().or(twin.instead);
        lists[0].entries.push(twin);
        let twins = Checker::new(Catalogue::new(lists).unwrap());
        let name = twins.catalogue().lists()[0].entries[0].name.zh.clone();
        let check = twins.check(&name, 3);
        assert!(check.unsure);
        assert_eq!(check.decision, Decision::Unknown);
        assert!(!checker().check(&name, 3).unsure, "one entry alone is sure");
    }

    #[test]
    fn each_decision_permits_exactly_its_outcomes() {
        use Decision::*;
        use Outcome::*;
        let permitted = |d: Decision| -> Vec<Outcome> {
            Outcome::ALL.into_iter().filter(|&o| d.permits(o)).collect()
        };
        assert_eq!(permitted(MayIssue), [Issued, RefusedRedirected, Void]);
        for d in [MustNotIssue, Abolished, Unknown] {
            assert_eq!(
                permitted(d),
                [RefusedRedirected, IssuedUnlisted, Void],
                "{d:?}"
            );
        }
    }

    #[test]
    fn a_recorded_item_has_its_entry_status_or_is_unknown() {
        let catalogue = Catalogue::default_lists();
        let listed = |code: &str| ItemRef::Listed {
            code: code.into(),
            list_id: "any".into(),
            list_version: "1".into(),
        };
        let of = |item: ItemRef| Decision::of_item(&item, &catalogue);
        assert_eq!(of(listed("A02")), Decision::MayIssue);
        assert_eq!(of(listed("N05")), Decision::MustNotIssue);
        assert_eq!(of(listed("N08")), Decision::Abolished);
        assert_eq!(of(listed("Z99")), Decision::Unknown);
        assert_eq!(
            of(ItemRef::FreeText {
                text: "无犯罪记录证明".into()
            }),
            Decision::Unknown,
            "free text is never taken for a listed entry"
        );
    }

    #[test]
    fn the_answer_serializes_with_the_documented_decision_words() {
        let c = checker();
        let answer = CheckAnswer::new("wfzjl", &c.check("wfzjl", 3));
        let json = serde_json::to_value(&answer).unwrap();
        assert_eq!(json["decision"], "must_not_issue");
        assert_eq!(json["results"][0]["code"], "N05");
        assert!(json["results"][0]["instead"]["agency"]["zh"]
            .as_str()
            .unwrap()
            .contains("公安"));
    }
}
