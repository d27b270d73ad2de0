//! The typed model: what a spec means, answered once for every reader
//! (lint rules, code generation, diff).
//!
//! The model is built over a loaded [`Workspace`] and borrows it: every
//! name and path is [`SpecText`] pointing into the parsed trees, never a
//! copy. A node shared through `$ref` or a YAML alias is read once, however
//! many operations use it: parameters, parameter lists, responses, response
//! maps and header maps live in arenas keyed by their resolved node, and an
//! operation holds ids into them. A hostile spec that shares one response map
//! across thousands of operations therefore costs one response map.
//!
//! Facts defined here and nowhere else: the HTTP [`Method`] list, parameter
//! merging (see [`Model::parameters`]), [`Status`] keys, the idempotency-key
//! parameter (see [`KEY_HEADERS`]), servers, deprecation and sunset dates,
//! security requirements and schemes.
//!
//! ```
//! use threeam_spec::{model::{Model, ModelOptions, Status}, workspace::Workspace};
//! let ws = Workspace::from_text("s.yaml", "openapi: 3.0.3\npaths:\n  /v1/pay:\n    post:\n      parameters:\n        - {name: X-Idempotency-Key, in: header, required: true}\n      responses:\n        '201': {description: ok}\n");
//! let model = Model::new(&ws, &ModelOptions::default());
//! let op = &model.operations()[0];
//! assert_eq!(model.responses(op)[0].status, Status::Code(201));
//! assert!(model.idempotency_key(op).unwrap().name.eq_ignore_ascii_case("x-idempotency-key"));
//! ```

mod build;
mod date;
mod status;
mod text;

use crate::workspace::{At, Workspace};

pub use date::SpecDate;
pub use status::{Status, StatusError};
pub use text::{one_line, SpecText};

/// The HTTP methods a path item can hold, in the order OpenAPI lists them.
///
/// ```
/// use threeam_spec::model::Method;
/// assert_eq!(Method::parse("post"), Some(Method::Post));
/// assert_eq!(Method::Post.as_str(), "post");
/// assert_eq!(Method::Post.upper(), "POST");
/// assert_eq!(Method::ALL.len(), 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Every method, in spec order.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The lower-case key a path item uses (`post`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// The method as HTTP writes it (`POST`).
    pub fn upper(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// A path-item key or method name, in any case.
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

/// Header names accepted as an operation's idempotency key, compared
/// case-insensitively. [`ModelOptions::key_header`] adds one.
pub const KEY_HEADERS: [&str; 2] = ["Idempotency-Key", "X-Idempotency-Key"];

/// Choices the caller makes about reading the spec.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    /// A configured idempotency header name, tried before [`KEY_HEADERS`].
    pub key_header: Option<String>,
    /// The most parameter, response and header uses the operations may add
    /// up to (see [`Stats::uses`]) before the model reports
    /// [`ProblemKind::Budget`].
    pub max_uses: u64,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            key_header: None,
            // The largest public specs (GitHub, Stripe) use well under
            // 100,000; a tool that copies shared parts per operation would
            // need gigabytes past this.
            max_uses: 1_000_000,
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// `in: query`
    Query,
    /// `in: header`
    Header,
    /// `in: path`
    Path,
    /// `in: cookie`
    Cookie,
}

impl Location {
    /// Read `in:`.
    pub fn parse(text: &str) -> Option<Location> {
        match text {
            "query" => Some(Location::Query),
            "header" => Some(Location::Header),
            "path" => Some(Location::Path),
            "cookie" => Some(Location::Cookie),
            _ => None,
        }
    }

    /// As `in:` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Query => "query",
            Location::Header => "header",
            Location::Path => "path",
            Location::Cookie => "cookie",
        }
    }
}

/// Index of a parameter in the model's arena (one per resolved node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamId(u32);

/// Index of a response in the model's arena (one per resolved node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResponseId(u32);

/// Index of a merged parameter list (shared by every operation with the
/// same path-level and operation-level lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamListId(u32);

/// Index of a `responses` map (shared by every operation that uses it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResponseMapId(u32);

/// A parameter object, read once however many operations use it.
#[derive(Debug, Clone)]
pub struct Parameter<'w> {
    /// `name:`
    pub name: SpecText<'w>,
    /// `in:`
    pub location: Location,
    /// The parameter object (resolved).
    pub node: At,
    /// `required: true` (path parameters are always required).
    pub required: bool,
    /// `deprecated: true`
    pub deprecated: bool,
    /// Its schema (resolved): `schema`, else the first `content` entry's.
    pub schema: Option<At>,
}

