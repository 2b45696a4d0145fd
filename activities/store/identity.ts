/**
 * Pure identity helpers for the ladder: which serial numbers are junk, and the normalised
 * keys (serial, MAC, name) under which Navigator records are matched.
 */

/**
 * Placeholder serials that BIOS vendors, hypervisors and imaging tools leave behind. Compared
 * after normalisation (trimmed, upper-case, inner whitespace collapsed).
 */
export const JUNK_SERIALS: ReadonlySet<string> = new Set(
  [
    'Default string',
    'To be filled by O.E.M.',
    'To Be Filled By O.E.M',
    'System Serial Number',
    'Chassis Serial Number',
    'Base Board Serial Number',
    'Serial Number',
    'SerialNumber',
    'Not Specified',
    'Not Applicable',
    'Not Available',
    'Not Defined',
    'No Serial',
    'None',
    'Null',
    'Unknown',
    'Invalid',
    'N/A',
    'NA',
    'OEM',
    'O.E.M.',
    'Default',
    'Empty',
    '0123456789',
    '123456789',
    '1234567890',
    'XXXXXXXXXX',
  ].map(canonical),
);

/** MACs that many devices report at once (unset, broadcast, common virtual adapters). */
const JUNK_MACS: ReadonlySet<string> = new Set([
  '00:00:00:00:00:00',
  'ff:ff:ff:ff:ff:ff',
  '02:00:4c:4f:4f:50', // Microsoft loopback adapter
  '00:05:9a:3c:7a:00', // Cisco AnyConnect virtual adapter
]);

const JUNK_NAMES: ReadonlySet<string> = new Set(['localhost', 'unknown', 'n/a']);

function canonical(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** True for placeholder serials that must never identify a device (empty counts as junk). */
export function isJunkSerial(serial: string | null | undefined): boolean {
  if (serial === undefined || serial === null) return true;
  const key = canonical(serial);
  if (key === '' || JUNK_SERIALS.has(key)) return true;
  // One character repeated ("0", "00000000", "-", "xxxxx", "........").
  return /^(.)\1*$/.test(key.replace(/ /g, ''));
}

/** The match key of a serial number, or undefined when it is junk. */
export function serialKey(serial: string | null | undefined): string | undefined {
  return isJunkSerial(serial) ? undefined : canonical(serial ?? '');
}

/**
 * A MAC address in lower-case colon form ("aa:bb:cc:dd:ee:ff"), or undefined when it is not
 * a 48-bit MAC. Accepts colon, dash, dot (Cisco) and bare forms.
 */
export function normaliseMac(mac: string | null | undefined): string | undefined {
  if (mac === undefined || mac === null) return undefined;
  const hex = mac
    .trim()
    .toLowerCase()
    .replace(/[\s:.-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return undefined;
  return hex.match(/../g)?.join(':');
}

/** The match key of a MAC: its normalised form, unless it is a placeholder shared by many devices. */
export function macKey(mac: string | null | undefined): string | undefined {
  const normalised = normaliseMac(mac);
  return normalised === undefined || JUNK_MACS.has(normalised) ? undefined : normalised;
}

/** The lookup key of a name (trimmed, lower-cased: names match case-insensitively); undefined when empty. */
export function nameLookupKey(name: string | null | undefined): string | undefined {
  const key = name?.trim().toLowerCase();
  return key === undefined || key === '' ? undefined : key;
}

/** The ladder key of a device name: its lookup key, unless it is a placeholder ("localhost"). */
export function nameKey(name: string | null | undefined): string | undefined {
  const key = nameLookupKey(name);
  return key === undefined || JUNK_NAMES.has(key) ? undefined : key;
}
