//! Settings by area. The whole server has its settings (the silent days,
//! how long an enrolment code is valid, the days for an on-time report,
//! the baseline year, the complaint phone); any area may
//! set its own for its subtree. At an area, each setting is the one of the
//! nearest area on its path that sets it (the area itself first), else the
//! whole server's. An area that sets none inherits them all.

use crate::api::town::Settings;
use crate::values::{BaselineYear, CodeDays, PhoneNumber, ReportDays, StaleDays};
use serde::{Deserialize, Serialize};

/// What an area sets for its subtree; `None` is inherited from above.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaSettings {
    /// Days without an upload after which a tablet is shown as silent.
    #[serde(default)]
    pub stale_days: Option<StaleDays>,
    /// Days a new enrolment code is valid.
    #[serde(default)]
    pub enrolment_code_days: Option<CodeDays>,
    /// Days after a month ends within which a village's report is on time.
    #[serde(default)]
    pub report_days: Option<ReportDays>,
    /// The year rates compare with.
    #[serde(default)]
    pub baseline_year: Option<BaselineYear>,
    /// The phone residents call to complain about an agency.
    #[serde(default)]
    pub complaint_phone: Option<PhoneNumber>,
}

impl AreaSettings {
    /// What an area sets when its form says `form`: a setting it already
    /// set, or one that differs from `above` (what it would inherit), is
    /// its own; one left at the inherited value keeps being inherited. A
    /// form always carries every setting, so saving one of them does not
    /// pin the others at today's inherited values.
    pub fn from_form(old: AreaSettings, form: Settings, above: Settings) -> AreaSettings {
        fn own<T: PartialEq>(old: Option<T>, form: T, above: T) -> Option<T> {
            (old.is_some() || form != above).then_some(form)
        }
        /// An optional setting: none in the form inherits.
        fn own_optional<T: PartialEq>(
            old: Option<T>,
            form: Option<T>,
            above: Option<T>,
        ) -> Option<T> {
            match (form, above) {
                (None, _) => None,
                (Some(value), Some(above)) => own(old, value, above),
                (Some(value), None) => Some(value),
            }
        }
        AreaSettings {
            stale_days: own(old.stale_days, form.stale_days, above.stale_days),
            enrolment_code_days: own(
                old.enrolment_code_days,
                form.enrolment_code_days,
                above.enrolment_code_days,
            ),
            report_days: own(old.report_days, form.report_days, above.report_days),
            baseline_year: own_optional(old.baseline_year, form.baseline_year, above.baseline_year),
            complaint_phone: own_optional(
                old.complaint_phone,
                form.complaint_phone,
                above.complaint_phone,
            ),
        }
    }

