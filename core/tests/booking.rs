//! Given/when/then scenarios of holds, bookings and the appointment lifecycle, run through
//! `Bookings<InMemoryStore>`.
//!
//! Every call the [`World`] makes that succeeds is checked against a replay of the store:
//! `DayBook::from_events(store.load(..).events)` must hold exactly what the service returned.
//!
//! The clinic is in Europe/London, which is on UTC in early March 2026 (summer time starts
//! on 29 March), so every wall-clock time below is also its UTC time.

use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use medsched::{
    Actor, Appointment, AppointmentStatus, AppointmentType, BookRequest, BookingPolicy, Bookings,
    Change, Clinic, Collision, Command, DayBook, DoctorCalendar, Error, Event, EventStore, Hold,
    HoldRequest, HoldStatus, Id, InMemoryStore, Leave, LeaveStatus, Location, NotificationKind,
    PolicyRule, Result, Room, RuleKind, Schedule, Session, SlotClaim, StreamId, Unavailability,
    Unavailable, WeeklyTemplate,
};

const TENANT: &str = "clinic-1";

const SUN: &str = "2026-03-01";
const MON: &str = "2026-03-02";
const TUE: &str = "2026-03-03";
const WED: &str = "2026-03-04";
const THU: &str = "2026-03-05";
const FRI: &str = "2026-03-06";
const NEXT_MON: &str = "2026-03-09";

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// `hm` on `date`, wall clock (= UTC here).
fn at(date: &str, hm: &str) -> DateTime<Utc> {
    t(&format!("{date}T{hm}:00Z"))
}

/// Sunday 08:00, the day before most appointments: the usual `now`.
fn now() -> DateTime<Utc> {
    at(SUN, "08:00")
}

fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}

// ---------------------------------------------------------------------------------------
// Given: the clinic, its doctors and appointment types
// ---------------------------------------------------------------------------------------

fn clinic() -> Clinic {
    let mut main = Location::new("main", "Main clinic", "Europe/London");
    main.rooms.push(Room::new("r1", "Room 1", 1));
    Clinic {
        locations: vec![main],
        holidays: vec![medsched::Holiday::on(
            "founders-day",
            "Founders' day",
            day(FRI),
        )],
    }
}

/// Mon-Fri 09:00-12:00 at `main`, 15-minute slots, one patient at a time.
fn weekday_calendar(doctor: &str, room: Option<&str>) -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new(doctor);
    calendar.templates.push(WeeklyTemplate {
        room_id: room.map(Id::from),
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        sessions: vec![Session::new("09:00", "12:00").unwrap()],
        ..WeeklyTemplate::new(format!("{doctor}-opd"), "main")
    });
    calendar
}

/// Dr A, in room r1: on leave on Thursday, an audit (forced block) Wednesday 09:00-10:00
/// and a fire drill Wednesday 11:05-11:10, inside the 11:00 slot.
fn dr_a() -> DoctorCalendar {
    let mut calendar = weekday_calendar("dr-a", Some("r1"));
    calendar.leaves.push(Leave::new(
        "annual-leave",
        LeaveStatus::Approved,
        day(THU),
        day(THU),
    ));
    calendar.forced_blocks.push(Unavailability::new(
        "audit",
        at(WED, "09:00"),
        at(WED, "10:00"),
    ));
    calendar.forced_blocks.push(Unavailability::new(
        "fire-drill",
        at(WED, "11:05"),
        at(WED, "11:10"),
    ));
    calendar
}

/// Dr C sees two patients at once, in no room.
fn dr_c(max_parallel: u32) -> DoctorCalendar {
    let mut calendar = weekday_calendar("dr-c", None);
    calendar.settings.max_parallel = max_parallel;
    calendar
}

/// Dr Night: Monday 23:00-23:45, with 30 minutes kept free after each appointment.
fn dr_night() -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new("dr-night");
    calendar.settings.buffer_after_minutes = 30;
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon],
        sessions: vec![Session::new("23:00", "23:45").unwrap()],
        ..WeeklyTemplate::new("night", "main")
    });
    calendar
}

fn calendars() -> Vec<DoctorCalendar> {
    vec![
        dr_a(),
        // Dr B shares room r1 with Dr A.
        weekday_calendar("dr-b", Some("r1")),
        dr_c(2),
        dr_night(),
    ]
}

fn types() -> Vec<AppointmentType> {
    let with = |id: &str, policy: BookingPolicy| AppointmentType {
        policy,
        ..AppointmentType::new(id, 15)
    };
    vec![
        // The default policy: holds 10 (patient) / 30 (staff) / 60 (max) minutes, reminders
        // 24 h and 2 h ahead, 3 reschedules, no notice.
        AppointmentType::new("consult", 15),
        with(
            "review",
            BookingPolicy {
                requires_confirmation: true,
                ..BookingPolicy::default()
            },
        ),
        with(
            "limited",
            BookingPolicy {
                max_reschedules: Some(1),
                reschedule_notice_minutes: 120,
                cancel_notice_minutes: 24 * 60,
                ..BookingPolicy::default()
            },
        ),
        with(
            "fixed",
            BookingPolicy {
                allow_patient_reschedule: false,
                ..BookingPolicy::default()
            },
        ),
        AppointmentType {
            min_notice_minutes: 120,
            max_days_ahead: Some(7),
            ..AppointmentType::new("planned", 15)
        },
    ]
}

fn schedule(tenant: &str) -> Schedule {
    Schedule::new(tenant, &clinic(), &calendars(), &types()).unwrap()
}

fn pat1() -> Actor {
    Actor::patient("pat-1")
}

fn pat2() -> Actor {
    Actor::patient("pat-2")
}

fn staff() -> Actor {
    Actor::staff("rcp-1")
}

fn system() -> Actor {
    Actor::system("expiry-job")
}

/// A hold of a `consult` with Dr A.
fn hold_req(hold_id: &str, patient: &str, start: DateTime<Utc>) -> HoldRequest {
    HoldRequest {
        hold_id: hold_id.into(),
        patient_id: patient.into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start,
        minutes: None,
    }
}

/// A direct booking of a `consult` with Dr A.
fn book_req(appointment_id: &str, patient: &str, start: DateTime<Utc>) -> BookRequest {
    typed_req(appointment_id, patient, "consult", start)
}

/// A direct booking with Dr A of the given type.
fn typed_req(appointment_id: &str, patient: &str, kind: &str, start: DateTime<Utc>) -> BookRequest {
    BookRequest {
        appointment_id: appointment_id.into(),
        patient_id: patient.into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: kind.into(),
        start,
    }
}

// ---------------------------------------------------------------------------------------
// The world: the service, and a replay check after every successful call
// ---------------------------------------------------------------------------------------

/// The service over a fresh store, and the tenant's schedule. Its hold operations (extend,
/// release, book a hold) work on Monday's day book, where every hold of these tests lies.
struct World {
    bookings: Bookings<InMemoryStore>,
    schedule: Schedule,
}

fn world() -> World {
    World {
        bookings: Bookings::new(InMemoryStore::new()),
        schedule: schedule(TENANT),
    }
}

impl World {
    fn stream(&self, date: NaiveDate) -> StreamId {
        StreamId::new(self.schedule.tenant().clone(), date)
    }

    /// The events of a day book, as stored.
    fn events(&self, date: NaiveDate) -> Vec<Event> {
        self.bookings
            .store()
            .load(&self.stream(date))
            .unwrap()
            .events
    }

    /// The day book replayed from the store.
    fn replay(&self, date: NaiveDate) -> DayBook {
        DayBook::from_events(self.events(date))
    }

    #[track_caller]
    fn replayed_hold(&self, hold: Hold) -> Hold {
        let date = hold.book_date;
        assert_eq!(
            self.replay(date).hold(&hold.id),
            Some(&hold),
            "replay of hold"
        );
        hold
    }

    #[track_caller]
    fn replayed(&self, a: Appointment) -> Appointment {
        assert_eq!(
            self.replay(a.book_date).appointment(&a.id),
            Some(&a),
            "replay of appointment"
        );
        a
    }

    #[track_caller]
    fn execute(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        command: &Command,
    ) -> Result<(DayBook, Vec<Event>)> {
        let (book, events) = self
            .bookings
            .execute(&self.schedule, actor, now, date, command)?;
        assert_eq!(self.replay(date), book, "replay of the day book");
        Ok((book, events))
    }

    #[track_caller]
    fn hold(&self, actor: &Actor, now: DateTime<Utc>, request: HoldRequest) -> Result<Hold> {
        let hold = self.bookings.hold(&self.schedule, actor, now, request)?;
        Ok(self.replayed_hold(hold))
    }

    #[track_caller]
    fn extend(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        hold_id: &str,
        minutes: Option<u32>,
    ) -> Result<Hold> {
        let hold =
            self.bookings
                .extend_hold(&self.schedule, actor, now, day(MON), hold_id, minutes)?;
        Ok(self.replayed_hold(hold))
    }

    #[track_caller]
    fn release(&self, actor: &Actor, now: DateTime<Utc>, hold_id: &str) -> Result<Hold> {
        let hold = self
            .bookings
            .release_hold(&self.schedule, actor, now, day(MON), hold_id)?;
        Ok(self.replayed_hold(hold))
    }

    /// Expires the lapsed holds of Monday to Friday, as the system.
    #[track_caller]
    fn expire(&self, now: DateTime<Utc>) -> Result<Vec<Hold>> {
        let holds =
            self.bookings
                .expire_holds(&self.schedule, &system(), now, day(MON)..=day(FRI))?;
        Ok(holds.into_iter().map(|h| self.replayed_hold(h)).collect())
    }

    #[track_caller]
    fn book(&self, actor: &Actor, now: DateTime<Utc>, request: BookRequest) -> Result<Appointment> {
        let a = self.bookings.book(&self.schedule, actor, now, request)?;
        Ok(self.replayed(a))
    }

