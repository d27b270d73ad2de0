//! Building the model: one pass over operations, with every shared node
//! read once through a memo keyed by its resolved node.

use rustc_hash::FxHashMap;

use super::{
    HeaderMap, Location, Media, Method, Model, ModelOptions, ModelProblem, Operation, ParamId,
    ParamList, Parameter, ProblemKind, RequestBody, Response, ResponseEntry, ResponseId,
    ResponseMap, SchemeKind, SecurityRequirement, SecurityScheme, Server, ServerVariable, SpecDate,
    SpecText, Status, KEY_HEADERS,
};
use crate::workspace::{At, Workspace};

pub(super) fn build<'w>(ws: &'w Workspace, options: &ModelOptions) -> Model<'w> {
    let root = ws.root().filter(|&r| ws.is_map(r));
    let mut key_names: Vec<&str> = Vec::new();
    if let Some(k) = options.key_header.as_deref() {
        key_names.push(k);
    }
    key_names.extend(KEY_HEADERS);
    let mut b = Builder {
        m: Model {
            ws,
            root,
            operations: Vec::new(),
            parameters: Vec::new(),
            // List 0 is the empty list every operation without parameters shares.
            param_lists: vec![ParamList::default()],
            responses: Vec::new(),
            response_maps: Vec::new(),
            header_maps: Vec::new(),
            contents: Vec::new(),
            security_lists: Vec::new(),
            security: None,
            servers: Vec::new(),
            schemes: Vec::new(),
            problems: Vec::new(),
            uses: 0,
        },
        key_names,
        params: FxHashMap::default(),
        levels: FxHashMap::default(),
        level_lists: Vec::new(),
        merged: FxHashMap::default(),
        responses: FxHashMap::default(),
        response_maps: FxHashMap::default(),
        header_maps: FxHashMap::default(),
        contents: FxHashMap::default(),
        security_lists: FxHashMap::default(),
    };
    if let Some(root) = root {
        b.m.security = ws
            .get_resolved(root, "security")
            .map(|s| b.security_list(s));
        b.servers(root);
        b.schemes(root);
        if let Some(paths) = ws.get_resolved(root, "paths") {
            for (path, item) in ws.entries(paths) {
                if path.starts_with("x-") {
                    continue;
                }
                let item = ws.resolve(item);
                for method in Method::ALL {
                    let Some(op) = ws.get(item, method.as_str()).map(|o| ws.resolve(o)) else {
                        continue;
                    };
                    if ws.is_map(op) {
                        let operation = b.operation(SpecText::new(path), method, item, op);
                        b.m.operations.push(operation);
                    }
                }
            }
        }
    }
    b.count_uses(options.max_uses);
    b.m
}

struct Builder<'w, 'o> {
    m: Model<'w>,
    key_names: Vec<&'o str>,
    /// Resolved parameter node -> its id (`None`: unreadable, reported once).
    params: FxHashMap<At, Option<ParamId>>,
    /// Resolved `parameters` list node -> its readable, de-duplicated ids.
    levels: FxHashMap<At, u32>,
    level_lists: Vec<Vec<ParamId>>,
    /// (path-level list, operation-level list) -> merged list.
    merged: FxHashMap<(Option<u32>, Option<u32>), u32>,
    responses: FxHashMap<At, ResponseId>,
    response_maps: FxHashMap<At, u32>,
    header_maps: FxHashMap<At, u32>,
    contents: FxHashMap<At, u32>,
    security_lists: FxHashMap<At, u32>,
}

