// Running a clinic: a doctor's bookability, the booking rate limiter's decision, and the
// rate limiter over a native store.
'use strict'

const native = require('../native.js')
const { call, settle } = require('./errors.js')
const { NativeStore } = require('./stores.js')
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

/**
 * The booking rate limiter over a native store (an `InMemoryStore` or a database from
 * `openStore`), which app servers share (docs/RATE_LIMITS.md). A store written in JavaScript
 * has no place for the states: it is refused with an `InvalidInputError` on `store`.
 */
class RateLimiter {
  constructor(store, limits) {
    const handle = store instanceof NativeStore ? store._native : null
    this._native = call(() => new native.RateLimiter(handle, limits == null ? null : json(limits)))
  }

  /** The limits. */
  get limits() {
    return read('RateLimits', this._native.limits())
  }

  /**
   * Counts one request of `cost` against every key and returns how many more requests of
   * cost 1 the tightest key lets pass now. When a key is over its limit nothing is counted
   * and a `RateLimitedError` names its kind, `retry_after_ms` and `retry_at`.
   */
  acquire(keys, now, cost = 1) {
    return call(() => this._native.acquire(json(keys), instant(now), cost))
  }

  /** As `acquire`, off the JavaScript thread. */
  acquireAsync(keys, now, cost = 1) {
    return settle(() => this._native.acquireAsync(json(keys), instant(now), cost))
  }
}

module.exports = { evaluateBookability, gatherCalendarFacts, scoreBookability, checkRate, RateLimiter }
