//! Breaking changes for clients: a request narrowed, a response widened,
//! something removed. Each is an error unless it arrives under a new major.

use super::{Check, Docs, Group};
use crate::change::Severity;

/// `media-type-removed`
pub static MEDIA_TYPE_REMOVED: Check = Check {
    id: "media-type-removed",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A request or response media type was removed.",
    docs: Docs {
        what: r#"
A media type under a request body's or a response's `content` in BASE is
missing from the same operation and status in REVISION.
"#,
        why: r#"
Clients send the request media type they were built for and parse the
response media type they were promised. A client posting `application/json`
to an endpoint that now only takes form data gets 415s at 3 a.m., with
nothing in its own code to explain them.
"#,
        example: r#"
# BASE                                # REVISION
requestBody:                          requestBody:
  content:                              content:
    application/json: {schema: ...}       application/x-www-form-urlencoded: {schema: ...}
"#,
        fix: r#"
Keep the old media type next to the new one in /v1, and drop it only in
/v2:
requestBody:
  content:
    application/json: {schema: ...}
    application/x-www-form-urlencoded: {schema: ...}
"#,
    },
};

/// `response-status-removed`
pub static RESPONSE_STATUS_REMOVED: Check = Check {
    id: "response-status-removed",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A documented response status was removed.",
    docs: Docs {
        what: r#"
A status under an operation's `responses` in BASE (other than 429 and 503,
which `retry-status-removed` covers) is gone in REVISION.
"#,
        why: r#"
Generated clients decode each documented status into its own type. A status
that disappears from the contract either still arrives (and is now an
undocumented surprise) or no longer arrives (and client code that branched
on it is dead without anyone knowing).
"#,
        example: r#"
# BASE                     # REVISION
responses:                 responses:
  '200': {...}               '200': {...}
  '404': {...}
"#,
        fix: r#"
Keep documenting the status for as long as the server can send it; change
the contract in the next major (/v2).
"#,
    },
};

/// `required-parameter-added`
pub static REQUIRED_PARAMETER_ADDED: Check = Check {
    id: "required-parameter-added",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A request parameter was added as required, or made required.",
    docs: Docs {
        what: r#"
An operation in REVISION has a required parameter (query, header, path or
cookie) that BASE did not have, or that BASE had as optional.
"#,
        why: r#"
Every client already deployed sends requests without it, and every one of
those requests now fails with a 400. Narrowing a request breaks clients.
"#,
        example: r#"
# BASE                               # REVISION
parameters:                          parameters:
  - {name: limit, in: query}           - {name: limit, in: query}
                                       - {name: account, in: query, required: true}
"#,
        fix: r#"
Add it as optional with a server-side default, or require it only in the
next major (/v2/...).
"#,
    },
};

/// `required-property-added`
pub static REQUIRED_PROPERTY_ADDED: Check = Check {
    id: "required-property-added",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A request body property was added as required, or made required.",
    docs: Docs {
        what: r#"
A request body schema in REVISION lists a property under `required` that
BASE's schema did not have, or did not require (compared through `$ref`s
and `allOf`).
"#,
        why: r#"
Deployed clients build bodies without the property; the server now rejects
them. The failure shows up as a validation error in someone else's
dashboard.
"#,
        example: r#"
# BASE                               # REVISION
required: [amount]                   required: [amount, currency]
"#,
        fix: r#"
Make the property optional with a documented default, or require it in the
next major only.
"#,
    },
};

/// `request-body-required`
pub static REQUEST_BODY_REQUIRED: Check = Check {
    id: "request-body-required",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A request body was added as required, or made required.",
    docs: Docs {
        what: r#"
An operation's `requestBody` is `required: true` in REVISION, where BASE had
no body or an optional one.
"#,
        why: r#"
Clients that called the operation without a body now get a 400 on every
call.
"#,
        example: r#"
# BASE                               # REVISION
requestBody:                         requestBody:
  required: false                      required: true
"#,
        fix: "Keep the body optional in this major; require it under /v2.",
    },
};

/// `parameter-changed`
pub static PARAMETER_CHANGED: Check = Check {
    id: "parameter-changed",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A parameter moved (query to header, ...) or changed its style or explode.",
    docs: Docs {
        what: r#"
A parameter of BASE appears in REVISION under the same name in another
location (`in:`), or with a different `style` or `explode`.
"#,
        why: r#"
A client serialises the parameter where and how it was told. Moved or
re-encoded, the value silently stops reaching the server, which then acts as
if it was never sent.
"#,
        example: r#"
# BASE                                   # REVISION
- {name: ids, in: query, style: form}    - {name: ids, in: query, style: pipeDelimited}
"#,
        fix: "Accept both encodings in this major, and switch in the next one.",
    },
};

/// `parameter-removed`
pub static PARAMETER_REMOVED: Check = Check {
    id: "parameter-removed",
    group: Group::Breaking,
    severity: Severity::Warn,
    summary: "A request parameter was removed.",
    docs: Docs {
        what: r#"
A parameter of an operation in BASE is missing from REVISION (and did not
merely move; that is `parameter-changed`).
"#,
        why: r#"
Clients keep sending it. A server that ignores unknown parameters hides the
change (a filter that silently stops filtering); a strict one rejects every
request.
"#,
        example: r#"
# BASE                                 # REVISION
- {name: status, in: query}            (gone)
"#,
        fix: r#"
Keep accepting the parameter (mark it `deprecated: true`) until the next
major.
"#,
    },
};

