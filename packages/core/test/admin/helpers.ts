// The admin tests' project (fixture admin-site) and its users: a superuser, staff with some
// permissions, a user who is not staff.
import { createUser, ObjectId, type TaoApp } from '@tao/core'
import { createTestApp, TestClient } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

export const PASSWORD = 'correct horse battery'

/** The admin-site project (createTestApp makes its models' indexes, as `tao migrate` would). */
export async function adminApp (): Promise<TaoApp> {
  return await createTestApp({ root: fixture('admin-site') })
}

/** A client logged in as a new user with these flags and permissions. */
export async function clientAs (app: TaoApp, username: string, opts: { isStaff?: boolean, isSuperuser?: boolean, permissions?: string[] } = {}): Promise<TestClient> {
  const user = await createUser(app, { username, password: PASSWORD, isStaff: opts.isStaff ?? true, isSuperuser: opts.isSuperuser ?? false, permissions: opts.permissions ?? [] })
  const client = new TestClient(app)
  await client.login(user)
  return client
}

/** A valid product document, with `over` applied. */
export function product (over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Lamp',
    price: 12.5,
    stock: 3,
    active: true,
    status: 'listed',
    releasedAt: new Date('2026-01-02T10:00:00Z'),
    tags: ['light'],
    sku: `SKU-${new ObjectId().toHexString().slice(-8)}`,
    ...over,
  }
}

/** The fields of the product form, as a browser posts them, with `over` applied. */
export function productForm (over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: 'Desk',
    price: '99.5',
    stock: '2',
    active: 'on',
    status: 'draft',
    releasedAt: '2026-03-04T09:30',
    tags: ['wood', ''],
    'dimensions.width': '',
    'dimensions.height': '',
    extra: '',
    sku: 'DSK-001',
    ...over,
  }
}

/** The `id="...-error"` messages of a rendered form, by field path. */
export function fieldErrors (html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<p class="error" id="field-([^"]+)-error">([^<]*)<\/p>/g)].map((m) => [m[1]!, m[2]!]))
}
