//! Token queue scenarios: issue, limits, the line, every action, notifications, replay.

use chrono::{DateTime, Utc};
use medsched::{booking::*, store::*, tokens::*, *};
use token_support::{day, rules, t};

mod token_support;

fn desk() -> Actor {
    Actor::staff("rcp-1")
}

const NOW: &str = "2026-03-02T03:00:00Z";

struct Desk {
    tokens: Tokens<InMemoryStore>,
    rules: QueueRules,
    now: DateTime<Utc>,
}

impl Desk {
    fn new(rules: QueueRules) -> Self {
        Desk {
            tokens: Tokens::new(InMemoryStore::new()),
            rules,
            now: t(NOW),
        }
    }

    fn run(&self, command: TokenCommand) -> Result<QueueUpdate> {
        let update = self
            .tokens
            .execute(&day(), &self.rules, &desk(), self.now, &command)?;
        let replayed = self.tokens.queue(&day()).unwrap();
        assert_eq!(replayed, update.queue, "replay differs after {command:?}");
        Ok(update)
    }

    fn walk_in(&self, id: &str) -> u32 {
        let request = TokenRequest::new(id, TokenKind::WalkIn, format!("pat-{id}"));
        self.run(TokenCommand::Issue(request))
            .unwrap()
            .token
            .unwrap()
            .number
    }

    fn issue(&self, id: &str, kind: TokenKind) -> Result<QueueUpdate> {
        self.run(TokenCommand::Issue(TokenRequest::new(
            id,
            kind,
            format!("pat-{id}"),
        )))
    }

    fn line(&self) -> Vec<u32> {
        self.tokens.queue(&day()).unwrap().line().to_vec()
    }
}

fn policy(err: Error) -> &'static str {
    match err {
        Error::PolicyViolation { rule, .. } => rule.code(),
        other => panic!("expected a policy violation, got {other:?}"),
    }
}

#[test]
fn numbers_follow_issue_order_and_skip_reserved_ones() {
    let desk = Desk::new(rules().with_reserved_numbers(vec![2, 5]));
    let numbers: Vec<u32> = ["a", "b", "c", "d"]
        .iter()
        .map(|id| desk.walk_in(id))
        .collect();
    assert_eq!(numbers, [1, 3, 4, 6]);
    let mut reserved = TokenRequest::new("v", TokenKind::WalkIn, "pat-senior");
    reserved.number = Some(5);
    let update = desk.run(TokenCommand::Issue(reserved.clone())).unwrap();
    assert_eq!(update.token.unwrap().number, 5);
    reserved.token_id = "v2".into();
    let err = desk.run(TokenCommand::Issue(reserved)).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    let mut unreserved = TokenRequest::new("w", TokenKind::WalkIn, "pat-w");
    unreserved.number = Some(7);
    let err = desk.run(TokenCommand::Issue(unreserved)).unwrap_err();
    assert!(err.to_string().contains("not a reserved number"), "{err}");
}

#[test]
fn an_identical_repeat_issues_nothing_and_a_reused_id_is_refused() {
    let desk = Desk::new(rules());
    desk.walk_in("a");
    let again = desk.issue("a", TokenKind::WalkIn).unwrap();
    assert!(again.events.is_empty());
    assert_eq!(again.token.unwrap().number, 1);
    let err = desk.issue("a", TokenKind::Phone).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert_eq!(desk.line(), [1]);
}

#[test]
fn session_limits_and_channel_quotas_refuse_clearly_but_never_an_emergency() {
    let mut rules = rules();
    rules.sessions[0].max_tokens = Some(3);
    rules.sessions[0].quotas.push(ChannelQuota {
        kind: TokenKind::Phone,
        max: 1,
    });
    let desk = Desk::new(rules);
    desk.issue("p1", TokenKind::Phone).unwrap();
    let err = desk.issue("p2", TokenKind::Phone).unwrap_err();
    assert_eq!(policy(err.clone()), "quota_full");
    assert_eq!(
        err.to_string(),
        "cannot issue \"p2\": the phone quota of the session is full: 1 tokens"
    );
    desk.walk_in("w1");
    desk.walk_in("w2");
    assert_eq!(
        policy(desk.issue("w3", TokenKind::WalkIn).unwrap_err()),
        "session_full"
    );
    desk.issue("e1", TokenKind::Emergency).unwrap();
    // A cancelled token frees its place, not its number.
    desk.run(TokenCommand::Cancel {
        number: 2,
        reason: None,
    })
    .unwrap();
    assert_eq!(desk.walk_in("w4"), 5);
}

