//! Letters (函) from the town to each category of agency that still sent
//! residents to the villages for certificates. A letter says only what is
//! true: under "villages no longer issue these" only items a list in force
//! marks must-not-issue or abolished, each with its basis and where to go
//! instead; requests on no list go into a section of their own, in which
//! the town asks the agency which rule requires them. A voided certificate
//! counts nowhere, and an item no list in force names is left out.

use super::FlaggedCount;
use crate::catalogue::{Catalogue, Route, Status, Text};
use crate::i18n::Lang;
use crate::ledger::{AgencyCategory, Outcome, Period};
use crate::values::ItemKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One certificate a list says villages no longer issue, that a category
/// of agency asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterLine {
    /// What was asked for.
    pub item: ItemKey,
    /// Its name on the list.
    pub name: Text,
    /// Requests refused and redirected.
    pub refused: u64,
    /// Certificates issued outside the list anyway (less those voided).
    pub unlisted: u64,
    /// Why villages no longer issue it: the entry's basis, or the list's
    /// own source where the entry names none.
    pub basis: Text,
    /// Where residents go instead, if the list says.
    pub instead: Option<Route>,
}

/// A request on no list in force: the town asks which rule requires it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskedLine {
    /// What was asked for (the clerk's words).
    pub item: ItemKey,
    /// Its name as the clerk wrote it.
    pub name: Text,
    /// Requests refused and redirected.
    pub refused: u64,
    /// Certificates issued outside the list (less those voided).
    pub unlisted: u64,
}

impl AskedLine {
    /// How many times it was asked for.
    pub fn count(&self) -> u64 {
        self.refused.saturating_add(self.unlisted)
    }
}

/// The letter to one category of agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// Who it is addressed to.
    pub agency: AgencyCategory,
    /// What a list says villages no longer issue, most asked first.
    pub lines: Vec<LetterLine>,
    /// Requests on no list, most asked first.
    #[serde(default)]
    pub asked: Vec<AskedLine>,
}

/// Who a letter to `agency` is addressed to, as a salutation names them.
pub fn addressee(agency: AgencyCategory, lang: Lang) -> &'static str {
    use AgencyCategory::*;
    match (agency, lang) {
        (Bank, Lang::Zh) => "各银行业金融机构",
        (School, Lang::Zh) => "各学校、幼儿园",
        (Hospital, Lang::Zh) => "各医疗机构",
        (Police, Lang::Zh) => "各派出所",
        (Employer, Lang::Zh) => "各用人单位",
        (SocialSecurity, Lang::Zh) => "各社会保障、民政经办机构",
        (CourtNotary, Lang::Zh) => "各人民法院、公证机构",
        (Government, Lang::Zh) => "各有关政府部门",
        (Other, Lang::Zh) => "各有关单位",
        (Bank, Lang::En) => "To the banks and credit cooperatives",
        (School, Lang::En) => "To the schools and kindergartens",
        (Hospital, Lang::En) => "To the hospitals and clinics",
        (Police, Lang::En) => "To the police stations",
        (Employer, Lang::En) => "To the employers",
        (SocialSecurity, Lang::En) => "To the social-insurance and civil-affairs offices",
        (CourtNotary, Lang::En) => "To the courts and notaries",
        (Government, Lang::En) => "To the government departments concerned",
        (Other, Lang::En) => "To the agencies concerned",
    }
}

impl Letter {
    /// All the requests the letter counts.
    pub fn total(&self) -> u64 {
        let listed = self
            .lines
            .iter()
            .map(|l| l.refused.saturating_add(l.unlisted));
        let asked = self.asked.iter().map(AskedLine::count);
        listed.chain(asked).fold(0, u64::saturating_add)
    }

    /// The title, the salutation and the opening paragraph, from `town`
    /// for `first..=last`, in `lang`.
    pub fn opening(&self, town: &str, first: Period, last: Period, lang: Lang) -> [String; 3] {
        let to = addressee(self.agency, lang);
        let total = self.total();
        let ruled = !self.lines.is_empty();
        match lang {
            Lang::Zh => [
                format!("{town}关于不再要求村（居）民委员会出具有关证明的函"),
                format!("{to}："),
                format!(
                    "{}年{}月至{}年{}月，{town}各村共收到贵单位要求群众到村开具证明{total}次。{}",
                    first.year,
                    first.month,
                    last.year,
                    last.month,
                    if ruled {
                        "依据下表所列规定，村民委员会不再出具这些证明。请贵单位不再要求群众到村开具，并按下表所列途径为群众办理。"
                    } else {
                        "这些证明不在现行证明事项清单内，见下表。"
                    }
                ),
            ],
            Lang::En => [
                format!("{town}: on no longer asking village committees for certain certificates"),
                format!("{to}:"),
                format!(
                    "From {first} to {last}, the villages of {town} were asked {total} times, on behalf of agencies like yours, for certificates. {}",
                    if ruled {
                        "Under the rules in the table below, village committees no longer issue them. Please stop sending residents to the village for them, and serve residents by the routes given."
                    } else {
                        "They are on no certificate list in force; see the table below."
                    }
                ),
            ],
        }
    }

