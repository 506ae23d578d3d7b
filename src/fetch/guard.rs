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
/// broadcast and multicast addresses, including IPv4 addresses carried inside IPv6 (see
/// `embedded_v4`): an IPv6 address is refused when it, or any IPv4 address it carries, is.
pub fn is_blocked(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => is_blocked_v4(v4),
        IpAddr::V6(v6) => is_blocked_v6(v6) || embedded_v4(v6).into_iter().any(is_blocked_v4),
    }
}

/// The IPv4 addresses an IPv6 address leads to, for every form that carries one:
/// IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` (RFC
/// 6052) and the local-use `64:ff9b:1::/48` (RFC 8215: read both as a /48 and as a /96
/// prefix), 6to4 `2002:AABB:CCDD::/48` and Teredo `2001:0::/32` (its server, and its client
/// with the bits inverted).
pub fn embedded_v4(v6: Ipv6Addr) -> Vec<Ipv4Addr> {
    let o = v6.octets();
    let s = v6.segments();
    let v4 = |a: u8, b: u8, c: u8, d: u8| Ipv4Addr::new(a, b, c, d);
    let last = v4(o[12], o[13], o[14], o[15]);
    let mut out = Vec::new();
    if let Some(mapped) = v6.to_ipv4_mapped() {
        out.push(mapped);
    }
    if s[..6].iter().all(|seg| *seg == 0) {
        out.push(last);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        out.push(last);
    }
    if s[..3] == [0x64, 0xff9b, 1] {
        // Which prefix length the operator chose is not in the address: take both readings,
        // except one that is all zeros (the unused suffix of the other reading).
        let as_48 = v4(o[6], o[7], o[9], o[10]);
        out.extend([as_48, last].into_iter().filter(|v4| !v4.is_unspecified()));
    }
    if s[0] == 0x2002 {
        out.push(v4(o[2], o[3], o[4], o[5]));
    }
    if s[..2] == [0x2001, 0] {
        out.push(v4(o[4], o[5], o[6], o[7]));
        out.push(v4(!o[12], !o[13], !o[14], !o[15]));
    }
    out
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

    /// (form, an address of that form carrying 127.0.0.1 or a private address, one carrying a
    /// public address).
    const EMBEDDING: [(&str, &[&str], &str); 7] = [
        ("IPv4-mapped", &["::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:7f00:1"], "::ffff:8.8.8.8"),
        ("IPv4-compatible", &["::127.0.0.1", "::10.0.0.1", "::192.168.1.1", "::169.254.169.254"], "::8.8.8.8"),
        ("NAT64", &["64:ff9b::127.0.0.1", "64:ff9b::a00:1", "64:ff9b::192.168.0.1"], "64:ff9b::8.8.8.8"),
        // 10.0.0.1 in bits 48-64 and 72-88; 127.0.0.1 as a /96 in the same prefix.
        ("NAT64 local-use", &["64:ff9b:1:a00:0:100::", "64:ff9b:1::127.0.0.1"], "64:ff9b:1:808:8:800::"),
        ("6to4", &["2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:101:1::1"], "2002:808:808::1"),
        // Client 127.0.0.1 is stored inverted: 0x80ff:0xfffe; server 192.0.2.1 is public.
        (
            "Teredo client",
            &["2001:0:c000:201:0:0:80ff:fffe", "2001:0:c000:201::f5ff:fffe"],
            "2001:0:c000:201::f7f7:f7f7",
        ),
        ("Teredo server", &["2001:0:7f00:1::f7f7:f7f7", "2001:0:a00:1::f7f7:f7f7"], "2001:0:808:808::f7f7:f7f7"),
    ];

    #[test]
    fn every_ipv6_form_that_carries_a_private_ipv4_address_is_blocked_and_a_public_one_allowed() {
        for (form, blocked, public) in EMBEDDING {
            for addr in blocked {
                assert!(is_blocked(addr.parse().unwrap()), "{form} {addr} should be blocked");
            }
            assert!(!is_blocked(public.parse().unwrap()), "{form} {public} should be allowed");
        }
    }

    #[test]
    fn the_embedded_address_is_the_one_each_form_defines() {
        let first = |addr: &str| embedded_v4(addr.parse().unwrap());
        assert!(first("2002:c000:204::1").contains(&Ipv4Addr::new(192, 0, 2, 4)));
        assert!(first("64:ff9b::c000:204").contains(&Ipv4Addr::new(192, 0, 2, 4)));
        assert!(first("64:ff9b:1:c000:2:400::").contains(&Ipv4Addr::new(192, 0, 2, 4)));
        assert!(first("2001:0:4136:e378:8000:63bf:3fff:fdd2").contains(&Ipv4Addr::new(192, 0, 2, 45)));
        assert!(first("2606:4700::1111").is_empty());
    }
}