    #[track_caller]
    fn book_hold(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        hold_id: &str,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let a = self.bookings.book_hold(
            &self.schedule,
            actor,
            now,
            day(MON),
            hold_id,
            appointment_id,
        )?;
        Ok(self.replayed(a))
    }

    #[track_caller]
    fn update(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        date: &str,
        command: Command,
    ) -> Result<Appointment> {
        let a = self
            .bookings
            .update(&self.schedule, actor, now, day(date), &command)?;
        Ok(self.replayed(a))
    }

    #[track_caller]
    fn cancel(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        date: &str,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let a = self.bookings.cancel(
            &self.schedule,
            actor,
            now,
            day(date),
            appointment_id,
            Some("changed plans".into()),
        )?;
        Ok(self.replayed(a))
    }

    #[track_caller]
    fn reschedule(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        date: &str,
        appointment_id: &str,
        start: DateTime<Utc>,
    ) -> Result<Appointment> {
        let a = self.bookings.reschedule(
            &self.schedule,
            actor,
            now,
            day(date),
            appointment_id,
            start,
        )?;
        Ok(self.replayed(a))
    }

    /// The doctor's collisions from Monday to Friday, seen at [`now`].
    fn collisions(&self, doctor: &str) -> Vec<Collision> {
        self.bookings
            .collisions(&self.schedule, doctor, day(MON)..=day(FRI), now())
            .unwrap()
    }
}

// ---------------------------------------------------------------------------------------
// Expected refusals
// ---------------------------------------------------------------------------------------

#[track_caller]
fn refused<T: std::fmt::Debug>(result: Result<T>) -> Error {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(e) => e,
    }
}

fn unavailable(doctor: &str, start: DateTime<Utc>, reason: Unavailable) -> Error {
    Error::SlotUnavailable {
        doctor_id: doctor.into(),
        start,
        reason,
    }
}

fn closed(rule: RuleKind, rule_id: Option<&str>) -> Unavailable {
    Unavailable::Closed {
        rule,
        rule_id: rule_id.map(Id::from),
    }
}

fn policy(id: &str, action: &'static str, rule: PolicyRule) -> Error {
    Error::PolicyViolation {
        id: id.into(),
        action,
        rule,
    }
}

fn transition(kind: &'static str, id: &str, from: &'static str, action: &'static str) -> Error {
    Error::InvalidTransition {
        kind,
        id: id.into(),
        from,
        action,
    }
}

/// The code, field and problem code of an invalid-input refusal.
#[track_caller]
fn invalid(e: &Error) -> (&'static str, &str, &'static str) {
    (
        e.code(),
        e.field().expect("an invalid_input error"),
        e.problem().expect("an invalid_input error").code(),
    )
}

/// A change's `type`, as in JSON.
fn type_of(change: &Change) -> String {
    serde_json::to_value(change).unwrap()["type"]
        .as_str()
        .unwrap()
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// Holds
// ---------------------------------------------------------------------------------------

#[test]
fn a_patient_hold_lasts_the_patient_default_of_10_minutes() {
    let w = world();
    let hold = w
        .hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    assert_eq!(hold.expires_at, now() + minutes(10));
    assert_eq!(hold.status, HoldStatus::Held);
    assert_eq!(hold.placed_by, pat1());
    assert_eq!(hold.slot.doctor_id, "dr-a");
    assert_eq!(hold.slot.room_id.as_deref(), Some("r1"));
    assert_eq!(hold.slot.end, at(MON, "09:15"));
    assert_eq!(hold.book_date, day(MON));
}

#[test]
fn a_staff_hold_lasts_the_staff_default_of_30_minutes() {
    let w = world();
    let hold = w
        .hold(&staff(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    assert_eq!(hold.expires_at, now() + minutes(30));
    assert_eq!(hold.placed_by, staff());
}

#[test]
fn a_hold_may_ask_for_its_length() {
    let w = world();
    let request = HoldRequest {
        minutes: Some(45),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    let hold = w.hold(&pat1(), now(), request).unwrap();
    assert_eq!(hold.expires_at, now() + minutes(45));
}

#[test]
fn a_hold_of_zero_minutes_is_invalid_input() {
    let w = world();
    let request = HoldRequest {
        minutes: Some(0),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    let e = refused(w.hold(&pat1(), now(), request));
    assert_eq!(invalid(&e), ("invalid_input", "minutes", "not_positive"));
    assert!(w.events(day(MON)).is_empty());
}

#[test]
fn a_hold_longer_than_the_policy_allows_is_refused() {
    let w = world();
    let request = HoldRequest {
        minutes: Some(61),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    let e = refused(w.hold(&pat1(), now(), request));
    assert_eq!(
        e,
        policy("h-1", "hold", PolicyRule::HoldLimit { minutes: 60 })
    );
    assert_eq!(e.code(), "policy_violation");
}

#[test]
fn extending_a_hold_counts_from_now() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(5);
    let hold = w.extend(&pat1(), later, "h-1", None).unwrap();
    assert_eq!(hold.expires_at, later + minutes(10));
    let hold = w.extend(&pat1(), later, "h-1", Some(55)).unwrap();
    assert_eq!(
        hold.expires_at,
        now() + minutes(60),
        "exactly the longest hold"
    );
    let events = w.events(day(MON));
    assert_eq!(type_of(&events[1].change), "hold_extended");
    assert_eq!(events[1].change.topic(), "hold_extended");
}

#[test]
fn extending_a_hold_beyond_the_longest_hold_is_refused() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.extend(&pat1(), now() + minutes(5), "h-1", Some(56)));
    assert_eq!(
        e,
        policy("h-1", "extend", PolicyRule::HoldLimit { minutes: 60 })
    );
    // Staff too: the limit counts from the hold's placing. Extended to the full hour, the
    // hold cannot take a staff member's 30 minutes at +40.
    w.extend(&pat1(), now() + minutes(5), "h-1", Some(55))
        .unwrap();
    let e = refused(w.extend(&staff(), now() + minutes(40), "h-1", None));
    assert_eq!(
        e,
        policy("h-1", "extend", PolicyRule::HoldLimit { minutes: 60 })
    );
    let hold = w
        .extend(&staff(), now() + minutes(40), "h-1", Some(20))
        .unwrap();
    assert_eq!(hold.expires_at, now() + minutes(60));
    // A lapsed hold cannot be extended at all.
    let e = refused(w.extend(&staff(), now() + minutes(60), "h-1", Some(1)));
    assert_eq!(e, transition("hold", "h-1", "expired", "extend"));
}

#[test]
fn a_held_slot_may_be_booked_with_the_notice_it_had_when_held() {
    let w = world();
    let request = HoldRequest {
        appointment_type_id: "planned".into(),
        ..hold_req("h-1", "pat-1", at(MON, "09:00"))
    };
    // Exactly 120 minutes ahead when held.
    w.hold(&pat1(), at(MON, "07:00"), request).unwrap();
    let a = w
        .book_hold(&pat1(), at(MON, "07:09"), "h-1", "a-1")
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "09:00"));
    // Booked directly at that time, the slot would be too soon.
    let e = refused(w.book(
        &pat2(),
        at(MON, "07:09"),
        typed_req("a-2", "pat-2", "planned", at(MON, "09:00")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::TooSoon)
    );
}

#[test]
fn releasing_a_hold_frees_its_slot_and_releasing_it_again_is_refused() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let hold = w.release(&pat1(), now() + minutes(1), "h-1").unwrap();
    assert_eq!(hold.status, HoldStatus::Released);
    let e = refused(w.release(&pat1(), now() + minutes(2), "h-1"));
    assert_eq!(e, transition("hold", "h-1", "released", "release"));
    // The slot is free for another patient.
    w.book(
        &pat2(),
        now() + minutes(2),
        book_req("a-2", "pat-2", at(MON, "09:00")),
    )
    .unwrap();
}

#[test]
fn expire_holds_returns_exactly_the_lapsed_holds_and_they_stop_occupying() {
    let w = world();
    let t0 = now();
    // h-1 lapses at t0+10, h-2 (staff, 30 min) at t0+30, h-3 at t0+15; h-4 is released.
    w.hold(&pat1(), t0, hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.hold(&staff(), t0, hold_req("h-2", "pat-2", at(MON, "09:15")))
        .unwrap();
    w.hold(
        &pat1(),
        t0 + minutes(5),
        hold_req("h-3", "pat-1", at(MON, "09:30")),
    )
    .unwrap();
    w.hold(&pat1(), t0, hold_req("h-4", "pat-1", at(MON, "09:45")))
        .unwrap();
    w.release(&pat1(), t0 + minutes(1), "h-4").unwrap();

    assert!(w.expire(t0 + minutes(9)).unwrap().is_empty());
    let expired = w.expire(t0 + minutes(10)).unwrap();
    let ids: Vec<&str> = expired.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["h-1"], "a hold lapses at its expires_at");
    assert_eq!(expired[0].status, HoldStatus::Expired);
    assert!(
        w.expire(t0 + minutes(10)).unwrap().is_empty(),
        "expired once"
    );
    let expired = w.expire(t0 + minutes(20)).unwrap();
    let ids: Vec<&str> = expired.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["h-3"]);

    // The expired slots take bookings again; h-2 still blocks.
    let later = t0 + minutes(20);
    w.book(&pat2(), later, book_req("a-1", "pat-2", at(MON, "09:00")))
        .unwrap();
    w.book(&pat2(), later, book_req("a-3", "pat-2", at(MON, "09:30")))
        .unwrap();
    let e = refused(w.book(&pat1(), later, book_req("a-2", "pat-1", at(MON, "09:15"))));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:15"), Unavailable::Held));

    let types: Vec<String> = w
        .events(day(MON))
        .iter()
        .map(|e| type_of(&e.change))
        .collect();
    assert_eq!(
        types.iter().filter(|t| *t == "hold_expired").count(),
        2,
        "{types:?}"
    );
}

