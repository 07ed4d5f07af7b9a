//! Wait estimates from a real token queue: what the estimator is shown, and the history a
//! day's queue leaves.

use medsched::{store::*, tokens::*, wait::*};
use token_support::{day, rules, t};

mod token_support;

/// A morning: three walk-ins and a booked token; #1 seen 09:00–09:08, #2 skipped, #3 with
/// the doctor since 09:09; an emergency and an evening phone booking waiting.
fn morning() -> Tokens<InMemoryStore> {
    let tokens = Tokens::new(InMemoryStore::new());
    let desk = Actor::staff("rcp-1");
    let run = |at: &str, command: TokenCommand| {
        tokens
            .execute(&day(), &rules(), &desk, t(at), &command)
            .unwrap()
    };
    let issue = |at: &str, request: TokenRequest| run(at, TokenCommand::Issue(request));
    for (id, patient) in [("w1", "p1"), ("w2", "p2"), ("w3", "p3")] {
        issue(
            "2026-03-02T03:20:00Z",
            TokenRequest::new(id, TokenKind::WalkIn, patient),
        );
    }
    let booked = TokenRequest {
        appointment_id: Some("a-1".into()),
        expected_at: Some(t("2026-03-02T04:30:00Z")),
        ..TokenRequest::new("b1", TokenKind::Booked, "p4")
    };
    issue("2026-03-01T12:00:00Z", booked);
    let evening = TokenRequest {
        session_id: Some("evening".into()),
        ..TokenRequest::new("ph1", TokenKind::Phone, "p5")
    };
    issue("2026-03-02T03:25:00Z", evening);
    run("2026-03-02T03:30:00Z", TokenCommand::Start { number: 1 });
    run("2026-03-02T03:38:00Z", TokenCommand::Complete { number: 1 });
    run(
        "2026-03-02T03:38:00Z",
        TokenCommand::Skip {
            number: 2,
            reason: None,
        },
    );
    run("2026-03-02T03:39:00Z", TokenCommand::Start { number: 3 });
    issue(
        "2026-03-02T03:40:00Z",
        TokenRequest::new("e1", TokenKind::Emergency, "p6"),
    );
    tokens
}

#[test]
fn the_snapshot_shows_one_sessions_line_with_what_the_queue_knows() {
    let tokens = morning();
    let queue = tokens.queue(&day()).unwrap();
    let now = t("2026-03-02T03:45:00Z");
    let morning = queue.wait_snapshot(&rules(), "morning", now).unwrap();
    assert_eq!(morning.session_start, t("2026-03-02T03:30:00Z"));
    assert_eq!(morning.consulting_since, Some(t("2026-03-02T03:39:00Z")));
    let line: Vec<(u32, TokenKind, bool)> = morning
        .waiting
        .iter()
        .map(|w| (w.number, w.kind, w.present))
        .collect();
    assert_eq!(
        line,
        [
            (6, TokenKind::Emergency, true),
            (4, TokenKind::Booked, false)
        ]
    );
    assert_eq!(
        morning.waiting[1].expected_at,
        Some(t("2026-03-02T04:30:00Z"))
    );
    assert_eq!(morning.skipped.len(), 1);
    assert_eq!(morning.skipped[0].number, 2);
    assert_eq!(morning.completed.len(), 1);
    assert_eq!(morning.completed[0].minutes(), Some(8.0));
    assert_eq!(morning.completed[0].waiting_at_start, Some(2));
    let issued = morning.issued;
    assert_eq!(
        (
            issued.walk_in,
            issued.booked,
            issued.phone,
            issued.emergency
        ),
        (3, 1, 0, 1)
    );
    assert_eq!(morning.reinsert_after, 3);

    // A morning consultation is not the evening line's business before the evening opens.
    let evening = queue.wait_snapshot(&rules(), "evening", now).unwrap();
    assert_eq!(evening.consulting_since, None);
    assert_eq!(evening.issued.phone, 1);
    assert_eq!(evening.waiting.len(), 1);
    assert!(!evening.waiting[0].present);
    assert!(queue.wait_snapshot(&rules(), "night", now).is_none());
}