#[test]
fn a_session_over_or_missing_is_refused_and_explicit_sessions_are_kept_apart() {
    let mut desk = Desk::new(rules());
    let mut evening = TokenRequest::new("ev", TokenKind::Phone, "pat-ev");
    evening.session_id = Some("evening".into());
    desk.run(TokenCommand::Issue(evening)).unwrap();
    desk.walk_in("m1");
    // The morning walk-in goes ahead of the evening phone booking.
    assert_eq!(desk.line(), [2, 1]);
    let mut nowhere = TokenRequest::new("x", TokenKind::Phone, "pat-x");
    nowhere.session_id = Some("night".into());
    assert_eq!(
        desk.run(TokenCommand::Issue(nowhere)).unwrap_err().code(),
        "not_found"
    );
    desk.now = t("2026-03-02T14:00:00Z");
    assert_eq!(
        policy(desk.issue("late", TokenKind::WalkIn).unwrap_err()),
        "no_session"
    );
    let mut morning = TokenRequest::new("m2", TokenKind::WalkIn, "pat-m2");
    morning.session_id = Some("morning".into());
    assert_eq!(
        policy(desk.run(TokenCommand::Issue(morning)).unwrap_err()),
        "session_over"
    );
}

#[test]
fn emergencies_go_ahead_of_waiting_patients_without_interrupting_the_consult() {
    let desk = Desk::new(rules());
    for id in ["a", "b", "c"] {
        desk.walk_in(id);
    }
    desk.run(TokenCommand::Start { number: 1 }).unwrap();
    desk.issue("e1", TokenKind::Emergency).unwrap();
    desk.issue("e2", TokenKind::Emergency).unwrap();
    let queue = desk.tokens.queue(&day()).unwrap();
    assert_eq!(queue.now_serving().unwrap().number, 1);
    assert_eq!(queue.line(), [4, 5, 2, 3]);
    let mut calm = rules();
    calm.emergencies_first = false;
    let desk = Desk::new(calm);
    desk.walk_in("a");
    desk.issue("e", TokenKind::Emergency).unwrap();
    assert_eq!(desk.line(), [1, 2]);
}

#[test]
fn walk_ins_can_fill_the_gaps_between_booked_slots_and_emergencies_can_go_latest_first() {
    let mut rules = rules();
    rules.walk_ins = WalkInPlacement::BetweenSlots;
    rules.emergency_order = EmergencyOrder::Lifo;
    let mut desk = Desk::new(rules);
    for (id, at) in [
        ("p1", "2026-03-02T03:30:00Z"),
        ("p2", "2026-03-02T03:40:00Z"),
        ("p3", "2026-03-02T03:50:00Z"),
    ] {
        let mut phone = TokenRequest::new(id, TokenKind::Phone, format!("pat-{id}"));
        phone.expected_at = Some(t(at));
        desk.run(TokenCommand::Issue(phone)).unwrap();
    }
    desk.now = t("2026-03-02T03:35:00Z");
    // Due at 09:05: ahead of the 09:10 and 09:20 bookings, behind the 09:00 one.
    assert_eq!(desk.walk_in("w1"), 4);
    assert_eq!(desk.line(), [1, 4, 2, 3]);
    desk.now = t("2026-03-02T04:00:00Z");
    // Every booking is due: the walk-in joins the end.
    assert_eq!(desk.walk_in("w2"), 5);
    assert_eq!(desk.line(), [1, 4, 2, 3, 5]);
    desk.issue("e1", TokenKind::Emergency).unwrap();
    desk.issue("e2", TokenKind::Emergency).unwrap();
    assert_eq!(desk.line(), [7, 6, 1, 4, 2, 3, 5]);
}

