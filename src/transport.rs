//! The app's one HTTP module: enrolment, counts up and lists down, against
//! the town server the app was loaded from. It moves bytes and maps
//! failures to reasons a clerk can read; it decides nothing.

use gloo_net::http::{Request, Response};
use jianzheng_core::api::sync::{Accepted, EnrolRequest, Enrolled};
use jianzheng_core::api::town::Contact;
use jianzheng_core::api::PREFIX as API;
use jianzheng_core::api_error::{ErrorBody, ErrorCode};
use jianzheng_core::catalogue::{ListsFile, COMPACT_MEDIA_TYPE};
use jianzheng_core::i18n::{Lang, Msg};
use jianzheng_core::values::{AreaCode, LedgerLabel, VillageCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a call to the town server failed.
#[derive(Clone, Debug, PartialEq)]
pub enum TransportError {
    /// No answer: no network, or the server is down. Worth retrying.
    Unreachable(String),
    /// The server answered with one of its errors. Retrying will not help
    /// until someone acts (enrol, talk to the town).
    Rejected(ErrorCode, Option<String>),
    /// The server answered with something this app cannot read.
    Unexpected(String),
}

impl TransportError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            TransportError::Unreachable(_) => true,
            TransportError::Rejected(code, _) => {
                matches!(code, ErrorCode::Internal | ErrorCode::StorageUnavailable)
            }
            TransportError::Unexpected(_) => false,
        }
    }

    /// The reason, for the clerk, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            TransportError::Unreachable(_) => Msg::SyncUnreachable.text(lang).to_owned(),
            TransportError::Rejected(code, detail) => match detail {
                Some(detail) => format!("{} ({detail})", code.message(lang)),
                None => code.message(lang).to_owned(),
            },
            TransportError::Unexpected(what) => {
                format!("{} ({what})", ErrorCode::BadRequest.message(lang))
            }
        }
    }
}

async fn answer(sent: Result<Response, gloo_net::Error>) -> Result<Response, TransportError> {
    let response = sent.map_err(unreachable)?;
    if response.ok() {
        return Ok(response);
    }
    // A proxy or a dead server answers without our JSON error.
    let status = response.status();
    match json_of::<ErrorBody>(response).await {
        Ok(body) => Err(TransportError::Rejected(body.error.code, body.error.detail)),
        Err(_) if status >= 500 => Err(TransportError::Unreachable(format!("HTTP {status}"))),
        Err(_) => Err(TransportError::Unexpected(format!("HTTP {status}"))),
    }
}

/// A request that did not reach the server, or whose answer broke off: what
/// the browser said, without formatting a JSON error (which would carry
/// serde_json's and std's error texts into every bundle).
fn unreachable(err: gloo_net::Error) -> TransportError {
    TransportError::Unreachable(match err {
        gloo_net::Error::JsError(js) => js.message,
        gloo_net::Error::GlooError(what) => what,
        gloo_net::Error::SerdeError(_) => String::from("JSON"),
    })
}

fn unexpected(err: impl std::fmt::Display) -> TransportError {
    TransportError::Unexpected(err.to_string())
}

/// The JSON body of an answer, read as bytes: the one JSON reader the
/// app's other parsing uses (gloo-net's `json()` would add a second).
async fn json_of<T: DeserializeOwned>(response: Response) -> Result<T, TransportError> {
    serde_json::from_slice(&body(response).await?).map_err(unexpected)
}

/// The body of an answer; a line that breaks while it comes is unreachable.
async fn body(response: Response) -> Result<Vec<u8>, TransportError> {
    response.binary().await.map_err(unreachable)
}

/// Where the lists in force at `area` are (none: the whole server's).
fn lists_url(area: Option<&AreaCode>) -> String {
    let query = area.map(|a| format!("?area={a}")).unwrap_or_default();
    format!("{API}/lists{query}")
}

/// The JSON body of a successful answer.
async fn read<T: DeserializeOwned>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, TransportError> {
    json_of(answer(sent).await?).await
}

/// Sends `body` as JSON with `method` to `url`.
async fn send(method: &str, url: &str, body: &impl Serialize) -> Result<Response, gloo_net::Error> {
    let builder = match method {
        "PUT" => Request::put(url),
        "DELETE" => Request::delete(url),
        _ => Request::post(url),
    };
    builder.json(body)?.send().await
}

