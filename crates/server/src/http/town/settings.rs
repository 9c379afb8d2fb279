//! The settings (silent days, how long an enrolment code is valid, the
//! baseline year): the whole server's, and any area's own for its subtree,
//! inherited by core's rule ([`jianzheng_core::org::settings`]).

use super::super::{AreaParam, JsonBody, Parsed};
use super::internal;
use crate::error::ApiError;
use crate::scope::Account;
use crate::storage::{
    BASELINE_YEAR_KEY, COMPLAINT_PHONE_KEY, ENROLMENT_CODE_DAYS_KEY, REPORT_DAYS_KEY,
    STALE_DAYS_KEY,
};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use jianzheng_core::api::audit::{AuditKind, Said};
use jianzheng_core::api::town::{Contact, Settings};
use jianzheng_core::api_error::ErrorCode;
use jianzheng_core::org::roles::Action;
use jianzheng_core::org::settings::AreaSettings;
use jianzheng_core::org::{AreaTree, Level};
use jianzheng_core::values::{
    AreaCode, BaselineYear, CodeDays, PhoneNumber, ReportDays, StaleDays,
};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

/// `/settings`.
pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/settings",
        get(settings).put(set_settings).delete(inherit_settings),
    )
}

/// A stored whole-server setting: one that does not parse is an error,
/// not a default; an absent one is `None`.
async fn stored<T: FromStr>(state: &AppState, key: &str) -> Result<Option<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    state
        .storage
        .setting(key)
        .await?
        .map(|text| {
            text.parse()
                .map_err(|e| internal(format!("stored {key} {text:?}: {e}")))
        })
        .transpose()
}

/// The whole server's settings.
async fn whole(state: &AppState) -> Result<Settings, ApiError> {
    Ok(Settings {
        stale_days: stored::<StaleDays>(state, STALE_DAYS_KEY)
            .await?
            .unwrap_or_default(),
        enrolment_code_days: stored::<CodeDays>(state, ENROLMENT_CODE_DAYS_KEY)
            .await?
            .unwrap_or_default(),
        report_days: stored::<ReportDays>(state, REPORT_DAYS_KEY)
            .await?
            .unwrap_or_default(),
        baseline_year: stored::<BaselineYear>(state, BASELINE_YEAR_KEY).await?,
        complaint_phone: stored::<PhoneNumber>(state, COMPLAINT_PHONE_KEY).await?,
    })
}

/// The whole server's settings and every area's own, to read the settings
/// in force at any area.
pub struct InForce {
    whole: Settings,
    own: BTreeMap<String, AreaSettings>,
    tree: Option<Arc<AreaTree>>,
}

impl InForce {
    /// Reads them, over the account's tree.
    pub async fn read(state: &AppState, account: &Account) -> Result<InForce, ApiError> {
        InForce::over(state, account.tree.clone()).await
    }

    /// Reads them, over `tree`.
    async fn over(state: &AppState, tree: Option<Arc<AreaTree>>) -> Result<InForce, ApiError> {
        Ok(InForce {
            whole: whole(state).await?,
            own: state.storage.area_settings().await?,
            tree,
        })
    }

    /// The settings in force at `area` (`None`: the whole server's).
    pub fn at(&self, area: Option<&str>) -> Settings {
        let (Some(area), Some(tree)) = (area.and_then(|a| a.parse::<AreaCode>().ok()), &self.tree)
        else {
            return self.whole.clone();
        };
        self.along(tree.path(&area).iter().rev().map(|a| &a.code))
    }

    /// The settings `area` would inherit if it set none of its own.
    fn above(&self, area: &AreaCode) -> Settings {
        match &self.tree {
            Some(tree) => self.along(tree.ancestors(area).map(|a| &a.code)),
            None => self.whole.clone(),
        }
    }

    /// The settings in force below the areas of `path`, nearest first.
    fn along<'a>(&self, path: impl Iterator<Item = &'a AreaCode>) -> Settings {
        let own = path.filter_map(|code| self.own.get(code.as_str()));
        AreaSettings::inherit(own, self.whole.clone())
    }
}

/// The area a settings request is about: `?area=` or the account's own;
/// `None` for the whole server's (the root's, or a server with no area).
fn target(account: &Account, param: AreaParam) -> Result<Option<AreaCode>, ApiError> {
    let area = param
        .area
        .or_else(|| account.scope.as_ref().map(|s| s.area.clone()));
    let Some(area) = area else {
        return Ok(None);
    };
    account.may(Action::Read, &area)?;
    let root = account.tree.as_ref().map(|t| &t.root().code);
    Ok((Some(&area) != root).then_some(area))
}

/// `GET /town/settings[?area=]`: the settings in force at the area.
async fn settings(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(param)): Parsed<Query<AreaParam>>,
) -> Result<Json<Settings>, ApiError> {
    account.may_somewhere(Action::Read)?;
    let area = target(&account, param)?;
    let in_force = InForce::read(&state, &account).await?;
    Ok(Json(in_force.at(area.as_ref().map(AreaCode::as_str))))
}

