//! A tenant's compiled rules: its clinic, its doctors' calendars and its appointment types.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::availability::compile::check_instant;
use crate::slots::TypeParams;
use crate::{
    AppointmentType, Availability, BookingPolicy, Clinic, ClinicRules, DoctorCalendar, Error, Id,
    Limits, Problem, Result,
};

/// The longest hold or reminder lead a policy may ask for: 30 days, in minutes.
const MAX_POLICY_MINUTES: u32 = 30 * 24 * 60;

/// The longest notice a policy may ask for: 365 days, in minutes.
const MAX_NOTICE_MINUTES: u32 = 365 * 24 * 60;

/// Everything the booking service decides with, for one tenant: the clinic, each doctor's
/// compiled [`Availability`] and the appointment types with their policies.
///
/// Bookings are kept in day books: one stream of events per tenant and date. The date of an
/// instant is read in the **book time zone**: the zone of the clinic's first location unless
/// [`with_book_time_zone`](Self::with_book_time_zone) sets another. An appointment, with its
/// buffers, must lie within one book day.
///
/// # Example
///
/// ```
/// use medsched::{booking::*, store::*, tokens::*, wait::*, *};
/// use chrono::Weekday;
///
/// let clinic = Clinic {
///     locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
///     holidays: vec![],
/// };
/// let mut calendar = DoctorCalendar::new("dr-asha");
/// calendar.templates.push(WeeklyTemplate {
///     weekdays: vec![Weekday::Mon],
///     sessions: vec![Session::new("09:00", "13:00")?],
///     ..WeeklyTemplate::new("mon-opd", "kochi")
/// });
/// let schedule = Schedule::new(
///     "clinic-1",
///     &clinic,
///     &[calendar],
///     &[AppointmentType::new("consult", 15)],
/// )?;
/// assert_eq!(schedule.book_time_zone(), chrono_tz::Asia::Kolkata);
/// // 20:00 UTC on 1 March is 01:30 on 2 March in Kochi.
/// let date = schedule.book_date("2026-03-01T20:00:00Z".parse().unwrap())?;
/// assert_eq!(date.to_string(), "2026-03-02");
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Schedule {
    tenant: Id,
    clinic: ClinicRules,
    doctors: HashMap<Id, Availability>,
    types: HashMap<Id, AppointmentType>,
    book_zone: Tz,
}

impl Schedule {
    /// Validates and compiles a tenant's rules.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a bad clinic or calendar (fields as in
    /// [`Availability::new`], inside `calendars[i]`), a bad appointment type or policy
    /// (inside `appointment_types[i]`), or a duplicate doctor or type id.
    pub fn new(
        tenant: impl Into<Id>,
        clinic: &Clinic,
        calendars: &[DoctorCalendar],
        appointment_types: &[AppointmentType],
    ) -> Result<Schedule> {
        Schedule::with_limits(
            tenant,
            clinic,
            calendars,
            appointment_types,
            &Limits::DEFAULT,
        )
    }

    /// Validates and compiles a tenant's rules under other [`Limits`] than the defaults (see
    /// [`ClinicRules::with_limits`]): the clinic and every calendar are checked against
    /// them, and slots keep them.
    ///
    /// # Errors
    ///
    /// As [`Schedule::new`]; a list or text past a limit is refused with its field and
    /// problem `out_of_range`.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::booking::Schedule;
    /// use medsched::{Clinic, DoctorCalendar, Limits, Location};
    ///
    /// let clinic = Clinic {
    ///     locations: vec![Location::new("main", "Main", "Europe/London")],
    ///     holidays: vec![],
    /// };
    /// let long_id = "d".repeat(2_000);
    /// let calendars = [DoctorCalendar::new(long_id.as_str())];
    /// let err = Schedule::new("clinic-1", &clinic, &calendars, &[]).unwrap_err();
    /// assert_eq!(err.field(), Some("calendars[0].doctor_id"));
    /// assert!(err.value().unwrap().ends_with("… (2000 characters)"));
    /// let roomy = Limits { max_text_length: 4_000, ..Limits::DEFAULT };
    /// assert!(Schedule::with_limits("clinic-1", &clinic, &calendars, &[], &roomy).is_ok());
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn with_limits(
        tenant: impl Into<Id>,
        clinic: &Clinic,
        calendars: &[DoctorCalendar],
        appointment_types: &[AppointmentType],
        limits: &Limits,
    ) -> Result<Schedule> {
        let rules = ClinicRules::with_limits(clinic, limits)?;
        let book_zone = clinic
            .locations
            .first()
            .and_then(|l| rules.time_zone(l.id.as_str()))
            .unwrap_or(Tz::UTC);
        let mut schedule = Schedule {
            tenant: tenant.into(),
            clinic: rules,
            doctors: HashMap::with_capacity(calendars.len()),
            types: HashMap::with_capacity(appointment_types.len()),
            book_zone,
        };
        for (i, calendar) in calendars.iter().enumerate() {
            let field = || format!("calendars[{i}]");
            if schedule.doctors.contains_key(&calendar.doctor_id) {
                return Err(Error::invalid(
                    format!("{}.doctor_id", field()),
                    &calendar.doctor_id,
                    Problem::DuplicateId,
                ));
            }
            schedule
                .set_calendar(calendar)
                .map_err(|e| e.within(&field()))?;
        }
        for (i, t) in appointment_types.iter().enumerate() {
            let field = format!("appointment_types[{i}]");
            check_type(t).map_err(|e| e.within(&field))?;
            if schedule.types.insert(t.id.clone(), t.clone()).is_some() {
                return Err(Error::invalid(
                    format!("{field}.id"),
                    &t.id,
                    Problem::DuplicateId,
                ));
            }
        }
        Ok(schedule)
    }

