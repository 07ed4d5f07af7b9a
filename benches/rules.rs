//! Compiling rules with recurrences: what one recurrence rule costs (issue 20).
//!
//! - `rrule_daily_from_1900`: a clinic with one holiday rule that fires every day from 1900
//!   to 2200 (110,000 dates).
//! - `rrule_yearly_from_1900`: one that fires once a year (301 dates).
//! - `rrule_leap_days_from_1900`: `FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29`, a daily rule that
//!   matches one day in four years.
//! - `rrule_never_from_1900`: `FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`, which never fires: now
//!   refused; this measures the refusal (it took about 0.5 s to accept before the bound).
//! - `rrule_most_never`: the most rules a clinic may have (`Limits::DEFAULT`), each never
//!   firing: the refusal of the first.
//!
//! A rule with no date in the searched range should cost no more than one that has dates.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use medsched::{Clinic, ClinicRules, Holiday, Limits, Location};

fn clinic(rules: &[&str]) -> Clinic {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    Clinic {
        locations: vec![Location::new("main", "Main", "Asia/Kolkata")],
        holidays: rules
            .iter()
            .enumerate()
            .map(|(i, rule)| Holiday {
                rrule: Some((*rule).to_owned()),
                ..Holiday::on(format!("h{i}"), "Recurring", first)
            })
            .collect(),
    }
}

fn bench_rules(c: &mut Criterion) {
    let mut group = c.benchmark_group("rules");
    group.sample_size(10);
    for (name, rule) in [
        ("rrule_daily_from_1900", "FREQ=DAILY"),
        ("rrule_yearly_from_1900", "FREQ=YEARLY"),
        (
            "rrule_leap_days_from_1900",
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
        ),
        (
            "rrule_never_from_1900",
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        ),
    ] {
        let clinic = clinic(&[rule]);
        group.bench_function(name, |b| b.iter(|| black_box(ClinicRules::new(&clinic))));
    }
    let most = Limits::DEFAULT.max_recurrence_rules as usize;
    let never = clinic(&vec!["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"; most]);
    group.bench_function("rrule_most_never", |b| {
        b.iter(|| black_box(ClinicRules::new(&never)))
    });
    group.finish();
}

criterion_group!(rules, bench_rules);
criterion_main!(rules);
