//! The checks with writers at once: racing on one stream, and committing while a reader
//! pages through the feed. Each writer and the reader is one async function, run either on
//! threads (each with [`block_on`]) or as futures joined on one task.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Barrier;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use futures::executor::block_on;
use futures::future::{join, join_all};
use medsched::Id;
use medsched::chrono::Days;
use medsched::store::{AsyncEventStore, Event, FeedEntry, StreamId};

use crate::store::Breach;
use crate::store::probe::{Probe, appointment_id, event, march, yield_now};

/// How many entries the reader asks for at a time: small, so it pages often.
const PAGE: usize = 7;

/// How long the reader of the threaded feed check waits when it has caught up.
const IDLE: Duration = Duration::from_micros(200);

/// A racing or feed check: the store, the tenant it writes, how many writers and how many
/// events each appends.
pub(crate) struct Race<'s, S: ?Sized> {
    pub(crate) probe: Probe<'s, S>,
    pub(crate) tenant: Id,
    pub(crate) writers: usize,
    pub(crate) appends: usize,
}

/// The versions one racing writer won, each with the id of its event.
type Won = Vec<(u64, String)>;

/// [`Check::RacingAppends`](crate::Check::RacingAppends) with a thread per writer.
pub(crate) fn racing_appends_on_threads<S: AsyncEventStore + ?Sized>(
    race: &Race<'_, S>,
) -> Result<(), Breach> {
    let stream = race.raced_stream();
    let start = Barrier::new(race.writers);
    let won = thread::scope(|scope| {
        let writers: Vec<_> = (0..race.writers)
            .map(|w| {
                let (stream, start) = (&stream, &start);
                scope.spawn(move || {
                    start.wait();
                    block_on(race.racing_writer(stream, w))
                })
            })
            .collect();
        writers.into_iter().map(joined).collect::<Vec<_>>()
    });
    block_on(race.check_raced(&stream, won))
}

/// [`Check::RacingAppends`](crate::Check::RacingAppends) with the writers as futures
/// joined on one task.
pub(crate) async fn racing_appends_interleaved<S: AsyncEventStore + ?Sized>(
    race: &Race<'_, S>,
) -> Result<(), Breach> {
    let stream = race.raced_stream();
    let won = join_all((0..race.writers).map(|w| race.racing_writer(&stream, w))).await;
    race.check_raced(&stream, won).await
}

/// [`Check::FeedUnderConcurrentCommits`](crate::Check::FeedUnderConcurrentCommits) with a
/// thread per writer and one for the reader.
pub(crate) fn feed_on_threads<S: AsyncEventStore + ?Sized>(
    race: &Race<'_, S>,
) -> Result<(), Breach> {
    let finished = AtomicUsize::new(0);
    let start = Barrier::new(race.writers + 1);
    let (written, seen) = thread::scope(|scope| {
        let (finished, start) = (&finished, &start);
        let writers: Vec<_> = (0..race.writers)
            .map(|w| {
                scope.spawn(move || {
                    start.wait();
                    block_on(race.feed_writer(w, finished))
                })
            })
            .collect();
        let reader = scope.spawn(move || {
            start.wait();
            block_on(race.feed_reader(finished, || thread::sleep(IDLE)))
        });
        let written: Vec<_> = writers.into_iter().map(joined).collect();
        (written, joined(reader))
    });
    race.check_seen(written, seen)
}

/// [`Check::FeedUnderConcurrentCommits`](crate::Check::FeedUnderConcurrentCommits) with
/// the writers and the reader as futures joined on one task.
pub(crate) async fn feed_interleaved<S: AsyncEventStore + ?Sized>(
    race: &Race<'_, S>,
) -> Result<(), Breach> {
    let finished = AtomicUsize::new(0);
    let writers = join_all((0..race.writers).map(|w| race.feed_writer(w, &finished)));
    let (written, seen) = join(writers, race.feed_reader(&finished, || ())).await;
    race.check_seen(written, seen)
}

/// Counts a feed writer finished when dropped.
struct Finished<'a>(&'a AtomicUsize);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Release);
    }
}

/// A thread's result; a thread that panicked passes its panic on.
fn joined<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

