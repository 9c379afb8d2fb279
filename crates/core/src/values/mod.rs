//! Values with rules of their own, parsed once (with `FromStr`, or by serde
//! at the API's edge) and carried typed afterwards: a village code, a ledger
//! label, a device key, a range of months, the town's settings, a baseline
//! year. The server's handlers and the app's forms both parse with these, so
//! each rule is written here and nowhere else.

mod id_number;

pub use id_number::{check_id_number, IdProblem};

use crate::i18n::Lang;
use crate::ledger::Period;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a value was refused, for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// A village code is not 1 to 20 letters or digits.
    #[error("a village code is 1 to {MAX_CODE_CHARS} letters or digits")]
    VillageCode,
    /// A ledger label is not 1 to 20 letters or digits.
    #[error("a ledger label is 1 to {MAX_CODE_CHARS} letters or digits")]
    LedgerLabel,
    /// A village name is empty or too long.
    #[error("a village name is 1 to {MAX_NAME_CHARS} visible characters")]
    VillageName,
    /// A device key is not 64 hex digits.
    #[error("a device key is 64 hex digits")]
    DeviceKey,
    /// A signature is not 128 hex digits.
    #[error("a signature is 128 hex digits")]
    Signature,
    /// A month is not written `YYYY-MM`.
    #[error("a month is written YYYY-MM")]
    Month,
    /// The first month of a range is after its last, or the range is too long.
    #[error(
        "a range runs from a month to the same or a later one, at most {MAX_RANGE_MONTHS} months"
    )]
    MonthRange,
    /// The number of silent days is out of bounds.
    #[error("the silent days are {} to {}", StaleDays::MIN, StaleDays::MAX)]
    StaleDays,
    /// The validity of enrolment codes is out of bounds.
    #[error(
        "an enrolment code is valid {} to {} days",
        CodeDays::MIN,
        CodeDays::MAX
    )]
    CodeDays,
    /// The days after a month's end for its report to be on time are out of bounds.
    #[error(
        "a month's report is on time within {} to {} days of its end",
        ReportDays::MIN,
        ReportDays::MAX
    )]
    ReportDays,
    /// A year outside the years the registry keeps.
    #[error("a year is between {} and {}", BaselineYear::MIN, BaselineYear::MAX)]
    Year,
    /// An item key is empty, too long, or `free:` with no words.
    #[error(
        "an item is an entry code or free: and words, at most {} characters",
        crate::sync::MAX_ITEM_CHARS
    )]
    ItemKey,
    /// A resident's check is longer than the server reads.
    #[error("q is longer than {} characters", crate::api::check::MAX_QUERY_CHARS)]
    CheckWords,
    /// An area code is not 1 to 20 letters or digits.
    #[error("an area code is 1 to {MAX_CODE_CHARS} letters or digits")]
    AreaCode,
    /// An area name is empty or too long.
    #[error(
        "an area name is 1 to {MAX_NAME_CHARS} characters, with no control or invisible characters"
    )]
    AreaName,
    /// An account's login name is not 1 to 64 letters, digits, `.`, `_` or `-`.
    #[error("a login name is 1 to {MAX_ACCOUNT_CHARS} letters, digits, '.', '_' or '-'")]
    AccountName,
    /// A telephone number is not 3 to 20 digits, spaces, `-`, `+` or brackets.
    #[error("a telephone number is 3 to 20 digits, spaces, '-', '+' or brackets, with at least 3 digits")]
    PhoneNumber,
    /// A new village's code is not a 12-digit division code of a village.
    #[error("a village's code is its 12-digit statistical division code (统计用区划代码), not ending in 000")]
    DivisionCode,
    /// A new village's code does not begin with its town's nine digits.
    #[error("a village of this town has a code beginning {0}")]
    OutsideTown(String),
}

