//! `no-session-state`: no cookies carrying server-side session state.

use super::{op_scope, response_scope, Ctx, Docs, Principle, Rule};
use crate::finding::{Scope, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    id: "no-session-state",
    principle: Principle::ThreeAm,
    severity: Severity::Warn,
    summary: "No cookie parameters, cookie API keys or Set-Cookie session state.",
    docs: Docs {
        what: "No parameter is `in: cookie`, no `apiKey` security scheme is `in: cookie`, and no response declares `Set-Cookie`.",
        why: "Session state pins a client to a server, so a failover or a retry on another instance loses it; the resulting failures are intermittent and impossible to reproduce at 3 a.m. Every request should carry everything it needs (a bearer token, explicit ids).",
        example: "parameters:\n  - name: session_id\n    in: cookie",
        fix: "security:\n  - bearerAuth: []   # the request carries its own credentials",
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    for op in &spec.operations {
        for p in spec.parameters(op) {
            if p.location == "cookie" {
                let mut scope = op_scope(op);
                scope.nodes.push(p.node);
                cx.report(
                    p.node,
                    scope,
                    format!("{} reads cookie {}", spec.describe(op), p.name),
                    "pass it as a header or path/query parameter; cookies tie a client to server-side session state".into(),
                );
            }
        }
        for r in spec.responses(op) {
            for (name, header) in spec.headers(r.node) {
                if name.eq_ignore_ascii_case("set-cookie") {
                    cx.report(
                        header,
                        response_scope(op, r),
                        format!("the {} response of {} sets a cookie", r.status, spec.describe(op)),
                        "return tokens in the body and have clients send them in `Authorization`; a session cookie breaks failover and retries".into(),
                    );
                }
            }
        }
    }
    let schemes = spec
        .root
        .and_then(|r| spec.ws.get_resolved(r, "components"))
        .and_then(|c| spec.ws.get_resolved(c, "securitySchemes"));
    if let Some(schemes) = schemes {
        for (name, scheme) in spec.ws.entries(schemes) {
            let scheme = spec.ws.resolve(scheme);
            let ty = spec.ws.get(scheme, "type").and_then(|t| spec.ws.str(t));
            let location = spec.ws.get(scheme, "in").and_then(|t| spec.ws.str(t));
            if ty == Some("apiKey") && location == Some("cookie") {
                cx.report(
                    scheme,
                    Scope {
                        path: None,
                        nodes: vec![scheme],
                    },
                    format!("security scheme {name} sends its key in a cookie"),
                    "send credentials in the Authorization header (http bearer) instead".into(),
                );
            }
        }
    }
}
