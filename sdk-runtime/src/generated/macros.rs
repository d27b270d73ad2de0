//! The macros generated files invoke for their repetitive impls. They name
//! everything by absolute path (`$crate::serde`, `::core::result::Result`),
//! so a spec type called `Result`, `Option` or `String` cannot change what
//! they mean.

/// The generated `Client`: a runtime plus per-handle [`CallOptions`], with
/// `builder()`, `new()`, `from_runtime()`, `runtime()` and
/// `with_options()`, and the [`Api`] impl that operation methods call
/// through. `servers` is the spec's server list (primary, then fallback);
/// an optional `idempotency_header = "X-Idempotency-Key";` line presets the
/// header the spec's keyed operations use (default `Idempotency-Key`).
///
/// [`CallOptions`]: crate::generated::CallOptions
/// [`Api`]: crate::generated::Api
///
/// ```
/// pub const SERVERS: &[&str] = &["http://127.0.0.1:1", "http://127.0.0.1:2"];
/// threeam_runtime::api_client! {
///     /// The Pets API client.
///     pub struct Client;
///     servers = SERVERS;
/// }
///
/// let client = Client::new().unwrap();
/// assert_eq!(client.runtime().endpoint_status().len(), 2);
/// let quick = client.with_options(
///     threeam_runtime::generated::CallOptions::new().timeout(std::time::Duration::from_secs(1)),
/// );
/// # let _ = quick;
/// ```
#[macro_export]
macro_rules! api_client {
    ($(#[$meta:meta])* $vis:vis struct $name:ident; servers = $servers:expr;) => {
        $crate::api_client! {
            $(#[$meta])*
            $vis struct $name;
            servers = $servers;
            idempotency_header = "Idempotency-Key";
        }
    };
    // A spec whose operations are keyed by another header (for example
    // `X-Idempotency-Key`) presets that name on the builder.
    (
        $(#[$meta:meta])* $vis:vis struct $name:ident;
        servers = $servers:expr;
        idempotency_header = $header:expr;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        $vis struct $name {
            runtime: $crate::Client,
            options: $crate::generated::CallOptions,
        }

        impl $name {
            /// A runtime builder preset with the spec's servers (the first
            /// is the primary, the second the fallback). Add auth, timeouts
            /// and policies, build it, and pass it to `from_runtime`.
            pub fn builder() -> $crate::ClientBuilder {
                $crate::generated::builder_for($servers).idempotency_header($header)
            }

            /// A client for the spec's servers with the runtime's default
            /// policies.
            pub fn new() -> ::core::result::Result<Self, $crate::BuildError> {
                ::core::result::Result::Ok(Self::from_runtime(Self::builder().build()?))
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
#[macro_export]
macro_rules! string_enum {
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
    ($name:ident { $($variant:ident),* $(,)? }) => {
        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => $crate::serde::Serialize::serialize(value, serializer),)*
                    Self::Unknown(value) => $crate::serde::Serialize::serialize(value, serializer),
                }
            }
        }
    };
}

/// `Deserialize` for a union without a discriminator: the first variant
/// (in the order given) that the value fits; a value that fits none is kept
/// as `Unknown`.
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
    ($name:ident { $($variant:ident($ty:ty)),* $(,)? }) => {
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value =
                    <$crate::serde_json::Value as $crate::serde::Deserialize>::deserialize(deserializer)?;
                $(if let ::core::result::Result::Ok(v) =
                    <$ty as $crate::serde::Deserialize>::deserialize(&value)
                {
                    return ::core::result::Result::Ok(Self::$variant(v));
                })*
                ::core::result::Result::Ok(Self::Unknown(value))
            }
        }
    };
}

/// `Deserialize` for a union with a discriminator: read by the value of its
/// tag property; an unknown tag (a kind the server added) is kept as
/// `Unknown`; a known tag whose value does not fit its variant is an error.
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
    ($name:ident, $tag:literal, { $($($value:literal)|+ => $target:ident),* $(,)? }) => {
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value =
                    <$crate::serde_json::Value as $crate::serde::Deserialize>::deserialize(deserializer)?;
                match value.get($tag).and_then($crate::serde_json::Value::as_str) {
                    $(::core::option::Option::Some($($value)|+) => {
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