/// Registers this tablet's public key with a one-time code, signed with
/// its secret (the proof that the key is this tablet's).
pub async fn enrol(
    code: &str,
    secret: &[u8; 32],
    incarnation: u32,
    village: VillageCode,
    ledger: LedgerLabel,
) -> Result<Enrolled, TransportError> {
    let body = EnrolRequest::signed(code, secret, incarnation, village, ledger);
    read(send("POST", &format!("{API}/enrol"), &body).await).await
}

/// Sends a signed counts payload (the same bytes a report file holds).
pub async fn push_counts(bytes: &[u8]) -> Result<Accepted, TransportError> {
    let request = Request::post(&format!("{API}/counts"))
        .header("content-type", "application/octet-stream")
        .body(js_sys::Uint8Array::from(bytes))
        .map_err(unexpected)?;
    read(request.send().await).await
}

/// What the papers of `area` (a village) print about the town.
pub async fn fetch_contact(area: &AreaCode) -> Result<Contact, TransportError> {
    read(
        Request::get(&format!("{API}/contact?area={area}"))
            .send()
            .await,
    )
    .await
}

/// The newest lists in force at `area` (a village's: its own areas',
/// nearest first; none: the whole server's).
pub async fn fetch_lists(area: Option<&AreaCode>) -> Result<ListsFile, TransportError> {
    let json = body(answer(Request::get(&lists_url(area)).send().await).await?).await?;
    ListsFile::from_json(&json).map_err(unexpected)
}

/// The lists in force at `area` in the compact form, as the server sent
/// them (not yet checked): what a resident's phone fetches; none if they
/// are the lists tagged `held` ([`ListsFile::tag_of`]), which the phone
/// holds already (with no tag they always come). A failure is told by its
/// status alone, so the resident's bundle reads no JSON; an error is the
/// server's only if it came as JSON, as the server's errors do (a proxy's
/// 404 is not the server not knowing the area). It goes through the
/// browser's `fetch` itself: the resident's bundle carries no HTTP client.
pub async fn fetch_lists_compact(
    area: Option<&AreaCode>,
    held: Option<&str>,
) -> Result<Option<Vec<u8>>, TransportError> {
    // What the browser says when a request cannot be made or its answer
    // breaks off; the phone only needs to know that the lists did not come.
    let broke = |_| TransportError::Unreachable(String::from("fetch"));
    let headers = web_sys::Headers::new().map_err(broke)?;
    headers.set("Accept", COMPACT_MEDIA_TYPE).map_err(broke)?;
    if let Some(held) = held {
        headers.set("If-None-Match", held).map_err(broke)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_headers(&headers);
    let sent = leptos::prelude::window().fetch_with_str_and_init(&lists_url(area), &init);
    let response: web_sys::Response = JsFuture::from(sent).await.map_err(broke)?.unchecked_into();
    let status = response.status();
    let ours = response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.starts_with("application/json"));
    match status {
        304 => return Ok(None),
        200..=299 => {}
        404 if ours => return Err(TransportError::Rejected(ErrorCode::NotFound, None)),
        400 if ours => return Err(TransportError::Rejected(ErrorCode::BadRequest, None)),
        500.. => return Err(TransportError::Unreachable(format!("HTTP {status}"))),
        _ => return Err(TransportError::Unexpected(format!("HTTP {status}"))),
    }
    let body = JsFuture::from(response.array_buffer().map_err(broke)?)
        .await
        .map_err(broke)?;
    Ok(Some(js_sys::Uint8Array::new(&body).to_vec()))
}

/// The town's signed trust list, as sent (read by
/// [`jianzheng_core::certificate::TrustList::open`]).
pub async fn fetch_trust_list() -> Result<Vec<u8>, TransportError> {
    body(answer(Request::get(&format!("{API}/trust")).send().await).await?).await
}

