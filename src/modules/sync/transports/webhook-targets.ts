import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A URL's host as a resolver or socket takes it: an IPv6 address without its brackets. */
export const hostOf = (u: URL): string => u.hostname.replace(/^\[(.*)\]$/, '$1');

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A webhook URL or address that may not be used, with the reason. */
export class TargetRefused extends Error {
  readonly code = 'ETARGETREFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefused';
  }
}

/**
 * Where webhooks may go. Only public unicast addresses, by default: loopback, private, link-local (the
 * cloud metadata address 169.254.169.254 among them), carrier-grade NAT, unique-local, IPv4 inside IPv6
 * (mapped, NAT64, 6to4, Teredo) and every other special-purpose range are refused, unless
 * WEBHOOK_ALLOWED_HOSTS names the host or a range holding the address. Checked on the addresses a name
 * resolves to, when subscribing and again on every connection (`lookup`), so a name that later
 * resolves elsewhere (DNS rebinding) is refused at the moment it would be used.
 */
export class WebhookTargets {
  readonly #hosts = new Set<string>();
  readonly #ranges: [Address, number][] = [];

  constructor(allowed: readonly string[] = []) {
    for (const entry of allowed) {
      if (ipaddr.isValidCIDR(entry)) this.#ranges.push(ipaddr.parseCIDR(entry));
      else if (net.isIP(entry)) {
        const a = ipaddr.parse(entry);
        this.#ranges.push([a, a.kind() === 'ipv4' ? 32 : 128]);
      } else this.#hosts.add(entry.toLowerCase());
    }
  }

  /** Why this address may not be connected to (for `host`), or null. */
  addressRefusal(address: string, host?: string): string | null {
    if (host && this.#hosts.has(host.toLowerCase())) return null;
    if (!ipaddr.isValid(address)) return `${address} is not an address`;
    const raw = ipaddr.parse(address);
    // ::ffff:10.0.0.1 is 10.0.0.1: judged (and allowed) as the IPv4 address it carries.
    const a =
      raw.kind() === 'ipv6' && (raw as ipaddr.IPv6).isIPv4MappedAddress() ? ipaddr.process(address) : raw;
    if (this.#ranges.some(([base, bits]) => base.kind() === a.kind() && a.match(base, bits))) return null;
    const range = a.range();
    if (range === 'unicast') return null;
    return `${host && host !== address ? `${host} resolves to ` : ''}${address}, a ${range} address: webhooks go to public addresses only (WEBHOOK_ALLOWED_HOSTS may name others)`;
  }

  /**
   * Why this URL may not be subscribed to, or null: credentials in it, or a host that is (or resolves
   * to) a refused address. A name that does not resolve yet is let through; each delivery checks again.
   */
  async urlRefusal(url: string): Promise<string | null> {
    const u = new URL(url);
    if (u.username || u.password) return 'must not carry credentials (user:password@)';
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be http:// or https://';
    const host = hostOf(u);
    if (net.isIP(host)) return this.addressRefusal(host);
    if (this.#hosts.has(host.toLowerCase())) return null;
    let addresses: dns.LookupAddress[];
    try {
      addresses = await dns.promises.lookup(host, { all: true });
    } catch {
      return null;
    }
    for (const { address } of addresses) {
      const refusal = this.addressRefusal(address, host);
      if (refusal) return refusal;
    }
    return null;
  }

  /**
   * For http.request: resolves as the system does and fails the connection when any address is
   * refused, so the socket only ever connects to an address that was checked.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const refusal = this.addressRefusal(address, hostname);
        if (refusal) return callback(new TargetRefused(refusal), '', 0);
      }
      if (options.all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
