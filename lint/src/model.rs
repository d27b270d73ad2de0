//! The OpenAPI view the rules read: operations, parameters, responses and
//! headers, with `$ref`s already followed.
//!
//! Rules never walk raw trees for these; they ask this module, so "a header
//! declared inline or through `$ref`, named in any case" means the same thing
//! in every rule.

use crate::ignore::IgnoreLists;
use crate::workspace::{At, Workspace};

/// The HTTP methods an OpenAPI path item can hold, in spec order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The path template, e.g. `/v1/payments/{id}`.
    pub path: String,
    /// Lower-case method, e.g. `post`.
    pub method: &'static str,
    /// The path item (resolved).
    pub path_item: At,
    /// The operation object (resolved).
    pub node: At,
    /// Its parameters: path-item ones overridden by the operation's own of
    /// the same name and location.
    pub parameters: Vec<Parameter>,
    /// Its responses in document order.
    pub responses: Vec<Response>,
}

/// A response of an operation.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status key as written: `200`, `4XX`, `default`.
    pub status: String,
    /// Where the key is written (in the operation's `responses`).
    pub key: At,
    /// The response object (resolved; a shared component when `$ref`ed).
    pub node: At,
}

/// A parameter of an operation.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// `query`, `header`, `path` or `cookie`.
    pub location: String,
    /// The parameter object (resolved).
    pub node: At,
}

/// The spec as rules see it.
///
/// ```
/// use threeam_lint::{model::Spec, workspace::Workspace};
/// let ws = Workspace::from_text("s.yaml", "openapi: 3.0.3\npaths:\n  /v1/a:\n    get:\n      operationId: getA\n");
/// let spec = Spec::new(&ws);
/// assert_eq!(spec.operations.len(), 1);
/// assert_eq!(spec.operations[0].method, "get");
/// ```
#[derive(Debug)]
pub struct Spec<'w> {
    /// The loaded files.
    pub ws: &'w Workspace,
    /// The root node (absent when the root file did not parse).
    pub root: Option<At>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// The mappings that carry `x-threeam-ignore`.
    pub(crate) ignores: IgnoreLists,
}

impl<'w> Spec<'w> {
    /// Build the view over a loaded workspace.
    pub fn new(ws: &'w Workspace) -> Self {
        let root = ws.root().filter(|&r| ws.is_map(r));
        let mut operations = Vec::new();
        if let Some(paths) = root.and_then(|r| ws.get_resolved(r, "paths")) {
            for (path, item) in ws.entries(paths) {
                let item = ws.resolve(item);
                for method in METHODS {
                    if let Some(op) = ws.get(item, method) {
                        let op = ws.resolve(op);
                        if ws.is_map(op) {
                            operations.push(Operation {
                                path: path.to_owned(),
                                method,
                                path_item: item,
                                node: op,
                                parameters: collect_parameters(ws, item, op),
                                responses: collect_responses(ws, op),
                            });
                        }
                    }
                }
            }
        }
        Spec {
            ws,
            root,
            operations,
            ignores: IgnoreLists::find(ws),
        }
    }

    /// The `openapi` version string, e.g. `3.1.0`.
    pub fn openapi_version(&self) -> Option<&str> {
        self.root
            .and_then(|r| self.ws.get(r, "openapi"))
            .and_then(|v| self.ws.scalar_text(v))
    }

    /// Top-level server URLs with the node of each server object.
    pub fn servers(&self) -> Vec<(String, At)> {
        let Some(servers) = self.root.and_then(|r| self.ws.get_resolved(r, "servers")) else {
            return Vec::new();
        };
        self.ws
            .items(servers)
            .filter_map(|s| {
                let s = self.ws.resolve(s);
                let url = self.ws.get(s, "url").and_then(|u| self.ws.str(u))?;
                Some((url.to_owned(), s))
            })
            .collect()
    }