#[test]
fn a_lapsed_hold_stops_blocking_without_expire_holds() {
    let w = world();
    let t0 = now();
    w.hold(&pat1(), t0, hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(
        &pat2(),
        t0 + minutes(9),
        book_req("a-2", "pat-2", at(MON, "09:00")),
    ));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    let a = w
        .book(
            &pat2(),
            t0 + minutes(10),
            book_req("a-2", "pat-2", at(MON, "09:00")),
        )
        .unwrap();
    assert_eq!(a.patient_id, "pat-2");
    // The lapsed hold was never expired by an event.
    assert_eq!(
        w.replay(day(MON)).hold("h-1").unwrap().status,
        HoldStatus::Held
    );
}

// ---------------------------------------------------------------------------------------
// Booking
// ---------------------------------------------------------------------------------------

#[test]
fn a_direct_booking_is_confirmed_at_once() {
    let w = world();
    let a = w
        .book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.book_date, day(MON));
    assert_eq!(a.booked_at, now());
    assert_eq!(a.booked_by, pat1());
    assert_eq!(a.confirmed_at, Some(now()));
    assert_eq!(a.hold_id, None);
    assert_eq!(a.reschedule_count, 0);
    assert_eq!(a.reminder_minutes_before, [24 * 60, 120]);
    assert_eq!(
        (a.slot.start, a.slot.end),
        (at(MON, "09:00"), at(MON, "09:15"))
    );
}

#[test]
fn booking_a_hold_takes_its_own_seat() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    // Dr A and room r1 take one patient: the hold's own seat does not count against it.
    let a = w
        .book_hold(&pat1(), now() + minutes(3), "h-1", "a-1")
        .unwrap();
    assert_eq!(a.hold_id.as_deref(), Some("h-1"));
    assert_eq!(a.patient_id, "pat-1");
    assert_eq!(a.slot.start, at(MON, "09:00"));
    assert_eq!(a.booked_at, now() + minutes(3));
    let book = w.replay(day(MON));
    assert_eq!(book.hold("h-1").unwrap().status, HoldStatus::Booked);
    // The booked hold no longer lapses into a free slot.
    let e = refused(w.book(
        &pat2(),
        now() + minutes(30),
        book_req("a-2", "pat-2", at(MON, "09:00")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
}

#[test]
fn staff_may_book_a_patients_hold() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let a = w.book_hold(&staff(), now(), "h-1", "a-1").unwrap();
    assert_eq!(a.patient_id, "pat-1");
    assert_eq!(a.booked_by, staff());
}

#[test]
fn booking_an_expired_hold_is_refused() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    // Lapsed, not yet expired by the job.
    let e = refused(w.book_hold(&pat1(), now() + minutes(10), "h-1", "a-1"));
    assert_eq!(e, transition("hold", "h-1", "expired", "book"));
    // Expired by the job.
    w.expire(now() + minutes(11)).unwrap();
    let e = refused(w.book_hold(&pat1(), now() + minutes(11), "h-1", "a-1"));
    assert_eq!(e, transition("hold", "h-1", "expired", "book"));
}

#[test]
fn booking_a_released_or_booked_hold_is_refused() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.book_hold(&pat1(), now(), "h-1", "a-1").unwrap();
    let e = refused(w.book_hold(&pat1(), now(), "h-1", "a-2"));
    assert_eq!(e, transition("hold", "h-1", "booked", "book"));

    w.hold(&pat1(), now(), hold_req("h-2", "pat-1", at(MON, "09:15")))
        .unwrap();
    w.release(&pat1(), now(), "h-2").unwrap();
    let e = refused(w.book_hold(&pat1(), now(), "h-2", "a-2"));
    assert_eq!(e, transition("hold", "h-2", "released", "book"));
}

#[test]
fn a_patient_cannot_book_another_patients_hold() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book_hold(&pat2(), now(), "h-1", "a-1"));
    assert_eq!(e, policy("h-1", "book", PolicyRule::NotOwner));
    let e = refused(w.release(&pat2(), now(), "h-1"));
    assert_eq!(e, policy("h-1", "release", PolicyRule::NotOwner));
    let e = refused(w.extend(&pat2(), now(), "h-1", None));
    assert_eq!(e, policy("h-1", "extend", PolicyRule::NotOwner));
}

#[test]
fn a_patient_cannot_hold_or_book_for_another_patient() {
    let w = world();
    let e = refused(w.hold(&pat2(), now(), hold_req("h-1", "pat-1", at(MON, "09:00"))));
    assert_eq!(e, policy("h-1", "hold", PolicyRule::NotOwner));
    let e = refused(w.book(&pat2(), now(), book_req("a-1", "pat-1", at(MON, "09:00"))));
    assert_eq!(e, policy("a-1", "book", PolicyRule::NotOwner));
}

// ---------------------------------------------------------------------------------------
// Refusals say why
// ---------------------------------------------------------------------------------------

#[test]
fn a_booked_slot_is_refused_as_booked() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat2(), now(), book_req("a-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
    assert_eq!(e.code(), "slot_unavailable");
    let e = refused(w.hold(&pat2(), now(), hold_req("h-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
}

#[test]
fn a_held_slot_is_refused_as_held() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.hold(&pat2(), now(), hold_req("h-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    let e = refused(w.book(&pat2(), now(), book_req("a-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(e, unavailable("dr-a", at(MON, "09:00"), Unavailable::Held));
    assert_eq!(
        e.to_string(),
        "slot of dr-a at 2026-03-02 09:00:00 UTC is unavailable: held by another patient"
    );
}

#[test]
fn a_slot_on_leave_is_refused_with_the_leave() {
    let w = world();
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(THU, "09:00"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(THU, "09:00"),
            closed(RuleKind::Leave, Some("annual-leave"))
        )
    );
}

#[test]
fn a_slot_on_a_holiday_is_refused_with_the_holiday() {
    let w = world();
    let e = refused(w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(FRI, "10:00"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(FRI, "10:00"),
            closed(RuleKind::Holiday, Some("founders-day"))
        )
    );
}

#[test]
fn a_slot_under_a_forced_block_is_refused_with_the_block() {
    let w = world();
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(WED, "09:30"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(WED, "09:30"),
            closed(RuleKind::ForcedBlock, Some("audit"))
        )
    );
    // A block inside the slot (11:05-11:10 in the 11:00 slot) closes it too.
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(WED, "11:00"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(WED, "11:00"),
            closed(RuleKind::ForcedBlock, Some("fire-drill"))
        )
    );
    // Around the block the day is open.
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(WED, "10:00")))
        .unwrap();
}

#[test]
fn a_slot_outside_hours_is_refused_as_outside_hours() {
    let w = world();
    for start in [at(MON, "13:00"), at(MON, "08:45"), at(SUN, "10:00")] {
        let e = refused(w.book(&staff(), at(SUN, "07:00"), book_req("a-1", "pat-1", start)));
        assert_eq!(
            e,
            unavailable("dr-a", start, closed(RuleKind::OutsideHours, None)),
            "{start}"
        );
    }
    // The last slot of the session fits; one that would run past its end does not.
    w.book(&staff(), now(), book_req("a-1", "pat-1", at(MON, "11:45")))
        .unwrap();
}

#[test]
fn a_slot_within_the_minimum_notice_is_refused_as_too_soon() {
    let w = world();
    let now = at(MON, "08:00");
    let e = refused(w.book(
        &pat1(),
        now,
        typed_req("a-1", "pat-1", "planned", at(MON, "09:45")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:45"), Unavailable::TooSoon)
    );
    w.book(
        &pat1(),
        now,
        typed_req("a-1", "pat-1", "planned", at(MON, "10:00")),
    )
    .unwrap();
}

#[test]
fn a_slot_past_the_horizon_is_refused_as_too_far() {
    let w = world();
    // Sunday + 7 days = next Sunday: next Monday is too far.
    let e = refused(w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "planned", at(NEXT_MON, "09:00")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(NEXT_MON, "09:00"), Unavailable::TooFar)
    );
    // A day later, it is within reach.
    w.book(
        &pat1(),
        now() + Duration::days(1),
        typed_req("a-1", "pat-1", "planned", at(NEXT_MON, "09:00")),
    )
    .unwrap();
}

#[test]
fn an_off_grid_start_is_not_a_slot_start() {
    let w = world();
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:05"))));
    assert_eq!(invalid(&e), ("invalid_input", "start", "not_slot_start"));
    let e = refused(w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "10:10"))));
    assert_eq!(invalid(&e), ("invalid_input", "start", "not_slot_start"));
}

#[test]
fn an_unknown_doctor_or_type_is_not_found() {
    let w = world();
    let e = refused(w.book(
        &pat1(),
        now(),
        BookRequest {
            doctor_id: "dr-nobody".into(),
            ..book_req("a-1", "pat-1", at(MON, "09:00"))
        },
    ));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "doctor",
            id: "dr-nobody".into()
        }
    );
    let e = refused(w.hold(
        &pat1(),
        now(),
        HoldRequest {
            appointment_type_id: "surgery".into(),
            ..hold_req("h-1", "pat-1", at(MON, "09:00"))
        },
    ));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "appointment_type",
            id: "surgery".into()
        }
    );
    let e = refused(w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "surgery", at(MON, "09:00")),
    ));
    assert_eq!(e.code(), "not_found");
    let e = refused(w.book_hold(&pat1(), now(), "h-nothing", "a-1"));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "hold",
            id: "h-nothing".into()
        }
    );
    let e = refused(w.cancel(&pat1(), now(), MON, "a-nothing"));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "appointment",
            id: "a-nothing".into()
        }
    );
}