#[test]
fn every_waiting_token_gets_an_estimate_in_line_order() {
    let tokens = morning();
    let now = t("2026-03-02T03:45:00Z");
    let history = DoctorHistory::from_durations(&[6.0, 7.0, 8.0, 9.0]).unwrap();
    let queue = tokens.queue(&day()).unwrap();
    let baseline = MovingAverageEstimator::default();
    for estimator in [&QueueEstimator as &dyn WaitEstimator, &baseline] {
        let estimates = tokens
            .wait_estimates(&day(), &rules(), now, &history, estimator)
            .unwrap();
        let numbers: Vec<u32> = estimates.iter().map(|e| e.number).collect();
        assert_eq!(numbers, queue.line(), "{}", estimator.name());
        for e in &estimates {
            assert!(e.minutes.is_finite() && e.minutes >= 0.0, "{e:?}");
            assert!(e.p90_minutes >= e.minutes, "{e:?}");
        }
        // The evening token waits at least until the evening session opens.
        let evening = estimates.iter().find(|e| e.number == 5).unwrap();
        assert!(evening.minutes >= 405.0, "{} {evening:?}", estimator.name());
    }
    // The baseline: the average of the last durations (today's 8 first, then history)
    // times the patients ahead, less the elapsed part of the consult in progress.
    let baseline = tokens
        .wait_estimates(
            &day(),
            &rules(),
            now,
            &history,
            &MovingAverageEstimator::default(),
        )
        .unwrap();
    let average = (8.0 + 6.0 + 7.0 + 8.0 + 9.0) / 5.0;
    let emergency = baseline.iter().find(|e| e.number == 6).unwrap();
    assert!(
        (emergency.minutes - (average - 6.0)).abs() < 1e-9,
        "{emergency:?}"
    );
    let booked = baseline.iter().find(|e| e.number == 4).unwrap();
    assert!(
        (booked.minutes - (2.0 * average - 6.0)).abs() < 1e-9,
        "{booked:?}"
    );
}

#[test]
fn a_days_queue_becomes_the_doctors_history() {
    let tokens = morning();
    let desk = Actor::staff("rcp-1");
    let run = |at: &str, command: TokenCommand| {
        tokens
            .execute(&day(), &rules(), &desk, t(at), &command)
            .unwrap();
    };
    run("2026-03-02T03:50:00Z", TokenCommand::Complete { number: 3 });
    run(
        "2026-03-02T03:51:00Z",
        TokenCommand::Recall {
            number: 2,
            reason: None,
        },
    );
    run("2026-03-02T03:55:00Z", TokenCommand::CallNext);
    run("2026-03-02T03:55:00Z", TokenCommand::Start { number: 6 });
    run("2026-03-02T04:05:00Z", TokenCommand::Complete { number: 6 });
    run("2026-03-02T04:05:00Z", TokenCommand::CallNext);
    run("2026-03-02T04:20:00Z", TokenCommand::CheckIn { number: 4 });
    let queue = tokens.queue(&day()).unwrap();
    let days = queue.past_days(&rules());
    assert_eq!(days.len(), 2);
    let morning = &days[0];
    assert_eq!(morning.durations, [8.0, 11.0, 10.0]);
    assert_eq!(morning.waiting_at_start, [2, 0, 1]);
    assert_eq!(
        (morning.booked, morning.no_shows, morning.emergencies),
        (1, 0, 1)
    );
    assert_eq!(morning.session_minutes, 240.0);
    assert_eq!(morning.arrival_offsets, [-10.0]);
    assert_eq!(morning.return_waits, [14.0]);
    let evening = &days[1];
    assert_eq!((evening.booked, evening.no_shows), (1, 1));
    let history = DoctorHistory::from_days(&days).unwrap();
    assert_eq!(history.recent_minutes, [8.0, 11.0, 10.0]);
}

#[test]
fn a_late_patient_is_shown_where_they_will_be_put_back() {
    let tokens = morning();
    let desk = Actor::staff("rcp-1");
    let late = TokenCommand::MarkLate {
        number: 2,
        reason: None,
    };
    tokens
        .execute(&day(), &rules(), &desk, t("2026-03-02T03:46:00Z"), &late)
        .unwrap();
    let queue = tokens.queue(&day()).unwrap();
    let now = t("2026-03-02T03:47:00Z");
    let mut put_back_first = rules();
    put_back_first.late_reinsert_after = 1;
    let snapshot = queue
        .wait_snapshot(&put_back_first, "morning", now)
        .unwrap();
    let line: Vec<(u32, bool)> = snapshot
        .waiting
        .iter()
        .map(|w| (w.number, w.present))
        .collect();
    assert_eq!(line, [(6, true), (2, true), (4, false)]);
    assert!(snapshot.skipped.is_empty());
    let estimates = tokens
        .wait_estimates(
            &day(),
            &put_back_first,
            now,
            &DoctorHistory::default(),
            &QueueEstimator,
        )
        .unwrap();
    let numbers: Vec<u32> = estimates.iter().map(|e| e.number).collect();
    assert_eq!(numbers, [6, 2, 4, 5]);
}