/// A header a response declares.
#[derive(Debug, Clone)]
pub struct Header<'w> {
    /// The name (the key in `headers`).
    pub name: SpecText<'w>,
    /// Where the key is written (the unresolved value under `headers`).
    pub key: At,
    /// The header object (resolved).
    pub node: At,
    /// Its schema (resolved), if any.
    pub schema: Option<At>,
}

/// One entry of a `content` map.
#[derive(Debug, Clone)]
pub struct Media<'w> {
    /// The media type as written (`application/json`).
    pub media_type: SpecText<'w>,
    /// The media type object (resolved).
    pub node: At,
    /// Its schema (resolved), if any.
    pub schema: Option<At>,
}

/// A response object, read once however many statuses and operations use it.
#[derive(Debug, Clone)]
pub struct Response {
    /// The response object (resolved).
    pub node: At,
    /// The `headers` map (resolved), if any.
    pub headers_node: Option<At>,
    headers: Option<u32>,
    content: Option<u32>,
}

/// One status of an operation's responses.
#[derive(Debug, Clone, Copy)]
pub struct ResponseEntry {
    /// The status key, parsed.
    pub status: Status,
    /// Where the key is written (the unresolved value under `responses`).
    pub key: At,
    /// The response.
    pub response: ResponseId,
}

/// A request body.
#[derive(Debug, Clone, Copy)]
pub struct RequestBody {
    /// The request body object (resolved).
    pub node: At,
    /// `required: true`
    pub required: bool,
    content: Option<u32>,
}

/// A server and its variables.
#[derive(Debug, Clone)]
pub struct Server<'w> {
    /// `url:` (may hold `{variable}` placeholders).
    pub url: SpecText<'w>,
    /// `description:`
    pub description: Option<SpecText<'w>>,
    /// The server object (resolved).
    pub node: At,
    /// Its variables, in document order.
    pub variables: Vec<ServerVariable<'w>>,
}

/// A server variable.
#[derive(Debug, Clone)]
pub struct ServerVariable<'w> {
    /// The name used in `{...}` in the URL.
    pub name: SpecText<'w>,
    /// `default:` (required by OpenAPI; `None` when missing).
    pub default: Option<SpecText<'w>>,
    /// `enum:` values, if any.
    pub values: Vec<SpecText<'w>>,
    /// The variable object.
    pub node: At,
}

/// How a security scheme authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind<'w> {
    /// `type: apiKey`: a named header, query parameter or cookie.
    ApiKey {
        /// The header, query or cookie name.
        name: Option<SpecText<'w>>,
        /// Where it goes (`None` for an invalid `in`).
        location: Option<Location>,
    },
    /// `type: http`: `bearer`, `basic`, ...
    Http {
        /// The scheme (`bearer`).
        scheme: Option<SpecText<'w>>,
    },
    /// `type: oauth2`
    OAuth2,
    /// `type: openIdConnect`
    OpenIdConnect,
    /// `type: mutualTLS`
    MutualTls,
    /// Anything else (reported as a problem).
    Unknown,
}

/// A named entry of `components/securitySchemes`.
#[derive(Debug, Clone)]
pub struct SecurityScheme<'w> {
    /// The name requirements use.
    pub name: SpecText<'w>,
    /// What it is.
    pub kind: SchemeKind<'w>,
    /// The scheme object (resolved).
    pub node: At,
}

/// One alternative of a `security` list: all of these schemes together.
#[derive(Debug, Clone, Default)]
pub struct SecurityRequirement<'w> {
    /// Scheme names and the scopes asked of each.
    pub schemes: Vec<(SpecText<'w>, Vec<SpecText<'w>>)>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation<'w> {
    /// The path template, e.g. `/v1/payments/{id}`.
    pub path: SpecText<'w>,
    /// The method.
    pub method: Method,
    /// The path item (resolved).
    pub path_item: At,
    /// The operation object (resolved).
    pub node: At,
    /// `operationId:`
    pub operation_id: Option<SpecText<'w>>,
    /// `deprecated: true`
    pub deprecated: bool,
    /// The `responses` object (resolved), if written.
    pub responses_node: Option<At>,
    /// The request body, if any.
    pub request_body: Option<RequestBody>,
    /// When it stops answering: `x-sunset`, else a `Sunset` header example
    /// among its responses.
    pub sunset: Option<SpecDate>,
    /// When it was deprecated: `x-deprecation`, else a `Deprecation` header
    /// example among its responses (RFC 9745 `@epoch` or an HTTP-date).
    pub deprecation: Option<SpecDate>,
    params: u32,
    responses: Option<u32>,
    security: Option<u32>,
}

