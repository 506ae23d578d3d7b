//! The SSRF guard: which addresses a fetch may not reach when `block_private_networks` is on.
//!
//! Two checks share one rule (`is_blocked`). `check` runs before every request, on the first
//! URL and on each redirect hop, and turns a refused host into a clear error. `GuardedResolver`
//! is installed as the client's DNS resolver so the address actually connected to is checked
//! too; a name that resolves to a public address for the check and a private one for the
//! connection (DNS rebinding) is still refused. With an HTTP proxy configured in the
//! environment the proxy resolves names, so only IP-literal URLs are checked; this guard does
//! not try to see through proxies.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// A host that resolves to an address the guard refuses.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{host} resolves to {addr}, a blocked private address")]
pub struct Blocked {
    pub host: String,
    pub addr: IpAddr,
}

/// Loopback, private (RFC 1918, unique-local), link-local, shared (CGNAT), unspecified,
/// broadcast and multicast addresses, including IPv4 addresses mapped into IPv6.
pub fn is_blocked(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => is_blocked_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_blocked_v4(v4),
            None => is_blocked_v6(v6),
        },
    }
}

/// Refuses a URL whose host is, or resolves to, a blocked address. Run on every hop.
pub async fn check_url(url: &Url) -> Result<(), ResolveError> {
    let port = url.port_or_known_default().unwrap_or(0);
    let literal = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(Host::Domain(domain)) => return resolve_checked(domain, port).await.map(drop),
        None => return Ok(()),
    };
    match is_blocked(literal) {
        true => Err(ResolveError::Blocked(Blocked { host: literal.to_string(), addr: literal })),
        false => Ok(()),
    }
}

/// Resolves `host` and refuses it when any of its addresses is blocked. Returns the addresses.
pub async fn resolve_checked(host: &str, port: u16) -> Result<Vec<SocketAddr>, ResolveError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port)).await.map_err(ResolveError::Lookup)?.collect();
    match addrs.iter().find(|addr| is_blocked(addr.ip())) {
        Some(addr) => Err(ResolveError::Blocked(Blocked { host: host.to_owned(), addr: addr.ip() })),
        None if addrs.is_empty() => {
            Err(ResolveError::Lookup(std::io::Error::other(format!("{host} has no addresses"))))
        }
        None => Ok(addrs),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error(transparent)]
    Blocked(Blocked),
    #[error("cannot resolve host: {0}")]
    Lookup(std::io::Error),
}

/// A DNS resolver for reqwest that refuses blocked addresses.
#[derive(Debug, Default, Clone, Copy)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolve_checked(&host, 0).await.map_err(|err| -> Box<dyn std::error::Error + Send + Sync> {
                match err {
                    ResolveError::Blocked(blocked) => Box::new(blocked),
                    ResolveError::Lookup(io) => Box::new(io),
                }
            })?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

fn is_blocked_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
}

fn is_blocked_v6(v6: Ipv6Addr) -> bool {
    let first = v6.segments()[0];
    v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_local_addresses_are_blocked_public_ones_not() {
        for blocked in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_blocked(blocked.parse().unwrap()), "{blocked} should be blocked");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(!is_blocked(public.parse().unwrap()), "{public} should be allowed");
        }
    }
}
