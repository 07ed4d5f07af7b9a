//! Wait-time estimation for a doctor's token line.
//!
//! The token queue describes the line at `now` as a [`QueueSnapshot`]; the doctor's past is
//! a [`DoctorHistory`]. A [`WaitEstimator`] turns both into one [`WaitEstimate`] per waiting
//! token: the expected minutes until its consult starts and a P90 bound. Two estimators:
//!
//! - [`MovingAverageEstimator`]: average duration × patients ahead (the usual display);
//! - [`QueueEstimator`]: today's speed shrunk toward history, the rest of the running
//!   consult from its duration distribution, the doctor's start, absent patients, late
//!   returns and emergencies;
//! - [`CalibratedQueueEstimator`]: the same, corrected by the doctor's own past residuals
//!   ([`WaitCalibration`]).
//!
//! `docs/WAIT_ESTIMATION.md` gives the method, the simulator it is evaluated on
//! (`cargo run --release --example wait_eval`) and the results.

mod arrivals;
mod baseline;
mod calibration;
mod durations;
mod estimator;
mod from_queue;
mod history;
mod kinds;
mod line;
mod queue_history;
mod rates;
mod snapshot;
mod speed;
mod start;
mod stats;
mod tail;

pub use baseline::MovingAverageEstimator;
pub use calibration::{
    CalibratedQueueEstimator, HORIZON_EDGES, HorizonCalibration, PastEstimate, WaitCalibration,
};
pub use durations::DurationPrior;
pub use estimator::QueueEstimator;
pub use history::{DoctorHistory, PastDay};
pub use kinds::{KindFactors, VisitFactors};
pub use rates::QueueRates;
pub use snapshot::{
    Consultation, IssuedCounts, QueueSnapshot, SkippedToken, VisitType, WaitEstimate,
    WaitEstimator, WaitingToken,
};
pub(crate) use snapshot::{after, minutes_between};
