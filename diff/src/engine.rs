//! The comparison: operations matched across the two specs, then each
//! matched pair compared part by part (parameters, body, responses,
//! headers, security), schemas structurally. Every finding goes through
//! [`Cx::emit`], which adds the version gate's advice and the fingerprint.

use rustc_hash::{FxHashMap, FxHashSet};
use threeam_spec::model::{
    Media, Method, Model, Operation, Parameter, Response, SecurityRequirement, SpecDate, Status,
};
// The names lint requires are the ones whose loss diff reports.
use threeam_spec::conventions::{
    ERROR_HUMAN_FIELDS, ERROR_MACHINE_FIELDS, RATE_LIMIT_HEADERS, REQUEST_ID_HEADERS,
};
use threeam_spec::workspace::{At, Workspace};

use crate::change::{fingerprint, quote, Change, OperationRef, Place};
use crate::checks::{self, Group};
use crate::schema::{type_fits, Flat};
use crate::version::{major, next_major, normalized, path_params, unversioned};

/// Choices for one comparison.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// "Today", for judging sunset dates.
    pub now: SpecDate,
    /// The shortest allowed time from Deprecation to Sunset, in days.
    pub min_deprecation_days: i64,
}

impl Default for Options {
    /// Today (the system clock) and 365 days.
    fn default() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Options {
            now: SpecDate { unix_seconds: secs },
            min_deprecation_days: 365,
        }
    }
}

/// Schema nesting followed before stopping (recursive schemas stop earlier,
/// at the first pair seen twice).
const MAX_DEPTH: u32 = 48;

/// Request schemas are what clients send, response schemas what they read:
/// narrowing the first and widening the second break them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dir {
    Request,
    Response,
}

/// The operation a comparison is about.
struct OpCx {
    op: OperationRef,
    /// Method and normalised path: the fingerprint's anchor.
    key: String,
    major: Option<u32>,
}

struct Cx<'a, 'w> {
    base: &'a Model<'w>,
    rev: &'a Model<'w>,
    options: Options,
    out: Vec<Change>,
    schemas_seen: FxHashSet<(At, At, Dir)>,
    placed: FxHashSet<(&'static str, Option<At>, Option<At>, String)>,
}

/// Compare two specs' models.
///
/// ```
/// use threeam_diff::{diff, Options};
/// use threeam_spec::{model::{Model, ModelOptions}, workspace::Workspace};
/// let base = Workspace::from_text("a.yaml", "openapi: 3.0.3\npaths:\n  /v1/a:\n    get:\n      responses: {'200': {description: ok}}\n");
/// let rev = Workspace::from_text("b.yaml", "openapi: 3.0.3\npaths:\n  /v1/a:\n    get:\n      parameters: [{name: q, in: query, required: true}]\n      responses: {'200': {description: ok}}\n");
/// let (b, r) = (Model::new(&base, &ModelOptions::default()), Model::new(&rev, &ModelOptions::default()));
/// let changes = diff(&b, &r, &Options::default());
/// assert_eq!(changes[0].check, "required-parameter-added");
/// assert!(changes[0].help.contains("/v2/a"));
/// ```
pub fn diff<'w>(base: &Model<'w>, rev: &Model<'w>, options: &Options) -> Vec<Change> {
    let mut cx = Cx {
        base,
        rev,
        options: *options,
        out: Vec::new(),
        schemas_seen: FxHashSet::default(),
        placed: FxHashSet::default(),
    };
    cx.run();
    cx.out
}

fn op_key(op: &Operation) -> (Method, String) {
    (op.method, normalized(op.path.as_untrusted_str()))
}

fn describe(op: &Operation) -> String {
    format!(
        "{} {}",
        op.method.upper(),
        quote(op.path.as_untrusted_str())
    )
}