#[test]
fn a_day_at_the_desk_runs_every_action_with_valid_transitions_only() {
    let desk = Desk::new(rules());
    for id in ["a", "b", "c", "d", "e", "f"] {
        desk.walk_in(id);
    }
    let called = desk.run(TokenCommand::CallNext).unwrap();
    assert_eq!(called.token.as_ref().unwrap().number, 1);
    let kinds: Vec<_> = called.notifications.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [QueueNotificationKind::YourTurn]);
    desk.run(TokenCommand::Start { number: 1 }).unwrap();
    let busy = desk.run(TokenCommand::Start { number: 2 }).unwrap_err();
    assert_eq!(policy(busy), "consult_in_progress");
    let done = desk.run(TokenCommand::Complete { number: 1 }).unwrap();
    assert_eq!(done.queue.counts().completed, 1);
    let again = desk.run(TokenCommand::Complete { number: 1 }).unwrap_err();
    assert_eq!(
        again.to_string(),
        "cannot complete token \"1\": it is completed"
    );

    // 2 is not there when called: skipped, then back at the head when recalled.
    desk.run(TokenCommand::CallNext).unwrap();
    let missed = desk
        .run(TokenCommand::Skip {
            number: 2,
            reason: None,
        })
        .unwrap();
    assert_eq!(missed.notifications[0].kind, QueueNotificationKind::Missed);
    assert_eq!(desk.line(), [3, 4, 5, 6]);
    desk.run(TokenCommand::Recall {
        number: 2,
        reason: Some("back".into()),
    })
    .unwrap();
    assert_eq!(desk.line(), [2, 3, 4, 5, 6]);

    // 3 comes late: out of the line, then back after the next 3 (the rules' K).
    desk.run(TokenCommand::MarkLate {
        number: 3,
        reason: None,
    })
    .unwrap();
    assert_eq!(desk.line(), [2, 4, 5, 6]);
    desk.run(TokenCommand::Reinsert {
        number: 3,
        after: None,
        reason: None,
    })
    .unwrap();
    assert_eq!(desk.line(), [2, 4, 5, 3, 6]);
    let twice = desk.run(TokenCommand::Reinsert {
        number: 3,
        after: None,
        reason: None,
    });
    assert_eq!(twice.unwrap_err().code(), "invalid_transition");

    // 4 is skipped and reassigned a new number at the end, with history.
    desk.run(TokenCommand::Skip {
        number: 4,
        reason: None,
    })
    .unwrap();
    let reassigned = desk
        .run(TokenCommand::Reassign {
            number: 4,
            token_id: "d2".into(),
            reason: Some("came back after lunch".into()),
        })
        .unwrap();
    let new = reassigned.token.unwrap();
    assert_eq!(new.number, 7);
    assert_eq!(new.patient_id, "pat-d");
    assert_eq!(new.reassignments.len(), 1);
    assert_eq!((new.reassignments[0].from, new.reassignments[0].to), (4, 7));
    let old = reassigned.queue.token(4).unwrap();
    assert_eq!(
        (old.state, old.reassigned_to),
        (TokenState::Cancelled, Some(7))
    );
    assert_eq!(desk.line(), [2, 5, 3, 6, 7]);

    // Manual reorder, audited with its reason.
    let moved = desk
        .run(TokenCommand::Move {
            number: 6,
            position: 1,
            reason: Some("elderly".into()),
        })
        .unwrap();
    assert_eq!(moved.events[0].change.name(), "token_moved");
    assert_eq!(moved.events[0].actor, desk_actor());
    assert_eq!(desk.line(), [6, 2, 5, 3, 7]);
    let far = desk.run(TokenCommand::Move {
        number: 6,
        position: 9,
        reason: None,
    });
    assert_eq!(far.unwrap_err().code(), "invalid_input");

    desk.run(TokenCommand::Cancel {
        number: 5,
        reason: Some("left".into()),
    })
    .unwrap();
    let queue = desk.tokens.queue(&day()).unwrap();
    assert_eq!(queue.position(3), Some(3));
    assert_eq!(
        queue.next(2).iter().map(|t| t.number).collect::<Vec<_>>(),
        [6, 2]
    );
    let counts = queue.counts();
    assert_eq!(
        (
            counts.waiting,
            counts.completed,
            counts.cancelled,
            counts.skipped,
            counts.late
        ),
        (4, 1, 2, 0, 0)
    );
    let unknown = desk.run(TokenCommand::Start { number: 42 }).unwrap_err();
    assert_eq!(unknown.code(), "not_found");
}

fn desk_actor() -> Actor {
    desk()
}

#[test]
fn call_next_calls_each_waiting_token_once_and_refuses_an_empty_line() {
    let desk = Desk::new(rules());
    assert_eq!(
        policy(desk.run(TokenCommand::CallNext).unwrap_err()),
        "queue_empty"
    );
    desk.walk_in("a");
    desk.walk_in("b");
    assert_eq!(
        desk.run(TokenCommand::CallNext)
            .unwrap()
            .token
            .unwrap()
            .number,
        1
    );
    assert_eq!(
        desk.run(TokenCommand::CallNext)
            .unwrap()
            .token
            .unwrap()
            .number,
        2
    );
    assert_eq!(
        policy(desk.run(TokenCommand::CallNext).unwrap_err()),
        "queue_empty"
    );
}

