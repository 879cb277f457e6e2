import { ALIASES, COMMANDS } from './commands/index.js'

/** Edit distance between two short words (Damerau's transposition counted as one edit). */
function distance (a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The command meant by an unknown `word`: another framework's name for it (`runserver` →
 * `dev`), else the closest command name within a few edits, else null.
 */
export function suggestCommand (word: string): string | null {
  const lower = word.toLowerCase()
  if (Object.hasOwn(ALIASES, lower)) return ALIASES[lower]!
  let best: string | null = null
  let bestDistance = Infinity
  for (const { name } of COMMANDS) {
    const d = name.startsWith(lower) && lower.length >= 2 ? 0 : distance(lower, name)
    if (d < bestDistance) { best = name; bestDistance = d }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : null
}
