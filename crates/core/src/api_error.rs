//! The stable error codes of the town server's JSON API.
//!
//! A client branches on [`ErrorCode::as_str`]; a person reads
//! [`ErrorCode::message`], in either language. Both sides share this table,
//! so the tablet can explain a failed sync in the clerk's language.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// Why the server refused or failed a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No such API resource.
    NotFound,
    /// The method is not allowed on this resource.
    MethodNotAllowed,
    /// The body could not be decoded or failed validation.
    BadRequest,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// The server failed; the request may be retried.
    Internal,
    /// The database is unavailable.
    StorageUnavailable,
    /// The payload's signature does not verify.
    BadSignature,
    /// The device is not enrolled.
    UnknownDevice,
    /// The device is enrolled in another village.
    WrongVillage,
    /// The device was revoked by the town.
    DeviceRevoked,
    /// The enrolment code is unknown, used, withdrawn, expired or for
    /// another village (all answered alike).
    EnrolmentCodeInvalid,
    /// No valid town session: log in first.
    Unauthorized,
    /// Wrong user name or password.
    BadCredentials,
    /// Too many failed logins; wait before trying again.
    TooManyAttempts,
    /// The one-time password must be changed before anything else.
    PasswordChangeRequired,
    /// The thing already exists (a village code in use).
    Conflict,
    /// Too many requests from one address; wait before trying again.
    RateLimited,
    /// The server is too busy or the request took too long; retry later.
    Overloaded,
    /// A changing request from another site's page (cross-site forgery).
    CrossOrigin,
    /// The body is not of the type the endpoint takes.
    UnsupportedMediaType,
    /// Another tablet of the village writes, or wrote, this ledger label.
    LedgerTaken,
    /// The enrolment code continues another ledger than the tablet's label.
    LedgerMismatch,
    /// The asker may not read or change this (an operator's page, another
    /// area's data).
    Forbidden,
    /// A list published below would let villages issue an item a list
    /// published above bars (must not issue, or abolished).
    ListLoosens,
    /// The tablet's key is enrolled already (anywhere) or was revoked: a
    /// tablet set up anew makes a new key.
    DeviceKeyTaken,
    /// The tablet was replaced by one that continues its ledger.
    DeviceRetired,
    /// The town has a village of this name already.
    VillageNameTaken,
    /// A village with tablets, figures or baselines is retired, not deleted.
    VillageHasData,
    /// A village's first month would be after its last.
    VillageMonthsBackwards,
    /// The approval being withdrawn needs a reason.
    ReasonMissing,
    /// The area a paper comes from has no name yet, only a placeholder.
    AreaUnnamed,
    /// The list is issued above every area: no one here republishes it.
    ListIssuedAbove,
}

impl ErrorCode {
    /// Every code, for completeness checks.
    pub const ALL: [ErrorCode; 32] = [
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::BadRequest,
        ErrorCode::PayloadTooLarge,
        ErrorCode::Internal,
        ErrorCode::StorageUnavailable,
        ErrorCode::BadSignature,
        ErrorCode::UnknownDevice,
        ErrorCode::WrongVillage,
        ErrorCode::DeviceRevoked,
        ErrorCode::EnrolmentCodeInvalid,
        ErrorCode::Unauthorized,
        ErrorCode::BadCredentials,
        ErrorCode::TooManyAttempts,
        ErrorCode::PasswordChangeRequired,
        ErrorCode::Conflict,
        ErrorCode::RateLimited,
        ErrorCode::Overloaded,
        ErrorCode::CrossOrigin,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::LedgerTaken,
        ErrorCode::LedgerMismatch,
        ErrorCode::Forbidden,
        ErrorCode::ListLoosens,
        ErrorCode::DeviceKeyTaken,
        ErrorCode::DeviceRetired,
        ErrorCode::VillageNameTaken,
        ErrorCode::VillageHasData,
        ErrorCode::VillageMonthsBackwards,
        ErrorCode::ReasonMissing,
        ErrorCode::AreaUnnamed,
        ErrorCode::ListIssuedAbove,
    ];