#[test]
fn a_duplicate_appointment_or_hold_id_is_invalid_input() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "10:00"))));
    assert_eq!(
        invalid(&e),
        ("invalid_input", "appointment_id", "duplicate_id")
    );
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "11:00")))
        .unwrap();
    let e = refused(w.book_hold(&pat1(), now(), "h-1", "a-1"));
    assert_eq!(
        invalid(&e),
        ("invalid_input", "appointment_id", "duplicate_id")
    );
    let e = refused(w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "11:15"))));
    assert_eq!(invalid(&e), ("invalid_input", "hold_id", "duplicate_id"));
}

#[test]
fn a_buffer_crossing_midnight_is_out_of_range() {
    let w = world();
    let night = |start| BookRequest {
        doctor_id: "dr-night".into(),
        ..book_req("a-1", "pat-1", start)
    };
    // 23:30-23:45 plus 30 minutes after ends at 00:15 on Tuesday.
    let e = refused(w.book(&pat1(), now(), night(at(MON, "23:30"))));
    assert_eq!(invalid(&e), ("invalid_input", "start", "out_of_range"));
    // 23:15-23:30 plus 30 ends exactly at midnight: inside Monday's book.
    let a = w.book(&pat1(), now(), night(at(MON, "23:15"))).unwrap();
    assert_eq!(a.slot.buffer_after_minutes, 30);
    assert_eq!(a.book_date, day(MON));
}

#[test]
fn a_start_on_another_day_than_the_book_is_out_of_range() {
    let w = world();
    let command = Command::Book {
        appointment_id: "a-1".into(),
        patient_id: "pat-1".into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start: at(TUE, "09:00"),
    };
    let e = refused(w.execute(&pat1(), now(), day(MON), &command));
    assert_eq!(invalid(&e), ("invalid_input", "start", "out_of_range"));
}

// ---------------------------------------------------------------------------------------
// Rooms
// ---------------------------------------------------------------------------------------

#[test]
fn a_shared_rooms_capacity_binds_across_doctors() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let dr_b = |id: &str, start| BookRequest {
        doctor_id: "dr-b".into(),
        ..book_req(id, "pat-2", start)
    };
    let e = refused(w.book(&pat2(), now(), dr_b("b-1", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable(
            "dr-b",
            at(MON, "09:00"),
            Unavailable::RoomFull {
                room_id: "r1".into()
            }
        )
    );
    // Next slot, the room is free again.
    let b = w
        .book(&pat2(), now(), dr_b("b-1", at(MON, "09:15")))
        .unwrap();
    assert_eq!(b.slot.room_id.as_deref(), Some("r1"));
    // And Dr A now meets Dr B's booking in the room.
    let e = refused(w.book(&pat1(), now(), book_req("a-2", "pat-1", at(MON, "09:15"))));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(MON, "09:15"),
            Unavailable::RoomFull {
                room_id: "r1".into()
            }
        )
    );
}

#[test]
fn a_hold_in_a_shared_room_blocks_the_other_doctor_as_held() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(
        &pat2(),
        now(),
        BookRequest {
            doctor_id: "dr-b".into(),
            ..book_req("b-1", "pat-2", at(MON, "09:00"))
        },
    ));
    assert_eq!(e, unavailable("dr-b", at(MON, "09:00"), Unavailable::Held));
}

// ---------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------

#[test]
fn a_type_needing_confirmation_starts_pending_for_patients_and_confirmed_for_staff() {
    let w = world();
    let a = w
        .book(
            &pat1(),
            now(),
            typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Pending);
    assert_eq!(a.confirmed_at, None);
    let b = w
        .book(
            &staff(),
            now(),
            typed_req("a-2", "pat-2", "review", at(MON, "09:15")),
        )
        .unwrap();
    assert_eq!(b.status, AppointmentStatus::Confirmed);
    assert_eq!(b.confirmed_at, Some(now()));

    let later = now() + minutes(30);
    let a = w
        .update(
            &staff(),
            later,
            MON,
            Command::Confirm {
                appointment_id: "a-1".into(),
            },
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
    assert_eq!(a.confirmed_at, Some(later));
    assert_eq!(a.updated_at, later);
}

#[test]
fn a_pending_appointment_may_be_declined_by_staff() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    let a = w
        .update(
            &staff(),
            now(),
            MON,
            Command::Decline {
                appointment_id: "a-1".into(),
                reason: Some("needs a referral".into()),
            },
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Declined);
    assert_eq!(a.ended_by, Some(staff()));
    assert_eq!(a.end_reason.as_deref(), Some("needs a referral"));
    // A declined appointment frees its slot.
    w.book(&pat2(), now(), book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
}

#[test]
fn confirm_and_decline_are_staff_only() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    let confirm = Command::Confirm {
        appointment_id: "a-1".into(),
    };
    let decline = Command::Decline {
        appointment_id: "a-1".into(),
        reason: None,
    };
    let e = refused(w.update(&pat1(), now(), MON, confirm));
    assert_eq!(e, policy("a-1", "confirm", PolicyRule::StaffOnly));
    let e = refused(w.update(&pat1(), now(), MON, decline));
    assert_eq!(e, policy("a-1", "decline", PolicyRule::StaffOnly));
    // The system may confirm.
    let a = w
        .update(
            &system(),
            now(),
            MON,
            Command::Confirm {
                appointment_id: "a-1".into(),
            },
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Confirmed);
}

/// The command of `action` on appointment `id`.
fn lifecycle_command(action: &str, id: &str) -> Command {
    let appointment_id: Id = id.into();
    match action {
        "confirm" => Command::Confirm { appointment_id },
        "decline" => Command::Decline {
            appointment_id,
            reason: None,
        },
        "cancel" => Command::Cancel {
            appointment_id,
            reason: None,
        },
        "complete" => Command::Complete { appointment_id },
        "mark_no_show" => Command::MarkNoShow { appointment_id },
        other => panic!("no action {other}"),
    }
}

#[test]
fn every_invalid_transition_is_refused_with_its_from_status() {
    let w = world();
    let staff = staff();
    let book = |id: &str, kind: &str, hm: &str| {
        w.book(&pat1(), now(), typed_req(id, "pat-1", kind, at(MON, hm)))
            .unwrap();
    };
    book("pending", "review", "09:00");
    book("confirmed", "consult", "09:15");
    book("declined", "review", "09:30");
    book("cancelled", "consult", "09:45");
    book("completed", "consult", "10:00");
    book("no_show", "consult", "10:15");
    let act = |action: &str, id: &str, at: DateTime<Utc>| {
        w.update(&staff, at, MON, lifecycle_command(action, id))
    };
    act("decline", "declined", now()).unwrap();
    act("cancel", "cancelled", now()).unwrap();
    act("complete", "completed", at(MON, "10:05")).unwrap();
    act("mark_no_show", "no_show", at(MON, "10:20")).unwrap();

    let statuses = [
        "pending",
        "confirmed",
        "declined",
        "cancelled",
        "completed",
        "no_show",
    ];
    let allowed: [(&'static str, &[&str]); 6] = [
        ("confirm", &["pending"]),
        ("decline", &["pending"]),
        ("cancel", &["pending", "confirmed"]),
        ("complete", &["confirmed"]),
        ("mark_no_show", &["confirmed"]),
        ("reschedule", &["pending", "confirmed"]),
    ];
    let late = at(MON, "11:00");
    let mut checked = 0;
    for (action, from) in allowed {
        for status in statuses.into_iter().filter(|s| !from.contains(s)) {
            let result = if action == "reschedule" {
                w.reschedule(&staff, late, MON, status, at(MON, "11:30"))
            } else {
                act(action, status, late)
            };
            assert_eq!(
                refused(result),
                transition("appointment", status, status, action),
                "{action} from {status}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 28, "36 pairs, 8 of them allowed");
    assert_eq!(w.events(day(MON)).len(), 10, "no refusal wrote anything");
}

#[test]
fn completing_or_marking_a_no_show_before_the_start_is_refused() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let before = at(MON, "08:59");
    for action in ["complete", "mark_no_show"] {
        let e = refused(w.update(&staff(), before, MON, lifecycle_command(action, "a-1")));
        assert_eq!(e, policy("a-1", action, PolicyRule::NotStarted));
        let e = refused(w.update(
            &pat1(),
            at(MON, "09:00"),
            MON,
            lifecycle_command(action, "a-1"),
        ));
        assert_eq!(e, policy("a-1", action, PolicyRule::StaffOnly));
    }
    // At the start it is allowed.
    let a = w
        .update(
            &staff(),
            at(MON, "09:00"),
            MON,
            lifecycle_command("complete", "a-1"),
        )
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Completed);
    // A completed appointment keeps its slot.
    let e = refused(w.book(&staff(), now(), book_req("a-2", "pat-2", at(MON, "09:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
}

// ---------------------------------------------------------------------------------------
// Reschedule
// ---------------------------------------------------------------------------------------

#[test]
fn a_same_day_reschedule_moves_the_slot_and_frees_the_old_one() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    let a = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "10:00"));
    assert_eq!(a.reschedule_count, 1);
    assert_eq!(a.updated_at, later);
    assert_eq!(a.status, AppointmentStatus::Confirmed);

    let events = w.events(day(MON));
    assert_eq!(events.len(), 2);
    match &events[1].change {
        Change::AppointmentRescheduled {
            appointment_id,
            from,
            to,
        } => {
            assert_eq!(appointment_id, "a-1");
            assert_eq!(from.start, at(MON, "09:00"));
            assert_eq!(to.start, at(MON, "10:00"));
        }
        other => panic!("expected appointment_rescheduled, got {other:?}"),
    }
    assert_eq!(events[1].actor, pat1());
    w.book(&pat2(), later, book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat2(), later, book_req("a-3", "pat-2", at(MON, "10:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "10:00"), Unavailable::Booked)
    );
}

#[test]
fn a_reschedule_may_overlap_its_own_old_slot() {
    let mut types = types();
    types.push(AppointmentType::new("long", 30));
    let w = World {
        bookings: Bookings::new(InMemoryStore::new()),
        schedule: Schedule::new(TENANT, &clinic(), &calendars(), &types).unwrap(),
    };
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "long", at(MON, "09:00")),
    )
    .unwrap();
    // 09:15-09:45 overlaps 09:00-09:30, the appointment's own time: it does not count.
    let a = w
        .reschedule(&pat1(), now(), MON, "a-1", at(MON, "09:15"))
        .unwrap();
    assert_eq!(a.slot.end, at(MON, "09:45"));
}

#[test]
fn a_reschedule_to_another_day_moves_the_appointment_between_day_books() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    let a = w
        .reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(a.book_date, day(TUE));
    assert_eq!(a.moved_from, Some(day(MON)));
    assert_eq!(a.moved_to, None);
    assert_eq!(a.reschedule_count, 1);
    assert_eq!(a.slot.start, at(TUE, "10:00"));
    assert_eq!(a.booked_at, now(), "the booking keeps its history");
    assert_eq!(a.updated_at, later);

    let tue = w.events(day(TUE));
    assert_eq!(tue.len(), 1);
    assert!(
        matches!(&tue[0].change, Change::AppointmentBooked { appointment } if appointment.moved_from == Some(day(MON)))
    );
    let mon = w.events(day(MON));
    assert_eq!(mon.len(), 2);
    match &mon[1].change {
        Change::AppointmentMovedOut {
            appointment_id,
            to_date,
            to,
        } => {
            assert_eq!(appointment_id, "a-1");
            assert_eq!(*to_date, day(TUE));
            assert_eq!(to, &a.slot);
        }
        other => panic!("expected appointment_moved_out, got {other:?}"),
    }
    let old = w.replay(day(MON));
    let old = old.appointment("a-1").unwrap();
    assert_eq!(old.moved_to, Some(day(TUE)));
    assert!(!old.occupies());

    // The appointment is found from its old date.
    let found = w
        .bookings
        .appointment(&w.schedule, day(MON), "a-1")
        .unwrap();
    assert_eq!(found, a);
    // Monday 09:00 is free again; Tuesday 10:00 is taken.
    w.book(&pat2(), later, book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat2(), later, book_req("a-3", "pat-2", at(TUE, "10:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(TUE, "10:00"), Unavailable::Booked)
    );

    // Cancelling with the old date cancels it on its new day.
    let c = w.cancel(&pat1(), later, MON, "a-1").unwrap();
    assert_eq!(c.status, AppointmentStatus::Cancelled);
    assert_eq!(c.book_date, day(TUE));
    w.book(&pat2(), later, book_req("a-3", "pat-2", at(TUE, "10:00")))
        .unwrap();
}

#[test]
fn a_reschedule_across_days_keeps_the_pending_status() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    let a = w
        .reschedule(&pat1(), now(), MON, "a-1", at(TUE, "09:00"))
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Pending);
    let confirmed = w
        .update(
            &staff(),
            now(),
            MON,
            Command::Confirm {
                appointment_id: "a-1".into(),
            },
        )
        .unwrap();
    assert_eq!(confirmed.book_date, day(TUE));
    assert_eq!(confirmed.status, AppointmentStatus::Confirmed);
}

#[test]
fn a_refused_reschedule_to_another_day_changes_nothing() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(THU, "09:00")));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(THU, "09:00"),
            closed(RuleKind::Leave, Some("annual-leave"))
        )
    );
    assert!(w.events(day(THU)).is_empty());
    assert_eq!(w.events(day(MON)).len(), 1);
}

