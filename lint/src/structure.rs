//! The spec's OpenAPI objects, each with its kind: what the structural
//! rules ("the spec says what it means") check keys, types and required
//! fields against.
//!
//! One walk from the root follows the object graph the OpenAPI
//! specification defines (through `$ref`s, into other files), visiting a
//! shared node once. Literal data (`example`, `default`, `enum`,
//! extensions) is never entered, and a `$ref` that did not resolve is not
//! entered either: the loader reported it, and nothing derived from it is
//! checked. The walk is computed once per spec and shared by the rules.

use crate::workspace::{At, Workspace};

/// The OpenAPI minor version the structural rules check against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Version {
    /// 3.0.x (and anything that is not 3.1 or 3.2).
    V30,
    /// 3.1.x.
    V31,
    /// 3.2.x: read as 3.1; keys new in 3.2 are not checked.
    V32,
}

impl Version {
    /// The version an `openapi` value announces.
    pub(crate) fn of(openapi: Option<&str>) -> Version {
        match openapi.map(str::trim) {
            Some(v) if v.starts_with("3.1") => Version::V31,
            Some(v) if v.starts_with("3.2") => Version::V32,
            _ => Version::V30,
        }
    }
}

/// The kind of an OpenAPI object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Obj {
    Root,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Components,
    Paths,
    PathItem,
    Operation,
    ExternalDocs,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Responses,
    Response,
    Callback,
    Example,
    Link,
    Header,
    Tag,
    Schema,
    Discriminator,
    Xml,
    SecurityScheme,
    OAuthFlows,
    OAuthFlow,
}

/// Keys an object may have: in every 3.x version, and new in 3.1.
pub(crate) struct Keys {
    /// Allowed from 3.0 on.
    pub(crate) all: &'static [&'static str],
    /// Allowed from 3.1 on.
    pub(crate) since_31: &'static [&'static str],
}

const NONE: &[&str] = &[];

/// Schema keywords of OpenAPI 3.0's schema object, the most used first
/// (every key of every schema is looked up here).
const SCHEMA_30: &[&str] = &[
    "type",
    "description",
    "properties",
    "items",
    "format",
    "nullable",
    "required",
    "enum",
    "example",
    "title",
    "allOf",
    "oneOf",
    "anyOf",
    "additionalProperties",
    "readOnly",
    "writeOnly",
    "default",
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "pattern",
    "deprecated",
    "discriminator",
    "not",
    "maxItems",
    "minItems",
    "uniqueItems",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "maxProperties",
    "minProperties",
    "xml",
    "externalDocs",
];

/// Keywords JSON Schema 2020-12 adds in OpenAPI 3.1.
const SCHEMA_31: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
    "const",
    "examples",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "patternProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
];

/// `name` and `in` first: [`HEADER_FIELDS`] is the rest.
const PARAMETER_FIELDS: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];

/// A Header Object is a Parameter Object without `name` and `in`.
const HEADER_FIELDS: &[&str] = PARAMETER_FIELDS.split_at(2).1;

