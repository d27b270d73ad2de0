//! Generated hostile specs (each under 64 KiB) that share one node across
//! thousands of operations through YAML aliases and `$ref`s. Used by the
//! `bounded` tests and the `hostile` bench.

/// The first path item holds these five operations (aliases of one
/// operation object); every other path item is a `$ref` to the first.
pub const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn header() -> String {
    "openapi: 3.0.3\ninfo: {title: hostile, version: 1.0.0}\nservers: [{url: 'https://a.example.com/v1'}, {url: 'https://b.example.com/v1'}]\n".into()
}

/// One operation object (anchored `&op`), used by every method of the first
/// path item, and `items - 1` more path items that `$ref` the first.
fn paths(out: &mut String, op: &str, items: usize, path_params: &str) {
    out.push_str("paths:\n  /v1/a0:\n");
    out.push_str(path_params);
    out.push_str(&format!("    get: &op {op}\n"));
    for m in &METHODS[1..] {
        out.push_str(&format!("    {m}: *op\n"));
    }
    for i in 1..items {
        out.push_str(&format!("  /v1/a{i}: {{$ref: '#/paths/~1v1~1a0'}}\n"));
    }
}

/// One parameter list of `params` entries, used at path level and by every
/// operation (so every merge overrides every entry).
pub fn shared_parameters(params: usize, items: usize) -> String {
    let mut out = header();
    out.push_str("x-lists:\n  params: &params\n");
    out.push_str("    - {$ref: '#/components/parameters/Key'}\n");
    out.push_str("    - {name: session, in: cookie}\n");
    out.push_str("    - {name: Api-Version, in: header}\n");
    for i in 0..params {
        out.push_str(&format!("    - {{name: p{i}, in: query}}\n"));
    }
    paths(
        &mut out,
        "{operationId: op, parameters: *params, responses: {'200': {description: ok}}}",
        items,
        "    parameters: *params\n",
    );
    out.push_str("components:\n  parameters:\n    Key: {name: Idempotency-Key, in: header, required: true, schema: {type: string}}\n");
    out
}

/// One response map with every valid status, each the same `$ref`ed
/// response, used by every operation.
pub fn shared_responses(items: usize) -> String {
    let mut out = header();
    // The anchor comes before its aliases.
    out.push_str("x-shared:\n  r: &r {$ref: '#/components/responses/Any'}\n");
    out.push_str("  responses: &responses\n");
    for code in 100..600 {
        out.push_str(&format!("    '{code}': *r\n"));
    }
    out.push_str("    default: *r\n");
    paths(
        &mut out,
        "{operationId: op, responses: *responses}",
        items,
        "",
    );
    out.push_str("components:\n  responses:\n    Any:\n      description: any\n      headers: {Set-Cookie: {schema: {type: string}}}\n      content:\n        application/vnd.acme.v2+json: {schema: {type: object}}\n");
    out
}

/// One header map of `headers` entries, used by `responses` distinct
/// responses of one response map, used by every operation.
pub fn shared_headers(headers: usize, responses: usize, items: usize) -> String {
    let mut out = header();
    out.push_str("x-shared:\n  h: &h {schema: {type: string}}\n  headers: &headers\n");
    for i in 0..headers {
        out.push_str(&format!("    X-H{i}: *h\n"));
    }
    out.push_str("  responses: &responses\n");
    for i in 0..responses {
        out.push_str(&format!(
            "    '{}': {{description: r, headers: *headers}}\n",
            200 + i
        ));
    }
    out.push_str("    '429': {description: limited, headers: *headers}\n");
    paths(
        &mut out,
        "{operationId: op, responses: *responses}",
        items,
        "",
    );
    out
}
