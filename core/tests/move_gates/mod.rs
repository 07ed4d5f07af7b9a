//! The gates harness of `booking_move_gates.rs`: an in-memory store that pauses a named
//! thread before a load, or before or after an append, until the test lets it go; and the
//! checks every interleaving ends with.
#![allow(dead_code, reason = "a test file uses a part of the harness")]

use crate::booking_support::*;
use medsched::{booking::*, store::*, *};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Kind {
    BeforeLoad,
    BeforeAppend,
    AfterAppend,
}

pub type Pred = Box<dyn Fn(&StreamId, &[Event]) -> bool + Send>;

pub struct Gate {
    kind: Kind,
    thread: &'static str,
    pred: Pred,
    skip: usize,
    reached: Sender<()>,
    resume: Receiver<()>,
}

#[derive(Clone, Default)]
pub struct Gated {
    inner: Arc<InMemoryStore>,
    gates: Arc<Mutex<Vec<Gate>>>,
}

pub struct Pause {
    reached: Receiver<()>,
    resume: Sender<()>,
}
impl Pause {
    pub fn wait(&self) {
        self.reached
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("gate not reached");
    }
    pub fn go(&self) {
        self.resume.send(()).unwrap();
    }
}

impl Gated {
    pub fn gate(
        &self,
        kind: Kind,
        thread: &'static str,
        skip: usize,
        pred: impl Fn(&StreamId, &[Event]) -> bool + Send + 'static,
    ) -> Pause {
        let (rs, rr) = channel();
        let (gs, gr) = channel();
        self.gates.lock().unwrap().push(Gate {
            kind,
            thread,
            pred: Box::new(pred),
            skip,
            reached: rs,
            resume: gr,
        });
        Pause {
            reached: rr,
            resume: gs,
        }
    }
    fn check(&self, kind: Kind, s: &StreamId, e: &[Event]) {
        let name = thread::current().name().unwrap_or("").to_string();
        let gate = {
            let mut l = self.gates.lock().unwrap();
            let mut hit = None;
            for (i, g) in l.iter_mut().enumerate() {
                if g.kind == kind && g.thread == name && (g.pred)(s, e) {
                    if g.skip == 0 {
                        hit = Some(i);
                        break;
                    }
                    g.skip -= 1;
                }
            }
            hit.map(|i| l.remove(i))
        };
        if let Some(g) = gate {
            g.reached.send(()).unwrap();
            g.resume.recv().unwrap();
        }
    }
}

impl EventStore for Gated {
    fn load(&self, s: &StreamId) -> Result<LoadedStream> {
        self.check(Kind::BeforeLoad, s, &[]);
        self.inner.load(s)
    }
    fn append(&self, s: &StreamId, v: u64, e: &[Event]) -> Result<u64> {
        self.check(Kind::BeforeAppend, s, e);
        let r = self.inner.append(s, v, e)?;
        self.check(Kind::AfterAppend, s, e);
        Ok(r)
    }
    fn feed(&self, t: &Id, a: u64, l: usize) -> Result<Vec<FeedEntry>> {
        self.inner.feed(t, a, l)
    }
}

pub fn on(date: &'static str) -> impl Fn(&StreamId, &[Event]) -> bool {
    move |s, _| s.date == day(date)
}
pub fn copy_in(date: &'static str) -> impl Fn(&StreamId, &[Event]) -> bool {
    move |s, e| {
        s.date == day(date)
            && e.iter().any(|e| matches!(&e.change, Change::AppointmentBooked{appointment} if appointment.moved_from.is_some()))
    }
}
pub fn change(date: &'static str, name: &'static str) -> impl Fn(&StreamId, &[Event]) -> bool {
    move |s, e| s.date == day(date) && e.iter().any(|e| e.change.name() == name)
}

pub fn spawn<T: Send + 'static>(
    name: &'static str,
    store: &Gated,
    f: impl FnOnce(Bookings<Gated>, Schedule) -> T + Send + 'static,
) -> JoinHandle<T> {
    let b = Bookings::new(store.clone());
    thread::Builder::new()
        .name(name.into())
        .spawn(move || f(b, schedule(TENANT)))
        .unwrap()
}

pub fn setup(at_day: &'static str) -> (Bookings<Gated>, Schedule, Gated) {
    let sc = schedule(TENANT);
    let store = Gated::default();
    let b = Bookings::new(store.clone());
    b.book(
        &sc,
        &staff(),
        now(),
        book_req("a-1", "pat-1", at(at_day, "09:00")),
    )
    .unwrap();
    (b, sc, store)
}

pub fn mv(
    b: &Bookings<Gated>,
    sc: &Schedule,
    from: &'static str,
    to: &'static str,
    hm: &'static str,
) -> Result<Appointment> {
    b.reschedule(sc, &staff(), now(), day(from), "a-1", at(to, hm))
}

pub fn short(r: &Result<Appointment>) -> String {
    match r {
        Ok(a) => format!(
            "Ok({} {} {:?} moved_to={:?})",
            a.book_date,
            a.slot.start.format("%H:%M"),
            a.status,
            a.moved_to
        ),
        Err(e) => format!("Err({e})"),
    }
}

/// Dumps the state and checks I1 (occupying records) and I3 (lookups agree).
pub fn report(b: &Bookings<Gated>, sc: &Schedule, label: &str) -> (usize, Vec<String>) {
    println!("=== {label}");
    let mut occ = 0;
    let mut looks = Vec::new();
    for d in [SUN, MON, TUE, WED, THU] {
        let book = b.day(sc, day(d)).unwrap();
        let ev: Vec<_> = b
            .store()
            .inner
            .load(&StreamId::new(TENANT, day(d)))
            .unwrap()
            .events
            .iter()
            .map(|e| e.change.name())
            .collect();
        if let Some(a) = book.appointment("a-1") {
            if a.occupies() {
                occ += 1;
            }
            println!(
                "{d}: status={:?} {} from={:?}@{:?} to={:?} occ={} ev={ev:?}",
                a.status,
                a.slot.start.format("%H:%M"),
                a.moved_from,
                a.moved_from_version,
                a.moved_to,
                a.occupies()
            );
            let l = short(&b.appointment(sc, day(d), "a-1"));
            println!("    lookup from {d}: {l}");
            looks.push(l);
        }
    }
    println!(
        "occupying={occ}; lookups agree={}",
        looks.windows(2).all(|w| w[0] == w[1])
    );
    (occ, looks)
}

pub fn ok_state(b: &Bookings<Gated>, sc: &Schedule, label: &str, want_occ: usize) {
    let (occ, looks) = report(b, sc, label);
    assert_eq!(occ, want_occ, "I1");
    assert!(looks.windows(2).all(|w| w[0] == w[1]), "I3 agree");
    assert!(looks.iter().all(|l| l.starts_with("Ok")), "I3 found");
}
