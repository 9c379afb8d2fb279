//! The town's list editing under `/api/v1/town/lists`. The lists tablets
//! take (`GET /api/v1/lists`) travel as [`crate::catalogue::ListsFile`].

use crate::catalogue::{EntryChange, List, Text};
use crate::rate::AreaStep;
use crate::values::AreaCode;
use serde::{Deserialize, Serialize};

/// `GET /town/lists`: a list in force with the town's draft of it. A draft
/// is saved with `PUT /town/lists/{id}/draft` (a whole [`List`], answered
/// with its changes) and published with `POST /town/lists/{id}/publish`
/// (answered with the new version).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditedList {
    /// The version tablets have.
    pub published: List,
    /// The area it was published at; `None`: the whole server's.
    #[serde(default)]
    pub area: Option<AreaStep>,
    /// Whether the asking account may edit and publish it.
    #[serde(default)]
    pub editable: bool,
    /// The town's unpublished edit.
    pub draft: Option<List>,
    /// What the draft changes.
    pub changes: Vec<EntryChange>,
    /// Versions of this list published after `published` whose stored
    /// text cannot be read (`published` is in force in their place).
    pub unreadable: Vec<String>,
}

/// `POST /town/lists`: a new list of an area's own, published at once with
/// no entries (version `<year>.1`) and then edited like any other; answered
/// with that version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewList {
    /// Where it applies: the area and its subtree.
    pub area: AreaCode,
    /// Its title.
    pub title: Text,
}
