//! Who is calling and which endpoint they call: the two facts every layer
//! keys on.
//!
//! Both are bounded on purpose. A route is one of the configured templates
//! (`/v1/payments/{id}`) or `unmatched`, never the raw path, so metric
//! labels and limiter keys cannot grow with whatever paths clients send. A
//! client's tier comes from a fixed set the resolver chooses from; client
//! ids appear in metrics only when allow-listed (see the metrics layer).
//!
//! The first layer that needs them computes them and stores a
//! [`Classified`] in the request extensions; later layers read it back, so
//! each layer works alone and the stack computes them once.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use http::request::Parts;
use http::HeaderName;
use ipnet::IpNet;

/// The route label for a path that matches no configured template.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// A route template set by the application (for example from axum's
/// `MatchedPath`) before the layers run; it wins over template matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteTemplate(pub Arc<str>);

/// The peer address of the connection, put in the request extensions by
/// the server loop. Under axum with the `axum` feature there is nothing to
/// do beyond serving with
/// `into_make_service_with_connect_info::<SocketAddr>()`: axum's
/// `ConnectInfo<SocketAddr>` is read when no `PeerAddr` is there.
///
/// ```
/// use threeam_server::{PeerAddr, TrustedProxies};
///
/// let mut request = http::Request::get("/").body(()).unwrap();
/// request.extensions_mut().insert(PeerAddr("192.0.2.7:5000".parse().unwrap()));
/// let (parts, _) = request.into_parts();
/// assert_eq!(PeerAddr::of(&parts.extensions), Some("192.0.2.7:5000".parse().unwrap()));
/// let ip = TrustedProxies::default().client_ip(&parts).unwrap();
/// assert_eq!(ip.to_string(), "192.0.2.7");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

impl PeerAddr {
    /// The connection's peer: a [`PeerAddr`] in `extensions`, else (with
    /// the `axum` feature) axum's `ConnectInfo<SocketAddr>`.
    pub fn of(extensions: &http::Extensions) -> Option<SocketAddr> {
        if let Some(peer) = extensions.get::<PeerAddr>() {
            return Some(peer.0);
        }
        #[cfg(feature = "axum")]
        if let Some(info) = extensions.get::<axum::extract::ConnectInfo<SocketAddr>>() {
            return Some(info.0);
        }
        None
    }
}

/// Who is calling: an id (the key for per-client limits and idempotency
/// scope) and a tier (a small fixed set: limits and metrics use it).
///
/// ```
/// use threeam_server::ClientIdentity;
///
/// let who = ClientIdentity::new("key:acme", "pro");
/// assert_eq!(&*who.id, "key:acme");
/// assert_eq!(&*who.tier, "pro");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientIdentity {
    /// Stable per client; never put in logs or metrics unless allow-listed.
    pub id: Arc<str>,
    /// The client's tier (`anonymous`, `default`, `pro`, ...).
    pub tier: Arc<str>,
}

impl ClientIdentity {
    /// An identity from its parts.
    pub fn new(id: impl Into<Arc<str>>, tier: impl Into<Arc<str>>) -> Self {
        Self {
            id: id.into(),
            tier: tier.into(),
        }
    }
}

/// What the layers learned about a request, kept in its extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classified {
    /// The route template, or [`UNMATCHED_ROUTE`].
    pub route: Arc<str>,
    /// The caller.
    pub client: ClientIdentity,
}

/// Decides who a request comes from.
///
/// Implemented for closures, so a bearer-token subject or an mTLS name is a
/// one-liner:
///
/// ```
/// use threeam_server::{ClientIdentity, ClientResolver};
///
/// let by_tenant = |parts: &http::request::Parts, _ip: Option<std::net::IpAddr>| {
///     let tenant = parts.headers.get("x-tenant").and_then(|v| v.to_str().ok()).unwrap_or("none");
///     ClientIdentity::new(format!("tenant:{tenant}"), "default")
/// };
/// let request = http::Request::builder().header("x-tenant", "acme").body(()).unwrap();
/// let (parts, _) = request.into_parts();
/// assert_eq!(&*by_tenant.resolve(&parts, None).id, "tenant:acme");
/// ```
pub trait ClientResolver: Send + Sync + 'static {
    /// The caller of this request; `ip` is the client address after trusted
    /// proxies are peeled off, when known.
    fn resolve(&self, parts: &Parts, ip: Option<IpAddr>) -> ClientIdentity;
}

