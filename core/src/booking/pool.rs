//! Team pools: "any doctor of this pool", and the rule that picks one (docs/RESOURCES.md).

use serde::{Deserialize, Serialize};

use crate::{Error, Id, Problem, Result, Unavailable};

/// The most doctors a pool may hold (each is asked about the slot once per decision).
pub const MAX_POOL_DOCTORS: usize = 64;

/// Doctors who can take each other's patients, and how one of them is chosen.
///
/// # Example
///
/// ```
/// use medsched::booking::{AssignmentRule, Pool};
///
/// let pool = Pool {
///     id: "gp-team".into(),
///     doctor_ids: vec!["dr-ash".into(), "dr-bay".into()],
///     rule: AssignmentRule::LeastLoaded,
/// };
/// assert_eq!(pool.doctor_ids.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// The pool's id.
    pub id: Id,
    /// Its doctors, in the order that breaks every tie (at least 1, at most
    /// [`MAX_POOL_DOCTORS`], none twice).
    pub doctor_ids: Vec<Id>,
    /// How a doctor is chosen among those free.
    pub rule: AssignmentRule,
}

/// How a pool chooses among its doctors free at the asked start. Ties go to the doctor
/// listed first in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum AssignmentRule {
    /// The first free doctor in pool order.
    FirstFree,
    /// The free doctor with the fewest appointments on the day book (round robin by count:
    /// each booking moves the next one on).
    RoundRobin,
    /// The free doctor with the fewest booked minutes on the day book.
    LeastLoaded,
    /// `doctor_id` when free; otherwise the first free doctor in pool order.
    Preferred {
        /// The preferred doctor, one of the pool.
        doctor_id: Id,
    },
}

/// A pool doctor as the rule sees them at the asked start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolCandidate {
    /// The doctor.
    pub doctor_id: Id,
    /// Why the slot engine does not offer them the slot; `None` when free.
    pub unavailable: Option<Unavailable>,
    /// Their appointments on the day book (as lead or as another clinician).
    pub bookings: u32,
    /// The minutes of those appointments.
    pub booked_minutes: u32,
}

/// Why a pool chose its doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AssignmentReason {
    /// The first free doctor in pool order (rule `first_free`), at this place in the pool
    /// (0 is the first).
    FirstFree {
        /// The doctor's place in the pool.
        position: u32,
    },
    /// The free doctor with the fewest appointments that day (rule `round_robin`).
    FewestBookings {
        /// Their appointments that day.
        bookings: u32,
    },
    /// The free doctor with the fewest booked minutes that day (rule `least_loaded`).
    LeastLoaded {
        /// Their booked minutes that day.
        booked_minutes: u32,
    },
    /// The preferred doctor, free (rule `preferred`).
    Preferred,
    /// The same appointment was booked before with this doctor of the pool (a repeat).
    AlreadyBooked,
    /// The preferred doctor is not free; the first free doctor in pool order instead.
    PreferredUnavailable {
        /// Why the preferred doctor is not free.
        reason: Unavailable,
        /// The chosen doctor's place in the pool.
        position: u32,
    },
}

/// A pool doctor passed over because the slot engine does not offer them the slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PassedOver {
    /// The doctor.
    pub doctor_id: Id,
    /// Why they are not free.
    pub reason: Unavailable,
}

/// The doctor a pool chose, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The pool.
    pub pool_id: Id,
    /// The chosen doctor.
    pub doctor_id: Id,
    /// Why the rule chose them.
    pub reason: AssignmentReason,
    /// The pool's doctors not free at the start, in pool order.
    pub passed_over: Vec<PassedOver>,
}

impl Pool {
    /// Checks the pool: an id, 1 to [`MAX_POOL_DOCTORS`] doctors, none twice, a preferred
    /// doctor of the pool.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the field (`pool.doctor_ids[2]`, `pool.rule.doctor_id`).
    pub fn validate(&self) -> Result<()> {
        if self.id.is_empty() {
            return Err(Error::invalid(
                "pool.id",
                "",
                Problem::Missing("an id".into()),
            ));
        }
        let n = self.doctor_ids.len();
        if n == 0 || n > MAX_POOL_DOCTORS {
            return Err(Error::invalid(
                "pool.doctor_ids",
                n,
                Problem::OutOfRange(format!("1 to {MAX_POOL_DOCTORS} doctors")),
            ));
        }
        for (i, d) in self.doctor_ids.iter().enumerate() {
            if self.doctor_ids[..i].contains(d) {
                return Err(Error::invalid(
                    format!("pool.doctor_ids[{i}]"),
                    d,
                    Problem::DuplicateId,
                ));
            }
        }
        if let AssignmentRule::Preferred { doctor_id } = &self.rule
            && !self.doctor_ids.contains(doctor_id)
        {
            return Err(Error::invalid(
                "pool.rule.doctor_id",
                doctor_id,
                Problem::UnknownReference,
            ));
        }
        Ok(())
    }
}

