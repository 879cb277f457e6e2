import assert from 'node:assert/strict'
import { test } from 'node:test'
import nunjucks from 'nunjucks'
import { compileSource } from './compile.js'

const env = new nunjucks.Environment(null, { autoescape: true }) as unknown as Parameters<typeof compileSource>[1]

test('a for loop sets its loop variable with one call and its item directly', () => {
  const code = compileSource('{% for item in items %}{{ loop.index }}{{ item }}{% endfor %}', env, 't.html')
  assert.doesNotMatch(code, /frame\.set\("loop\./)
  assert.match(code, /runtime\.setLoop\(frame, t_\d+, t_\d+\);/)
  assert.match(code, /frame\.variables\["item"\] = t_\d+;/)
})

test('template text that reads like compiled code is left as text', () => {
  const text = 'frame.set("loop.index", t_1 + 1);\nframe.set("loop.index0", t_1);\nframe.set("x", t_2);'
  const code = compileSource(text, env, 't.html')
  assert.doesNotMatch(code, /setLoop|frame\.variables/)
})
