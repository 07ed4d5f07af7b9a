//! The event store contract of `medsched-testkit`, for a test of a store an app writes
//! (feature `checks`; not in what an app ships).

use std::sync::Arc;

use medsched_testkit::Checks;

use crate::error::MedschedError;
use crate::store::Store;

/// Runs the store checks on `store`: the sequential contract, tenant isolation, tenant keys
/// (a queue of doctor `""` apart from the day book, feed positions per tenant) and, with
/// `threads` of 2 or more, writers racing on one stream and the feed read while writers
/// commit (each thread calling into the store). Returns the first breach, in words, or
/// nothing when every check holds. Tenants are named from `tenant_prefix`.
///
/// # Errors
///
/// `InvalidInput` on `threads` above 256.
#[uniffi::export]
pub fn check_store(
    store: Arc<Store>,
    tenant_prefix: String,
    threads: u32,
) -> Result<Option<String>, MedschedError> {
    let checks = Checks::new(tenant_prefix).try_threads(i64::from(threads))?;
    Ok(checks
        .run(&store.inner)
        .err()
        .map(|breach| breach.to_string()))
}