    /// The same rules with day books dated in `zone`.
    pub fn with_book_time_zone(mut self, zone: Tz) -> Schedule {
        self.book_zone = zone;
        self
    }

    /// Compiles and sets one doctor's calendar (adding the doctor or replacing their rules).
    /// Appointments already booked stay; [`Bookings::collisions`](crate::booking::Bookings::collisions)
    /// lists those the new rules no longer allow.
    ///
    /// # Errors
    ///
    /// As [`Availability::new`].
    pub fn set_calendar(&mut self, calendar: &DoctorCalendar) -> Result<()> {
        let availability = Availability::new(&self.clinic, calendar)?;
        self.doctors
            .insert(calendar.doctor_id.clone(), availability);
        Ok(())
    }

    /// The tenant.
    pub fn tenant(&self) -> &Id {
        &self.tenant
    }

    /// The clinic's compiled rules.
    pub fn clinic(&self) -> &ClinicRules {
        &self.clinic
    }

    /// The time zone day books are dated in.
    pub fn book_time_zone(&self) -> Tz {
        self.book_zone
    }

    /// The book date of an instant: its date in the book time zone.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an instant outside the years 1900–2200 (field `instant`).
    pub fn book_date(&self, instant: DateTime<Utc>) -> Result<NaiveDate> {
        check_instant(|| "instant".into(), instant)?;
        Ok(self.date_of(instant))
    }

    /// The book date of an instant already checked to lie in the years medsched computes.
    pub(crate) fn date_of(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.book_zone).date_naive()
    }

    /// A doctor's compiled rules.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown doctor.
    pub fn availability(&self, doctor_id: &str) -> Result<&Availability> {
        self.doctors.get(doctor_id).ok_or_else(|| Error::NotFound {
            kind: "doctor",
            id: doctor_id.to_owned(),
        })
    }

    /// An appointment type.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown type.
    pub fn appointment_type(&self, id: &str) -> Result<&AppointmentType> {
        self.types.get(id).ok_or_else(|| Error::NotFound {
            kind: "appointment_type",
            id: id.to_owned(),
        })
    }

    /// The doctors, in no particular order.
    pub fn doctors(&self) -> impl Iterator<Item = &Availability> {
        self.doctors.values()
    }
}

fn check_type(t: &AppointmentType) -> Result<()> {
    TypeParams::new(t).map_err(|e| {
        e.map_field(|f| match f.strip_prefix("appointment_type.") {
            Some(rest) => rest.to_owned(),
            None => f,
        })
    })?;
    check_policy(&t.policy).map_err(|e| e.within("policy"))
}

fn check_policy(p: &BookingPolicy) -> Result<()> {
    let range = |field: &str, value: u32, max: u32| {
        if value == 0 {
            Err(Error::invalid(field, value, Problem::NotPositive))
        } else if value > max {
            Err(Error::invalid(
                field,
                value,
                Problem::OutOfRange(format!("at most {max}")),
            ))
        } else {
            Ok(())
        }
    };
    range("max_hold_minutes", p.max_hold_minutes, MAX_POLICY_MINUTES)?;
    range(
        "patient_hold_minutes",
        p.patient_hold_minutes,
        p.max_hold_minutes,
    )?;
    range(
        "staff_hold_minutes",
        p.staff_hold_minutes,
        p.max_hold_minutes,
    )?;
    let notice = |field: &str, value: u32| match value {
        0 => Ok(()),
        v => range(field, v, MAX_NOTICE_MINUTES),
    };
    notice("reschedule_notice_minutes", p.reschedule_notice_minutes)?;
    notice("cancel_notice_minutes", p.cancel_notice_minutes)?;
    for (i, &m) in p.reminder_minutes_before.iter().enumerate() {
        range(
            &format!("reminder_minutes_before[{i}]"),
            m,
            MAX_POLICY_MINUTES,
        )?;
    }
    Ok(())
}