#[test]
fn patients_take_only_their_own_booked_tokens_and_cancel_only_their_own() {
    let desk = Desk::new(rules());
    let patient = Actor::patient("pat-1");
    let walk_in = TokenRequest::new("w", TokenKind::WalkIn, "pat-1");
    let err = desk
        .tokens
        .issue(&day(), &desk.rules, &patient, desk.now, walk_in)
        .unwrap_err();
    assert_eq!(policy(err), "staff_only");
    let booked = TokenRequest {
        appointment_id: Some("a-1".into()),
        expected_at: Some(t("2026-03-02T04:00:00Z")),
        ..TokenRequest::new("b", TokenKind::Booked, "pat-2")
    };
    let err = desk
        .tokens
        .issue(&day(), &desk.rules, &patient, desk.now, booked.clone())
        .unwrap_err();
    assert_eq!(policy(err), "not_owner");
    let mine = TokenRequest {
        patient_id: "pat-1".into(),
        ..booked
    };
    desk.tokens
        .issue(&day(), &desk.rules, &patient, desk.now, mine)
        .unwrap();
    let start = TokenCommand::Start { number: 1 };
    let err = desk
        .tokens
        .execute(&day(), &desk.rules, &patient, desk.now, &start);
    assert_eq!(policy(err.unwrap_err()), "staff_only");
    let cancel = TokenCommand::Cancel {
        number: 1,
        reason: None,
    };
    let other = Actor::patient("pat-9");
    let err = desk
        .tokens
        .execute(&day(), &desk.rules, &other, desk.now, &cancel);
    assert_eq!(policy(err.unwrap_err()), "not_owner");
    desk.tokens
        .execute(&day(), &desk.rules, &patient, desk.now, &cancel)
        .unwrap();
}

#[test]
fn a_booked_token_needs_its_appointment_and_lands_in_the_session_of_its_start() {
    let desk = Desk::new(rules());
    let bare = desk.issue("b", TokenKind::Booked).unwrap_err();
    assert!(bare.to_string().contains("appointment_id"), "{bare}");
    let evening = TokenRequest {
        appointment_id: Some("a-1".into()),
        expected_at: Some(t("2026-03-02T11:00:00Z")),
        ..TokenRequest::new("b", TokenKind::Booked, "pat-1")
    };
    let token = desk
        .run(TokenCommand::Issue(evening.clone()))
        .unwrap()
        .token
        .unwrap();
    assert_eq!(token.session_id, "evening");
    // Another id for the same appointment gives the same token.
    let again = TokenRequest {
        token_id: "b2".into(),
        ..evening
    };
    let update = desk.run(TokenCommand::Issue(again)).unwrap();
    assert!(update.events.is_empty());
    assert_eq!(update.token.unwrap().id, "b");
}

#[test]
fn tele_consultations_need_a_valid_meet_link_which_is_kept_at_the_start() {
    let desk = Desk::new(rules());
    let video = TokenRequest {
        mode: ConsultationMode::Video,
        ..TokenRequest::new("v", TokenKind::Phone, "pat-v")
    };
    desk.run(TokenCommand::Issue(video)).unwrap();
    desk.walk_in("w");
    let err = desk.run(TokenCommand::Start { number: 1 }).unwrap_err();
    assert_eq!(policy(err), "meet_link_missing");
    let bad = desk.run(TokenCommand::SetMeetLink {
        meet_link: "https://meet.google.com/abc".into(),
    });
    let bad = bad.unwrap_err();
    assert!(bad.to_string().contains("meet_link"), "{bad}");
    let link = "https://meet.google.com/abc-defg-hij";
    let set = desk
        .run(TokenCommand::SetMeetLink {
            meet_link: link.into(),
        })
        .unwrap();
    assert_eq!(set.notifications.len(), 1);
    assert_eq!(
        set.notifications[0].kind,
        QueueNotificationKind::MeetLinkUpdate
    );
    assert_eq!(set.notifications[0].number, 1);
    assert_eq!(set.notifications[0].meet_link.as_deref(), Some(link));
    let called = desk.run(TokenCommand::CallNext).unwrap();
    assert_eq!(called.notifications[0].meet_link.as_deref(), Some(link));
    desk.run(TokenCommand::Start { number: 1 }).unwrap();
    let other = "https://meet.google.com/xyz-abcd-efg";
    desk.run(TokenCommand::SetMeetLink {
        meet_link: other.into(),
    })
    .unwrap();
    let queue = desk.tokens.queue(&day()).unwrap();
    assert_eq!(queue.token(1).unwrap().meet_link.as_deref(), Some(link));
    assert_eq!(queue.meet_link(), Some(other));
}

