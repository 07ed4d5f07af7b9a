//! Rules, as the test builds them (policies, types, the clinic) and as the model reads
//! them (each doctor's sessions, leave, blocks and capacities).

use chrono::Weekday;
use medsched::{
    AppointmentType, BookingPolicy, Clinic, ConsultationMode, DoctorCalendar, Leave, Location,
    ModeCapacity, Room, RuleKind, Session, SessionSettings, Unavailability, WeeklyTemplate,
};

use super::strategies::{DoctorSpec, TypeSpec};
use super::{LOCATION, ZONE, local, time_of_day};

pub fn policy(preset: u8) -> BookingPolicy {
    match preset % 3 {
        0 => BookingPolicy::default(),
        1 => BookingPolicy {
            requires_confirmation: true,
            allow_patient_reschedule: false,
            max_reschedules: Some(1),
            cancel_notice_minutes: 30,
            ..BookingPolicy::default()
        },
        _ => BookingPolicy {
            patient_hold_minutes: 5,
            staff_hold_minutes: 15,
            max_hold_minutes: 20,
            reschedule_notice_minutes: 30,
            max_reschedules: None,
            ..BookingPolicy::default()
        },
    }
}

pub fn appointment_type(i: usize, t: &TypeSpec) -> AppointmentType {
    AppointmentType {
        step_minutes: t.step,
        buffer_before_minutes: t.buffer_before,
        buffer_after_minutes: t.buffer_after,
        min_notice_minutes: t.min_notice,
        mode: if t.video {
            ConsultationMode::Video
        } else {
            ConsultationMode::InPerson
        },
        policy: policy(t.policy),
        ..AppointmentType::new(format!("t{i}"), t.duration)
    }
}

/// The clinic: one location with rooms of these capacities.
pub fn clinic(rooms: &[u32]) -> Clinic {
    Clinic {
        locations: vec![Location {
            rooms: rooms
                .iter()
                .enumerate()
                .map(|(i, &c)| Room::new(room_id(i), format!("Room {i}"), c))
                .collect(),
            ..Location::new(LOCATION, "Kochi OPD", ZONE)
        }],
        holidays: vec![],
    }
}

pub fn doctor_id(d: usize) -> String {
    format!("dr{d}")
}

pub fn room_id(r: usize) -> String {
    format!("r{r}")
}

/// A closed stretch of a doctor's time, in UTC minutes `[from, to)`.
#[derive(Debug, Clone)]
pub struct Closure {
    pub from: i64,
    pub to: i64,
    pub kind: RuleKind,
}

/// A doctor's rules as they stand now.
#[derive(Debug, Clone)]
pub struct DoctorState {
    pub spec: DoctorSpec,
    pub room: Option<String>,
    pub max_parallel: u32,
    pub leaves: Vec<Leave>,
    pub blocks: Vec<Unavailability>,
    /// Approved leave and forced blocks.
    pub closures: Vec<Closure>,
    /// Left out of the schedule (by a new `Schedule`; `set_calendar` brings them back).
    pub removed: bool,
}

impl DoctorState {
    pub fn calendar(&self, d: usize) -> DoctorCalendar {
        let mut calendar = DoctorCalendar::new(doctor_id(d));
        calendar.settings = SessionSettings {
            slot_minutes: self.spec.slot_minutes,
            buffer_before_minutes: self.spec.buffer_before,
            buffer_after_minutes: self.spec.buffer_after,
            max_parallel: self.max_parallel,
            modes: if self.spec.video_capacity {
                vec![
                    ModeCapacity {
                        mode: ConsultationMode::InPerson,
                        capacity: self.max_parallel,
                    },
                    ModeCapacity {
                        mode: ConsultationMode::Video,
                        capacity: 1,
                    },
                ]
            } else {
                Vec::new()
            },
        };
        calendar.templates.push(WeeklyTemplate {
            room_id: self.room.as_deref().map(Into::into),
            weekdays: vec![Weekday::Mon, Weekday::Tue],
            sessions: vec![Session {
                start: time_of_day(self.spec.session_start),
                end: time_of_day(self.spec.session_end),
                breaks: Vec::new(),
            }],
            ..WeeklyTemplate::new(format!("week-{d}"), LOCATION)
        });
        calendar.leaves = self.leaves.clone();
        calendar.forced_blocks = self.blocks.clone();
        calendar
    }

    /// The session of a book day, in UTC minutes.
    pub fn session(&self, day: usize) -> (i64, i64) {
        (
            local(day, self.spec.session_start),
            local(day, self.spec.session_end),
        )
    }

    /// Why minute `m` of book day `day` is closed, if it is: a forced block beats leave,
    /// and time outside the session is closed by no rule.
    pub fn closed_at(&self, day: usize, m: i64) -> Option<RuleKind> {
        let covering = |kind| {
            self.closures
                .iter()
                .any(|c| c.kind == kind && c.from <= m && m < c.to)
        };
        if covering(RuleKind::ForcedBlock) {
            return Some(RuleKind::ForcedBlock);
        }
        if covering(RuleKind::Leave) {
            return Some(RuleKind::Leave);
        }
        let (s0, s1) = self.session(day);
        (m < s0 || m >= s1).then_some(RuleKind::OutsideHours)
    }

    pub fn mode_capacity(&self, mode: ConsultationMode) -> u32 {
        match mode {
            ConsultationMode::Video if self.spec.video_capacity => 1.min(self.max_parallel),
            _ => self.max_parallel,
        }
    }
}
