//! Booking limits: the most bookings a doctor takes per local day, week and month, and the
//! most booked minutes per local day (docs/RULES.md, "Booking limits").

use serde::{Deserialize, Serialize};

/// The most bookings a doctor takes, counted in the local days of the slot's location.
///
/// On [`DoctorCalendar::booking_limits`](crate::DoctorCalendar::booking_limits) the doctor's
/// bookings of every type count; on
/// [`AppointmentType::booking_limits`](crate::AppointmentType::booking_limits) only the
/// doctor's bookings of that type (reservations whose `appointment_type_id` is the type's id).
/// Bookings and live holds count; a reservation belongs to the local date of its start. A
/// week is an ISO week (Monday to Sunday, local), a month a calendar month (local). `None`
/// sets no limit; a limit of zero is refused (close the time with a rule instead).
///
/// # Example
///
/// ```
/// use medsched::{BookingLimits, DoctorCalendar};
///
/// let mut calendar = DoctorCalendar::new("dr-lee");
/// calendar.booking_limits = BookingLimits {
///     per_day: Some(12),
///     minutes_per_day: Some(240),
///     ..BookingLimits::default()
/// };
/// assert_eq!(calendar.booking_limits.per_week, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct BookingLimits {
    /// Most bookings per local day.
    pub per_day: Option<u32>,
    /// Most bookings per local ISO week (Monday to Sunday).
    pub per_week: Option<u32>,
    /// Most bookings per local calendar month.
    pub per_month: Option<u32>,
    /// Most booked minutes per local day (appointment lengths, buffers not counted).
    pub minutes_per_day: Option<u32>,
}

impl BookingLimits {
    /// Whether no limit is set.
    ///
    /// ```
    /// use medsched::BookingLimits;
    ///
    /// assert!(BookingLimits::default().is_empty());
    /// assert!(!BookingLimits { per_month: Some(40), ..BookingLimits::default() }.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries().iter().all(|(_, max)| max.is_none())
    }

    /// Each limit with its kind, in the order they are checked.
    ///
    /// ```
    /// use medsched::{BookingLimitKind, BookingLimits};
    ///
    /// let limits = BookingLimits { per_week: Some(30), ..BookingLimits::default() };
    /// assert_eq!(limits.entries()[1], (BookingLimitKind::PerWeek, Some(30)));
    /// ```
    pub fn entries(&self) -> [(BookingLimitKind, Option<u32>); 4] {
        [
            (BookingLimitKind::PerDay, self.per_day),
            (BookingLimitKind::PerWeek, self.per_week),
            (BookingLimitKind::PerMonth, self.per_month),
            (BookingLimitKind::MinutesPerDay, self.minutes_per_day),
        ]
    }
}

/// Which booking limit a slot reached.
///
/// ```
/// use medsched::BookingLimitKind;
///
/// assert_eq!(BookingLimitKind::MinutesPerDay.field(), "minutes_per_day");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingLimitKind {
    /// Bookings per local day.
    PerDay,
    /// Bookings per local ISO week.
    PerWeek,
    /// Bookings per local calendar month.
    PerMonth,
    /// Booked minutes per local day.
    MinutesPerDay,
}

impl BookingLimitKind {
    /// The field of [`BookingLimits`] that sets it, as in JSON.
    pub fn field(self) -> &'static str {
        match self {
            BookingLimitKind::PerDay => "per_day",
            BookingLimitKind::PerWeek => "per_week",
            BookingLimitKind::PerMonth => "per_month",
            BookingLimitKind::MinutesPerDay => "minutes_per_day",
        }
    }
}
