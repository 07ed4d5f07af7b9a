//! The wait estimators a binding names as text.

use medsched::wait::{
    CalibratedQueueEstimator, MovingAverageEstimator, QueueEstimator, WaitEstimator,
};
use medsched::{Error, Problem, Result};

/// A wait estimator chosen by name: `"queue"` ([`QueueEstimator`]), `"calibrated"`
/// ([`CalibratedQueueEstimator`]: the queue estimator corrected by the doctor's own past
/// residuals) or `"moving_average"` ([`MovingAverageEstimator`], with its window and P90
/// factor, the core's defaults where not given).
///
/// ```
/// use medsched::wait::WaitEstimator;
/// use medsched_facade::EstimatorChoice;
///
/// let baseline = EstimatorChoice::from_name("moving_average", Some(10), None)?;
/// assert_eq!(baseline.get().name(), "moving_average");
/// let shown = EstimatorChoice::from_name("calibrated", None, None)?;
/// assert_eq!(shown.get().name(), "calibrated");
/// assert!(EstimatorChoice::from_name("crystal_ball", None, None).is_err());
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone)]
pub enum EstimatorChoice {
    /// The queue estimator.
    Queue(QueueEstimator),
    /// The queue estimator with the doctor's calibration.
    Calibrated(CalibratedQueueEstimator),
    /// The seed's moving-average baseline.
    MovingAverage(MovingAverageEstimator),
}

impl EstimatorChoice {
    /// The estimator of a name; `window` and `p90_factor` tune the moving average only.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the field `estimator` for an unknown name.
    pub fn from_name(
        name: &str,
        window: Option<usize>,
        p90_factor: Option<f64>,
    ) -> Result<EstimatorChoice> {
        match name {
            "queue" => Ok(EstimatorChoice::Queue(QueueEstimator)),
            "calibrated" => Ok(EstimatorChoice::Calibrated(CalibratedQueueEstimator)),
            "moving_average" => {
                let default = MovingAverageEstimator::default();
                Ok(EstimatorChoice::MovingAverage(MovingAverageEstimator {
                    window: window.unwrap_or(default.window),
                    p90_factor: p90_factor.unwrap_or(default.p90_factor),
                }))
            }
            other => Err(Error::invalid_input(
                "estimator",
                other,
                Problem::UnknownReference,
            )),
        }
    }

    /// The estimator.
    pub fn get(&self) -> &dyn WaitEstimator {
        match self {
            EstimatorChoice::Queue(e) => e,
            EstimatorChoice::Calibrated(e) => e,
            EstimatorChoice::MovingAverage(e) => e,
        }
    }
}
