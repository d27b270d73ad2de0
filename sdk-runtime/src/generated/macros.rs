//! The macros generated files invoke for their repetitive impls. They name
//! everything by absolute path (`$crate::serde`, `::core::result::Result`),
//! so a spec type called `Result`, `Option` or `String` cannot change what
//! they mean.

/// The generated `Client` and its `ClientBuilder`: a runtime plus
/// per-handle [`CallOptions`], the constructors, and the [`Api`] impl that
/// operation methods call through.
///
/// - `servers`: the spec's server list (primary, then fallback);
/// - `idempotency_header`: the spec's key header, when not `Idempotency-Key`;
/// - `security`: the spec's top-level requirement, the default of
///   operations that declare none (see [`Security`]);
/// - `schemes`: `(scheme, builder method)` pairs, so the error of a call
///   missing credentials names the method that supplies them;
/// - `env_api_key` / `env_token`: the builder methods (each taking one
///   `&str`) that `<PREFIX>_API_KEY` and `<PREFIX>_TOKEN` are given to, in
///   that order (a scheme in both lists ends with the token).
///
/// Constructors: `Client::new(base_url)` (that base URL alone: the spec's
/// fallback is dropped, so a client pointed at staging never fails over to
/// production), `Client::default_servers()` (the spec's servers),
/// `Client::from_env()` (`<PREFIX>_BASE_URL`, `_API_KEY`, `_TOKEN`, the
/// prefix made from the crate name by [`env_prefix`]), `Client::builder()`
/// and `Client::from_runtime(..)`. Spec-specific credential methods are
/// added to the builder in a separate `impl` block; each calls
/// `configure` with the runtime builder method of its scheme.
///
/// [`CallOptions`]: crate::generated::CallOptions
/// [`Api`]: crate::generated::Api
/// [`Security`]: crate::auth::Security
/// [`env_prefix`]: crate::env::env_prefix
///
/// ```
/// pub const SERVERS: &[&str] = &["http://127.0.0.1:1", "http://127.0.0.1:2"];
/// threeam_runtime::api_client! {
///     /// The Pets API client.
///     pub struct Client;
///     /// Builds a [`Client`].
///     builder = ClientBuilder;
///     servers = SERVERS;
///     security = &[&["bearerAuth"]];
///     schemes = &[("bearerAuth", "bearer_auth")];
///     env_api_key = [];
///     env_token = [bearer_auth];
/// }
///
/// impl ClientBuilder {
///     /// `Authorization: Bearer <token>` (scheme `bearerAuth`).
///     pub fn bearer_auth(self, token: &str) -> Self {
///         self.configure(|b| b.http_bearer("bearerAuth", token))
///     }
/// }
///
/// let client = Client::default_servers().unwrap();
/// assert_eq!(client.runtime().endpoint_status().len(), 2);
/// let local = Client::new("http://127.0.0.1:8080").unwrap();
/// assert_eq!(local.runtime().endpoint_status().len(), 1);
/// let staging = Client::builder()
///     .base_url("http://127.0.0.1:9")
///     .bearer_auth("sk_test_1")
///     .build()
///     .unwrap();
/// assert_eq!(staging.runtime().endpoint_status()[0].base_url, "http://127.0.0.1:9");
/// let quick = client.with_options(
///     threeam_runtime::generated::CallOptions::new().timeout(std::time::Duration::from_secs(1)),
/// );
/// # let _ = quick;
/// ```
#[macro_export]
macro_rules! api_client {
    (
        $(#[$meta:meta])* $vis:vis struct $name:ident;
        $(#[$bmeta:meta])* builder = $builder:ident;
        servers = $servers:expr;
        $(idempotency_header = $key_header:expr;)?
        $(security = $security:expr;)?
        $(schemes = $hints:expr;)?
        $(env_api_key = [$($api_key:ident),* $(,)?];)?
        $(env_token = [$($token:ident),* $(,)?];)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        $vis struct $name {
            runtime: $crate::Client,
            options: $crate::generated::CallOptions,
        }

        $(#[$bmeta])*
        #[must_use]
        $vis struct $builder {
            inner: $crate::ClientBuilder,
        }

        impl ::core::fmt::Debug for $builder {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                // The runtime builder holds credentials: show nothing of it.
                f.debug_struct(::core::stringify!($builder)).finish_non_exhaustive()
            }
        }

        impl $name {
            /// A builder preset with the spec's servers (the first is the
            /// primary, the second the fallback), its security requirement
            /// and idempotency header. Add credentials with the methods
            /// named after the spec's security schemes.
            pub fn builder() -> $builder {
                let inner = $crate::generated::builder_for($servers);
                $(let inner = inner.idempotency_header($key_header);)?
                $(let inner = inner.default_security($security);)?
                $(
                    let mut inner = inner;
                    for (scheme, method) in $hints.iter() {
                        inner = inner.scheme_hint(scheme, method);
                    }
                )?
                $builder { inner }
            }

            /// A client for `base_url` alone (the spec's fallback server is
            /// dropped: a client pointed at staging or localhost never fails
            /// over to production) with the runtime's default policies and
            /// no credentials; use [`builder`](Self::builder) to add them.
            pub fn new(
                base_url: impl ::core::convert::Into<::std::string::String>,
            ) -> ::core::result::Result<Self, $crate::BuildError> {
                Self::builder().base_url(base_url).without_fallback().build()
            }

            /// A client for the spec's own servers (primary and fallback)
            /// with the runtime's default policies and no credentials.
            pub fn default_servers() -> ::core::result::Result<Self, $crate::BuildError> {
                Self::builder().build()
            }

            /// A client configured from the environment (see
            /// [`env_prefix`](Self::env_prefix)): `<PREFIX>_BASE_URL`
            /// replaces the spec's servers (and drops the fallback),
            /// `<PREFIX>_API_KEY` and `<PREFIX>_TOKEN` go to the spec's
            /// schemes. A variable that is set but unusable is an error
            /// naming it.
            pub fn from_env() -> ::core::result::Result<Self, $crate::BuildError> {
                Self::builder().env()?.build()
            }

            /// The prefix of the environment variables `from_env` reads:
            /// the crate name in upper case, `-` as `_`.
            pub fn env_prefix() -> ::std::string::String {
                $crate::env::env_prefix(::core::env!("CARGO_PKG_NAME"))
            }

            /// A client on a runtime you configured (base URLs, auth,
            /// policies).
            pub fn from_runtime(runtime: $crate::Client) -> Self {
                Self {
                    runtime,
                    options: $crate::generated::CallOptions::new(),
                }
            }

            /// The runtime (endpoint and breaker status, retry budget).
            pub fn runtime(&self) -> &$crate::Client {
                &self.runtime
            }

            /// A handle whose calls use `options` (idempotency key,
            /// timeout, deadline, attempts). It shares the runtime:
            /// breakers, budget and limits stay common.
            pub fn with_options(&self, options: $crate::generated::CallOptions) -> Self {
                Self {
                    runtime: ::core::clone::Clone::clone(&self.runtime),
                    options,
                }
            }
        }

        impl $builder {
            /// Replaces the primary server (the spec's first).
            pub fn base_url(self, url: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.configure(|b| b.base_url(url))
            }

            /// Sets the fallback server, tried when the primary fails.
            pub fn fallback(self, url: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.configure(|b| b.fallback(url))
            }

            /// No fallback: every attempt goes to the primary.
            pub fn without_fallback(self) -> Self {
                self.configure(|b| b.without_fallback())
            }

            /// Any other runtime setting (timeouts, retry, breaker, proxy,
            /// TLS roots): `f` gets the runtime builder and returns it.
            pub fn configure(
                self,
                f: impl ::core::ops::FnOnce($crate::ClientBuilder) -> $crate::ClientBuilder,
            ) -> Self {
                Self { inner: f(self.inner) }
            }

            /// Applies settings read from the environment: a base URL
            /// replaces the servers (no fallback), an API key and a token go
            /// to the spec's schemes.
            pub fn with_env(mut self, env: &$crate::env::EnvConfig) -> Self {
                if let ::core::option::Option::Some(url) = &env.base_url {
                    self = self.base_url(::core::clone::Clone::clone(url)).without_fallback();
                }
                if let ::core::option::Option::Some(key) = &env.api_key {
                    // Used only when the spec has a scheme for it.
                    let _ = key;
                    $($(self = self.$api_key(key);)*)?
                }
                if let ::core::option::Option::Some(token) = &env.token {
                    let _ = token;
                    $($(self = self.$token(token);)*)?
                }
                self
            }

            /// Reads `<PREFIX>_BASE_URL`, `<PREFIX>_API_KEY` and
            /// `<PREFIX>_TOKEN` from the process environment and applies
            /// them (see [`with_env`](Self::with_env)).
            pub fn env(self) -> ::core::result::Result<Self, $crate::env::EnvError> {
                let env = $crate::env::EnvConfig::from_env(&$name::env_prefix())?;
                ::core::result::Result::Ok(self.with_env(&env))
            }

            /// The runtime builder with everything set so far.
            pub fn into_runtime_builder(self) -> $crate::ClientBuilder {
                self.inner
            }

            /// Checks the settings and builds the client.
            pub fn build(self) -> ::core::result::Result<$name, $crate::BuildError> {
                ::core::result::Result::Ok($name::from_runtime(self.inner.build()?))
            }
        }

        impl $crate::generated::Api for $name {
            fn runtime(&self) -> &$crate::Client {
                &self.runtime
            }

            fn call_options(&self) -> &$crate::generated::CallOptions {
                &self.options
            }
        }
    };
}

/// `as_str`, `From<&str>`, `Display` and serde for a string enum whose last
/// variant is `Unknown(String)`: a value this client does not know is kept,
/// not refused (a server's additive change must not break an old client).
///
/// ```
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// pub enum Status {
///     Active,
///     Unknown(String),
/// }
/// threeam_runtime::string_enum!(Status { Active => "active" });
///
/// use threeam_runtime::serde_json;
/// assert_eq!(serde_json::to_string(&Status::Active).unwrap(), r#""active""#);
/// let added: Status = serde_json::from_str(r#""paused""#).unwrap();
/// assert_eq!(added, Status::Unknown("paused".into()));
/// assert_eq!(added.to_string(), "paused");
/// ```
///
/// Given `enum`, it also defines the enum (the `Unknown(String)` variant
/// added, each variant documented with its wire value), so a generated
/// file states only the names and values:
///
/// ```
/// threeam_runtime::string_enum! {
///     /// How a payment is captured.
///     pub enum Capture { Automatic => "automatic", Manual => "manual" }
/// }
/// assert_eq!(Capture::from("manual"), Capture::Manual);
/// assert_eq!(Capture::from("later"), Capture::Unknown("later".into()));
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($variant:ident => $value:literal),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $(
                #[doc = ::core::concat!("`", $value, "`")]
                $variant,
            )*
            /// A value this client does not know yet (the server added it).
            Unknown(::std::string::String),
        }

        $crate::string_enum!($name { $($variant => $value),* });
    };
    ($name:ident { $($variant:ident => $value:literal),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value =
                    <::std::string::String as $crate::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(<Self as ::core::convert::From<&str>>::from(&value))
            }
        }
    };
}

