//! Who is asking: the client's address, for the login limit and the rate
//! limits. It is the connection's peer, unless the peer is a proxy the
//! operator named (`--trusted-proxy`, e.g. the TLS terminator in front), in
//! which case it is the address that proxy appended to `X-Forwarded-For`.
//! A header from anyone else is ignored: it is the client's to forge.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Request};
use jianzheng_core::api_error::ErrorCode;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::GovernorError;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Arc<[IpAddr]>);

impl TrustedProxies {
    /// The client's address from the connection's `peer` and the headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.0.contains(&peer) {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|last| last.trim().parse().ok())
            .unwrap_or(peer)
    }
}

/// The address of the client making a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

fn peer(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = peer(&parts.extensions).ok_or_else(|| ApiError::code(ErrorCode::Internal))?;
        Ok(ClientIp(state.proxies.client(peer, &parts.headers)))
    }
}

/// The rate limits' key: the client's address, found the same way.
#[derive(Clone, Debug)]
pub struct ClientKey(pub TrustedProxies);

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = peer(req.extensions()).ok_or(GovernorError::UnableToExtractKey)?;
        Ok(self.0.client(peer, req.headers()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy: IpAddr = "10.0.0.9".parse().unwrap();
        let stranger: IpAddr = "203.0.113.5".parse().unwrap();
        let proxies = TrustedProxies(Arc::from([proxy]));
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.2.3.4, 198.51.100.7".parse().unwrap());
        // The proxy appended the last address; the first is the client's word.
        assert_eq!(
            proxies.client(proxy, &headers),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(proxies.client(stranger, &headers), stranger);
        assert_eq!(proxies.client(proxy, &HeaderMap::new()), proxy);
    }
}
