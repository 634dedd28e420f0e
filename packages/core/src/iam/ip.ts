/** IPv4 and IPv6 addresses as byte arrays, for IpAddress / NotIpAddress. */

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIpv6(text: string): number[] | undefined {
  let head = text;
  let tail = "";
  const dbl = text.indexOf("::");
  if (dbl >= 0) {
    if (text.indexOf("::", dbl + 1) >= 0) return undefined;
    head = text.slice(0, dbl);
    tail = text.slice(dbl + 2);
  }
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? "";
      if (i === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part);
        if (!v4) return undefined;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
      out.push(Number.parseInt(part, 16));
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  let all: number[];
  if (dbl >= 0) {
    if (h.length + t.length > 7) return undefined;
    all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  } else {
    if (h.length !== 8) return undefined;
    all = h;
  }
  const bytes: number[] = [];
  for (const g of all) bytes.push(g >> 8, g & 255);
  return bytes;
}

export function parseIp(text: string): number[] | undefined {
  return text.includes(":") ? parseIpv6(text) : parseIpv4(text);
}

/** A CIDR block; a bare address means /32 (IPv4) or /128 (IPv6). */
export function parseCidr(text: string): { bytes: number[]; bits: number } | undefined {
  const slash = text.indexOf("/");
  const addr = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (!addr) return undefined;
  const max = addr.length * 8;
  let bits = max;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b)) return undefined;
    bits = Number(b);
    if (bits > max) return undefined;
  }
  return { bytes: addr, bits };
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const c = parseCidr(cidr);
  if (!a || !c || a.length !== c.bytes.length) return false;
  let bits = c.bits;
  for (let i = 0; i < a.length && bits > 0; i++) {
    const mask = bits >= 8 ? 255 : (255 << (8 - bits)) & 255;
    if (((a[i] ?? 0) & mask) !== ((c.bytes[i] ?? 0) & mask)) return false;
    bits -= 8;
  }
  return true;
}
