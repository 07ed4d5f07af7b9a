//! What is taken, as a binding call receives it: an [`Occupancy`] checked and indexed on
//! each call, or a [`PreparedOccupancy`] checked once; and the searches over either, so that
//! every binding takes the prepared path when it can.

use std::sync::Arc;

use medsched::{
    Availability, Occupancy, PreparedOccupancy, Result, SlotOptions, SlotRequest, SlotSeries,
    SlotSet, first_available_prepared_series, first_available_series,
};

/// An occupancy argument, read.
///
/// ```
/// use std::sync::Arc;
/// use medsched::{Occupancy, PreparedOccupancy};
/// use medsched_facade::occupancy::Taken;
///
/// let given = Taken::default();
/// assert!(given.occupancy().reservations.is_empty());
/// let prepared = Taken::Prepared(Arc::new(PreparedOccupancy::new(Occupancy::default())?));
/// assert!(prepared.prepared()?.occupancy().reservations.is_empty());
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone)]
pub enum Taken {
    /// As given: checked and indexed by each search.
    Given(Arc<Occupancy>),
    /// Checked and indexed once.
    Prepared(Arc<PreparedOccupancy>),
}

impl Default for Taken {
    /// Nothing taken.
    fn default() -> Self {
        Taken::Given(Arc::new(Occupancy::default()))
    }
}

impl Taken {
    /// A doctor's slots of a request, compact.
    ///
    /// # Errors
    ///
    /// As [`Availability::slot_set_of`] and [`Availability::slot_set`].
    pub fn slot_set(
        &self,
        doctor: &Availability,
        request: &SlotRequest,
        options: SlotOptions,
    ) -> Result<SlotSet> {
        match self {
            Taken::Given(o) => doctor.slot_set_of(request, o, options),
            Taken::Prepared(p) => doctor.slot_set(request, p, options),
        }
    }

    /// The occupancy itself.
    pub fn occupancy(&self) -> &Occupancy {
        match self {
            Taken::Given(o) => o,
            Taken::Prepared(p) => p.occupancy(),
        }
    }

    /// The occupancy prepared: as it is when prepared, else prepared now.
    ///
    /// # Errors
    ///
    /// As [`PreparedOccupancy::new`] for an occupancy as given.
    pub fn prepared(&self) -> Result<Arc<PreparedOccupancy>> {
        match self {
            Taken::Given(o) => Ok(Arc::new(PreparedOccupancy::new(o.as_ref().clone())?)),
            Taken::Prepared(p) => Ok(p.clone()),
        }
    }
}

/// The first `count` slots across doctors, each with what is taken of theirs
/// ([`medsched::first_available_series`]): through [`first_available_prepared_series`] when
/// every occupancy is prepared (nothing is checked during the search), else with each
/// prepared one read as given.
///
/// # Errors
///
/// As [`medsched::first_available_series`].
pub fn first_available(
    doctors: &[(Arc<Availability>, Taken)],
    request: &SlotRequest,
    count: u32,
) -> Result<SlotSeries> {
    let prepared: Option<Vec<(&Availability, &PreparedOccupancy)>> = (doctors.iter())
        .map(|(d, o)| match o {
            Taken::Prepared(p) => Some((&**d, &**p)),
            Taken::Given(_) => None,
        })
        .collect();
    match prepared {
        Some(prepared) => first_available_prepared_series(prepared, request, count),
        None => first_available_series(
            doctors.iter().map(|(d, o)| (&**d, o.occupancy())),
            request,
            count,
        ),
    }
}