/// The HTTP methods a path item may hold.
pub(crate) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Obj {
    /// The keys the specification defines for this object.
    pub(crate) fn keys(self) -> Keys {
        let (all, since_31): (&'static [&'static str], &'static [&'static str]) = match self {
            Obj::Root => (
                &[
                    "openapi",
                    "info",
                    "servers",
                    "paths",
                    "components",
                    "security",
                    "tags",
                    "externalDocs",
                ],
                &["webhooks", "jsonSchemaDialect"],
            ),
            Obj::Info => (
                &[
                    "title",
                    "description",
                    "termsOfService",
                    "contact",
                    "license",
                    "version",
                ],
                &["summary"],
            ),
            Obj::Contact => (&["name", "url", "email"], NONE),
            Obj::License => (&["name", "url"], &["identifier"]),
            Obj::Server => (&["url", "description", "variables"], NONE),
            Obj::ServerVariable => (&["enum", "default", "description"], NONE),
            Obj::Components => (
                &[
                    "schemas",
                    "responses",
                    "parameters",
                    "examples",
                    "requestBodies",
                    "headers",
                    "securitySchemes",
                    "links",
                    "callbacks",
                ],
                &["pathItems"],
            ),
            Obj::PathItem => (
                &[
                    "$ref",
                    "summary",
                    "description",
                    "get",
                    "put",
                    "post",
                    "delete",
                    "options",
                    "head",
                    "patch",
                    "trace",
                    "servers",
                    "parameters",
                ],
                NONE,
            ),
            Obj::Operation => (
                &[
                    "tags",
                    "summary",
                    "description",
                    "externalDocs",
                    "operationId",
                    "parameters",
                    "requestBody",
                    "responses",
                    "callbacks",
                    "deprecated",
                    "security",
                    "servers",
                ],
                NONE,
            ),
            Obj::ExternalDocs => (&["description", "url"], NONE),
            Obj::Parameter => (PARAMETER_FIELDS, NONE),
            Obj::RequestBody => (&["description", "content", "required"], NONE),
            Obj::MediaType => (&["schema", "example", "examples", "encoding"], NONE),
            Obj::Encoding => (
                &[
                    "contentType",
                    "headers",
                    "style",
                    "explode",
                    "allowReserved",
                ],
                NONE,
            ),
            Obj::Response => (&["description", "headers", "content", "links"], NONE),
            Obj::Example => (&["summary", "description", "value", "externalValue"], NONE),
            Obj::Link => (
                &[
                    "operationRef",
                    "operationId",
                    "parameters",
                    "requestBody",
                    "description",
                    "server",
                ],
                NONE,
            ),
            Obj::Header => (HEADER_FIELDS, NONE),
            Obj::Tag => (&["name", "description", "externalDocs"], NONE),
            Obj::Schema => (SCHEMA_30, SCHEMA_31),
            Obj::Discriminator => (&["propertyName", "mapping"], NONE),
            Obj::Xml => (
                &["name", "namespace", "prefix", "attribute", "wrapped"],
                NONE,
            ),
            Obj::SecurityScheme => (
                &[
                    "type",
                    "description",
                    "name",
                    "in",
                    "scheme",
                    "bearerFormat",
                    "flows",
                    "openIdConnectUrl",
                ],
                NONE,
            ),
            Obj::OAuthFlows => (
                &[
                    "implicit",
                    "password",
                    "clientCredentials",
                    "authorizationCode",
                ],
                NONE,
            ),
            Obj::OAuthFlow => (
                &["authorizationUrl", "tokenUrl", "refreshUrl", "scopes"],
                NONE,
            ),
            // Keys of these are names the spec chooses (paths, statuses,
            // callback expressions), checked elsewhere if at all.
            Obj::Paths | Obj::Responses | Obj::Callback => (NONE, NONE),
        };
        Keys { all, since_31 }
    }

    /// The object's name as the OpenAPI specification writes it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Obj::Root => "OpenAPI object (the document root)",
            Obj::Info => "info object",
            Obj::Contact => "contact object",
            Obj::License => "license object",
            Obj::Server => "server object",
            Obj::ServerVariable => "server variable",
            Obj::Components => "components object",
            Obj::Paths => "paths object",
            Obj::PathItem => "path item",
            Obj::Operation => "operation",
            Obj::ExternalDocs => "externalDocs object",
            Obj::Parameter => "parameter",
            Obj::RequestBody => "request body",
            Obj::MediaType => "media type object",
            Obj::Encoding => "encoding object",
            Obj::Responses => "responses object",
            Obj::Response => "response",
            Obj::Callback => "callback",
            Obj::Example => "example object",
            Obj::Link => "link object",
            Obj::Header => "header object",
            Obj::Tag => "tag",
            Obj::Schema => "schema",
            Obj::Discriminator => "discriminator",
            Obj::Xml => "xml object",
            Obj::SecurityScheme => "security scheme",
            Obj::OAuthFlows => "OAuth flows object",
            Obj::OAuthFlow => "OAuth flow",
        }
    }
}

