//! `no-session-state`: no cookies carrying server-side session state.

use rustc_hash::FxHashMap;

use super::{report_parameters, response_maps, response_scope, Ctx, Docs, Principle, Rule};
use crate::finding::{Scope, Severity};
use crate::model::{Location, SchemeKind};
use crate::workspace::At;
use threeam_spec::model::ResponseId;

/// The rule.
pub static RULE: Rule = Rule {
    id: "no-session-state",
    principle: Principle::ThreeAm,
    severity: Severity::Warn,
    summary: "No cookie parameters, cookie API keys or Set-Cookie session state.",
    docs: Docs {
        what: r#"
            No parameter is `in: cookie`, no `apiKey` security scheme is `in: cookie`, and no
            response declares `Set-Cookie`.
        "#,
        why: r#"
            Session state pins a client to a server, so a failover or a retry on another instance
            loses it; the resulting failures are intermittent and impossible to reproduce at 3 a.m.
            Every request should carry everything it needs (a bearer token, explicit ids).
        "#,
        example: r#"
parameters:
  - name: session_id
    in: cookie
"#,
        fix: r#"
security:
  - bearerAuth: []   # the request carries its own credentials
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    report_parameters(
        cx,
        |p| p.location == Location::Cookie,
        |op, p| format!("{} reads cookie {}", spec.describe(op), p.name.as_untrusted_str()),
        "pass it as a header or path/query parameter; cookies tie a client to server-side session state",
    );
    // The Set-Cookie headers of each distinct response, found once.
    let mut cookies: FxHashMap<ResponseId, Vec<At>> = FxHashMap::default();
    for (map, op) in response_maps(cx, |_| true) {
        for entry in spec.model.response_map(map) {
            let r = spec.response(entry);
            let found = cookies.entry(entry.response).or_insert_with(|| {
                spec.model
                    .headers(r)
                    .iter()
                    .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
                    .map(|h| h.node)
                    .collect()
            });
            for &node in found.iter() {
                if cx.is_new(node) {
                    cx.report(
                        node,
                        response_scope(op, entry, r),
                        format!("the {} response of {} sets a cookie", entry.status, spec.describe(op)),
                        "return tokens in the body and have clients send them in `Authorization`; a session cookie breaks failover and retries".into(),
                    );
                }
            }
        }
    }
    for scheme in spec.model.security_schemes() {
        if let SchemeKind::ApiKey {
            location: Some(Location::Cookie),
            ..
        } = scheme.kind
        {
            cx.report(
                scheme.node,
                Scope {
                    path: None,
                    nodes: vec![scheme.node],
                },
                format!(
                    "security scheme {} sends its key in a cookie",
                    scheme.name.as_untrusted_str()
                ),
                "send credentials in the Authorization header (http bearer) instead".into(),
            );
        }
    }
}