/// The town's endpoints; the session cookie goes along by itself.
pub mod town {
    use super::{answer, read, send, unexpected, TransportError, API};
    use gloo_net::http::Request;
    use jianzheng_core::api::audit::{AuditEntry, AuditQuery};
    use jianzheng_core::api::town::{
        AccountInfo, AreaChange, BaselineEntry, BaselineForm, BaselineYearOf, Baselines, CodeFor,
        FirstMonth, Login, Me, NewAccount, NewCode, NewVillage, OneTimePassword, PasswordChange,
        Retire, Revoke, Settings, Village, VillageRename, Withdrawn,
    };
    use jianzheng_core::ledger::Period;
    use jianzheng_core::org::Area;
    use jianzheng_core::rate::approval::{
        ApprovalPlan, Approve, Approved, Correction, Decide, Withdraw, WithdrawReason,
        Withdrawn as ApprovalWithdrawn,
    };
    use jianzheng_core::rate::letters::Letter;
    use jianzheng_core::rate::quality::VillageSigns;
    use jianzheng_core::rate::report::Report;
    use jianzheng_core::rate::{Comparison, Dashboard, VillageRow};
    use jianzheng_core::values::{
        AccountName, AreaCode, BaselineYear, DeviceKey, LedgerLabel, MonthRange, RangeText,
        VillageCode, VillageName,
    };
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    fn url(path: &str) -> String {
        format!("{API}/town/{path}")
    }

    async fn get<T: DeserializeOwned>(path: &str) -> Result<T, TransportError> {
        read(Request::get(&url(path)).send().await).await
    }

    /// Sends `body` and expects no answer body.
    async fn call(method: &str, path: &str, body: &impl Serialize) -> Result<(), TransportError> {
        answer(send(method, &url(path), body).await)
            .await
            .map(|_| ())
    }

    /// `&area=…`, or nothing for the account's own area (a code is ASCII
    /// letters and digits: nothing to escape).
    fn area_query(area: Option<&AreaCode>) -> String {
        area.map(|a| format!("&area={a}")).unwrap_or_default()
    }

    /// `&compare=…`, what a report compares with.
    fn compare_query(compare: Comparison) -> String {
        format!("&compare={}", compare.key())
    }

    /// `from=…&to=…` of a range.
    fn range_query(range: MonthRange) -> String {
        let RangeText { from, to } = range.into();
        format!("from={from}&to={to}")
    }

    /// The session's administrator.
    pub async fn me() -> Result<Me, TransportError> {
        get("me").await
    }

    /// Logs in; the server sets the session cookie.
    pub async fn login(name: &str, password: &str) -> Result<Me, TransportError> {
        let body = Login {
            name: name.to_owned(),
            password: password.to_owned(),
        };
        read(send("POST", &url("login"), &body).await).await
    }

    /// Logs out.
    pub async fn logout() -> Result<(), TransportError> {
        call("POST", "logout", &()).await
    }

    /// Changes the password.
    pub async fn change_password(current: &str, new: &str) -> Result<(), TransportError> {
        let body = PasswordChange {
            current: current.to_owned(),
            new: new.to_owned(),
        };
        call("POST", "password", &body).await
    }

    /// The account's area and everything below it, each before its children.
    pub async fn areas() -> Result<Vec<Area>, TransportError> {
        get("areas").await
    }

    /// Adds an area, or renames or moves it.
    pub async fn change_area(code: &AreaCode, change: &AreaChange) -> Result<(), TransportError> {
        call("PUT", &format!("areas/{code}"), change).await
    }

    /// The accounts within the account's area.
    pub async fn accounts() -> Result<Vec<AccountInfo>, TransportError> {
        get("accounts").await
    }

    /// Creates an account; the answer holds its one-time password.
    pub async fn create_account(account: &NewAccount) -> Result<OneTimePassword, TransportError> {
        read(send("POST", &url("accounts"), account).await).await
    }

    /// Disables (`enable` false) or enables an account.
    pub async fn set_account_enabled(
        name: &AccountName,
        enable: bool,
    ) -> Result<(), TransportError> {
        let action = if enable { "enable" } else { "disable" };
        call("POST", &format!("accounts/{name}/{action}"), &()).await
    }

    /// Gives an account a new one-time password.
    pub async fn reset_password(name: &AccountName) -> Result<OneTimePassword, TransportError> {
        let path = url(&format!("accounts/{name}/reset-password"));
        read(send("POST", &path, &()).await).await
    }

    /// `account=…&kind=…` of an audit query (`path` is `audit` or `audit.csv`).
    pub fn audit_url(path: &str, query: &AuditQuery) -> String {
        let encode = |t: &str| String::from(js_sys::encode_uri_component(t));
        let mut parts = Vec::new();
        if let Some(a) = &query.account {
            parts.push(format!("account={}", encode(a)));
        }
        if let Some(a) = &query.area {
            parts.push(format!("area={a}"));
        }
        if let Some(k) = query.kind {
            parts.push(format!("kind={}", k.as_str()));
        }
        for (name, bound) in [("from", &query.from), ("to", &query.to)] {
            if let Some(b) = bound {
                parts.push(format!("{name}={}", encode(b)));
            }
        }
        if let Some(b) = query.before {
            parts.push(format!("before={b}"));
        }
        format!("{}?{}", url(path), parts.join("&"))
    }

