//! Nanoseconds per slot over 1 / 100 / 1,000 doctors, 7 / 90 / 365 days and 5- to 60-minute
//! slots, through `slot_set`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use medsched::{AppointmentType, SlotRequest};

use super::request_90_days;
use super::roster::{Doctor, all_slots_prepared, doctors};

/// A request of `days` days for a type of `minutes` minutes on a grid of the same step.
fn request_of(days: i64, minutes: u32) -> SlotRequest {
    let base = request_90_days();
    SlotRequest {
        appointment_type: AppointmentType {
            step_minutes: Some(minutes),
            ..AppointmentType::new("consult", minutes)
        },
        end: base.start + chrono::Duration::days(days),
        ..base
    }
}

pub(super) fn bench_scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    let base = request_90_days();
    let fleet = doctors(&base, 1_000, None);
    let mut case = |name: &str, label: String, doctors: &[Doctor], request: &SlotRequest| {
        let slots = all_slots_prepared(doctors, request);
        group.throughput(Throughput::Elements(slots as u64));
        group.bench_function(BenchmarkId::new(name, label), |b| {
            b.iter(|| all_slots_prepared(black_box(doctors), black_box(request)))
        });
    };
    for n in [1, 100, 1_000] {
        case("doctors_90_days_15_min", n.to_string(), &fleet[..n], &base);
    }
    for days in [7, 90, 365] {
        let request = request_of(days, 15);
        case(
            "days_100_doctors_15_min",
            days.to_string(),
            &fleet[..100],
            &request,
        );
    }
    for minutes in [5, 15, 30, 60] {
        let request = request_of(90, minutes);
        case(
            "minutes_100_doctors_90_days",
            minutes.to_string(),
            &fleet[..100],
            &request,
        );
    }
    group.finish();
}