    /// The paragraph before the requests on no list, in `lang`.
    pub fn asked_opening(lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => "下列证明不在现行证明事项清单内。请贵单位告知要求群众到村开具的依据（法律法规或规章名称及条款）；没有明确依据的，请不再要求群众到村开具。",
            Lang::En => "The certificates below are on no certificate list in force. Please tell us which rule (the law, regulation or rule, and its article) requires residents to bring them from the village; where none does, please stop asking for them.",
        }
    }
}

/// What `item` is called: its name on `catalogue`, or the clerk's words
/// (a code no list has is shown as it is).
pub fn item_name(item: &ItemKey, catalogue: &Catalogue) -> Text {
    let found = match item {
        ItemKey::Listed(code) => catalogue.find(code),
        ItemKey::FreeText(_) => None,
    };
    match (item, found) {
        (_, Some(found)) => found.entry.name.clone(),
        (ItemKey::Listed(code) | ItemKey::FreeText(code), None) => Text {
            zh: code.clone(),
            en: code.clone(),
        },
    }
}

/// Refused and issued-outside-the-list counts per (agency, item), each
/// issue less the voids of the same item and agency: a void is filed under
/// the certificate it voids, and an item a village may not issue is only
/// ever issued outside the list, so the voids of such an item are voids of
/// those issues.
pub fn net_of_voids(flagged: &[FlaggedCount]) -> BTreeMap<(AgencyCategory, ItemKey), (u64, u64)> {
    let mut sums: BTreeMap<(AgencyCategory, ItemKey), (u64, u64, u64)> = BTreeMap::new();
    for f in flagged {
        let slot = sums.entry((f.agency, f.item.clone())).or_default();
        let count = match f.outcome {
            Outcome::RefusedRedirected => &mut slot.0,
            Outcome::IssuedUnlisted => &mut slot.1,
            Outcome::Void => &mut slot.2,
            Outcome::Issued => continue,
        };
        *count = count.saturating_add(f.count);
    }
    sums.into_iter()
        .map(|(key, (refused, unlisted, voided))| (key, (refused, unlisted.saturating_sub(voided))))
        .filter(|(_, (refused, unlisted))| refused.saturating_add(*unlisted) > 0)
        .collect()
}

