//! Moves to another day interleaved with other writers at exact points, on real threads: a
//! store pauses a named thread before a load or before or after an append (a gate), the test
//! lets the other writers run, then opens the gate. A mover that dies is a thread that panics
//! at its gate. After each interleaving: one record occupies a slot (none once cancelled;
//! both while a dead mover's copy awaits repair), every change reported `Ok` stands, and every
//! lookup from any day finds the same record.

mod booking_support;
mod move_gates;

use booking_support::*;
use medsched::booking::*;
use move_gates::*;

// ---------------------------------------------------------------------------------------
// G1: the sweep passes its in-transit check, then the live mover's Out lands; the sweep must
// not abort the copy that has just become final.
#[test]
fn g1_the_sweep_spares_a_copy_that_just_became_final() {
    let (b, sc, store) = setup(MON);
    let p_in = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    // sweep over TUE only: loads TUE (days), then MON (in_transit_from), then MON (void_copy)
    let p_sw = store.gate(Kind::BeforeLoad, "sw", 1, on(MON));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p_in.wait();
    let sw = spawn("sw", &store, |b, sc| {
        b.void_unfinished_moves(&sc, &staff(), now(), day(TUE)..=day(TUE))
    });
    p_sw.wait();
    p_in.go();
    let r1 = m1.join().unwrap();
    println!("m1 -> {}", short(&r1));
    p_sw.go();
    let rs = sw.join().unwrap();
    println!("sweep -> {:?}", rs.map(|v| v.len()));
    let (occ, looks) = report(&b, &sc, "g1");
    assert!(r1.is_ok());
    assert_eq!(
        occ, 1,
        "I1/I2: the move reported Ok must leave one occupying record"
    );
    assert!(looks.iter().all(|l| l.starts_with("Ok")), "I3");
}

// G2: the same race through a second mover's DuplicateId path.
#[test]
fn g2_a_second_mover_spares_a_copy_that_just_became_final() {
    let (b, sc, store) = setup(MON);
    let p_in = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    // m2 (from MON to TUE): locate loads MON (1), In on TUE -> duplicate; load TUE;
    // in_transit_from loads MON (2); void_copy loads MON (3) <- pause before it
    let p_m2 = store.gate(Kind::BeforeLoad, "m2", 2, on(MON));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p_in.wait();
    let m2 = spawn("m2", &store, |b, sc| mv(&b, &sc, MON, TUE, "11:00"));
    p_m2.wait();
    p_in.go();
    let r1 = m1.join().unwrap();
    println!("m1 -> {}", short(&r1));
    p_m2.go();
    let r2 = m2.join().unwrap();
    println!("m2 -> {}", short(&r2));
    let (occ, looks) = report(&b, &sc, "g2");
    assert_eq!(occ, 1, "I1");
    assert!(looks.iter().all(|l| l.starts_with("Ok")), "I3");
}

// G3: a cancel located the live record on MON; meanwhile the appointment went MON->TUE and a
// second move TUE->MON landed its copy on MON (in transit), then TUE changed. The cancel must
// not land on the copy in transit (which is then aborted): it must stand.
#[test]
fn g3_a_cancel_racing_a_copy_in_transit_stands() {
    let (b, sc, store) = setup(MON);
    // cancel: locate loads MON (1) -> live, no token; then execute loads MON (2): pause before
    let p_c = store.gate(Kind::BeforeLoad, "c", 1, on(MON));
    let c = spawn("c", &store, |b, sc| {
        b.cancel(&sc, &staff(), now(), day(MON), "a-1", None)
    });
    p_c.wait();
    // m: MON->TUE complete; then TUE->MON pauses after its In on MON
    println!("mA -> {}", short(&mv(&b, &sc, MON, TUE, "10:00")));
    let p_m = store.gate(Kind::AfterAppend, "m", 0, copy_in(MON));
    let m = spawn("m", &store, |b, sc| mv(&b, &sc, TUE, MON, "11:00"));
    p_m.wait();
    p_c.go();
    let rc = c.join().unwrap();
    println!("cancel -> {}", short(&rc));
    // any change of TUE: another patient books there
    b.book(
        &sc,
        &staff(),
        now(),
        book_req("a-2", "pat-2", at(TUE, "11:30")),
    )
    .unwrap();
    p_m.go();
    let rm = m.join().unwrap();
    println!("mB -> {}", short(&rm));
    let (occ, _) = report(&b, &sc, "g3");
    assert!(rc.is_ok());
    assert_eq!(occ, 0, "I2: the cancellation reported Ok must stand");
}