impl ValueError {
    /// The reason in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                ValueError::VillageCode => {
                    format!("村代码为1到{MAX_CODE_CHARS}位字母或数字")
                }
                ValueError::LedgerLabel => {
                    format!("台账编号为1到{MAX_CODE_CHARS}位字母或数字")
                }
                ValueError::VillageName => {
                    format!("村名为1到{MAX_NAME_CHARS}个可见字符")
                }
                ValueError::DeviceKey => "平板密钥应为64位十六进制数字".to_owned(),
                ValueError::Signature => "签名应为128位十六进制数字".to_owned(),
                ValueError::Month => "月份的写法是 年-月，例如 2026-03".to_owned(),
                ValueError::MonthRange => {
                    format!("起始月份不能晚于结束月份，且最多{MAX_RANGE_MONTHS}个月")
                }
                ValueError::StaleDays => {
                    format!("未同步天数为{}到{}天", StaleDays::MIN, StaleDays::MAX)
                }
                ValueError::ReportDays => {
                    format!(
                        "按时上报期限为月末后{}到{}天",
                        ReportDays::MIN,
                        ReportDays::MAX
                    )
                }
                ValueError::CodeDays => {
                    format!("登记码有效期为{}到{}天", CodeDays::MIN, CodeDays::MAX)
                }
                ValueError::Year => {
                    format!("年份应在{}到{}之间", BaselineYear::MIN, BaselineYear::MAX)
                }
                ValueError::ItemKey => format!(
                    "事项应为清单编码，或 free: 加文字，最多{}个字",
                    crate::sync::MAX_ITEM_CHARS
                ),
                ValueError::CheckWords => {
                    format!("查询最多{}个字", crate::api::check::MAX_QUERY_CHARS)
                }
                ValueError::AreaCode => {
                    format!("区划代码为1到{MAX_CODE_CHARS}位字母或数字")
                }
                ValueError::AreaName => {
                    format!("区划名称为1到{MAX_NAME_CHARS}个可见字符")
                }
                ValueError::AccountName => {
                    format!("登录名为1到{MAX_ACCOUNT_CHARS}位字母、数字或 . _ -")
                }
                ValueError::PhoneNumber => {
                    "电话号码为3到20位数字，可含空格、-、+ 或括号".to_owned()
                }
                ValueError::DivisionCode => {
                    "村代码为12位统计用区划代码（后三位不为000）".to_owned()
                }
                ValueError::OutsideTown(prefix) => {
                    format!("本镇的村代码应以{prefix}开头")
                }
            },
        }
    }
}

/// Longest village code or ledger label.
pub const MAX_CODE_CHARS: usize = 20;
/// Longest login name.
pub const MAX_ACCOUNT_CHARS: usize = 64;
/// Longest village name.
pub const MAX_NAME_CHARS: usize = 60;
/// Longest range of months the town asks for at once.
pub const MAX_RANGE_MONTHS: u32 = 120;

/// 1 to [`MAX_CODE_CHARS`] ASCII letters or digits, surrounding space dropped.
fn short_code(text: &str) -> Option<String> {
    let text = text.trim();
    ((1..=MAX_CODE_CHARS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| text.to_owned())
}

/// Converts to and from `String` (for serde's `try_from`/`into`) through a
/// type's `FromStr` and `Display`.
macro_rules! via_text {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(text: String) -> Result<Self, ValueError> {
                text.parse()
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.to_string()
            }
        }
    };
}

/// Implements `FromStr`, `Display`, `AsRef<str>`, `as_str` and serde (as a
/// checked string) for a newtype over `String`.
macro_rules! text_value {
    ($name:ident, $parse:expr) => {
        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, ValueError> {
                let parse: fn(&str) -> Result<String, ValueError> = $parse;
                parse(text).map($name)
            }
        }
        impl $name {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        via_text!($name);
    };
}

/// A village's code: 1 to 20 letters or digits (the 12-digit national
/// division code fits).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VillageCode(String);
text_value!(VillageCode, |t| short_code(t)
    .ok_or(ValueError::VillageCode));

impl VillageCode {
    /// Whether the code may be given to a new village of the town `town`:
    /// the village's 12-digit statistical division code (统计用区划代码:
    /// province, city, county, town and three digits of the village's
    /// own, not 000), beginning with the town's nine digits where the
    /// town's own code is a division code (9 digits, or 12 ending in 000).
    /// Codes stored before this rule stay readable.
    pub fn check_new(&self, town: Option<&AreaCode>) -> Result<(), ValueError> {
        let code = self.as_str();
        if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) || code.ends_with("000") {
            return Err(ValueError::DivisionCode);
        }
        let prefix = town.map(AreaCode::as_str).and_then(|t| {
            let digits = t.bytes().all(|b| b.is_ascii_digit());
            match t.len() {
                9 if digits => Some(t),
                12 if digits && t.ends_with("000") => Some(&t[..9]),
                _ => None,
            }
        });
        match prefix {
            Some(prefix) if !code.starts_with(prefix) => {
                Err(ValueError::OutsideTown(prefix.to_owned()))
            }
            _ => Ok(()),
        }
    }
}

/// An area's code (a county, a town, a village): 1 to 20 letters or
/// digits, the 12-digit national statistical division code (统计用区划代码)
/// where there is one. A village's area code is its village code.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AreaCode(String);
text_value!(AreaCode, |t| short_code(t).ok_or(ValueError::AreaCode));

impl From<VillageCode> for AreaCode {
    fn from(village: VillageCode) -> AreaCode {
        AreaCode(village.0)
    }
}

