//! What to tell patients when the queue moves: notifications as data, for the host's SMS,
//! WhatsApp, push or WebSocket sender.

use serde::{Deserialize, Serialize};

use crate::{ConsultationMode, Id, tokens::Queue, tokens::TokenChange};

/// What a queue notification says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum QueueNotificationKind {
    /// A patient near the head of the line has a new position.
    PositionUpdate,
    /// The patient is called to the doctor.
    YourTurn,
    /// The patient was not there when called.
    Missed,
    /// The meet link of a tele-consultation changed.
    MeetLinkUpdate,
    /// The patient was given a new token: `number` is the new one.
    Reassigned,
}

impl QueueNotificationKind {
    /// `"position_update"`, `"your_turn"`, `"missed"`, `"meet_link_update"` or
    /// `"reassigned"`.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueNotificationKind::PositionUpdate => "position_update",
            QueueNotificationKind::YourTurn => "your_turn",
            QueueNotificationKind::Missed => "missed",
            QueueNotificationKind::MeetLinkUpdate => "meet_link_update",
            QueueNotificationKind::Reassigned => "reassigned",
        }
    }
}

/// One message to one patient about their token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueNotification {
    /// What it says.
    pub kind: QueueNotificationKind,
    /// The token.
    pub number: u32,
    /// The patient to tell.
    pub patient_id: Id,
    /// The token's place in the line after the change (1 = next), while it waits.
    pub position: Option<usize>,
    /// The meet link, for a tele-consultation's `your_turn` and `meet_link_update`.
    pub meet_link: Option<String>,
}

/// The notifications a change to the queue gives, from the line before it (the waiting
/// tokens' numbers in call order) and the queue after it:
///
/// - `your_turn` for a called token, `missed` for a skipped one, `reassigned` (with the new
///   number and its place) for a patient given a new token;
/// - `position_update` for each of the first `rules.notify_next` waiting tokens whose place
///   changed (or that just joined them);
/// - `meet_link_update` for the waiting tele-consultations among the first `notify_next`
///   when the link changes (a consultation in progress keeps the link it started with).
///
/// Each notification's token number and kind make it unique within one change.
pub fn notifications(
    line_before: &[u32],
    after: &Queue,
    changes: &[TokenChange],
    notify_next: usize,
) -> Vec<QueueNotification> {
    let mut out = Vec::new();
    let note = |kind, number: u32, meet_link: Option<String>| {
        after.token(number).map(|token| QueueNotification {
            kind,
            number,
            patient_id: token.patient_id.clone(),
            position: after.position(number),
            meet_link,
        })
    };
    let video = |number: u32| {
        after
            .token(number)
            .is_some_and(|t| t.mode == ConsultationMode::Video)
    };
    for change in changes {
        match change {
            TokenChange::TokenCalled { number } => {
                let link = video(*number).then(|| after.meet_link().map(str::to_string));
                out.extend(note(
                    QueueNotificationKind::YourTurn,
                    *number,
                    link.flatten(),
                ));
            }
            TokenChange::TokenSkipped { number, .. } => {
                out.extend(note(QueueNotificationKind::Missed, *number, None));
            }
            TokenChange::TokenReassigned { token, .. } => {
                out.extend(note(QueueNotificationKind::Reassigned, token.number, None));
            }
            TokenChange::MeetLinkUpdated { meet_link } => {
                let next = after.next(notify_next).into_iter().map(|t| t.number);
                for number in next.filter(|&n| video(n)) {
                    out.extend(note(
                        QueueNotificationKind::MeetLinkUpdate,
                        number,
                        Some(meet_link.clone()),
                    ));
                }
            }
            _ => {}
        }
    }
    let reassigned: Vec<u32> = changes
        .iter()
        .filter_map(|c| match c {
            TokenChange::TokenReassigned { token, .. } => Some(token.number),
            _ => None,
        })
        .collect();
    for (i, &number) in after.line().iter().take(notify_next).enumerate() {
        if reassigned.contains(&number) {
            continue;
        }
        let before = line_before.iter().position(|&n| n == number);
        if before != Some(i) {
            out.extend(note(QueueNotificationKind::PositionUpdate, number, None));
        }
    }
    out
}