impl<S: AsyncEventStore + ?Sized> Race<'_, S> {
    fn total(&self) -> usize {
        self.writers * self.appends
    }

    fn raced_stream(&self) -> StreamId {
        StreamId::new(self.tenant.clone(), march(2))
    }

    /// Writer `w` of the racing check: appends its events one by one to `stream`, each time
    /// loading the stream and appending at the version loaded, again on a conflict.
    async fn racing_writer(&self, stream: &StreamId, w: usize) -> Result<Won, Breach> {
        let p = &self.probe;
        let mut won = Vec::with_capacity(self.appends);
        for k in 0..self.appends {
            let id = format!("w{w}-e{k}");
            let mut moved_past = None;
            loop {
                let loaded = p.load(stream).await?;
                if let Some(conflicted) = moved_past {
                    p.expect(
                        loaded.version > conflicted,
                        format_args!(
                            "an append at version {conflicted} was refused as a conflict, but \
                             the stream was still at version {} when loaded again: a conflict \
                             means another writer appended first",
                            loaded.version
                        ),
                    )?;
                }
                yield_now().await;
                match p
                    .store
                    .append(stream, loaded.version, &[event(&self.tenant, id.as_str())])
                    .await
                {
                    Ok(version) => {
                        p.expect(
                            version == loaded.version + 1,
                            format_args!(
                                "an append of one event at version {} returns version {}, got \
                                 {version}",
                                loaded.version,
                                loaded.version + 1
                            ),
                        )?;
                        won.push((version, id));
                        break;
                    }
                    Err(e) if e.is_conflict() => moved_past = Some(loaded.version),
                    Err(e) => {
                        return Err(p.failed(
                            format_args!("append to {stream} at version {}", loaded.version),
                            e,
                        ));
                    }
                }
            }
        }
        Ok(won)
    }

    /// What the racing writers won against what the stream and the feed hold.
    async fn check_raced(
        &self,
        stream: &StreamId,
        won: Vec<Result<Won, Breach>>,
    ) -> Result<(), Breach> {
        let p = &self.probe;
        let total = self.total();
        let mut by_version: BTreeMap<u64, String> = BTreeMap::new();
        for (version, id) in won
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
        {
            if let Some(other) = by_version.insert(version, id.clone()) {
                return Err(p.breach(format!(
                    "version {version} was given to two appends ({other} and {id}): an append \
                     must succeed only if the stream is still at the expected version"
                )));
            }
        }
        p.expect(
            by_version.keys().copied().eq(1..=total as u64),
            format_args!(
                "{} writers appending {} events each won versions 1..={total} between them, \
                 but won {} distinct versions up to {:?}",
                self.writers,
                self.appends,
                by_version.len(),
                by_version.keys().last()
            ),
        )?;
        let loaded = p.load(stream).await?;
        p.expect(
            loaded.version == total as u64 && loaded.events.len() == total,
            format_args!(
                "after {total} appends won, the stream is at version {total} with {total} \
                 events, but it is at version {} with {} events",
                loaded.version,
                loaded.events.len()
            ),
        )?;
        for (version, (event, id)) in (1..).zip(loaded.events.iter().zip(by_version.values())) {
            p.expect(
                appointment_id(event) == Some(id.as_str()),
                format_args!(
                    "event {version} of the stream is the one whose append won version \
                     {version} ({id}), but it is {:?}",
                    appointment_id(event)
                ),
            )?;
        }
        let feed = self.whole_feed().await?;
        p.expect(
            feed.iter().map(|f| f.version).eq(1..=total as u64),
            format_args!(
                "the feed lists the stream's {total} events once each in version order, but \
                 lists versions {:?}",
                feed.iter().map(|f| f.version).collect::<Vec<_>>()
            ),
        )
    }

    /// The tenant's feed, every page of it. A feed whose positions do not move past
    /// `after` is a breach, not an endless read.
    async fn whole_feed(&self) -> Result<Vec<FeedEntry>, Breach> {
        let mut all: Vec<FeedEntry> = Vec::new();
        loop {
            let after = all.last().map_or(0, |f| f.position);
            let page = self.probe.feed(&self.tenant, after, 100).await?;
            if page.is_empty() {
                return Ok(all);
            }
            for entry in page {
                self.probe.expect(
                    entry.position > after
                        && all.last().is_none_or(|f| entry.position > f.position),
                    format_args!(
                        "positions strictly increase through the feed: a read after {after} \
                         gave position {}",
                        entry.position
                    ),
                )?;
                all.push(entry);
            }
        }
    }

    /// The stream writer `w` of the feed check appends to, its own however many writers
    /// there are: a doctor's token queue or a day book (from 2 March on), one of each by
    /// turns.
    fn feed_stream(&self, w: usize) -> StreamId {
        if w.is_multiple_of(2) {
            StreamId::tokens(self.tenant.clone(), format!("dr-{w}"), march(2))
        } else {
            let date = march(2)
                .checked_add_days(Days::new(w as u64))
                .unwrap_or_else(|| march(2));
            StreamId::new(self.tenant.clone(), date)
        }
    }

    /// Writer `w` of the feed check: appends its events to a stream of its own, one or two
    /// at a time, then counts itself `finished` (also when it fails or panics, so that the
    /// reader stops).
    async fn feed_writer(
        &self,
        w: usize,
        finished: &AtomicUsize,
    ) -> Result<Vec<(StreamId, Event)>, Breach> {
        let _done = Finished(finished);
        let p = &self.probe;
        let stream = self.feed_stream(w);
        let mut written: Vec<(StreamId, Event)> = Vec::with_capacity(self.appends);
        while written.len() < self.appends {
            let version = written.len() as u64;
            let batch: Vec<Event> = (written.len()..self.appends.min(written.len() + 1 + w % 2))
                .map(|k| event(&self.tenant, format!("w{w}-e{k}")))
                .collect();
            let after = p.append(&stream, version, &batch).await?;
            p.expect(
                after == version + batch.len() as u64,
                format_args!(
                    "an append of {} events at version {version} returns version {}, got \
                     {after}",
                    batch.len(),
                    version + batch.len() as u64
                ),
            )?;
            written.extend(batch.into_iter().map(|e| (stream.clone(), e)));
            yield_now().await;
        }
        Ok(written)
    }

    /// The reader of the feed check: pages through the feed, each time after the last
    /// position it saw, until every writer has finished and a page after that is empty.
    /// `idle` runs when it has caught up.
    async fn feed_reader(
        &self,
        finished: &AtomicUsize,
        idle: impl Fn(),
    ) -> Result<Vec<FeedEntry>, Breach> {
        let p = &self.probe;
        let mut seen: Vec<FeedEntry> = Vec::new();
        let mut after = 0;
        loop {
            let all_finished = finished.load(Ordering::Acquire) == self.writers;
            let page = p.feed(&self.tenant, after, PAGE).await?;
            p.expect(
                page.len() <= PAGE,
                format_args!(
                    "a feed page holds at most `limit` ({PAGE}) entries, got {}",
                    page.len()
                ),
            )?;
            if page.is_empty() {
                if all_finished {
                    return Ok(seen);
                }
                idle();
            }
            for entry in page {
                p.expect(
                    entry.position > after,
                    format_args!(
                        "positions strictly increase through the feed: a reader resuming after \
                         {after} got {} next",
                        entry.position
                    ),
                )?;
                after = entry.position;
                seen.push(entry);
            }
            yield_now().await;
        }
    }

    /// What the reader saw against what the writers wrote: each event once.
    fn check_seen(
        &self,
        written: Vec<Result<Vec<(StreamId, Event)>, Breach>>,
        seen: Result<Vec<FeedEntry>, Breach>,
    ) -> Result<(), Breach> {
        let p = &self.probe;
        let mut expected: BTreeMap<(String, u64), Event> = BTreeMap::new();
        for (stream, events) in written
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(|w| {
                let stream = w.first().map(|(s, _)| s.to_string()).unwrap_or_default();
                (stream, w.into_iter().map(|(_, e)| e))
            })
        {
            for (version, event) in (1..).zip(events) {
                expected.insert((stream.clone(), version), event);
            }
        }
        let mut once: BTreeSet<(String, u64)> = BTreeSet::new();
        for entry in seen? {
            let key = (entry.stream.to_string(), entry.version);
            p.expect(
                expected.get(&key) == Some(&entry.event),
                format_args!(
                    "feed entry at position {} names {} version {}, which holds another event \
                     or none",
                    entry.position, key.0, key.1
                ),
            )?;
            p.expect(
                once.insert(key.clone()),
                format_args!(
                    "the reader saw {} version {} twice (again at position {})",
                    key.0, key.1, entry.position
                ),
            )?;
        }
        let missed: Vec<&(String, u64)> =
            expected.keys().filter(|key| !once.contains(*key)).collect();
        p.expect(
            missed.is_empty(),
            format_args!(
                "a reader resuming after the last position it saw missed {} of {} events \
                 (first: {} version {}): an event became visible at a position lower than one \
                 already read, as with feed positions from a bare SQL sequence; commit \
                 positions in order or hold the feed below the lowest position in flight",
                missed.len(),
                expected.len(),
                missed.first().map_or("", |k| k.0.as_str()),
                missed.first().map_or(0, |k| k.1)
            ),
        )
    }
}
