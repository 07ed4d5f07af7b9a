// medsched's refusals as JavaScript errors: the core's error reports (JSON in a native
// error's message) raised as `MedschedError` subclasses with stable codes.
'use strict'

const { revive } = require('./values.js')

/** A refusal of medsched: `code` is stable and the same in every language. */
class MedschedError extends Error {
  /**
   * @param {object} report the error's ErrorReport fields (`message` and the fields of its
   *   code); `code` is the class's own.
   * @param {{ cause?: unknown }} [options] as `Error`'s.
   */
  constructor(report = {}, options = undefined) {
    const code = new.target.code
    super(report.message ?? code, options)
    this.name = new.target.name
    this.report = { ...report, code }
    for (const [key, value] of Object.entries(this.report)) {
      if (key !== 'message') this[key] = value
    }
    this.code = code
  }
}
MedschedError.code = 'medsched'

const errorClass = (name, code) => {
  const made = { [name]: class extends MedschedError {} }[name]
  made.code = code
  return made
}
const InvalidInputError = errorClass('InvalidInputError', 'invalid_input')
const NotFoundError = errorClass('NotFoundError', 'not_found')
const SlotUnavailableError = errorClass('SlotUnavailableError', 'slot_unavailable')
const InvalidTransitionError = errorClass('InvalidTransitionError', 'invalid_transition')
const PolicyViolationError = errorClass('PolicyViolationError', 'policy_violation')
const ConflictError = errorClass('ConflictError', 'conflict')
const RateLimitedError = errorClass('RateLimitedError', 'rate_limited')

/**
 * A store failed. Its `cause`, as `new Error(message, { cause })` gives, is the store's own
 * error: an `Error` named by the store's kind (`storage_kind`: the name of what a JavaScript
 * store threw, `postgres`, …; `Error` when the store gave none) with the store's message
 * (`storage_message`).
 */
class StorageError extends MedschedError {
  constructor(report = {}) {
    const cause = new Error(report.storage_message ?? report.message ?? 'storage')
    cause.name = report.storage_kind ?? 'Error'
    super(report, { cause })
  }
}
StorageError.code = 'storage'

const ERRORS = Object.fromEntries(
  [
    InvalidInputError,
    NotFoundError,
    SlotUnavailableError,
    InvalidTransitionError,
    PolicyViolationError,
    ConflictError,
    RateLimitedError,
    StorageError,
  ].map((c) => [c.code, c]),
)

/** The error a native call threw, as the MedschedError subclass of its report's code. */
function raised(error) {
  const message = error && error.message
  if (typeof message !== 'string' || !message.startsWith('{"code":')) return error
  const report = revive('ErrorReport', JSON.parse(message))
  const Class = ERRORS[report.code] ?? MedschedError
  return new Class(report)
}

/** Runs a native call, its error raised as a MedschedError. */
function call(work) {
  try {
    return work()
  } catch (error) {
    throw raised(error)
  }
}

/** Awaits a native call's Promise, its error raised as a MedschedError. */
async function settle(work) {
  try {
    return await work()
  } catch (error) {
    throw raised(error)
  }
}

module.exports = {
  MedschedError,
  InvalidInputError,
  NotFoundError,
  SlotUnavailableError,
  InvalidTransitionError,
  PolicyViolationError,
  ConflictError,
  RateLimitedError,
  StorageError,
  raised,
  call,
  settle,
}
