import { fileURLToPath } from 'node:url'

/** Absolute path of a fixture project under test/fixtures. */
export function fixture (name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

/** Two valid session keys for rotation tests (test-only). */
export const KEY_A = '5ae49164a3674ba0dd2b02ce14bb00f216c99badbba13394189c1e90f31352a9'
export const KEY_B = 'e5ce1066dcb2abefc57f407b4899f77fe6b0b33d2487c33dc8586bf408f734f1'
export const KEY_B64 = 'H/8aXssr7JLBxKZQYLUokU4MqTV8ZNOBR8/zKr/tIzw='