    /// The stable machine-readable code, as sent in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Internal => "internal",
            ErrorCode::StorageUnavailable => "storage_unavailable",
            ErrorCode::BadSignature => "bad_signature",
            ErrorCode::UnknownDevice => "unknown_device",
            ErrorCode::WrongVillage => "wrong_village",
            ErrorCode::DeviceRevoked => "device_revoked",
            ErrorCode::EnrolmentCodeInvalid => "enrolment_code_invalid",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::Conflict => "conflict",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::CrossOrigin => "cross_origin",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::LedgerTaken => "ledger_taken",
            ErrorCode::LedgerMismatch => "ledger_mismatch",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::ListLoosens => "list_loosens",
            ErrorCode::DeviceKeyTaken => "device_key_taken",
            ErrorCode::DeviceRetired => "device_retired",
            ErrorCode::VillageNameTaken => "village_name_taken",
            ErrorCode::VillageHasData => "village_has_data",
            ErrorCode::VillageMonthsBackwards => "village_months_backwards",
            ErrorCode::ReasonMissing => "reason_missing",
            ErrorCode::AreaUnnamed => "area_unnamed",
            ErrorCode::ListIssuedAbove => "list_issued_above",
        }
    }

    /// The HTTP status that carries this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::BadRequest => 400,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Internal => 500,
            ErrorCode::StorageUnavailable => 503,
            ErrorCode::BadSignature => 400,
            ErrorCode::UnknownDevice | ErrorCode::WrongVillage | ErrorCode::DeviceRevoked => 403,
            ErrorCode::EnrolmentCodeInvalid => 409,
            ErrorCode::Unauthorized | ErrorCode::BadCredentials => 401,
            ErrorCode::TooManyAttempts => 429,
            ErrorCode::PasswordChangeRequired => 403,
            ErrorCode::Conflict => 409,
            ErrorCode::RateLimited => 429,
            ErrorCode::Overloaded => 503,
            ErrorCode::CrossOrigin => 403,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::LedgerTaken | ErrorCode::LedgerMismatch => 409,
            ErrorCode::Forbidden => 403,
            ErrorCode::ListLoosens => 422,
            ErrorCode::DeviceKeyTaken => 409,
            ErrorCode::DeviceRetired => 403,
            ErrorCode::VillageNameTaken | ErrorCode::VillageHasData => 409,
            ErrorCode::VillageMonthsBackwards | ErrorCode::ReasonMissing => 400,
            ErrorCode::AreaUnnamed => 409,
            ErrorCode::ListIssuedAbove => 403,
        }
    }

    /// A sentence a person can read, in `lang`.
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ErrorCode::NotFound, Lang::Zh) => "请求的接口不存在。",
            (ErrorCode::NotFound, Lang::En) => "No such API resource.",
            (ErrorCode::MethodNotAllowed, Lang::Zh) => "该接口不支持此请求方式。",
            (ErrorCode::MethodNotAllowed, Lang::En) => {
                "This method is not allowed on this resource."
            }
            (ErrorCode::BadRequest, Lang::Zh) => "请求内容无法识别或不符合要求。",
            (ErrorCode::BadRequest, Lang::En) => "The request could not be read or is not valid.",
            (ErrorCode::PayloadTooLarge, Lang::Zh) => "提交的内容太大，服务器不予接收。",
            (ErrorCode::PayloadTooLarge, Lang::En) => {
                "The request body is larger than the server accepts."
            }
            (ErrorCode::Internal, Lang::Zh) => "服务器内部出错，请稍后重试。",
            (ErrorCode::Internal, Lang::En) => "The server failed. Please try again later.",
            (ErrorCode::StorageUnavailable, Lang::Zh) => "服务器数据库暂时不可用，请稍后重试。",
            (ErrorCode::StorageUnavailable, Lang::En) => {
                "The server's database is unavailable. Please try again later."
            }
            (ErrorCode::BadSignature, Lang::Zh) => "数据签名不正确，服务器拒收。",
            (ErrorCode::BadSignature, Lang::En) => {
                "The data's signature does not verify; it was rejected."
            }
            (ErrorCode::UnknownDevice, Lang::Zh) => "本平板尚未登记，请先用乡镇发放的登记码登记。",
            (ErrorCode::UnknownDevice, Lang::En) => {
                "This tablet is not enrolled. Enrol it with a code from the town first."
            }
            (ErrorCode::WrongVillage, Lang::Zh) => "本平板登记在其他村，不能为此村上报。",
            (ErrorCode::WrongVillage, Lang::En) => {
                "This tablet is enrolled in another village and cannot report for this one."
            }
            (ErrorCode::DeviceRevoked, Lang::Zh) => "本平板已被乡镇停用。",
            (ErrorCode::DeviceRevoked, Lang::En) => "The town has revoked this tablet.",
            (ErrorCode::EnrolmentCodeInvalid, Lang::Zh) => {
                "登记码无效：可能输错、已过期、已被撤回或使用，或不是本村的。请向乡镇索取新码。"
            }
            (ErrorCode::EnrolmentCodeInvalid, Lang::En) => {
                "The enrolment code does not work: mistyped, expired, withdrawn, used, or for another village. Ask the town for a new one."
            }
            (ErrorCode::Unauthorized, Lang::Zh) => "请先登录乡镇管理。",
            (ErrorCode::Unauthorized, Lang::En) => "Please log in to the town's management first.",
            (ErrorCode::BadCredentials, Lang::Zh) => "用户名或密码不正确。",
            (ErrorCode::BadCredentials, Lang::En) => "The user name or password is wrong.",
            (ErrorCode::TooManyAttempts, Lang::Zh) => "登录失败次数过多，请15分钟后再试。",
            (ErrorCode::TooManyAttempts, Lang::En) => {
                "Too many failed logins. Please try again in 15 minutes."
            }
            (ErrorCode::PasswordChangeRequired, Lang::Zh) => "请先修改一次性密码。",
            (ErrorCode::PasswordChangeRequired, Lang::En) => {
                "Please change the one-time password first."
            }
            (ErrorCode::Conflict, Lang::Zh) => "该项已存在。",
            (ErrorCode::Conflict, Lang::En) => "It already exists.",
            (ErrorCode::RateLimited, Lang::Zh) => "请求过于频繁，请稍后再试。",
            (ErrorCode::RateLimited, Lang::En) => {
                "Too many requests from this address. Please wait a moment and try again."
            }
            (ErrorCode::Overloaded, Lang::Zh) => "服务器正忙或处理超时，请稍后重试。",
            (ErrorCode::Overloaded, Lang::En) => {
                "The server is busy or the request took too long. Please try again later."
            }
            (ErrorCode::CrossOrigin, Lang::Zh) => "拒绝来自其他网站的请求。",
            (ErrorCode::CrossOrigin, Lang::En) => "Requests from other sites are refused.",
            (ErrorCode::UnsupportedMediaType, Lang::Zh) => "提交的内容类型不对。",
            (ErrorCode::UnsupportedMediaType, Lang::En) => {
                "The body is not of the type this request takes."
            }
            (ErrorCode::LedgerTaken, Lang::Zh) => {
                "本村另一台平板正在或曾经使用这个标签。请换一个标签；若是更换平板，请乡镇开具“接续台账”登记码。"
            }
            (ErrorCode::LedgerTaken, Lang::En) => {
                "Another tablet of this village writes, or wrote, under this label. Choose another label, or, for a replacement tablet, ask the town for a code that continues the ledger."
            }
            (ErrorCode::LedgerMismatch, Lang::Zh) => {
                "这个登记码用于接续另一个台账，与本平板的标签不符。"
            }
            (ErrorCode::LedgerMismatch, Lang::En) => {
                "This code continues another ledger than this tablet's label."
            }
            (ErrorCode::Forbidden, Lang::Zh) => "您无权查看或修改此项。",
            (ErrorCode::Forbidden, Lang::En) => "You may not read or change this.",
            (ErrorCode::ListLoosens, Lang::Zh) => {
                "上级清单规定村级不得出具或已取消的证明，本级清单不能改为可以出具。"
            }
            (ErrorCode::ListLoosens, Lang::En) => {
                "A list cannot let villages issue what a list published above bars."
            }
            (ErrorCode::DeviceKeyTaken, Lang::Zh) => "本平板密钥已登记或已停用：请重新设置平板后再登记。",
            (ErrorCode::DeviceKeyTaken, Lang::En) => {
                "This tablet's key is enrolled already, or revoked: set the tablet up anew, then enrol."
            }
            (ErrorCode::DeviceRetired, Lang::Zh) => "本平板已由接续台账的新平板替换，不能再上报。",
            (ErrorCode::DeviceRetired, Lang::En) => {
                "A new tablet continuing this ledger replaced this one: it can no longer report."
            }
            (ErrorCode::VillageNameTaken, Lang::Zh) => "本镇已有同名的村。",
            (ErrorCode::VillageNameTaken, Lang::En) => "The town has a village of this name.",
            (ErrorCode::VillageHasData, Lang::Zh) => "该村已有数据，不能删除，只能撤销。",
            (ErrorCode::VillageHasData, Lang::En) => "The village has data: retire it instead.",
            (ErrorCode::VillageMonthsBackwards, Lang::Zh) => "设立月份不能晚于撤销月份。",
            (ErrorCode::VillageMonthsBackwards, Lang::En) => "The first month is after the last.",
            (ErrorCode::ReasonMissing, Lang::Zh) => "请写明原因（2到200字）。",
            (ErrorCode::ReasonMissing, Lang::En) => "Give a reason (2 to 200 characters).",
            (ErrorCode::AreaUnnamed, Lang::Zh) => "本辖区尚未命名，请管理员先命名。",
            (ErrorCode::AreaUnnamed, Lang::En) => "This area has no name yet: an administrator names it first.",
            (ErrorCode::ListIssuedAbove, Lang::Zh) => "上级统一发布的清单不能在本级修改，请新建本级清单。",
            (ErrorCode::ListIssuedAbove, Lang::En) => "A list issued above is not changed here: make this area's own.",
        }
    }
}