/// The letters for `flagged` (one range's refused, unlisted and voided
/// requests), one per agency category with anything true to say, most
/// requests first; names, bases and routes from `catalogue`.
pub fn letters(flagged: &[FlaggedCount], catalogue: &Catalogue) -> Vec<Letter> {
    let mut by_agency: BTreeMap<AgencyCategory, Letter> = BTreeMap::new();
    for ((agency, item), (refused, unlisted)) in net_of_voids(flagged) {
        let letter = by_agency.entry(agency).or_insert_with(|| Letter {
            agency,
            lines: Vec::new(),
            asked: Vec::new(),
        });
        match &item {
            ItemKey::Listed(code) => {
                // Only what a list in force says villages no longer issue.
                let Some(found) = catalogue.find(code) else {
                    continue;
                };
                let entry = found.entry;
                if !matches!(entry.status, Status::MustNotIssue | Status::Abolished) {
                    continue;
                }
                let basis = if entry.basis.zh.trim().is_empty() {
                    found.list.source.clone()
                } else {
                    entry.basis.clone()
                };
                letter.lines.push(LetterLine {
                    name: entry.name.clone(),
                    refused,
                    unlisted,
                    basis,
                    instead: entry.instead.clone(),
                    item,
                });
            }
            ItemKey::FreeText(words) => letter.asked.push(AskedLine {
                name: Text {
                    zh: words.clone(),
                    en: words.clone(),
                },
                refused,
                unlisted,
                item,
            }),
        }
    }
    let mut letters: Vec<Letter> = by_agency
        .into_values()
        .filter(|l| !l.lines.is_empty() || !l.asked.is_empty())
        .map(|mut l| {
            l.lines.sort_by(|a, b| {
                (b.refused.saturating_add(b.unlisted))
                    .cmp(&a.refused.saturating_add(a.unlisted))
                    .then_with(|| a.item.cmp(&b.item))
            });
            l.asked
                .sort_by(|a, b| b.count().cmp(&a.count()).then_with(|| a.item.cmp(&b.item)));
            l
        })
        .collect();
    letters.sort_by(|a, b| b.total().cmp(&a.total()).then(a.agency.cmp(&b.agency)));
    letters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(agency: AgencyCategory, item: &str, outcome: Outcome, count: u64) -> FlaggedCount {
        FlaggedCount {
            agency,
            item: item.parse().unwrap(),
            outcome,
            count,
        }
    }

    #[test]
    fn one_letter_per_agency_with_what_it_asked_for_and_where_to_go_instead() {
        let catalogue = Catalogue::default_lists();
        let found = catalogue
            .entries()
            .find(|f| f.entry.instead.is_some())
            .unwrap();
        let code = found.entry.code.clone();
        let got = letters(
            &[
                flagged(AgencyCategory::Bank, &code, Outcome::RefusedRedirected, 5),
                flagged(
                    AgencyCategory::Bank,
                    "free:收入证明",
                    Outcome::IssuedUnlisted,
                    2,
                ),
                flagged(AgencyCategory::School, &code, Outcome::RefusedRedirected, 9),
                flagged(AgencyCategory::Police, &code, Outcome::Issued, 4),
            ],
            &catalogue,
        );
        let agencies: Vec<AgencyCategory> = got.iter().map(|l| l.agency).collect();
        assert_eq!(agencies, [AgencyCategory::School, AgencyCategory::Bank]);
        let bank = &got[1];
        assert_eq!(bank.total(), 7);
        assert_eq!(bank.lines[0].name, found.entry.name);
        assert_eq!(bank.lines[0].instead, found.entry.instead);
        assert!(!bank.lines[0].basis.zh.is_empty());
        assert_eq!(
            bank.lines.len(),
            1,
            "a request on no list is not under the rules"
        );
        assert_eq!(bank.asked[0].name.zh, "收入证明");
        assert_eq!(bank.asked[0].count(), 2);
        let [title, to, body] = bank.opening(
            "东关镇",
            Period {
                year: 2026,
                month: 1,
            },
            Period {
                year: 2026,
                month: 11,
            },
            Lang::Zh,
        );
        assert!(title.starts_with("东关镇关于"));
        assert_eq!(to, "各银行业金融机构：");
        assert!(body.contains("7次"), "{body}");
        assert!(body.contains("依据下表所列规定"), "{body}");
    }

    #[test]
    fn a_letter_says_only_what_a_list_says_and_voids_count_nowhere() {
        let catalogue = Catalogue::default_lists();
        let may = catalogue
            .entries()
            .find(|f| f.entry.status == Status::MayIssue)
            .unwrap()
            .entry
            .code
            .clone();
        let employer = AgencyCategory::Employer;
        let got = letters(
            &[
                // Issued outside the list twice, one of them voided.
                flagged(employer, "free:收入证明", Outcome::IssuedUnlisted, 2),
                flagged(employer, "free:收入证明", Outcome::Void, 1),
                // Issued once and voided: nothing left to say.
                flagged(employer, "free:家庭困难证明", Outcome::IssuedUnlisted, 1),
                flagged(employer, "free:家庭困难证明", Outcome::Void, 1),
                // A code no list in force has, and an item villages may issue.
                flagged(employer, "X99", Outcome::RefusedRedirected, 4),
                flagged(employer, &may, Outcome::RefusedRedirected, 3),
            ],
            &catalogue,
        );
        assert_eq!(got.len(), 1);
        let letter = &got[0];
        assert!(letter.lines.is_empty(), "{:?}", letter.lines);
        assert_eq!(letter.asked.len(), 1);
        assert_eq!(
            (letter.asked[0].name.zh.as_str(), letter.asked[0].count()),
            ("收入证明", 1)
        );
        assert_eq!(letter.total(), 1);
        let [_, to, body] = letter.opening(
            "东关镇",
            Period {
                year: 2026,
                month: 1,
            },
            Period {
                year: 2026,
                month: 3,
            },
            Lang::Zh,
        );
        assert_eq!(to, "各用人单位：");
        assert!(!body.contains("不再出具"), "{body}");
        // Nothing at all left: no letter.
        let none = letters(
            &[
                flagged(employer, "free:家庭困难证明", Outcome::IssuedUnlisted, 1),
                flagged(employer, "free:家庭困难证明", Outcome::Void, 1),
            ],
            &catalogue,
        );
        assert!(none.is_empty());
    }

    #[test]
    fn every_agency_is_addressed_in_words_that_read_naturally() {
        for agency in AgencyCategory::ALL {
            let zh = addressee(agency, Lang::Zh);
            assert!(zh.starts_with('各') && !zh.contains("类单位"), "{zh}");
            assert!(addressee(agency, Lang::En).starts_with("To the"));
        }
    }
}
