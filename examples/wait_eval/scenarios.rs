//! The simulated clinics, and where their numbers come from.
//!
//! One doctor, one session of 09:00–13:00 (Asia/Kolkata), a token line. Sources:
//!
//! - **Consultation length.** Lognormal: Cayirli & Veral, 2003, "Outpatient scheduling in
//!   health care: a review of literature", *Production and Operations Management* 12(4),
//!   review right-skewed service times (lognormal and gamma fits) with coefficients of
//!   variation commonly put at 0.35–0.85. Median 7 minutes: Irving et al., 2017,
//!   "International variations in primary care physician consultation time: a systematic
//!   review of 67 countries", *BMJ Open* 7:e017902, find averages from 48 s (Bangladesh) to
//!   22.5 min (Sweden), 5 minutes or less in 18 countries with half the world's population;
//!   Indian primary care is among the shortest (about 2 minutes). A specialist OPD is
//!   slower; 7 minutes, within a 6–8 minute range, is an assumption. Within-day log-sd 0.5
//!   (CV 0.53), 0.8 (CV 0.95) when highly variable.
//! - **Doctors and days.** Each doctor's median is 7 min × a lognormal factor (log-sd 0.2,
//!   about 5–10 minutes); each day multiplies it by a day factor (log-sd 0.15; 0.3 when
//!   highly variable): an assumption standing for the day's case mix and pace, not a
//!   published figure.
//! - **Load.** A doctor facing a long line shortens consultations: each patient present
//!   beyond 5 takes 1.5% off, down to 85% (KC & Terwiesch, 2009, "Impact of workload on
//!   service time and patient safety", *Management Science* 55(9), find that health-care
//!   workers accelerate as load increases; the size here is an assumption). Estimators do
//!   not know this rule; the host records how many waited at each consult's start.
//! - **Booked patients.** Tokens 1..B, one per 10-minute slot from 09:00, a quarter by
//!   phone. No-shows 15% (25% when disrupted): Dantas et al., 2018, "No-shows in
//!   appointment scheduling – a systematic literature review", *Health Policy* 122(4),
//!   find 23% on average over 105 studies (13% in Oceania to 43% in Africa). Arrival
//!   offset normal, mean −10 min, sd 15 (mean 0, sd 25 when disrupted), not before 08:00:
//!   the normal offset is the classic assumption of the scheduling literature (Cayirli &
//!   Veral, 2003, review unpunctuality studies where patients come early on average);
//!   measured offsets are heavier-tailed (Eftakhari et al., 2012, *American Journal of
//!   Operational Research* 2(2), fit generalized logistic and Johnson SU). The values are
//!   assumptions.
//! - **Walk-ins.** Poisson, 4 per hour from 08:30 to 12:30 (8 per hour under heavy load);
//!   each gets the next number at the end of the line. An assumption.
//! - **Emergencies.** Poisson during the session, 0.15 per hour (1 per hour when
//!   disrupted), each to the head of the line behind earlier emergencies, without
//!   interrupting the consult. An assumption.
//! - **The line.** The doctor, when free (from 09:00), calls the first present token;
//!   absent booked tokens passed over are skipped. A skipped patient who comes later is put
//!   back behind the next 3 waiting tokens. After 13:00 the doctor finishes the patients
//!   present and leaves; later arrivals are not seen.

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
    pub arrival_offset_mean: f64,
    pub arrival_offset_sd: f64,
    /// Earliest arrival, minutes from the session start.
    pub earliest_arrival: f64,
    pub walk_ins_per_hour: f64,
    /// Walk-ins arrive in [from, until), minutes from the session start.
    pub walk_ins_from: f64,
    pub walk_ins_until: f64,
    pub emergencies_per_hour: f64,
    /// Median consultation of the typical doctor, minutes.
    pub median_minutes: f64,
    /// Log-sd of doctors' medians around it.
    pub doctor_sd: f64,
    /// Within-day log-sd of durations.
    pub log_sd: f64,
    /// Log-sd of the day factor.
    pub day_sd: f64,
    /// Load effect: patients present beyond `load_free` each take `load_step` off, down to
    /// `load_floor`.
    pub load_free: usize,
    pub load_step: f64,
    pub load_floor: f64,
    /// A late arrival goes back behind this many waiting tokens.
    pub reinsert_after: usize,
}

pub const BASE: Params = Params {
    booked: 20,
    slot_minutes: 10.0,
    session_minutes: 240.0,
    phone_share: 0.25,
    no_show: 0.15,
    arrival_offset_mean: -10.0,
    arrival_offset_sd: 15.0,
    earliest_arrival: -60.0,
    walk_ins_per_hour: 4.0,
    walk_ins_from: -30.0,
    walk_ins_until: 210.0,
    emergencies_per_hour: 0.15,
    median_minutes: 7.0,
    doctor_sd: 0.2,
    log_sd: 0.5,
    day_sd: 0.15,
    load_free: 5,
    load_step: 0.015,
    load_floor: 0.85,
    reinsert_after: 3,
};

/// Which snapshots are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moments {
    /// From the session start: at every check-in and every 5 minutes.
    InSession,
    /// Before the session opens: when each booking is made (1 hour to 3 days ahead), every
    /// 5 minutes in the last hour, and at every check-in before 09:00.
    PreSession,
}

/// One scenario: a clinic and the snapshots scored on it.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    pub params: Params,
    pub moments: Moments,
}

pub fn all() -> Vec<Scenario> {
    let in_session = |name, params| Scenario {
        name,
        params,
        moments: Moments::InSession,
    };
    vec![
        in_session("base", BASE),
        in_session(
            "heavy load",
            Params {
                booked: 24,
                walk_ins_per_hour: 8.0,
                ..BASE
            },
        ),
        in_session(
            "high variance",
            Params {
                log_sd: 0.8,
                day_sd: 0.3,
                ..BASE
            },
        ),
        in_session(
            "emergencies+late",
            Params {
                emergencies_per_hour: 1.0,
                no_show: 0.25,
                arrival_offset_mean: 0.0,
                arrival_offset_sd: 25.0,
                ..BASE
            },
        ),
        Scenario {
            name: "pre-session",
            params: BASE,
            moments: Moments::PreSession,
        },
    ]
}
