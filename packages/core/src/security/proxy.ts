import { BlockList, isIP } from 'node:net'

/** Fastify's trust function: is the peer at `address` (hop `hop`, 0 = the direct peer) a proxy we trust? */
export type TrustFunction = (address: string | undefined, hop: number) => boolean

const NAMED_RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

// An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d; match it as IPv4.
function plainAddress (address: string): [string, 'ipv4' | 'ipv6'] | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return [mapped[1]!, 'ipv4']
  const kind = isIP(address)
  if (kind === 0) return null
  return [address, kind === 4 ? 'ipv4' : 'ipv6']
}

function addEntry (list: BlockList, entry: string): void {
  const [addr = '', bits] = entry.split('/')
  const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4'
  if (bits === undefined) list.addAddress(addr, family)
  else list.addSubnet(addr, Number(bits), family)
}

/**
 * Compiles settings.server.trustProxy, once at boot, into what Fastify's `trustProxy` option
 * takes. Fastify asks it about the direct peer before believing X-Forwarded-Host and
 * X-Forwarded-Proto, and about each hop of X-Forwarded-For for `req.ip`, so a peer that is not
 * trusted changes nothing.
 *   - false, 0 or []: false (X-Forwarded-* ignored);
 *   - true: every peer is trusted;
 *   - a number n: every peer is trusted, for at most n hops of X-Forwarded-For;
 *   - a list: peers whose address is listed (addresses, CIDRs, 'loopback', 'linklocal',
 *     'uniquelocal'), and with 'unix' a peer on the unix socket, which has no address at all
 *     (nginx on a socket: an address list alone would never match it).
 * Entries were validated with the settings.
 */
export function buildTrustProxy (setting: boolean | number | readonly string[]): false | TrustFunction {
  if (setting === false || setting === 0 || (Array.isArray(setting) && setting.length === 0)) return false
  if (setting === true) return () => true
  if (typeof setting === 'number') {
    const hops = setting
    return (_address, hop) => hop < hops
  }
  const list = new BlockList()
  let unix = false
  for (const entry of setting as readonly string[]) {
    if (entry === 'unix') unix = true
    else for (const e of NAMED_RANGES[entry] ?? [entry]) addEntry(list, e)
  }
  return (address) => {
    // A unix-socket peer has no remote address; a TCP peer always has one.
    if (address === undefined || address === '') return unix
    const plain = plainAddress(address)
    return plain !== null && list.check(plain[0], plain[1])
  }
}
