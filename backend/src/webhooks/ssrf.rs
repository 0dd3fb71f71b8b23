//! The SSRF guard of outgoing notifications: every address a target resolves to is checked,
//! the connection goes to the addresses checked (our resolver feeds reqwest), IP literals are
//! checked before any request, and redirects are never followed. Private targets are allowed
//! only by a server setting, never by a merchant.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use async_trait::async_trait;

/// Name resolution, injectable so tests can make a name point anywhere.
#[async_trait]
pub trait HostResolver: Send + Sync {
    async fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>>;
}

/// The system resolver.
pub struct SystemResolver;

#[async_trait]
impl HostResolver for SystemResolver {
    async fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        Ok(tokio::net::lookup_host((host, 0)).await?.map(|a| a.ip()).collect())
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..=127).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..=19).contains(&b)) // benchmarking
        || a >= 240 // reserved
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.to_ipv4_mapped().is_some() // ::ffff:a.b.c.d, whatever it maps to
        || s[..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible ::a.b.c.d
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x64 && s[1] == 0xff9b) // NAT64, embeds IPv4
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || s[0] == 0x2002 // 6to4, embeds IPv4
        || (s[0] == 0x2001 && s[1] == 0) // Teredo
}

/// Whether a notification may never go to this address (without the server setting).
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Blocked {
    #[error("the notification URL is not an http(s) URL")]
    Scheme,
    #[error("the notification URL points to a private or reserved address")]
    Private,
}

/// Checks the parts of a URL that need no lookup: the scheme, and a literal IP host (the URL
/// parser has already turned `2130706433` or `0x7f.1` into 127.0.0.1).
pub fn check_url(url: &url::Url, allow_private: bool) -> Result<(), Blocked> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Blocked::Scheme);
    }
    let literal = match url.host() {
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        Some(url::Host::Domain(_)) => None,
        None => return Err(Blocked::Scheme),
    };
    // `localhost` and its subdomains are loopback by definition (RFC 6761), whatever a resolver says.
    let local_name = matches!(url.host(), Some(url::Host::Domain(d))
        if d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost"));
    match literal {
        Some(ip) if !allow_private && is_forbidden(ip) => Err(Blocked::Private),
        None if !allow_private && local_name => Err(Blocked::Private),
        _ => Ok(()),
    }
}

/// reqwest's resolver: it resolves with [`HostResolver`] and refuses the whole name when any
/// address is forbidden, so the connection can only go to an address that was checked.
pub struct GuardedResolver {
    pub inner: Arc<dyn HostResolver>,
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let inner = self.inner.clone();
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let ips = inner.lookup(&host).await?;
            if ips.is_empty() {
                return Err(format!("{host} did not resolve").into());
            }
            if !allow_private && ips.iter().any(|ip| is_forbidden(*ip)) {
                return Err(Box::new(Blocked::Private) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: reqwest::dns::Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_reserved_and_mapped_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "ff02::1",
        ] {
            assert!(is_forbidden(ip.parse().expect("ip")), "{ip} should be forbidden");
        }
        for ip in ["8.8.8.8", "93.184.216.34", "2a00:1450:4010:c05::71", "100.128.0.1"] {
            assert!(!is_forbidden(ip.parse().expect("ip")), "{ip} should be allowed");
        }
    }

    #[test]
    fn literal_hosts_are_checked_in_every_spelling() {
        for url in [
            "http://127.0.0.1/",
            "http://[::1]/",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest",
            "http://[::ffff:127.0.0.1]/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://017700000001/",
        ] {
            let parsed = url::Url::parse(url).expect("url");
            assert_eq!(check_url(&parsed, false), Err(Blocked::Private), "{url}");
            assert_eq!(check_url(&parsed, true), Ok(()), "{url} with private targets allowed");
        }
        assert_eq!(check_url(&url::Url::parse("ftp://example.com/").expect("url"), false), Err(Blocked::Scheme));
        assert_eq!(check_url(&url::Url::parse("https://merchant.example/hooks").expect("url"), false), Ok(()));
    }
}
