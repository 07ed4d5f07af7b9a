//! Property tests of the token queue with several writers over one store: the random days
//! of `token_props.rs` (`token_model/`) run through three services, the writer of each
//! step drawn. Two keep their folded queues (one of them over a store that, when told to,
//! lets another desk issue a token right after a read, so that its append conflicts and it
//! catches up and decides again), one keeps none. Whichever writer acts, and whatever was
//! written behind its back, an accepted command's events are what `decide_token` gives on
//! the fold of the whole stream before them, a refusal is the one that fold gives, the queue
//! returned is the fold of the whole stream, and every service's queue ends equal to it.
//!
//! A test after the property pins the smallest case of a command made needless by another
//! desk's write.
//!
//! `PROPTEST_CASES=n` runs `n` cases instead of the default.

mod token_model;

use std::sync::{Arc, Mutex};

use chrono::Duration;
use medsched::{
    Id, store::Actor, store::Change, store::Event, store::EventStore, store::FeedEntry,
    store::InMemoryStore, store::LoadedStream, store::StreamId, tokens::Queue, tokens::QueueRules,
    tokens::TokenKind, tokens::TokenRequest, tokens::TokenSession, tokens::Tokens,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use token_model::{Case, EVENING, MORNING, Model, Step, arb_case, at, config, day};

// ---------------------------------------------------------------------------------------
// Interleaved writers
// ---------------------------------------------------------------------------------------

/// A store shared by the writers; when armed, the next read of it is followed by a walk-in
/// issued by another desk, before the reader appends.
struct Interjecting {
    inner: Arc<InMemoryStore>,
    armed: Mutex<Option<(QueueRules, chrono::DateTime<chrono::Utc>, String)>>,
}

impl Interjecting {
    fn interject(&self) {
        let armed = self.armed.lock().unwrap().take();
        if let Some((rules, now, id)) = armed {
            let desk = Tokens::new(self.inner.clone()).with_cached_queues(0);
            let walk_in = TokenRequest::new(id.clone(), TokenKind::WalkIn, id);
            // Refused or not, it is another desk's business.
            let _ = desk.issue(&day(), &rules, &Actor::staff("rcp-2"), now, walk_in);
        }
    }
}

impl EventStore for Interjecting {
    fn load(&self, stream: &StreamId) -> medsched::Result<LoadedStream> {
        let loaded = self.inner.load(stream);
        self.interject();
        loaded
    }

    fn load_after(&self, stream: &StreamId, after: u64) -> medsched::Result<LoadedStream> {
        let loaded = self.inner.load_after(stream, after);
        self.interject();
        loaded
    }

    fn append(&self, stream: &StreamId, expected: u64, events: &[Event]) -> medsched::Result<u64> {
        self.inner.append(stream, expected, events)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> medsched::Result<Vec<FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

/// The writers of one case.
struct Writers {
    store: Arc<InMemoryStore>,
    interjecting: Tokens<Arc<Interjecting>>,
    keeping: Tokens<Arc<InMemoryStore>>,
    folding: Tokens<Arc<InMemoryStore>>,
}

impl Writers {
    fn new() -> Self {
        let store = Arc::new(InMemoryStore::new());
        let interjecting = Arc::new(Interjecting {
            inner: store.clone(),
            armed: Mutex::new(None),
        });
        Writers {
            interjecting: Tokens::new(interjecting),
            keeping: Tokens::new(store.clone()),
            folding: Tokens::new(store.clone()).with_cached_queues(0),
            store,
        }
    }

    fn stored(&self) -> Vec<Event> {
        self.store.load(&day().stream()).unwrap().events
    }
}

fn run_interleaved(case: Case, writers: Vec<(usize, bool)>) -> Result<(), TestCaseError> {
    let w = Writers::new();
    let mut model = Model::new(case.rules.clone());
    let mut now = at(case.start);
    for (i, (step, &(writer, interject))) in
        case.steps.iter().zip(writers.iter().cycle()).enumerate()
    {
        let Step::Act(who, action) = step else {
            if let Step::Wait(minutes) = step {
                now += Duration::minutes(*minutes);
            }
            continue;
        };
        let (cmd, actor) = model.resolve(*who, action);
        model.step(&cmd, &actor, now);
        let command = cmd.command();
        let context = format!("step {i} by writer {writer} at {now}: {actor:?} {command:?}");
        let read = w.stored();
        let got = match writer {
            0 => {
                if interject {
                    *w.interjecting.store().armed.lock().unwrap() =
                        Some((case.rules.clone(), now, format!("x-{i}")));
                }
                w.interjecting
                    .execute(&day(), &case.rules, &actor, now, &command)
            }
            1 => w
                .keeping
                .execute(&day(), &case.rules, &actor, now, &command),
            _ => w
                .folding
                .execute(&day(), &case.rules, &actor, now, &command),
        };
        let stored = w.stored();
        let ctx = medsched::tokens::Context {
            rules: &case.rules,
            actor: &actor,
            now,
        };
        // What `decide_token` gives on the fold of `events`.
        let decide_on = |events: &[Event]| {
            medsched::tokens::decide(&Queue::from_events(events.to_vec()), &command, &ctx)
        };
        match got {
            Ok(update) => {
                // A command that changes nothing appends nothing: it answers with the stream
                // as first read (before another desk's issue), or, when its first decision
                // conflicted with that issue, as read again.
                let after = match update.events.is_empty() {
                    true => [&read, &stored]
                        .into_iter()
                        .find(|events| decide_on(events).is_ok_and(|changes| changes.is_empty()))
                        .ok_or_else(|| {
                            TestCaseError::fail(format!(
                                "{context}: appended nothing, but the full folds change the queue"
                            ))
                        })?,
                    false => &stored,
                };
                let before = &after[..after.len() - update.events.len()];
                let changes: Vec<Change> = decide_on(before)
                    .map_err(|e| {
                        TestCaseError::fail(format!(
                            "{context}: accepted, but the full fold refuses: {e}"
                        ))
                    })?
                    .into_iter()
                    .map(Change::Token)
                    .collect();
                let appended: Vec<Change> =
                    update.events.iter().map(|e| e.change.clone()).collect();
                prop_assert_eq!(appended, changes, "the events of {}", &context);
                prop_assert_eq!(
                    &stored[stored.len() - update.events.len()..],
                    &update.events[..],
                    "appended last: {}",
                    &context
                );
                prop_assert!(
                    update.queue == Queue::from_events(after.clone()),
                    "the queue after {}",
                    &context
                );
            }
            Err(refused) => {
                // A refusal appends nothing, so nothing checks it against later writes: it is
                // the one the stream gives as first read (before another desk's issue) or
                // as read again after a conflict.
                let codes: Vec<&str> = [&read, &stored]
                    .into_iter()
                    .filter_map(|events| decide_on(events).err())
                    .map(|e| e.code())
                    .collect();
                prop_assert!(
                    codes.contains(&refused.code()),
                    "{}: refused ({}), but the full folds give {:?}",
                    &context,
                    &refused,
                    codes
                );
                prop_assert!(
                    stored.len() - read.len() <= 1,
                    "a refusal appends nothing: {}",
                    &context
                );
            }
        }
    }
    let whole = Queue::from_events(w.stored());
    prop_assert!(w.interjecting.queue(&day()).unwrap() == whole);
    prop_assert!(w.keeping.queue(&day()).unwrap() == whole);
    prop_assert!(w.folding.queue(&day()).unwrap() == whole);
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// Several writers, two of them keeping folded queues, one written behind its back
    /// between its read and its append: every decision is the one the whole stream's fold
    /// gives.
    #[test]
    fn kept_queues_decide_as_the_whole_streams_fold(
        case in arb_case(),
        writers in prop::collection::vec((0..3usize, any::<bool>()), 1..=16),
    ) {
        run_interleaved(case, writers)?;
    }
}

// ---------------------------------------------------------------------------------------
// The smallest case
// ---------------------------------------------------------------------------------------

fn two_sessions() -> QueueRules {
    QueueRules::new(vec![
        TokenSession::new("morning", at(MORNING.0), at(MORNING.1)),
        TokenSession::new("evening", at(EVENING.0), at(EVENING.1)),
    ])
}

#[test]
fn a_move_that_another_desks_issue_makes_needless_appends_nothing() {
    let store = Arc::new(InMemoryStore::new());
    let interjecting = Arc::new(Interjecting {
        inner: store.clone(),
        armed: Mutex::new(None),
    });
    let tokens = Tokens::new(interjecting.clone());
    let rules = two_sessions();
    let desk = Actor::staff("rcp-1");
    for (id, patient) in [("e-1", "pat-1"), ("e-2", "pat-2")] {
        let request = TokenRequest {
            session_id: Some("evening".into()),
            ..TokenRequest::new(id, TokenKind::WalkIn, patient)
        };
        tokens.issue(&day(), &rules, &desk, at(0), request).unwrap();
    }
    // Right after the mover reads [1, 2], another desk issues a morning walk-in, which
    // lands ahead of the evening's tokens: token 1 is then already second.
    *interjecting.armed.lock().unwrap() = Some((rules.clone(), at(0), "m-1".into()));
    let update = tokens
        .execute(
            &day(),
            &rules,
            &desk,
            at(0),
            &medsched::tokens::TokenCommand::Move {
                number: 1,
                position: 2,
                reason: None,
            },
        )
        .unwrap();
    assert!(update.events.is_empty(), "appended {:?}", update.events);
    assert_eq!(update.queue.line(), [3, 1, 2]);
    assert!(update.queue == Queue::from_events(store.load(&day().stream()).unwrap().events));
}
