//! The checks one caller makes: the contract call by call, and tenants kept apart.

use medsched::store::{AsyncEventStore, Event, FeedEntry, StreamId};
use medsched::{Error, Id};

use crate::store::Breach;
use crate::store::probe::{Probe, event, march};

/// [`Check::Sequential`](crate::Check::Sequential), writing streams of `tenant`.
pub(crate) async fn sequential<S: AsyncEventStore + ?Sized>(
    p: &Probe<'_, S>,
    tenant: &Id,
) -> Result<(), Breach> {
    let monday = StreamId::new(tenant.clone(), march(2));
    let tuesday = StreamId::new(tenant.clone(), march(3));

    let empty = p.load(&monday).await?;
    p.expect(
        empty.version == 0 && empty.events.is_empty(),
        format_args!(
            "a stream never written is empty at version 0, got version {} with {} events",
            empty.version,
            empty.events.len()
        ),
    )?;

    let first = [event(tenant, "h-1"), event(tenant, "h-2")];
    let version = p.append(&monday, 0, &first).await?;
    p.expect(
        version == 2,
        format_args!("append of 2 events at version 0 returns the new version 2, got {version}"),
    )?;
    let loaded = p.load(&monday).await?;
    p.expect(
        loaded.version == 2 && loaded.events == first,
        format_args!(
            "load returns the events appended, in order, at version 2; got version {} with \
             {} events",
            loaded.version,
            loaded.events.len()
        ),
    )?;

    for stale in [0, 1, 5] {
        let refused = p
            .store
            .append(&monday, stale, &[event(tenant, "h-x")])
            .await;
        p.expect(
            matches!(refused, Err(Error::Conflict { expected, actual: 2, .. }) if expected == stale),
            format_args!(
                "an append at version {stale} to a stream at version 2 must be \
                 Error::Conflict {{ expected: {stale}, actual: 2 }}, got {refused:?}"
            ),
        )?;
    }
    let unchanged = p.load(&monday).await?;
    p.expect(
        unchanged.version == 2 && unchanged.events == first,
        format_args!(
            "a refused append changes nothing, but the stream is at version {} with {} events",
            unchanged.version,
            unchanged.events.len()
        ),
    )?;

    let version = p.append(&monday, 2, &[event(tenant, "h-3")]).await?;
    p.expect(
        version == 3,
        format_args!("a second append continues the version (3), got {version}"),
    )?;
    let all = [
        event(tenant, "h-1"),
        event(tenant, "h-2"),
        event(tenant, "h-3"),
    ];
    load_after(p, &monday, &all).await?;
    let other_day = p.load(&tuesday).await?;
    p.expect(
        other_day.version == 0,
        format_args!(
            "the day books of two dates are independent, but {tuesday} is at version {}",
            other_day.version
        ),
    )?;
    p.append(&tuesday, 0, &[event(tenant, "h-4")]).await?;

    token_queues(p, tenant, &monday).await?;
    feed(p, tenant, &monday, &tuesday).await
}

/// `load_after` gives the events after each version and the stream's version; none after
/// the last version or past it. `all` are the stream's events.
async fn load_after<S: AsyncEventStore + ?Sized>(
    p: &Probe<'_, S>,
    stream: &StreamId,
    all: &[Event],
) -> Result<(), Breach> {
    let version = all.len() as u64;
    for after in 0..=version + 2 {
        let since = p.load_after(stream, after).await?;
        let skip = usize::try_from(after).unwrap_or(usize::MAX).min(all.len());
        p.expect(
            since.version == version && since.events == all[skip..],
            format_args!(
                "load_after {after} of a stream at version {version} returns its {} events \
                 after version {after} and version {version}; got version {} with {} events",
                all.len() - skip,
                since.version,
                since.events.len()
            ),
        )?;
    }
    Ok(())
}

/// A doctor's token queue is not the day book of its date, nor another doctor's queue.
async fn token_queues<S: AsyncEventStore + ?Sized>(
    p: &Probe<'_, S>,
    tenant: &Id,
    day_book: &StreamId,
) -> Result<(), Breach> {
    let x = StreamId::tokens(tenant.clone(), "dr-x", day_book.date);
    let y = StreamId::tokens(tenant.clone(), "dr-y", day_book.date);
    let fresh = p.load(&x).await?;
    p.expect(
        fresh.version == 0,
        format_args!(
            "a doctor's token queue is not the day book of its date (key streams on doctor_id \
             too), but {x} is at version {}",
            fresh.version
        ),
    )?;
    let version = p.append(&x, 0, &[event(tenant, "q-1")]).await?;
    p.expect(
        version == 1,
        format_args!("append to a new token queue returns version 1, got {version}"),
    )?;
    let other = p.load_after(&y, 0).await?;
    p.expect(
        other.version == 0,
        format_args!(
            "the token queues of two doctors are independent, but {y} is at version {}",
            other.version
        ),
    )?;
    let book = p.load(day_book).await?;
    p.expect(
        book.version == 3,
        format_args!(
            "an append to a token queue leaves the day book of its date alone, but {day_book} \
             is at version {}, not 3",
            book.version
        ),
    )
}

