//! Limits every request meets: a timeout, a cap on requests in flight, and
//! per-address rate limits on the public endpoints (the resident's check,
//! enrolment, counts up, login), so one address cannot starve the others.
//! The rate limits are tower_governor's (GCRA), keyed by [`ClientKey`].

use super::client::{ClientKey, TrustedProxies};
use crate::error::ApiError;
use axum::body::Body;
use axum::http::{header, HeaderValue, Response};
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use jianzheng_core::api_error::ErrorCode;
use std::sync::Arc;
use std::time::Duration;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::{GovernorError, GovernorLayer};

/// The longest a request may take before it is answered `503 overloaded`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Most requests handled at once; more wait for a turn (within the timeout).
pub const MAX_IN_FLIGHT: usize = 2048;

/// A per-address rate: a burst, then one request per `every`.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    /// Requests allowed at once.
    pub burst: u32,
    /// The time after which one more is allowed.
    pub every: Duration,
}

/// `/api/v1/check`: a kiosk or a resident typing; 10 a second sustained.
pub const CHECK: Rate = Rate {
    burst: 60,
    every: Duration::from_millis(100),
};
/// `/api/v1/enrol`: a handful of tablets at a time; 10 a minute sustained.
pub const ENROL: Rate = Rate {
    burst: 10,
    every: Duration::from_secs(6),
};
/// `/api/v1/counts`: tablets behind one carrier address (CGNAT), and a
/// town office importing files; 20 a second sustained.
pub const COUNTS: Rate = Rate {
    burst: 120,
    every: Duration::from_millis(50),
};
/// `/api/v1/lists`: tablets syncing behind one carrier address and
/// residents' phones opening the check; 20 a second sustained.
pub const LISTS: Rate = Rate {
    burst: 120,
    every: Duration::from_millis(50),
};
/// `/api/v1/town/login`, besides the per-name and per-address count of
/// failures: 20 a minute sustained.
pub const LOGIN: Rate = Rate {
    burst: 10,
    every: Duration::from_secs(3),
};

/// The rate-limit layer for one endpoint.
pub type RateLayer = GovernorLayer<ClientKey, NoOpMiddleware, Body>;

/// A layer allowing `rate` per client address, answering `429
/// rate_limited` (JSON, with `Retry-After`) beyond it. Addresses not seen
/// for a while are forgotten every minute.
pub fn per_address(rate: Rate, proxies: &TrustedProxies) -> RateLayer {
    let config = GovernorConfigBuilder::default()
        .period(rate.every)
        .burst_size(rate.burst)
        .key_extractor(ClientKey(proxies.clone()))
        .finish()
        .expect("every rate has a burst and a period");
    let limiter = Arc::downgrade(config.limiter());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            match limiter.upgrade() {
                Some(limiter) => limiter.retain_recent(),
                None => break,
            }
        }
    });
    GovernorLayer::new(config).error_handler(rate_limited)
}

fn rate_limited(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let mut response = ApiError::code(ErrorCode::RateLimited).into_response();
            if let Ok(value) = HeaderValue::from_str(&wait_time.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        GovernorError::UnableToExtractKey | GovernorError::Other { .. } => {
            ApiError::code(ErrorCode::Internal).into_response()
        }
    }
}