/// Every OpenAPI object reachable from the root, once each, in the order
/// the walk met them.
#[derive(Debug, Default)]
pub(crate) struct Structure {
    /// The objects.
    pub(crate) objects: Vec<(At, Obj)>,
    /// For each object, the path template it is written under (an index
    /// into `templates`), if it was reached through `paths` before any
    /// other way: inline parts of an operation belong to its path, shared
    /// components (walked first) to none.
    paths: Vec<Option<u32>>,
    templates: Vec<String>,
}

impl Structure {
    /// The path template object `i` is written under, if any.
    pub(crate) fn path_of(&self, i: usize) -> Option<&str> {
        self.paths[i].map(|t| self.templates[t as usize].as_str())
    }
}

impl Structure {
    /// Walk the spec from `root`.
    pub(crate) fn walk(ws: &Workspace, root: Option<At>) -> Structure {
        let Some(root) = root else {
            return Structure::default();
        };
        let mut walk = Walk {
            ws,
            seen: ws
                .documents()
                .iter()
                .map(|d| vec![0; d.tree.len().div_ceil(64)])
                .collect(),
            stack: Vec::new(),
            out: Vec::new(),
            paths: Vec::new(),
            templates: Vec::new(),
            current: None,
        };
        walk.push(root, Obj::Root);
        while let Some((at, obj, path)) = walk.stack.pop() {
            walk.out.push((at, obj));
            walk.paths.push(path);
            walk.current = path;
            walk.children(at, obj);
        }
        Structure {
            objects: walk.out,
            paths: walk.paths,
            templates: walk.templates,
        }
    }
}

struct Walk<'w> {
    ws: &'w Workspace,
    /// A bit per node of each document (a hash set costs more than the
    /// rest of the walk on big specs).
    seen: Vec<Vec<u64>>,
    stack: Vec<(At, Obj, Option<u32>)>,
    out: Vec<(At, Obj)>,
    paths: Vec<Option<u32>>,
    templates: Vec<String>,
    /// The path template of the object whose children are being queued.
    current: Option<u32>,
}

impl Walk<'_> {
    /// Queue a node as an object of kind `obj`, once, if it is a mapping
    /// that is not a dangling `$ref`.
    fn push(&mut self, at: At, obj: Obj) {
        let at = self.ws.resolve(at);
        if !self.ws.is_map(at) || self.ws.is_ref(at) {
            return;
        }
        let (word, bit) = (at.node as usize / 64, 1u64 << (at.node % 64));
        let Some(slot) = self
            .seen
            .get_mut(at.doc as usize)
            .and_then(|d| d.get_mut(word))
        else {
            return;
        };
        if *slot & bit != 0 {
            return;
        }
        *slot |= bit;
        self.stack.push((at, obj, self.current));
    }

    /// Queue every member of a map (extensions aside) as `obj`.
    fn members(&mut self, map: At, obj: Obj) {
        let ws = self.ws;
        let map = ws.resolve(map);
        if !ws.is_map(map) || ws.is_ref(map) {
            return;
        }
        for (key, value) in ws.entries(map) {
            if !key.starts_with("x-") {
                self.push(value, obj);
            }
        }
    }

    /// Queue every item of a list as `obj`.
    fn items(&mut self, list: At, obj: Obj) {
        let ws = self.ws;
        for item in ws.items(ws.resolve(list)) {
            self.push(item, obj);
        }
    }

    /// Queue the children of an object: one pass over its keys (big specs
    /// have hundreds of thousands of schemas; a lookup per possible key
    /// would scan each one twenty times).
    fn children(&mut self, at: At, obj: Obj) {
        let ws = self.ws;
        if obj == Obj::Paths {
            // Each path item, and everything inline in it, under its template.
            for (key, value) in ws.entries(at) {
                if !key.starts_with("x-") {
                    self.current = Some(self.templates.len() as u32);
                    self.templates.push(key.to_owned());
                    self.push(value, Obj::PathItem);
                }
            }
            return;
        }
        if obj == Obj::Callback {
            return self.members(at, Obj::PathItem);
        }
        if obj == Obj::Responses {
            return self.members(at, Obj::Response);
        }
        if obj == Obj::OAuthFlows {
            return self.members(at, Obj::OAuthFlow);
        }
        for (key, value) in ws.entries(at) {
            match edge(obj, key) {
                Some(Edge::One(kind)) => self.push(value, kind),
                Some(Edge::List(kind)) => self.items(value, kind),
                Some(Edge::Map(kind)) => self.members(value, kind),
                // `items` is one schema; a list of them (tuple form, not
                // OpenAPI) is still walked so its schemas are checked.
                Some(Edge::Items) => {
                    if ws.is_map(ws.resolve(value)) {
                        self.push(value, Obj::Schema);
                    } else {
                        self.items(value, Obj::Schema);
                    }
                }
                None => {}
            }
        }
    }
}

