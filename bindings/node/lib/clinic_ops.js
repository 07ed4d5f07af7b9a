// Running a clinic: a doctor's bookability and the booking rate limiter's decision.
'use strict'

const native = require('../native.js')
const { call } = require('./errors.js')
const { instant, json, read } = require('./values.js')

/** A doctor's bookability at `now` (docs/BOOKABILITY.md): ten checks with reasons, a score and the verdicts. */
function evaluateBookability(facts, rules, calendar, appointmentType, now, policy) {
  const text = call(() =>
    native.evaluateBookability(
      json(facts),
      rules._native,
      json(calendar),
      json(appointmentType),
      instant(now),
      policy == null ? null : json(policy),
    ),
  )
  return read('Bookability', text)
}

/** What a doctor's own rules say about bookability at `now` (one bounded slot search): keep it, re-score for nothing. */
function gatherCalendarFacts(rules, calendar, appointmentType, now, horizonDays = 90) {
  const text = call(() =>
    native.gatherCalendarFacts(rules._native, json(calendar), json(appointmentType), instant(now), horizonDays),
  )
  return read('CalendarFacts', text)
}

/** The verdicts from a doctor's facts and kept calendar facts, with no slot search. */
function scoreBookability(facts, calendarFacts, policy) {
  const text = call(() =>
    native.scoreBookability(json(facts), json(calendarFacts), policy == null ? null : json(policy)),
  )
  return read('Bookability', text)
}

/** The GCRA decision for one request on a key whose state is `tat` (null for a new key) (docs/RATE_LIMITS.md). */
function checkRate(rate, tat, now, cost = 1) {
  const text = call(() => native.checkRate(json(rate), tat == null ? null : instant(tat), instant(now), cost))
  return read('RateDecision', text)
}

module.exports = { evaluateBookability, gatherCalendarFacts, scoreBookability, checkRate }
