// GET /api/slots?date=YYYY-MM-DD: the doctor's bookable slots on that date, as the JSON of a
// SlotSeries ({slots, unavailable, truncated}; instants as UTC ISO text). medsched writes the
// response body itself (slotsJsonAsync): the slots never become JavaScript objects, and what
// the day book has taken stays native (preparedOccupancy). jsonResponse streams those bytes
// as they are (new Response(body) would copy them first).
import { jsonResponse } from 'medsched'
import { clinic, DOCTOR, OFFSET, refusal } from '../../lib/clinic.js'

export const dynamic = 'force-dynamic'

export async function GET(request) {
  const date = new URL(request.url).searchParams.get('date') ?? ''
  try {
    const day = await clinic.bookings.dayAsync(clinic.schedule, date)
    const now = new Date()
    const body = await clinic.schedule.availability(DOCTOR).slotsJsonAsync(
      {
        appointment_type: clinic.schedule.appointmentType('consult'),
        start: `${date}T00:00:00${OFFSET}`,
        end: `${date}T23:59:59${OFFSET}`,
        now,
      },
      day.preparedOccupancy(now),
    )
    return jsonResponse(body)
  } catch (error) {
    return refusal(error)
  }
}
