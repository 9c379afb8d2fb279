//! The interface language: a signal in context, remembered in localStorage.
//! The words themselves live in `jianzheng_core::i18n`.

use crate::kept;
use jianzheng_core::i18n::{Lang, Msg};
use leptos::prelude::*;

/// localStorage key of the chosen language.
pub const LANG_KEY: &str = "jianzheng.lang";

/// The current language and the words in it.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The current language (tracked).
    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    /// The words of `msg` in the current language (tracked).
    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }

    /// Switches to the other language.
    pub fn toggle(self) {
        self.lang.update(|lang| *lang = lang.other());
    }
}

/// Reads the remembered language (Chinese if none), keeps `<html lang>`, the
/// title and localStorage in step with it, and provides it to the app.
pub fn provide_i18n() -> I18n {
    let stored = kept::word(LANG_KEY)
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_default();
    let i18n = I18n {
        lang: RwSignal::new(stored),
    };
    Effect::new(move |_| {
        let lang = i18n.lang.get();
        // A full or unavailable localStorage only means the choice is not remembered.
        kept::set_word(LANG_KEY, lang.tag());
        let doc = document();
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
        doc.set_title(Msg::AppName.text(lang));
    });
    provide_context(i18n);
    i18n
}

/// The language context provided by [`provide_i18n`].
pub fn use_i18n() -> I18n {
    expect_context()
}
