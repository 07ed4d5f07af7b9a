//! A tenant's schedule that can be swapped while in use.

use std::sync::{Arc, RwLock};

use medsched::booking::Schedule;
use medsched::{DoctorCalendar, Result};

/// A tenant's compiled [`Schedule`], shared by every call of a binding and changed in place:
/// [`set_calendar`](ScheduleHandle::set_calendar) compiles into a copy under the write lock
/// and swaps it in, so concurrent changes all land, and a call in flight keeps the schedule
/// it started with ([`current`](ScheduleHandle::current)).
///
/// ```
/// use medsched::{AppointmentType, Clinic, DoctorCalendar, Location};
/// use medsched::booking::Schedule;
/// use medsched_facade::ScheduleHandle;
///
/// let clinic = Clinic { locations: vec![Location::new("main", "Main", "UTC")], holidays: vec![] };
/// let schedule = Schedule::new("clinic-1", &clinic, &[], &[AppointmentType::new("consult", 15)])?;
/// let handle = ScheduleHandle::new(schedule);
/// let before = handle.current();
/// handle.set_calendar(&DoctorCalendar::new("dr-new"))?;
/// assert!(handle.current().availability("dr-new").is_ok());
/// assert!(before.availability("dr-new").is_err(), "a call in flight keeps its schedule");
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug)]
pub struct ScheduleHandle {
    inner: RwLock<Arc<Schedule>>,
}

impl ScheduleHandle {
    /// A handle on `schedule`.
    pub fn new(schedule: Schedule) -> Self {
        ScheduleHandle {
            inner: RwLock::new(Arc::new(schedule)),
        }
    }

    /// The schedule as it is now (a calendar set later does not change it).
    pub fn current(&self) -> Arc<Schedule> {
        self.inner
            .read()
            .map_or_else(|e| e.into_inner().clone(), |s| s.clone())
    }

    /// The ids of the schedule's doctors as it is now, sorted (what each binding's
    /// `doctor_ids` lists).
    ///
    /// ```
    /// use medsched::{AppointmentType, Clinic, DoctorCalendar, Location};
    /// use medsched::booking::Schedule;
    /// use medsched_facade::ScheduleHandle;
    ///
    /// let clinic = Clinic { locations: vec![Location::new("main", "Main", "UTC")], holidays: vec![] };
    /// let calendars = [DoctorCalendar::new("dr-ravi"), DoctorCalendar::new("dr-asha")];
    /// let schedule = Schedule::new("clinic-1", &clinic, &calendars, &[AppointmentType::new("consult", 15)])?;
    /// assert_eq!(ScheduleHandle::new(schedule).doctor_ids(), ["dr-asha", "dr-ravi"]);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn doctor_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .current()
            .doctors()
            .map(|d| d.doctor_id().as_str().to_owned())
            .collect();
        ids.sort();
        ids
    }

    /// Compiles `calendar` into a copy of the schedule (adding the doctor or replacing their
    /// rules) and swaps it in.
    ///
    /// # Errors
    ///
    /// As [`Schedule::set_calendar`]; the schedule is unchanged then.
    pub fn set_calendar(&self, calendar: &DoctorCalendar) -> Result<()> {
        let mut guard = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let mut next = (**guard).clone();
        next.set_calendar(calendar)?;
        *guard = Arc::new(next);
        Ok(())
    }
}
