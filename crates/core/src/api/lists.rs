//! The town's list editing under `/api/v1/town/lists`. The lists tablets
//! take (`GET /api/v1/lists`) travel as [`crate::catalogue::ListsFile`].

use crate::catalogue::{EntryChange, List};
use serde::{Deserialize, Serialize};

/// `GET /town/lists`: a list in force with the town's draft of it. A draft
/// is saved with `PUT /town/lists/{id}/draft` (a whole [`List`], answered
/// with its changes) and published with `POST /town/lists/{id}/publish`
/// (answered with the new version).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditedList {
    /// The version tablets have.
    pub published: List,
    /// The town's unpublished edit.
    pub draft: Option<List>,
    /// What the draft changes.
    pub changes: Vec<EntryChange>,
    /// Versions of this list published after `published` whose stored
    /// text cannot be read (`published` is in force in their place).
    pub unreadable: Vec<String>,
}