/// The feed of what [`sequential`] wrote, read whole and in pages.
async fn feed<S: AsyncEventStore + ?Sized>(
    p: &Probe<'_, S>,
    tenant: &Id,
    monday: &StreamId,
    tuesday: &StreamId,
) -> Result<(), Breach> {
    let queue = StreamId::tokens(tenant.clone(), "dr-x", monday.date);
    let all = p.feed(tenant, 0, 100).await?;
    let positions: Vec<u64> = all.iter().map(|f| f.position).collect();
    p.expect(
        positions.len() == 5 && positions.windows(2).all(|w| w[0] < w[1]),
        format_args!(
            "the feed gives the tenant's 5 events with strictly increasing positions, got \
             positions {positions:?}"
        ),
    )?;
    let expected = [
        (monday, 1, "h-1"),
        (monday, 2, "h-2"),
        (monday, 3, "h-3"),
        (tuesday, 1, "h-4"),
        (&queue, 1, "q-1"),
    ];
    for (entry, (stream, version, id)) in all.iter().zip(expected) {
        p.expect(
            entry.stream == *stream && entry.version == version && entry.event == event(tenant, id),
            format_args!(
                "each feed entry names its stream and version, in append order: expected \
                 {stream} version {version}, got {} version {} (position {})",
                entry.stream, entry.version, entry.position
            ),
        )?;
    }

    let page = p.feed(tenant, positions[0], 2).await?;
    p.expect(
        page_positions(&page) == positions[1..3],
        format_args!(
            "feed(after = the first position, limit = 2) gives the second and third events \
             ({:?}), got {:?}",
            &positions[1..3],
            page_positions(&page)
        ),
    )?;
    let rest = p.feed(tenant, positions[2], 100).await?;
    p.expect(
        page_positions(&rest) == positions[3..],
        format_args!(
            "feed(after = the third position) gives the fourth and fifth events ({:?}), got {:?}",
            &positions[3..],
            page_positions(&rest)
        ),
    )?;
    let past_the_end = p.feed(tenant, positions[4], 100).await?;
    p.expect(
        past_the_end.is_empty(),
        format_args!(
            "feed(after = the last position) is empty, got positions {:?}",
            page_positions(&past_the_end)
        ),
    )?;
    let between = p.feed(tenant, positions[4] - 1, 100).await?;
    p.expect(
        page_positions(&between) == positions[4..],
        format_args!(
            "feed(after = the last position - 1) gives the last event, got positions {:?}",
            page_positions(&between)
        ),
    )
}

/// [`Check::TenantIsolation`](crate::Check::TenantIsolation): tenants `a` and `b` write
/// the day book and a doctor's queue of the same date; `c` writes nothing.
pub(crate) async fn tenant_isolation<S: AsyncEventStore + ?Sized>(
    p: &Probe<'_, S>,
    [a, b, c]: [Id; 3],
) -> Result<(), Breach> {
    let streams = |tenant: &Id| {
        [
            StreamId::new(tenant.clone(), march(2)),
            StreamId::tokens(tenant.clone(), "dr-x", march(2)),
        ]
    };
    let written = |tenant: &Id, stream: usize| -> Vec<Event> {
        (1..=stream + 2)
            .map(|k| event(tenant, format!("{tenant}-s{stream}-e{k}")))
            .collect()
    };
    for (i, stream) in streams(&a).iter().enumerate() {
        p.append(stream, 0, &written(&a, i)).await?;
    }
    for (i, stream) in streams(&b).iter().enumerate() {
        let before = p.load(stream).await?;
        p.expect(
            before.version == 0 && before.events.is_empty(),
            format_args!(
                "a tenant never sees another's stream, but {stream} holds {} events before its \
                 tenant wrote any (key streams on the tenant)",
                before.events.len()
            ),
        )?;
        let version = p.append(stream, 0, &written(&b, i)).await?;
        p.expect(
            version == (i + 2) as u64,
            format_args!(
                "an append to a tenant's new stream starts at version 0 whatever other tenants \
                 hold; {stream} is at {version}, not {}",
                i + 2
            ),
        )?;
    }
    for tenant in [&a, &b] {
        for (i, stream) in streams(tenant).iter().enumerate() {
            let loaded = p.load(stream).await?;
            p.expect(
                loaded.events == written(tenant, i),
                format_args!(
                    "a stream holds only its tenant's events: {stream} holds events of {:?}",
                    tenants(loaded.events.iter())
                ),
            )?;
            let since = p.load_after(stream, 1).await?;
            p.expect(
                since.events == written(tenant, i)[1..],
                format_args!(
                    "load_after reads only its tenant's stream: {stream} after version 1 \
                     holds events of {:?}",
                    tenants(since.events.iter())
                ),
            )?;
        }
        let feed = p.feed(tenant, 0, 100).await?;
        p.expect(
            feed.len() == 5
                && feed
                    .iter()
                    .all(|f| f.event.tenant == *tenant && f.stream.tenant == *tenant),
            format_args!(
                "a feed holds only its tenant's events: the feed of {tenant} holds {} events \
                 of {:?} (expected its own 5)",
                feed.len(),
                tenants(feed.iter().map(|f: &FeedEntry| &f.event))
            ),
        )?;
    }
    let nobody = p.feed(&c, 0, 100).await?;
    p.expect(
        nobody.is_empty(),
        format_args!(
            "the feed of a tenant that wrote nothing is empty, got {} events",
            nobody.len()
        ),
    )
}

