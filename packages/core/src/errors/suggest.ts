/** Levenshtein distance, for "did you mean" suggestions. */
function distance (a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
    }
    prev = cur
  }
  return prev[b.length]!
}

/** The known names closest to `wanted` (at most `max`), best first. */
export function closest (wanted: string, known: Iterable<string>, max = 3): string[] {
  const scored = [...known].map((name) => ({ name, d: distance(wanted, name) }))
  const limit = Math.max(2, Math.ceil(wanted.length / 2))
  return scored
    .filter((s) => s.d <= limit || s.name.includes(wanted) || wanted.includes(s.name))
    .sort((x, y) => x.d - y.d || x.name.localeCompare(y.name))
    .slice(0, max)
    .map((s) => s.name)
}

/** " Did you mean 'a' or 'b'?" or an empty string. */
export function didYouMean (wanted: string, known: Iterable<string>): string {
  const names = closest(wanted, known)
  if (names.length === 0) return ''
  return ` Did you mean ${names.map((n) => `'${n}'`).join(' or ')}?`
}

/** "a, b, c" or "(none)". */
export function listOrNone (names: Iterable<string>): string {
  const list = [...names]
  return list.length > 0 ? list.join(', ') : '(none)'
}
