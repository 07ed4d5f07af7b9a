//! A small connection pool, the same for the sync and the async store: at most `size`
//! connections, opened when first needed, kept while they work, dropped once closed.

use std::sync::{Condvar, Mutex, PoisonError};

use tokio::sync::{Semaphore, SemaphorePermit};

/// A pooled connection: it tells when it is closed, and is then dropped, not reused.
pub(crate) trait Connection {
    fn is_closed(&self) -> bool;
}

/// At most `size` connections in use at once; idle ones wait to be leased again.
pub(crate) struct Pool<C> {
    idle: Mutex<Vec<C>>,
    permits: Permits,
}

/// How many more connections may be leased, and how a caller waits for one: a counter and
/// a condition variable for threads, a semaphore for tasks (which needs no runtime).
enum Permits {
    Blocking { free: Mutex<usize>, freed: Condvar },
    Async(Semaphore),
}

/// A permit taken, given back when the lease drops.
enum Permit<'p> {
    Blocking(&'p Mutex<usize>, &'p Condvar),
    Async(#[allow(dead_code, reason = "held for its drop")] SemaphorePermit<'p>),
}

/// The right to use one connection: an idle one, or none yet (the store opens one into
/// [`conn`](Lease::conn)). Dropping it returns the connection to the pool if it is open.
pub(crate) struct Lease<'p, C: Connection> {
    pool: &'p Pool<C>,
    pub(crate) conn: Option<C>,
    permit: Permit<'p>,
}

impl<C: Connection> Pool<C> {
    /// A pool for threads: [`lease_blocking`](Self::lease_blocking).
    pub(crate) fn blocking(size: usize) -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
            permits: Permits::Blocking {
                free: Mutex::new(size.max(1)),
                freed: Condvar::new(),
            },
        }
    }

    /// A pool for tasks: [`lease`](Self::lease).
    pub(crate) fn for_tasks(size: usize) -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
            permits: Permits::Async(Semaphore::new(size.max(1))),
        }
    }

    /// Waits for a free connection without blocking the thread.
    pub(crate) async fn lease(&self) -> Lease<'_, C> {
        let permit = match &self.permits {
            Permits::Async(semaphore) => match semaphore.acquire().await {
                Ok(permit) => Permit::Async(permit),
                Err(_) => unreachable!("the pool's semaphore is never closed"),
            },
            Permits::Blocking { .. } => unreachable!("a pool for threads is leased blocking"),
        };
        self.lease_with(permit)
    }

    /// Waits for a free connection, blocking the thread.
    pub(crate) fn lease_blocking(&self) -> Lease<'_, C> {
        let permit = match &self.permits {
            Permits::Blocking { free, freed } => {
                let mut count = free.lock().unwrap_or_else(PoisonError::into_inner);
                while *count == 0 {
                    count = freed.wait(count).unwrap_or_else(PoisonError::into_inner);
                }
                *count -= 1;
                Permit::Blocking(free, freed)
            }
            Permits::Async(_) => unreachable!("a pool for tasks is leased async"),
        };
        self.lease_with(permit)
    }

    fn lease_with<'p>(&'p self, permit: Permit<'p>) -> Lease<'p, C> {
        let conn = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        Lease {
            pool: self,
            conn,
            permit,
        }
    }
}

impl<C: Connection> Drop for Lease<'_, C> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take().filter(|c| !c.is_closed()) {
            let mut idle = self
                .pool
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            idle.push(conn);
        }
        if let Permit::Blocking(free, freed) = self.permit {
            *free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
            freed.notify_one();
        }
    }
}