/// What kind of problem the model found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A `responses` key that is not a status.
    Status,
    /// A parameter whose `in:` is not query, header, path or cookie, or
    /// that lacks `name` or `in`.
    Parameter,
    /// A sunset or deprecation date that does not parse.
    Date,
    /// A security scheme of an unknown type.
    SecurityScheme,
    /// Through `$ref`s and YAML aliases, the operations use more
    /// parameters, responses and headers than [`ModelOptions::max_uses`].
    Budget,
}

/// Something the model could not make sense of. Messages quote spec text;
/// whoever prints them escapes them.
#[derive(Debug, Clone)]
pub struct ModelProblem {
    /// What kind.
    pub kind: ProblemKind,
    /// Where (a node whose key the reader should look at).
    pub at: At,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// How much distinct spec structure the model read: work is proportional
/// to these, not to how often shared nodes are used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Operations.
    pub operations: usize,
    /// Distinct parameter objects.
    pub parameters: usize,
    /// Distinct merged parameter lists.
    pub parameter_lists: usize,
    /// Distinct response objects.
    pub responses: usize,
    /// Distinct `responses` maps.
    pub response_maps: usize,
    /// Distinct `headers` maps.
    pub header_maps: usize,
    /// Distinct `content` maps.
    pub content_maps: usize,
    /// Uses: for every operation, its parameters, its responses and each
    /// response's headers, counted per operation as a tool that copies
    /// shared parts would. This is what `$ref` and alias fan-out multiply.
    pub uses: u64,
}

/// The spec, typed.
#[derive(Debug)]
pub struct Model<'w> {
    ws: &'w Workspace,
    root: Option<At>,
    operations: Vec<Operation<'w>>,
    parameters: Vec<Parameter<'w>>,
    param_lists: Vec<ParamList>,
    responses: Vec<Response>,
    response_maps: Vec<ResponseMap>,
    header_maps: Vec<HeaderMap<'w>>,
    contents: Vec<Vec<Media<'w>>>,
    security_lists: Vec<Vec<SecurityRequirement<'w>>>,
    security: Option<u32>,
    servers: Vec<Server<'w>>,
    schemes: Vec<SecurityScheme<'w>>,
    problems: Vec<ModelProblem>,
    uses: u64,
}

/// A merged parameter list and the facts derived from it once.
#[derive(Debug, Default)]
struct ParamList {
    ids: Vec<ParamId>,
    key: Option<ParamId>,
}

/// A `headers` map and the dates read from it once.
#[derive(Debug, Default)]
struct HeaderMap<'w> {
    headers: Vec<Header<'w>>,
    sunset: Option<SpecDate>,
    deprecation: Option<SpecDate>,
}

/// A `responses` map and the facts derived from it once.
#[derive(Debug, Default)]
struct ResponseMap {
    entries: Vec<ResponseEntry>,
    sunset: Option<SpecDate>,
    deprecation: Option<SpecDate>,
}

impl<'w> Model<'w> {
    /// Read the model of a loaded spec. Never fails: what it cannot read
    /// becomes a [`ModelProblem`] and is left out.
    pub fn new(ws: &'w Workspace, options: &ModelOptions) -> Model<'w> {
        build::build(ws, options)
    }

    /// The workspace the model reads.
    pub fn workspace(&self) -> &'w Workspace {
        self.ws
    }

    /// The root mapping (absent when the root file did not parse or is not
    /// a mapping).
    pub fn root(&self) -> Option<At> {
        self.root
    }