impl<'a, 'w> Cx<'a, 'w> {
    fn bws(&self) -> &'w Workspace {
        self.base.workspace()
    }

    fn rws(&self) -> &'w Workspace {
        self.rev.workspace()
    }

    fn run(&mut self) {
        let (base, rev) = (self.base, self.rev);
        // Exact paths pair first; then paths equal up to parameter names
        // (`{id}` renamed `{payment_id}`), each REVISION operation once: a
        // spec may hold `/a/{FileName}` and `/a/{AttachmentID}` side by side.
        let mut exact: FxHashMap<(Method, &str), usize> = FxHashMap::default();
        let mut renamed: FxHashMap<(Method, String), Vec<usize>> = FxHashMap::default();
        for (i, op) in rev.operations().iter().enumerate() {
            exact
                .entry((op.method, op.path.as_untrusted_str()))
                .or_insert(i);
            renamed.entry(op_key(op)).or_default().push(i);
        }
        let mut matched = vec![false; rev.operations().len()];
        let mut pairs: Vec<Option<usize>> = base
            .operations()
            .iter()
            .map(|bop| {
                let i = *exact.get(&(bop.method, bop.path.as_untrusted_str()))?;
                (!std::mem::replace(&mut matched[i], true)).then_some(i)
            })
            .collect();
        for (bop, pair) in base.operations().iter().zip(&mut pairs) {
            if pair.is_none() {
                let candidates = renamed.get(&op_key(bop)).map_or(&[][..], Vec::as_slice);
                if let Some(&i) = candidates.iter().find(|&&i| !matched[i]) {
                    matched[i] = true;
                    *pair = Some(i);
                }
            }
        }
        for (bop, pair) in base.operations().iter().zip(pairs) {
            match pair {
                Some(i) => self.operation(bop, &rev.operations()[i]),
                None => self.removed(bop),
            }
        }
        let base_majors: FxHashSet<Option<u32>> = base
            .operations()
            .iter()
            .map(|o| major(o.path.as_untrusted_str()))
            .collect();
        let mut new_majors: Vec<u32> = Vec::new();
        for (i, rop) in rev.operations().iter().enumerate() {
            let m = major(rop.path.as_untrusted_str());
            if let Some(m) = m.filter(|m| !base_majors.contains(&Some(*m))) {
                if !new_majors.contains(&m) {
                    new_majors.push(m);
                    let count = rev
                        .operations()
                        .iter()
                        .filter(|o| major(o.path.as_untrusted_str()) == Some(m))
                        .count();
                    self.emit(
                        "version-added",
                        None,
                        None,
                        Some(rop.node),
                        &format!("v{m}"),
                        format!("new major version v{m} with {count} operation(s)"),
                        format!("keep the older majors live, `deprecated: true` with Deprecation and Sunset headers, for at least {} days", self.options.min_deprecation_days),
                    );
                    // Not an operation's change, but the changelog files it under its major.
                    if let Some(last) = self.out.last_mut().filter(|c| c.check == "version-added") {
                        last.version = Some(format!("v{m}"));
                    }
                }
            }
            if !matched[i] {
                let cx = self.op_cx(rop);
                self.emit(
                    "operation-added",
                    Some(&cx),
                    None,
                    Some(rop.node),
                    "",
                    format!("new operation {}", describe(rop)),
                    "nothing to do: new operations are safe for existing clients".into(),
                );
            }
        }
        if let Some(&newest) = new_majors.iter().max() {
            self.old_versions_deprecated(newest);
        }
        self.servers();
    }

    fn op_cx(&self, op: &Operation) -> OpCx {
        let path = op.path.as_untrusted_str();
        OpCx {
            op: OperationRef {
                method: op.method.upper().to_owned(),
                path: path.to_owned(),
            },
            key: format!("{} {}", op.method.upper(), normalized(path)),
            major: major(path),
        }
    }

    /// Record one change. Breaking changes get the version gate's advice:
    /// ship it under the next major, or (for an unversioned path) version
    /// the URL first.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        check: &'static str,
        op: Option<&OpCx>,
        base: Option<At>,
        rev: Option<At>,
        detail: &str,
        message: String,
        mut help: String,
    ) {
        let spec = checks::find(check).expect("emitted checks are registered");
        // A node shared by many operations is reported once, at the first
        // (the detail's last part tells keywords of one schema apart).
        let last = detail.rsplit(':').next().unwrap_or_default().to_owned();
        if !self.placed.insert((check, base, rev, last)) {
            return;
        }
        if spec.group == Group::Breaking {
            if let Some(op) = op {
                match next_major(&op.op.path) {
                    Some(next) => help.push_str(&format!(
                        "; or publish the change under the next major ({}) and leave this one as it is",
                        quote(&next)
                    )),
                    None => help.push_str(
                        "; this path has no major version (`/v1/...`), so a breaking change cannot ship beside the old behaviour: version the URL first",
                    ),
                }
            }
        }
        let key = op.map_or("", |o| o.key.as_str());
        self.out.push(Change {
            check: check.to_owned(),
            severity: spec.severity,
            message,
            help,
            operation: op.map(|o| o.op.clone()),
            base: base.map(|at| Place::of(self.bws(), at)),
            revision: rev.map(|at| Place::of(self.rws(), at)),
            fingerprint: fingerprint(&[check, key, detail]),
            version: op.and_then(|o| o.major).map(|m| format!("v{m}")),
        });
    }

    /// A BASE operation with no counterpart at the same path in REVISION.
    fn removed(&mut self, bop: &Operation) {
        let cx = self.op_cx(bop);
        let stripped = unversioned(bop.path.as_untrusted_str());
        let successor =
            self.rev.operations().iter().find(|o| {
                o.method == bop.method && unversioned(o.path.as_untrusted_str()) == stripped
            });
        let min_days = self.options.min_deprecation_days;
        let now = self.options.now;
        let what = describe(bop);
        let after = match successor {
            Some(s) => format!(" (only {} remains)", quote(s.path.as_untrusted_str())),
            None => String::new(),
        };
        let restore = format!("restore it, keep it live with `deprecated: true` and documented Deprecation and Sunset headers, and remove it only after a Sunset at least {min_days} days after its Deprecation");
        if bop.deprecated {
            if let Some(sunset) = bop.sunset.filter(|s| *s <= now) {
                let long_enough = bop.deprecation.is_some_and(|d| {
                    sunset.unix_seconds - d.unix_seconds >= min_days.saturating_mul(86_400)
                });
                if long_enough {
                    self.emit(
                        "operation-sunset",
                        Some(&cx),
                        Some(bop.node),
                        None,
                        "",
                        format!("{what} was removed after its sunset on {sunset}{after}"),
                        "nothing to do: the deprecation ran its course".into(),
                    );
                } else {
                    let since = match bop.deprecation {
                        Some(d) => format!(
                            "only {} days after its deprecation on {d}",
                            (sunset.unix_seconds - d.unix_seconds).div_euclid(86_400)
                        ),
                        None => "with no Deprecation date documented".into(),
                    };
                    self.emit(
                        "deprecation-period-too-short",
                        Some(&cx),
                        Some(bop.node),
                        None,
                        "",
                        format!("{what} was removed at its sunset on {sunset}, {since}{after}"),
                        restore,
                    );
                }
                return;
            }
        }
        let why = match (bop.deprecated, bop.sunset) {
            (false, _) => "without being deprecated first".to_owned(),
            (true, None) => "while deprecated but with no Sunset date".to_owned(),
            (true, Some(s)) => format!("before its sunset on {s}"),
        };
        self.emit(
            "operation-removed",
            Some(&cx),
            Some(bop.node),
            None,
            "",
            format!("{what} was removed {why}{after}"),
            restore,
        );
    }

    /// With a new major out, every operation of an older major says so.
    fn old_versions_deprecated(&mut self, newest: u32) {
        let rev = self.rev;
        for rop in rev.operations() {
            let Some(m) = major(rop.path.as_untrusted_str()) else {
                continue;
            };
            if m >= newest {
                continue;
            }
            let has = |name: &str| {
                rev.responses(rop)
                    .iter()
                    .any(|e| rev.header(rev.response(e.response), &[name]).is_some())
            };
            let mut missing = Vec::new();
            if !rop.deprecated {
                missing.push("`deprecated: true`");
            }
            if !has("Deprecation") {
                missing.push("a Deprecation response header");
            }
            if !has("Sunset") {
                missing.push("a Sunset response header");
            }
            if missing.is_empty() {
                continue;
            }
            let cx = self.op_cx(rop);
            self.emit(
                "old-version-not-deprecated",
                Some(&cx),
                None,
                Some(rop.node),
                "",
                format!(
                    "v{newest} is out but {} (v{m}) lacks {}",
                    describe(rop),
                    missing.join(", ")
                ),
                "mark the old major `deprecated: true` and document Deprecation and Sunset response headers so clients hear about the move in their logs".into(),
            );
        }
    }

    fn servers(&mut self) {
        let (b, r) = (self.base.servers(), self.rev.servers());
        if b.len() >= 2 && r.len() < 2 {
            let rev_at = r.first().map(|s| s.node);
            self.emit(
                "fallback-server-removed",
                None,
                Some(b[1].node),
                rev_at,
                "servers",
                format!(
                    "the fallback server {} is no longer listed",
                    quote(b[1].url.as_untrusted_str())
                ),
                "keep a second entry under `servers`: generated clients fall back to it when the primary fails".into(),
            );
        }
    }

    /// Compare one operation present in both specs.
    fn operation(&mut self, bop: &Operation<'w>, rop: &Operation<'w>) {
        let cx = self.op_cx(rop);
        let what = describe(rop);
        if let Some(bid) = bop.operation_id {
            let rid = rop.operation_id;
            if rid.map(|r| r.as_untrusted_str()) != Some(bid.as_untrusted_str()) {
                let now = match rid {
                    Some(r) => format!("is now {}", quote(r.as_untrusted_str())),
                    None => "was removed".into(),
                };
                self.emit(
                    "operation-id-changed",
                    Some(&cx),
                    self.bws().get(bop.node, "operationId"),
                    self.rws().get(rop.node, "operationId").or(Some(rop.node)),
                    "",
                    format!(
                        "the operationId {} of {what} {now}",
                        quote(bid.as_untrusted_str())
                    ),
                    "keep operationIds stable: generated method names, metrics and dashboards key on them".into(),
                );
            }
        }
        if !bop.deprecated && rop.deprecated {
            self.emit(
                "operation-deprecated",
                Some(&cx),
                None,
                Some(rop.node),
                "",
                format!("{what} is now deprecated"),
                match rop.sunset {
                    Some(s) => format!("announce the sunset ({s}) in the changelog; clients also see it in the Sunset header"),
                    None => "document Deprecation and Sunset response headers so clients learn when it goes".into(),
                },
            );
        }
        self.parameters(&cx, bop, rop);
        self.body(&cx, bop, rop);
        self.responses(&cx, bop, rop);
        self.security(&cx, bop, rop);
    }

    fn parameters(&mut self, cx: &OpCx, bop: &Operation<'w>, rop: &Operation<'w>) {
        let (base, rev) = (self.base, self.rev);
        let what = describe(rop);
        // Path parameters match by position: renaming `{id}` changes nothing.
        let bpath = path_params(bop.path.as_untrusted_str());
        let rpath = path_params(rop.path.as_untrusted_str());
        let key = |p: &Parameter, names: &[&str]| -> (&'static str, String) {
            let name = p.name.as_untrusted_str();
            match p.location {
                threeam_spec::model::Location::Path => (
                    "path",
                    names
                        .iter()
                        .position(|n| *n == name)
                        .map_or_else(|| name.to_owned(), |i| format!("#{i}")),
                ),
                threeam_spec::model::Location::Header => ("header", name.to_ascii_lowercase()),
                loc => (loc.as_str(), name.to_owned()),
            }
        };
        let bparams: Vec<&Parameter> = base.parameters(bop).collect();
        let rparams: Vec<&Parameter> = rev.parameters(rop).collect();
        let is_write = matches!(
            rop.method,
            Method::Post | Method::Put | Method::Patch | Method::Delete
        );
        let bkey = base.idempotency_key(bop).filter(|k| k.required);
        let rkey = rev.idempotency_key(rop);
        if let Some(bk) = bkey.filter(|_| is_write) {
            if !rkey.is_some_and(|k| k.required) {
                let now = if rkey.is_some() {
                    "is now optional"
                } else {
                    "was removed"
                };
                self.emit(
                    "idempotency-key-weakened",
                    Some(cx),
                    Some(bk.node),
                    rkey.map(|k| k.node).or(Some(rop.node)),
                    "",
                    format!(
                        "the required {} header of {what} {now}",
                        quote(bk.name.as_untrusted_str())
                    ),
                    "keep the idempotency key required on every write, so a retried request can never act twice".into(),
                );
            }
        }
        for rp in &rparams {
            let rk = key(rp, &rpath);
            let name = quote(rp.name.as_untrusted_str());
            let detail = format!("param:{}:{}", rk.0, rk.1);
            match bparams.iter().find(|bp| key(bp, &bpath) == rk) {
                Some(bp) => {
                    if !bp.required && rp.required {
                        self.emit(
                            "required-parameter-added",
                            Some(cx),
                            Some(bp.node),
                            Some(rp.node),
                            &detail,
                            format!("the {} parameter {name} of {what} is now required", rk.0),
                            "keep it optional (with a server-side default)".into(),
                        );
                    }
                    let style = |ws: &Workspace, p: &Parameter| {
                        (
                            ws.get_resolved(p.node, "style")
                                .and_then(|s| ws.str(s))
                                .map(str::to_owned),
                            ws.get_resolved(p.node, "explode").and_then(|e| ws.bool(e)),
                        )
                    };
                    let (bs, rs) = (style(self.bws(), bp), style(self.rws(), rp));
                    if bs != rs {
                        self.emit(
                            "parameter-changed",
                            Some(cx),
                            Some(bp.node),
                            Some(rp.node),
                            &detail,
                            format!(
                                "the {} parameter {name} of {what} changed its style or explode (clients encode it the old way)",
                                rk.0
                            ),
                            "accept both encodings".into(),
                        );
                    }
                    if let (Some(bs), Some(rs)) = (bp.schema, rp.schema) {
                        let loc = format!("parameter {name}");
                        self.schema(cx, bs, rs, Dir::Request, &loc, &detail, 0);
                    }
                }
                None => {
                    let moved = bparams.iter().find(|bp| {
                        bp.name.eq_ignore_ascii_case(rp.name.as_untrusted_str())
                            && bp.location != rp.location
                    });
                    if let Some(bp) = moved {
                        self.emit(
                            "parameter-changed",
                            Some(cx),
                            Some(bp.node),
                            Some(rp.node),
                            &detail,
                            format!(
                                "the parameter {name} of {what} moved from {} to {}",
                                bp.location.as_str(),
                                rp.location.as_str()
                            ),
                            "accept it in the old location too".into(),
                        );
                    } else if rp.required {
                        self.emit(
                            "required-parameter-added",
                            Some(cx),
                            None,
                            Some(rp.node),
                            &detail,
                            format!("{what} has a new required {} parameter {name}", rk.0),
                            "add it as optional with a server-side default".into(),
                        );
                    } else {
                        self.emit(
                            "parameter-added",
                            Some(cx),
                            None,
                            Some(rp.node),
                            &detail,
                            format!("{what} has a new optional {} parameter {name}", rk.0),
                            "nothing to do: optional parameters are safe".into(),
                        );
                    }
                }
            }
        }
        for bp in &bparams {
            let bk = key(bp, &bpath);
            if rparams.iter().any(|rp| {
                key(rp, &rpath) == bk || rp.name.eq_ignore_ascii_case(bp.name.as_untrusted_str())
            }) {
                continue;
            }
            // The key's removal is `idempotency-key-weakened`'s to report.
            if bkey.is_some_and(|k| std::ptr::eq(k, *bp)) && is_write {
                continue;
            }
            self.emit(
                "parameter-removed",
                Some(cx),
                Some(bp.node),
                Some(rop.node),
                &format!("param:{}:{}", bk.0, bk.1),
                format!(
                    "the {} parameter {} of {what} was removed",
                    bk.0,
                    quote(bp.name.as_untrusted_str())
                ),
                "keep accepting it (marked `deprecated: true`) until the next major".into(),
            );
        }
    }

    fn body(&mut self, cx: &OpCx, bop: &Operation<'w>, rop: &Operation<'w>) {
        let what = describe(rop);
        let Some(rb) = rop.request_body else {
            return;
        };
        let bb = bop.request_body;
        if rb.required && !bb.is_some_and(|b| b.required) {
            let now = if bb.is_some() {
                "is now required"
            } else {
                "was added as required"
            };
            self.emit(
                "request-body-required",
                Some(cx),
                bb.map(|b| b.node),
                Some(rb.node),
                "body",
                format!("the request body of {what} {now}"),
                "keep the body optional".into(),
            );
        }
        let Some(bb) = bb else {
            return;
        };
        let (bm, rm) = (self.base.body_content(&bb), self.rev.body_content(&rb));
        self.media(cx, bm, rm, Dir::Request, "request body", "body", rb.node);
    }

    /// Compare two `content` maps: a media type gone, schemas per type.
    #[allow(clippy::too_many_arguments)]
    fn media(
        &mut self,
        cx: &OpCx,
        bm: &[Media<'w>],
        rm: &[Media<'w>],
        dir: Dir,
        whose: &str,
        detail: &str,
        rev_parent: At,
    ) {
        let what = describe_path(cx);
        for b in bm {
            let mt = b.media_type.as_untrusted_str();
            let d = format!("{detail}:{}", mt.to_ascii_lowercase());
            match rm.iter().find(|r| r.media_type.eq_ignore_ascii_case(mt)) {
                Some(r) => {
                    if let (Some(bs), Some(rs)) = (b.schema, r.schema) {
                        let loc = format!("{whose} ({})", quote(mt));
                        self.schema(cx, bs, rs, dir, &loc, &d, 0);
                    }
                }
                None => self.emit(
                    "media-type-removed",
                    Some(cx),
                    Some(b.node),
                    Some(rev_parent),
                    &d,
                    format!("the {whose} of {what} no longer offers {}", quote(mt)),
                    "keep the old media type next to the new one".into(),
                ),
            }
        }
    }

    fn responses(&mut self, cx: &OpCx, bop: &Operation<'w>, rop: &Operation<'w>) {
        let (base, rev) = (self.base, self.rev);
        let what = describe(rop);
        let rev_entries = rev.responses(rop);
        for be in base.responses(bop) {
            let status = be.status;
            let detail = format!("status:{status}");
            match rev_entries.iter().find(|r| r.status == status) {
                None => {
                    let retry = status.is(429) || status.is(503);
                    let (check, help) = if retry {
                        (
                            "retry-status-removed",
                            "keep documenting it, with Retry-After: clients back off on it",
                        )
                    } else {
                        (
                            "response-status-removed",
                            "keep documenting the status while the server can send it",
                        )
                    };
                    self.emit(
                        check,
                        Some(cx),
                        Some(be.key),
                        rop.responses_node.or(Some(rop.node)),
                        &detail,
                        format!("{what} no longer documents its {status} response"),
                        help.into(),
                    );
                }
                Some(re) => {
                    let (br, rr) = (base.response(be.response), rev.response(re.response));
                    self.response(cx, status, br, rr, re.key);
                }
            }
        }
        let base_entries = base.responses(bop);
        for re in rev_entries {
            if !base_entries.iter().any(|b| b.status == re.status) {
                self.emit(
                    "response-status-added",
                    Some(cx),
                    None,
                    Some(re.key),
                    &format!("status:{}", re.status),
                    format!("{what} now documents a {} response", re.status),
                    "nothing to do: clients can handle the new status".into(),
                );
            }
        }
    }

    fn response(&mut self, cx: &OpCx, status: Status, br: &Response, rr: &Response, rkey: At) {
        let (base, rev) = (self.base, self.rev);
        let what = describe_path(cx);
        let detail = format!("status:{status}");
        let whose = format!("{status} response");
        self.media(
            cx,
            base.response_content(br),
            rev.response_content(rr),
            Dir::Response,
            &whose,
            &detail,
            rr.node,
        );
        let lost = |names: &[&str]| -> Option<At> {
            let b = base.header(br, names)?;
            rev.header(rr, names).is_none().then_some(b.key)
        };
        let rev_at = rev.workspace().get(rr.node, "headers").unwrap_or(rkey);
        if status.is(429) || status.is(503) {
            if let Some(at) = lost(&["Retry-After"]) {
                self.emit(
                    "retry-after-removed",
                    Some(cx),
                    Some(at),
                    Some(rev_at),
                    &format!("{detail}:retry-after"),
                    format!("the {status} response of {what} no longer declares Retry-After"),
                    "keep Retry-After (seconds or HTTP-date) so clients wait as long as the server needs".into(),
                );
            }
        }
        if status.is_success() || status.is(429) {
            if let Some(at) = lost(RATE_LIMIT_HEADERS) {
                self.emit(
                    "rate-limit-headers-removed",
                    Some(cx),
                    Some(at),
                    Some(rev_at),
                    &format!("{detail}:rate-limit"),
                    format!("the {status} response of {what} no longer declares a rate-limit header"),
                    "keep X-RateLimit-Remaining (or the IETF RateLimit fields) so clients slow down before they hit 429".into(),
                );
            }
        }
        if let Some(at) = lost(REQUEST_ID_HEADERS) {
            self.emit(
                "request-id-header-removed",
                Some(cx),
                Some(at),
                Some(rev_at),
                &format!("{detail}:request-id"),
                format!("the {status} response of {what} no longer declares a request id header"),
                "keep X-Request-Id: it ties a client's error to the server's logs".into(),
            );
        }
        if status.is_error()
            && readable(base.workspace(), base.response_content(br))
            && !readable(rev.workspace(), rev.response_content(rr))
        {
            self.emit(
                "error-no-longer-readable",
                Some(cx),
                Some(br.node),
                Some(rr.node),
                &format!("{detail}:readable"),
                format!("the {status} response of {what} is no longer machine-readable (no problem+json, no message and code)"),
                "keep an application/problem+json body (type, title, status, detail)".into(),
            );
        }
    }

    fn security(&mut self, cx: &OpCx, bop: &Operation<'w>, rop: &Operation<'w>) {
        let b = alternatives(self.base.security(bop));
        let r = alternatives(self.rev.security(rop));
        // Every way a client could authenticate before must still work.
        let lost = b
            .iter()
            .find(|balt| !r.iter().any(|ralt| satisfied_by(ralt, balt)));
        if let Some(balt) = lost {
            let old = if balt.is_empty() {
                "no authentication".to_owned()
            } else {
                balt.iter()
                    .map(|(s, _)| quote(s))
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            let at =
                |ws: &Workspace, op: &Operation| ws.get(op.node, "security").unwrap_or(op.node);
            self.emit(
                "security-changed",
                Some(cx),
                Some(at(self.bws(), bop)),
                Some(at(self.rws(), rop)),
                "security",
                format!("{} no longer accepts {old}", describe(rop)),
                "keep the old requirement as an alternative in `security`".into(),
            );
        }
    }

    /// Compare two schemas. Each pair is compared once per direction,
    /// however many operations share it: that bounds the work and ends
    /// recursive schemas.
    #[allow(clippy::too_many_arguments)]
    fn schema(&mut self, cx: &OpCx, b: At, r: At, dir: Dir, loc: &str, detail: &str, depth: u32) {
        let (bws, rws) = (self.bws(), self.rws());
        let (b, r) = (bws.resolve(b), rws.resolve(r));
        if depth > MAX_DEPTH || !self.schemas_seen.insert((b, r, dir)) {
            return;
        }
        let bf = Flat::read(bws, b);
        let rf = Flat::read(rws, r);
        let what = describe_path(cx);
        let request = dir == Dir::Request;

        // Types: a request may accept more, a response may promise less.
        if !bf.types.is_empty() && !rf.types.is_empty() {
            let broken = if request {
                bf.types
                    .iter()
                    .any(|t| !rf.types.iter().any(|u| type_fits(t, u)))
            } else {
                rf.types
                    .iter()
                    .any(|t| !bf.types.iter().any(|u| type_fits(t, u)))
            };
            if broken {
                self.emit(
                    "type-changed",
                    Some(cx),
                    Some(b),
                    Some(r),
                    &format!("{detail}:type"),
                    format!(
                        "the type of {loc} of {what} changed from {} to {}",
                        quote(&bf.types.join("|")),
                        quote(&rf.types.join("|"))
                    ),
                    "add a new field with the new type and keep the old one".into(),
                );
            }
        }
        if let (Some(bfmt), Some(rfmt)) = (bf.format, rf.format) {
            if bfmt != rfmt {
                self.emit(
                    "type-changed",
                    Some(cx),
                    Some(b),
                    Some(r),
                    &format!("{detail}:format"),
                    format!(
                        "the format of {loc} of {what} changed from {} to {}",
                        quote(bfmt),
                        quote(rfmt)
                    ),
                    "keep the old format".into(),
                );
            }
        }
        match (&bf.enum_values, &rf.enum_values, request) {
            (Some(bv), Some(rv), true) => {
                let gone: Vec<&String> = bv.iter().filter(|v| !rv.contains(v)).collect();
                if !gone.is_empty() {
                    self.emit(
                        "enum-value-removed",
                        Some(cx),
                        Some(b),
                        Some(r),
                        &format!("{detail}:enum"),
                        format!(
                            "{loc} of {what} no longer accepts {}",
                            gone.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", ")
                        ),
                        "keep accepting the old values".into(),
                    );
                }
            }
            (Some(bv), Some(rv), false) => {
                let new: Vec<&String> = rv.iter().filter(|v| !bv.contains(v)).collect();
                if !new.is_empty() {
                    self.emit(
                        "response-enum-value-added",
                        Some(cx),
                        Some(b),
                        Some(r),
                        &format!("{detail}:enum"),
                        format!(
                            "{loc} of {what} may now be {}",
                            new.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", ")
                        ),
                        "make sure every client accepts unknown enum values (threeam's generated clients do)".into(),
                    );
                }
            }
            (None, Some(_), true) => self.emit(
                "request-constraint-tightened",
                Some(cx),
                Some(b),
                Some(r),
                &format!("{detail}:enum"),
                format!("{loc} of {what} is now restricted to an enum"),
                "keep accepting every value the old schema took".into(),
            ),
            _ => {}
        }
        if request {
            self.limits(cx, &bf, &rf, b, r, loc, detail);
        } else if !bf.nullable && rf.nullable {
            self.emit(
                "response-property-nullable",
                Some(cx),
                Some(b),
                Some(r),
                &format!("{detail}:nullable"),
                format!("{loc} of {what} may now be null"),
                "keep it non-null (send a default)".into(),
            );
        }
        self.properties(cx, &bf, &rf, b, r, dir, loc, detail, depth);
        if let (Some(bi), Some(ri)) = (bf.items, rf.items) {
            let loc = format!("{loc}[]");
            let detail = format!("{detail}[]");
            self.schema(cx, bi, ri, dir, &loc, &detail, depth + 1);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn limits(&mut self, cx: &OpCx, bf: &Flat, rf: &Flat, b: At, r: At, loc: &str, detail: &str) {
        let (bl, rl) = (bf.limits, rf.limits);
        // (keyword, old, new, true when a larger value is tighter)
        let pairs = [
            ("maxLength", bl.max_length, rl.max_length, false),
            ("maximum", bl.maximum, rl.maximum, false),
            ("maxItems", bl.max_items, rl.max_items, false),
            ("minLength", bl.min_length, rl.min_length, true),
            ("minimum", bl.minimum, rl.minimum, true),
            ("minItems", bl.min_items, rl.min_items, true),
        ];
        let what = describe_path(cx);
        for (keyword, old, new, min) in pairs {
            let tighter = match (old, new) {
                (Some(o), Some(n)) => {
                    if min {
                        n > o
                    } else {
                        n < o
                    }
                }
                (None, Some(n)) => !(min && n <= 0.0),
                _ => false,
            };
            if tighter {
                let was = old.map_or("unset".to_owned(), |o| o.to_string());
                self.emit(
                    "request-constraint-tightened",
                    Some(cx),
                    Some(b),
                    Some(r),
                    &format!("{detail}:{keyword}"),
                    format!(
                        "{loc} of {what}: {keyword} went from {was} to {}",
                        new.unwrap_or_default()
                    ),
                    format!("keep the old {keyword}: values valid yesterday must stay valid"),
                );
            }
        }
        if rf.pattern.is_some() && rf.pattern != bf.pattern {
            self.emit(
                "request-constraint-tightened",
                Some(cx),
                Some(b),
                Some(r),
                &format!("{detail}:pattern"),
                format!(
                    "{loc} of {what} has a new pattern {}",
                    quote(rf.pattern.unwrap_or_default())
                ),
                "keep accepting what the old pattern accepted".into(),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn properties(
        &mut self,
        cx: &OpCx,
        bf: &Flat,
        rf: &Flat,
        b: At,
        r: At,
        dir: Dir,
        loc: &str,
        detail: &str,
        depth: u32,
    ) {
        let what = describe_path(cx);
        let (bws, rws) = (self.bws(), self.rws());
        let sub = |name: &str| {
            (
                format!("{loc} property {}", quote(name)),
                format!("{detail}.{name}"),
            )
        };
        match dir {
            Dir::Request => {
                for &(name, rat) in &rf.props {
                    let (ploc, pdetail) = sub(name);
                    let bat = bf.prop(name);
                    if rf.requires(name) && !bf.requires(name) && !Flat::read(rws, rat).read_only {
                        let how = if bat.is_some() {
                            "is now required"
                        } else {
                            "was added as required"
                        };
                        self.emit(
                            "required-property-added",
                            Some(cx),
                            bat.or(Some(b)),
                            Some(rat),
                            &pdetail,
                            format!("{ploc} of {what} {how}"),
                            "make it optional with a documented default".into(),
                        );
                    }
                    if let Some(bat) = bat {
                        self.schema(cx, bat, rat, dir, &ploc, &pdetail, depth + 1);
                    }
                }
            }
            Dir::Response => {
                for &(name, bat) in &bf.props {
                    let (ploc, pdetail) = sub(name);
                    match rf.prop(name) {
                        None => {
                            if !Flat::read(bws, bat).write_only {
                                self.emit(
                                    "response-property-removed",
                                    Some(cx),
                                    Some(bat),
                                    Some(r),
                                    &pdetail,
                                    format!("{ploc} of {what} was removed"),
                                    "keep sending it (marked `deprecated: true`)".into(),
                                );
                            }
                        }
                        Some(rat) => {
                            if bf.requires(name) && !rf.requires(name) {
                                self.emit(
                                    "response-property-optional",
                                    Some(cx),
                                    Some(bat),
                                    Some(rat),
                                    &pdetail,
                                    format!("{ploc} of {what} is no longer required"),
                                    "keep it required: always send it".into(),
                                );
                            }
                            self.schema(cx, bat, rat, dir, &ploc, &pdetail, depth + 1);
                        }
                    }
                }
                for &(name, rat) in &rf.props {
                    if bf.prop(name).is_none() {
                        let (ploc, pdetail) = sub(name);
                        self.emit(
                            "response-property-added",
                            Some(cx),
                            None,
                            Some(rat),
                            &pdetail,
                            format!("{ploc} of {what} is new"),
                            "nothing to do: clients ignore fields they do not know".into(),
                        );
                    }
                }
            }
        }
    }
}

fn describe_path(cx: &OpCx) -> String {
    format!("{} {}", cx.op.method, quote(&cx.op.path))
}

/// An error body people and programs can read: problem+json, or a JSON
/// schema with a message field and a code field (directly or under
/// `error`/`errors`).
fn readable(ws: &Workspace, content: &[Media]) -> bool {
    content.iter().any(|m| {
        let mt = m.media_type.as_untrusted_str().to_ascii_lowercase();
        if mt.contains("problem+json") {
            return true;
        }
        if !mt.contains("json") {
            return false;
        }
        let Some(schema) = m.schema else {
            return false;
        };
        let flat = Flat::read(ws, schema);
        let has = |f: &Flat, names: &[&str]| names.iter().any(|n| f.prop(n).is_some());
        let both = |f: &Flat| has(f, ERROR_HUMAN_FIELDS) && has(f, ERROR_MACHINE_FIELDS);
        both(&flat)
            || ["error", "errors"].iter().any(|w| {
                flat.prop(w).is_some_and(|inner| {
                    let inner = Flat::read(ws, inner);
                    match inner.items {
                        Some(items) => both(&Flat::read(ws, items)),
                        None => both(&inner),
                    }
                })
            })
    })
}

/// One way to authenticate: scheme names with their scopes.
type Alternative = Vec<(String, Vec<String>)>;

/// The ways to authenticate; no requirements means anonymous access, one
/// empty alternative.
fn alternatives(reqs: &[SecurityRequirement]) -> Vec<Alternative> {
    if reqs.is_empty() {
        return vec![Vec::new()];
    }
    reqs.iter()
        .map(|r| {
            let mut alt: Alternative = r
                .schemes
                .iter()
                .map(|(name, scopes)| {
                    let mut s: Vec<String> = scopes
                        .iter()
                        .map(|s| s.as_untrusted_str().to_owned())
                        .collect();
                    s.sort();
                    (name.as_untrusted_str().to_owned(), s)
                })
                .collect();
            alt.sort();
            alt
        })
        .collect()
}

/// True when a client holding `held` meets `needed`: every scheme it asks
/// for is held, with at least the scopes asked.
fn satisfied_by(needed: &Alternative, held: &Alternative) -> bool {
    needed.iter().all(|(scheme, scopes)| {
        held.iter()
            .any(|(h, hs)| h == scheme && scopes.iter().all(|s| hs.contains(s)))
    })
}
