// Builds multipart/form-data bodies by hand, to control every byte (limits, malformed parts).
export interface Part {
  name: string
  value?: string
  filename?: string
  type?: string
  content?: Buffer | string
}

export function multipart (parts: Part[], boundary = '----taotest7MA4YWxkTrZu0gW'): { payload: Buffer, headers: Record<string, string> } {
  const chunks: Buffer[] = []
  for (const p of parts) {
    const disposition = p.filename === undefined
      ? `form-data; name="${p.name}"`
      : `form-data; name="${p.name}"; filename="${p.filename}"`
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.filename === undefined ? '' : `Content-Type: ${p.type ?? 'application/octet-stream'}\r\n`}\r\n`
    chunks.push(Buffer.from(head), Buffer.from(p.filename === undefined ? p.value ?? '' : p.content ?? ''), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}