#[test]
fn a_reschedule_back_to_the_original_day_is_allowed() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.reschedule(&pat1(), now(), MON, "a-1", at(TUE, "09:00"))
        .unwrap();
    let back = w
        .reschedule(&pat1(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(back.book_date, day(MON));
    assert_eq!(back.slot.start, at(MON, "10:00"));
    assert_eq!(back.reschedule_count, 2);
    let found = w
        .bookings
        .appointment(&w.schedule, day(MON), "a-1")
        .unwrap();
    assert_eq!(found, back);
}

#[test]
fn the_reschedule_limit_binds_everyone() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    w.reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    let limit = policy("a-1", "reschedule", PolicyRule::RescheduleLimit { max: 1 });
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(MON, "11:00")));
    assert_eq!(e, limit);
    let e = refused(w.reschedule(&staff(), now(), MON, "a-1", at(MON, "11:00")));
    assert_eq!(e, limit);
    // Across days too.
    let e = refused(w.reschedule(&staff(), now(), MON, "a-1", at(TUE, "11:00")));
    assert_eq!(e, limit);
    assert!(w.events(day(TUE)).is_empty());
}

#[test]
fn patients_may_not_reschedule_a_type_that_forbids_it() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "fixed", at(MON, "09:00")),
    )
    .unwrap();
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(MON, "10:00")));
    assert_eq!(
        e,
        policy("a-1", "reschedule", PolicyRule::PatientRescheduleNotAllowed)
    );
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(TUE, "10:00")));
    assert_eq!(
        e,
        policy("a-1", "reschedule", PolicyRule::PatientRescheduleNotAllowed)
    );
    let a = w
        .reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "10:00"));
}

#[test]
fn a_patient_reschedule_needs_notice_and_staff_are_exempt() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    // 90 minutes before, where 120 are asked.
    let late = at(MON, "07:30");
    let e = refused(w.reschedule(&pat1(), late, MON, "a-1", at(MON, "10:00")));
    assert_eq!(
        e,
        policy(
            "a-1",
            "reschedule",
            PolicyRule::RescheduleNotice { minutes: 120 }
        )
    );
    // Exactly 120 minutes before is enough.
    w.reschedule(&pat1(), at(MON, "07:00"), MON, "a-1", at(MON, "10:00"))
        .unwrap();

    w.book(
        &pat1(),
        now(),
        typed_req("a-2", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    let a = w
        .reschedule(&staff(), late, MON, "a-2", at(MON, "11:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "11:00"));
}

#[test]
fn a_patient_cannot_reschedule_or_cancel_another_patients_appointment() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.reschedule(&pat2(), now(), MON, "a-1", at(MON, "10:00")));
    assert_eq!(e, policy("a-1", "reschedule", PolicyRule::NotOwner));
    let e = refused(w.cancel(&pat2(), now(), MON, "a-1"));
    assert_eq!(e, policy("a-1", "cancel", PolicyRule::NotOwner));
}

// ---------------------------------------------------------------------------------------
// Cancel
// ---------------------------------------------------------------------------------------

#[test]
fn a_patient_cancel_within_the_cancel_notice_is_refused() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    // 23 hours ahead, where 24 are asked.
    let e = refused(w.cancel(&pat1(), at(SUN, "10:00"), MON, "a-1"));
    assert_eq!(
        e,
        policy("a-1", "cancel", PolicyRule::CancelNotice { minutes: 1440 })
    );
    // Exactly 24 hours ahead is enough.
    let a = w.cancel(&pat1(), at(SUN, "09:00"), MON, "a-1").unwrap();
    assert_eq!(a.status, AppointmentStatus::Cancelled);
    assert_eq!(a.ended_by, Some(pat1()));
    assert_eq!(a.end_reason.as_deref(), Some("changed plans"));
}

#[test]
fn staff_may_cancel_within_the_cancel_notice() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    let late = at(MON, "08:59");
    let a = w.cancel(&staff(), late, MON, "a-1").unwrap();
    assert_eq!(a.status, AppointmentStatus::Cancelled);
    assert_eq!(a.ended_by, Some(staff()));
    assert_eq!(a.updated_at, late);
    // The slot is free again.
    w.book(&staff(), late, book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
    // Cancelling twice is a transition from cancelled.
    let e = refused(w.cancel(&staff(), late, MON, "a-1"));
    assert_eq!(e, transition("appointment", "a-1", "cancelled", "cancel"));
}

// ---------------------------------------------------------------------------------------
// Collisions
// ---------------------------------------------------------------------------------------

#[test]
fn collisions_list_the_appointments_new_closures_cover() {
    let mut w = world();
    for (id, hm) in [("a-1", "09:00"), ("a-2", "10:00"), ("a-3", "11:00")] {
        w.book(&staff(), now(), book_req(id, "pat-1", at(MON, hm)))
            .unwrap();
    }
    assert!(w.collisions("dr-a").is_empty());

    let mut calendar = dr_a();
    calendar.leaves.push(Leave {
        start_time: Some("09:00".parse().unwrap()),
        end_time: Some("09:30".parse().unwrap()),
        ..Leave::new("sick-morning", LeaveStatus::Approved, day(MON), day(MON))
    });
    calendar.forced_blocks.push(Unavailability::new(
        "board-meeting",
        at(MON, "10:10"),
        at(MON, "10:40"),
    ));
    w.schedule.set_calendar(&calendar).unwrap();

    let found = w.collisions("dr-a");
    let got: Vec<(&str, &Unavailable)> = found
        .iter()
        .map(|c| (c.appointment.id.as_str(), &c.reason))
        .collect();
    assert_eq!(
        got,
        [
            ("a-1", &closed(RuleKind::Leave, Some("sick-morning"))),
            ("a-2", &closed(RuleKind::ForcedBlock, Some("board-meeting"))),
        ]
    );
    assert_eq!(found[0].appointment.status, AppointmentStatus::Confirmed);
    // Nothing was changed by the new rules.
    assert_eq!(w.events(day(MON)).len(), 3);
    // Other doctors have no collisions.
    assert!(w.collisions("dr-b").is_empty());
}

