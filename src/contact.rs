//! What a village's papers print about its town (the complaint phone),
//! as the last sync brought it, remembered on the tablet for printing
//! offline.

use jianzheng_core::api::town::Contact;

/// Where the tablet remembers it.
const CONTACT_KEY: &str = "jianzheng.contact";

/// Remembers what the town's server said (a full storage only costs the
/// phone on the next slip).
pub fn remember(contact: &Contact) {
    crate::kept::set(CONTACT_KEY, contact);
}

/// What the last sync brought; nothing before the first.
pub fn remembered() -> Contact {
    crate::kept::get(CONTACT_KEY).unwrap_or_default()
}