/// `Serialize` for a union (an enum of one-value variants and
/// `Unknown(serde_json::Value)`): written as whichever variant it holds.
///
/// ```
/// pub enum Id {
///     Number(i64),
///     Text(String),
///     Unknown(threeam_runtime::serde_json::Value),
/// }
/// threeam_runtime::union_serialize!(Id { Number, Text });
///
/// use threeam_runtime::serde_json;
/// assert_eq!(serde_json::to_string(&Id::Number(7)).unwrap(), "7");
/// assert_eq!(serde_json::to_string(&Id::Text("a".into())).unwrap(), r#""a""#);
/// ```
#[macro_export]
macro_rules! union_serialize {
    ($name:ident { $($(#[$attr:meta])* $variant:ident),* $(,)? }) => {
        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $($(#[$attr])* Self::$variant(value) => $crate::serde::Serialize::serialize(value, serializer),)*
                    Self::Unknown(value) => $crate::serde::Serialize::serialize(value, serializer),
                }
            }
        }
    };
}

/// `Deserialize` for a union without a discriminator: the first variant
/// (in the order given) that the value fits; a value that fits none is kept
/// as `Unknown`.
/// A variant may carry attributes: a generated crate's per-tag features
/// put `#[cfg(...)]` on variants whose type is compiled out.
///
/// ```
/// #[derive(Debug, PartialEq)]
/// pub enum Id {
///     Number(i64),
///     Text(String),
///     Unknown(threeam_runtime::serde_json::Value),
/// }
/// threeam_runtime::untagged_union!(Id { Number(i64), Text(String) });
///
/// use threeam_runtime::serde_json::{self, json};
/// assert_eq!(serde_json::from_str::<Id>("7").unwrap(), Id::Number(7));
/// assert_eq!(serde_json::from_str::<Id>(r#""a""#).unwrap(), Id::Text("a".into()));
/// assert_eq!(serde_json::from_str::<Id>("[1]").unwrap(), Id::Unknown(json!([1])));
/// ```
#[macro_export]
macro_rules! untagged_union {
    ($name:ident { $($(#[$attr:meta])* $variant:ident($ty:ty)),* $(,)? }) => {
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value =
                    <$crate::serde_json::Value as $crate::serde::Deserialize>::deserialize(deserializer)?;
                $($(#[$attr])* {
                    if let ::core::result::Result::Ok(v) =
                        <$ty as $crate::serde::Deserialize>::deserialize(&value)
                    {
                        return ::core::result::Result::Ok(Self::$variant(v));
                    }
                })*
                ::core::result::Result::Ok(Self::Unknown(value))
            }
        }
    };
}

/// `Deserialize` for a union with a discriminator: read by the value of its
/// tag property; an unknown tag (a kind the server added) is kept as
/// `Unknown`; a known tag whose value does not fit its variant is an error.
/// An entry may carry attributes (`#[cfg(...)]` from per-tag features): a
/// tag whose entry is compiled out is read as `Unknown`.
///
/// ```
/// #[derive(Debug, PartialEq, threeam_runtime::serde::Deserialize)]
/// #[serde(crate = "threeam_runtime::serde")]
/// pub struct Card {
///     last4: String,
/// }
///
/// #[derive(Debug, PartialEq)]
/// pub enum Method {
///     Card(Card),
///     Unknown(threeam_runtime::serde_json::Value),
/// }
/// threeam_runtime::tagged_union!(Method, "type", { "card" | "debit_card" => Card });
///
/// use threeam_runtime::serde_json::{self, json};
/// let card: Method = serde_json::from_str(r#"{"type":"debit_card","last4":"4242"}"#).unwrap();
/// assert_eq!(card, Method::Card(Card { last4: "4242".into() }));
/// let added: Method = serde_json::from_str(r#"{"type":"crypto"}"#).unwrap();
/// assert_eq!(added, Method::Unknown(json!({"type": "crypto"})));
/// assert!(serde_json::from_str::<Method>(r#"{"type":"card"}"#).is_err());
/// ```
#[macro_export]
macro_rules! tagged_union {
    ($name:ident, $tag:literal, { $($(#[$attr:meta])* $($value:literal)|+ => $target:ident),* $(,)? }) => {
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value =
                    <$crate::serde_json::Value as $crate::serde::Deserialize>::deserialize(deserializer)?;
                match value.get($tag).and_then($crate::serde_json::Value::as_str) {
                    $($(#[$attr])* ::core::option::Option::Some($($value)|+) => {
                        $crate::serde::Deserialize::deserialize(&value)
                            .map(Self::$target)
                            .map_err(<D::Error as $crate::serde::de::Error>::custom)
                    })*
                    _ => ::core::result::Result::Ok(Self::Unknown(value)),
                }
            }
        }
    };
}
