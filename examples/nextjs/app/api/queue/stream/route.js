// GET /api/queue/stream: the queue board's server-sent events, one `data:` line per change
// (the board as it is first).
import { boardView, clinic } from '../../../lib/clinic.js'

export const dynamic = 'force-dynamic'

export async function GET(request) {
  const encoder = new TextEncoder()
  let listener
  const stream = new ReadableStream({
    async start(controller) {
      const send = (view) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(view)}\n\n`))
      listener = send
      clinic.board.on('change', listener)
      request.signal.addEventListener('abort', () => clinic.board.off('change', listener))
      send(await boardView())
    },
    cancel() {
      clinic.board.off('change', listener)
    },
  })
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' },
  })
}
