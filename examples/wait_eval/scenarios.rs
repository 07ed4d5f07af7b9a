//! The simulated clinics, and where their numbers come from.
//!
//! The generating processes here are deliberately NOT the estimator's model: consultation
//! lengths are gamma or bimodal (never lognormal), differ by visit type (by factors the
//! estimator must learn; the snapshot says each patient's visit type, as a host knows it),
//! the doctor can start late, the pace changes through the session, emergencies
//! can take longer than ordinary consults, arrival offsets are logistic (heavier-tailed than
//! normal) and the line can call booked patients at their slot times with walk-ins in the
//! gaps. Nothing in this file or in `sim.rs` imports the estimator's model.
//!
//! Sources (every number not listed is an assumption, stated as such in the table of
//! `docs/WAIT_ESTIMATION.md`):
//!
//! - Consultation length: Cayirli & Veral, 2003, *Production and Operations Management*
//!   12(4), review right-skewed service times fitted by lognormal and gamma, CV commonly
//!   0.35–0.85 (0.5 here; 0.9 in "gamma CV 0.9", just beyond that range, the figure of
//!   issue 18). Mean 7 min for a specialist OPD: an assumption within Irving et al., 2017,
//!   *BMJ Open* 7:e017902 (48 s to 22.5 min across 67 countries; Indian primary care about
//!   2 min), 4 min in the 60-patient clinic.
//! - Visit types: first visits take longer than reviews (the usual practice of giving new
//!   patients a double slot, Cayirli & Veral 2003 on patient classification); the factors
//!   (1.5 and 0.8) and shares are assumptions.
//! - No-shows 15%: Dantas et al., 2018, *Health Policy* 122(4) (23% mean over 105 studies,
//!   13% Oceania to 43% Africa).
//! - Arrival offsets: logistic, location −10 min, scale 8 (sd ≈ 14.5): Eftakhari et al.,
//!   2012, *American Journal of Operational Research* 2(2), fit generalized-logistic and
//!   Johnson SU offsets (heavier-tailed than the normal); the values are assumptions.
//! - Late doctors: 25 minutes, the figure of issue 18; how often: an assumption.
//! - Everything else (walk-in and emergency rates, pace curves, the bimodal mix, day
//!   factors): assumptions, stated per scenario.

/// How long consultations take around their mean (each draw has mean 1).
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Gamma with this coefficient of variation.
    Gamma { cv: f64 },
    /// A short and a long gamma component (each CV `cv`), the long one with chance `p_long`.
    Bimodal {
        short: f64,
        long: f64,
        p_long: f64,
        cv: f64,
    },
}

/// Who the doctor calls when free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallRule {
    /// The token queue's rule: the first present token of the line; absent booked tokens
    /// passed over are skipped and go back behind `reinsert_after` present patients.
    LineOrder,
    /// Not a rule of the token queue (a clinic that calls by the clock): booked patients
    /// present whose slot has come, in slot order; else the earliest present walk-in; else
    /// the earliest present booked patient (early for their slot). Nobody is skipped.
    BookedAtSlot,
}

/// The doctor's start: on time (within `punctual_minutes`, uniform) or, with chance
/// `p_late`, late by a normal delay (at least `late_floor`).
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub punctual_minutes: f64,
    pub p_late: f64,
    pub late_mean: f64,
    pub late_sd: f64,
    pub late_floor: f64,
    /// On late days, staff say "delayed until" (`doctor_expected_at`) from this many
    /// minutes after the session start on.
    pub announce: Option<Announce>,
}

/// Staff's "delayed until": from `at` (minutes from the session start) on a late day, an
/// announced start off the true one by a normal error of sd `error_sd` minutes.
#[derive(Debug, Clone, Copy)]
pub struct Announce {
    pub at: f64,
    pub error_sd: f64,
}

/// The parameters of one simulated clinic.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Booked tokens, numbers 1..=booked, one per slot from the session start.
    pub booked: u32,
    pub slot_minutes: f64,
    pub session_minutes: f64,
    /// Share of booked tokens taken by phone (their kind only).
    pub phone_share: f64,
    pub no_show: f64,
    /// Logistic arrival offset (minutes from the slot): location and scale.
    pub offset_location: f64,
    pub offset_scale: f64,
    /// Earliest arrival, minutes from the session start.
    pub earliest_arrival: f64,
    pub walk_ins_per_hour: f64,
    /// Walk-ins arrive in [from, until), minutes from the session start.
    pub walk_ins_from: f64,
    pub walk_ins_until: f64,
    pub emergencies_per_hour: f64,
    /// An emergency (to the head of the line, behind earlier emergencies) takes this many
    /// times an ordinary consult.
    pub emergency_factor: f64,
    /// Mean consultation of the typical doctor, minutes; doctors vary by a gamma factor.
    pub mean_minutes: f64,
    pub doctor_cv: f64,
    /// Day factor: gamma, mean 1, this CV (the day's case mix; hidden).
    pub day_cv: f64,
    pub shape: Shape,
    /// Share of first visits among booked patients and among walk-ins; first visits take
    /// `first_factor`, reviews `review_factor` times the mean.
    pub first_share_booked: f64,
    pub first_share_walk_in: f64,
    pub first_factor: f64,
    pub review_factor: f64,
    /// Pace through the session: (until minute, factor); the last factor holds after.
    pub pace: [(f64, f64); 3],
    pub start: Start,
    pub call_rule: CallRule,
    /// Walk-ins go ahead of the first waiting booked token due after they arrive (the
    /// queue's `WalkInPlacement::BetweenSlots`); else at the end.
    pub walk_ins_between_slots: bool,
    /// Emergencies go ahead of earlier emergencies (the queue's `EmergencyOrder::Lifo`).
    pub emergencies_lifo: bool,
    /// A late arrival goes back behind this many present patients.
    pub reinsert_after: usize,
}

