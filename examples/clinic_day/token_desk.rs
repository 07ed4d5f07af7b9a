//! Section 6 of the worked example: Dr Menon's Monday morning OPD run by token number.

use chrono::{DateTime, Duration, Utc};
use medsched::{
    ConsultationMode, Result, booking::Bookings, booking::Schedule, store::Actor,
    store::InMemoryStore, tokens::ChannelQuota, tokens::Queue, tokens::QueueDay,
    tokens::QueueNotification, tokens::QueueRules, tokens::QueueUpdate, tokens::TokenCommand,
    tokens::TokenKind, tokens::TokenRequest, tokens::TokenSession, tokens::Tokens,
    wait::DoctorHistory, wait::MovingAverageEstimator, wait::PastDay, wait::QueueEstimator,
};

use super::{TENANT, at, day, hm};

/// The morning session's rules: 40 tokens, online bookings up to 20, number 1 kept for a
/// senior citizen, late arrivals back after the next 3 waiting patients.
fn morning_rules() -> QueueRules {
    let mut morning = TokenSession::new("gp-morning", at(19, "09:00"), at(19, "13:00"));
    morning.max_tokens = Some(40);
    morning.quotas.push(ChannelQuota {
        kind: TokenKind::Booked,
        max: 20,
    });
    QueueRules::new(vec![morning]).with_reserved_numbers(vec![1])
}

/// One desk, one doctor, one morning: every action a receptionist takes, the board after
/// each, and the messages medsched asks the host to send.
pub fn token_desk(schedule: &Schedule, desk: &Bookings<InMemoryStore>) -> Result<()> {
    // The same store as the day books: a token for an appointment is checked against them.
    let tokens = Tokens::new(desk.store());
    let rules = morning_rules();
    let opd = QueueDay::new(TENANT, "dr-menon", day(19));
    let reception = Actor::staff("reception");
    let run = |time: &str, what: &str, command: TokenCommand| -> Result<QueueUpdate> {
        let update = tokens.execute(&opd, &rules, &reception, at(19, time), &command)?;
        let number = update
            .token
            .as_ref()
            .map_or(String::new(), |t| format!(" #{}", t.number));
        println!("  {time}  {what}{number}");
        print_notifications(&update.notifications);
        Ok(update)
    };

    // The appointment booked on Friday gets its token (the patient saw it when booking).
    let appointment = desk.appointment(schedule, day(19), "appt-1001")?;
    let booked = tokens.issue_for_appointment(
        schedule,
        &rules,
        &reception,
        at(16, "18:00"),
        &appointment,
    )?;
    let token = booked.token.expect("issued");
    println!(
        "  Fri 16 Jan: appt-1001 (pat-501, 10:40) gets token #{} for the morning",
        token.number
    );
    let walk_in = |id: &str, patient: &str| TokenRequest::new(id, TokenKind::WalkIn, patient);
    run(
        "08:40",
        "walk-in pat-601 (number 1 is reserved)",
        TokenCommand::Issue(walk_in("tok-601", "pat-601")),
    )?;
    run(
        "08:41",
        "walk-in pat-602",
        TokenCommand::Issue(walk_in("tok-602", "pat-602")),
    )?;
    let mut senior = walk_in("tok-603", "pat-603");
    senior.number = Some(1);
    run(
        "08:42",
        "senior citizen pat-603 gets reserved number",
        TokenCommand::Issue(senior),
    )?;
    let phone = TokenRequest {
        mode: ConsultationMode::Video,
        ..TokenRequest::new("tok-604", TokenKind::Phone, "pat-604")
    };
    run(
        "08:45",
        "phone booking pat-604, a video consult",
        TokenCommand::Issue(phone),
    )?;
    run(
        "08:50",
        "walk-in pat-605",
        TokenCommand::Issue(walk_in("tok-605", "pat-605")),
    )?;
    run(
        "08:55",
        "Dr Menon's Google Meet link set",
        TokenCommand::SetMeetLink {
            meet_link: "https://meet.google.com/kfc-menn-opd".into(),
        },
    )?;
    print_board(&tokens.queue(&opd)?);

    run("09:00", "call next", TokenCommand::CallNext)?;
    let absent = TokenCommand::Skip {
        number: 2,
        reason: Some("not in the waiting area".into()),
    };
    run(
        "09:01",
        "pat-501 is not there (booked for 10:40): skipped",
        absent,
    )?;
    run("09:01", "call next", TokenCommand::CallNext)?;
    run(
        "09:02",
        "consultation starts",
        TokenCommand::Start { number: 3 },
    )?;
    run(
        "09:09",
        "consultation ends",
        TokenCommand::Complete { number: 3 },
    )?;
    run("09:09", "call next", TokenCommand::CallNext)?;
    run(
        "09:10",
        "consultation starts",
        TokenCommand::Start { number: 4 },
    )?;
    let emergency = TokenRequest::new("tok-606", TokenKind::Emergency, "pat-606");
    run(
        "09:12",
        "emergency pat-606, chest pain",
        TokenCommand::Issue(emergency),
    )?;
    run(
        "09:18",
        "consultation ends",
        TokenCommand::Complete { number: 4 },
    )?;
    run("09:18", "call next: the emergency", TokenCommand::CallNext)?;
    run(
        "09:19",
        "consultation starts",
        TokenCommand::Start { number: 7 },
    )?;
    run(
        "09:30",
        "pat-501 arrives and checks in",
        TokenCommand::CheckIn { number: 2 },
    )?;
    let late = TokenCommand::MarkLate {
        number: 2,
        reason: Some("came after being called".into()),
    };
    run("09:30", "marked late", late)?;
    let back = TokenCommand::Reinsert {
        number: 2,
        after: None,
        reason: None,
    };
    run("09:30", "back in the line after the next 3", back)?;
    let unwell = TokenCommand::Move {
        number: 6,
        position: 1,
        reason: Some("feverish child, seen first".into()),
    };
    run("09:32", "manual reorder", unwell)?;
    print_board(&tokens.queue(&opd)?);
    print_waits(&tokens, &opd, &rules, at(19, "09:33"))?;
    Ok(())
}

