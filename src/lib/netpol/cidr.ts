/**
 * IPv4 address sets as sorted, disjoint, inclusive intervals of 32-bit
 * integers: enough to ask whether an ipBlock (a CIDR minus its excepts)
 * contains, excludes or splits a whole class of addresses.
 */

/** One inclusive range of IPv4 addresses as unsigned 32-bit integers. */
export interface Interval {
  lo: number;
  hi: number;
}

/** A set of IPv4 addresses: sorted, disjoint, non-adjacent intervals. */
export type AddressSet = Interval[];

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** `10.244.0.0` -> its 32-bit value, or undefined when it is not a dotted IPv4 address. */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** A parsed CIDR: the IPv4 range, `ipv6` for any IPv6 CIDR (the cluster is IPv4-only), or an error message. */
export type ParsedCidr = { family: 'ipv4'; range: Interval } | { family: 'ipv6' } | { error: string };

/** Parses `a.b.c.d/n` (or an IPv6 CIDR, recognised by its colon). */
export function parseCidr(s: string): ParsedCidr {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return { error: `"${s}" is not a CIDR (address/prefix-length)` };
  if (m[1]!.includes(':')) return Number(m[2]) <= 128 ? { family: 'ipv6' } : { error: `"${s}": an IPv6 prefix length is at most 128` };
  const addr = parseIPv4(m[1]!);
  const bits = Number(m[2]);
  if (addr === undefined) return { error: `"${s}": "${m[1]}" is not an IPv4 address` };
  if (bits > 32) return { error: `"${s}": an IPv4 prefix length is at most 32` };
  const size = 2 ** (32 - bits);
  const lo = addr - (addr % size);
  // Host bits are ignored, as the address's network is what the block covers.
  return { family: 'ipv4', range: { lo, hi: lo + size - 1 } };
}

/** Normalises a list of intervals into an AddressSet. */
export function normalise(list: Interval[]): AddressSet {
  const sorted = [...list].sort((a, b) => a.lo - b.lo);
  const out: AddressSet = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.lo <= last.hi + 1) last.hi = Math.max(last.hi, i.hi);
    else out.push({ ...i });
  }
  return out;
}

/** a minus b. */
export function subtract(a: AddressSet, b: AddressSet): AddressSet {
  let out = a.map((i) => ({ ...i }));
  for (const cut of b) {
    out = out.flatMap((i) => {
      if (cut.hi < i.lo || cut.lo > i.hi) return [i];
      const parts: Interval[] = [];
      if (cut.lo > i.lo) parts.push({ lo: i.lo, hi: cut.lo - 1 });
      if (cut.hi < i.hi) parts.push({ lo: cut.hi + 1, hi: i.hi });
      return parts;
    });
  }
  return out;
}

/** a intersected with b. */
export function intersect(a: AddressSet, b: AddressSet): AddressSet {
  const out: Interval[] = [];
  for (const x of a) for (const y of b) {
    const lo = Math.max(x.lo, y.lo);
    const hi = Math.min(x.hi, y.hi);
    if (lo <= hi) out.push({ lo, hi });
  }
  return normalise(out);
}

/** The whole IPv4 space. */
export const ALL_IPV4: AddressSet = [{ lo: 0, hi: 2 ** 32 - 1 }];

/** How a set of addresses relates to a class of addresses. */
export type Coverage = 'all' | 'none' | 'some';

/** Whether `set` contains every address of `cls`, none of them, or only some. */
export function coverage(set: AddressSet, cls: AddressSet): Coverage {
  if (intersect(set, cls).length === 0) return 'none';
  return subtract(cls, set).length === 0 ? 'all' : 'some';
}
