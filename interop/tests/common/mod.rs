//! The shared scenario: Dr Asha's week in London across the start of British Summer Time,
//! with every appointment status, a hold, tokens, a leave and an emergency.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use medsched::booking::{AppointmentStatus, BookRequest, Bookings, HoldRequest, Schedule};
use medsched::store::{Actor, InMemoryStore};
use medsched::tokens::{QueueRules, TokenSession, TokenState, Tokens};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Leave, LeaveStatus,
    Location, Session, SlotOptions, SlotRequest, Unavailability, WeeklyTemplate,
};
use medsched_interop::{Export, TypedSlots};

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The week's export.
pub fn scenario() -> Export {
    let clinic = Clinic {
        locations: vec![Location::new("london", "London clinic", "Europe/London")],
        holidays: vec![],
    };
    let mut calendar = DoctorCalendar::new("dr-asha");
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        sessions: vec![Session::new("09:00", "13:00").unwrap()],
        ..WeeklyTemplate::new("weekday-opd", "london")
    });
    let mut leave = Leave::new(
        "conference",
        LeaveStatus::Approved,
        date("2026-03-31"),
        date("2026-03-31"),
    );
    leave.reason = "Conference; day 1".into();
    calendar.leaves.push(leave);
    let mut emergency = Unavailability::new(
        "er-cover",
        t("2026-03-27T10:00:00Z"),
        t("2026-03-27T11:00:00Z"),
    );
    emergency.reason = "ER cover".into();
    calendar.emergencies.push(emergency);
    let consult = AppointmentType::new("consult", 30);
    let mut review = AppointmentType::new("review", 30);
    review.policy.requires_confirmation = true;
    let schedule = Schedule::new(
        "london-clinic",
        &clinic,
        std::slice::from_ref(&calendar),
        &[consult.clone(), review],
    )
    .unwrap();
    let store = InMemoryStore::new();
    let bookings = Bookings::new(&store);
    let booked = t("2026-03-26T10:00:00Z");
    let staff = Actor::staff("reception-1");
    let monday = date("2026-03-30");
    let book = |id: &str, kind: &str, start: &str| {
        bookings
            .book(
                &schedule,
                &Actor::patient(format!("pat-{id}")),
                booked,
                BookRequest {
                    appointment_id: id.into(),
                    patient_id: format!("pat-{id}").into(),
                    doctor_id: "dr-asha".into(),
                    appointment_type_id: kind.into(),
                    start: t(start),
                },
            )
            .unwrap()
    };
    // Monday 30 March, BST: 09:00 in London is 08:00 UTC.
    book("a-arrived", "consult", "2026-03-30T08:00:00Z");
    book("a-consulting", "consult", "2026-03-30T08:30:00Z");
    book("a-done", "consult", "2026-03-30T09:00:00Z");
    book("a-no-show", "consult", "2026-03-30T09:30:00Z");
    book("a-cancelled", "consult", "2026-03-30T10:00:00Z");
    book("a-declined", "review", "2026-03-30T10:30:00Z");
    book("a-pending", "review", "2026-03-30T11:00:00Z");
    // Friday 27 March, GMT: 09:00 in London is 09:00 UTC.
    book("a-friday", "consult", "2026-03-27T09:00:00Z");
    let after = t("2026-03-30T12:30:00Z");
    bookings
        .complete(&schedule, &staff, after, monday, "a-done")
        .unwrap();
    bookings
        .mark_no_show(&schedule, &staff, after, monday, "a-no-show")
        .unwrap();
    bookings
        .cancel(
            &schedule,
            &staff,
            booked,
            monday,
            "a-cancelled",
            Some("patient ill, will call".into()),
        )
        .unwrap();
    bookings
        .decline(&schedule, &staff, booked, monday, "a-declined", None)
        .unwrap();
    let now = t("2026-03-30T08:40:00Z");
    bookings
        .hold(
            &schedule,
            &Actor::patient("pat-h"),
            now,
            HoldRequest {
                hold_id: "h-1".into(),
                patient_id: "pat-h".into(),
                doctor_id: "dr-asha".into(),
                appointment_type_id: "consult".into(),
                start: t("2026-03-30T11:30:00Z"),
                minutes: None,
            },
        )
        .unwrap();
    let day = bookings.day(&schedule, monday).unwrap();
    let friday = bookings.day(&schedule, date("2026-03-27")).unwrap();

    // Tokens of Monday: one waiting (arrived), one with the doctor.
    let rules = QueueRules::new(vec![TokenSession::new(
        "morning",
        t("2026-03-30T08:00:00Z"),
        t("2026-03-30T12:00:00Z"),
    )]);
    let tokens = Tokens::new(&store);
    let at_desk = t("2026-03-30T07:50:00Z");
    let mut issued = Vec::new();
    for id in ["a-arrived", "a-consulting"] {
        let appointment = day.appointment(id).unwrap();
        let update = tokens
            .issue_for_appointment(&schedule, &rules, &staff, at_desk, appointment)
            .unwrap();
        issued.push(update.token.unwrap());
    }
    issued[0].arrived_at = Some(at_desk);
    issued[0].state = TokenState::Waiting;
    issued[1].state = TokenState::Consulting;

    let availability = Availability::new(&ClinicRules::new(&clinic).unwrap(), &calendar).unwrap();
    let start = t("2026-03-27T00:00:00Z");
    let end = t("2026-04-01T00:00:00Z");
    let intervals = availability.resolve(start, end).unwrap();
    let occupancy = day.occupancy(now, None);
    let series = availability
        .slots(
            &SlotRequest {
                appointment_type: consult,
                start: t("2026-03-30T00:00:00Z"),
                end: t("2026-03-31T00:00:00Z"),
                now,
            },
            &occupancy,
            SlotOptions {
                include_unavailable: true,
                limit: None,
            },
        )
        .unwrap();
    let mut export = Export::new("dr-asha", chrono_tz::Europe::London, start, end, now);
    export.system = "urn:medsched:london-clinic".into();
    export.intervals = intervals;
    export.slots = vec![TypedSlots {
        appointment_type_id: "consult".into(),
        series,
    }];
    export.appointments = friday.appointments().to_vec();
    export
        .appointments
        .extend(day.appointments().iter().cloned());
    export.holds = day.holds().to_vec();
    export.tokens = issued;
    let statuses: Vec<_> = export.appointments.iter().map(|a| a.status).collect();
    assert!(statuses.contains(&AppointmentStatus::Pending));
    assert!(statuses.contains(&AppointmentStatus::Declined));
    export
}
