// Bookings: day books, the booking service over a store, the pure decider, notifications.
'use strict'

const native = require('../native.js')
const { call, settle } = require('./errors.js')
const { PreparedOccupancy } = require('./slots.js')
const { InMemoryStore, service } = require('./stores.js')
const { instant, day, json, read, readList } = require('./values.js')

/** A day book as folded from its events. */
class DayBook {
  constructor(handle) {
    this._native = handle
  }

  static fromEvents(events) {
    return new DayBook(call(() => native.DayBook.fromEvents(json(events))))
  }

  holds() {
    return readList('Hold', this._native.holds())
  }

  appointments() {
    return readList('Appointment', this._native.appointments())
  }

  hold(holdId) {
    return read('Hold', this._native.hold(holdId))
  }

  appointment(appointmentId) {
    return read('Appointment', this._native.appointment(appointmentId))
  }

  occupancy(now, exceptId = null) {
    return read('Occupancy', call(() => this._native.occupancy(instant(now), exceptId)))
  }

  /** What it takes at `now`, kept native: the fast occupancy for slot searches. */
  preparedOccupancy(now, exceptId = null) {
    return new PreparedOccupancy(call(() => this._native.preparedOccupancy(instant(now), exceptId)))
  }

  equals(other) {
    return other instanceof DayBook && this._native.equals(other._native)
  }
}

const executed = (done) => ({ book: new DayBook(done.book), events: readList('Event', done.events) })
const list = (name) => (text) => readList(name, text)
const one = (name) => (text) => read(name, text)

/**
 * The calls of a service: name → [argument converters, result converter]. Each becomes a
 * method and its `...Async` twin.
 */
function calls(Class, table) {
  for (const [name, [args, out]] of Object.entries(table)) {
    const convert = (values) => args.map((each, i) => each(values[i]))
    Class.prototype[name] = function (...values) {
      return out(call(() => this._native[name](...convert(values))))
    }
    Class.prototype[`${name}Async`] = async function (...values) {
      return out(await settle(() => this._native[`${name}Async`](...convert(values))))
    }
  }
}

const handle = (value) => value._native
const raw = (value) => value ?? null

/** Holds, bookings, the appointment lifecycle, reschedules, the change feed and
 * notification intents over a store. */
class Bookings {
  constructor(store = new InMemoryStore(), { maxAttempts = 64 } = {}) {
    this.store = store
    this._native = service(native.Bookings, store, maxAttempts)
  }
}

calls(Bookings, {
  day: [[handle, day], (book) => new DayBook(book)],
  execute: [[handle, json, instant, day, json], executed],
  hold: [[handle, json, instant, json], one('Hold')],
  extendHold: [[handle, json, instant, day, raw, raw], one('Hold')],
  releaseHold: [[handle, json, instant, day, raw], one('Hold')],
  expireHolds: [[handle, json, instant, day, day], list('Hold')],
  book: [[handle, json, instant, json], one('Appointment')],
  bookJoint: [[handle, json, instant, json], one('Appointment')],
  bookFromPool: [[handle, json, instant, json], one('PoolBooking')],
  bookHold: [[handle, json, instant, day, raw, raw], one('Appointment')],
  appointmentAction: [[raw, handle, json, instant, day, raw, raw], one('Appointment')],
  reschedule: [[handle, json, instant, day, raw, instant], one('Appointment')],
  appointment: [[handle, day, raw], one('Appointment')],
  voidUnfinishedMoves: [[handle, json, instant, day, day], list('Appointment')],
  collisions: [[handle, day, day, instant], list('Collision')],
  feed: [[handle, raw, raw], list('FeedEntry')],
  feedNotifications: [[handle, raw, raw], one('FeedNotifications')],
  reminders: [[handle, day, day, instant, instant], list('Notification')],
})

for (const action of ['confirm', 'decline', 'complete', 'markNoShow', 'cancel']) {
  const name = action === 'markNoShow' ? 'mark_no_show' : action
  Bookings.prototype[action] = function (schedule, actor, now, bookDate, appointmentId, reason) {
    return this.appointmentAction(name, schedule, actor, now, bookDate, appointmentId, reason)
  }
  Bookings.prototype[`${action}Async`] = function (schedule, actor, now, bookDate, appointmentId, reason) {
    return this.appointmentActionAsync(name, schedule, actor, now, bookDate, appointmentId, reason)
  }
}

/** The pure decider: the changes `command` makes to `book`. */
function decideBooking(schedule, book, actor, now, bookDate, command) {
  const text = call(() =>
    native.decideBooking(schedule._native, book._native, json(actor), instant(now), day(bookDate), json(command)),
  )
  return readList('Change', text)
}

/** The notification intents of events. */
function bookingNotifications(events) {
  return readList('Notification', call(() => native.bookingNotifications(json(events))))
}

module.exports = { DayBook, Bookings, decideBooking, bookingNotifications, calls, handle, raw }
