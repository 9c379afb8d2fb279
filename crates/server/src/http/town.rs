//! The town's endpoints under `/api/v1/town`: login, villages and their
//! tablets, enrolment codes, baselines, the dashboard and its exports.
//! Every one but login requires a session ([`Admin`]).

use super::client::ClientIp;
use super::{JsonBody, QueryParams};
use crate::auth::{
    check_password, hash_password_blocking, new_token, Admin, Session, MAX_NAME_CHARS,
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, SESSION_HOURS,
};
use crate::clock::current_period;
use crate::error::ApiError;
use crate::export;
use crate::storage::{
    LedgerIntent, BASELINE_YEAR_KEY, ENROLMENT_CODE_DAYS, ENROLMENT_CODE_DAYS_KEY,
};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::ledger::Period;
use jianzheng_core::rate::{Dashboard, DashboardInput, VillageRow};
use jianzheng_core::sync::display_code;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, detail)
}

/// Login form.
#[derive(Deserialize)]
pub struct Login {
    name: String,
    password: String,
}

/// Who is logged in.
#[derive(Serialize)]
pub struct Me {
    name: String,
    must_change: bool,
}

/// `POST /town/login`: a session cookie for a right name and password.
/// Five wrong tries lock the name out for 15 minutes, twenty lock out the
/// client's address; an unknown name costs as long as a wrong password.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(address): ClientIp,
    JsonBody(form): JsonBody<Login>,
) -> Result<Response, ApiError> {
    let name = form.name.trim().to_owned();
    if name.chars().count() > MAX_NAME_CHARS || form.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(bad(format!(
            "a name has at most {MAX_NAME_CHARS} characters, a password {MAX_PASSWORD_CHARS}"
        )));
    }
    let Some(attempt) = state.limiter.begin(&name, address) else {
        return Err(ApiError::code(ErrorCode::TooManyAttempts));
    };
    let user = state.storage.user(&name).await?;
    let right = check_password(form.password, user.as_ref()).await;
    let Some(user) = user.filter(|_| right) else {
        return Err(ApiError::code(ErrorCode::BadCredentials));
    };
    attempt.succeeded();
    let (token, hash) = new_token();
    state
        .storage
        .create_session(&hash, &user.name, SESSION_HOURS)
        .await?;
    let me = Me {
        name: user.name,
        must_change: user.must_change,
    };
    Ok((
        [(header::SET_COOKIE, state.cookies.session(&token))],
        Json(me),
    )
        .into_response())
}

/// `POST /town/logout`.
pub async fn logout(State(state): State<AppState>, session: Session) -> Result<Response, ApiError> {
    state.storage.delete_session(&session.token_hash).await?;
    Ok((
        [(header::SET_COOKIE, state.cookies.cleared())],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

/// `GET /town/me`.
pub async fn me(session: Session) -> Json<Me> {
    Json(Me {
        name: session.user.name,
        must_change: session.user.must_change,
    })
}

/// Password change form.
#[derive(Deserialize)]
pub struct PasswordChange {
    current: String,
    new: String,
}

/// `POST /town/password`: also the way out of a one-time password. Every
/// other session of the account ends.
pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    JsonBody(form): JsonBody<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let new_chars = form.new.chars().count();
    if form.current.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ApiError::code(ErrorCode::BadCredentials));
    }
    if !check_password(form.current.clone(), Some(&session.user)).await {
        return Err(ApiError::code(ErrorCode::BadCredentials));
    }
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&new_chars) || form.new == form.current {
        return Err(bad(format!(
            "the new password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters and must differ"
        )));
    }
    let hash = hash_password_blocking(form.new).await;
    state
        .storage
        .set_password(&session.user.name, &hash, &session.token_hash)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A village with its tablets.
#[derive(Serialize)]
pub struct VillageView {
    code: String,
    name: String,
    devices: Vec<DeviceView>,
}

