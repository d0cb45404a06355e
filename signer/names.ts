/**
 * Names inside certificates: the subject/issuer distinguished name (RFC 5280 §4.1.2.4) and the
 * subjectAltName entries (§4.2.1.6) — DNS names, wildcards such as
 * `*.devices.sphere.azure.local` included, and IPv4/IPv6 addresses as 4 or 16 octets.
 */
import { SignerError } from './errors';
import { OID } from './format';
import { oid, printableString, sequence, set, utf8String } from './der';

export interface DistinguishedName {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** Two-letter country code. */
  country?: string;
}

function _bad(thing: string, value: string, why: string, todo: string): SignerError {
  return new SignerError(`Cannot use ${thing} "${value}": ${why}. ${todo}`, { code: 'BAD_NAME' });
}

function _rdn(type: string, value: Uint8Array): Uint8Array {
  return set(sequence(oid(type), value));
}

/** DER Name, most general attribute first (C, O, OU, CN), as OpenSSL and Windows display them. */
export function encodeName(name: DistinguishedName): Uint8Array {
  const rdns: Uint8Array[] = [];
  const text = (label: string, v: string): Uint8Array => {
    if (v.length === 0 || v.length > 64) throw _bad(label, v, 'it must be 1 to 64 characters', 'Give a shorter, non-empty name.');
    return utf8String(v);
  };
  if (name.country !== undefined) {
    if (!/^[A-Z]{2}$/.test(name.country)) throw _bad('country', name.country, 'it is not a two-letter code', 'Use e.g. "US".');
    rdns.push(_rdn(OID.countryName, printableString(name.country)));
  }
  if (name.organization !== undefined) rdns.push(_rdn(OID.organizationName, text('organization', name.organization)));
  if (name.organizationalUnit !== undefined) rdns.push(_rdn(OID.organizationalUnitName, text('organizational unit', name.organizationalUnit)));
  // A device's certificates name it by its 128-hex device ID, as the platform's device certificates do.
  const deviceIdCn = /^[0-9A-F]{128}$/.test(name.commonName);
  rdns.push(_rdn(OID.commonName, deviceIdCn ? utf8String(name.commonName) : text('common name', name.commonName)));
  return sequence(...rdns);
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Check a SAN DNS name; a leading `*.` wildcard label is allowed (it matches exactly one label). */
export function checkDnsName(name: string): string {
  const labels = name.split('.');
  const rest = labels[0] === '*' ? labels.slice(1) : labels;
  if (name.length > 253 || rest.length === 0 || (labels[0] === '*' && rest.length < 2) || !rest.every((l) => LABEL.test(l))) {
    throw _bad('DNS name', name, 'it is not a host name (letters, digits and "-" in dot-separated labels, optionally "*." first)', 'Give a name like "device.local" or "*.devices.sphere.azure.local".');
  }
  return name.toLowerCase();
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const GROUP = /^[0-9a-f]{1,4}$/i;

/** Dotted-quad IPv4 text (no leading zeros), as node:net's isIPv4 takes it. */
function isIPv4(ip: string): boolean {
  return IPV4.test(ip);
}

/**
 * IPv6 text: eight hex groups, or fewer with one "::", the last two optionally an IPv4 tail.
 * (node:net's isIPv6 says the same, but loading node:net costs every command several milliseconds.)
 */
function isIPv6(ip: string): boolean {
  const halves = ip.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    // The IPv4 tail ends the text: "1.2.3.4::" has none.
    if (!isIPv4(last) || (halves.length === 2 && tail.length === 0)) return false;
    all.pop();
    count += 1;
  }
  if (!all.every((g) => GROUP.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** IPv4 or IPv6 text to its 4 or 16 network-order octets. */
export function ipBytes(ip: string): Uint8Array {
  if (isIPv4(ip)) return Uint8Array.from(ip.split('.').map(Number));
  if (!isIPv6(ip) || ip.includes('%')) {
    throw _bad('IP address', ip, 'it is not an IPv4 or IPv6 address', 'Give an address like "192.168.35.2" or "fe80::1".');
  }
  // An embedded IPv4 tail ("::ffff:1.2.3.4") is two more hex groups.
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`,
  );
  const [head, after] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined): number[] => (part === undefined || part === '' ? [] : part.split(':').map((x) => parseInt(x, 16)));
  const h = parse(head);
  const a = parse(after);
  const groups = after === undefined ? h : [...h, ...new Array<number>(8 - h.length - a.length).fill(0), ...a];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** 4 or 16 octets back to text (IPv6 in RFC 5952 form: lower case, longest zero run as "::"). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return Buffer.from(bytes).toString('hex');
  const g = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
