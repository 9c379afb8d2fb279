//! The written declaration a resident signs instead of a certificate no
//! longer needed (证明事项告知承诺制, 国办发〔2020〕42号): for an item the
//! lists mark abolished, what the agency tells the resident (what is to be
//! proved, that it may check, the consequences of a false declaration) and
//! what the resident commits to, with the facts to fill in. The item's own
//! wording is list data ([`DeclarationTemplate`]); an abolished item
//! without one gets a form naming the item and a line for the facts.

use super::{Entry, Status};
use crate::i18n::Lang;

/// A declaration form, in one language, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// The title: the item's name and 告知承诺书.
    pub title: String,
    /// The item's name: what the declaration is instead of.
    pub item: String,
    /// What the resident declares.
    pub statement: String,
    /// The facts to fill in, one line each.
    pub facts: Vec<String>,
    /// Who may check it, and how (the item's route).
    pub checked_by: String,
    /// The basis on which no certificate is needed.
    pub basis: String,
}

impl Declaration {
    /// The declaration form of `entry` in `lang`; `None` unless the item
    /// is abolished (a certificate the village issues, or one another
    /// agency issues, is not replaced by the resident's own word).
    pub fn of(entry: &Entry, lang: Lang) -> Option<Declaration> {
        if entry.status != Status::Abolished {
            return None;
        }
        let name = entry.name.get(lang);
        let (statement, facts) = match &entry.declaration {
            Some(own) => (
                own.statement.get(lang).to_owned(),
                own.facts.iter().map(|f| f.get(lang).to_owned()).collect(),
            ),
            None => match lang {
                Lang::Zh => (
                    format!("本人就“{name}”所需证明的事项声明如下"),
                    vec!["所声明的事实".to_owned()],
                ),
                Lang::En => (
                    format!("I declare the following, in place of: {name}"),
                    vec!["The facts declared".to_owned()],
                ),
            },
        };
        let checked_by = entry
            .instead
            .as_ref()
            .map(|r| format!("{}：{}", r.agency.get(lang), r.how.get(lang)))
            .unwrap_or_default();
        Some(Declaration {
            title: match lang {
                Lang::Zh => format!("{name}事项告知承诺书"),
                Lang::En => format!("Declaration in place of a certificate: {name}"),
            },
            item: name.to_owned(),
            statement,
            facts,
            checked_by,
            basis: entry.basis.get(lang).to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;

    #[test]
    fn every_shipped_abolished_item_has_its_own_declaration_in_both_languages() {
        let shipped = Catalogue::default_lists();
        let abolished: Vec<&Entry> = shipped
            .entries()
            .map(|f| f.entry)
            .filter(|e| e.status == Status::Abolished)
            .collect();
        assert!(abolished.len() >= 6);
        for entry in abolished {
            let own = entry
                .declaration
                .as_ref()
                .unwrap_or_else(|| panic!("{}", entry.code));
            assert!(!own.facts.is_empty(), "{}", entry.code);
            for lang in [Lang::Zh, Lang::En] {
                let form = Declaration::of(entry, lang).unwrap();
                assert!(!form.statement.is_empty() && !form.checked_by.is_empty());
                assert!(
                    form.facts.iter().all(|f| !f.trim().is_empty()),
                    "{}",
                    entry.code
                );
            }
            assert!(
                own.facts.iter().all(|f| !f.en.is_empty()),
                "{} in English",
                entry.code
            );
        }
        let marriage = shipped.find("N08").unwrap().entry;
        assert_eq!(
            Declaration::of(marriage, Lang::Zh).unwrap().title,
            "婚姻状况证明事项告知承诺书"
        );
    }

    #[test]
    fn only_an_abolished_item_is_declared_and_one_without_wording_gets_a_line() {
        let shipped = Catalogue::default_lists();
        // Issued by the village, or by another agency: no declaration.
        for code in ["N05", "A01"] {
            let entry = shipped.find(code).unwrap().entry;
            assert_eq!(Declaration::of(entry, Lang::Zh), None, "{code}");
        }
        let mut bare = shipped.find("N08").unwrap().entry.clone();
        bare.declaration = None;
        let form = Declaration::of(&bare, Lang::Zh).unwrap();
        assert!(form.statement.contains("婚姻状况证明"));
        assert_eq!(form.facts, ["所声明的事实"]);
    }
}