/// How a key of an object leads to more objects.
enum Edge {
    /// One object.
    One(Obj),
    /// A list of them.
    List(Obj),
    /// A map of names to them.
    Map(Obj),
    /// A schema's `items`: one schema, or (tuple form) a list.
    Items,
}

/// The objects under `key` of an object of kind `obj`.
fn edge(obj: Obj, key: &str) -> Option<Edge> {
    use Edge::{List, Map, One};
    Some(match (obj, key) {
        (Obj::Root, "info") => One(Obj::Info),
        (Obj::Root | Obj::PathItem | Obj::Operation, "servers") => List(Obj::Server),
        (Obj::Root, "paths") => One(Obj::Paths),
        (Obj::Root, "components") => One(Obj::Components),
        (Obj::Root, "tags") => List(Obj::Tag),
        (Obj::Root | Obj::Operation | Obj::Tag | Obj::Schema, "externalDocs") => {
            One(Obj::ExternalDocs)
        }
        (Obj::Root, "webhooks") => Map(Obj::PathItem),
        (Obj::Info, "contact") => One(Obj::Contact),
        (Obj::Info, "license") => One(Obj::License),
        (Obj::Server, "variables") => Map(Obj::ServerVariable),
        (Obj::Components, "schemas") => Map(Obj::Schema),
        (Obj::Components, "responses") => Map(Obj::Response),
        (Obj::Components, "parameters") => Map(Obj::Parameter),
        (Obj::Components | Obj::Parameter | Obj::Header | Obj::MediaType, "examples") => {
            Map(Obj::Example)
        }
        (Obj::Components, "requestBodies") => Map(Obj::RequestBody),
        (Obj::Components | Obj::Encoding | Obj::Response, "headers") => Map(Obj::Header),
        (Obj::Components, "securitySchemes") => Map(Obj::SecurityScheme),
        (Obj::Components | Obj::Response, "links") => Map(Obj::Link),
        (Obj::Components | Obj::Operation, "callbacks") => Map(Obj::Callback),
        (Obj::Components, "pathItems") => Map(Obj::PathItem),
        (Obj::PathItem, m) if METHODS.contains(&m) => One(Obj::Operation),
        (Obj::PathItem | Obj::Operation, "parameters") => List(Obj::Parameter),
        (Obj::Operation, "requestBody") => One(Obj::RequestBody),
        (Obj::Operation, "responses") => One(Obj::Responses),
        (Obj::Parameter | Obj::Header | Obj::MediaType, "schema") => One(Obj::Schema),
        (Obj::Parameter | Obj::Header | Obj::RequestBody | Obj::Response, "content") => {
            Map(Obj::MediaType)
        }
        (Obj::MediaType, "encoding") => Map(Obj::Encoding),
        (Obj::Link, "server") => One(Obj::Server),
        (Obj::SecurityScheme, "flows") => One(Obj::OAuthFlows),
        (Obj::Schema, "properties" | "patternProperties" | "$defs" | "dependentSchemas") => {
            Map(Obj::Schema)
        }
        (Obj::Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => List(Obj::Schema),
        (
            Obj::Schema,
            "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "contentSchema",
        ) => One(Obj::Schema),
        (Obj::Schema, "items") => Edge::Items,
        (Obj::Schema, "discriminator") => One(Obj::Discriminator),
        (Obj::Schema, "xml") => One(Obj::Xml),
        _ => return None,
    })
}