/// The JSON body of every error response: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error itself.
    pub error: ErrorDetail,
}

/// What went wrong, for a program and for a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable code, e.g. `not_found`.
    pub code: ErrorCode,
    /// Readable message in Chinese.
    pub message_zh: String,
    /// Readable message in English.
    pub message_en: String,
    /// Optional specifics (which field, which limit), in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ErrorBody {
    /// The body for `code`, with optional specifics.
    pub fn new(code: ErrorCode, detail: Option<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code,
                message_zh: code.message(Lang::Zh).to_owned(),
                message_en: code.message(Lang::En).to_owned(),
                detail,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_stable_strings() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!((400..600).contains(&code.http_status()));
            assert!(!code.message(Lang::Zh).is_empty() && !code.message(Lang::En).is_empty());
        }
    }

    #[test]
    fn an_error_body_carries_both_languages_and_round_trips() {
        let body = ErrorBody::new(ErrorCode::PayloadTooLarge, Some("limit 65536 bytes".into()));
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["code"], "payload_too_large");
        assert_eq!(
            json["error"]["message_zh"],
            ErrorCode::PayloadTooLarge.message(Lang::Zh)
        );
        assert_eq!(
            json["error"]["message_en"],
            ErrorCode::PayloadTooLarge.message(Lang::En)
        );
        let back: ErrorBody = serde_json::from_value(json).unwrap();
        assert_eq!(back, body);
    }
}
