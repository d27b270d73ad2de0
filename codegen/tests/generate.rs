//! Behaviour of the generator: determinism, safety, atomic output, errors,
//! and generated clients for every spec in `specs/` that compile with no
//! warnings under clippy.

mod common;

use std::path::PathBuf;

use threeam_codegen::Generator;

fn spec(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn output_is_deterministic() {
    for rel in ["../specs/payments.yaml", "tests/specs/hostile.yaml"] {
        let a = Generator::new(spec(rel))
            .allow_lint_errors(true)
            .generate()
            .unwrap();
        let b = Generator::new(spec(rel))
            .allow_lint_errors(true)
            .generate()
            .unwrap();
        assert_eq!(a.lib_rs, b.lib_rs, "{rel}: two runs differ");
        assert_eq!(a.cargo_toml, b.cargo_toml);
    }
}

/// Every item and member name in a file, however nested.
fn collect_idents(items: &[syn::Item], out: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(f.sig.ident.to_string()),
            syn::Item::Struct(s) => out.push(s.ident.to_string()),
            syn::Item::Enum(e) => {
                out.push(e.ident.to_string());
                out.extend(e.variants.iter().map(|v| v.ident.to_string()));
            }
            syn::Item::Const(c) => out.push(c.ident.to_string()),
            syn::Item::Type(t) => out.push(t.ident.to_string()),
            syn::Item::Macro(m) => out.extend(m.ident.as_ref().map(|i| i.to_string())),
            syn::Item::Mod(m) => {
                out.push(m.ident.to_string());
                if let Some((_, inner)) = &m.content {
                    collect_idents(inner, out);
                }
            }
            syn::Item::Impl(i) => {
                for it in &i.items {
                    match it {
                        syn::ImplItem::Fn(f) => out.push(f.sig.ident.to_string()),
                        syn::ImplItem::Const(c) => out.push(c.ident.to_string()),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

#[test]
fn hostile_spec_cannot_inject_code() {
    let code = Generator::new(spec("tests/specs/hostile.yaml"))
        .allow_lint_errors(true)
        .generate()
        .unwrap()
        .lib_rs;
    let file = syn::parse_file(&code).expect("generated code parses");
    // Every item is one the generator meant to write: no `fn evil`, no
    // `fn main`, whatever the spec's texts say.
    let mut fns = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Fn(f) => fns.push(f.sig.ident.to_string()),
            syn::Item::Impl(i) => {
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        fns.push(f.sig.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    assert!(!fns.iter().any(|f| f == "evil" || f == "main"), "{fns:?}");
    // Status keys, media types, header names, server variables and enum
    // values in the spec try to add items; only intended ones exist.
    let mut idents = Vec::new();
    collect_idents(&file.items, &mut idents);
    // (Names derived from such text, like the field `x_evil_fn_injected_header`,
    // are intended; an injected item would carry the spec's own name.)
    assert!(
        !idents.iter().any(|i| i.starts_with("injected")),
        "{idents:?}"
    );
    assert!(!idents.iter().any(|i| i == "X" || i == "Y"), "{idents:?}");
    for key_text in ["201 OK", "fn injected() {}"] {
        assert!(
            !code.contains(key_text),
            "status key text reached the code: {key_text}"
        );
    }
    for expected in ["r_try", "self_", "client", "new_2", "put_v1_new"] {
        assert!(
            fns.iter().any(|f| f == expected),
            "missing method {expected}: {fns:?}"
        );
    }
    // Names the generated code needs are never taken by spec types.
    for name in ["Client2", "Result2", "Option2", "Error2", "SelfValue"] {
        assert!(
            code.contains(&format!("pub struct {name} "))
                || code.contains(&format!("pub enum {name} ")),
            "{name}"
        );
    }
    assert!(!code.contains('\0'));
}

#[test]
fn a_failing_generation_leaves_the_previous_crate_alone() {
    let dir = common::temp_dir("atomic");
    let out = dir.join("client");
    let summary = Generator::new(spec("../specs/minimal.yaml"))
        .allow_lint_errors(true)
        .write_crate(&out)
        .unwrap();
    assert_eq!(summary.operations, 2);
    assert_eq!(summary.files.len(), 3);
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    let err = Generator::new(spec("../specs/violations/parse-error.yaml"))
        .write_crate(&out)
        .unwrap_err();
    assert!(err.to_string().contains("parse-error.yaml"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
        lib
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "nothing beside the crate: {leftovers:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn write_module_skips_unchanged_file() {
    let dir = common::temp_dir("module");
    let out = dir.join("payments.rs");
    Generator::new(spec("../specs/payments.yaml"))
        .write_module(&out)
        .unwrap();
    let before = std::fs::metadata(&out).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    Generator::new(spec("../specs/payments.yaml"))
        .write_module(&out)
        .unwrap();
    assert_eq!(std::fs::metadata(&out).unwrap().modified().unwrap(), before);
    let code = std::fs::read_to_string(&out).unwrap();
    assert!(
        !code.contains("#!["),
        "a module file has no inner attributes"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_name_file_line_and_fix() {
    let err = Generator::new(spec("../specs/violations/parse-error.yaml"))
        .generate()
        .unwrap_err();
    let text = err.to_string();
    assert!(err.line.is_some(), "{text}");
    assert!(text.contains("parse-error.yaml:"), "{text}");
    let missing = Generator::new(spec("no/such/spec.yaml"))
        .generate()
        .unwrap_err();
    assert!(
        missing.to_string().contains("no/such/spec.yaml"),
        "{missing}"
    );
}

#[test]
fn unresolved_ref_is_a_warning_not_a_failure() {
    let generated = Generator::new(spec("../specs/violations/unresolved-ref.yaml"))
        .allow_lint_errors(true)
        .generate()
        .unwrap();
    assert!(!generated.summary.warnings.is_empty());
    assert!(
        generated
            .summary
            .warnings
            .iter()
            .any(|w| w.contains("unresolved-ref.yaml:")),
        "{:?}",
        generated.summary.warnings
    );
}

#[test]
fn payments_client_shape() {
    let code = Generator::new(spec("../specs/payments.yaml"))
        .module_source()
        .unwrap();
    // Keyed writes, unkeyed reads.
    assert!(
        code.contains("rt::request(self, Method::POST, \"createPayment\", \"/v2/payments\", true)")
    );
    assert!(code.contains(
        "rt::request(self, Method::GET, \"getPayment\", \"/v2/payments/{paymentId}\", false)"
    ));
    // Enums tolerate unknown values (`string_enum!` adds `Unknown(String)`),
    // unions unknown kinds.
    assert!(code.contains(
        "string_enum! {\n    /// - `requires_capture`: money reserved, waiting for capturePayment.\n"
    ));
    assert!(code.contains(
        "    pub enum PaymentStatus { RequiresCapture => \"requires_capture\", Processing => \"processing\",\n"
    ));
    assert!(code.contains("    Unknown(serde_json::Value),"));
    assert!(code.contains("tagged_union!(PaymentMethod, \"type\""));
    // Deprecated v1 operations carry the sunset date.
    assert!(code.contains("#[deprecated(note = \"deprecated by the API; it stops answering at its sunset date: 2027-11-01\")]"));
    // Typed errors, named after their operation: an alias where the shape
    // is a schema or shared with an earlier operation.
    assert!(code.contains("Result<Reply<Payment, GetPaymentHeaders>, Error<GetPaymentError>>"));
    assert!(code.contains("pub type GetPaymentError = Problem;\n"));
    assert!(code.contains("Result<Reply<RefundList, ListRefundsHeaders>, Error<ListRefundsError>>"));
    assert!(code.contains("pub type ListRefundsError = ListPaymentsError;\n"));
    assert!(code.contains("pub enum ListPaymentsError {"));
    assert!(!code.contains("pub type ListPaymentsError"));
    // The shared part comes from the runtime, not pasted in.
    assert!(code.contains("pub use threeam_runtime::generated::{CallOptions, Error, Reply};"));
    assert!(!code.contains("macro_rules!") && !code.contains("pub struct Reply"));
}

#[test]
fn generated_files_hold_only_what_the_spec_says() {
    // Issue 10: with the shared code in the runtime, the payments client
    // went from 1,854 lines to under 1,300; string enums stated as names
    // and values (`string_enum!` defines them) took it to 1,158. Issue 12
    // then added what a caller uses: typed response headers (structs
    // written by the runtime's `response_headers!`, plus aliases), an error
    // alias per operation and body builders (`body_builder!`, one line per
    // field), `_pages`/`_stream` methods for its five lists (22 lines
    // each), and request twins of the types with readOnly/writeOnly
    // fields: 1,499 lines.
    let generated = Generator::new(spec("../specs/payments.yaml"))
        .generate()
        .unwrap();
    assert_eq!(generated.summary.lines, generated.lib_rs.lines().count());
    assert!(
        generated.summary.lines <= 1505,
        "{} lines",
        generated.summary.lines
    );
}

/// Every spec in `specs/` (but the one that does not parse), the hostile
/// spec and the styles spec give crates that pass
/// `cargo clippy -- -D warnings`.
#[test]
fn generated_clients_compile_without_warnings() {
    let mut specs = vec![
        spec("../specs/payments.yaml"),
        spec("../specs/minimal.yaml"),
        spec("tests/specs/hostile.yaml"),
        spec("tests/specs/styles.yaml"),
        spec("tests/specs/x-idempotency-key.yaml"),
        spec("tests/specs/ergonomics-errors.yaml"),
        spec("tests/specs/ergonomics-headers.yaml"),
        spec("tests/specs/ergonomics-bodies.yaml"),
        spec("tests/specs/list-events.yaml"),
    ];
    let mut violations: Vec<PathBuf> = std::fs::read_dir(spec("../specs/violations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") && !p.ends_with("parse-error.yaml"))
        .collect();
    violations.sort();
    specs.extend(violations);
    let dir = common::temp_dir("compile");
    common::generate_workspace(&dir, &specs);
    let failed = common::clippy(&dir);
    assert!(
        failed.is_empty(),
        "crates that did not compile cleanly:\n{failed:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Generated clients run against a canned server on 127.0.0.1
/// (`tests/smoke/*.rs`, copied into the generated crates): keys on writes,
/// every parameter style and body kind as the server receives them,
/// tolerant decoding, typed errors; and the payments crate, as generated,
/// over https to a server with a test CA.
#[test]
fn generated_clients_run_against_a_server() {
    let dir = common::temp_dir("smoke");
    let specs = [
        spec("../specs/payments.yaml"),
        spec("tests/specs/styles.yaml"),
    ];
    let names = common::generate_workspace(&dir, &specs);
    for (name, smoke) in names.iter().zip(["payments.rs", "styles.rs"]) {
        let krate = dir.join(name);
        std::fs::create_dir_all(krate.join("tests")).unwrap();
        std::fs::copy(
            spec(&format!("tests/smoke/{smoke}")),
            krate.join("tests/smoke.rs"),
        )
        .unwrap();
        let mut toml = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
        toml.push_str(
            "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"macros\", \"net\", \"io-util\", \"time\"] }\ntokio-rustls = { version = \"0.26\", default-features = false, features = [\"ring\", \"tls12\"] }\n",
        );
        std::fs::write(krate.join("Cargo.toml"), toml).unwrap();
    }
    // https with nothing turned on by hand: the payments crate against a
    // server whose certificate chains to the runtime's test CA.
    let payments = dir.join(&names[0]);
    std::fs::copy(
        spec("tests/smoke/payments_tls.rs"),
        payments.join("tests/tls.rs"),
    )
    .unwrap();
    std::fs::create_dir_all(payments.join("tests/fixtures")).unwrap();
    for file in ["ca.crt", "localhost.crt", "localhost.key"] {
        std::fs::copy(
            spec(&format!("../sdk-runtime/tests/fixtures/{file}")),
            payments.join("tests/fixtures").join(file),
        )
        .unwrap();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", common::shared_target_dir())
        .args(["test", "--quiet", "--test", "smoke", "--test", "tls"])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "smoke test failed:\n{stdout}\n{stderr}"
    );
    // smoke: one test in each crate; tls: two in the payments crate.
    assert_eq!(
        stdout.matches("test result: ok. 1 passed").count(),
        2,
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("test result: ok. 2 passed").count(),
        1,
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn x_idempotency_key_makes_a_keyed_method_without_a_key_parameter() {
    let code = Generator::new(spec("tests/specs/x-idempotency-key.yaml"))
        .allow_lint_errors(true)
        .generate()
        .unwrap()
        .lib_rs;
    // The method is keyed (the runtime fills and reuses the key)...
    assert!(
        code.contains("rt::request(self, Method::POST, \"createWidget\", \"/v1/widgets\", true)"),
        "{code}"
    );
    // ...under the spec's header name, set once on the client...
    assert!(
        code.contains("idempotency_header = \"X-Idempotency-Key\";"),
        "{code}"
    );
    // ...and the caller never passes it by hand.
    assert!(
        !code.to_ascii_lowercase().contains("x_idempotency_key"),
        "{code}"
    );
    assert!(!code.contains("\"X-Idempotency-Key\", &"), "{code}");
}

#[test]
fn the_lint_gate_refuses_error_findings_unless_allowed() {
    let violating = spec("../specs/violations/rate-limit-429-documented.yaml");
    let err = Generator::new(&violating).generate().unwrap_err();
    assert!(err.message.contains("[rate-limit-429-documented]"), "{err}");
    assert!(
        err.message.starts_with("the spec fails the lint gate"),
        "{err}"
    );
    assert!(err.help.contains("allow_lint_errors(true)"), "{err}");
    assert!(err.line.is_some_and(|l| l > 1), "{err}");
    // Told otherwise, it generates.
    assert!(Generator::new(&violating)
        .allow_lint_errors(true)
        .generate()
        .is_ok());
    // A configuration that turns the rule off lets it through the gate.
    let mut config = threeam_lint::config::Config::default();
    config.set_severity(
        threeam_lint::rules::find("rate-limit-429-documented").unwrap(),
        None,
    );
    assert!(Generator::new(&violating)
        .lint_config(config)
        .generate()
        .is_ok());
    // The reference spec passes the gate as it is.
    assert!(Generator::new(spec("../specs/payments.yaml"))
        .generate()
        .is_ok());
}
