// A JSON body medsched wrote (`slotsJson`, `slotsForDoctorsJson`, `resolveJson`, ...) as the web
// `Response` a route handler returns, handed over without a copy.
'use strict'

const { InvalidInputError } = require('./errors.js')

/**
 * The `Response` of a JSON body: `content-type: application/json` (unless `init.headers`
 * names one) and its `content-length`; `status`, `statusText` and other headers as in
 * `init`. The body streams the bytes as they are, in one chunk: `new Response(buffer)`
 * copies them first (undici copies every `ArrayBuffer` view it is given), which for a
 * 300 KB body cost more than writing it (docs/NODE.md). Do not change the bytes afterwards.
 *
 * @param {Uint8Array} body the UTF-8 bytes of a JSON text (a `Buffer` from medsched)
 * @param {ResponseInit | null} [init] as `Response`'s (`null` as none)
 * @returns {Response}
 */
function jsonResponse(body, init = null) {
  if (!(body instanceof Uint8Array)) {
    const value = body === null ? 'null' : typeof body
    throw new InvalidInputError({
      message: `invalid body = "${value}": malformed: a Buffer or Uint8Array of JSON bytes`,
      retry_safe: false,
      field: 'body',
      value,
      problem: 'malformed',
      problem_message: 'malformed: a Buffer or Uint8Array of JSON bytes',
    })
  }
  const given = init ?? {}
  const headers = new Headers(given.headers)
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  headers.set('content-length', String(body.byteLength))
  const stream = new ReadableStream({
    start(controller) {
      if (body.byteLength > 0) controller.enqueue(body)
      controller.close()
    },
  })
  return new Response(stream, { ...given, headers })
}

module.exports = { jsonResponse }