/// An account's login name: 1 to 64 ASCII letters, digits, `.`, `_` or
/// `-` (what an officer types on any keyboard, and never a sentence).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountName(String);
text_value!(AccountName, |t| {
    let t = t.trim();
    ((1..=MAX_ACCOUNT_CHARS).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
    .then(|| t.to_owned())
    .ok_or(ValueError::AccountName)
});

/// Whether `c` may stand in a text that reaches a paper, a spreadsheet or
/// a log: no control character (a document with U+0001 is not XML) and
/// none of the invisible marks that reorder or hide what is shown.
pub fn printable(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{ffff}'
        )
}

/// A name as typed: surrounding space dropped, 1 to [`MAX_NAME_CHARS`]
/// characters, every one [`printable`].
fn name_text(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && t.chars().count() <= MAX_NAME_CHARS && t.chars().all(printable))
        .then(|| t.to_owned())
}

/// An area's name: 1 to 60 printable characters, surrounding space dropped.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AreaName(String);
text_value!(AreaName, |t| name_text(t).ok_or(ValueError::AreaName));

/// The words that stand in for an area's name until someone gives it one
/// (the server names the town it makes for its first village 本镇): a paper
/// never prints them as if they were a name.
pub const PLACEHOLDER_NAMES: [&str; 9] = [
    "本镇",
    "本乡",
    "本村",
    "本县",
    "本区",
    "本市",
    "本省",
    "本辖区",
    "This area",
];

impl AreaName {
    /// Whether the name only stands in for one not given yet.
    pub fn is_placeholder(&self) -> bool {
        PLACEHOLDER_NAMES.contains(&self.0.as_str())
    }

    /// Whether an area called `text` has no real name yet: `text` is no
    /// valid name, or only a placeholder. A paper from it would print that.
    pub fn is_unnamed(text: &str) -> bool {
        text.parse::<AreaName>()
            .map_or(true, |n| n.is_placeholder())
    }

    /// A name as an earlier version stored it, before names were checked
    /// for what they hold: what is not [`printable`] is dropped, so that
    /// one old name cannot make the whole tree unreadable. `None` if
    /// nothing readable is left.
    pub fn stored(text: &str) -> Option<AreaName> {
        let kept: String = text.chars().filter(|c| printable(*c)).collect();
        name_text(&kept).map(AreaName)
    }
}

/// A tablet's ledger label in its village (`T1`): 1 to 20 letters or digits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LedgerLabel(String);
text_value!(LedgerLabel, |t| short_code(t)
    .ok_or(ValueError::LedgerLabel));

/// A telephone number as printed on paper (a town's complaint line, e.g.
/// `0351-12345678` or `12345`): 3 to 20 digits, spaces, `-`, `+` or
/// brackets, with at least three digits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);
text_value!(PhoneNumber, |t| {
    let t = t.trim();
    ((3..=20).contains(&t.chars().count())
        && t.chars().filter(char::is_ascii_digit).count() >= 3
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')')))
    .then(|| t.to_owned())
    .ok_or(ValueError::PhoneNumber)
});

/// A village's name: 1 to 60 printable characters, surrounding space dropped.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VillageName(String);
text_value!(VillageName, |t| name_text(t).ok_or(ValueError::VillageName));

/// Implements `FromStr` (refused as `$error`), `Display` and serde (as
/// lowercase hex text) for a newtype over a byte array.
macro_rules! hex_value {
    ($name:ident, $error:expr) => {
        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, ValueError> {
                let mut bytes = [0u8; std::mem::size_of::<$name>()];
                hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| $error)?;
                Ok($name(bytes))
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }
        via_text!($name);
    };
}

/// A tablet's Ed25519 public key, written as 64 lowercase hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceKey(pub [u8; 32]);
hex_value!(DeviceKey, ValueError::DeviceKey);

/// An Ed25519 signature, written as 128 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceSignature(pub [u8; 64]);
hex_value!(DeviceSignature, ValueError::Signature);

/// What a count of requests is kept under: a listed entry's code, or the
/// words of a request on no list. Written as the code, or `free:` and the
/// words (the form counters and payloads carry).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ItemKey {
    /// A list entry, by code.
    Listed(String),
    /// A request on no list, in the clerk's words.
    FreeText(String),
}

impl ItemKey {
    /// The prefix of a request on no list.
    pub const FREE_PREFIX: &'static str = "free:";
}

impl FromStr for ItemKey {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Self, ValueError> {
        if text.is_empty()
            || text.chars().count() > crate::sync::MAX_ITEM_CHARS
            || !text.chars().all(printable)
        {
            return Err(ValueError::ItemKey);
        }
        Ok(match text.strip_prefix(ItemKey::FREE_PREFIX) {
            Some(words) if !words.trim().is_empty() => ItemKey::FreeText(words.to_owned()),
            Some(_) => return Err(ValueError::ItemKey),
            None => ItemKey::Listed(text.to_owned()),
        })
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemKey::Listed(code) => f.write_str(code),
            ItemKey::FreeText(words) => write!(f, "{}{words}", ItemKey::FREE_PREFIX),
        }
    }
}

