//! The version gate (principle 3): breaking changes need a new major in the
//! URL, the old major stays live and deprecated, and is removed only after
//! its sunset, at least `min-deprecation-days` after its deprecation.

use super::{Check, Docs, Group};
use crate::change::Severity;

/// `operation-removed`
pub static OPERATION_REMOVED: Check = Check {
    id: "operation-removed",
    group: Group::VersionGate,
    severity: Severity::Error,
    summary: "An operation was removed before a sunset date that has passed.",
    docs: Docs {
        what: r#"
An operation (method and path) of BASE is missing from REVISION, and BASE
did not mark it `deprecated: true` with a `Sunset` date (header example or
`x-sunset`) that has passed. This covers a whole old major removed as soon
as the new one ships.
"#,
        why: r#"
Every client calling it gets 404s from the moment of deploy. Principle 3:
at least two versions live at once, and a version goes away only after
clients were told when, months ahead, by `Deprecation` and `Sunset` headers.
"#,
        example: r#"
# BASE                                  # REVISION
/v1/payments: {post: ...}               /v2/payments: {post: ...}
"#,
        fix: r#"
Keep /v1/payments live next to /v2, mark it `deprecated: true` and document
`Deprecation` and `Sunset` response headers; remove it in a later release,
after the sunset date.
"#,
    },
};

/// `deprecation-period-too-short`
pub static DEPRECATION_PERIOD_TOO_SHORT: Check = Check {
    id: "deprecation-period-too-short",
    group: Group::VersionGate,
    severity: Severity::Error,
    summary: "An operation was removed after a sunset that came too soon after its deprecation.",
    docs: Docs {
        what: r#"
An operation removed in REVISION was deprecated in BASE with a Sunset date
that has passed, but the Sunset lies fewer than `min-deprecation-days`
(default 365) after the Deprecation date, or BASE gave no Deprecation date.
"#,
        why: r#"
Clients need time to migrate: release cycles of mobile apps and enterprise
integrations are measured in months. A sunset announced a week ahead is a
removal with extra steps.
"#,
        example: r#"
# BASE (response headers of the deprecated operation)
Deprecation: {schema: {type: string}, example: '@1735689600'}   # 2025-01-01
Sunset: {schema: {type: string}, example: 'Sat, 01 Feb 2025 00:00:00 GMT'}
"#,
        fix: r#"
Set the Sunset at least 12 months after the Deprecation date and keep the
operation until then.
"#,
    },
};

/// `old-version-not-deprecated`
pub static OLD_VERSION_NOT_DEPRECATED: Check = Check {
    id: "old-version-not-deprecated",
    group: Group::VersionGate,
    severity: Severity::Warn,
    summary: "A new major appeared but an older major's operation is not deprecated with Deprecation and Sunset headers.",
    docs: Docs {
        what: r#"
REVISION adds a major version (`/v2/...`) while operations of an older major
stay. Each such older operation should be `deprecated: true` and document
`Deprecation` and `Sunset` response headers.
"#,
        why: r#"
The headers are how clients learn, in their own logs, that the ground is
moving and when. Without them the removal a year later is a surprise.
"#,
        example: r#"
# REVISION
/v1/payments: {post: {responses: {'201': {...}}}}
/v2/payments: {post: ...}
"#,
        fix: r#"
/v1/payments:
  post:
    deprecated: true
    responses:
      '201':
        headers:
          Deprecation: {$ref: '#/components/headers/Deprecation'}
          Sunset: {$ref: '#/components/headers/Sunset'}
"#,
    },
};

/// `operation-sunset`
pub static OPERATION_SUNSET: Check = Check {
    id: "operation-sunset",
    group: Group::VersionGate,
    severity: Severity::Info,
    summary: "An operation was removed after its announced sunset (fine).",
    docs: Docs {
        what: r#"
An operation of BASE that was deprecated with a Deprecation date and a
Sunset date at least `min-deprecation-days` later, and whose Sunset has
passed (`--now` fixes "today"), is gone in REVISION.
"#,
        why: r#"
This is how a version should end; it is reported for the changelog.
"#,
        example: r#"
# BASE: deprecated: true, Deprecation 2024-01-01, Sunset 2025-02-01
# REVISION: the operation is gone (diffed on 2025-03-01)
"#,
        fix: "Nothing to fix: this is the changelog.",
    },
};
