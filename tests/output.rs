//! The human report on hostile and huge input: it never crashes, and its
//! size grows with the number of findings, never with the length of a line.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The binary, run in `dir` so findings name files relative to it.
fn threeam(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("threeam").unwrap();
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// Exit code, stdout, stderr.
fn run(cmd: &mut Command) -> (i32, Vec<u8>, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    std::fs::write(dir.join(name), body).unwrap();
    PathBuf::from(name)
}

/// The number of findings, from the JSON format.
fn finding_count(dir: &Path, spec: &Path) -> usize {
    let (_, out, err) = run(threeam(dir).args(["lint", "--format", "json"]).arg(spec));
    let findings: Value = serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    findings.as_array().unwrap().len()
}

/// Generous bytes per drawn finding: a header, a message and help wrapped
/// at 100 columns, and five snippet lines of at most ~160 characters
/// (3 bytes each at worst) with their underline.
const PER_FINDING: usize = 4_000;

/// A minified (one line) JSON spec whose operations all sit past column
/// 80,000, behind a long description.
fn minified(operations: usize) -> String {
    let paths: Vec<String> = (0..operations)
        .map(|i| {
            format!(r#""/widgets{i}":{{"post":{{"operationId":"w{i}","responses":{{"200":{{"description":"ok"}}}}}}}}"#)
        })
        .collect();
    format!(
        r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1","description":"{}"}},"paths":{{{}}}}}"#,
        "d".repeat(80_000),
        paths.join(",")
    )
}

#[test]
fn a_minified_spec_with_findings_past_column_65535_is_drawn_in_bounded_space() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "long.json", &minified(40));
    let findings = finding_count(dir.path(), &spec);
    assert!(findings >= 80, "{findings}");
    let (code, out, err) = run(threeam(dir.path())
        .args(["lint", "--max-problems", "0"])
        .arg(&spec));
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.len() <= PER_FINDING * findings + 1_000,
        "{} bytes for {findings} findings",
        text.len()
    );
    // Every snippet header gives the real place in the file, far right.
    let columns: Vec<u32> = text
        .match_indices("[long.json:1:")
        .map(|(i, m)| {
            let rest = &text[i + m.len()..];
            rest[..rest.find(']').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(columns.len(), findings, "one drawn snippet per finding");
    assert!(columns.iter().filter(|&&c| c > 80_000).count() >= findings - 2);
    assert!(text.contains('…'), "cut lines are marked");
}

#[test]
fn generate_prints_the_same_bounded_report() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "long.json", &minified(40));
    let (code, out, err) = run(threeam(dir.path())
        .arg("generate")
        .arg(&spec)
        .arg("--out")
        .arg("client"));
    assert_eq!(code, 1, "refused for lint errors, not a crash: {err}");
    assert!(out.is_empty());
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("has 120 lint error(s)"), "{err}");
    assert!(
        err.len() <= PER_FINDING * 120 + 1_000,
        "{} bytes",
        err.len()
    );
}

#[test]
fn yaml_with_very_long_lines_is_drawn_in_bounded_space() {
    let long = "y".repeat(70_000);
    let mut body = format!(
        "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n  description: {long}\npaths:\n"
    );
    for i in 0..20 {
        body.push_str(&format!(
            "  /widgets{i}:\n    post:\n      description: {long}\n      operationId: w{i}\n      responses:\n        '200': {{description: ok, x-long: {long}}}\n"
        ));
    }
    // Flow style puts a whole operation on one long line too.
    body.push_str(&format!(
        "  /flow: {{post: {{description: {long}, operationId: flow, responses: {{'200': {{description: ok}}}}}}}}\n"
    ));
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "long.yaml", &body);
    let findings = finding_count(dir.path(), &spec);
    assert!(findings >= 40, "{findings}");
    let (code, out, err) = run(threeam(dir.path())
        .args(["lint", "--max-problems", "0"])
        .arg(&spec));
    assert_eq!(code, 1, "{err}");
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.len() <= PER_FINDING * findings + 1_000,
        "{} bytes for {findings} findings",
        text.len()
    );
    assert_eq!(text.matches("[long.yaml:").count(), findings);
    // The flow-style operation is found past column 70,000 on its line.
    assert!(
        text.contains("× flow (POST /flow) declares no Idempotency-Key"),
        "{text}"
    );
}