impl<F> ClientResolver for F
where
    F: Fn(&Parts, Option<IpAddr>) -> ClientIdentity + Send + Sync + 'static,
{
    fn resolve(&self, parts: &Parts, ip: Option<IpAddr>) -> ClientIdentity {
        self(parts, ip)
    }
}

/// The default resolver: an API key header names the client (tier from a
/// table, `default` otherwise); without one, the client address does (tier
/// `anonymous`).
///
/// ```
/// use threeam_server::{ApiKeyResolver, ClientResolver};
///
/// let resolver = ApiKeyResolver::new("x-api-key").with_tier("sk_live_big", "pro");
/// let request = http::Request::builder().header("x-api-key", "sk_live_big").body(()).unwrap();
/// let (parts, _) = request.into_parts();
/// let who = resolver.resolve(&parts, None);
/// assert_eq!(&*who.tier, "pro");
/// ```
#[derive(Clone, Debug)]
pub struct ApiKeyResolver {
    header: HeaderName,
    tiers: std::collections::HashMap<String, Arc<str>>,
    // Made once: a per-request allocation for a constant name adds up.
    default_tier: Arc<str>,
    anonymous_tier: Arc<str>,
    unknown_ip: Arc<str>,
}

impl ApiKeyResolver {
    /// Reads the key from `header` (for example `x-api-key`).
    ///
    /// # Panics
    /// If `header` is not a valid header name (a programming error).
    pub fn new(header: &str) -> Self {
        Self {
            header: HeaderName::try_from(header).expect("a valid header name"),
            tiers: Default::default(),
            default_tier: "default".into(),
            anonymous_tier: "anonymous".into(),
            unknown_ip: "ip:unknown".into(),
        }
    }

    /// Puts the holder of `key` in `tier`.
    pub fn with_tier(mut self, key: &str, tier: &str) -> Self {
        self.tiers.insert(key.to_owned(), tier.into());
        self
    }
}

impl Default for ApiKeyResolver {
    fn default() -> Self {
        Self::new("x-api-key")
    }
}

impl ClientResolver for ApiKeyResolver {
    fn resolve(&self, parts: &Parts, ip: Option<IpAddr>) -> ClientIdentity {
        if let Some(key) = parts
            .headers
            .get(&self.header)
            .and_then(|v| v.to_str().ok())
        {
            if !key.is_empty() {
                let tier = self.tiers.get(key).unwrap_or(&self.default_tier).clone();
                // Built on the stack and copied once into the `Arc`.
                let mut id = crate::numbers::Buf::<132>::new();
                id.push(b"key:");
                id.push(key.as_bytes());
                if id.as_bytes().len() == key.len() + 4 {
                    return ClientIdentity::new(id.as_str(), tier);
                }
                return ClientIdentity::new(format!("key:{key}"), tier);
            }
        }
        match ip {
            Some(ip) => ClientIdentity::new(format!("ip:{ip}"), self.anonymous_tier.clone()),
            None => ClientIdentity::new(self.unknown_ip.clone(), self.anonymous_tier.clone()),
        }
    }
}

/// Maps paths to route templates: `{name}` matches one segment.
///
/// ```
/// use threeam_server::Routes;
///
/// let routes = Routes::new(["/v1/payments", "/v1/payments/{id}"]);
/// assert_eq!(&*routes.template("/v1/payments/pay_1"), "/v1/payments/{id}");
/// assert_eq!(&*routes.template("/v1/payments/pay_1/x"), "unmatched");
/// ```
#[derive(Clone, Debug)]
pub struct Routes {
    templates: Vec<(Arc<str>, Vec<Segment>)>,
    unmatched: Arc<str>,
}

#[derive(Clone, Debug)]
enum Segment {
    Literal(String),
    Param,
}

impl Routes {
    /// The templates to match, first match wins.
    pub fn new<I, S>(templates: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let templates = templates
            .into_iter()
            .map(|t| {
                let t = t.as_ref();
                let segments = split(t)
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') {
                            Segment::Param
                        } else {
                            Segment::Literal(s.to_owned())
                        }
                    })
                    .collect();
                (Arc::from(t), segments)
            })
            .collect();
        Self {
            templates,
            unmatched: Arc::from(UNMATCHED_ROUTE),
        }
    }

    /// The template `path` matches, or [`UNMATCHED_ROUTE`].
    pub fn template(&self, path: &str) -> Arc<str> {
        'next: for (name, segments) in &self.templates {
            let mut parts = split(path);
            for segment in segments {
                match (segment, parts.next()) {
                    (Segment::Literal(want), Some(got)) if want == got => {}
                    (Segment::Param, Some(_)) => {}
                    _ => continue 'next,
                }
            }
            if parts.next().is_none() {
                return name.clone();
            }
        }
        self.unmatched.clone()
    }
}

