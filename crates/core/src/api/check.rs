//! `GET /api/v1/check?q=…&limit=…`: the resident check for other clients (a
//! WeChat mini-program, a kiosk). It answers with [`CheckAnswer`].

pub use crate::check::{CheckAnswer, CheckResult};
use crate::values::ValueError;
use serde::{Deserialize, Serialize};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Most results returned.
pub const MAX_LIMIT: usize = 20;
/// Results returned when the query names no limit.
pub const DEFAULT_LIMIT: usize = 5;

/// The query string: what the resident typed, and how many entries to rank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckQuery {
    /// What the resident typed, at most [`MAX_QUERY_CHARS`] characters.
    pub q: CheckWords,
    /// How many entries to rank, held to `1..=`[`MAX_LIMIT`].
    #[serde(default)]
    pub limit: Option<usize>,
    /// The resident's area (a village's code, from the poster's QR code):
    /// the lists in force there; none: the whole server's.
    #[serde(default)]
    pub area: Option<crate::values::AreaCode>,
}

impl CheckQuery {
    /// The number of entries to rank.
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }
}

/// What a resident typed into the check, at most [`MAX_QUERY_CHARS`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CheckWords(String);

impl CheckWords {
    /// The words.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CheckWords {
    type Error = ValueError;
    fn try_from(words: String) -> Result<Self, ValueError> {
        if words.chars().count() > MAX_QUERY_CHARS {
            return Err(ValueError::CheckWords);
        }
        Ok(CheckWords(words))
    }
}

impl From<CheckWords> for String {
    fn from(words: CheckWords) -> String {
        words.0
    }
}