const TWO_POSTS: &str = "openapi: 3.0.3\npaths:\n  /a:\n    post: {}\n  /b:\n    post: {}\n";

#[test]
fn human_output_stops_at_max_problems_and_ends_with_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "long.json", &minified(40));
    let findings = finding_count(dir.path(), &spec);
    let (code, out, _) = run(threeam(dir.path()).arg("lint").arg(&spec));
    assert_eq!(code, 1);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches("[long.json:1:").count(), 100, "default 100");
    let more = format!(
        "... and {} more (--max-problems 0 shows all)",
        findings - 100
    );
    assert!(text.contains(&more), "{text}");
    assert!(
        text.find(&more) < text.find("\nrule "),
        "table after the rest"
    );

    let (_, out, _) = run(threeam(dir.path())
        .args(["lint", "--max-problems", "7"])
        .arg(&spec));
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches("[long.json:1:").count(), 7);
    assert!(text.contains(&format!("... and {} more", findings - 7)));

    // Machine formats write every finding whatever the limit.
    let (_, out, _) = run(threeam(dir.path())
        .args(["lint", "--max-problems", "7", "--format", "compact"])
        .arg(&spec));
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches("long.json:1:").count(), findings);
}

#[test]
fn summary_format_prints_only_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "two.yaml", TWO_POSTS);
    let (code, out, _) = run(threeam(dir.path())
        .args(["lint", "--format", "summary"])
        .arg(&spec));
    assert_eq!(code, 1);
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn min_severity_hides_findings_but_not_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "two.yaml", TWO_POSTS);
    let (code, out, err) = run(threeam(dir.path())
        .args(["lint", "--format", "json", "--min-severity", "warn"])
        .arg(&spec));
    assert_eq!(code, 1);
    let findings: Value = serde_json::from_slice(&out).unwrap();
    let findings = findings.as_array().unwrap();
    assert_eq!(findings.len(), 15, "16 less the one info");
    assert!(findings.iter().all(|f| f["severity"] != "info"));
    assert!(
        err.contains(
            "1 spec linted: 11 errors, 4 warnings, 1 info (1 below --min-severity not shown)"
        ),
        "{err}"
    );
    // Only an info finding, hidden, still fails the run at --fail-on info.
    let spec = write(
        dir.path(),
        "info.yaml",
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/violations/fallback-server.yaml"),
        )
        .unwrap(),
    );
    let (code, out, _) = run(threeam(dir.path())
        .args(["lint", "--min-severity", "error", "--fail-on", "info"])
        .arg(&spec));
    assert_eq!(code, 1);
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("fallback-server"), "{text}");
    assert!(
        text.ends_with("(1 below --min-severity not shown)\n"),
        "{text}"
    );
}

/// Every output format, with the flags that make it print everything.
const FORMATS: [&str; 6] = ["human", "compact", "github", "json", "sarif", "summary"];

/// No byte or character that could drive a terminal or break a line-based
/// format: C0 (except the line feed), DEL, C1, bidirectional overrides.
fn assert_no_controls(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    for (i, c) in text.char_indices() {
        let bad = (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c);
        assert!(
            !bad,
            "{what}: {c:?} at byte {i}: {}",
            &text[i.saturating_sub(60)..i]
        );
    }
}

/// A spec whose path key carries a CRLF followed by a forged finding, an
/// ESC sequence, NUL, DEL, a C1 CSI and a right-to-left override.
const HOSTILE: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  \"/v1/a\\r\\nforged.yaml:1:1: error [forged] owned\\e[2J\\0\\x7f\\u009b31m\\u202e\":\n    post:\n      operationId: a\n      responses: {'200': {description: ok}}\n";