impl Default for Routes {
    /// No templates: every path is `unmatched`.
    fn default() -> Self {
        Self::new(std::iter::empty::<&str>())
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// Proxies whose `X-Forwarded-For` is believed; nobody else's is.
///
/// ```
/// use threeam_server::TrustedProxies;
///
/// let proxies = TrustedProxies::new(["10.0.0.0/8"]).unwrap();
/// assert!(TrustedProxies::new(["not-a-net"]).unwrap_err().contains("not-a-net"));
/// # let _ = proxies;
/// ```
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
}

impl TrustedProxies {
    /// Networks in CIDR form (`10.0.0.0/8`) or single addresses.
    pub fn new<I, S>(nets: I) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let nets = nets
            .into_iter()
            .map(|n| {
                let n = n.as_ref();
                n.parse::<IpNet>()
                    .or_else(|_| n.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("trusted proxy {n:?} is neither an address nor a CIDR network like 10.0.0.0/8")
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { nets })
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.nets.iter().any(|n| n.contains(&ip))
    }

    /// The client address: the peer, or, when the peer is a trusted proxy,
    /// the right-most `X-Forwarded-For` entry that is not one.
    pub fn client_ip(&self, parts: &Parts) -> Option<IpAddr> {
        let peer = PeerAddr::of(&parts.extensions)?.ip();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let mut client = peer;
        // Later headers are appended by later proxies: walk from the right.
        let hops: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                // A hop we cannot read ends what we can believe.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        Some(client)
    }
}

/// Routes, the client resolver and trusted proxies, shared by the layers.
#[derive(Clone)]
pub struct Classifier {
    routes: Routes,
    resolver: Arc<dyn ClientResolver>,
    proxies: TrustedProxies,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("routes", &self.routes)
            .field("proxies", &self.proxies)
            .finish_non_exhaustive()
    }
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new(Routes::default())
    }
}

impl Classifier {
    /// Routes from `routes`, clients by [`ApiKeyResolver::default`], no
    /// trusted proxies.
    ///
    /// ```
    /// use threeam_server::{Classifier, Routes};
    ///
    /// let classifier = Classifier::new(Routes::new(["/v1/payments"]));
    /// let (mut parts, _) = http::Request::post("/v1/payments").body(()).unwrap().into_parts();
    /// let seen = classifier.classify(&mut parts);
    /// assert_eq!(&*seen.route, "/v1/payments");
    /// assert_eq!(&*seen.client.tier, "anonymous");
    /// ```
    pub fn new(routes: Routes) -> Self {
        Self {
            routes,
            resolver: Arc::new(ApiKeyResolver::default()),
            proxies: TrustedProxies::default(),
        }
    }

    /// Uses `resolver` to name clients.
    pub fn with_resolver(mut self, resolver: impl ClientResolver) -> Self {
        self.resolver = Arc::new(resolver);
        self
    }

    /// Believes `X-Forwarded-For` from these proxies only.
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.proxies = proxies;
        self
    }

    /// The request's route and client, computed once and kept in its
    /// extensions.
    pub fn classify(&self, parts: &mut Parts) -> Classified {
        if let Some(seen) = parts.extensions.get::<Classified>() {
            return seen.clone();
        }
        let route = match parts.extensions.get::<RouteTemplate>() {
            Some(t) => t.0.clone(),
            None => self.routes.template(parts.uri.path()),
        };
        let ip = self.proxies.client_ip(parts);
        let client = self.resolver.resolve(parts, ip);
        let seen = Classified { route, client };
        parts.extensions.insert(seen.clone());
        seen
    }

    /// [`Classifier::classify`] on a whole request: when an earlier layer
    /// has classified it, the answer is read back without taking the
    /// request apart (moving it costs more than the lookup).
    pub(crate) fn classify_request<B>(&self, request: &mut http::Request<B>) -> Classified {
        if let Some(seen) = request.extensions().get::<Classified>() {
            return seen.clone();
        }
        let (mut parts, ()) = http::Request::new(()).into_parts();
        swap_parts(&mut parts, request);
        let seen = self.classify(&mut parts);
        swap_parts(&mut parts, request);
        seen
    }
}

