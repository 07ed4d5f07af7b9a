//! Writes the JSON Schema of every record medsched reads and writes (docs/SCHEMA.md).
//!
//! `cargo run -p medsched-schema` writes `schema/medsched.schema.json` (from the workspace
//! root); `cargo run -p medsched-schema -- PATH` writes PATH instead (`-` for standard
//! output), which `scripts/test.sh` compares with the committed file.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let target = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(medsched_schema::committed_path);
    if args.next().is_some() {
        eprintln!("usage: cargo run -p medsched-schema [-- PATH]");
        return ExitCode::FAILURE;
    }
    let text = medsched_schema::text();
    let written = if target.as_os_str() == "-" {
        use std::io::Write as _;
        std::io::stdout().write_all(text.as_bytes())
    } else {
        std::fs::write(&target, text)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cannot write {}: {error}", target.display());
            ExitCode::FAILURE
        }
    }
}