const ORDINARY_START: Start = Start {
    punctual_minutes: 3.0,
    p_late: 0.3,
    late_mean: 8.0,
    late_sd: 4.0,
    late_floor: 3.0,
    announce: None,
};

/// The ordinary day.
pub const ORDINARY: Params = Params {
    booked: 20,
    slot_minutes: 10.0,
    session_minutes: 240.0,
    phone_share: 0.25,
    no_show: 0.15,
    offset_location: -10.0,
    offset_scale: 8.0,
    earliest_arrival: -60.0,
    walk_ins_per_hour: 4.0,
    walk_ins_from: -30.0,
    walk_ins_until: 210.0,
    emergencies_per_hour: 0.15,
    emergency_factor: 1.5,
    mean_minutes: 7.0,
    doctor_cv: 0.2,
    day_cv: 0.12,
    shape: Shape::Gamma { cv: 0.5 },
    first_share_booked: 0.3,
    first_share_walk_in: 0.6,
    first_factor: 1.5,
    review_factor: 0.8,
    pace: [(f64::INFINITY, 1.0); 3],
    start: ORDINARY_START,
    call_rule: CallRule::LineOrder,
    walk_ins_between_slots: false,
    emergencies_lifo: false,
    reinsert_after: 3,
};

/// One scenario: a clinic, what it breaks, and a short name.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    pub params: Params,
}

pub fn all() -> Vec<Scenario> {
    let late = Start {
        p_late: 0.5,
        late_mean: 25.0,
        late_sd: 8.0,
        late_floor: 10.0,
        ..ORDINARY_START
    };
    vec![
        Scenario {
            name: "ordinary",
            params: ORDINARY,
        },
        Scenario {
            name: "gamma CV 0.9",
            params: Params {
                shape: Shape::Gamma { cv: 0.9 },
                ..ORDINARY
            },
        },
        Scenario {
            name: "bimodal",
            params: Params {
                shape: Shape::Bimodal {
                    short: 0.55,
                    long: 2.05,
                    p_long: 0.3,
                    cv: 0.25,
                },
                ..ORDINARY
            },
        },
        Scenario {
            name: "late doctor",
            params: Params {
                start: late,
                ..ORDINARY
            },
        },
        Scenario {
            name: "long emergencies",
            params: Params {
                emergencies_per_hour: 1.0,
                emergency_factor: 3.0,
                ..ORDINARY
            },
        },
        Scenario {
            name: "long emergencies, LIFO",
            params: Params {
                emergencies_per_hour: 1.0,
                emergency_factor: 3.0,
                emergencies_lifo: true,
                ..ORDINARY
            },
        },
        Scenario {
            name: "time-of-day pace",
            params: Params {
                pace: [(30.0, 1.3), (150.0, 0.85), (f64::INFINITY, 1.15)],
                ..ORDINARY
            },
        },
        Scenario {
            name: "walk-ins in gaps",
            params: Params {
                walk_ins_between_slots: true,
                ..ORDINARY
            },
        },
        Scenario {
            name: "called by the clock",
            params: Params {
                call_rule: CallRule::BookedAtSlot,
                walk_ins_between_slots: true,
                ..ORDINARY
            },
        },
        Scenario {
            name: "10-patient clinic",
            params: Params {
                booked: 9,
                slot_minutes: 12.0,
                session_minutes: 120.0,
                walk_ins_per_hour: 1.0,
                walk_ins_until: 100.0,
                ..ORDINARY
            },
        },
        Scenario {
            name: "60-patient clinic",
            params: Params {
                booked: 48,
                slot_minutes: 5.0,
                mean_minutes: 4.0,
                ..ORDINARY
            },
        },
        Scenario {
            name: "late doctor, delay announced",
            params: Params {
                start: Start {
                    announce: Some(Announce {
                        at: -15.0,
                        error_sd: 8.0,
                    }),
                    ..late
                },
                ..ORDINARY
            },
        },
    ]
}
