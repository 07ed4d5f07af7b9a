'use client'
// The live queue board: the number called and the line, updated by server-sent events.
import { useEffect, useState } from 'react'

export default function Board() {
  const [view, setView] = useState(null)
  useEffect(() => {
    const events = new EventSource('/api/queue/stream')
    events.onmessage = (message) => setView(JSON.parse(message.data))
    return () => events.close()
  }, [])
  if (view === null) return <p id="status">Connecting…</p>
  return (
    <main>
      <h1>Queue</h1>
      <p>
        Now calling: <strong id="called">{view.called ?? '—'}</strong>
      </p>
      <p>
        Waiting: <span id="line">{view.line.join(' ') || 'nobody'}</span>
      </p>
    </main>
  )
}
