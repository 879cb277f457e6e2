import { BlockList, isIP } from 'node:net'

/** An IPv4 address written as IPv6 (`::ffff:127.0.0.1`, a dual-stack socket's form) as IPv4. */
function plain (address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

/**
 * Who may see the debug toolbar: a matcher over settings.debugToolbarAddresses (addresses and
 * CIDR ranges, validated by the settings), built once at boot. It is given the connection's
 * peer address, never a forwarded one a client could write itself.
 */
export function buildAddressMatcher (entries: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList()
  for (const entry of entries) {
    const [addr = '', bits] = entry.split('/')
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) list.addAddress(addr, type)
    else list.addSubnet(addr, Number(bits), type)
  }
  return (address) => {
    if (address === undefined) return false
    const a = plain(address)
    const type = isIP(a)
    return type !== 0 && list.check(a, type === 6 ? 'ipv6' : 'ipv4')
  }
}
