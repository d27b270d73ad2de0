//! Security schemes become builder methods of the generated client.
//!
//! Each entry of `components/securitySchemes` gets one method on the
//! generated `ClientBuilder`, named after the scheme (snake case, never
//! colliding with the builder's fixed methods or another scheme's), that
//! calls the runtime builder method of its kind with what the spec says
//! (header name, location, token URL, scopes). The spec's top-level
//! `security` becomes the client's default requirement, and the schemes'
//! method names become hints so a call missing credentials names the
//! method that supplies them.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use threeam_spec::model::{Location, Model, SchemeKind};
use threeam_spec::workspace::{At, Workspace};

use crate::names::{self, doc_lines, lit, Names};

/// The methods `api_client!` gives every generated builder.
const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "fallback",
    "without_fallback",
    "configure",
    "with_env",
    "env",
    "into_runtime_builder",
    "build",
    "fmt",
];

/// What one scheme's builder method takes and calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// `http` `bearer`: one token.
    Bearer,
    /// `http` `basic`: user name and password.
    Basic,
    /// `apiKey`: one key, under `name` in the header, query or cookie.
    ApiKey {
        location: &'static str,
        name: String,
    },
    /// `openIdConnect`: a token the application obtained.
    OpenIdConnect,
    /// `oauth2` with a client-credentials flow: client id and secret.
    ClientCredentials {
        token_url: String,
        scopes: Vec<String>,
    },
    /// `oauth2` with only user-facing flows: an access token the
    /// application obtained, sent as a bearer token.
    AccessToken,
}

impl Call {
    /// Takes one token or key (so the environment can supply it).
    fn bearer_like(&self) -> bool {
        matches!(self, Call::Bearer | Call::OpenIdConnect | Call::AccessToken)
    }

    /// The method's arguments, as the README example writes them.
    fn example_args(&self) -> &'static str {
        match self {
            Call::Bearer | Call::OpenIdConnect | Call::AccessToken => "\"<token>\"",
            Call::Basic => "\"<username>\", \"<password>\"",
            Call::ApiKey { .. } => "\"<api key>\"",
            Call::ClientCredentials { .. } => "\"<client id>\", \"<client secret>\"",
        }
    }

    /// What it sends, for docs.
    fn describe(&self) -> String {
        match self {
            Call::Bearer => "http bearer: `Authorization: Bearer <token>`".into(),
            Call::Basic => "http basic: `Authorization: Basic ...`".into(),
            Call::ApiKey { location, name } => {
                format!("API key in the {} `{name}`", location.to_ascii_lowercase())
            }
            Call::OpenIdConnect => "OpenID Connect: a token you obtained, sent as a bearer token".into(),
            Call::ClientCredentials { token_url, .. } if !token_url.contains("://") => format!(
                "OAuth2 client credentials: a token is fetched from `{token_url}` on the base URL's origin, cached and renewed"
            ),
            Call::ClientCredentials { token_url, .. } => format!(
                "OAuth2 client credentials: a token is fetched from `{token_url}`, cached and renewed"
            ),
            Call::AccessToken => {
                "OAuth2: an access token you obtained, sent as a bearer token".into()
            }
        }
    }
}

/// One scheme the generated builder can configure.
#[derive(Debug, Clone)]
pub(crate) struct Scheme {
    /// The name in the spec (what requirements say).
    pub(crate) name: String,
    /// The builder method.
    pub(crate) method: String,
    pub(crate) call: Call,
}

impl Scheme {
    /// The method's parameters, for the README.
    pub(crate) fn call_args(&self) -> &'static str {
        match self.call {
            Call::Bearer | Call::OpenIdConnect | Call::AccessToken => "token",
            Call::Basic => "username, password",
            Call::ApiKey { .. } => "key",
            Call::ClientCredentials { .. } => "client_id, client_secret",
        }
    }

    /// What it sends, for a Markdown table cell.
    pub(crate) fn describe_md(&self) -> String {
        self.call
            .describe()
            .replace('|', "\\|")
            .replace(['\n', '\r'], " ")
    }
}

/// The schemes of a spec and its top-level requirement.
#[derive(Debug, Clone, Default)]
pub(crate) struct Auth {
    pub(crate) schemes: Vec<Scheme>,
    /// Schemes left without a method, with why (for the README).
    pub(crate) skipped: Vec<(String, String)>,
    /// The top-level `security`, when written.
    pub(crate) default: Option<Vec<Vec<String>>>,
}