    /// The `openapi` version string, e.g. `3.1.0`.
    pub fn openapi_version(&self) -> Option<SpecText<'w>> {
        let root = self.root?;
        let v = self.ws.get(root, "openapi")?;
        self.ws.scalar_text(v).map(SpecText::new)
    }

    /// Every operation, in document order (paths, then methods in
    /// [`Method::ALL`] order).
    pub fn operations(&self) -> &[Operation<'w>] {
        &self.operations
    }

    /// An operation's parameters, merged by the OpenAPI rule: a parameter
    /// of the operation replaces the path item's parameter with the same
    /// name and location. Order: the path item's parameters as written, each
    /// overridden one in its path-level place, then the operation's other
    /// parameters as written. Within one list, a repeated name and location
    /// keeps the last. Parameters without `name` or a valid `in` are left
    /// out (and reported in [`Model::problems`]).
    pub fn parameters(&self, op: &Operation<'w>) -> impl Iterator<Item = &Parameter<'w>> + '_ {
        self.param_lists[op.params as usize]
            .ids
            .iter()
            .map(|id| &self.parameters[id.0 as usize])
    }

    /// The ids behind [`Model::parameters`] (to tell shared ones apart).
    pub fn parameter_ids(&self, op: &Operation<'w>) -> &[ParamId] {
        &self.param_lists[op.params as usize].ids
    }

    /// The operation's merged parameter list: operations with the same id
    /// have the same parameters, so a rule about parameters reads each
    /// list once.
    pub fn parameter_list_id(&self, op: &Operation<'w>) -> ParamListId {
        ParamListId(op.params)
    }

    /// The parameters of a merged list (see [`Model::parameters`]).
    pub fn parameter_list(&self, id: ParamListId) -> impl Iterator<Item = &Parameter<'w>> + '_ {
        self.param_lists[id.0 as usize]
            .ids
            .iter()
            .map(|id| &self.parameters[id.0 as usize])
    }

    /// A parameter by id.
    pub fn parameter(&self, id: ParamId) -> &Parameter<'w> {
        &self.parameters[id.0 as usize]
    }

    /// Every distinct parameter object any operation uses, each once.
    pub fn all_parameters(&self) -> &[Parameter<'w>] {
        &self.parameters
    }

    /// The operation's idempotency-key parameter: a header parameter named
    /// [`ModelOptions::key_header`] or one of [`KEY_HEADERS`] (any case), in
    /// that order of preference.
    pub fn idempotency_key(&self, op: &Operation<'w>) -> Option<&Parameter<'w>> {
        self.param_lists[op.params as usize]
            .key
            .map(|id| self.parameter(id))
    }

    /// The operation's responses, in document order (extension keys and
    /// keys that are no status are left out).
    pub fn responses(&self, op: &Operation<'w>) -> &[ResponseEntry] {
        match op.responses {
            Some(m) => &self.response_maps[m as usize].entries,
            None => &[],
        }
    }

    /// The operation's `responses` map, if it has one: operations with the
    /// same id share every response, so a rule about responses reads each
    /// map once.
    pub fn response_map_id(&self, op: &Operation<'w>) -> Option<ResponseMapId> {
        op.responses.map(ResponseMapId)
    }

    /// The entries of a `responses` map, in document order.
    pub fn response_map(&self, id: ResponseMapId) -> &[ResponseEntry] {
        &self.response_maps[id.0 as usize].entries
    }

    /// A response by id.
    pub fn response(&self, id: ResponseId) -> &Response {
        &self.responses[id.0 as usize]
    }

    /// Every distinct response object, each once.
    pub fn all_responses(&self) -> &[Response] {
        &self.responses
    }

    /// The headers a response declares, in document order.
    pub fn headers(&self, response: &Response) -> &[Header<'w>] {
        match response.headers {
            Some(h) => &self.header_maps[h as usize].headers,
            None => &[],
        }
    }

    /// A response's `content` entries, in document order.
    pub fn response_content(&self, response: &Response) -> &[Media<'w>] {
        self.content(response.content)
    }

    /// A request body's `content` entries, in document order.
    pub fn body_content(&self, body: &RequestBody) -> &[Media<'w>] {
        self.content(body.content)
    }

    fn content(&self, id: Option<u32>) -> &[Media<'w>] {
        match id {
            Some(c) => &self.contents[c as usize],
            None => &[],
        }
    }

    /// The header named any of `names` (case-insensitive), if declared.
    pub fn header(&self, response: &Response, names: &[&str]) -> Option<&Header<'w>> {
        self.headers(response)
            .iter()
            .find(|h| names.iter().any(|n| h.name.eq_ignore_ascii_case(n)))
    }

    /// Top-level servers, in document order.
    pub fn servers(&self) -> &[Server<'w>] {
        &self.servers
    }

    /// `components/securitySchemes`, in document order.
    pub fn security_schemes(&self) -> &[SecurityScheme<'w>] {
        &self.schemes
    }

    /// The security an operation needs: its own `security`, else the
    /// document's. Empty means none (an empty list, or none written).
    pub fn security(&self, op: &Operation<'w>) -> &[SecurityRequirement<'w>] {
        match op.security.or(self.security) {
            Some(s) => &self.security_lists[s as usize],
            None => &[],
        }
    }

    /// What the model could not read.
    pub fn problems(&self) -> &[ModelProblem] {
        &self.problems
    }

    /// How much distinct structure was read.
    pub fn stats(&self) -> Stats {
        Stats {
            operations: self.operations.len(),
            parameters: self.parameters.len(),
            parameter_lists: self.param_lists.len(),
            responses: self.responses.len(),
            response_maps: self.response_maps.len(),
            header_maps: self.header_maps.len(),
            content_maps: self.contents.len(),
            uses: self.uses,
        }
    }
}

#[cfg(test)]
mod tests;