/// [`Check::TenantKeys`](crate::Check::TenantKeys): tenant `a` writes a day book of 5
/// events; a token queue of doctor `""` is refused or apart; `b` writes 2 events, `a` 20
/// more, then `c` 2: `b` and `c` wrote the same, so their feeds have the same positions
/// (whatever the numbering: 1 and 2, or 17 and 27) unless positions count other tenants'.
pub(crate) async fn tenant_keys<S: AsyncEventStore + ?Sized>(
    p: &Probe<'_, S>,
    [a, b, c]: [Id; 3],
) -> Result<(), Breach> {
    let book = StreamId::new(a.clone(), march(2));
    let events: Vec<Event> = (1..=5).map(|k| event(&a, format!("{a}-e{k}"))).collect();
    p.append(&book, 0, &events).await?;
    let nameless = StreamId::tokens(a.clone(), "", march(2));
    // Refused (the store's choice: any error) or a stream of its own.
    if let Ok(queue) = p.store.load(&nameless).await {
        p.expect(
            queue.version == 0,
            format_args!(
                "a token queue of doctor \"\" is not the day book of its date, but {nameless} \
                 is at version {} (key streams so that no doctor id stands for the day book)",
                queue.version
            ),
        )?;
        if p.store
            .append(&nameless, 0, &[event(&a, "q-1")])
            .await
            .is_ok()
        {
            let after = p.load(&book).await?;
            p.expect(
                after.version == 5,
                format_args!(
                    "an append to the token queue of doctor \"\" leaves the day book alone, but \
                     {book} is at version {}",
                    after.version
                ),
            )?;
        }
    }
    let two_events = |tenant: &Id| -> Vec<Event> {
        (1..=2)
            .map(|k| event(tenant, format!("{tenant}-e{k}")))
            .collect()
    };
    p.append(&StreamId::new(b.clone(), march(2)), 0, &two_events(&b))
        .await?;
    let more: Vec<Event> = (6..=25).map(|k| event(&a, format!("{a}-e{k}"))).collect();
    p.append(&StreamId::new(a.clone(), march(3)), 0, &more)
        .await?;
    p.append(&StreamId::new(c.clone(), march(2)), 0, &two_events(&c))
        .await?;
    let (before, after) = (p.feed(&b, 0, 100).await?, p.feed(&c, 0, 100).await?);
    p.expect(
        before.len() == 2 && page_positions(&before) == page_positions(&after),
        format_args!(
            "feed positions count the tenant's own events only: {b} and {c} each wrote 2 \
             events, {c} after another tenant wrote 20 more, and their feeds have positions \
             {:?} and {:?} (a global sequence tells every tenant the others' volume: keep a \
             counter per tenant)",
            page_positions(&before),
            page_positions(&after)
        ),
    )
}

fn page_positions(page: &[FeedEntry]) -> Vec<u64> {
    page.iter().map(|f| f.position).collect()
}

/// The tenants of `events`, each once, in order of first appearance.
fn tenants<'e>(events: impl Iterator<Item = &'e Event>) -> Vec<&'e str> {
    let mut seen: Vec<&str> = Vec::new();
    for e in events {
        if !seen.contains(&e.tenant.as_str()) {
            seen.push(e.tenant.as_str());
        }
    }
    seen
}