/// Chooses a doctor of `pool` by its rule among `candidates` (the pool's doctors in pool
/// order, as the day book sees them at the asked start). Pure: the same candidates give
/// the same choice; ties go to the doctor first in the pool.
///
/// # Errors
///
/// [`Error::InvalidInput`] for a bad pool ([`Pool::validate`]) or candidates that are not
/// the pool's doctors in its order (`candidates`); [`Error::SlotUnavailable`] with the
/// first doctor's reason when no doctor is free.
///
/// # Example
///
/// ```
/// use medsched::booking::{assign, AssignmentReason, AssignmentRule, Pool, PoolCandidate};
/// use medsched::Unavailable;
/// use chrono::{DateTime, Utc};
///
/// let pool = Pool {
///     id: "gp-team".into(),
///     doctor_ids: vec!["dr-ash".into(), "dr-bay".into(), "dr-cole".into()],
///     rule: AssignmentRule::RoundRobin,
/// };
/// let candidate = |id: &str, unavailable, bookings| PoolCandidate {
///     doctor_id: id.into(), unavailable, bookings, booked_minutes: 15 * bookings,
/// };
/// let start = "2026-03-03T09:00:00Z".parse::<DateTime<Utc>>().unwrap();
/// let chosen = assign(&pool, start, &[
///     candidate("dr-ash", None, 3),
///     candidate("dr-bay", Some(Unavailable::Booked), 1),
///     candidate("dr-cole", None, 2),
/// ])?;
/// assert_eq!(chosen.doctor_id.as_str(), "dr-cole");
/// assert_eq!(chosen.reason, AssignmentReason::FewestBookings { bookings: 2 });
/// assert_eq!(chosen.passed_over[0].doctor_id.as_str(), "dr-bay");
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn assign(
    pool: &Pool,
    start: chrono::DateTime<chrono::Utc>,
    candidates: &[PoolCandidate],
) -> Result<Assignment> {
    pool.validate()?;
    let in_order = candidates.len() == pool.doctor_ids.len()
        && candidates
            .iter()
            .zip(&pool.doctor_ids)
            .all(|(c, d)| c.doctor_id == *d);
    if !in_order {
        return Err(Error::invalid(
            "candidates",
            candidates.len(),
            Problem::Conflicting("not the pool's doctors in its order".into()),
        ));
    }
    let free = || {
        candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.unavailable.is_none())
    };
    let first_free = free().next();
    let Some((first_at, _)) = first_free else {
        return Err(Error::SlotUnavailable {
            doctor_id: candidates[0].doctor_id.clone(),
            start,
            reason: candidates[0]
                .unavailable
                .clone()
                .unwrap_or(Unavailable::Booked),
        });
    };
    let position = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let first = (first_at, &candidates[first_at]);
    // `min_by_key` keeps the first of equal keys: the doctor first in the pool.
    let (chosen, reason) = match &pool.rule {
        AssignmentRule::FirstFree => (
            first_at,
            AssignmentReason::FirstFree {
                position: position(first_at),
            },
        ),
        AssignmentRule::RoundRobin => {
            let (i, c) = free().min_by_key(|(_, c)| c.bookings).unwrap_or(first);
            let bookings = c.bookings;
            (i, AssignmentReason::FewestBookings { bookings })
        }
        AssignmentRule::LeastLoaded => {
            let (i, c) = free()
                .min_by_key(|(_, c)| c.booked_minutes)
                .unwrap_or(first);
            let booked_minutes = c.booked_minutes;
            (i, AssignmentReason::LeastLoaded { booked_minutes })
        }
        AssignmentRule::Preferred { doctor_id } => {
            // `validate` and the order check put the preferred doctor among the candidates.
            let preferred = candidates.iter().position(|c| c.doctor_id == *doctor_id);
            match preferred.map(|i| (i, &candidates[i].unavailable)) {
                Some((i, None)) => (i, AssignmentReason::Preferred),
                Some((_, Some(reason))) => (
                    first_at,
                    AssignmentReason::PreferredUnavailable {
                        reason: reason.clone(),
                        position: position(first_at),
                    },
                ),
                None => (
                    first_at,
                    AssignmentReason::FirstFree {
                        position: position(first_at),
                    },
                ),
            }
        }
    };
    Ok(Assignment {
        pool_id: pool.id.clone(),
        doctor_id: candidates[chosen].doctor_id.clone(),
        reason,
        passed_over: candidates
            .iter()
            .filter_map(|c| {
                c.unavailable.clone().map(|reason| PassedOver {
                    doctor_id: c.doctor_id.clone(),
                    reason,
                })
            })
            .collect(),
    })
}