#[test]
fn collisions_skip_cancelled_and_past_appointments() {
    let mut w = world();
    w.book(&staff(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.book(&staff(), now(), book_req("a-2", "pat-1", at(MON, "09:15")))
        .unwrap();
    w.cancel(&staff(), now(), MON, "a-2").unwrap();
    let mut calendar = dr_a();
    calendar
        .leaves
        .push(Leave::new("off", LeaveStatus::Approved, day(MON), day(MON)));
    w.schedule.set_calendar(&calendar).unwrap();
    let ids: Vec<Id> = w
        .collisions("dr-a")
        .into_iter()
        .map(|c| c.appointment.id)
        .collect();
    assert_eq!(ids, ["a-1"]);
    let after = w
        .bookings
        .collisions(&w.schedule, "dr-a", day(MON)..=day(MON), at(MON, "09:15"))
        .unwrap();
    assert!(after.is_empty(), "a-1 has ended: {after:?}");
}

#[test]
fn a_reduced_capacity_lists_the_later_booking() {
    let mut w = world();
    let with_dr_c = |id: &str, patient: &str, hm: &str| BookRequest {
        doctor_id: "dr-c".into(),
        ..book_req(id, patient, at(MON, hm))
    };
    w.book(&staff(), now(), with_dr_c("c-1", "pat-1", "09:00"))
        .unwrap();
    w.book(&staff(), now(), with_dr_c("c-2", "pat-2", "09:00"))
        .unwrap();
    w.book(&staff(), now(), with_dr_c("c-3", "pat-3", "10:00"))
        .unwrap();
    let e = refused(w.book(&staff(), now(), with_dr_c("c-4", "pat-4", "09:00")));
    assert_eq!(
        e,
        unavailable("dr-c", at(MON, "09:00"), Unavailable::Booked)
    );
    assert!(w.collisions("dr-c").is_empty());

    w.schedule.set_calendar(&dr_c(1)).unwrap();
    let found = w.collisions("dr-c");
    let got: Vec<(&str, &Unavailable)> = found
        .iter()
        .map(|c| (c.appointment.id.as_str(), &c.reason))
        .collect();
    assert_eq!(got, [("c-2", &Unavailable::Booked)]);
}

// ---------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------

fn all_notifications(w: &World) -> Vec<(String, NotificationKind, DateTime<Utc>)> {
    w.bookings
        .notifications(
            &w.schedule,
            day(MON)..=day(FRI),
            t("2026-01-01T00:00:00Z"),
            t("2026-12-31T00:00:00Z"),
        )
        .unwrap()
        .into_iter()
        .map(|n| (n.appointment_id.to_string(), n.kind, n.send_at))
        .collect()
}

fn reminder(minutes_before: u32) -> NotificationKind {
    NotificationKind::Reminder { minutes_before }
}

#[test]
fn a_booking_is_confirmed_at_once_and_reminded_24h_and_2h_ahead() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let all = w
        .bookings
        .notifications(
            &w.schedule,
            day(MON)..=day(MON),
            t("2026-01-01T00:00:00Z"),
            t("2026-12-31T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].id, "a-1/booking_confirmed/2026-03-01T08:00:00+00:00");
    assert_eq!(all[0].patient_id, "pat-1");
    assert_eq!(all[0].doctor_id, "dr-a");
    assert_eq!(all[0].start, at(MON, "09:00"));
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingConfirmed, now()),
            ("a-1".into(), reminder(1440), at(SUN, "09:00")),
            ("a-1".into(), reminder(120), at(MON, "07:00")),
        ]
    );
}

#[test]
fn no_reminder_is_due_whose_time_had_passed_at_booking() {
    let w = world();
    w.book(
        &pat1(),
        at(SUN, "10:00"),
        book_req("a-1", "pat-1", at(MON, "09:00")),
    )
    .unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            (
                "a-1".into(),
                NotificationKind::BookingConfirmed,
                at(SUN, "10:00")
            ),
            ("a-1".into(), reminder(120), at(MON, "07:00")),
        ]
    );
}

#[test]
fn a_pending_booking_is_received_and_reminded_once_confirmed() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    assert_eq!(
        all_notifications(&w),
        [("a-1".into(), NotificationKind::BookingReceived, now())]
    );
    let confirmed_at = at(SUN, "12:00");
    w.update(
        &staff(),
        confirmed_at,
        MON,
        Command::Confirm {
            appointment_id: "a-1".into(),
        },
    )
    .unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingReceived, now()),
            (
                "a-1".into(),
                NotificationKind::BookingConfirmed,
                confirmed_at
            ),
            ("a-1".into(), reminder(120), at(MON, "07:00")),
        ]
    );
}

#[test]
fn a_cancelled_appointment_is_notified_and_not_reminded() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    w.cancel(&pat1(), later, MON, "a-1").unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingConfirmed, now()),
            ("a-1".into(), NotificationKind::Cancelled, later),
        ]
    );
}

#[test]
fn a_declined_appointment_is_notified() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    w.update(&staff(), now(), MON, lifecycle_command("decline", "a-1"))
        .unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingReceived, now()),
            ("a-1".into(), NotificationKind::Declined, now()),
        ]
    );
}

#[test]
fn a_rescheduled_appointment_is_reminded_at_its_new_time() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    w.reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    let all = w
        .bookings
        .notifications(
            &w.schedule,
            day(MON)..=day(MON),
            t("2026-01-01T00:00:00Z"),
            t("2026-12-31T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(all[1].kind, NotificationKind::Rescheduled);
    assert_eq!(all[1].start, at(MON, "10:00"));
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingConfirmed, now()),
            ("a-1".into(), NotificationKind::Rescheduled, later),
            ("a-1".into(), reminder(1440), at(SUN, "10:00")),
            ("a-1".into(), reminder(120), at(MON, "08:00")),
        ]
    );
}

#[test]
fn an_appointment_moved_to_another_day_is_reminded_there() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    w.reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingConfirmed, now()),
            ("a-1".into(), NotificationKind::Rescheduled, later),
            ("a-1".into(), reminder(1440), at(MON, "10:00")),
            ("a-1".into(), reminder(120), at(TUE, "08:00")),
        ]
    );
}

#[test]
fn the_notification_window_is_after_exclusive_until_inclusive() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let due = |after: DateTime<Utc>, until: DateTime<Utc>| -> Vec<NotificationKind> {
        w.bookings
            .notifications(&w.schedule, day(MON)..=day(MON), after, until)
            .unwrap()
            .into_iter()
            .map(|n| n.kind)
            .collect()
    };
    // Booking confirmed at 08:00 sits exactly on `after`: not due; the 24 h reminder at 09:00
    // sits exactly on `until`: due.
    assert_eq!(due(now(), at(SUN, "09:00")), [reminder(1440)]);
    assert_eq!(
        due(now() - minutes(1), at(SUN, "09:00")),
        [NotificationKind::BookingConfirmed, reminder(1440)]
    );
    assert_eq!(due(now(), at(SUN, "08:59")), []);
    assert_eq!(due(at(SUN, "09:00"), at(MON, "07:00")), [reminder(120)]);
    // A bad range is refused.
    let e = refused(w.bookings.notifications(
        &w.schedule,
        day(TUE)..=day(MON),
        now(),
        at(MON, "07:00"),
    ));
    assert_eq!(e.code(), "invalid_input");
}

// ---------------------------------------------------------------------------------------
// Change feed
// ---------------------------------------------------------------------------------------

