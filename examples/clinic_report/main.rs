//! A clinic's week as a report: the analytics table printed, each table written as CSV and
//! the pictures as SVG, into the directory given (a fresh temporary one by default).
//!
//! ```text
//! cargo run --example clinic_report -- /tmp/kochi-report
//! ```
//!
//! The week (two doctors in Kochi, a leave day, a holiday, a block, bookings, cancellations,
//! no-shows and Monday's token queue) is run through the booking and token services over the
//! in-memory store by the same code the core's analytics tests use. A host folds its feed
//! page by page as here, offers each doctor's open time from `resolve`, and records the
//! searches and wait estimates it showed.

#[path = "../../core/tests/analytics_support/mod.rs"]
mod analytics_support;

use std::path::PathBuf;

use analytics_support::{TENANT, ZONE, date, monday_queue_events, timelines, week};
use medsched::{
    Status,
    analytics::{Analytics, ReportTable},
    pictures::{Span, WeekPicture, calibration_svg, queue_svg, week_svg},
    store::Change,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = match std::env::args().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => std::env::temp_dir().join(format!("clinic-report-{}", std::process::id())),
    };
    std::fs::create_dir_all(&out)?;
    let week = week()?;

    // 1. Fold the feed a page at a time; a host keeps `analytics` and folds new pages only.
    let mut analytics = Analytics::new(ZONE)?;
    for page in week.feed.chunks(100) {
        analytics.fold(page)?;
    }
    for observation in &week.observations {
        analytics.record(observation)?;
    }
    let timelines = timelines();
    for (doctor, timeline) in &timelines {
        analytics.offer(doctor, date(2), date(8), timeline)?;
    }
    let report = analytics.report(date(2), date(8))?;

    // 2. The table a clinic manager reads.
    println!(
        "{TENANT}: 2-8 March 2026, feed folded to position {}",
        report.position
    );
    println!();
    println!(
        "{:<10} {:>6} {:>7} {:>6} {:>8} {:>8} {:>6} {:>9} {:>9}",
        "doctor", "util", "booked", "cancel", "no-show", "lead h", "tokens", "consult", "wait"
    );
    let pct = |x: Option<f64>| x.map_or("-".into(), |x| format!("{:.0}%", x * 100.0));
    let num = |x: Option<f64>| x.map_or("-".into(), |x| format!("{x:.1}"));
    for row in &report.doctors {
        let util = report
            .utilisation
            .iter()
            .find(|u| u.dimension == "doctor" && u.key == row.doctor_id.as_str())
            .and_then(|u| u.utilisation);
        println!(
            "{:<10} {:>6} {:>7} {:>6} {:>8} {:>8} {:>6} {:>9} {:>9}",
            row.doctor_id.as_str(),
            pct(util),
            row.booked,
            pct(row.cancellation_rate),
            pct(row.no_show_rate),
            num(row.mean_lead_hours),
            row.tokens,
            num(row.mean_consult_minutes),
            num(row.mean_wait_minutes),
        );
    }
    let peak: Vec<String> = report
        .peak_hours
        .iter()
        .map(|h| format!("{h:02}:00"))
        .collect();
    println!();
    println!("peak hours: {}", peak.join(", "));
    if let Some(total) = report.conversion.last() {
        println!(
            "search to booking: {} searches, {} bookings ({})",
            total.searches,
            total.bookings,
            pct(total.rate)
        );
    }

    // 3. Every table as CSV.
    for table in ReportTable::ALL {
        std::fs::write(out.join(format!("{}.csv", table.name())), report.csv(table))?;
    }

    // 4. The pictures: Dr Asha's week, Monday's queue, the wait calibration.
    let (_, asha) = timelines
        .iter()
        .find(|(d, _)| d == "dr-asha")
        .ok_or("no dr-asha")?;
    let mut booked = Vec::new();
    for entry in &week.feed {
        match &entry.event.change {
            Change::AppointmentBooked { appointment }
                if appointment.slot.doctor_id.as_str() == "dr-asha" =>
            {
                booked.push(Span {
                    start: appointment.slot.start,
                    end: appointment.slot.end,
                });
            }
            Change::AppointmentCancelled { slot, .. } if slot.doctor_id.as_str() == "dr-asha" => {
                booked.retain(|s| s.start != slot.start);
            }
            _ => {}
        }
    }
    let mut free = Vec::new();
    for open in asha.iter().filter(|i| i.status == Status::Open) {
        let mut start = open.start;
        while start + chrono::Duration::minutes(15) <= open.end {
            if !booked.iter().any(|b| b.start == start) {
                free.push(Span {
                    start,
                    end: start + chrono::Duration::minutes(15),
                });
            }
            start += chrono::Duration::minutes(15);
        }
    }
    let picture = WeekPicture {
        doctor: "Dr Asha".into(),
        time_zone: ZONE.into(),
        first: date(2),
        intervals: asha.clone(),
        free,
        booked,
    };
    std::fs::write(out.join("week.svg"), week_svg(&picture)?)?;
    let queue = monday_queue_events(&week.store)?;
    std::fs::write(
        out.join("queue.svg"),
        queue_svg("Dr Asha's queue, Monday 2 March", ZONE, &queue)?,
    )?;
    std::fs::write(
        out.join("calibration.svg"),
        calibration_svg("Wait estimates against waits", &report.calibration)?,
    )?;
    println!();
    println!(
        "wrote {} CSV tables and 3 pictures to {}",
        ReportTable::ALL.len(),
        out.display()
    );
    Ok(())
}