    /// The operation's parameters (see [`Operation::parameters`]).
    pub fn parameters<'o>(&self, op: &'o Operation) -> &'o [Parameter] {
        &op.parameters
    }

    /// The operation's responses in document order.
    pub fn responses<'o>(&self, op: &'o Operation) -> &'o [Response] {
        &op.responses
    }

    /// The `responses` object of an operation (where a missing status belongs).
    pub fn responses_node(&self, op: &Operation) -> At {
        self.ws.get(op.node, "responses").unwrap_or(op.node)
    }

    /// The headers a response declares: name and (resolved) header object.
    pub fn headers(&self, response: At) -> Vec<(String, At)> {
        let Some(headers) = self.ws.get_resolved(response, "headers") else {
            return Vec::new();
        };
        self.ws
            .entries(headers)
            .map(|(name, h)| (name.to_owned(), self.ws.resolve(h)))
            .collect()
    }

    /// True when the response declares a header with any of `names`
    /// (case-insensitive).
    pub fn has_header(&self, response: At, names: &[String]) -> bool {
        self.headers(response)
            .iter()
            .any(|(h, _)| names.iter().any(|n| n.eq_ignore_ascii_case(h)))
    }

    /// Where to report a missing response header: the `headers` map when
    /// present, else the response itself.
    pub fn headers_node(&self, response: At) -> At {
        self.ws.get(response, "headers").unwrap_or(response)
    }

    /// The media types of a request body or response: `(media type, media object)`.
    pub fn content(&self, owner: At) -> Vec<(String, At)> {
        let Some(content) = self.ws.get_resolved(owner, "content") else {
            return Vec::new();
        };
        self.ws
            .entries(content)
            .map(|(mt, m)| (mt.to_owned(), self.ws.resolve(m)))
            .collect()
    }

    /// True when the operation is marked `deprecated: true`.
    pub fn is_deprecated(&self, op: &Operation) -> bool {
        self.ws
            .get(op.node, "deprecated")
            .and_then(|d| self.ws.bool(d))
            .unwrap_or(false)
    }

    /// The operation's `operationId`, if any.
    pub fn operation_id(&self, op: &Operation) -> Option<&'w str> {
        self.ws
            .get(op.node, "operationId")
            .and_then(|n| self.ws.str(n))
    }

    /// A short name for messages: `operationId` or `POST /v1/payments`.
    pub fn describe(&self, op: &Operation) -> String {
        match self.operation_id(op) {
            Some(id) => format!("{id} ({} {})", op.method.to_uppercase(), op.path),
            None => format!("{} {}", op.method.to_uppercase(), op.path),
        }
    }
}

fn collect_parameters(ws: &Workspace, path_item: At, op: At) -> Vec<Parameter> {
    let mut out: Vec<Parameter> = Vec::new();
    for owner in [path_item, op] {
        let Some(list) = ws.get_resolved(owner, "parameters") else {
            continue;
        };
        for p in ws.items(list) {
            let p = ws.resolve(p);
            let name = ws.get(p, "name").and_then(|n| ws.str(n));
            let location = ws.get(p, "in").and_then(|n| ws.str(n));
            let (Some(name), Some(location)) = (name, location) else {
                continue;
            };
            out.retain(|q| !(q.name == name && q.location == location));
            out.push(Parameter {
                name: name.to_owned(),
                location: location.to_owned(),
                node: p,
            });
        }
    }
    out
}

fn collect_responses(ws: &Workspace, op: At) -> Vec<Response> {
    let Some(responses) = ws.get_resolved(op, "responses") else {
        return Vec::new();
    };
    ws.entries(responses)
        .filter(|(status, _)| !status.starts_with("x-"))
        .map(|(status, key)| Response {
            status: status.to_owned(),
            key,
            node: ws.resolve(key),
        })
        .collect()
}

/// True for a status key in the 2xx class (`200`, `201`, `2XX`).
pub fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// True for 4xx, 5xx and `default` responses.
pub fn is_error(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5') || status == "default"
}
