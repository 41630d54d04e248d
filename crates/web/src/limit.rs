//! Who the client is, and how often it may act. One rate limiter for every limit (application
//! submissions, status look-ups, contributions, login attempts), keyed by the real client
//! address: the peer's, or — only when the peer is a reverse proxy the operator trusts
//! (`--trusted-proxy`) — the address that proxy reports in `X-Forwarded-For` / `X-Real-IP`.
//! The counters sit behind [`Counters`], kept in this process today; several servers on one
//! database will share them there.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What is limited, each with its own budget per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// Application submissions.
    Apply,
    /// Status look-ups (tracking code + password): slows password guessing.
    Status,
    /// Opinions, interview questions and messages.
    Contribute,
    /// Login attempts: a stranger's guessing is slowed at their address.
    Login,
    /// Failed logins: an address that fails this often is locked out of logging in for a while
    /// (the account itself stays open to everyone else).
    LoginFailure,
}

/// Where the counts are kept.
pub trait Counters: Send + Sync {
    /// Count one hit of `key` in `bucket` if fewer than `max` fall within `window`; false (and
    /// nothing counted) when the budget is spent.
    fn hit(&self, bucket: Bucket, key: IpAddr, max: usize, window: Duration) -> bool;
    /// How many hits of `key` in `bucket` fall within `window` (nothing counted).
    fn used(&self, bucket: Bucket, key: IpAddr, window: Duration) -> usize;
}

/// Counters in this process's memory: a sliding window per (bucket, address).
#[derive(Default)]
pub struct MemoryCounters {
    hits: Mutex<HashMap<(Bucket, IpAddr), VecDeque<Instant>>>,
}

impl Counters for MemoryCounters {
    fn used(&self, bucket: Bucket, key: IpAddr, window: Duration) -> usize {
        let now = Instant::now();
        let hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.get(&(bucket, key)).map_or(0, |q| {
            q.iter()
                .filter(|t| now.duration_since(**t) < window)
                .count()
        })
    }

    fn hit(&self, bucket: Bucket, key: IpAddr, max: usize, window: Duration) -> bool {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() > 100_000 {
            // Keep memory bounded under a flood of addresses: forget windows that have passed.
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = hits.entry((bucket, key)).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= max {
            return false;
        }
        q.push_back(now);
        true
    }
}

/// The budgets, from the configuration, over one set of counters.
pub struct RateLimits {
    counters: Box<dyn Counters>,
    budgets: HashMap<Bucket, (usize, Duration)>,
}

impl RateLimits {
    pub fn new(counters: Box<dyn Counters>, budgets: &[(Bucket, usize, Duration)]) -> RateLimits {
        RateLimits {
            counters,
            budgets: budgets.iter().map(|(b, n, w)| (*b, (*n, *w))).collect(),
        }
    }

    /// Count a request of `bucket` from `client`; false when it is over the limit.
    pub fn allow(&self, bucket: Bucket, client: IpAddr) -> bool {
        match self.budgets.get(&bucket) {
            Some((max, window)) => self.counters.hit(bucket, client, *max, *window),
            None => true,
        }
    }

    /// Whether `client` has spent its budget of `bucket` (without counting anything).
    pub fn spent(&self, bucket: Bucket, client: IpAddr) -> bool {
        match self.budgets.get(&bucket) {
            Some((max, window)) => self.counters.used(bucket, client, *window) >= *max,
            None => false,
        }
    }
}

/// A network in CIDR notation (`10.0.0.0/8`, `::1/128`; a bare address is one host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (a, p) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("“{s}”不是 IP 地址或 CIDR 网段"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() {
            max
        } else {
            p.parse::<u8>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| format!("“{s}”的前缀长度应为 0–{max}"))?
        };
        Ok(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match (self.addr, ip) {
            (IpAddr::V4(_), IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            _ => ip,
        };
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix as u32).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix as u32).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy, in which case the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy (or `X-Real-IP`).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect();
    if let Some(ip) = forwarded.iter().rev().find(|ip| !is_trusted(**ip)) {
        return *ip;
    }
    headers
        .get("x-real-ip")
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(peer)
}

/// The real client address of a request, as [`client_address`] finds it.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(ClientIp(client_address(
            peer,
            &parts.headers,
            &state.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_bucket_and_address() {
        let l = RateLimits::new(
            Box::new(MemoryCounters::default()),
            &[
                (Bucket::Apply, 2, Duration::from_secs(60)),
                (Bucket::Login, 1, Duration::from_secs(60)),
            ],
        );
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(l.allow(Bucket::Apply, a) && l.allow(Bucket::Apply, a));
        assert!(!l.allow(Bucket::Apply, a));
        assert!(l.allow(Bucket::Apply, b));
        // Another bucket has its own budget.
        assert!(l.allow(Bucket::Login, a));
        assert!(!l.allow(Bucket::Login, a));
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = [
            Cidr::parse("10.0.0.0/8").unwrap(),
            Cidr::parse("::1").unwrap(),
        ];
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.1.1.1".parse().unwrap());
        let proxy: IpAddr = "10.2.3.4".parse().unwrap();
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        // Through the proxy: the first address left of the trusted hops.
        assert_eq!(
            client_address(proxy, &h, &trusted),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // From anyone else the header is ignored: it could say anything.
        assert_eq!(client_address(stranger, &h, &trusted), stranger);
        // A spoofed left-most entry cannot hide the real client behind the proxy.
        h.insert("x-forwarded-for", "1.1.1.1, 203.0.113.9".parse().unwrap());
        assert_eq!(
            client_address(proxy, &h, &trusted),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        let mut r = HeaderMap::new();
        r.insert("x-real-ip", "203.0.113.10".parse().unwrap());
        assert_eq!(
            client_address("::1".parse().unwrap(), &r, &trusted),
            "203.0.113.10".parse::<IpAddr>().unwrap()
        );
        assert!(Cidr::parse("10.0.0.0/33").is_err() && Cidr::parse("proxy").is_err());
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(stranger));
    }
}