/// Exchanges everything but the body between `parts` and `request`.
fn swap_parts<B>(parts: &mut Parts, request: &mut http::Request<B>) {
    std::mem::swap(&mut parts.method, request.method_mut());
    std::mem::swap(&mut parts.uri, request.uri_mut());
    std::mem::swap(&mut parts.version, request.version_mut());
    std::mem::swap(&mut parts.headers, request.headers_mut());
    std::mem::swap(&mut parts.extensions, request.extensions_mut());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(xff: &[&str], peer: &str) -> Parts {
        let mut b = http::Request::get("/");
        for v in xff {
            b = b.header("x-forwarded-for", *v);
        }
        let (mut parts, _) = b.body(()).unwrap().into_parts();
        parts.extensions.insert(PeerAddr(peer.parse().unwrap()));
        parts
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = TrustedProxies::new(["10.0.0.0/8", "192.168.1.1"]).unwrap();
        let ip = |p: &Parts| proxies.client_ip(p).unwrap().to_string();
        // Untrusted peer: its header is a lie it may tell.
        assert_eq!(ip(&parts(&["1.2.3.4"], "8.8.8.8:1")), "8.8.8.8");
        // Trusted peer: the right-most untrusted hop.
        assert_eq!(ip(&parts(&["6.6.6.6, 1.2.3.4"], "10.0.0.2:1")), "1.2.3.4");
        assert_eq!(
            ip(&parts(&["6.6.6.6, 1.2.3.4", "192.168.1.1"], "10.0.0.2:1")),
            "1.2.3.4"
        );
        // Garbage stops the walk at the last believable hop.
        assert_eq!(ip(&parts(&["1.2.3.4, junk"], "10.0.0.2:1")), "10.0.0.2");
        // No header: the proxy itself.
        assert_eq!(ip(&parts(&[], "10.0.0.2:1")), "10.0.0.2");
    }

    #[test]
    fn routes_match_by_segment_and_bound_the_label() {
        let routes = Routes::new([
            "/v1/payments/{id}/refunds",
            "/v1/payments/{id}",
            "/v1/payments",
        ]);
        assert_eq!(&*routes.template("/v1/payments"), "/v1/payments");
        assert_eq!(&*routes.template("/v1/payments/"), "/v1/payments");
        assert_eq!(
            &*routes.template("/v1/payments/p1/refunds"),
            "/v1/payments/{id}/refunds"
        );
        assert_eq!(&*routes.template("/v1/payments/p1"), "/v1/payments/{id}");
        assert_eq!(&*routes.template("/v2/payments"), UNMATCHED_ROUTE);
        assert_eq!(&*routes.template("/"), UNMATCHED_ROUTE);
    }

    #[cfg(feature = "axum")]
    #[test]
    fn axum_connect_info_names_the_peer_and_peer_addr_wins() {
        let (mut parts, _) = http::Request::get("/").body(()).unwrap().into_parts();
        assert_eq!(PeerAddr::of(&parts.extensions), None);
        let axum_peer: SocketAddr = "198.51.100.1:4000".parse().unwrap();
        parts
            .extensions
            .insert(axum::extract::ConnectInfo(axum_peer));
        assert_eq!(PeerAddr::of(&parts.extensions), Some(axum_peer));
        assert_eq!(
            TrustedProxies::default().client_ip(&parts),
            Some(axum_peer.ip())
        );
        let ours: SocketAddr = "192.0.2.9:1".parse().unwrap();
        parts.extensions.insert(PeerAddr(ours));
        assert_eq!(PeerAddr::of(&parts.extensions), Some(ours));
    }

    #[test]
    fn a_request_is_classified_once_and_kept_whole() {
        let c = Classifier::new(Routes::new(["/v1/payments/{id}"]));
        let mut request = http::Request::post("/v1/payments/p1?x=1")
            .header("x-api-key", "acme")
            .body("body")
            .unwrap();
        let seen = c.classify_request(&mut request);
        assert_eq!(&*seen.route, "/v1/payments/{id}");
        assert_eq!(&*seen.client.id, "key:acme");
        // The request is intact and carries the answer for later layers.
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri(), "/v1/payments/p1?x=1");
        assert_eq!(request.headers()["x-api-key"], "acme");
        assert_eq!(*request.body(), "body");
        assert_eq!(request.extensions().get::<Classified>(), Some(&seen));
        // A second classifier with other routes reads the first answer back.
        let other = Classifier::new(Routes::default());
        assert_eq!(other.classify_request(&mut request), seen);
    }

    #[test]
    fn an_application_route_template_wins() {
        let c = Classifier::new(Routes::new(["/a"]));
        let (mut p, _) = http::Request::get("/a").body(()).unwrap().into_parts();
        p.extensions.insert(RouteTemplate("/custom".into()));
        assert_eq!(&*c.classify(&mut p).route, "/custom");
    }
}
