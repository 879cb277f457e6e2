import type { Document } from 'bson'
import { evalExpr } from 'mingo/core'
import { $push } from 'mingo/operators/accumulator'
import type { AccumulatorOperator, ExpressionOperator, Options } from 'mingo/types'
import { CommandError } from './command-error.js'
import { decimalOp, fromDec, isDecimal, isLong, longOp, toDec } from './decimal.js'

/**
 * Arithmetic and conversions that keep Int64 and Decimal128 exact. mingo only knows
 * JavaScript numbers: it would add a Long as an object and turn decimals into doubles.
 * Anything without a Long or a Decimal128 goes to mingo's own operator unchanged.
 */

type Op = '+' | '-' | '*' | '/'
/** An expression operator as mingo calls it. */
export type Expr = (obj: Document, expr: unknown, options: Options) => unknown
type Acc = (coll: Document[], expr: unknown, options: Options) => unknown

const literal = (v: unknown): Document => ({ $literal: v })
const isNil = (v: unknown): boolean => v === null || v === undefined
const isNumeric = (v: unknown): boolean => typeof v === 'number' || isLong(v) || isDecimal(v)

function fold (op: Op, a: unknown, b: unknown): unknown {
  if (isDecimal(a) || isDecimal(b)) return decimalOp(op, a, b)
  // Int64 arithmetic stays Int64 with integers only; a double makes the result a double.
  const integral = (v: unknown): boolean => isLong(v) || Number.isInteger(v)
  if (op !== '/' && integral(a) && integral(b)) return longOp(op, a, b)
  const x = Number(String(a))
  const y = Number(String(b))
  return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y
}

function arithmetic (op: Op, name: string, original: Expr | undefined): ExpressionOperator {
  return ((obj: Document, expr: unknown, options: Options) => {
    const args = evalExpr(obj, expr, options)
    const list = Array.isArray(args) ? args : [args]
    if (!list.some((v) => isLong(v) || isDecimal(v))) return original?.(obj, list.map(literal), options)
    if (list.some(isNil)) return null
    if (!list.every(isNumeric)) throw new CommandError('TypeMismatch', `${name} only supports numeric types`)
    if ((op === '-' || op === '/') && list.length !== 2) throw new CommandError('BadValue', `Expression ${name} takes exactly 2 arguments. ${list.length} were passed in.`)
    if (op === '/' && list.every((v) => !isDecimal(v))) {
      const d = Number(String(list[1]))
      if (d === 0) throw CommandError.location(16608, 'can\'t $divide by zero')
      return Number(String(list[0])) / d
    }
    const [first, ...rest] = list
    return rest.reduce((acc, v) => fold(op, acc, v), first)
  }) as ExpressionOperator
}

function toDecimal (v: unknown): unknown {
  return isNil(v) ? null : fromDec(toDec(v))
}

const $toDecimal = ((obj: Document, expr: unknown, options: Options) => toDecimal(evalExpr(obj, expr, options))) as ExpressionOperator

function convertTo (original: Expr | undefined): ExpressionOperator {
  return ((obj: Document, expr: unknown, options: Options) => {
    const spec = expr as Document
    const to = evalExpr(obj, spec?.to, options)
    const input = evalExpr(obj, spec?.input, options)
    if (to !== 'decimal' && to !== 19) {
      if (isLong(input) || isDecimal(input)) return original?.(obj, { ...spec, input: Number(String(input)) }, options)
      return original?.(obj, expr, options)
    }
    if (isNil(input)) return spec.onNull === undefined ? null : evalExpr(obj, spec.onNull, options)
    try {
      return toDecimal(input)
    } catch (err) {
      if (spec.onError === undefined) throw err
      return evalExpr(obj, spec.onError, options)
    }
  }) as ExpressionOperator
}

function toStringOf (original: Expr | undefined): ExpressionOperator {
  return ((obj: Document, expr: unknown, options: Options) => {
    const v = evalExpr(obj, expr, options)
    return isLong(v) || isDecimal(v) ? v.toString() : original?.(obj, literal(v), options)
  }) as ExpressionOperator
}

/** The overrides, given mingo's own expression operators to fall back on. */
export function numericExpressions (original: Record<string, Expr>, typeName: (v: unknown) => string): Record<string, ExpressionOperator> {
  return {
    $add: arithmetic('+', '$add', original.$add),
    $subtract: arithmetic('-', '$subtract', original.$subtract),
    $multiply: arithmetic('*', '$multiply', original.$multiply),
    $divide: arithmetic('/', '$divide', original.$divide),
    $toDecimal,
    $convert: convertTo(original.$convert),
    $toString: toStringOf(original.$toString),
    $type: ((obj: Document, expr: unknown, options: Options) => typeName(evalExpr(obj, expr, options))) as ExpressionOperator,
  }
}

/** $sum keeping Int64 and Decimal128 exact, non-numeric values ignored as MongoDB does. */
export function numericAccumulators (original: Record<string, Acc>): Record<string, AccumulatorOperator> {
  const $sum = ((coll: Document[], expr: unknown, options: Options) => {
    const values = typeof expr === 'number' ? coll.map(() => expr) : $push(coll, expr, options)
    const nums = values.filter(isNumeric)
    if (!nums.some((v) => isLong(v) || isDecimal(v))) return original.$sum?.(coll, expr, options)
    return nums.reduce((acc: unknown, v) => fold('+', acc, v), 0)
  }) as AccumulatorOperator
  return { $sum }
}