/// A `security` list (alternatives, each a list of scheme names).
pub(crate) fn requirement(ws: &Workspace, list: At) -> Vec<Vec<String>> {
    ws.items(ws.resolve(list))
        .map(|alt| {
            ws.entries(ws.resolve(alt))
                .map(|(name, _)| name.to_owned())
                .collect()
        })
        .collect()
}

/// A requirement as a Rust constant expression of type
/// `threeam_runtime::Security`.
pub(crate) fn requirement_lit(req: &[Vec<String>]) -> String {
    let alts: Vec<String> = req
        .iter()
        .map(|alt| {
            let names: Vec<String> = alt.iter().map(lit).collect();
            format!("&[{}]", names.join(", "))
        })
        .collect();
    format!("&[{}]", alts.join(", "))
}

/// Reads the schemes.
pub(crate) fn collect(ws: &Workspace, root: At, model: &Model<'_>) -> Auth {
    let mut auth = Auth {
        default: ws
            .get_resolved(root, "security")
            .map(|s| requirement(ws, s)),
        ..Auth::default()
    };
    let mut methods = Names::with_reserved(BUILDER_METHODS);
    for scheme in model.security_schemes() {
        let name = scheme.name.as_untrusted_str().to_owned();
        let call = match &scheme.kind {
            SchemeKind::Http { scheme: s } => {
                match s.map(|s| s.as_untrusted_str().to_ascii_lowercase()).as_deref() {
                    Some("bearer") => Ok(Call::Bearer),
                    Some("basic") => Ok(Call::Basic),
                    other => Err(format!(
                        "http scheme `{}` is not supported; send it with `configure(|b| b.secret_header(..))`",
                        other.unwrap_or("(none)")
                    )),
                }
            }
            SchemeKind::ApiKey {
                name: key,
                location,
            } => {
                let location = match location {
                    Some(Location::Header) => Some("Header"),
                    Some(Location::Query) => Some("Query"),
                    Some(Location::Cookie) => Some("Cookie"),
                    _ => None,
                };
                match (location, key) {
                    (Some(location), Some(key)) => Ok(Call::ApiKey {
                        location,
                        name: key.as_untrusted_str().to_owned(),
                    }),
                    _ => {
                        Err("apiKey without a valid `in` (header, query, cookie) and `name`".into())
                    }
                }
            }
            SchemeKind::OpenIdConnect => Ok(Call::OpenIdConnect),
            SchemeKind::OAuth2 => Ok(oauth2(ws, scheme.node, &name, model)),
            SchemeKind::MutualTls => {
                Err("mutual TLS is configured on the transport, not per request".into())
            }
            SchemeKind::Unknown => Err("unknown scheme type".into()),
        };
        match call {
            Ok(call) => {
                let method = methods.claim(&names::snake(&name, "auth"));
                auth.schemes.push(Scheme { name, method, call });
            }
            Err(why) => auth.skipped.push((name, why)),
        }
    }
    auth
}

/// An OAuth2 scheme: client credentials when the spec has that flow (the
/// scopes are those the spec's requirements ask of it), else a token.
///
/// A relative `tokenUrl` (OpenAPI 3.1 allows one) is kept as it is: the
/// runtime joins it to the client's primary base URL when the client is
/// built, so it follows a base URL the user chose (`Client::new`,
/// `base_url`, `<PREFIX>_BASE_URL`) instead of the spec's first server.
fn oauth2(ws: &Workspace, node: At, name: &str, model: &Model<'_>) -> Call {
    let token_url = ws
        .get_resolved(node, "flows")
        .and_then(|f| ws.get_resolved(f, "clientCredentials"))
        .and_then(|cc| ws.get_resolved(cc, "tokenUrl"))
        .and_then(|u| ws.str(u))
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let Some(token_url) = token_url else {
        return Call::AccessToken;
    };
    let mut scopes = BTreeSet::new();
    for op in model.operations() {
        for alt in model.security(op) {
            for (scheme, asked) in &alt.schemes {
                if scheme.as_untrusted_str() == name {
                    scopes.extend(asked.iter().map(|s| s.as_untrusted_str().to_owned()));
                }
            }
        }
    }
    Call::ClientCredentials {
        token_url: token_url.to_owned(),
        scopes: scopes.into_iter().collect(),
    }
}

impl Auth {
    /// The methods `<PREFIX>_API_KEY` goes to: the API-key schemes, or,
    /// without any, the token schemes (many APIs call their bearer token
    /// an API key).
    pub(crate) fn env_api_key(&self) -> Vec<&str> {
        let keys: Vec<&str> = self
            .schemes
            .iter()
            .filter(|s| matches!(s.call, Call::ApiKey { .. }))
            .map(|s| s.method.as_str())
            .collect();
        if keys.is_empty() {
            self.env_token()
        } else {
            keys
        }
    }

