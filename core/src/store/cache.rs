//! Folded streams kept between commands, so that a service reads and folds only the events
//! appended since it last decided on a stream.

use std::sync::{Mutex, MutexGuard};

use rustc_hash::FxHashMap;

use crate::store::StreamId;

/// How many streams a token service keeps folded unless told otherwise: a clinic's doctors'
/// queues of a day or two.
pub(crate) const DEFAULT_CACHED_STREAMS: usize = 256;

/// The states of at most `capacity` streams, each with the version it is the fold of; the
/// least recently used one makes room for a new one.
///
/// A state is taken out while a command runs on it and put back after, so two commands on
/// one stream never share it: the second one (in another thread or task) finds nothing and
/// folds the stream itself. A state is only ever the fold of a stream's first `version`
/// events, which stay what they are (streams are only appended to), so a state put back is
/// never wrong, only behind; the expected-version append refuses a decision on a state
/// behind the stream, and the runner catches up and decides again.
#[derive(Debug)]
pub(crate) struct FoldCache<D> {
    capacity: usize,
    entries: Mutex<Entries<D>>,
}

#[derive(Debug)]
struct Entries<D> {
    states: FxHashMap<StreamId, Held<D>>,
    /// Counts uses: the entry with the lowest `used` is the least recently used.
    clock: u64,
}

#[derive(Debug)]
struct Held<D> {
    state: D,
    version: u64,
    used: u64,
}

impl<D> FoldCache<D> {
    /// A cache of at most `capacity` streams (0 keeps none: every command folds its stream).
    pub(crate) fn new(capacity: usize) -> Self {
        FoldCache {
            capacity,
            entries: Mutex::new(Entries {
                states: FxHashMap::default(),
                clock: 0,
            }),
        }
    }

    /// How many streams it keeps at most.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The entries, even if a thread panicked while holding them: every change is made in
    /// one step, so they are still whole.
    fn lock(&self) -> MutexGuard<'_, Entries<D>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes out the state of `stream` and its version, if it is kept.
    pub(crate) fn take(&self, stream: &StreamId) -> Option<(D, u64)> {
        let held = self.lock().states.remove(stream)?;
        Some((held.state, held.version))
    }

    /// Keeps `state`, the fold of `stream` at `version`, unless a state of a later version
    /// was put back meanwhile. When full, the least recently used stream is dropped: one
    /// pass over at most `capacity` entries.
    pub(crate) fn put(&self, stream: &StreamId, state: D, version: u64) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.lock();
        entries.clock += 1;
        let used = entries.clock;
        if let Some(held) = entries.states.get_mut(stream) {
            if held.version <= version {
                *held = Held {
                    state,
                    version,
                    used,
                };
            }
            return;
        }
        if entries.states.len() >= self.capacity {
            let oldest = entries
                .states
                .iter()
                .min_by_key(|(_, held)| held.used)
                .map(|(stream, _)| stream.clone());
            if let Some(oldest) = oldest {
                entries.states.remove(&oldest);
            }
        }
        entries.states.insert(
            stream.clone(),
            Held {
                state,
                version,
                used,
            },
        );
    }

    /// How many streams are kept now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().states.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(doctor: &str) -> StreamId {
        StreamId::tokens("clinic-1", doctor, "2026-03-02".parse().unwrap())
    }

    #[test]
    fn keeps_at_most_its_capacity_and_drops_the_least_recently_used() {
        let cache = FoldCache::new(2);
        cache.put(&stream("a"), "a", 1);
        cache.put(&stream("b"), "b", 1);
        let (a, version) = cache.take(&stream("a")).unwrap();
        cache.put(&stream("a"), a, version);
        cache.put(&stream("c"), "c", 1);
        assert_eq!(cache.len(), 2);
        assert!(cache.take(&stream("b")).is_none());
        assert_eq!(cache.take(&stream("a")), Some(("a", 1)));
        assert_eq!(cache.take(&stream("c")), Some(("c", 1)));
    }

    #[test]
    fn never_goes_back_to_an_older_version() {
        let cache = FoldCache::new(4);
        cache.put(&stream("a"), "later", 5);
        cache.put(&stream("a"), "earlier", 3);
        assert_eq!(cache.take(&stream("a")), Some(("later", 5)));
        assert!(cache.take(&stream("a")).is_none());
    }

    #[test]
    fn a_capacity_of_zero_keeps_nothing() {
        let cache = FoldCache::new(0);
        cache.put(&stream("a"), "a", 1);
        assert_eq!(cache.capacity(), 0);
        assert!(cache.take(&stream("a")).is_none());
    }
}