// G4: a same-day reschedule racing a copy in transit whose mover then dies, then the sweep:
// the reschedule reported Ok must stand.
#[test]
fn g4_a_same_day_reschedule_racing_a_dead_copy_stands() {
    let (b, sc, store) = setup(MON);
    let p_c = store.gate(Kind::BeforeLoad, "r", 1, on(MON));
    let r = spawn("r", &store, |b, sc| mv(&b, &sc, MON, MON, "11:45"));
    p_c.wait();
    println!("mA -> {}", short(&mv(&b, &sc, MON, TUE, "10:00")));
    let p_m = store.gate(Kind::AfterAppend, "m", 0, copy_in(MON));
    let m = spawn("m", &store, |b, sc| mv(&b, &sc, TUE, MON, "11:00"));
    p_m.wait();
    p_c.go();
    let rr = r.join().unwrap();
    println!("same-day -> {}", short(&rr));
    drop(p_m); // the mover dies
    assert!(m.join().is_err());
    report(&b, &sc, "g4 before sweep");
    let rs = b.void_unfinished_moves(&sc, &staff(), now(), day(MON)..=day(TUE));
    println!("sweep -> {:?}", rs.map(|v| v.len()));
    let (_, looks) = report(&b, &sc, "g4");
    assert!(rr.is_ok());
    assert!(
        looks.iter().all(|l| l.contains("11:45")),
        "I2: the reschedule to 11:45 reported Ok must stand"
    );
}

// G5: M1 MON->TUE paused after In; M2 MON->WED completes; M1 Out fails, aborts, retries WED->TUE.
#[test]
fn g5_two_movers_different_days() {
    let (b, sc, store) = setup(MON);
    let p = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p.wait();
    println!("m2 -> {}", short(&mv(&b, &sc, MON, WED, "11:30")));
    p.go();
    println!("m1 -> {}", short(&m1.join().unwrap()));
    ok_state(&b, &sc, "g5", 1);
}

