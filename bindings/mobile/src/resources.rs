//! Several resources per appointment and team pools (docs/RESOURCES.md): joint slot
//! searches, joint bookings and pool bookings; and first-available with its `truncated`
//! flag.

use std::sync::Arc;
use std::time::SystemTime;

use medsched::SlotRequest;
use medsched::booking::{JointBookRequest, PoolBookRequest};
use medsched_facade::json::parse;
use medsched_facade::occupancy::{Taken, first_available};
use medsched_facade::resources;

use crate::bookings::{Bookings, with_request};
use crate::error::Result;
use crate::schedule::{
    Availability, DoctorOccupancy, Schedule, SlotSeries, doctor_pairs, occupancy,
};

#[uniffi::export]
impl Availability {
    /// The slots of a `SlotRequest` JSON this doctor can take with every doctor of `others`
    /// and a seat of every piece of `equipment` (room ids) at once, given what is taken
    /// (`Occupancy` JSON; none when absent), at most `limit` (all when absent).
    #[uniffi::method(default(occupancy_json = None, limit = None))]
    pub fn joint_slots(
        &self,
        others: Vec<Arc<Availability>>,
        equipment: Vec<String>,
        request_json: String,
        occupancy_json: Option<String>,
        limit: Option<u32>,
    ) -> Result<Arc<SlotSeries>> {
        let request: SlotRequest = parse("request", &request_json)?;
        let taken = Taken::Given(Arc::new(occupancy("occupancy", occupancy_json.as_deref())?));
        let others: Vec<&medsched::Availability> = others.iter().map(|o| &*o.inner).collect();
        let inner =
            resources::joint_slots(&self.inner, &others, &equipment, &request, &taken, limit)?;
        Ok(Arc::new(SlotSeries { inner }))
    }
}

/// The first `count` slots across doctors for a `SlotRequest` JSON, earliest first, as a
/// series whose `truncated()` says whether the search stopped looking before the end of the
/// request's window (more slots may follow).
#[uniffi::export]
pub fn first_available_series(
    doctors: Vec<DoctorOccupancy>,
    request_json: String,
    count: u32,
) -> Result<Arc<SlotSeries>> {
    let request: SlotRequest = parse("request", &request_json)?;
    let inner = first_available(&doctor_pairs(&doctors)?, &request, count)?;
    Ok(Arc::new(SlotSeries { inner }))
}

#[uniffi::export]
impl Bookings {
    /// Books a slot with other clinicians and equipment at once (`JointBookRequest` JSON):
    /// all of them or none; returns the `Appointment` JSON.
    pub fn book_joint(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        request_json: String,
    ) -> Result<String> {
        with_request(
            (schedule, &actor_json, now),
            &request_json,
            |c, r: JointBookRequest| self.inner.book_joint(&c.schedule, &c.actor, c.now, r),
        )
    }

    /// Books a slot with a doctor of a team pool, chosen by the pool's rule
    /// (`PoolBookRequest` JSON); returns the `PoolBooking` JSON (the appointment and why
    /// that doctor).
    pub fn book_from_pool(
        &self,
        schedule: &Schedule,
        actor_json: String,
        now: SystemTime,
        request_json: String,
    ) -> Result<String> {
        with_request(
            (schedule, &actor_json, now),
            &request_json,
            |c, r: PoolBookRequest| self.inner.book_from_pool(&c.schedule, &c.actor, c.now, r),
        )
    }
}
