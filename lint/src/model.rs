//! The spec as rules see it: the typed model of `threeam-spec` plus the
//! placement helpers findings need.
//!
//! Rules never walk raw trees for operations, parameters, responses or
//! headers; they ask the model, so "a header declared inline or through
//! `$ref`, named in any case" means the same thing in every rule, in codegen
//! and in diff. The model reads a shared node once; rules that look at
//! parameters or responses walk distinct lists and maps (see
//! [`crate::rules::response_maps`]), so their cost follows the spec's
//! written size, not how often it reuses a node.

pub use threeam_spec::model::{
    Header, Location, Media, Method, Model, ModelOptions, Operation, Parameter, Response,
    ResponseEntry, SchemeKind, SpecText, Status,
};

use std::cell::OnceCell;

use crate::ignore::IgnoreLists;
use crate::structure::{Structure, Version};
use crate::workspace::{At, Workspace};

/// The spec as rules see it.
///
/// ```
/// use threeam_lint::{model::Spec, workspace::Workspace};
/// let ws = Workspace::from_text("s.yaml", "openapi: 3.0.3\npaths:\n  /v1/a:\n    get:\n      operationId: getA\n");
/// let spec = Spec::new(&ws);
/// assert_eq!(spec.operations().len(), 1);
/// assert_eq!(spec.operations()[0].method.as_str(), "get");
/// assert_eq!(spec.describe(&spec.operations()[0]), "getA (GET /v1/a)");
/// ```
#[derive(Debug)]
pub struct Spec<'w> {
    /// The loaded files.
    pub ws: &'w Workspace,
    /// The root node (absent when the root file did not parse).
    pub root: Option<At>,
    /// The typed model.
    pub model: Model<'w>,
    /// The mappings that carry `x-threeam-ignore`.
    pub(crate) ignores: IgnoreLists,
    /// Every OpenAPI object with its kind, walked on first use.
    structure: OnceCell<Structure>,
}

impl<'w> Spec<'w> {
    /// Build the view over a loaded workspace with default model options.
    pub fn new(ws: &'w Workspace) -> Self {
        Spec::with_options(ws, &ModelOptions::default())
    }

    /// Build the view with model options (the configured key header).
    pub fn with_options(ws: &'w Workspace, options: &ModelOptions) -> Self {
        let model = Model::new(ws, options);
        Spec {
            ws,
            root: model.root(),
            model,
            ignores: IgnoreLists::find(ws),
            structure: OnceCell::new(),
        }
    }

    /// The OpenAPI version the structural rules check against.
    pub(crate) fn version(&self) -> Version {
        Version::of(self.model.openapi_version().map(|v| v.as_untrusted_str()))
    }

    /// Every OpenAPI object reachable from the root, with its kind (walked
    /// once, shared by the structural rules).
    pub(crate) fn structure(&self) -> &Structure {
        self.structure
            .get_or_init(|| Structure::walk(self.ws, self.root))
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> &[Operation<'w>] {
        self.model.operations()
    }

    /// True when the operation is marked `deprecated: true`.
    pub fn is_deprecated(&self, op: &Operation) -> bool {
        op.deprecated
    }

    /// The operation's `operationId`, if any.
    pub fn operation_id(&self, op: &Operation<'w>) -> Option<&'w str> {
        op.operation_id.map(|id| id.as_untrusted_str())
    }

    /// A short name for messages: `operationId (POST /v1/payments)` or
    /// `POST /v1/payments`. Spec text: renderers escape it.
    pub fn describe(&self, op: &Operation) -> String {
        let path = op.path.as_untrusted_str();
        match op.operation_id {
            Some(id) => format!("{} ({} {path})", id.as_untrusted_str(), op.method.upper()),
            None => format!("{} {path}", op.method.upper()),
        }
    }

    /// The `responses` object of an operation (where a missing status belongs).
    pub fn responses_node(&self, op: &Operation) -> At {
        self.ws.get(op.node, "responses").unwrap_or(op.node)
    }

    /// The response behind an entry of a `responses` map.
    pub fn response(&self, entry: &ResponseEntry) -> &Response {
        self.model.response(entry.response)
    }

    /// Where to report a missing response header: the `headers` map when
    /// present, else the response itself.
    pub fn headers_node(&self, response: &Response) -> At {
        self.ws
            .get(response.node, "headers")
            .unwrap_or(response.node)
    }

    /// True when the response declares a header with any of `names`
    /// (case-insensitive).
    pub fn has_header(&self, response: &Response, names: &[String]) -> bool {
        self.model
            .headers(response)
            .iter()
            .any(|h| names.iter().any(|n| h.name.eq_ignore_ascii_case(n)))
    }
}
