//! Streamed methods: the generated code for a spec with server-sent events
//! (typed and raw) and a binary download, snapshotted; and the generated
//! crate, compiled (clippy -D warnings) and run against the streaming test
//! server (`tests/smoke/streaming.rs`).

mod common;

use std::path::PathBuf;

use threeam_codegen::Generator;

fn spec(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn streaming_client() {
    let code = Generator::new(spec("tests/specs/streaming.yaml"))
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    // The facts the snapshot shows, asserted so a change is noticed even
    // when snapshots are accepted wholesale.
    assert!(code.contains("pub async fn create_chat_stream(&self, body: &ChatRequest) -> Result<Reply<threeam_runtime::sse::EventStream<Delta>>, Error<CreateChatError>>"), "{code}");
    assert!(code.contains("let req = rt::stream_flag(req);"), "{code}");
    assert!(
        code.contains("rt::call_stream(self, req, rt::json_err, rt::raw_events)"),
        "{code}"
    );
    assert!(
        code.contains("-> Result<Reply<threeam_runtime::ByteStream>, Error<DownloadExportError>>"),
        "{code}"
    );
    assert_eq!(
        code.matches("rt::stream_flag").count(),
        1,
        "only where the body has `stream`"
    );
    insta::assert_snapshot!("streaming", code);
}

/// A list that also streams events: `_stream` and `_pages` are its items
/// and pages as on every list, `_events` its event stream; an operation
/// that only streams keeps `_stream`. No `_stream2`.
#[test]
fn a_list_with_an_event_stream_gets_distinct_names() {
    let code = Generator::new(spec("tests/specs/list-events.yaml"))
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    let methods: Vec<&str> = code
        .lines()
        .filter_map(|l| {
            l.trim_start()
                .strip_prefix("pub fn ")
                .or_else(|| l.trim_start().strip_prefix("pub async fn "))
        })
        .filter_map(|l| l.split(['(', '<']).next())
        .collect();
    assert_eq!(
        methods,
        [
            "list_messages",
            "list_messages_events",
            "list_messages_pages",
            "list_messages_stream",
            "watch_feed",
            "watch_feed_stream",
        ],
        "{code}"
    );
    assert!(code.contains("pub async fn list_messages_events(&self, params: &ListMessagesParams) -> Result<Reply<threeam_runtime::sse::EventStream<Message>>"), "{code}");
    assert!(
        !code.contains("_stream2") && !code.contains("_stream_2"),
        "{code}"
    );
    insta::assert_snapshot!("list_events", code);
}

/// The generated README names every stream method next to its operation:
/// items and pages of the list, the event streams.
#[test]
fn the_readme_lists_every_stream_method() {
    let g = Generator::new(spec("tests/specs/list-events.yaml"))
        .allow_lint_errors(true)
        .generate()
        .unwrap();
    let readme = &g.readme;
    for row in [
        "| `listMessages` | `.list_messages_stream(..)` | `.list_messages_pages(..)` | cursor: body field `next_cursor` sent back as `cursor` |",
        "| `listMessages` | `.list_messages_events(..)` | events, `data` as `Message` |",
        "| `watchFeed` | `.watch_feed_stream(..)` | events, `data` as `Message` |",
    ] {
        assert!(readme.contains(row), "{row} missing from\n{readme}");
    }
    let streams = Generator::new(spec("tests/specs/streaming.yaml"))
        .allow_lint_errors(true)
        .generate()
        .unwrap()
        .readme;
    for row in [
        "| `watchEvents` | `.watch_events_stream(..)` | events as they are (`sse::Event`) |",
        "| `downloadExport` | `.download_export_stream(..)` | the body's bytes, chunk by chunk (`ByteStream`) |",
    ] {
        assert!(streams.contains(row), "{row} missing from\n{streams}");
    }
    let start = readme.find("## Lists").unwrap();
    insta::assert_snapshot!("list_events_readme", &readme[start..]);
}

#[test]
fn generated_streams_run_against_the_stream_server() {
    let dir = common::temp_dir("streaming");
    let names = common::generate_workspace(&dir, &[spec("tests/specs/streaming.yaml")]);
    let krate = dir.join(&names[0]);
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::copy(
        spec("tests/smoke/streaming.rs"),
        krate.join("tests/smoke.rs"),
    )
    .unwrap();
    let mut toml = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    toml.push_str(&format!(
        "\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"rt\", \"macros\", \"time\"] }}\nthreeam-test-server = {{ path = {:?} }}\n",
        common::workspace_root().join("test-server").to_string_lossy()
    ));
    std::fs::write(krate.join("Cargo.toml"), toml).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&cargo)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", common::shared_target_dir())
            .env_remove("RUSTFLAGS")
            .args(args)
            .output()
            .expect("cargo runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success(),
            "cargo {args:?} failed:\n{stdout}\n{stderr}"
        );
        stdout
    };
    run(&["clippy", "--quiet", "-p", &names[0], "--", "-D", "warnings"]);
    let stdout = run(&["test", "--quiet", "-p", &names[0], "--test", "smoke"]);
    assert!(stdout.contains("test result: ok. 3 passed"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The generated code for a one-operation spec whose 200 answers
/// `text/event-stream` with the given media object (YAML, indented to sit
/// under the media type).
fn events_method(openapi: &str, media: &str) -> String {
    let text = format!(
        "openapi: {openapi}\ninfo:\n  title: t\n  version: '1'\npaths:\n  /events:\n    get:\n      operationId: watch\n      responses:\n        '200':\n          description: events\n          content:\n            text/event-stream:\n{media}components:\n  schemas:\n    Tick:\n      type: object\n      required: [n]\n      properties:\n        n:\n          type: integer\n          format: int32\n"
    );
    let dir = common::temp_dir(&format!("events-{}", openapi.replace('.', "")));
    let path = dir.join("spec.yaml");
    std::fs::write(&path, text).unwrap();
    let code = Generator::new(&path)
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let start = code
        .find("pub async fn watch_stream")
        .expect("a stream method");
    code[start..].lines().next().unwrap().to_owned()
}

#[test]
fn the_event_type_comes_from_item_schema_then_the_hint_then_schema() {
    // OpenAPI 3.2: the item is the whole event; `data` names its content.
    let item = "              itemSchema:\n                type: object\n                properties:\n                  data:\n                    type: string\n                    contentMediaType: application/json\n                    contentSchema:\n                      $ref: '#/components/schemas/Tick'\n";
    assert!(events_method("3.2.0", item).contains("EventStream<Tick>"));
    // 3.2 without a content schema: raw events.
    let untyped = "              itemSchema:\n                type: object\n                properties:\n                  data:\n                    type: string\n";
    assert!(events_method("3.2.0", untyped).contains("EventStream<threeam_runtime::sse::Event>"));
    // 3.1: the extension wins over a `schema` that describes the text.
    let hinted = "              schema:\n                type: string\n              x-threeam-event-schema: '#/components/schemas/Tick'\n";
    let line = events_method("3.1.0", hinted);
    assert!(line.contains("EventStream<Tick>"), "{line}");
    let by_name = "              schema:\n                type: string\n              x-threeam-event-schema: Tick\n";
    assert!(events_method("3.1.0", by_name).contains("EventStream<Tick>"));
    let plain = "              schema:\n                $ref: '#/components/schemas/Tick'\n";
    assert!(events_method("3.1.0", plain).contains("EventStream<Tick>"));
    let text = "              schema:\n                type: string\n";
    assert!(events_method("3.1.0", text).contains("EventStream<threeam_runtime::sse::Event>"));
}
