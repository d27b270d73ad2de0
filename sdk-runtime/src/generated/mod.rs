//! The shared part of every generated client, compiled and tested here
//! once instead of pasted into each generated file.
//!
//! A crate made by `threeam generate` holds only what its spec says: the
//! types, the `Client` with one method per operation, and which encoder
//! each parameter uses. Everything else lives here, so a fix to an encoder
//! ships with a runtime release and needs no regeneration:
//! - [`Error`] (a failed call with its typed error body), [`Reply`] (a
//!   success with how it was served) and [`CallOptions`] (per-handle
//!   settings), which generated crates re-export under their own name;
//! - [`Api`], [`request`] and [`call`]: what every operation method calls;
//! - the parameter and body encoders ([`path`], [`query`] with its
//!   [`Style`], [`header`], [`cookie`], [`form`], [`part`], [`file`](file())) and
//!   the body readers ([`json`], [`json_err`], [`text`], [`bytes`](bytes()),
//!   [`unit`](unit()));
//! - streamed operations: [`call_stream`] with [`events`], [`raw_events`]
//!   or [`download`], and [`stream_flag`];
//! - [`pages`] and [`items`] (see [`paginate`]): a list operation walked
//!   page by page as a `Stream`;
//! - the macros that write the repetitive impls: [`api_client!`]
//!   (the `Client` struct and constructors), [`string_enum!`],
//!   [`union_serialize!`], [`untagged_union!`] and [`tagged_union!`]
//!   (serde for enums and unions that tolerate values added later).
//!
//! ```
//! use threeam_runtime::generated::{self as rt, Style};
//!
//! #[derive(Debug, Clone, PartialEq, Eq, Hash)]
//! pub enum Status {
//!     Active,
//!     Unknown(String),
//! }
//! threeam_runtime::string_enum!(Status { Active => "active" });
//!
//! let req = threeam_runtime::Request::get("listUsers", "/v1/users");
//! let req = rt::query(req, "status", &Some(Status::Active), Style::FormExploded);
//! let req = rt::query(req, "tag", &["a b", "c"], Style::Form);
//! assert_eq!(req.query_string(), "status=active&tag=a%20b,c");
//! ```
//!
//! [`api_client!`]: crate::api_client
//! [`string_enum!`]: crate::string_enum
//! [`union_serialize!`]: crate::union_serialize
//! [`untagged_union!`]: crate::untagged_union
//! [`tagged_union!`]: crate::tagged_union

mod builder;
mod call;
mod error;
mod macros;
pub mod paginate;
mod params;
mod reply;
mod stream;

pub use builder::MissingField;
pub use call::{builder_for, call, request, Api, CallOptions, Decode, HeaderError, Read};
pub use error::Error;
pub use paginate::{items, pages};
pub use params::{
    bytes, cookie, file, form, header, json, json_err, part, path, query, text, unit, Style,
};
pub use reply::{header_value, FromHeaders, Reply};
pub use stream::{call_stream, download, events, raw_events, stream_flag, Open};
