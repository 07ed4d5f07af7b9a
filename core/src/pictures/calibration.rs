//! The wait estimator's calibration: mean estimated against mean actual wait, per doctor
//! and estimate bin, with the line of perfect estimates.

use crate::{
    Result,
    analytics::CalibrationRow,
    pictures::{check_count, colours, svg::Svg},
};

const LEFT: f64 = 64.0;
const TOP: f64 = 48.0;
const SIDE: f64 = 360.0;

pub(crate) fn draw(title: &str, rows: &[CalibrationRow]) -> Result<String> {
    check_count("rows", rows.len())?;
    let width = LEFT + SIDE + 200.0;
    let height = TOP + SIDE + 56.0;
    let mut svg = Svg::new(
        width,
        height,
        title,
        "Each dot is one doctor's wait estimates in one range: across, the mean estimate; up, \
         the mean wait that followed. Dots on the diagonal line were right on average; above \
         it, patients waited longer than told.",
    );
    svg.text(LEFT, 24.0, 16.0, "start", title);
    svg.rect(LEFT, TOP, SIDE, SIDE, colours::OUTSIDE, "");
    // Both axes from 0 to the largest value, rounded up to twenty minutes (ticks every five).
    let largest = rows
        .iter()
        .flat_map(|r| [r.mean_estimated_minutes, r.mean_actual_minutes])
        .filter(|v| v.is_finite())
        .fold(10.0_f64, f64::max);
    let top = (largest / 20.0).ceil() * 20.0;
    let px = |minutes: f64| minutes.clamp(0.0, top) / top * SIDE;
    for k in 0..=4 {
        let m = top * f64::from(k) / 4.0;
        svg.line(
            (LEFT + px(m), TOP + SIDE),
            (LEFT + px(m), TOP + SIDE + 5.0),
            colours::GRID,
            1.0,
        );
        svg.text(
            LEFT + px(m),
            TOP + SIDE + 18.0,
            11.0,
            "middle",
            &crate::pictures::svg::num(m),
        );
        svg.line(
            (LEFT - 5.0, TOP + SIDE - px(m)),
            (LEFT, TOP + SIDE - px(m)),
            colours::GRID,
            1.0,
        );
        svg.text(
            LEFT - 8.0,
            TOP + SIDE - px(m) + 4.0,
            11.0,
            "end",
            &crate::pictures::svg::num(m),
        );
    }
    svg.text(
        LEFT + SIDE / 2.0,
        TOP + SIDE + 36.0,
        12.0,
        "middle",
        "estimated wait (minutes)",
    );
    svg.text(
        LEFT - 44.0,
        TOP - 12.0,
        12.0,
        "start",
        "actual wait (minutes)",
    );
    svg.line(
        (LEFT, TOP + SIDE),
        (LEFT + SIDE, TOP),
        colours::DIAGONAL,
        3.0,
    );
    let mut doctors: Vec<&str> = rows.iter().map(|r| r.doctor_id.as_str()).collect();
    doctors.dedup();
    doctors.sort_unstable();
    doctors.dedup();
    for row in rows {
        let k = doctors
            .iter()
            .position(|d| *d == row.doctor_id.as_str())
            .unwrap_or(0);
        let fill = colours::SERIES[k % colours::SERIES.len()];
        let r = (3.0 + (row.estimates as f64).sqrt() * 2.0).min(14.0);
        let label = format!(
            "{}: {} estimates, mean {} min estimated, {} min waited",
            row.doctor_id,
            row.estimates,
            crate::pictures::svg::num(row.mean_estimated_minutes),
            crate::pictures::svg::num(row.mean_actual_minutes),
        );
        let at = (
            LEFT + px(row.mean_estimated_minutes),
            TOP + SIDE - px(row.mean_actual_minutes),
        );
        svg.circle(at, r, fill, &label);
    }
    for (k, doctor) in doctors.iter().enumerate().take(12) {
        let fill = colours::SERIES[k % colours::SERIES.len()];
        let y = TOP + 16.0 + 20.0 * k as f64;
        svg.circle((LEFT + SIDE + 24.0, y - 4.0), 6.0, fill, doctor);
        svg.text(LEFT + SIDE + 36.0, y, 12.0, "start", doctor);
    }
    Ok(svg.finish())
}