#[test]
fn a_later_sessions_line_waits_for_the_earlier_one() {
    let tokens = Tokens::new(InMemoryStore::new());
    let desk = Actor::staff("rcp-1");
    let at = t("2026-03-02T03:00:00Z");
    for i in 0..30 {
        let request = TokenRequest::new(format!("w{i}"), TokenKind::WalkIn, format!("p{i}"));
        tokens.issue(&day(), &rules(), &desk, at, request).unwrap();
    }
    let evening = TokenRequest {
        session_id: Some("evening".into()),
        ..TokenRequest::new("pm", TokenKind::WalkIn, "p-pm")
    };
    tokens.issue(&day(), &rules(), &desk, at, evening).unwrap();
    let now = t("2026-03-02T07:20:00Z");
    let history = DoctorHistory::from_durations(&[9.0; 12]).unwrap();
    let estimates = tokens
        .wait_estimates(&day(), &rules(), now, &history, &QueueEstimator)
        .unwrap();
    let (last_morning, evening) = (&estimates[29], &estimates[30]);
    assert_eq!(evening.number, 31);
    assert!(
        evening.minutes > last_morning.minutes,
        "{last_morning:?} {evening:?}"
    );
    assert!(
        evening.p90_minutes > last_morning.p90_minutes,
        "{last_morning:?} {evening:?}"
    );
}

#[test]
fn estimates_follow_the_line_even_when_a_later_sessions_token_stands_first() {
    let tokens = Tokens::new(InMemoryStore::new());
    let desk = Actor::staff("rcp-1");
    let run = |at: &str, command: TokenCommand| {
        tokens
            .execute(&day(), &rules(), &desk, t(at), &command)
            .unwrap()
    };
    for i in 0..3 {
        let request = TokenRequest::new(format!("m{i}"), TokenKind::WalkIn, format!("p{i}"));
        run("2026-03-02T03:00:00Z", TokenCommand::Issue(request));
    }
    let evening = TokenRequest {
        session_id: Some("evening".into()),
        ..TokenRequest::new("pm", TokenKind::Phone, "p-pm")
    };
    run("2026-03-02T03:00:00Z", TokenCommand::Issue(evening));
    // The morning runs late: at 08:00 an emergency joins the morning line, first.
    run(
        "2026-03-02T08:00:00Z",
        TokenCommand::Issue(TokenRequest::new("e", TokenKind::Emergency, "p-e")),
    );
    let moved = TokenCommand::Move {
        number: 4,
        position: 2,
        reason: None,
    };
    run("2026-03-02T08:00:00Z", moved);
    let queue = tokens.queue(&day()).unwrap();
    assert_eq!(queue.line(), [5, 4, 1, 2, 3]);
    assert_eq!(queue.token(5).unwrap().session_id, "morning");
    let now = t("2026-03-02T08:01:00Z");
    let history = DoctorHistory::from_durations(&[7.0; 10]).unwrap();
    let estimates = tokens
        .wait_estimates(&day(), &rules(), now, &history, &QueueEstimator)
        .unwrap();
    let numbers: Vec<u32> = estimates.iter().map(|e| e.number).collect();
    assert_eq!(numbers, queue.line());
    // The evening token moved second is seen second, hours before the evening opens.
    assert!(estimates[1].minutes < 30.0, "{:?}", estimates[1]);
    for pair in estimates.windows(2) {
        assert!(pair[0].minutes <= pair[1].minutes, "{pair:?}");
    }
}

#[test]
fn a_late_patient_checked_in_and_put_back_at_once_keeps_their_arrival_behind_present_patients() {
    let tokens = Tokens::new(InMemoryStore::new());
    let desk = Actor::staff("rcp-1");
    let run = |at: &str, command: TokenCommand| {
        tokens
            .execute(&day(), &rules(), &desk, t(at), &command)
            .unwrap()
    };
    for (id, at) in [
        ("b1", "2026-03-02T03:30:00Z"),
        ("b2", "2026-03-02T04:30:00Z"),
    ] {
        let booked = TokenRequest {
            appointment_id: Some(format!("a-{id}").into()),
            expected_at: Some(t(at)),
            ..TokenRequest::new(id, TokenKind::Booked, format!("p-{id}"))
        };
        run("2026-03-01T12:00:00Z", TokenCommand::Issue(booked));
    }
    for id in ["w1", "w2", "w3"] {
        let walk_in = TokenRequest::new(id, TokenKind::WalkIn, format!("p-{id}"));
        run("2026-03-02T03:20:00Z", TokenCommand::Issue(walk_in));
    }
    let skip = TokenCommand::Skip {
        number: 1,
        reason: None,
    };
    run("2026-03-02T03:35:00Z", skip);
    run("2026-03-02T03:50:00Z", TokenCommand::CheckIn { number: 1 });
    let back = TokenCommand::Reinsert {
        number: 1,
        after: None,
        reason: None,
    };
    let update = run("2026-03-02T03:50:00Z", back);
    // Behind three patients who are here (#3–#5), not behind the absent #2 and two more.
    assert_eq!(update.queue.line(), [2, 3, 4, 5, 1]);
    let days = update.queue.past_days(&rules());
    assert_eq!(days[0].arrival_offsets, [20.0]);
}