// G6: return trip (TUE->MON done); M3 MON->TUE paused after In; TUE changes (a-2 booked);
// M3 resumes.
#[test]
fn g6_return_trip_with_target_day_changing() {
    let (b, sc, store) = setup(TUE);
    mv(&b, &sc, TUE, MON, "09:00").unwrap();
    let p = store.gate(Kind::AfterAppend, "m3", 0, copy_in(TUE));
    let m3 = spawn("m3", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p.wait();
    println!(
        "lookup TUE mid: {}",
        short(&b.appointment(&sc, day(TUE), "a-1"))
    );
    b.book(
        &sc,
        &staff(),
        now(),
        book_req("a-2", "pat-2", at(TUE, "11:30")),
    )
    .unwrap();
    p.go();
    println!("m3 -> {}", short(&m3.join().unwrap()));
    ok_state(&b, &sc, "g6", 1);
}

// G7: sweep dies between its Void (MON) and its Abort (TUE) of a dead copy; M2 MON->WED;
// sweep again.
#[test]
fn g7_sweep_dies_between_void_and_abort() {
    let (b, sc, store) = setup(MON);
    let p = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p.wait();
    drop(p);
    assert!(m1.join().is_err());
    let ps = store.gate(
        Kind::BeforeAppend,
        "sw",
        0,
        change(TUE, "appointment_move_aborted"),
    );
    let sw = spawn("sw", &store, |b, sc| {
        b.void_unfinished_moves(&sc, &staff(), now(), day(MON)..=day(TUE))
    });
    ps.wait();
    drop(ps);
    assert!(sw.join().is_err());
    report(&b, &sc, "g7 after dead sweep");
    println!("m2 -> {}", short(&mv(&b, &sc, MON, WED, "11:30")));
    report(&b, &sc, "g7 after m2 (dead copy may still occupy)");
    println!(
        "sweep2 -> {:?}",
        b.void_unfinished_moves(&sc, &staff(), now(), day(MON)..=day(WED))
            .map(|v| v.len())
    );
    ok_state(&b, &sc, "g7", 1);
}

// G8: M1 MON->TUE paused before its In append; M2 MON->TUE completes; M1's In meets
// M2's final copy.
#[test]
fn g8_in_meets_final_copy() {
    let (b, sc, store) = setup(MON);
    let p = store.gate(Kind::BeforeAppend, "m1", 0, copy_in(TUE));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p.wait();
    println!("m2 -> {}", short(&mv(&b, &sc, MON, TUE, "11:00")));
    p.go();
    println!("m1 -> {}", short(&m1.join().unwrap()));
    ok_state(&b, &sc, "g8", 1);
}

// G9: M1 MON->TUE and M2 MON->WED both paused after their In; cancel on MON; both resume.
#[test]
fn g9_two_paused_movers_and_a_cancel() {
    let (b, sc, store) = setup(MON);
    let p1 = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let p2 = store.gate(Kind::AfterAppend, "m2", 0, copy_in(WED));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p1.wait();
    let m2 = spawn("m2", &store, |b, sc| mv(&b, &sc, MON, WED, "11:30"));
    p2.wait();
    println!(
        "lookup WED mid: {}",
        short(&b.appointment(&sc, day(WED), "a-1"))
    );
    println!(
        "cancel via WED -> {}",
        short(&b.cancel(&sc, &staff(), now(), day(WED), "a-1", None))
    );
    p2.go();
    println!("m2 -> {}", short(&m2.join().unwrap()));
    p1.go();
    println!("m1 -> {}", short(&m1.join().unwrap()));
    ok_state(&b, &sc, "g9", 0);
}

// G10: M1 paused after In; sweep Voids then pauses before its Abort; M1 fails, aborts, retries
// and lands; the sweep's late Abort must not touch the new copy.
#[test]
fn g10_late_sweep_abort() {
    let (b, sc, store) = setup(MON);
    let p = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p.wait();
    let ps = store.gate(
        Kind::BeforeAppend,
        "sw",
        0,
        change(TUE, "appointment_move_aborted"),
    );
    let sw = spawn("sw", &store, |b, sc| {
        b.void_unfinished_moves(&sc, &staff(), now(), day(MON)..=day(TUE))
    });
    ps.wait();
    p.go();
    println!("m1 -> {}", short(&m1.join().unwrap()));
    ps.go();
    println!("sweep -> {:?}", sw.join().unwrap().map(|v| v.len()));
    ok_state(&b, &sc, "g10", 1);
}

// G11: confirmation via the copy's day while the mover is between its steps.
#[test]
fn g11_confirm_during_move() {
    let sc = schedule(TENANT);
    let store = Gated::default();
    let b = Bookings::new(store.clone());
    b.book(
        &sc,
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    let p = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let m1 = spawn("m1", &store, |b, sc| {
        b.reschedule(&sc, &pat1(), now(), day(MON), "a-1", at(TUE, "10:00"))
    });
    p.wait();
    println!(
        "confirm via TUE -> {}",
        short(&b.confirm(&sc, &staff(), now(), day(TUE), "a-1"))
    );
    p.go();
    let r = m1.join().unwrap();
    println!("m1 -> {}", short(&r));
    ok_state(&b, &sc, "g11", 1);
    assert_eq!(r.unwrap().status, AppointmentStatus::Confirmed);
}

// G12: mover dies right before its Abort (after a cancel on the old day made its Out fail).
#[test]
fn g12_mover_dies_before_abort() {
    let (b, sc, store) = setup(MON);
    let p = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let pa = store.gate(
        Kind::BeforeAppend,
        "m1",
        0,
        change(TUE, "appointment_move_aborted"),
    );
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p.wait();
    println!(
        "cancel MON -> {}",
        short(&b.cancel(&sc, &staff(), now(), day(MON), "a-1", None))
    );
    p.go();
    pa.wait();
    drop(pa);
    assert!(m1.join().is_err());
    let (occ, looks) = report(&b, &sc, "g12 dead");
    println!("occ={occ} {looks:?}");
    println!("move back? {}", short(&mv(&b, &sc, MON, TUE, "10:00")));
    println!(
        "sweep -> {:?}",
        b.void_unfinished_moves(&sc, &staff(), now(), day(MON)..=day(TUE))
            .map(|v| v.len())
    );
    ok_state(&b, &sc, "g12", 0);
}

// N1: m1 reads MON and pauses before its In on TUE; a move MON->TUE and its return trip
// complete; m1's In must not book a second copy under the token the finished move used.
// A cancel via TUE meanwhile must stand.
#[test]
fn n1_a_stale_mover_cannot_reuse_a_final_move_token() {
    let (b, sc, store) = setup(MON);
    let pb = store.gate(Kind::BeforeAppend, "m1", 0, copy_in(TUE));
    let pa = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    pb.wait();
    println!("m2 -> {}", short(&mv(&b, &sc, MON, TUE, "11:00")));
    println!("m3 -> {}", short(&mv(&b, &sc, TUE, MON, "09:00")));
    pb.go();
    pa.wait();
    let (occ_mid, _) = report(&b, &sc, "n1 mid (m1 between In and Out)");
    let rc = b.cancel(&sc, &staff(), now(), day(TUE), "a-1", None);
    println!("cancel via TUE -> {}", short(&rc));
    pa.go();
    println!("m1 -> {}", short(&m1.join().unwrap()));
    let (occ, looks) = report(&b, &sc, "n1 end");
    assert!(occ_mid <= 2, "the copy in transit and the original at most");
    assert!(rc.is_ok());
    assert_eq!(
        occ, 0,
        "cancel reported Ok must stand; occ_mid={occ_mid} looks={looks:?}"
    );
}

// N1b: as N1, and the stale mover dies after its In; the sweep must repair it.
#[test]
fn n1b_a_stale_mover_that_dies_is_repaired() {
    let (b, sc, store) = setup(MON);
    let pb = store.gate(Kind::BeforeAppend, "m1", 0, copy_in(TUE));
    let pa = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    pb.wait();
    println!("m2 -> {}", short(&mv(&b, &sc, MON, TUE, "11:00")));
    println!("m3 -> {}", short(&mv(&b, &sc, TUE, MON, "09:00")));
    pb.go();
    pa.wait();
    drop(pa);
    assert!(m1.join().is_err());
    println!(
        "sweep -> {:?}",
        b.void_unfinished_moves(&sc, &staff(), now(), day(SUN)..=day(THU))
            .map(|v| v.len())
    );
    ok_state(&b, &sc, "n1b", 1);
}

// N2: cancel located the final copy on TUE; the appointment goes TUE->MON (done) and
// MON->TUE lands a copy in transit on TUE over the located record; cancel resumes.
#[test]
fn n2_cancel_located_record_replaced_by_returning_copy() {
    let (b, sc, store) = setup(MON);
    mv(&b, &sc, MON, TUE, "10:00").unwrap();
    let p_c = store.gate(Kind::BeforeLoad, "c", 1, on(TUE));
    let c = spawn("c", &store, |b, sc| {
        b.cancel(&sc, &staff(), now(), day(TUE), "a-1", None)
    });
    p_c.wait();
    println!("back -> {}", short(&mv(&b, &sc, TUE, MON, "09:00")));
    let p_m = store.gate(Kind::AfterAppend, "m", 0, copy_in(TUE));
    let m = spawn("m", &store, |b, sc| mv(&b, &sc, MON, TUE, "11:00"));
    p_m.wait();
    p_c.go();
    let rc = c.join().unwrap();
    println!("cancel -> {}", short(&rc));
    p_m.go();
    println!("m -> {}", short(&m.join().unwrap()));
    assert!(rc.is_ok());
    ok_state(&b, &sc, "n2", 0);
}

// N2b: as N2 but the returning mover dies after its In; then sweep.
#[test]
fn n2b_returning_copy_dies() {
    let (b, sc, store) = setup(MON);
    mv(&b, &sc, MON, TUE, "10:00").unwrap();
    let p_c = store.gate(Kind::BeforeLoad, "c", 1, on(TUE));
    let c = spawn("c", &store, |b, sc| {
        b.confirm(&sc, &staff(), now(), day(TUE), "a-1")
    });
    p_c.wait();
    println!("back -> {}", short(&mv(&b, &sc, TUE, MON, "09:00")));
    let p_m = store.gate(Kind::AfterAppend, "m", 0, copy_in(TUE));
    let m = spawn("m", &store, |b, sc| mv(&b, &sc, MON, TUE, "11:00"));
    p_m.wait();
    drop(p_m);
    assert!(m.join().is_err());
    // a same-day reschedule on MON via TUE while the dead copy is there
    let rr = mv(&b, &sc, TUE, MON, "11:45");
    println!("same-day via TUE -> {}", short(&rr));
    p_c.go();
    println!("confirm -> {}", short(&c.join().unwrap()));
    println!(
        "sweep -> {:?}",
        b.void_unfinished_moves(&sc, &staff(), now(), day(MON)..=day(TUE))
            .map(|v| v.len())
    );
    let (_, looks) = report(&b, &sc, "n2b");
    assert!(rr.is_ok());
    assert!(looks.iter().all(|l| l.contains("11:45")));
    ok_state(&b, &sc, "n2b", 1);
}

// N3: sweep loaded the old day in void_copy (passes), pauses before its Void append; the
// mover's Out lands; the Void append conflicts and the sweep must leave the copy.
#[test]
fn n3_a_sweep_whose_void_loses_to_the_out_leaves_the_copy() {
    let (b, sc, store) = setup(MON);
    let p_in = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let p_sw = store.gate(
        Kind::BeforeAppend,
        "sw",
        0,
        change(MON, "appointment_move_voided"),
    );
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p_in.wait();
    let sw = spawn("sw", &store, |b, sc| {
        b.void_unfinished_moves(&sc, &staff(), now(), day(TUE)..=day(TUE))
    });
    p_sw.wait();
    p_in.go();
    let r1 = m1.join().unwrap();
    println!("m1 -> {}", short(&r1));
    p_sw.go();
    println!("sweep -> {:?}", sw.join().unwrap().map(|v| v.len()));
    assert!(r1.is_ok());
    ok_state(&b, &sc, "n3", 1);
}

// N4: m2 (MON->TUE) meets m1's copy in transit, pauses before its Void append; m1's Out
// lands; m2's void conflicts -> retry -> m2 must move from TUE.
#[test]
fn n4_a_mover_whose_void_loses_to_the_out_retries() {
    let (b, sc, store) = setup(MON);
    let p_in = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
    let p_m2 = store.gate(
        Kind::BeforeAppend,
        "m2",
        0,
        change(MON, "appointment_move_voided"),
    );
    let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
    p_in.wait();
    let m2 = spawn("m2", &store, |b, sc| mv(&b, &sc, MON, TUE, "11:00"));
    p_m2.wait();
    p_in.go();
    println!("m1 -> {}", short(&m1.join().unwrap()));
    p_m2.go();
    let r2 = m2.join().unwrap();
    println!("m2 -> {}", short(&r2));
    ok_state(&b, &sc, "n4", 1);
    assert!(r2.is_ok());
}

// X4: a stale mover's In is refused as a conflict (its reading was used by a mover that then
// died) while the sweep is paused around its void and abort of the dead copy. The sweep must
// not report the live appointment as a copy it voided.
#[test]
fn x4_sweep_reports_only_the_copies_it_aborted() {
    for variant in 0..3 {
        let (b, sc, store) = setup(MON);
        let p_s = store.gate(Kind::BeforeAppend, "s", 0, copy_in(TUE));
        let s = spawn("s", &store, |b, sc| mv(&b, &sc, MON, TUE, "11:00"));
        p_s.wait();
        let p_in = store.gate(Kind::AfterAppend, "m1", 0, copy_in(TUE));
        let m1 = spawn("m1", &store, |b, sc| mv(&b, &sc, MON, TUE, "10:00"));
        p_in.wait();
        drop(p_in);
        assert!(m1.join().is_err(), "m1 dies after its copy");
        let (gate_day, gate_name) = match variant {
            0 => (TUE, "appointment_move_aborted"),
            _ => (MON, "appointment_move_voided"),
        };
        let kind = if variant == 2 {
            Kind::AfterAppend
        } else {
            Kind::BeforeAppend
        };
        let p_sw = store.gate(kind, "sw", 0, change(gate_day, gate_name));
        let sw = spawn("sw", &store, |b, sc| {
            b.void_unfinished_moves(&sc, &staff(), now(), day(SUN)..=day(THU))
        });
        p_sw.wait();
        p_s.go();
        let moved = s.join().unwrap();
        p_sw.go();
        let voided = sw.join().unwrap();
        let label = format!("x4 v{variant}");
        assert!(
            moved.is_ok(),
            "{label}: the stale mover reads again and lands"
        );
        ok_state(&b, &sc, &label, 1);
        if let Ok(voided) = voided {
            assert!(
                voided.iter().all(|a| !a.occupies()),
                "{label}: the sweep reports a live record as voided: {voided:?}"
            );
        }
    }
}
