// FHIR R4 and iCalendar in and out (docs/INTEROP.md).
'use strict'

const native = require('../native.js')
const { call } = require('./errors.js')
const { json, readList, revive } = require('./values.js')

/** An export (a doctor's time in a range) as a FHIR R4 Bundle (a plain object). */
function fhirBundle(exported) {
  return JSON.parse(call(() => native.fhirBundle(json(exported))))
}

/** A FHIR Slot search (`{schedule, start_ge, start_lt, status}`) over an export: a searchset Bundle. */
function fhirSlotSearch(exported, search) {
  return JSON.parse(call(() => native.fhirSlotSearch(json(exported), json(search ?? {}))))
}

/** An export as the doctor's iCalendar feed (text). */
function icsFeed(exported) {
  return call(() => native.icsFeed(json(exported)))
}

/** An export as a VFREEBUSY calendar (text). */
function freebusy(exported) {
  return call(() => native.freebusy(json(exported)))
}

/** An external calendar's busy times in a window (`{start, end, time_zone, limits?}`). */
function readIcs(ics, request) {
  return readList('BusyTime', call(() => native.readIcs(ics, json(request))))
}

/** Another system's FHIR Bundle (object or JSON text) as `{busy, appointments}`. */
function readFhir(fhir, limits) {
  const text = typeof fhir === 'string' ? fhir : json(fhir)
  const found = JSON.parse(call(() => native.readFhir(text, limits == null ? undefined : json(limits))))
  found.busy = found.busy.map((b) => revive('BusyTime', b))
  return found
}

module.exports = { fhirBundle, fhirSlotSearch, icsFeed, freebusy, readIcs, readFhir }