    /// One page of the audit trail, newest first.
    pub async fn audit(query: &AuditQuery) -> Result<Vec<AuditEntry>, TransportError> {
        read(Request::get(&audit_url("audit", query)).send().await).await
    }

    /// Villages and their tablets.
    pub async fn villages() -> Result<Vec<Village>, TransportError> {
        get("villages").await
    }

    /// Adds a village.
    pub async fn create_village(
        code: VillageCode,
        name: VillageName,
        parent: Option<AreaCode>,
    ) -> Result<(), TransportError> {
        call("POST", "villages", &NewVillage { code, name, parent }).await
    }

    /// Sets the month a village counts from.
    pub async fn set_first_month(code: &VillageCode, first: Period) -> Result<(), TransportError> {
        call(
            "PUT",
            &format!("villages/{code}/first-month"),
            &FirstMonth { first },
        )
        .await
    }

    /// Retires a village after its last month.
    pub async fn retire_village(code: &VillageCode, last: Period) -> Result<(), TransportError> {
        call("POST", &format!("villages/{code}/retire"), &Retire { last }).await
    }

    /// Deletes a village that has no data.
    pub async fn delete_village(code: &VillageCode) -> Result<(), TransportError> {
        call("DELETE", &format!("villages/{code}"), &()).await
    }

    /// Renames a village.
    pub async fn rename_village(
        code: &VillageCode,
        name: VillageName,
    ) -> Result<(), TransportError> {
        call("PUT", &format!("villages/{code}"), &VillageRename { name }).await
    }

    /// The villages page's settings.
    pub async fn settings() -> Result<Settings, TransportError> {
        get("settings").await
    }

    /// Saves the villages page's settings.
    pub async fn set_settings(settings: Settings) -> Result<(), TransportError> {
        call("PUT", "settings", &settings).await
    }

    /// A new enrolment code for a village: for a new tablet (a new
    /// ledger), or for one that continues `ledger` (a replacement).
    pub async fn enrolment_code(
        village: &VillageCode,
        ledger: Option<LedgerLabel>,
    ) -> Result<NewCode, TransportError> {
        let body = CodeFor {
            continue_ledger: ledger,
        };
        read(
            send(
                "POST",
                &url(&format!("villages/{village}/enrolment-code")),
                &body,
            )
            .await,
        )
        .await
    }

    /// Withdraws every unused enrolment code of a village.
    pub async fn withdraw_codes(village: &VillageCode) -> Result<Withdrawn, TransportError> {
        let path = format!("villages/{village}/enrolment-code/withdraw");
        read(send("POST", &url(&path), &()).await).await
    }

    /// Revokes a tablet.
    pub async fn revoke(key: DeviceKey, incarnation: u32) -> Result<(), TransportError> {
        call("POST", "devices/revoke", &Revoke { key, incarnation }).await
    }

    /// The signs that a figure is not real, per village of `area`, for `range`.
    pub async fn quality(
        range: MonthRange,
        area: Option<&AreaCode>,
    ) -> Result<Vec<VillageSigns>, TransportError> {
        get(&format!(
            "quality?{}{}",
            range_query(range),
            area_query(area)
        ))
        .await
    }

    /// The letters to agencies for the villages of `area`, for `range`.
    pub async fn letters(
        range: MonthRange,
        area: Option<&AreaCode>,
    ) -> Result<Vec<Letter>, TransportError> {
        get(&format!(
            "letters?{}{}",
            range_query(range),
            area_query(area)
        ))
        .await
    }

    /// Approves `period` for every village of `area` (a village's code: that
    /// village; `None`: the account's own area).
    pub async fn approve(
        period: Period,
        area: Option<AreaCode>,
    ) -> Result<Approved, TransportError> {
        read(send("POST", &url("approvals"), &Approve { period, area }).await).await
    }

    /// What approving `period` for `area` would do.
    pub async fn approval_plan(
        period: Period,
        area: Option<&AreaCode>,
    ) -> Result<ApprovalPlan, TransportError> {
        get(&format!(
            "approvals/plan?month={period}{}",
            area_query(area)
        ))
        .await
    }

