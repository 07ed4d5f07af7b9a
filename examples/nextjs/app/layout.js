export const metadata = { title: 'medsched clinic' }

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'sans-serif', margin: '2rem' }}>{children}</body>
    </html>
  )
}
