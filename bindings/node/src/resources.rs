//! Several resources per appointment and team pools (docs/RESOURCES.md): joint slot
//! searches, joint bookings and pool bookings; and a doctor's resolved time as a response
//! body.

use std::sync::Arc;

use medsched::booking::{JointBookRequest, PoolBookRequest};
use medsched::{Availability as CoreAvailability, SlotRequest};
use medsched_facade::json::{parse, text};
use medsched_facade::occupancy::Taken;
use medsched_facade::resources;
use medsched_facade::values::instant;
use napi::Env;
use napi::bindgen_prelude::{BufferSlice, ClassInstance, Either, PromiseRaw};
use napi_derive::napi;

use crate::body::body;
use crate::bookings::Bookings;
use crate::errors::{Result, done, spawn};
use crate::schedule::{Availability, Occupancy, Schedule, occupancy_of};
use crate::twins::{Work, service_calls};

/// A joint slot search, its arguments read.
struct JointSearch {
    lead: Arc<CoreAvailability>,
    others: Vec<Arc<CoreAvailability>>,
    equipment: Vec<String>,
    request: SlotRequest,
    occupancy: Taken,
    limit: Option<u32>,
}

impl JointSearch {
    fn read(
        lead: &Availability,
        others: Vec<ClassInstance<'_, Availability>>,
        equipment: Vec<String>,
        request: String,
        occupancy: Option<Either<String, ClassInstance<'_, Occupancy>>>,
        limit: Option<u32>,
    ) -> Result<JointSearch> {
        let request: SlotRequest = done(parse("request", &request))?;
        let occupancy = occupancy_of("occupancy", occupancy)?;
        Ok(JointSearch {
            lead: lead.inner.clone(),
            others: others.iter().map(|o| o.inner.clone()).collect(),
            equipment,
            request,
            occupancy,
            limit,
        })
    }

    /// The joint slots, as `SlotSeries` JSON.
    fn run(self) -> medsched::Result<String> {
        let others: Vec<&CoreAvailability> = self.others.iter().map(Arc::as_ref).collect();
        let series = resources::joint_slots(
            &self.lead,
            &others,
            &self.equipment,
            &self.request,
            &self.occupancy,
            self.limit,
        )?;
        Ok(text(&series))
    }
}

#[napi]
impl Availability {
    /// As [`resolve`](Availability::resolve), as the UTF-8 bytes of the intervals' JSON (a
    /// list): a route handler's response body.
    #[napi(ts_return_type = "Buffer")]
    pub fn resolve_json<'env>(
        &self,
        env: &'env Env,
        start: String,
        end: String,
    ) -> Result<BufferSlice<'env>> {
        let (start, end) = (done(instant("start", &start))?, done(instant("end", &end))?);
        let intervals = done(self.inner.resolve(start, end))?;
        body(env, |out| {
            medsched::Interval::write_json_list(&intervals, out)
        })
    }

    /// The slots of a `SlotRequest` (JSON) this doctor can take with every doctor of
    /// `others` and a seat of every piece of `equipment` (room ids) at once, given what is
    /// taken, at most `limit`, as `SlotSeries` JSON.
    #[napi]
    pub fn joint_slots(
        &self,
        others: Vec<ClassInstance<'_, Availability>>,
        equipment: Vec<String>,
        request: String,
        #[napi(ts_arg_type = "string | Occupancy | null")] occupancy: Option<
            Either<String, ClassInstance<'_, Occupancy>>,
        >,
        limit: Option<u32>,
    ) -> Result<String> {
        done(JointSearch::read(self, others, equipment, request, occupancy, limit)?.run())
    }

    /// As [`joint_slots`](Availability::joint_slots), off the JavaScript thread.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn joint_slots_async<'env>(
        &self,
        env: &'env Env,
        others: Vec<ClassInstance<'_, Availability>>,
        equipment: Vec<String>,
        request: String,
        #[napi(ts_arg_type = "string | Occupancy | null")] occupancy: Option<
            Either<String, ClassInstance<'_, Occupancy>>,
        >,
        limit: Option<u32>,
    ) -> Result<PromiseRaw<'env, String>> {
        let search = JointSearch::read(self, others, equipment, request, occupancy, limit)?;
        spawn(env, async move { search.run() })
    }
}

impl Bookings {
    fn book_joint_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<impl Work<String>> {
        self.request_work(
            (schedule, actor, now),
            request,
            |s, c, r: JointBookRequest| async move {
                s.book_joint(&c.schedule, &c.actor, c.now, r).await
            },
        )
    }

    fn book_from_pool_work(
        &self,
        schedule: &Schedule,
        actor: String,
        now: String,
        request: String,
    ) -> Result<impl Work<String>> {
        self.request_work(
            (schedule, actor, now),
            request,
            |s, c, r: PoolBookRequest| async move {
                s.book_from_pool(&c.schedule, &c.actor, c.now, r).await
            },
        )
    }
}

service_calls! {
    impl Bookings {
        #[doc = "Books a slot with other clinicians and equipment at once (`JointBookRequest` JSON); the `Appointment` as JSON."]
        fn book_joint(
            schedule: &Schedule, actor: String, now: String, request: String,
        ) -> String = book_joint_work(schedule, actor, now, request);
        #[doc = "As `bookJoint`, off the JavaScript thread."]
        async fn book_joint_async -> "Promise<string>";

        #[doc = "Books a slot with a doctor of a team pool chosen by its rule (`PoolBookRequest` JSON); the `PoolBooking` as JSON."]
        fn book_from_pool(
            schedule: &Schedule, actor: String, now: String, request: String,
        ) -> String = book_from_pool_work(schedule, actor, now, request);
        #[doc = "As `bookFromPool`, off the JavaScript thread."]
        async fn book_from_pool_async -> "Promise<string>";
    }
}