impl<'w> Builder<'w, '_> {
    fn ws(&self) -> &'w Workspace {
        self.m.ws
    }

    fn text(&self, at: At, key: &str) -> Option<SpecText<'w>> {
        let ws = self.ws();
        ws.get(at, key).and_then(|v| ws.str(v)).map(SpecText::new)
    }

    fn flag(&self, at: At, key: &str) -> bool {
        let ws = self.ws();
        ws.get(at, key).and_then(|v| ws.bool(v)) == Some(true)
    }

    fn problem(&mut self, kind: ProblemKind, at: At, message: String, help: &str) {
        self.m.problems.push(ModelProblem {
            kind,
            at,
            message,
            help: help.to_owned(),
        });
    }

    fn operation(&mut self, path: SpecText<'w>, method: Method, item: At, op: At) -> Operation<'w> {
        let ws = self.ws();
        let path_level = ws.get_resolved(item, "parameters").map(|l| self.level(l));
        let op_level = ws.get_resolved(op, "parameters").map(|l| self.level(l));
        let params = self.merge(path_level, op_level);
        let responses_node = ws.get_resolved(op, "responses");
        let responses = responses_node.map(|r| self.response_map(r));
        let request_body = ws.get_resolved(op, "requestBody").map(|b| RequestBody {
            node: b,
            required: self.flag(b, "required"),
            content: ws.get_resolved(b, "content").map(|c| self.content(c)),
        });
        let security = ws
            .get_resolved(op, "security")
            .map(|s| self.security_list(s));
        let map = responses.map(|r| &self.m.response_maps[r as usize]);
        let (map_sunset, map_deprecation) = map.map_or((None, None), |m| (m.sunset, m.deprecation));
        let sunset = self.own_date(op, "x-sunset").or(map_sunset);
        let deprecation = self.own_date(op, "x-deprecation").or(map_deprecation);
        Operation {
            path,
            method,
            path_item: item,
            node: op,
            operation_id: self.text(op, "operationId"),
            deprecated: self.flag(op, "deprecated"),
            responses_node,
            request_body,
            sunset,
            deprecation,
            params,
            responses,
            security,
        }
    }

    /// Add up the uses (see `Stats::uses`), each map's share once, and
    /// report a spec past the budget.
    fn count_uses(&mut self, max: u64) {
        let m = &self.m;
        let mut map_uses: FxHashMap<u32, u64> = FxHashMap::default();
        let mut uses: u64 = 0;
        for op in &m.operations {
            let params = m.param_lists[op.params as usize].ids.len() as u64;
            let responses = op.responses.map_or(0, |r| {
                *map_uses.entry(r).or_insert_with(|| {
                    m.response_maps[r as usize]
                        .entries
                        .iter()
                        .map(|e| {
                            let headers = m.responses[e.response.0 as usize]
                                .headers
                                .map_or(0, |h| m.header_maps[h as usize].headers.len());
                            1 + headers as u64
                        })
                        .sum()
                })
            });
            uses = uses.saturating_add(params).saturating_add(responses);
        }
        self.m.uses = uses;
        if uses > max {
            if let Some(root) = self.m.root {
                self.problem(
                    ProblemKind::Budget,
                    root,
                    format!(
                        "through $refs and YAML aliases, the operations use {uses} parameters, responses and headers, over the limit of {max}; tools that copy shared parts per operation (client generators, docs) would run out of memory"
                    ),
                    "share fewer parameters, responses or headers across so many operations; if this spec is real, raise the limit where the tool allows it",
                );
            }
        }
    }

    /// A date written on the operation itself (`x-sunset: 2025-11-01`).
    fn own_date(&mut self, op: At, key: &str) -> Option<SpecDate> {
        let ws = self.ws();
        let node = ws.get(op, key)?;
        let text = ws.scalar_text(node)?;
        let date = SpecDate::parse(text);
        if date.is_none() {
            self.problem(
                ProblemKind::Date,
                node,
                format!("`{key}` is `{text}`, which is not a date"),
                "write an ISO date (`2025-11-01`) or an HTTP-date (`Sat, 01 Nov 2025 00:00:00 GMT`)",
            );
        }
        date
    }

    /// One `parameters` list, read once: readable parameters, a repeated
    /// name and location keeping the last.
    fn level(&mut self, list: At) -> u32 {
        if let Some(&l) = self.levels.get(&list) {
            return l;
        }
        let ws = self.ws();
        let mut ids: Vec<ParamId> = Vec::new();
        let mut index: FxHashMap<(&'w str, Location), usize> = FxHashMap::default();
        for item in ws.items(list) {
            let Some(id) = self.parameter(ws.resolve(item)) else {
                continue;
            };
            let p = &self.m.parameters[id.0 as usize];
            match index.get(&(p.name.as_untrusted_str(), p.location)) {
                Some(&i) => ids[i] = id,
                None => {
                    index.insert((p.name.as_untrusted_str(), p.location), ids.len());
                    ids.push(id);
                }
            }
        }
        let l = self.level_lists.len() as u32;
        self.level_lists.push(ids);
        self.levels.insert(list, l);
        l
    }

    /// Path-level and operation-level lists merged (see `Model::parameters`).
    fn merge(&mut self, path_level: Option<u32>, op_level: Option<u32>) -> u32 {
        let key = (path_level, op_level);
        if let Some(&m) = self.merged.get(&key) {
            return m;
        }
        let empty = Vec::new();
        let outer = path_level.map_or(&empty, |l| &self.level_lists[l as usize]);
        let inner = op_level.map_or(&empty, |l| &self.level_lists[l as usize]);
        let mut ids = outer.clone();
        if !inner.is_empty() {
            let params = &self.m.parameters;
            let name_of = |id: &ParamId| {
                let p = &params[id.0 as usize];
                (p.name.as_untrusted_str(), p.location)
            };
            let mut index: FxHashMap<(&str, Location), usize> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| (name_of(id), i))
                .collect();
            for id in inner {
                match index.get(&name_of(id)) {
                    Some(&i) => ids[i] = *id,
                    None => {
                        index.insert(name_of(id), ids.len());
                        ids.push(*id);
                    }
                }
            }
        }
        let key_param = self.key_names.iter().find_map(|name| {
            ids.iter().copied().find(|id| {
                let p = &self.m.parameters[id.0 as usize];
                p.location == Location::Header && p.name.eq_ignore_ascii_case(name)
            })
        });
        let m = if ids.is_empty() {
            0
        } else {
            self.m.param_lists.push(ParamList {
                ids,
                key: key_param,
            });
            self.m.param_lists.len() as u32 - 1
        };
        self.merged.insert(key, m);
        m
    }

    fn parameter(&mut self, node: At) -> Option<ParamId> {
        if let Some(&p) = self.params.get(&node) {
            return p;
        }
        let ws = self.ws();
        let name = self.text(node, "name");
        let location = self.text(node, "in");
        let id = match (
            name,
            location.map(|l| Location::parse(l.as_untrusted_str())),
        ) {
            (Some(name), Some(Some(location))) => {
                let schema = ws.get_resolved(node, "schema").or_else(|| {
                    let content = ws.get_resolved(node, "content")?;
                    let (_, media) = ws.entries(content).next()?;
                    ws.get_resolved(media, "schema")
                });
                self.m.parameters.push(Parameter {
                    name,
                    location,
                    node,
                    required: location == Location::Path || self.flag(node, "required"),
                    deprecated: self.flag(node, "deprecated"),
                    schema,
                });
                Some(ParamId(self.m.parameters.len() as u32 - 1))
            }
            (Some(name), Some(None)) => {
                let written = location.map_or("", |l| l.as_untrusted_str());
                self.problem(
                    ProblemKind::Parameter,
                    node,
                    format!(
                        "parameter `{}` has `in: {written}`; OpenAPI 3 knows query, header, path and cookie",
                        name.as_untrusted_str()
                    ),
                    "set `in:` to query, header, path or cookie (a body is `requestBody` in OpenAPI 3)",
                );
                None
            }
            // Not a parameter object at all (a broken $ref was reported by
            // the loader); nothing more to say here.
            _ if !ws.is_map(node) || ws.is_ref(node) => None,
            _ => {
                self.problem(
                    ProblemKind::Parameter,
                    node,
                    "this parameter lacks `name` or `in`, so no tool can send it".into(),
                    "give every parameter a `name` and an `in` (query, header, path or cookie)",
                );
                None
            }
        };
        self.params.insert(node, id);
        id
    }

    fn response_map(&mut self, map: At) -> u32 {
        if let Some(&r) = self.response_maps.get(&map) {
            return r;
        }
        let ws = self.ws();
        let mut out = ResponseMap::default();
        for (key, value) in ws.entries(map) {
            if key.starts_with("x-") {
                continue;
            }
            let status = match Status::parse(key) {
                Ok(status) => status,
                Err(e) => {
                    self.problem(
                        ProblemKind::Status,
                        value,
                        format!("response key `{key}` is not a status: {}", e.reason),
                        "write the status as three digits (`201`), a range (`4XX`) or `default`; put words in `description`",
                    );
                    continue;
                }
            };
            let response = self.response(ws.resolve(value));
            let headers = self.m.responses[response.0 as usize].headers;
            if let Some(h) = headers.map(|h| &self.header_maps_ref()[h as usize]) {
                out.sunset = out.sunset.or(h.sunset);
                out.deprecation = out.deprecation.or(h.deprecation);
            }
            out.entries.push(ResponseEntry {
                status,
                key: value,
                response,
            });
        }
        let r = self.m.response_maps.len() as u32;
        self.m.response_maps.push(out);
        self.response_maps.insert(map, r);
        r
    }

    fn header_maps_ref(&self) -> &[HeaderMap<'w>] {
        &self.m.header_maps
    }

    fn response(&mut self, node: At) -> ResponseId {
        if let Some(&r) = self.responses.get(&node) {
            return r;
        }
        let ws = self.ws();
        let headers_node = ws.get_resolved(node, "headers");
        let headers = headers_node.map(|h| self.header_map(h));
        let content = ws.get_resolved(node, "content").map(|c| self.content(c));
        let id = ResponseId(self.m.responses.len() as u32);
        self.m.responses.push(Response {
            node,
            headers_node,
            headers,
            content,
        });
        self.responses.insert(node, id);
        id
    }

    fn header_map(&mut self, map: At) -> u32 {
        if let Some(&h) = self.header_maps.get(&map) {
            return h;
        }
        let ws = self.ws();
        let mut out = HeaderMap::default();
        for (name, key) in ws.entries(map) {
            let node = ws.resolve(key);
            let schema = ws.get_resolved(node, "schema");
            let header = super::Header {
                name: SpecText::new(name),
                key,
                node,
                schema,
            };
            let slot = if name.eq_ignore_ascii_case("sunset") {
                Some((&mut out.sunset, "Sunset"))
            } else if name.eq_ignore_ascii_case("deprecation") {
                Some((&mut out.deprecation, "Deprecation"))
            } else {
                None
            };
            if let Some((slot, which)) = slot {
                let example = ws
                    .get(node, "example")
                    .or_else(|| schema.and_then(|s| ws.get(s, "example")));
                if let Some((at, text)) = example.and_then(|e| Some((e, ws.scalar_text(e)?))) {
                    match SpecDate::parse(text) {
                        Some(date) => *slot = slot.or(Some(date)),
                        // `Deprecation: true` (an older draft) says nothing of when.
                        None if which == "Deprecation" && text == "true" => {}
                        None => self.m.problems.push(ModelProblem {
                            kind: ProblemKind::Date,
                            at,
                            message: format!("the {which} header's example `{text}` is not a date"),
                            help: "write an HTTP-date (`Sat, 01 Nov 2025 00:00:00 GMT`); RFC 9745's Deprecation also takes `@` and seconds since 1970 (`@1761955200`)".into(),
                        }),
                    }
                }
            }
            out.headers.push(header);
        }
        let h = self.m.header_maps.len() as u32;
        self.m.header_maps.push(out);
        self.header_maps.insert(map, h);
        h
    }

    fn content(&mut self, map: At) -> u32 {
        if let Some(&c) = self.contents.get(&map) {
            return c;
        }
        let ws = self.ws();
        let media = ws
            .entries(map)
            .map(|(media_type, m)| {
                let node = ws.resolve(m);
                Media {
                    media_type: SpecText::new(media_type),
                    node,
                    schema: ws.get_resolved(node, "schema"),
                }
            })
            .collect();
        let c = self.m.contents.len() as u32;
        self.m.contents.push(media);
        self.contents.insert(map, c);
        c
    }

    fn security_list(&mut self, list: At) -> u32 {
        if let Some(&s) = self.security_lists.get(&list) {
            return s;
        }
        let ws = self.ws();
        let requirements = ws
            .items(list)
            .map(|req| {
                let req = ws.resolve(req);
                SecurityRequirement {
                    schemes: ws
                        .entries(req)
                        .map(|(name, scopes)| {
                            let scopes = ws
                                .items(ws.resolve(scopes))
                                .filter_map(|s| ws.str(s).map(SpecText::new))
                                .collect();
                            (SpecText::new(name), scopes)
                        })
                        .collect(),
                }
            })
            .collect();
        let s = self.m.security_lists.len() as u32;
        self.m.security_lists.push(requirements);
        self.security_lists.insert(list, s);
        s
    }

    fn servers(&mut self, root: At) {
        let ws = self.ws();
        let Some(list) = ws.get_resolved(root, "servers") else {
            return;
        };
        for s in ws.items(list) {
            let s = ws.resolve(s);
            let Some(url) = self.text(s, "url") else {
                continue;
            };
            let variables = ws
                .get_resolved(s, "variables")
                .map(|vars| {
                    ws.entries(vars)
                        .map(|(name, v)| {
                            let v = ws.resolve(v);
                            ServerVariable {
                                name: SpecText::new(name),
                                default: ws
                                    .get(v, "default")
                                    .and_then(|d| ws.scalar_text(d))
                                    .map(SpecText::new),
                                values: ws
                                    .get_resolved(v, "enum")
                                    .map(|e| {
                                        ws.items(e)
                                            .filter_map(|i| ws.scalar_text(i).map(SpecText::new))
                                            .collect()
                                    })
                                    .unwrap_or_default(),
                                node: v,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            self.m.servers.push(Server {
                url,
                description: self.text(s, "description"),
                node: s,
                variables,
            });
        }
    }

    fn schemes(&mut self, root: At) {
        let ws = self.ws();
        let Some(schemes) = ws
            .get_resolved(root, "components")
            .and_then(|c| ws.get_resolved(c, "securitySchemes"))
        else {
            return;
        };
        for (name, node) in ws.entries(schemes) {
            let node = ws.resolve(node);
            let kind = match self.text(node, "type").map(|t| t.as_untrusted_str()) {
                Some("apiKey") => SchemeKind::ApiKey {
                    name: self.text(node, "name"),
                    location: self
                        .text(node, "in")
                        .and_then(|l| Location::parse(l.as_untrusted_str())),
                },
                Some("http") => SchemeKind::Http {
                    scheme: self.text(node, "scheme"),
                },
                Some("oauth2") => SchemeKind::OAuth2,
                Some("openIdConnect") => SchemeKind::OpenIdConnect,
                Some("mutualTLS") => SchemeKind::MutualTls,
                other => {
                    if ws.is_map(node) && !ws.is_ref(node) {
                        self.problem(
                            ProblemKind::SecurityScheme,
                            node,
                            format!(
                                "security scheme `{name}` has type `{}`, which OpenAPI does not define",
                                other.unwrap_or("(none)")
                            ),
                            "use apiKey, http, oauth2, openIdConnect or mutualTLS",
                        );
                    }
                    SchemeKind::Unknown
                }
            };
            self.m.schemes.push(SecurityScheme {
                name: SpecText::new(name),
                kind,
                node,
            });
        }
    }
}