#[test]
fn spec_text_cannot_forge_lines_or_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "hostile.yaml", HOSTILE);
    let findings = finding_count(dir.path(), &spec);
    assert!(findings >= 3, "{findings}");
    for format in FORMATS {
        let (code, out, err) = run(threeam(dir.path())
            .args([
                "lint",
                "--color",
                "never",
                "--max-problems",
                "0",
                "--format",
                format,
            ])
            .arg(&spec));
        assert_eq!(code, 1, "{format}: {err}");
        assert_no_controls(format, &out);
        assert_no_controls(format, err.as_bytes());
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.lines().any(|l| l.starts_with("forged.yaml")),
            "{format} forged a line: {text}"
        );
        match format {
            // One line per finding, and the summary line.
            "compact" => assert_eq!(text.lines().count(), findings + 1, "{text}"),
            "github" => {
                assert_eq!(text.lines().count(), findings, "{text}");
                assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
            }
            _ => {}
        }
    }
    // The escapes show what the key holds.
    let (_, out, _) = run(threeam(dir.path())
        .args(["lint", "--format", "compact"])
        .arg(&spec));
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("/v1/a\\r\\nforged.yaml:1:1: error [forged] owned\\u{1b}[2J\\u{0}\\u{7f}\\u{9b}31m\\u{202e}"),
        "{text}"
    );
}

#[test]
fn a_binary_file_prints_no_control_bytes_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    // An ELF-like header, then every byte value.
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0".to_vec();
    bytes.extend(0u8..=255);
    bytes.extend(b"\r\n\x1b[31m\x9b\xc2\x9b more");
    std::fs::write(dir.path().join("ls"), &bytes).unwrap();
    for format in FORMATS {
        let (code, out, err) =
            run(threeam(dir.path()).args(["lint", "ls", "--color", "never", "--format", format]));
        assert_eq!(code, 1, "{format}: a parse-error finding: {err}");
        assert_no_controls(format, &out);
        assert_no_controls(format, err.as_bytes());
    }
    if Path::new("/bin/ls").is_file() {
        for format in FORMATS {
            let (_, out, err) = run(threeam(dir.path())
                .args(["lint", "/bin/ls", "--color", "never", "--format", format]));
            assert_no_controls(format, &out);
            assert_no_controls(format, err.as_bytes());
        }
    }
}

#[test]
fn sarif_uris_are_uri_references_for_any_file_name() {
    // The official SARIF 2.1.0 schema (oasis-tcs/sarif-spec,
    // Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json)
    // constrains artifactLocation.uri with `"format": "uri-reference"`:
    // checked here with an RFC 3986 parser, plus a typed SARIF round trip.
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "my api.yaml",
        "a#b.yaml",
        "100%.yaml",
        "é?.yaml",
        "x:y.yaml",
    ];
    for name in names {
        write(dir.path(), name, TWO_POSTS);
    }
    let (code, out, err) = run(threeam(dir.path())
        .args(["lint", "--format", "sarif"])
        .args(names));
    assert_eq!(code, 1, "{err}");
    let value: Value = serde_json::from_slice(&out).unwrap();
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), value);
    let mut seen = std::collections::BTreeSet::new();
    for result in value["runs"][0]["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        let parsed = uriparse::URIReference::try_from(uri)
            .unwrap_or_else(|e| panic!("{uri} is not a URI reference: {e}"));
        assert!(parsed.scheme().is_none(), "{uri} must stay relative");
        seen.insert(uri.to_owned());
    }
    let expected: std::collections::BTreeSet<String> = [
        "my%20api.yaml",
        "a%23b.yaml",
        "100%25.yaml",
        "%C3%A9%3F.yaml",
        "x%3Ay.yaml",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(seen, expected);
}

