//! Every file of every target's seed corpus (`corpus/<target>/`) and of its regressions
//! (`regressions/<target>/`: inputs that once failed, kept for ever) replayed through the
//! target, on stable: what the fuzz smoke run checks even where no nightly toolchain is.

use std::fs;
use std::path::Path;

fn replay(folder: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut count = 0;
    for target in medsched_fuzz::TARGETS {
        let Ok(entries) = fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            let data = fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| medsched_fuzz::run(target, &data));
            assert!(outcome.is_ok(), "{target} fails on {}", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn every_seed_passes_every_target() {
    // The seeds are committed: losing them would make this test vacuous.
    assert!(replay("corpus") >= 40);
}

#[test]
fn every_regression_passes() {
    replay("regressions");
}

#[test]
fn a_failing_property_is_caught() {
    // Three bytes asking for an unknown target would panic: the harness does see panics.
    assert!(std::panic::catch_unwind(|| medsched_fuzz::run("nothing", b"")).is_err());
}
