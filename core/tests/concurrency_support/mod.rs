//! The world the `booking_concurrency*` tests run in: a tenant whose doctors work Monday to
//! Wednesday 09:00-17:00 in 15-minute slots, its booking requests and the stored events of a
//! day, and the appointment `a-1` booked on Monday whose moves the tests race, with the
//! records of it that occupy a slot.
//!
//! The clinic is in Europe/London, on UTC in early March 2026, so wall-clock times below
//! are also UTC.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use medsched::{
    AppointmentType, Clinic, DoctorCalendar, Location, Room, Session, SessionSettings,
    WeeklyTemplate, booking::Appointment, booking::BookRequest, booking::Bookings,
    booking::Schedule, store::Actor, store::Event, store::EventStore, store::StreamId,
};

pub const TENANT: &str = "clinic-race";

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

pub fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

pub fn tuesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 3).unwrap()
}

pub fn wednesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()
}

/// Sunday 08:00: every slot below is ahead.
pub fn now() -> DateTime<Utc> {
    t("2026-03-01T08:00:00Z")
}

/// Doctors by id: `(max_parallel, room)`. Everyone works Monday to Wednesday 09:00-17:00
/// in 15-minute slots.
pub fn schedule(doctors: &[(&str, u32, Option<&str>)], rooms: &[(&str, u32)]) -> Schedule {
    let mut main = Location::new("main", "Main clinic", "Europe/London");
    for &(id, capacity) in rooms {
        main.rooms.push(Room::new(id, id, capacity));
    }
    let clinic = Clinic {
        locations: vec![main],
        holidays: vec![],
    };
    let calendars: Vec<DoctorCalendar> = doctors
        .iter()
        .map(|&(id, max_parallel, room)| {
            let mut calendar = DoctorCalendar::new(id);
            calendar.settings = SessionSettings {
                max_parallel,
                ..SessionSettings::default()
            };
            calendar.templates.push(WeeklyTemplate {
                room_id: room.map(Into::into),
                weekdays: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed],
                sessions: vec![Session::new("09:00", "17:00").unwrap()],
                ..WeeklyTemplate::new(format!("week-{id}"), "main")
            });
            calendar
        })
        .collect();
    Schedule::new(
        TENANT,
        &clinic,
        &calendars,
        &[AppointmentType::new("consult", 15)],
    )
    .expect("valid rules")
}

pub fn book_request(
    id: String,
    patient: String,
    doctor: &str,
    start: DateTime<Utc>,
) -> BookRequest {
    BookRequest {
        appointment_id: id.into(),
        patient_id: patient.into(),
        doctor_id: doctor.into(),
        appointment_type_id: "consult".into(),
        start,
    }
}

pub fn events<S: EventStore>(bookings: &Bookings<S>, date: NaiveDate) -> Vec<Event> {
    bookings
        .store()
        .load(&StreamId::new(TENANT, date))
        .expect("load")
        .events
}

/// The records of appointment `id` that occupy a slot, on any of the days.
pub fn occupying<S: EventStore>(
    bookings: &Bookings<S>,
    schedule: &Schedule,
    id: &str,
) -> Vec<Appointment> {
    [monday(), tuesday(), wednesday()]
        .into_iter()
        .flat_map(|date| {
            bookings
                .day(schedule, date)
                .unwrap()
                .appointments()
                .to_vec()
        })
        .filter(|a| a.id == id && a.occupies())
        .collect()
}

/// Books `a-1` for `pat-1` on Monday 09:00.
pub fn book_monday<S: EventStore>(bookings: &Bookings<S>, schedule: &Schedule) {
    let request = book_request(
        "a-1".into(),
        "pat-1".into(),
        "dr-a",
        t("2026-03-02T09:00:00Z"),
    );
    bookings
        .book(schedule, &Actor::patient("pat-1"), now(), request)
        .unwrap();
}
