//! Reliability regressions: promises about failure handling that a change
//! must not silently take away. No other diff tool checks these.

use super::{Check, Docs, Group};
use crate::change::Severity;

/// `idempotency-key-weakened`
pub static IDEMPOTENCY_KEY_WEAKENED: Check = Check {
    id: "idempotency-key-weakened",
    group: Group::Reliability,
    severity: Severity::Error,
    summary: "A write's required Idempotency-Key was removed or made optional.",
    docs: Docs {
        what: r#"
A POST, PUT, PATCH or DELETE declared a required `Idempotency-Key` (or
`X-Idempotency-Key`) header in BASE; in REVISION it is gone or optional.
"#,
        why: r#"
Principle 2. Without the key, a retried request after a dropped connection
is a second payment. Clients generated from REVISION stop retrying unkeyed
POSTs, so the outage the key papered over becomes visible errors, or
double charges for clients that retry anyway.
"#,
        example: r#"
# BASE                                              # REVISION
- {name: Idempotency-Key, in: header, required: true}  (gone)
"#,
        fix: "Keep the key required on every write.",
    },
};

/// `retry-status-removed`
pub static RETRY_STATUS_REMOVED: Check = Check {
    id: "retry-status-removed",
    group: Group::Reliability,
    severity: Severity::Error,
    summary: "A documented 429 or 503 response was removed.",
    docs: Docs {
        what: r#"
An operation documented `429` or `503` in BASE and does not in REVISION.
"#,
        why: r#"
Principles 1 and 4. These are the statuses clients back off on. Dropping
them from the contract tells client authors that overload cannot happen,
and the clients built from it hammer the server when it does.
"#,
        example: r#"
# BASE                              # REVISION
'429': {$ref: '#/components/responses/TooManyRequests'}   (gone)
"#,
        fix: "Keep documenting 429 and 503 (with Retry-After).",
    },
};

/// `retry-after-removed`
pub static RETRY_AFTER_REMOVED: Check = Check {
    id: "retry-after-removed",
    group: Group::Reliability,
    severity: Severity::Error,
    summary: "A 429 or 503 response lost its Retry-After header.",
    docs: Docs {
        what: r#"
A `429` or `503` response declared `Retry-After` in BASE and does not in
REVISION.
"#,
        why: r#"
Without it every client guesses how long to wait: the short guessers
hammer the limiter, the long guessers stall.
"#,
        example: r#"
# BASE                                # REVISION
'429':                                '429':
  headers:                              description: Too many requests
    Retry-After: {...}
"#,
        fix: "Keep the Retry-After header on 429 and 503.",
    },
};

/// `rate-limit-headers-removed`
pub static RATE_LIMIT_HEADERS_REMOVED: Check = Check {
    id: "rate-limit-headers-removed",
    group: Group::Reliability,
    severity: Severity::Warn,
    summary: "A success or 429 response lost its rate-limit headers.",
    docs: Docs {
        what: r#"
A 2xx or 429 response declared a remaining-budget header
(`X-RateLimit-Remaining`, `RateLimit`, `RateLimit-Remaining`,
`RateLimit-Policy`, `X-RateLimit-Limit`) in BASE and none in REVISION.
"#,
        why: r#"
Principle 4. Clients that see their budget shrink slow down before the
wall; without the headers they learn at the 429, at full speed.
"#,
        example: r#"
# BASE                                    # REVISION
'200':                                    '200':
  headers:                                  description: OK
    X-RateLimit-Remaining: {...}
"#,
        fix: "Keep declaring the remaining-budget header.",
    },
};

/// `request-id-header-removed`
pub static REQUEST_ID_HEADER_REMOVED: Check = Check {
    id: "request-id-header-removed",
    group: Group::Reliability,
    severity: Severity::Warn,
    summary: "A response lost its request id header.",
    docs: Docs {
        what: r#"
A response declared `X-Request-Id`, `Request-Id` or `X-Correlation-Id` in
BASE and none of them in REVISION.
"#,
        why: r#"
Principle 5. The request id ties a client's error to the server's logs;
without it the on-call engineer greps timestamps.
"#,
        example: r#"
# BASE                                # REVISION
headers:                              headers: {}
  X-Request-Id: {...}
"#,
        fix: "Keep declaring the request id header on every response.",
    },
};

/// `error-no-longer-readable`
pub static ERROR_NO_LONGER_READABLE: Check = Check {
    id: "error-no-longer-readable",
    group: Group::Reliability,
    severity: Severity::Warn,
    summary: "An error response that was machine-readable no longer is.",
    docs: Docs {
        what: r#"
A 4xx, 5xx or `default` response had `application/problem+json`, or a JSON
schema with a human message (`detail`, `message`, `title`) and a machine
code (`type`, `code`), in BASE; in REVISION it has neither.
"#,
        why: r#"
Principle 5. Clients branch on the code and engineers read the message; an
error that became prose or an empty body turns both into guesswork.
"#,
        example: r#"
# BASE                                        # REVISION
'400':                                        '400':
  content:                                      content:
    application/problem+json: {schema: ...}       text/plain: {schema: {type: string}}
"#,
        fix: "Keep RFC 9457 problem details (type, title, status, detail).",
    },
};

/// `fallback-server-removed`
pub static FALLBACK_SERVER_REMOVED: Check = Check {
    id: "fallback-server-removed",
    group: Group::Reliability,
    severity: Severity::Warn,
    summary: "The spec lost its second (fallback) server.",
    docs: Docs {
        what: r#"
BASE listed two or more `servers` and REVISION lists fewer than two.
"#,
        why: r#"
Principle 1. Generated clients fall back to `servers[1]` when the primary
fails; with one server the fallback is gone and a regional outage is a
full outage.
"#,
        example: r#"
# BASE                                     # REVISION
servers:                                   servers:
  - url: https://api.example.com/v1          - url: https://api.example.com/v1
  - url: https://api-eu.example.com/v1
"#,
        fix: "Keep the fallback server listed.",
    },
};

/// `operation-id-changed`
pub static OPERATION_ID_CHANGED: Check = Check {
    id: "operation-id-changed",
    group: Group::Reliability,
    severity: Severity::Warn,
    summary: "An operation's operationId changed or was removed.",
    docs: Docs {
        what: r#"
The same operation (method and path) has another `operationId` in
REVISION, or lost it.
"#,
        why: r#"
Principle 5. Generated method names, metrics labels and dashboards key on
the operationId: a rename breaks client builds and splits every graph in
two.
"#,
        example: r#"
# BASE                           # REVISION
operationId: createPayment       operationId: payments_create
"#,
        fix: "Keep operationIds stable; rename only in a new major.",
    },
};
