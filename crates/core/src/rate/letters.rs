//! Letters (函) from the town to each category of agency that still sent
//! residents to the villages for certificates: what they asked for and how
//! often, the basis on which villages no longer issue it, and where
//! residents should be sent instead. Built from the flagged requests of a
//! range (refused and issued outside the list) and the lists in force.

use super::FlaggedCount;
use crate::catalogue::{Catalogue, Route, Text};
use crate::i18n::Lang;
use crate::ledger::{AgencyCategory, Outcome, Period};
use crate::values::ItemKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One certificate a category of agency asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterLine {
    /// What was asked for.
    pub item: ItemKey,
    /// Its name (the clerk's words for a request on no list).
    pub name: Text,
    /// Requests refused and redirected.
    pub refused: u64,
    /// Certificates issued outside the list.
    pub unlisted: u64,
    /// Why villages no longer issue it; empty for a request on no list.
    pub basis: Text,
    /// Where residents go instead, if the list says.
    pub instead: Option<Route>,
}

/// The letter to one category of agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// Who it is addressed to.
    pub agency: AgencyCategory,
    /// What they asked for, most asked first.
    pub lines: Vec<LetterLine>,
}

impl Letter {
    /// All the requests the letter counts.
    pub fn total(&self) -> u64 {
        self.lines
            .iter()
            .map(|l| l.refused.saturating_add(l.unlisted))
            .fold(0, u64::saturating_add)
    }

    /// The title, the salutation and the opening paragraph, from `town`
    /// for `first..=last`, in `lang`.
    pub fn opening(&self, town: &str, first: Period, last: Period, lang: Lang) -> [String; 3] {
        let agency = self.agency.label(lang);
        let total = self.total();
        match lang {
            Lang::Zh => [
                format!("{town}关于不再要求村（居）民委员会出具有关证明的函"),
                format!("各{agency}类单位："),
                format!(
                    "{}年{}月至{}年{}月，我镇各村共收到贵单位要求群众到村开具下列证明{total}次。依据下列规定，村民委员会不再出具这些证明。请贵单位不再要求群众到村开具，并按下表所列途径为群众办理。",
                    first.year, first.month, last.year, last.month
                ),
            ],
            Lang::En => [
                format!("{town}: on no longer asking village committees for certain certificates"),
                format!("To every agency of the kind: {agency}"),
                format!(
                    "From {first} to {last}, the villages of this town were asked {total} times, on behalf of agencies like yours, for the certificates below. Under the rules listed, village committees no longer issue them. Please stop sending residents to the village for them, and serve residents by the routes given."
                ),
            ],
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

/// The letters for `flagged` (one range's refused and unlisted requests),
/// one per agency category that made any, most requests first; names,
/// bases and routes from `catalogue`.
pub fn letters(flagged: &[FlaggedCount], catalogue: &Catalogue) -> Vec<Letter> {
    let mut by_agency: BTreeMap<AgencyCategory, BTreeMap<ItemKey, (u64, u64)>> = BTreeMap::new();
    for f in flagged {
        let counts = by_agency
            .entry(f.agency)
            .or_default()
            .entry(f.item.clone())
            .or_default();
        match f.outcome {
            Outcome::RefusedRedirected => counts.0 = counts.0.saturating_add(f.count),
            Outcome::IssuedUnlisted => counts.1 = counts.1.saturating_add(f.count),
            Outcome::Issued | Outcome::Void => {}
        }
    }
    let mut letters: Vec<Letter> = by_agency
        .into_iter()
        .map(|(agency, items)| {
            let mut lines: Vec<LetterLine> = items
                .into_iter()
                .filter(|(_, (refused, unlisted))| refused + unlisted > 0)
                .map(|(item, (refused, unlisted))| {
                    let entry = match &item {
                        ItemKey::Listed(code) => catalogue.find(code).map(|f| f.entry),
                        ItemKey::FreeText(_) => None,
                    };
                    LetterLine {
                        name: item_name(&item, catalogue),
                        refused,
                        unlisted,
                        basis: entry.map(|e| e.basis.clone()).unwrap_or_default(),
                        instead: entry.and_then(|e| e.instead.clone()),
                        item,
                    }
                })
                .collect();
            lines.sort_by(|a, b| {
                (b.refused + b.unlisted)
                    .cmp(&(a.refused + a.unlisted))
                    .then_with(|| a.item.cmp(&b.item))
            });
            Letter { agency, lines }
        })
        .filter(|l| !l.lines.is_empty())
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
        assert_eq!(bank.lines[1].name.zh, "收入证明");
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
        assert_eq!(to, "各银行类单位：");
        assert!(body.contains("7次"), "{body}");
    }
}
