/**
 * The site's software catalog: `catalogSize` products, generated once per site (small,
 * independent of the device count). A product is a name + version line; its group can be
 * changed by setProductGroup (stored in place, the catalog being site-sized state anyway).
 */
import { hash3, makeId, parseId, pick, unit3, weighted } from './prng';

export const ID_KIND_PRODUCT = 3;

export interface Product {
  index: number;
  id: string;
  name: string;
  version: string;
  publisher: string;
  group: string;
}

const KNOWN: readonly (readonly [string, string])[] = [
  ['Google LLC', 'Google Chrome'],
  ['Mozilla', 'Mozilla Firefox'],
  ['Microsoft Corporation', 'Microsoft Edge'],
  ['Microsoft Corporation', 'Microsoft 365 Apps for enterprise'],
  ['Microsoft Corporation', 'Microsoft Visual C++ Redistributable'],
  ['Microsoft Corporation', 'Microsoft Teams'],
  ['Adobe Inc.', 'Adobe Acrobat Reader'],
  ['Igor Pavlov', '7-Zip'],
  ['VideoLAN', 'VLC media player'],
  ['Notepad++ Team', 'Notepad++'],
  ['Oracle Corporation', 'Java Runtime Environment'],
  ['Zoom Video Communications', 'Zoom Workplace'],
  ['Slack Technologies', 'Slack'],
  ['Cisco Systems', 'Cisco Secure Client'],
  ['JetBrains s.r.o.', 'IntelliJ IDEA'],
  ['Python Software Foundation', 'Python'],
  ['Git Development Community', 'Git'],
  ['Apple Inc.', 'iTunes'],
  ['Canonical Ltd.', 'openssh-server'],
  ['Red Hat, Inc.', 'bash'],
  ['The OpenSSL Project', 'OpenSSL'],
  ['TeamViewer Germany GmbH', 'TeamViewer'],
  ['Dell Inc.', 'Dell Command | Update'],
  ['HP Inc.', 'HP Support Assistant'],
  ['NVIDIA Corporation', 'NVIDIA Graphics Driver'],
  ['Intel Corporation', 'Intel Management Engine Components'],
  ['uTorrent', 'µTorrent'],
  ['Valve Corporation', 'Steam'],
];

const PUBLISHERS = ['Contoso Ltd.', 'Fabrikam, Inc.', 'Northwind Traders', 'Tailspin Toys', 'Litware, Inc.'];
const WORDS = [
  'Agent',
  'Studio',
  'Viewer',
  'Toolkit',
  'Client',
  'Runtime',
  'Manager',
  'Sync',
  'Suite',
  'Utility',
];

function productAt(seed: number, index: number, groups: ReturnType<typeof weighted<string>>): Product {
  const h = hash3(seed, index, 11);
  const known = KNOWN[index % KNOWN.length] ?? ['Contoso Ltd.', 'App'];
  const line = Math.floor(index / KNOWN.length);
  const publisher = line === 0 ? known[0] : (PUBLISHERS[h % PUBLISHERS.length] ?? 'Contoso Ltd.');
  const word = WORDS[(h >>> 8) % WORDS.length] ?? 'App';
  const name = line === 0 ? known[1] : `${publisher.split(/[ ,]/)[0] ?? 'Contoso'} ${word} ${line}`;
  const major = 1 + ((h >>> 12) % 30);
  return {
    index,
    id: makeId(seed, ID_KIND_PRODUCT, index),
    name,
    version: `${major}.${(h >>> 20) % 10}.${(h >>> 24) % 50}`,
    publisher,
    group: pick(groups, unit3(seed, index, 12)),
  };
}

/** Builds the catalog; group weights decide each product's initial group. */
export function buildCatalog(seed: number, size: number, groupMix: Record<string, number>): Product[] {
  const groups = weighted(groupMix);
  return Array.from({ length: size }, (_, i) => productAt(seed, i, groups));
}

/** O(1) lookup of a product id. */
export function findProduct(catalog: readonly Product[], seed: number, id: string): Product | undefined {
  const parsed = parseId(seed, ID_KIND_PRODUCT, id);
  return parsed && parsed.extra === 0 ? catalog[parsed.index] : undefined;
}

/** The installed version after `bumps` patch updates (reaudits can bump an installed build). */
export function bumpedVersion(version: string, bumps: number): string {
  if (bumps === 0) return version;
  const parts = version.split('.');
  const last = Number(parts.pop() ?? '0');
  return [...parts, String(last + bumps)].join('.');
}
