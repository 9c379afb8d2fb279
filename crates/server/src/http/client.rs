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

/// Who a limit counts an address as: an IPv4 address itself, an IPv6
/// address by its /64 (one household's or phone's whole network: a client
/// picks any of its 2^64 addresses at will), an IPv4-mapped one as IPv4.
pub fn limit_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}

/// The rate limits' key: the client's address, found the same way, by
/// [`limit_key`].
#[derive(Clone, Debug)]
pub struct ClientKey(pub TrustedProxies);

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = peer(req.extensions()).ok_or(GovernorError::UnableToExtractKey)?;
        Ok(limit_key(self.0.client(peer, req.headers())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_limited_by_its_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limit_key(a), limit_key(b));
        assert_ne!(limit_key(a), limit_key(other));
        let v4: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(limit_key(v4), v4);
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(limit_key(mapped), v4);
    }

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