/// Dr Menon's last three Monday mornings, as the queue recorded them.
fn history() -> Result<DoctorHistory> {
    let monday = |durations: Vec<f64>, booked, no_shows, emergencies| PastDay {
        durations,
        booked,
        no_shows,
        emergencies,
        arrival_offsets: vec![-12.0, -5.0, 3.0, 9.0],
        ..PastDay::default()
    };
    DoctorHistory::from_days(&[
        monday(
            vec![7.0, 5.5, 9.0, 6.0, 11.0, 6.5, 8.0, 5.0, 7.5, 6.0],
            8,
            1,
            0,
        ),
        monday(vec![6.0, 8.5, 7.0, 12.0, 5.5, 6.0, 7.0, 9.5, 6.5], 9, 2, 1),
        monday(
            vec![8.0, 6.5, 7.5, 5.0, 10.0, 7.0, 6.0, 8.5, 7.0, 6.0, 9.0],
            7,
            1,
            0,
        ),
    ])
}

/// Each waiting patient's expected call, by the usual average and by the queue estimator.
fn print_waits(
    tokens: &Tokens<&InMemoryStore>,
    opd: &QueueDay,
    rules: &QueueRules,
    now: DateTime<Utc>,
) -> Result<()> {
    let history = history()?;
    let average = tokens.wait_estimates(
        opd,
        rules,
        now,
        &history,
        &MovingAverageEstimator::default(),
    )?;
    let queue = tokens.wait_estimates(opd, rules, now, &history, &QueueEstimator)?;
    println!(
        "    expected call at {} (average × patients ahead | queue estimator, P90):",
        hm(now)
    );
    for (a, q) in average.iter().zip(&queue) {
        let time = |minutes: f64| hm(now + Duration::seconds((minutes * 60.0).round() as i64));
        println!(
            "      #{:<2} {:>5} | {:>5}, 90% by {}",
            q.number,
            time(a.minutes),
            time(q.minutes),
            time(q.p90_minutes)
        );
    }
    Ok(())
}

fn print_board(queue: &Queue) {
    let serving = queue
        .now_serving()
        .map_or("nobody".to_string(), |t| format!("#{}", t.number));
    let next: Vec<String> = queue
        .next(5)
        .iter()
        .map(|t| format!("#{} ({})", t.number, t.kind.as_str()))
        .collect();
    let counts = queue.counts();
    println!("    board: now serving {serving}; next {}", next.join(", "));
    println!(
        "    counts: {} waiting, {} consulting, {} completed, {} skipped, {} late, {} cancelled",
        counts.waiting,
        counts.consulting,
        counts.completed,
        counts.skipped,
        counts.late,
        counts.cancelled
    );
}

fn print_notifications(notifications: &[QueueNotification]) {
    for n in notifications {
        let place = n
            .position
            .map_or(String::new(), |p| format!(", position {p}"));
        let link = n
            .meet_link
            .as_deref()
            .map_or(String::new(), |l| format!(", {l}"));
        println!(
            "           → {} #{} ({}){place}{link}",
            n.kind.as_str(),
            n.number,
            n.patient_id
        );
    }
}