#[test]
fn the_feed_is_gapless_and_names_each_changes_topic() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.extend(&pat1(), now(), "h-1", Some(20)).unwrap();
    w.release(&pat1(), now(), "h-1").unwrap();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(TUE, "09:00")))
        .unwrap();
    w.hold(&pat2(), now(), hold_req("h-2", "pat-2", at(MON, "09:15")))
        .unwrap();
    w.expire(now() + minutes(10)).unwrap();
    w.reschedule(&pat1(), now(), TUE, "a-1", at(TUE, "10:00"))
        .unwrap();
    w.cancel(&pat1(), now(), TUE, "a-1").unwrap();
    w.book(
        &staff(),
        now(),
        typed_req("a-2", "pat-2", "review", at(MON, "11:00")),
    )
    .unwrap();
    w.update(
        &staff(),
        at(MON, "11:00"),
        MON,
        lifecycle_command("complete", "a-2"),
    )
    .unwrap();

    let feed = w.bookings.feed(&w.schedule, 0, 100).unwrap();
    let positions: Vec<u64> = feed.iter().map(|f| f.position).collect();
    assert_eq!(positions, (1..=10).collect::<Vec<u64>>());
    let topics: Vec<&str> = feed.iter().map(|f| f.event.change.topic()).collect();
    assert_eq!(
        topics,
        [
            "hold_created",
            "hold_extended",
            "hold_released",
            "slot_booked",
            "hold_created",
            "hold_released",
            "slot_availability_changed",
            "slot_availability_changed",
            "slot_booked",
            "appointment_updated",
        ]
    );
    let streams: Vec<(NaiveDate, u64)> = feed.iter().map(|f| (f.stream.date, f.version)).collect();
    assert_eq!(
        streams,
        [
            (day(MON), 1),
            (day(MON), 2),
            (day(MON), 3),
            (day(TUE), 1),
            (day(MON), 4),
            (day(MON), 5),
            (day(TUE), 2),
            (day(TUE), 3),
            (day(MON), 6),
            (day(MON), 7),
        ]
    );
    assert!(feed.iter().all(|f| f.stream.tenant == TENANT));
    // Each entry is the stored event.
    for f in &feed {
        assert_eq!(w.events(f.stream.date)[f.version as usize - 1], f.event);
    }
    // Reading on from a position.
    let page = w.bookings.feed(&w.schedule, 2, 3).unwrap();
    let positions: Vec<u64> = page.iter().map(|f| f.position).collect();
    assert_eq!(positions, [3, 4, 5]);
    assert_eq!(page, feed[2..5]);
    assert!(w.bookings.feed(&w.schedule, 10, 100).unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// Concurrent writers
// ---------------------------------------------------------------------------------------

/// When another writer appends `event` to `target`: just before (`Before`) or just after
/// (`After`) the service's next append to `trigger`.
enum When {
    Before,
    After,
}

/// An in-memory store with one planned interference by another writer.
struct Interfering {
    inner: InMemoryStore,
    plan: std::sync::Mutex<Option<(When, StreamId, StreamId, Event)>>,
}

impl Interfering {
    fn new() -> Self {
        Interfering {
            inner: InMemoryStore::new(),
            plan: std::sync::Mutex::new(None),
        }
    }

    fn plan(&self, when: When, trigger: StreamId, target: StreamId, event: Event) {
        *self.plan.lock().unwrap() = Some((when, trigger, target, event));
    }

    fn interfere(&self, target: &StreamId, event: Event) -> Result<()> {
        let version = self.inner.load(target)?.version;
        self.inner.append(target, version, &[event]).map(|_| ())
    }

    fn take(&self, when: &When, stream: &StreamId) -> Option<(StreamId, Event)> {
        let mut plan = self.plan.lock().unwrap();
        let due = plan.as_ref().is_some_and(|(w, trigger, ..)| {
            trigger == stream
                && matches!(
                    (w, when),
                    (When::Before, When::Before) | (When::After, When::After)
                )
        });
        if !due {
            return None;
        }
        plan.take().map(|(_, _, target, event)| (target, event))
    }
}

impl EventStore for Interfering {
    fn load(&self, stream: &StreamId) -> Result<medsched::LoadedStream> {
        self.inner.load(stream)
    }

    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64> {
        if let Some((target, event)) = self.take(&When::Before, stream) {
            self.interfere(&target, event)?;
        }
        let version = self.inner.append(stream, expected_version, events)?;
        if let Some((target, event)) = self.take(&When::After, stream) {
            self.interfere(&target, event)?;
        }
        Ok(version)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<medsched::FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

#[test]
fn a_writer_that_loses_the_race_is_refused_after_a_retry() {
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(Interfering::new());
    let stream = StreamId::new(TENANT, day(MON));
    // Pat 2 books Monday 09:00 between Pat 1's load and append.
    let ctx = medsched::Context {
        schedule: &schedule,
        date: day(MON),
        actor: &pat2(),
        now: now(),
    };
    let rival = Command::Book {
        appointment_id: "a-2".into(),
        patient_id: "pat-2".into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start: at(MON, "09:00"),
    };
    let change = medsched::decide(&DayBook::new(), &rival, &ctx)
        .unwrap()
        .remove(0);
    let event = Event {
        tenant: TENANT.into(),
        actor: pat2(),
        at: now(),
        change,
    };
    bookings
        .store()
        .plan(When::Before, stream.clone(), stream.clone(), event);

    let e = refused(bookings.book(
        &schedule,
        &pat1(),
        now(),
        book_req("a-1", "pat-1", at(MON, "09:00")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
    let book = bookings.day(&schedule, day(MON)).unwrap();
    let ids: Vec<&str> = book.appointments().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a-2"]);

    // The same race for another slot: the retry books it.
    let change = medsched::decide(
        &book,
        &Command::Book {
            appointment_id: "a-3".into(),
            patient_id: "pat-2".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start: at(MON, "10:00"),
        },
        &ctx,
    )
    .unwrap()
    .remove(0);
    let event = Event {
        tenant: TENANT.into(),
        actor: pat2(),
        at: now(),
        change,
    };
    bookings
        .store()
        .plan(When::Before, stream.clone(), stream, event);
    let a = bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "09:15")),
        )
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "09:15"));
    assert_eq!(
        bookings
            .day(&schedule, day(MON))
            .unwrap()
            .appointments()
            .len(),
        3
    );
}

#[test]
fn a_move_the_old_day_refuses_is_undone_on_the_new_day() {
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(Interfering::new());
    bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    // Staff cancel a-1 on Monday right after the move booked it on Tuesday.
    let cancel = Event {
        tenant: TENANT.into(),
        actor: staff(),
        at: now(),
        change: Change::AppointmentCancelled {
            appointment_id: "a-1".into(),
            reason: Some("patient called".into()),
        },
    };
    bookings.store().plan(
        When::After,
        StreamId::new(TENANT, day(TUE)),
        StreamId::new(TENANT, day(MON)),
        cancel,
    );
    let e =
        refused(bookings.reschedule(&schedule, &pat1(), now(), day(MON), "a-1", at(TUE, "10:00")));
    assert_eq!(
        e,
        transition("appointment", "a-1", "cancelled", "reschedule")
    );
    let tue = bookings.day(&schedule, day(TUE)).unwrap();
    let moved = tue.appointment("a-1").unwrap();
    assert_eq!(moved.status, AppointmentStatus::Cancelled);
    assert_eq!(moved.ended_by, Some(Actor::system("medsched")));
    assert_eq!(moved.end_reason.as_deref(), Some("reschedule_aborted"));
    let mon = bookings.day(&schedule, day(MON)).unwrap();
    let old = mon.appointment("a-1").unwrap();
    assert_eq!(old.status, AppointmentStatus::Cancelled);
    assert_eq!(old.moved_to, None);
    // Tuesday 10:00 is free again.
    bookings
        .book(
            &schedule,
            &pat2(),
            now(),
            book_req("a-2", "pat-2", at(TUE, "10:00")),
        )
        .unwrap();
}

#[test]
fn concurrent_bookers_of_the_last_seat_get_one_success() {
    let w = world();
    let results: Vec<Result<Appointment>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let w = &w;
                scope.spawn(move || {
                    let patient = format!("pat-{i}");
                    w.bookings.book(
                        &w.schedule,
                        &Actor::patient(patient.as_str()),
                        now(),
                        book_req(&format!("a-{i}"), &patient, at(MON, "09:00")),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    for e in results.into_iter().filter_map(Result::err) {
        assert_eq!(
            e,
            unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
        );
    }
    assert_eq!(w.events(day(MON)).len(), 1);
}

// ---------------------------------------------------------------------------------------
// Tenants
// ---------------------------------------------------------------------------------------

#[test]
fn tenants_sharing_a_store_never_see_each_others_bookings() {
    let bookings = Bookings::new(InMemoryStore::new());
    let a = schedule("tenant-a");
    let b = schedule("tenant-b");
    bookings
        .hold(
            &a,
            &pat1(),
            now(),
            hold_req("h-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    bookings
        .book(
            &a,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "10:00")),
        )
        .unwrap();

    assert_eq!(bookings.day(&b, day(MON)).unwrap(), DayBook::new());
    assert!(bookings.feed(&b, 0, 100).unwrap().is_empty());
    let e = refused(bookings.appointment(&b, day(MON), "a-1"));
    assert_eq!(e.code(), "not_found");
    // Tenant B's slots are free.
    let mine = bookings
        .book(
            &b,
            &pat2(),
            now(),
            book_req("a-1", "pat-2", at(MON, "10:00")),
        )
        .unwrap();
    assert_eq!(mine.patient_id, "pat-2");
    bookings
        .book(
            &b,
            &pat2(),
            now(),
            book_req("a-2", "pat-2", at(MON, "09:00")),
        )
        .unwrap();

    let feed_b = bookings.feed(&b, 0, 100).unwrap();
    assert_eq!(feed_b.len(), 2);
    assert!(
        feed_b
            .iter()
            .all(|f| f.event.tenant == "tenant-b" && f.stream.tenant == "tenant-b")
    );
    assert_eq!(
        feed_b.iter().map(|f| f.position).collect::<Vec<_>>(),
        [1, 2]
    );
    let feed_a = bookings.feed(&a, 0, 100).unwrap();
    assert_eq!(feed_a.len(), 2);
    assert!(feed_a.iter().all(|f| f.event.tenant == "tenant-a"));
    assert_eq!(
        bookings
            .appointment(&a, day(MON), "a-1")
            .unwrap()
            .patient_id,
        "pat-1"
    );
}

#[test]
fn a_store_refuses_an_event_of_another_tenant() {
    let store = InMemoryStore::new();
    let event = Event {
        tenant: "tenant-a".into(),
        actor: staff(),
        at: now(),
        change: Change::HoldReleased {
            hold_id: "h-1".into(),
        },
    };
    let stream = StreamId::new("tenant-b", day(MON));
    let e = refused(store.append(&stream, 0, std::slice::from_ref(&event)));
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(e.field(), Some("events[0].tenant"));
    assert_eq!(e.value(), Some("tenant-a"));
    assert_eq!(store.load(&stream).unwrap().version, 0);
    assert!(store.feed(&"tenant-b".into(), 0, 10).unwrap().is_empty());
    assert!(store.feed(&"tenant-a".into(), 0, 10).unwrap().is_empty());
    // Its own stream takes it.
    let own = StreamId::new("tenant-a", day(MON));
    assert_eq!(store.append(&own, 0, &[event]).unwrap(), 1);
    // A stale version is a conflict.
    let again = Event {
        tenant: "tenant-a".into(),
        actor: staff(),
        at: now(),
        change: Change::HoldReleased {
            hold_id: "h-2".into(),
        },
    };
    let e = refused(store.append(&own, 0, &[again]));
    assert!(e.is_conflict(), "{e}");
}

// ---------------------------------------------------------------------------------------
// Replay and decide
// ---------------------------------------------------------------------------------------

#[test]
fn every_day_book_replays_to_what_execute_returned() {
    let w = world();
    let steps: Vec<(Actor, DateTime<Utc>, &str, Command)> = vec![
        (
            pat1(),
            now(),
            MON,
            Command::PlaceHold {
                hold_id: "h-1".into(),
                patient_id: "pat-1".into(),
                doctor_id: "dr-a".into(),
                appointment_type_id: "consult".into(),
                start: at(MON, "09:00"),
                minutes: None,
            },
        ),
        (
            pat1(),
            now(),
            MON,
            Command::ExtendHold {
                hold_id: "h-1".into(),
                minutes: Some(20),
            },
        ),
        (
            pat1(),
            now(),
            MON,
            Command::BookHold {
                appointment_id: "a-1".into(),
                hold_id: "h-1".into(),
            },
        ),
        (
            pat2(),
            now(),
            MON,
            Command::Book {
                appointment_id: "a-2".into(),
                patient_id: "pat-2".into(),
                doctor_id: "dr-a".into(),
                appointment_type_id: "review".into(),
                start: at(MON, "09:30"),
            },
        ),
        (staff(), now(), MON, lifecycle_command("confirm", "a-2")),
        (
            pat2(),
            now(),
            MON,
            Command::Reschedule {
                appointment_id: "a-2".into(),
                start: at(MON, "10:30"),
            },
        ),
        (
            staff(),
            now(),
            MON,
            Command::PlaceHold {
                hold_id: "h-2".into(),
                patient_id: "pat-3".into(),
                doctor_id: "dr-a".into(),
                appointment_type_id: "consult".into(),
                start: at(MON, "11:00"),
                minutes: Some(5),
            },
        ),
        (system(), now() + minutes(5), MON, Command::ExpireHolds),
        (
            staff(),
            at(MON, "09:00"),
            MON,
            lifecycle_command("complete", "a-1"),
        ),
        (
            staff(),
            at(MON, "10:30"),
            MON,
            lifecycle_command("mark_no_show", "a-2"),
        ),
    ];
    let mut last = DayBook::new();
    for (actor, now, date, command) in &steps {
        let (book, events) = w.execute(actor, *now, day(date), command).unwrap();
        assert!(!events.is_empty(), "{command:?}");
        assert!(events.iter().all(|e| e.tenant == TENANT && e.at == *now));
        last = book;
    }
    assert_eq!(w.replay(day(MON)), last);
    let statuses: Vec<AppointmentStatus> = last.appointments().iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [AppointmentStatus::Completed, AppointmentStatus::NoShow]
    );
    let holds: Vec<HoldStatus> = last.holds().iter().map(|h| h.status).collect();
    assert_eq!(holds, [HoldStatus::Booked, HoldStatus::Expired]);

    // Deciding is pure: the same book and command give the same answer, and a command that
    // changes nothing appends nothing.
    let (book, events) = w
        .execute(
            &system(),
            now() + minutes(5),
            day(MON),
            &Command::ExpireHolds,
        )
        .unwrap();
    assert!(events.is_empty());
    assert_eq!(book, last);
    let ctx = medsched::Context {
        schedule: &w.schedule,
        date: day(MON),
        actor: &pat1(),
        now: now(),
    };
    let command = Command::Book {
        appointment_id: "a-9".into(),
        patient_id: "pat-1".into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start: at(MON, "11:30"),
    };
    let first = medsched::decide(&last, &command, &ctx).unwrap();
    assert_eq!(medsched::decide(&last, &command, &ctx).unwrap(), first);
    assert_eq!(w.replay(day(MON)), last, "decide wrote nothing");
}

#[test]
fn update_refuses_commands_that_are_not_status_changes() {
    let w = world();
    let e = refused(w.update(&staff(), now(), MON, Command::ExpireHolds));
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(e.field(), Some("command"));
}

// ---------------------------------------------------------------------------------------
// Serde
// ---------------------------------------------------------------------------------------

#[test]
fn events_round_trip_through_json() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.extend(&pat1(), now(), "h-1", Some(20)).unwrap();
    w.book_hold(&pat1(), now(), "h-1", "a-1").unwrap();
    w.hold(&pat1(), now(), hold_req("h-2", "pat-1", at(MON, "11:00")))
        .unwrap();
    w.release(&pat1(), now(), "h-2").unwrap();
    w.hold(&pat1(), now(), hold_req("h-3", "pat-1", at(MON, "11:15")))
        .unwrap();
    w.expire(now() + minutes(10)).unwrap();
    w.book(
        &pat2(),
        now(),
        typed_req("a-2", "pat-2", "review", at(MON, "09:15")),
    )
    .unwrap();
    w.update(&staff(), now(), MON, lifecycle_command("confirm", "a-2"))
        .unwrap();
    w.book(
        &pat2(),
        now(),
        typed_req("a-3", "pat-2", "review", at(MON, "09:30")),
    )
    .unwrap();
    w.update(
        &staff(),
        now(),
        MON,
        Command::Decline {
            appointment_id: "a-3".into(),
            reason: Some("no referral".into()),
        },
    )
    .unwrap();
    w.reschedule(&pat2(), now(), MON, "a-2", at(MON, "10:00"))
        .unwrap();
    w.reschedule(&pat2(), now(), MON, "a-2", at(TUE, "10:00"))
        .unwrap();
    w.cancel(&pat2(), now(), MON, "a-2").unwrap();
    w.update(
        &staff(),
        at(MON, "09:00"),
        MON,
        lifecycle_command("complete", "a-1"),
    )
    .unwrap();
    w.book(&pat1(), now(), book_req("a-4", "pat-1", at(MON, "10:30")))
        .unwrap();
    w.update(
        &staff(),
        at(MON, "10:40"),
        MON,
        lifecycle_command("mark_no_show", "a-4"),
    )
    .unwrap();

    let feed = w.bookings.feed(&w.schedule, 0, 100).unwrap();
    let mut types: Vec<String> = feed.iter().map(|f| type_of(&f.event.change)).collect();
    types.sort();
    types.dedup();
    assert_eq!(
        types,
        [
            "appointment_booked",
            "appointment_cancelled",
            "appointment_completed",
            "appointment_confirmed",
            "appointment_declined",
            "appointment_moved_out",
            "appointment_no_show",
            "appointment_rescheduled",
            "hold_expired",
            "hold_extended",
            "hold_placed",
            "hold_released",
        ],
        "every change is covered"
    );
    for entry in &feed {
        let json = serde_json::to_string(&entry.event).unwrap();
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, entry.event, "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["tenant"], TENANT);
        assert!(value["actor"]["kind"].is_string());
        let entry_json = serde_json::to_value(entry).unwrap();
        let entry_back: medsched::FeedEntry = serde_json::from_value(entry_json).unwrap();
        assert_eq!(&entry_back, entry);
    }
}

#[test]
fn an_event_reads_from_language_neutral_json() {
    let json = r#"{
        "tenant": "clinic-1",
        "actor": {"kind": "staff", "id": "rcp-1"},
        "at": "2026-03-01T08:00:00Z",
        "type": "appointment_cancelled",
        "appointment_id": "a-1",
        "reason": null
    }"#;
    let event: Event = serde_json::from_str(json).unwrap();
    assert_eq!(
        event,
        Event {
            tenant: TENANT.into(),
            actor: staff(),
            at: now(),
            change: Change::AppointmentCancelled {
                appointment_id: "a-1".into(),
                reason: None,
            },
        }
    );
}

fn slot_claim() -> SlotClaim {
    SlotClaim {
        doctor_id: "dr-a".into(),
        location_id: "main".into(),
        room_id: Some("r1".into()),
        appointment_type_id: "consult".into(),
        mode: medsched::ConsultationMode::InPerson,
        start: at(TUE, "10:00"),
        end: at(TUE, "10:15"),
        buffer_before_minutes: 0,
        buffer_after_minutes: 5,
    }
}

#[test]
fn commands_round_trip_through_json() {
    let w = world();
    let appointment = w
        .book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let id: Id = "a-1".into();
    let commands = [
        Command::PlaceHold {
            hold_id: "h-1".into(),
            patient_id: "pat-1".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start: at(MON, "09:00"),
            minutes: Some(20),
        },
        Command::ExtendHold {
            hold_id: "h-1".into(),
            minutes: None,
        },
        Command::ReleaseHold {
            hold_id: "h-1".into(),
        },
        Command::ExpireHolds,
        Command::Book {
            appointment_id: id.clone(),
            patient_id: "pat-1".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start: at(MON, "09:00"),
        },
        Command::BookHold {
            appointment_id: id.clone(),
            hold_id: "h-1".into(),
        },
        lifecycle_command("confirm", "a-1"),
        Command::Decline {
            appointment_id: id.clone(),
            reason: Some("no referral".into()),
        },
        lifecycle_command("cancel", "a-1"),
        lifecycle_command("complete", "a-1"),
        lifecycle_command("mark_no_show", "a-1"),
        Command::Reschedule {
            appointment_id: id.clone(),
            start: at(MON, "10:00"),
        },
        Command::MoveIn {
            appointment: Box::new(appointment),
            start: at(TUE, "10:00"),
        },
        Command::MoveOut {
            appointment_id: id,
            to_date: day(TUE),
            to: slot_claim(),
        },
    ];
    let tags = [
        "place_hold",
        "extend_hold",
        "release_hold",
        "expire_holds",
        "book",
        "book_hold",
        "confirm",
        "decline",
        "cancel",
        "complete",
        "mark_no_show",
        "reschedule",
        "move_in",
        "move_out",
    ];
    for (command, tag) in commands.iter().zip(tags) {
        let value = serde_json::to_value(command).unwrap();
        assert_eq!(value["command"], tag);
        let back: Command = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(&back, command, "{value}");
    }
}

#[test]
fn a_command_reads_from_language_neutral_json() {
    let command: Command = serde_json::from_str(
        r#"{"command": "place_hold", "hold_id": "h-1", "patient_id": "pat-1",
            "doctor_id": "dr-a", "appointment_type_id": "consult",
            "start": "2026-03-02T09:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(
        command,
        Command::PlaceHold {
            hold_id: "h-1".into(),
            patient_id: "pat-1".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start: at(MON, "09:00"),
            minutes: None,
        }
    );
    let command: Command = serde_json::from_str(r#"{"command": "expire_holds"}"#).unwrap();
    assert_eq!(command, Command::ExpireHolds);
    // Unknown fields and commands are refused.
    assert!(
        serde_json::from_str::<Command>(
            r#"{"command": "cancel", "appointment_id": "a-1", "why": "x"}"#
        )
        .is_err()
    );
    assert!(serde_json::from_str::<Command>(r#"{"command": "teleport"}"#).is_err());
}