via_text!(ItemKey);

/// A month written `YYYY-MM` in a query or a form.
fn month(text: &str) -> Result<Period, ValueError> {
    Period::parse(text.trim()).ok_or(ValueError::Month)
}

/// The months `first..=last` the town looks at: `first` not after `last`,
/// at most [`MAX_RANGE_MONTHS`]. In a query it is `from=YYYY-MM&to=YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RangeText", into = "RangeText")]
pub struct MonthRange {
    first: Period,
    last: Period,
}

/// A range as it travels: two months as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeText {
    /// The first month, `YYYY-MM`.
    pub from: String,
    /// The last month, `YYYY-MM`.
    pub to: String,
}

impl MonthRange {
    /// The range `first..=last`, if it is one the town may ask for.
    pub fn new(first: Period, last: Period) -> Result<MonthRange, ValueError> {
        let months = (i64::from(last.year) - i64::from(first.year)) * 12 + i64::from(last.month)
            - i64::from(first.month)
            + 1;
        if first > last || months > i64::from(MAX_RANGE_MONTHS) {
            return Err(ValueError::MonthRange);
        }
        Ok(MonthRange { first, last })
    }

    /// The range from two months written `YYYY-MM`.
    pub fn parse(from: &str, to: &str) -> Result<MonthRange, ValueError> {
        MonthRange::new(month(from)?, month(to)?)
    }

    /// The first month.
    pub fn first(self) -> Period {
        self.first
    }

    /// The last month.
    pub fn last(self) -> Period {
        self.last
    }
}

impl fmt::Display for MonthRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

impl TryFrom<RangeText> for MonthRange {
    type Error = ValueError;
    fn try_from(text: RangeText) -> Result<Self, ValueError> {
        MonthRange::parse(&text.from, &text.to)
    }
}

impl From<MonthRange> for RangeText {
    fn from(range: MonthRange) -> RangeText {
        RangeText {
            from: range.first.to_string(),
            to: range.last.to_string(),
        }
    }
}

/// Implements the bounds, `FromStr`, `Display` and serde (as a checked
/// number) of a newtype over an integer.
macro_rules! bounded_number {
    ($name:ident, $int:ty, $min:expr, $max:expr, $error:expr) => {
        impl $name {
            /// The smallest value.
            pub const MIN: $int = $min;
            /// The largest value.
            pub const MAX: $int = $max;
            /// `value`, if it is within the bounds.
            pub fn new(value: $int) -> Result<$name, ValueError> {
                (Self::MIN..=Self::MAX)
                    .contains(&value)
                    .then_some($name(value))
                    .ok_or($error)
            }

            /// The number.
            pub fn get(self) -> $int {
                self.0
            }
        }
        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, ValueError> {
                $name::new(text.trim().parse().map_err(|_| $error)?)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl TryFrom<$int> for $name {
            type Error = ValueError;
            fn try_from(value: $int) -> Result<Self, ValueError> {
                $name::new(value)
            }
        }
        impl From<$name> for $int {
            fn from(value: $name) -> $int {
                value.0
            }
        }
    };
}

/// Days without an upload after which a live tablet is shown as silent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct StaleDays(u32);
bounded_number!(StaleDays, u32, 1, 365, ValueError::StaleDays);

impl Default for StaleDays {
    /// Two weeks, until the town sets another number.
    fn default() -> Self {
        StaleDays(14)
    }
}

/// Days a new enrolment code stays valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct CodeDays(u32);
bounded_number!(CodeDays, u32, 1, 90, ValueError::CodeDays);

impl Default for CodeDays {
    /// A week, until the town sets another number.
    fn default() -> Self {
        CodeDays(7)
    }
}

/// Days after a month ends within which a village's report of it is on
/// time (its first upload after the month's end arrived by then).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ReportDays(u32);
bounded_number!(ReportDays, u32, 1, 60, ValueError::ReportDays);

impl Default for ReportDays {
    /// Ten days, until the area sets another number.
    fn default() -> Self {
        ReportDays(10)
    }
}

/// A year the registry keeps figures for, such as the baseline year: the
/// same years a tablet's upload may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct BaselineYear(i32);
bounded_number!(BaselineYear, i32, 2000, 2100, ValueError::Year);

impl BaselineYear {
    /// Month `month` (1..=12) of the year.
    pub fn month(self, month: u8) -> Option<Period> {
        (1..=12).contains(&month).then_some(Period {
            year: self.0,
            month,
        })
    }
}

#[cfg(test)]
mod tests;
