//! Repeats and edge cases of the token desk: retried issues and reassignments, appointments
//! moved within the day, emergencies after hours, meet links during a consultation.

use medsched::{store::*, tokens::*, *};
use token_support::{day, t};

mod token_support;

/// The morning session only.
fn rules() -> QueueRules {
    let mut rules = token_support::rules();
    rules.sessions.truncate(1);
    rules
}

fn run(tokens: &Tokens<InMemoryStore>, at: &str, command: TokenCommand) -> Result<QueueUpdate> {
    tokens.execute(&day(), &rules(), &Actor::staff("rcp-1"), t(at), &command)
}

fn booked(expected_at: &str) -> TokenRequest {
    TokenRequest {
        appointment_id: Some("a-1".into()),
        expected_at: Some(t(expected_at)),
        ..TokenRequest::new("a-1/token", TokenKind::Booked, "pat-1")
    }
}

#[test]
fn asking_again_after_a_same_day_reschedule_amends_the_token_in_place() {
    let tokens = Tokens::new(InMemoryStore::new());
    run(
        &tokens,
        "2026-03-01T10:00:00Z",
        TokenCommand::Issue(booked("2026-03-02T04:00:00Z")),
    )
    .unwrap();
    let walk_in = TokenRequest::new("w", TokenKind::WalkIn, "pat-2");
    run(
        &tokens,
        "2026-03-02T03:00:00Z",
        TokenCommand::Issue(walk_in),
    )
    .unwrap();
    let moved = run(
        &tokens,
        "2026-03-02T03:05:00Z",
        TokenCommand::Issue(booked("2026-03-02T05:00:00Z")),
    )
    .unwrap();
    assert_eq!(moved.events[0].change.name(), "token_amended");
    let token = moved.token.unwrap();
    assert_eq!(
        (token.number, token.expected_at),
        (1, Some(t("2026-03-02T05:00:00Z")))
    );
    assert_eq!(moved.queue.line(), [1, 2]);
    let again = run(
        &tokens,
        "2026-03-02T03:06:00Z",
        TokenCommand::Issue(booked("2026-03-02T05:00:00Z")),
    )
    .unwrap();
    assert!(again.events.is_empty());
}

#[test]
fn a_repeat_follows_a_reassignment_and_a_cancelled_token_is_not_given_back() {
    let tokens = Tokens::new(InMemoryStore::new());
    let at = "2026-03-02T03:40:00Z";
    run(
        &tokens,
        at,
        TokenCommand::Issue(booked("2026-03-02T04:00:00Z")),
    )
    .unwrap();
    run(
        &tokens,
        at,
        TokenCommand::Skip {
            number: 1,
            reason: None,
        },
    )
    .unwrap();
    let reassign = TokenCommand::Reassign {
        number: 1,
        token_id: "a-1/token-2".into(),
        reason: None,
    };
    let first = run(&tokens, at, reassign.clone()).unwrap();
    assert_eq!(first.token.unwrap().number, 2);
    let told = &first.notifications[0];
    assert_eq!(
        (told.kind, told.number),
        (QueueNotificationKind::Reassigned, 2)
    );
    assert_eq!(
        (told.patient_id.as_str(), told.position),
        ("pat-1", Some(1))
    );
    let retried = run(&tokens, at, reassign).unwrap();
    assert!(retried.events.is_empty());
    assert_eq!(retried.token.unwrap().number, 2);
    let repeat = run(
        &tokens,
        at,
        TokenCommand::Issue(booked("2026-03-02T04:00:00Z")),
    )
    .unwrap();
    assert!(repeat.events.is_empty());
    assert_eq!(repeat.token.unwrap().number, 2);

    let walk_in = || TokenRequest::new("w", TokenKind::WalkIn, "pat-2");
    run(&tokens, at, TokenCommand::Issue(walk_in())).unwrap();
    run(
        &tokens,
        at,
        TokenCommand::Cancel {
            number: 3,
            reason: None,
        },
    )
    .unwrap();
    let err = run(&tokens, at, TokenCommand::Issue(walk_in())).unwrap_err();
    assert_eq!(err.to_string(), "cannot issue token \"3\": it is cancelled");
}

#[test]
fn an_emergency_after_the_last_session_joins_it() {
    let tokens = Tokens::new(InMemoryStore::new());
    let late = "2026-03-02T08:00:00Z";
    let walk_in = TokenRequest::new("w", TokenKind::WalkIn, "pat-2");
    let err = run(&tokens, late, TokenCommand::Issue(walk_in)).unwrap_err();
    assert!(err.to_string().contains("no session"), "{err}");
    let emergency = TokenRequest::new("e", TokenKind::Emergency, "pat-3");
    let token = run(&tokens, late, TokenCommand::Issue(emergency))
        .unwrap()
        .token
        .unwrap();
    assert_eq!(token.session_id, "morning");
}

