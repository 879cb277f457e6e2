// Small statistics shared by the benches: medians and min–max spreads over rounds.

/** The median of numbers (the mean of the middle two for an even count). */
export function median (values) {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** 'min–max' of numbers, with `digits` decimals. */
export function spread (values, digits = 1) {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`
}
