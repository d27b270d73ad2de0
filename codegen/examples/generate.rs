//! Generates a client: `cargo run -p threeam-codegen --example generate -- SPEC [OUT_DIR]`.
//! Without `OUT_DIR` the code is printed.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(spec) = args.next() else {
        eprintln!("usage: generate SPEC [OUT_DIR]");
        std::process::exit(2);
    };
    let generator = threeam_codegen::Generator::new(&spec).allow_lint_errors(true);
    let result = match args.next() {
        Some(out) => generator.write_crate(out).map(|s| format!("{s:?}")),
        None => generator.module_source(),
    };
    match result {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
