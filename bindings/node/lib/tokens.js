// Tokens, queues and wait estimates.
'use strict'

const native = require('../native.js')
const { call, settle } = require('./errors.js')
const { calls, handle } = require('./bookings.js')
const { InMemoryStore, service } = require('./stores.js')
const { instant, json, read, readList } = require('./values.js')

/** A doctor's token queue for a day, as folded from its events. */
class Queue {
  constructor(handle) {
    this._native = handle
  }

  static fromEvents(events) {
    return new Queue(call(() => native.Queue.fromEvents(json(events))))
  }

  tokens() {
    return readList('Token', this._native.tokens())
  }

  token(number) {
    return read('Token', this._native.token(number))
  }

  tokenById(id) {
    return read('Token', this._native.tokenById(id))
  }

  current(number) {
    return read('Token', this._native.current(number))
  }

  tokenForAppointment(appointmentId) {
    return read('Token', this._native.tokenForAppointment(appointmentId))
  }

  line() {
    return this._native.line()
  }

  waiting() {
    return readList('Token', this._native.waiting())
  }

  nowServing() {
    return read('Token', this._native.nowServing())
  }

  lastCalled() {
    return read('Token', this._native.lastCalled())
  }

  position(number) {
    return this._native.position(number)
  }

  next(n) {
    return readList('Token', this._native.next(n))
  }

  counts() {
    return read('TokenCounts', this._native.counts())
  }

  reinsertions() {
    return this._native.reinsertions()
  }

  meetLink() {
    return this._native.meetLink()
  }

  nextNumber(rules) {
    return call(() => this._native.nextNumber(json(rules)))
  }

  waitSnapshot(rules, sessionId, now) {
    return read('QueueSnapshot', call(() => this._native.waitSnapshot(json(rules), sessionId, instant(now))))
  }

  pastDays(rules) {
    return readList('PastDay', call(() => this._native.pastDays(json(rules))))
  }

  equals(other) {
    return other instanceof Queue && this._native.equals(other._native)
  }
}

const update = (done) => ({
  queue: new Queue(done.queue),
  token: read('Token', done.token),
  events: readList('Event', done.events),
  notifications: readList('QueueNotification', done.notifications),
})

/** Outpatient tokens over a store: issue, the desk's commands, queue views, wait estimates. */
class Tokens {
  constructor(store = new InMemoryStore(), { maxAttempts = 64, limits = null } = {}) {
    this.store = store
    this._native = call(() => service(native.Tokens, store, maxAttempts, limits == null ? null : json(limits)))
  }
}

const estimatorOptions = (options) => options ?? {}

calls(Tokens, {
  queue: [[json], (queue) => new Queue(queue)],
  execute: [[json, json, json, instant, json], update],
  issue: [[json, json, json, instant, json], update],
  issueForAppointment: [[handle, json, json, instant, json], update],
})

Tokens.prototype.waitEstimates = function (day, rules, now, history, estimator = 'queue', options) {
  const { window, p90Factor } = estimatorOptions(options)
  const text = call(() =>
    this._native.waitEstimates(json(day), json(rules), instant(now), json(history), estimator, window ?? null, p90Factor ?? null),
  )
  return readList('WaitEstimate', text)
}

Tokens.prototype.waitEstimatesAsync = async function (day, rules, now, history, estimator = 'queue', options) {
  const { window, p90Factor } = estimatorOptions(options)
  const text = await settle(() =>
    this._native.waitEstimatesAsync(json(day), json(rules), instant(now), json(history), estimator, window ?? null, p90Factor ?? null),
  )
  return readList('WaitEstimate', text)
}

/** The pure token decider: the changes `command` makes to `queue`. */
function decideTokenCommand(queue, rules, actor, now, command) {
  const text = call(() => native.decideTokenCommand(queue._native, json(rules), json(actor), instant(now), json(command)))
  return readList('TokenChange', text)
}

/** The queue messages for `changes` that made `after` from a queue whose line was `lineBefore`. */
function tokenNotifications(lineBefore, after, changes, notifyNext) {
  const text = call(() => native.tokenNotifications(lineBefore, after._native, json(changes), notifyNext))
  return readList('QueueNotification', text)
}

/** Checks a Google Meet link (an InvalidInputError when it is not one). */
function checkMeetLink(link) {
  call(() => native.checkMeetLink(link))
}

/** A doctor's history from past days. */
function historyFromDays(days) {
  return read('DoctorHistory', call(() => native.historyFromDays(json(days))))
}

/** A doctor's history from consultation lengths in minutes. */
function historyFromDurations(minutes) {
  return read('DoctorHistory', call(() => native.historyFromDurations(minutes)))
}

/** The waits of a queue snapshot, by an estimator by name: `queue` or `moving_average`. */
function estimateWaits(estimator, snapshot, history, options) {
  const { window, p90Factor } = estimatorOptions(options)
  const text = call(() =>
    native.estimateWaits(estimator, json(snapshot), json(history), window ?? null, p90Factor ?? null),
  )
  return readList('WaitEstimate', text)
}

module.exports = {
  Queue,
  Tokens,
  decideTokenCommand,
  tokenNotifications,
  checkMeetLink,
  historyFromDays,
  historyFromDurations,
  estimateWaits,
}