#[test]
fn position_updates_go_to_the_next_n_whose_place_changed() {
    let mut rules = rules();
    rules.notify_next = 3;
    let desk = Desk::new(rules);
    for id in ["a", "b", "c", "d", "e"] {
        desk.walk_in(id);
    }
    let update = desk.run(TokenCommand::Start { number: 1 }).unwrap();
    let updated: Vec<(u32, Option<usize>)> = update
        .notifications
        .iter()
        .map(|n| (n.number, n.position))
        .collect();
    assert_eq!(updated, [(2, Some(1)), (3, Some(2)), (4, Some(3))]);
    let emergency = desk.issue("x", TokenKind::Emergency).unwrap();
    let updated: Vec<u32> = emergency.notifications.iter().map(|n| n.number).collect();
    assert_eq!(updated, [6, 2, 3]);
}

#[test]
fn bad_rules_and_instants_are_typed_errors() {
    let mut overlapping = rules();
    overlapping.sessions[1].start = t("2026-03-02T05:00:00Z");
    let desk = Desk::new(overlapping);
    let err = desk.issue("a", TokenKind::WalkIn).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("rules.sessions[1].start"), "{err}");
    let desk = Desk::new(QueueRules::new(vec![]));
    assert!(
        desk.issue("a", TokenKind::WalkIn)
            .unwrap_err()
            .to_string()
            .contains("sessions")
    );
    let mut desk = Desk::new(rules_with_reserved(0));
    assert!(desk.issue("a", TokenKind::WalkIn).is_err());
    desk.rules = rules();
    desk.now = DateTime::<Utc>::MAX_UTC;
    assert_eq!(
        desk.issue("a", TokenKind::WalkIn).unwrap_err().code(),
        "invalid_input"
    );
}

fn rules_with_reserved(number: u32) -> QueueRules {
    rules().with_reserved_numbers(vec![number])
}

#[test]
fn the_booked_token_of_an_appointment_follows_the_appointment() {
    use chrono::Weekday;
    let clinic = Clinic {
        locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
        holidays: vec![],
    };
    let mut calendar = DoctorCalendar::new("dr-asha");
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon],
        sessions: vec![Session::new("09:00", "13:00").unwrap()],
        ..WeeklyTemplate::new("mon", "kochi")
    });
    let types = [AppointmentType::new("consult", 10)];
    let schedule = Schedule::new("clinic-1", &clinic, &[calendar], &types)
        .unwrap()
        .with_book_time_zone(chrono_tz::Asia::Kolkata);
    let bookings = Bookings::new(InMemoryStore::new());
    let booked_at = t("2026-02-27T10:00:00Z");
    let patient = Actor::patient("pat-1");
    let appointment = bookings
        .book(
            &schedule,
            &patient,
            booked_at,
            BookRequest {
                appointment_id: "a-1".into(),
                patient_id: "pat-1".into(),
                doctor_id: "dr-asha".into(),
                appointment_type_id: "consult".into(),
                start: t("2026-03-02T04:00:00Z"),
            },
        )
        .unwrap();
    // The token service checks the appointment against the day book: one store for both.
    let tokens = Tokens::new(bookings.store());
    let update = tokens
        .issue_for_appointment(&schedule, &rules(), &patient, booked_at, &appointment)
        .unwrap();
    let token = update.token.unwrap();
    assert_eq!((token.number, token.kind), (1, TokenKind::Booked));
    assert_eq!(token.expected_at, Some(t("2026-03-02T04:00:00Z")));
    assert_eq!(token.id, "a-1/token");
    assert_eq!(
        tokens
            .queue(&day())
            .unwrap()
            .token_for_appointment("a-1")
            .unwrap()
            .number,
        1
    );
    let cancelled = bookings
        .cancel(
            &schedule,
            &patient,
            booked_at,
            appointment.book_date,
            "a-1",
            None,
        )
        .unwrap();
    let err = tokens
        .issue_for_appointment(&schedule, &rules(), &patient, booked_at, &cancelled)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_transition");
}

#[test]
fn token_events_are_in_the_feed_with_their_topic() {
    let desk = Desk::new(rules());
    desk.walk_in("a");
    desk.run(TokenCommand::CallNext).unwrap();
    let feed = desk.tokens.store().feed(&"clinic-1".into(), 0, 10).unwrap();
    let names: Vec<_> = feed.iter().map(|e| e.event.change.name()).collect();
    assert_eq!(names, ["token_issued", "token_called"]);
    assert_eq!(feed[0].stream, day().stream());
    assert_eq!(feed[0].event.change.topic(), "queue_updated");
    let json = serde_json::to_value(&feed[1].event).unwrap();
    assert_eq!(json["type"], "token_called");
    assert_eq!(json["number"], 1);
    let back: Event = serde_json::from_value(json).unwrap();
    assert_eq!(back, feed[1].event);
}
