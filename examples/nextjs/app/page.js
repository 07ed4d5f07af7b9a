export default function Home() {
  return (
    <main>
      <h1>medsched clinic</h1>
      <p>
        <a href="/board">Queue board</a> · <code>GET /api/slots?date=YYYY-MM-DD</code> · <code>POST /api/holds</code> ·{' '}
        <code>POST /api/bookings</code> · <code>POST /api/desk</code>
      </p>
    </main>
  )
}