    /// The settings in force below the areas whose own settings `path`
    /// gives, nearest first, over the whole server's `whole`.
    pub fn inherit<'a>(
        path: impl IntoIterator<Item = &'a AreaSettings>,
        whole: Settings,
    ) -> Settings {
        let mut stale_days = None;
        let mut enrolment_code_days = None;
        let mut report_days = None;
        let mut baseline_year = None;
        let mut complaint_phone = None;
        for own in path {
            stale_days = stale_days.or(own.stale_days);
            enrolment_code_days = enrolment_code_days.or(own.enrolment_code_days);
            report_days = report_days.or(own.report_days);
            baseline_year = baseline_year.or(own.baseline_year);
            complaint_phone = complaint_phone.or_else(|| own.complaint_phone.clone());
        }
        Settings {
            stale_days: stale_days.unwrap_or(whole.stale_days),
            enrolment_code_days: enrolment_code_days.unwrap_or(whole.enrolment_code_days),
            report_days: report_days.unwrap_or(whole.report_days),
            baseline_year: baseline_year.or(whole.baseline_year),
            complaint_phone: complaint_phone.or(whole.complaint_phone),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn whole() -> Settings {
        Settings {
            stale_days: StaleDays::new(14).unwrap(),
            enrolment_code_days: CodeDays::new(7).unwrap(),
            report_days: ReportDays::new(10).unwrap(),
            baseline_year: Some(BaselineYear::new(2025).unwrap()),
            complaint_phone: Some("0351-12345".parse().unwrap()),
        }
    }

    #[test]
    fn the_nearest_area_that_sets_a_setting_wins_and_the_rest_is_inherited() {
        let town = AreaSettings {
            stale_days: Some(StaleDays::new(30).unwrap()),
            baseline_year: Some(BaselineYear::new(2024).unwrap()),
            ..AreaSettings::default()
        };
        let village = AreaSettings {
            stale_days: Some(StaleDays::new(3).unwrap()),
            ..AreaSettings::default()
        };
        let at_village = AreaSettings::inherit([&village, &town], whole());
        assert_eq!(at_village.stale_days.get(), 3);
        assert_eq!(
            at_village.enrolment_code_days.get(),
            7,
            "from the whole server"
        );
        assert_eq!(
            at_village.baseline_year,
            Some(BaselineYear::new(2024).unwrap())
        );
        assert_eq!(AreaSettings::inherit([&town], whole()).stale_days.get(), 30);
        assert_eq!(AreaSettings::inherit([], whole()), whole());
    }

    #[test]
    fn a_form_sets_what_differs_from_above_and_keeps_what_was_set() {
        let above = whole();
        let mut form = above.clone();
        form.stale_days = StaleDays::new(30).unwrap();
        let own = AreaSettings::from_form(AreaSettings::default(), form, above.clone());
        assert_eq!(
            own,
            AreaSettings {
                stale_days: Some(StaleDays::new(30).unwrap()),
                ..AreaSettings::default()
            },
            "the code days, the year and the phone stay inherited"
        );
        // Set before, set still, even when equal to above now.
        let again = AreaSettings::from_form(own.clone(), above.clone(), above.clone());
        assert_eq!(again.stale_days, Some(above.stale_days));
        // A year where above has none is the area's own.
        let no_year = Settings {
            baseline_year: None,
            complaint_phone: None,
            ..above.clone()
        };
        let with_year =
            AreaSettings::from_form(AreaSettings::default(), above.clone(), no_year.clone());
        assert_eq!(with_year.baseline_year, above.baseline_year);
        assert_eq!(with_year.complaint_phone, above.complaint_phone);
        // No year or phone in the form: inherited.
        let inherits = AreaSettings::from_form(own, no_year, above);
        assert_eq!(
            (inherits.baseline_year, inherits.complaint_phone),
            (None, None)
        );
    }

    fn own() -> impl Strategy<Value = AreaSettings> {
        (
            proptest::option::of(1u32..=365),
            proptest::option::of(1u32..=90),
            proptest::option::of(1u32..=60),
            proptest::option::of(2000i32..=2100),
            proptest::option::of(10_000u32..=99_999),
        )
            .prop_map(|(s, c, r, y, p)| AreaSettings {
                stale_days: s.and_then(|s| StaleDays::new(s).ok()),
                enrolment_code_days: c.and_then(|c| CodeDays::new(c).ok()),
                report_days: r.and_then(|r| ReportDays::new(r).ok()),
                baseline_year: y.and_then(|y| BaselineYear::new(y).ok()),
                complaint_phone: p.map(|p| p.to_string().parse().unwrap()),
            })
    }

    proptest! {
        /// An area that sets nothing changes nothing below it; one that
        /// sets everything hides everything above it.
        #[test]
        fn an_empty_area_is_transparent_and_a_full_one_is_opaque(
            path in proptest::collection::vec(own(), 0..6),
            at in 0usize..6,
        ) {
            let at = at.min(path.len());
            let mut with_empty = path.clone();
            with_empty.insert(at, AreaSettings::default());
            prop_assert_eq!(
                AreaSettings::inherit(&with_empty, whole()),
                AreaSettings::inherit(&path, whole())
            );
            let full = AreaSettings {
                stale_days: Some(whole().stale_days),
                enrolment_code_days: Some(whole().enrolment_code_days),
                report_days: Some(whole().report_days),
                baseline_year: whole().baseline_year,
                complaint_phone: whole().complaint_phone,
            };
            let mut below_full = path[..at].to_vec();
            below_full.push(full);
            let mut with_full = below_full.clone();
            with_full.extend(path[at..].iter().cloned());
            prop_assert_eq!(
                AreaSettings::inherit(&with_full, whole()),
                AreaSettings::inherit(&below_full, whole())
            );
        }
    }
}
