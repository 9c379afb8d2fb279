//! The server's clock, the only one the figures trust: it picks the month
//! in progress, which has no rate yet and after which a period is "future".

use jianzheng_core::ledger::Period;

/// The month in progress (UTC) by the server's clock.
pub fn current_period() -> Period {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Period::from_unix_seconds(seconds)
}

/// Today (UTC) by the server's clock, as a paper is dated.
pub fn today() -> jianzheng_core::certificate::IssueDate {
    let now = time::OffsetDateTime::now_utc();
    jianzheng_core::certificate::IssueDate {
        year: now.year(),
        month: u8::from(now.month()),
        day: now.day(),
    }
}