    /// Withdraws the approval of `period` for `area`, for `reason`.
    pub async fn withdraw_approval(
        period: Period,
        area: Option<AreaCode>,
        reason: WithdrawReason,
    ) -> Result<ApprovalWithdrawn, TransportError> {
        let body = Withdraw {
            period,
            area,
            reason,
        };
        read(send("POST", &url("approvals/withdraw"), &body).await).await
    }

    /// The corrections waiting in approved months of `area`.
    pub async fn corrections(area: Option<&AreaCode>) -> Result<Vec<Correction>, TransportError> {
        get(&format!("corrections?{}", area_query(area))).await
    }

    /// Accepts or dismisses the corrections of `village`'s `period`.
    pub async fn decide(
        village: VillageCode,
        period: Period,
        accept: bool,
    ) -> Result<(), TransportError> {
        let body = Decide {
            village,
            period,
            accept,
        };
        call("POST", "corrections", &body).await
    }

    /// The report upward of `area` for `range`, compared as `compare` says.
    pub async fn report(
        range: MonthRange,
        area: Option<&AreaCode>,
        compare: Comparison,
    ) -> Result<Report, TransportError> {
        get(&format!(
            "report?{}{}{}",
            range_query(range),
            area_query(area),
            compare_query(compare)
        ))
        .await
    }

    /// The dashboard of `area` (the account's own when `None`) for `range`.
    pub async fn dashboard(
        range: MonthRange,
        area: Option<&AreaCode>,
    ) -> Result<Dashboard, TransportError> {
        get(&format!(
            "dashboard?{}{}",
            range_query(range),
            area_query(area)
        ))
        .await
    }

    /// One village's months in `range`.
    pub async fn village_months(
        code: &VillageCode,
        range: MonthRange,
    ) -> Result<VillageRow, TransportError> {
        get(&format!("villages/{code}/months?{}", range_query(range))).await
    }

    /// Baselines of the baseline year.
    pub async fn baselines() -> Result<Baselines, TransportError> {
        get("baselines").await
    }

    /// Imports baselines from CSV text (`village,month,count`).
    pub async fn import_baselines(year: BaselineYear, csv: String) -> Result<(), TransportError> {
        let request = Request::post(&url(&format!("baselines/csv?year={year}")))
            .header("content-type", "text/csv")
            .body(csv)
            .map_err(unexpected)?;
        answer(request.send().await).await.map(|_| ())
    }

    /// Takes the registry's own data of `year` as the baseline.
    pub async fn baselines_from_registry(year: BaselineYear) -> Result<(), TransportError> {
        call("POST", "baselines/from-registry", &BaselineYearOf { year }).await
    }

    /// Sets one baseline month by hand.
    pub async fn set_baseline(
        year: BaselineYear,
        entry: BaselineEntry,
    ) -> Result<(), TransportError> {
        let body = BaselineForm {
            year,
            entries: vec![entry],
        };
        call("PUT", "baselines", &body).await
    }
}

/// The town's list editing.
pub mod lists {
    use super::{read, send, TransportError, API};
    use gloo_net::http::Request;
    use jianzheng_core::api::lists::{EditedList, NewList};
    use jianzheng_core::catalogue::{EntryChange, List};
    use jianzheng_core::values::AreaCode;

    /// Every list in force at `area` (the account's own when `None`) with
    /// its draft.
    pub async fn all(area: Option<&AreaCode>) -> Result<Vec<EditedList>, TransportError> {
        let query = area.map(|a| format!("?area={a}")).unwrap_or_default();
        read(
            Request::get(&format!("{API}/town/lists{query}"))
                .send()
                .await,
        )
        .await
    }

    /// Makes a list of `area`'s own (published with no entries).
    pub async fn create(new: &NewList) -> Result<List, TransportError> {
        read(send("POST", &format!("{API}/town/lists"), new).await).await
    }

    /// Saves a draft; returns its changes.
    pub async fn save_draft(draft: &List) -> Result<Vec<EntryChange>, TransportError> {
        read(
            send(
                "PUT",
                &format!("{API}/town/lists/{}/draft", draft.id),
                draft,
            )
            .await,
        )
        .await
    }

    /// Publishes the draft of list `id`; returns the new version.
    pub async fn publish(id: &str) -> Result<List, TransportError> {
        let request = Request::post(&format!("{API}/town/lists/{id}/publish"));
        read(request.send().await).await
    }
}