/// A tablet as the town sees it.
#[derive(Serialize)]
pub struct DeviceView {
    key: String,
    incarnation: u32,
    ledger: String,
    enrolled_at: String,
    last_seen_at: Option<String>,
    revoked: bool,
    /// Another tablet continues its ledger.
    retired: bool,
    /// Live and not heard from in the town's number of days (default
    /// [`STALE_DAYS`]).
    stale: bool,
}

/// Days without an upload after which a tablet is shown as silent, until
/// the town sets another number.
pub const STALE_DAYS: u32 = 14;

/// The setting that holds the number of silent days.
const STALE_DAYS_KEY: &str = "stale_days";

/// The villages page's settings.
#[derive(Serialize, Deserialize)]
pub struct VillageSettings {
    stale_days: u32,
    /// Days a new enrolment code is valid (1 to 90).
    #[serde(default = "default_code_days")]
    enrolment_code_days: u32,
}

fn default_code_days() -> u32 {
    ENROLMENT_CODE_DAYS
}

async fn stale_days(state: &AppState) -> Result<u32, ApiError> {
    Ok(state
        .storage
        .setting(STALE_DAYS_KEY)
        .await?
        .and_then(|d| d.parse().ok())
        .unwrap_or(STALE_DAYS))
}

/// `GET /town/settings`.
pub async fn settings(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<VillageSettings>, ApiError> {
    Ok(Json(VillageSettings {
        stale_days: stale_days(&state).await?,
        enrolment_code_days: state.storage.enrolment_code_days().await?,
    }))
}

/// `PUT /town/settings`: 1 to 365 days.
pub async fn set_settings(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(form): JsonBody<VillageSettings>,
) -> Result<StatusCode, ApiError> {
    if !(1..=365).contains(&form.stale_days) {
        return Err(bad("stale_days must be between 1 and 365"));
    }
    if !(1..=90).contains(&form.enrolment_code_days) {
        return Err(bad("enrolment_code_days must be between 1 and 90"));
    }
    state
        .storage
        .set_setting(STALE_DAYS_KEY, &form.stale_days.to_string())
        .await?;
    state
        .storage
        .set_setting(
            ENROLMENT_CODE_DAYS_KEY,
            &form.enrolment_code_days.to_string(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `GET /town/villages`.
pub async fn villages(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<VillageView>>, ApiError> {
    let days = stale_days(&state).await?;
    let mut out = Vec::new();
    for village in state.storage.villages().await? {
        let devices = state
            .storage
            .devices_with_staleness(&village.code, days)
            .await?
            .into_iter()
            .map(|(d, stale)| DeviceView {
                key: hex(&d.key),
                incarnation: d.incarnation,
                ledger: d.ledger,
                enrolled_at: d.enrolled_at,
                last_seen_at: d.last_seen_at,
                revoked: d.revoked,
                retired: d.retired,
                stale,
            })
            .collect();
        out.push(VillageView {
            code: village.code,
            name: village.name,
            devices,
        });
    }
    Ok(Json(out))
}

/// A village to create or rename.
#[derive(Deserialize)]
pub struct VillageForm {
    #[serde(default)]
    code: String,
    name: String,
}

fn valid_code(code: &str) -> bool {
    (1..=20).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric())
}

fn valid_name(name: &str) -> bool {
    !name.trim().is_empty() && name.chars().count() <= 60
}

/// `POST /town/villages`.
pub async fn create_village(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(form): JsonBody<VillageForm>,
) -> Result<StatusCode, ApiError> {
    let code = form.code.trim();
    if !valid_code(code) || !valid_name(&form.name) {
        return Err(bad(
            "code: 1 to 20 letters or digits; name: 1 to 60 characters",
        ));
    }
    if !state.storage.create_village(code, form.name.trim()).await? {
        return Err(ApiError::code(ErrorCode::Conflict));
    }
    Ok(StatusCode::CREATED)
}

/// `PUT /town/villages/{code}`.
pub async fn rename_village(
    State(state): State<AppState>,
    _: Admin,
    Path(code): Path<String>,
    JsonBody(form): JsonBody<VillageForm>,
) -> Result<StatusCode, ApiError> {
    if !valid_name(&form.name) {
        return Err(bad("name: 1 to 60 characters"));
    }
    if !state
        .storage
        .rename_village(&code, form.name.trim())
        .await?
    {
        return Err(ApiError::code(ErrorCode::NotFound));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A new enrolment code.
#[derive(Serialize)]
pub struct NewCode {
    code: String,
    display: String,
    village: String,
    /// Days the code stays valid.
    valid_days: u32,
}

/// What an enrolment code is for.
#[derive(Deserialize, Default)]
pub struct CodeFor {
    /// The ledger a replaced or restored tablet continues; none for a new
    /// tablet (a new ledger).
    #[serde(default)]
    continue_ledger: Option<String>,
}

/// `POST /town/villages/{code}/enrolment-code` with no body or `{}` for a
/// new tablet, or `{"continue_ledger": "T1"}` for one that replaces T1's.
pub async fn enrolment_code(
    State(state): State<AppState>,
    _: Admin,
    Path(village): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<NewCode>, ApiError> {
    // No body at all is a code for a new tablet, as `{}` is.
    let form: CodeFor = match body.is_empty() {
        true => CodeFor::default(),
        false => serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?,
    };
    if !state
        .storage
        .villages()
        .await?
        .iter()
        .any(|v| v.code == village)
    {
        return Err(ApiError::code(ErrorCode::NotFound));
    }
    let intent = match form.continue_ledger {
        None => LedgerIntent::New,
        Some(ledger) => {
            let live = state.storage.devices(&village).await?;
            if !live.iter().any(|d| d.ledger == ledger) {
                return Err(bad(format!("village {village} has no ledger {ledger}")));
            }
            LedgerIntent::Continue(ledger)
        }
    };
    let days = state.storage.enrolment_code_days().await?;
    let code = state
        .storage
        .create_enrolment_code(&village, days, &intent)
        .await?;
    Ok(Json(NewCode {
        display: display_code(&code),
        code,
        village,
        valid_days: days,
    }))
}

/// How many unused codes were withdrawn.
#[derive(Serialize)]
pub struct Withdrawn {
    withdrawn: u64,
}

/// `POST /town/villages/{code}/enrolment-code/withdraw`: every unused code
/// of the village stops working (a code seen by the wrong person).
pub async fn withdraw_enrolment_codes(
    State(state): State<AppState>,
    _: Admin,
    Path(village): Path<String>,
) -> Result<Json<Withdrawn>, ApiError> {
    let withdrawn = state.storage.withdraw_enrolment_codes(&village).await?;
    Ok(Json(Withdrawn { withdrawn }))
}

/// A tablet to revoke.
#[derive(Deserialize)]
pub struct Revoke {
    key: String,
    incarnation: u32,
}

/// `POST /town/devices/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(form): JsonBody<Revoke>,
) -> Result<StatusCode, ApiError> {
    let key: [u8; 32] = (0..32)
        .map(|i| {
            form.key
                .get(2 * i..2 * i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| bad("key must be 64 hex digits"))?;
    if !state.storage.revoke(&key, form.incarnation).await? {
        return Err(ApiError::code(ErrorCode::NotFound));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A year asked for.
#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// Baselines of a year.
#[derive(Serialize)]
pub struct Baselines {
    year: Option<i32>,
    baselines: Vec<crate::storage::Baseline>,
}

async fn baseline_year(state: &AppState) -> Result<Option<i32>, ApiError> {
    Ok(state
        .storage
        .setting(BASELINE_YEAR_KEY)
        .await?
        .and_then(|y| y.parse().ok()))
}

/// `GET /town/baselines[?year=]`: the baseline year's (or `year`'s) baselines.
pub async fn baselines(
    State(state): State<AppState>,
    _: Admin,
    QueryParams(q): QueryParams<YearQuery>,
) -> Result<Json<Baselines>, ApiError> {
    let year = match q.year {
        Some(y) => Some(y),
        None => baseline_year(&state).await?,
    };
    let baselines = match year {
        Some(y) => state.storage.baselines(y).await?,
        None => vec![],
    };
    Ok(Json(Baselines { year, baselines }))
}

/// Baselines entered by hand.
#[derive(Deserialize)]
pub struct BaselineForm {
    year: i32,
    entries: Vec<BaselineEntry>,
}

/// One village month.
#[derive(Deserialize)]
pub struct BaselineEntry {
    village: String,
    month: u8,
    count: u64,
}

fn check_year(year: i32) -> Result<(), ApiError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(bad("year must be between 2000 and 2100"))
    }
}

async fn store_baselines(
    state: &AppState,
    year: i32,
    entries: Vec<(String, u8, u64)>,
    source: &str,
) -> Result<StatusCode, ApiError> {
    check_year(year)?;
    let known: Vec<String> = state
        .storage
        .villages()
        .await?
        .into_iter()
        .map(|v| v.code)
        .collect();
    let mut rows = Vec::new();
    for (village, month, count) in entries {
        if !(1..=12).contains(&month) || !known.contains(&village) || count > 1_000_000 {
            return Err(bad(format!("baseline {village} month {month}: unknown village, month outside 1-12 or count too large")));
        }
        rows.push((village, Period { year, month }, count));
    }
    if rows.is_empty() {
        // Switching the year to one without baselines would leave every
        // rate without one: nothing changes instead.
        return Err(bad(format!(
            "no baselines for {year}: the baseline year and its figures stay as they were"
        )));
    }
    state.storage.set_baselines(year, &rows, source).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /town/baselines`: baselines typed in, all or none.
pub async fn set_baselines(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(form): JsonBody<BaselineForm>,
) -> Result<StatusCode, ApiError> {
    let entries = form
        .entries
        .into_iter()
        .map(|e| (e.village, e.month, e.count))
        .collect();
    store_baselines(&state, form.year, entries, "manual").await
}

/// `POST /town/baselines/csv?year=`: lines `village,month,count` (a header
/// line is skipped), all or none.
pub async fn import_baselines(
    State(state): State<AppState>,
    _: Admin,
    QueryParams(q): QueryParams<YearQuery>,
    headers: axum::http::HeaderMap,
    body: String,
) -> Result<StatusCode, ApiError> {
    // A form on another site can post `text/plain`, never `text/csv`
    // without asking first (CORS), so the type is part of the defence.
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/csv"));
    if !is_csv {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "the baselines are sent as text/csv",
        ));
    }
    let year = q.year.ok_or_else(|| bad("year is required"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(body.as_bytes());
    let mut entries = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(format!("line {}: {e}", i + 1)))?;
        let fields: Vec<&str> = record.iter().collect();
        let [village, month, count] = fields[..] else {
            return Err(bad(format!("line {}: expected village,month,count", i + 1)));
        };
        let parsed = (month.parse::<u8>(), count.parse::<u64>());
        match parsed {
            (Ok(m), Ok(c)) => entries.push((village.to_owned(), m, c)),
            _ if i == 0 => continue, // a header
            _ => {
                return Err(bad(format!(
                    "line {}: month and count must be numbers",
                    i + 1
                )))
            }
        }
    }
    store_baselines(&state, year, entries, "csv").await
}

/// `POST /town/baselines/from-registry`: each village's issued (net) per
/// month of `year`, as recorded by its tablets, becomes the baseline.
pub async fn baselines_from_registry(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(q): JsonBody<YearQuery>,
) -> Result<StatusCode, ApiError> {
    let year = q.year.ok_or_else(|| bad("year is required"))?;
    check_year(year)?;
    let figures = state
        .storage
        .figures(Period { year, month: 1 }, Period { year, month: 12 })
        .await?;
    let entries = figures
        .months
        .iter()
        .flat_map(|(village, months)| {
            months
                .iter()
                .filter(|m| m.reported)
                .map(|m| (village.clone(), m.period.month, m.counts.issued_net()))
        })
        .collect();
    store_baselines(&state, year, entries, "registry").await
}

/// A range of months.
#[derive(Deserialize)]
pub struct Range {
    from: String,
    to: String,
}

fn range(q: &Range) -> Result<(Period, Period), ApiError> {
    let (Some(first), Some(last)) = (Period::parse(&q.from), Period::parse(&q.to)) else {
        return Err(bad("from and to are months, YYYY-MM"));
    };
    if first > last
        || (last.year - first.year) * 12 + i32::from(last.month) - i32::from(first.month) >= 120
    {
        return Err(bad(
            "from must not be after to, and the range at most 120 months",
        ));
    }
    Ok((first, last))
}

/// What core builds the dashboard from, for a range.
async fn dashboard_input(
    state: &AppState,
    first: Period,
    last: Period,
) -> Result<DashboardInput, ApiError> {
    let year = baseline_year(state).await?;
    // Independent reads, each on its own pooled connection (WAL readers
    // run side by side).
    let baselines = async {
        match year {
            Some(y) => state.storage.baselines(y).await,
            None => Ok(vec![]),
        }
    };
    let (figures, baselines, villages) = tokio::try_join!(
        state.storage.figures(first, last),
        baselines,
        state.storage.villages()
    )?;
    let mut by_village: BTreeMap<String, [Option<u64>; 12]> = BTreeMap::new();
    for b in baselines {
        by_village.entry(b.village).or_default()[usize::from(b.period.month) - 1] = Some(b.count);
    }
    let input = DashboardInput {
        villages: villages.into_iter().map(|v| (v.code, v.name)).collect(),
        months: figures.months,
        baseline_year: year,
        baselines: by_village,
        flagged: figures.flagged,
    };
    Ok(input)
}

/// The dashboard as of the server's month in progress; a sum too large to
/// show is an error, not a wrong figure.
fn build(input: &DashboardInput, first: Period, last: Period) -> Result<Dashboard, ApiError> {
    Dashboard::build(input, first, last, current_period())
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))
}

/// `GET /town/dashboard?from=YYYY-MM&to=YYYY-MM`.
pub async fn dashboard(
    State(state): State<AppState>,
    _: Admin,
    QueryParams(q): QueryParams<Range>,
) -> Result<Json<Dashboard>, ApiError> {
    let (first, last) = range(&q)?;
    let input = dashboard_input(&state, first, last).await?;
    Ok(Json(build(&input, first, last)?))
}

/// `GET /town/villages/{code}/months?from&to`: one village's months.
pub async fn village_months(
    State(state): State<AppState>,
    _: Admin,
    Path(code): Path<String>,
    QueryParams(q): QueryParams<Range>,
) -> Result<Json<VillageRow>, ApiError> {
    let (first, last) = range(&q)?;
    let mut input = dashboard_input(&state, first, last).await?;
    input.villages.retain(|(c, _)| *c == code);
    Dashboard::village_rows(&input, first, last, current_period())
        .pop()
        .map(Json)
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))
}

fn attachment(name: &str, mime: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /town/export.csv?from&to`.
pub async fn export_csv(
    State(state): State<AppState>,
    _: Admin,
    QueryParams(q): QueryParams<Range>,
) -> Result<Response, ApiError> {
    let (first, last) = range(&q)?;
    let input = dashboard_input(&state, first, last).await?;
    let town = build(&input, first, last)?;
    let rows = Dashboard::village_rows(&input, first, last, town.current);
    let name = format!("jianzheng-{first}-{last}.csv");
    Ok(attachment(
        &name,
        "text/csv; charset=utf-8",
        export::csv(&town, &rows),
    ))
}

/// `GET /town/export.xlsx?from&to`.
pub async fn export_xlsx(
    State(state): State<AppState>,
    _: Admin,
    QueryParams(q): QueryParams<Range>,
) -> Result<Response, ApiError> {
    let (first, last) = range(&q)?;
    let input = dashboard_input(&state, first, last).await?;
    let town = build(&input, first, last)?;
    let rows = Dashboard::village_rows(&input, first, last, town.current);
    let bytes = export::xlsx(&town, &rows).map_err(|e| ApiError::new(ErrorCode::Internal, e))?;
    let name = format!("jianzheng-{first}-{last}.xlsx");
    Ok(attachment(
        &name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}