/// `PUT /town/settings[?area=]`: the area's own settings (the root's: the
/// whole server's, where a baseline year left out stays as it is).
async fn set_settings(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(param)): Parsed<Query<AreaParam>>,
    JsonBody(form): JsonBody<Settings>,
) -> Result<StatusCode, ApiError> {
    let area = target(&account, param)?;
    let before_own = InForce::read(&state, &account).await?;
    let before = before_own.at(area.as_ref().map(AreaCode::as_str));
    let year_before = before
        .baseline_year
        .map_or("-".to_owned(), |y| y.to_string());
    let (year_after_zh, year_after) = match (&area, form.baseline_year) {
        (_, Some(year)) => (year.to_string(), year.to_string()),
        (None, None) => ("不变".to_owned(), "unchanged".to_owned()),
        (Some(_), None) => ("沿用上级".to_owned(), "inherited".to_owned()),
    };
    let phone = |p: &Option<PhoneNumber>| p.as_ref().map_or("-".to_owned(), ToString::to_string);
    // Each setting: its words in Chinese and English, and its value before
    // and after (the year after in each language's words).
    let count = |was: &dyn ToString, now: &dyn ToString| (was.to_string(), now.to_string());
    let changes = [
        (
            "静默天数",
            "silent days",
            count(&before.stale_days, &form.stale_days),
            None,
        ),
        (
            "登记码有效天数",
            "code days",
            count(&before.enrolment_code_days, &form.enrolment_code_days),
            None,
        ),
        (
            "按时上报天数",
            "report days",
            count(&before.report_days, &form.report_days),
            None,
        ),
        (
            "基线年份",
            "baseline year",
            (year_before, year_after_zh),
            Some(year_after),
        ),
        (
            "投诉电话",
            "complaint phone",
            (phone(&before.complaint_phone), phone(&form.complaint_phone)),
            None,
        ),
    ];
    let zh: Vec<String> = changes
        .iter()
        .map(|(words, _, (was, now), _)| format!("{words} {was} → {now}"))
        .collect();
    let en: Vec<String> = changes
        .iter()
        .map(|(_, words, (was, now), now_en)| {
            format!("{words} {was} → {}", now_en.as_ref().unwrap_or(now))
        })
        .collect();
    let detail = Said::new(zh.join("；"), en.join("; "));
    let at = area.as_ref().map(AreaCode::as_str);
    match &area {
        None => {
            account.for_all(Action::EditSettings)?;
            let mut settings = vec![
                (STALE_DAYS_KEY, form.stale_days.to_string()),
                (
                    ENROLMENT_CODE_DAYS_KEY,
                    form.enrolment_code_days.to_string(),
                ),
                (REPORT_DAYS_KEY, form.report_days.to_string()),
            ];
            if let Some(year) = form.baseline_year {
                settings.push((BASELINE_YEAR_KEY, year.to_string()));
            }
            if let Some(phone) = &form.complaint_phone {
                settings.push((COMPLAINT_PHONE_KEY, phone.to_string()));
            }
            account
                .audited(&state, AuditKind::SettingsChanged, at, detail.clone())
                .set_settings(&settings)
                .await?;
        }
        Some(area) => {
            account.may(Action::EditSettings, area)?;
            let own = AreaSettings::from_form(
                before_own
                    .own
                    .get(area.as_str())
                    .cloned()
                    .unwrap_or_default(),
                form.clone(),
                before_own.above(area),
            );
            account
                .audited(&state, AuditKind::SettingsChanged, at, detail)
                .set_area_settings(area.as_str(), &own)
                .await?;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /town/settings?area=`: the area sets nothing of its own and
/// inherits every setting again.
async fn inherit_settings(
    State(state): State<AppState>,
    account: Account,
    Parsed(Query(param)): Parsed<Query<AreaParam>>,
) -> Result<StatusCode, ApiError> {
    let Some(area) = target(&account, param)? else {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "the whole server's settings are not inherited from anywhere",
        ));
    };
    account.may(Action::EditSettings, &area)?;
    account
        .audited(
            &state,
            AuditKind::SettingsChanged,
            Some(area.as_str()),
            Said::new("各项设置沿用上级", "inherits every setting"),
        )
        .set_area_settings(area.as_str(), &AreaSettings::default())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/contact[?area=]`, public: what a village's papers print
/// about the town (its complaint phone), in force at the area.
pub async fn contact(
    State(state): State<AppState>,
    Parsed(Query(param)): Parsed<Query<AreaParam>>,
) -> Result<Json<Contact>, ApiError> {
    let tree = state.areas.tree(&state.storage).await?;
    if let Some(area) = &param.area {
        if tree.as_ref().is_none_or(|t| t.get(area).is_none()) {
            return Err(ApiError::new(ErrorCode::NotFound, "no such area"));
        }
    }
    let in_force = InForce::over(&state, tree).await?;
    let settings = in_force.at(param.area.as_ref().map(AreaCode::as_str));
    // A village's committee, named from its county down.
    let committee = param
        .area
        .as_ref()
        .zip(in_force.tree.as_ref())
        .and_then(|(area, tree)| {
            let path = tree.path(area);
            (path.last()?.level == Level::Village).then(|| {
                let names: String = path
                    .iter()
                    .filter(|a| matches!(a.level, Level::County | Level::Town | Level::Village))
                    .map(|a| a.name.as_str())
                    .collect();
                format!("{names}村民委员会")
            })
        });
    Ok(Json(Contact {
        complaint_phone: settings.complaint_phone,
        committee,
    }))
}