/// `type-changed`
pub static TYPE_CHANGED: Check = Check {
    id: "type-changed",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A schema's type or format changed.",
    docs: Docs {
        what: r#"
A request or response schema (a parameter's, a body's, or a property's at
any depth) has another `type` or `format` in REVISION. Widening is allowed:
a request `integer` that becomes `number`, a response `number` that becomes
`integer`.
"#,
        why: r#"
Typed clients decode by type: a response field that turns from integer to
string fails deserialisation in every generated client at once.
"#,
        example: r#"
# BASE                          # REVISION
amount: {type: integer}         amount: {type: string}
"#,
        fix: "Add a new field with the new type and keep the old one until the next major.",
    },
};

/// `enum-value-removed`
pub static ENUM_VALUE_REMOVED: Check = Check {
    id: "enum-value-removed",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "An enum value a request could send was removed.",
    docs: Docs {
        what: r#"
A request schema's `enum` in REVISION lacks a value that BASE accepted.
"#,
        why: r#"
Clients that send the value get a 400 they cannot fix without a release.
"#,
        example: r#"
# BASE                              # REVISION
enum: [card, bank, wallet]          enum: [card, bank]
"#,
        fix: "Keep accepting the value in this major (document it as deprecated).",
    },
};

/// `response-enum-value-added`
pub static RESPONSE_ENUM_VALUE_ADDED: Check = Check {
    id: "response-enum-value-added",
    group: Group::Breaking,
    severity: Severity::Warn,
    summary: "A response enum gained a value old clients may not know.",
    docs: Docs {
        what: r#"
A response schema's `enum` in REVISION has a value BASE did not list.
"#,
        why: r#"
Clients with closed enums fail to decode the new value. Clients generated by
threeam tolerate unknown values, so this is a warning: check the other
clients you know of.
"#,
        example: r#"
# BASE                              # REVISION
status: {enum: [pending, paid]}     status: {enum: [pending, paid, disputed]}
"#,
        fix: r#"
Tell client authors that the enum is open (and generate clients that accept
unknown values), or add the value in the next major.
"#,
    },
};

/// `request-constraint-tightened`
pub static REQUEST_CONSTRAINT_TIGHTENED: Check = Check {
    id: "request-constraint-tightened",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A request schema accepts less than before (maxLength down, minimum up, pattern added, ...).",
    docs: Docs {
        what: r#"
A request schema in REVISION narrows what BASE accepted: `maxLength`,
`maximum` or `maxItems` lowered or added; `minLength`, `minimum` or
`minItems` raised or added; a `pattern` added or changed; an `enum` added.
"#,
        why: r#"
Values that were valid yesterday are rejected today, and only for the
customers whose data happens to hit the new limit: the hardest kind of
incident to see coming.
"#,
        example: r#"
# BASE                               # REVISION
name: {type: string, maxLength: 100} name: {type: string, maxLength: 50}
"#,
        fix: "Keep the old limit in this major; tighten it under /v2.",
    },
};

/// `response-property-removed`
pub static RESPONSE_PROPERTY_REMOVED: Check = Check {
    id: "response-property-removed",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A response property was removed.",
    docs: Docs {
        what: r#"
A property of a response schema in BASE (at any depth, through `$ref` and
`allOf`) is missing in REVISION.
"#,
        why: r#"
Clients read it. A required field that vanishes fails decoding; an optional
one turns into a silent `None` where the client expected data.
"#,
        example: r#"
# BASE                                # REVISION
properties:                           properties:
  id: {type: string}                    id: {type: string}
  receipt_url: {type: string}
"#,
        fix: "Keep sending the property (mark it `deprecated: true`) until the next major.",
    },
};

/// `response-property-optional`
pub static RESPONSE_PROPERTY_OPTIONAL: Check = Check {
    id: "response-property-optional",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A response property that was required is now optional.",
    docs: Docs {
        what: r#"
A property listed under `required` of a response schema in BASE is no longer
required in REVISION.
"#,
        why: r#"
Typed clients hold required fields as plain values; a response without it
fails to decode in every one of them.
"#,
        example: r#"
# BASE                          # REVISION
required: [id, created]         required: [id]
"#,
        fix: "Keep the property required (always send it) in this major.",
    },
};

/// `response-property-nullable`
pub static RESPONSE_PROPERTY_NULLABLE: Check = Check {
    id: "response-property-nullable",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "A response schema may now be null.",
    docs: Docs {
        what: r#"
A response schema (or property) that could not be `null` in BASE can be in
REVISION (`nullable: true`, or `null` added to a 3.1 `type` list).
"#,
        why: r#"
Clients that decode into a non-optional value fail on the first `null`,
which usually arrives from the one odd record nobody tested.
"#,
        example: r#"
# BASE                          # REVISION
email: {type: string}           email: {type: string, nullable: true}
"#,
        fix: "Keep the value non-null in this major (send a default), or add a new field.",
    },
};

/// `security-changed`
pub static SECURITY_CHANGED: Check = Check {
    id: "security-changed",
    group: Group::Breaking,
    severity: Severity::Error,
    summary: "An operation's security requirements were added or changed.",
    docs: Docs {
        what: r#"
An operation's effective `security` in REVISION no longer accepts a way of
authenticating that BASE accepted (a scheme or scope added to a
requirement, an alternative removed, or security added where there was
none).
"#,
        why: r#"
Clients authenticate as they always did and get 401 or 403 on every call.
Adding an alternative is fine; taking one away is not.
"#,
        example: r#"
# BASE                          # REVISION
security: [{apiKey: []}]        security: [{oauth: [payments:write]}]
"#,
        fix: "Accept the old scheme next to the new one until the next major: security: [{apiKey: []}, {oauth: [payments:write]}]",
    },
};