    /// The methods `<PREFIX>_TOKEN` goes to: bearer, OpenID Connect and
    /// OAuth2 access-token schemes.
    pub(crate) fn env_token(&self) -> Vec<&str> {
        self.schemes
            .iter()
            .filter(|s| s.call.bearer_like())
            .map(|s| s.method.as_str())
            .collect()
    }

    /// The security lines inside `api_client! { ... }`.
    pub(crate) fn render_macro_args(&self, out: &mut String) {
        if let Some(default) = &self.default {
            let _ = writeln!(out, "    security = {};", requirement_lit(default));
        }
        if !self.schemes.is_empty() {
            let hints: Vec<String> = self
                .schemes
                .iter()
                .map(|s| format!("({}, {})", lit(&s.name), lit(&s.method)))
                .collect();
            let _ = writeln!(out, "    schemes = &[{}];", hints.join(", "));
        }
        let _ = writeln!(
            out,
            "    env_api_key = [{}];",
            self.env_api_key().join(", ")
        );
        let _ = writeln!(out, "    env_token = [{}];", self.env_token().join(", "));
    }

    /// The builder methods of the schemes.
    pub(crate) fn render_methods(&self, out: &mut String) {
        if self.schemes.is_empty() {
            return;
        }
        out.push_str("impl ClientBuilder {\n");
        for (i, s) in self.schemes.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let scheme = lit(&s.name);
            doc_lines(
                out,
                "    ",
                &format!(
                    "Credentials for the security scheme `{}` ({}). Sent only to operations whose security names it; never logged.",
                    s.name.replace('`', "'"),
                    s.call.describe()
                ),
            );
            let m = &s.method;
            let (args, body) = match &s.call {
                Call::Bearer | Call::AccessToken => (
                    "token: &str".to_owned(),
                    format!("b.http_bearer({scheme}, token)"),
                ),
                Call::OpenIdConnect => (
                    "token: &str".to_owned(),
                    format!("b.open_id_connect({scheme}, token)"),
                ),
                Call::Basic => (
                    "username: &str, password: &str".to_owned(),
                    format!("b.http_basic({scheme}, username, password)"),
                ),
                Call::ApiKey { location, name } => (
                    "key: &str".to_owned(),
                    format!(
                        "b.api_key({scheme}, threeam_runtime::ApiKeyIn::{location}, {}, key)",
                        lit(name)
                    ),
                ),
                Call::ClientCredentials { token_url, scopes } => {
                    let mut settings = format!(
                        "threeam_runtime::OAuth2ClientCredentials::new({}, client_id, client_secret)",
                        lit(token_url)
                    );
                    if !scopes.is_empty() {
                        let list: Vec<String> = scopes.iter().map(lit).collect();
                        let _ = write!(settings, ".scopes([{}])", list.join(", "));
                    }
                    (
                        "client_id: &str, client_secret: &str".to_owned(),
                        format!("b.oauth2_client_credentials({scheme}, {settings})"),
                    )
                }
            };
            let _ = writeln!(out, "    pub fn {m}(self, {args}) -> Self {{");
            let _ = writeln!(out, "        self.configure(|b| {body})");
            out.push_str("    }\n");
        }
        out.push_str("}\n\n");
    }

    /// The README's builder chain: the schemes most calls need (the first
    /// alternative of the top-level `security`), else the first scheme;
    /// the README's table lists them all.
    pub(crate) fn readme_chain(&self) -> String {
        let first_alt = self.default.as_ref().and_then(|d| d.first());
        let mut shown: Vec<&Scheme> = self
            .schemes
            .iter()
            .filter(|s| first_alt.is_some_and(|alt| alt.contains(&s.name)))
            .collect();
        if shown.is_empty() {
            shown.extend(self.schemes.first());
        }
        let mut out = String::new();
        for s in shown {
            let _ = writeln!(
                out,
                "    .{}({}) // {}",
                s.method,
                s.call.example_args(),
                s.call.describe().replace('`', "")
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_render_as_constants() {
        assert_eq!(requirement_lit(&[]), "&[]");
        assert_eq!(
            requirement_lit(&[vec!["a".into()], vec!["b".into(), "c\"".into()], vec![]]),
            r#"&[&["a"], &["b", "c\""], &[]]"#
        );
    }
}