#[test]
fn a_new_meet_link_goes_to_waiting_video_patients_not_the_one_in_consultation() {
    let tokens = Tokens::new(InMemoryStore::new());
    let at = "2026-03-02T03:40:00Z";
    for id in ["v1", "v2"] {
        let video = TokenRequest {
            mode: ConsultationMode::Video,
            ..TokenRequest::new(id, TokenKind::Phone, format!("pat-{id}"))
        };
        run(&tokens, at, TokenCommand::Issue(video)).unwrap();
    }
    let link = |code: &str| TokenCommand::SetMeetLink {
        meet_link: format!("https://meet.google.com/{code}"),
    };
    run(&tokens, at, link("abc-defg-hij")).unwrap();
    run(&tokens, at, TokenCommand::Start { number: 1 }).unwrap();
    let update = run(&tokens, at, link("xyz-abcd-efg")).unwrap();
    let told: Vec<u32> = update.notifications.iter().map(|n| n.number).collect();
    assert_eq!(told, [2]);
}

#[test]
fn reserved_numbers_are_checked() {
    let tokens = Tokens::new(InMemoryStore::new());
    let walk_in = TokenRequest::new("w", TokenKind::WalkIn, "pat-2");
    let twice = rules().with_reserved_numbers(vec![3, 3]);
    let err = tokens
        .issue(
            &day(),
            &twice,
            &Actor::staff("rcp-1"),
            t("2026-03-02T03:40:00Z"),
            walk_in.clone(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("rules.reserved_numbers[1]"),
        "{err}"
    );
    let many = rules().with_reserved_numbers((1..=1001).collect());
    let err = tokens
        .issue(
            &day(),
            &many,
            &Actor::staff("rcp-1"),
            t("2026-03-02T03:40:00Z"),
            walk_in,
        )
        .unwrap_err();
    assert!(err.to_string().contains("at most 1000"), "{err}");
    let mut limited = rules();
    limited.sessions[0].quotas.push(ChannelQuota {
        kind: TokenKind::Emergency,
        max: 2,
    });
    let emergency = TokenRequest::new("e", TokenKind::Emergency, "pat-3");
    let err = tokens
        .issue(
            &day(),
            &limited,
            &Actor::staff("rcp-1"),
            t("2026-03-02T03:40:00Z"),
            emergency,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("sessions[0].quotas[0].kind"),
        "{err}"
    );
}

#[test]
fn a_late_patient_goes_back_among_their_own_sessions_patients() {
    let tokens = Tokens::new(InMemoryStore::new());
    let both = token_support::rules();
    let desk = Actor::staff("rcp-1");
    let run = |command: TokenCommand| {
        tokens
            .execute(&day(), &both, &desk, t("2026-03-02T03:40:00Z"), &command)
            .unwrap()
    };
    run(TokenCommand::Issue(TokenRequest::new(
        "a",
        TokenKind::WalkIn,
        "p-a",
    )));
    run(TokenCommand::Issue(TokenRequest::new(
        "b",
        TokenKind::WalkIn,
        "p-b",
    )));
    for id in ["x", "y", "z"] {
        let evening = TokenRequest {
            session_id: Some("evening".into()),
            ..TokenRequest::new(id, TokenKind::Phone, format!("p-{id}"))
        };
        run(TokenCommand::Issue(evening));
    }
    run(TokenCommand::Skip {
        number: 1,
        reason: None,
    });
    let back = run(TokenCommand::Reinsert {
        number: 1,
        after: None,
        reason: None,
    });
    assert_eq!(back.queue.line(), [2, 1, 3, 4, 5]);
}

#[test]
fn a_repeat_or_an_amendment_never_revives_or_moves_a_token_across_sessions() {
    let tokens = Tokens::new(InMemoryStore::new());
    let at = "2026-03-02T03:40:00Z";
    run(
        &tokens,
        at,
        TokenCommand::Issue(TokenRequest::new("w", TokenKind::WalkIn, "pat-2")),
    )
    .unwrap();
    run(
        &tokens,
        at,
        TokenCommand::Skip {
            number: 1,
            reason: None,
        },
    )
    .unwrap();
    let reassign = TokenCommand::Reassign {
        number: 1,
        token_id: "w2".into(),
        reason: None,
    };
    run(&tokens, at, reassign.clone()).unwrap();
    let stranger = Actor::patient("pat-9");
    let err = tokens
        .execute(&day(), &rules(), &stranger, t(at), &reassign)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot reassign \"1\": only staff may do this"
    );
    run(
        &tokens,
        at,
        TokenCommand::Cancel {
            number: 2,
            reason: None,
        },
    )
    .unwrap();
    let again = TokenRequest::new("w", TokenKind::WalkIn, "pat-2");
    let err = run(&tokens, at, TokenCommand::Issue(again)).unwrap_err();
    assert_eq!(err.to_string(), "cannot issue token \"2\": it is cancelled");

    run(
        &tokens,
        at,
        TokenCommand::Issue(booked("2026-03-02T04:00:00Z")),
    )
    .unwrap();
    let evening = tokens.execute(
        &day(),
        &token_support::rules(),
        &Actor::staff("rcp-1"),
        t(at),
        &TokenCommand::Issue(booked("2026-03-02T11:00:00Z")),
    );
    let err = evening.unwrap_err();
    assert!(
        err.to_string().contains("cancel it and issue a new one"),
        "{err}"
    );
}