#[test]
fn a_baseline_gates_only_new_findings_and_survives_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("api")).unwrap();
    let spec = write(dir.path(), "api/spec.yaml", TWO_POSTS);
    let (code, _, err) = run(threeam(dir.path())
        .args(["lint", "--write-baseline", "threeam-baseline.json"])
        .arg(&spec));
    assert_eq!(code, 0, "recording succeeds: {err}");
    assert!(
        err.contains("wrote 16 findings to threeam-baseline.json"),
        "{err}"
    );
    let text = std::fs::read_to_string(dir.path().join("threeam-baseline.json")).unwrap();
    let recorded: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(recorded["version"], 1);
    let entries = recorded["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 16);
    assert!(
        entries.iter().all(|e| e["file"] == "api/spec.yaml"),
        "{text}"
    );
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            (s("pointer"), s("rule"), s("message"))
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "sorted, so diffs stay small");
    assert!(
        !text.contains("\"line\""),
        "no line numbers in fingerprints"
    );

    // Same spec: nothing new, exit 0.
    let lint = |dir: &Path| {
        let (code, out, err) = run(threeam(dir)
            .args([
                "lint",
                "--format",
                "compact",
                "--baseline",
                "threeam-baseline.json",
            ])
            .arg("api/spec.yaml"));
        (code, String::from_utf8(out).unwrap(), err)
    };
    let (code, out, _) = lint(dir.path());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("0 errors, 0 warnings, 0 infos; baseline: 16 known left out, 0 now fixed\n"),
        "{out}"
    );

    // Lines moved by an unrelated edit: still nothing new.
    let moved = TWO_POSTS.replace(
        "paths:\n",
        "# a comment\ntags:\n  - name: widgets\n    description: moved everything down\npaths:\n",
    );
    std::fs::write(dir.path().join("api/spec.yaml"), &moved).unwrap();
    let (code, out, _) = lint(dir.path());
    assert_eq!(code, 0, "{out}");

    // A new operation: only its findings count; a removed one is "fixed".
    let changed = moved.replace("  /b:\n    post: {}\n", "  /c:\n    delete: {}\n");
    std::fs::write(dir.path().join("api/spec.yaml"), &changed).unwrap();
    let (code, out, _) = lint(dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.lines().all(|l| !l.contains("/a ")), "{out}");
    assert!(
        out.contains("DELETE /c declares no Idempotency-Key"),
        "{out}"
    );
    assert!(
        out.contains("now fixed (shrink it with --write-baseline)"),
        "{out}"
    );
    let fixed: usize = out
        .rsplit("known left out, ")
        .next()
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(fixed >= 5, "the findings of POST /b: {out}");

    // The baseline is read relative to itself, from any working folder.
    let (code, _, err) = run(threeam(&dir.path().join("api")).args([
        "lint",
        "--baseline",
        "../threeam-baseline.json",
        "spec.yaml",
    ]));
    assert_eq!(code, 1, "{err}");
    std::fs::write(dir.path().join("api/spec.yaml"), TWO_POSTS).unwrap();
    let (code, out, err) = run(threeam(&dir.path().join("api")).args([
        "lint",
        "--baseline",
        "../threeam-baseline.json",
        "spec.yaml",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("16 known left out"));
}

#[test]
fn a_broken_baseline_is_a_usage_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "two.yaml", TWO_POSTS);
    std::fs::write(
        dir.path().join("b.json"),
        "{\"version\": 1, \"findings\": [}",
    )
    .unwrap();
    let (code, out, err) = run(threeam(dir.path())
        .args(["lint", "--baseline", "b.json"])
        .arg(&spec));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("b.json:1:") && err.contains("--write-baseline"),
        "{err}"
    );
    let (code, _, err) = run(threeam(dir.path())
        .args(["lint", "--baseline", "missing.json"])
        .arg(&spec));
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read the baseline missing.json"),
        "{err}"
    );
}

#[test]
fn hostile_text_in_the_human_format() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "hostile.yaml", HOSTILE);
    let (code, out, _) = run(threeam(dir.path())
        .args(["lint", "--color", "never", "--max-problems", "2"])
        .arg(&spec));
    assert_eq!(code, 1);
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command as Process, Stdio};
    let dir = tempfile::tempdir().unwrap();
    // Far more compact output than a pipe holds, so writing must fail once
    // the reader has gone.
    let spec = write(dir.path(), "long.json", &minified(400));
    let mut child = Process::new(env!("CARGO_BIN_EXE_threeam"))
        .current_dir(dir.path())
        .args(["lint", "--format", "compact"])
        .arg(&spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little and hang up, as `threeam lint ... | head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 256];
    assert!(stdout.read(&mut first).unwrap() > 0);
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "the findings decide: {err}");
    assert!(!err.contains("cannot write"), "{err}");
}
