/**
 * The Software Catalog's seed: the products given in the options, or `count` products made
 * from a seed (name + version unique, a pure function of the seed).
 */
import { stream } from '../prng';
import type { ProductSeed, ResolvedOptions } from './options';
import type { ClassStore } from './store';

const TITLES: [name: string, manufacturer: string][] = [
  ['Microsoft Office', 'Microsoft Corporation'],
  ['Google Chrome', 'Google LLC'],
  ['Mozilla Firefox', 'Mozilla'],
  ['Adobe Acrobat Reader', 'Adobe Inc.'],
  ['7-Zip', 'Igor Pavlov'],
  ['Notepad++', 'Notepad++ Team'],
  ['VLC media player', 'VideoLAN'],
  ['Zoom Workplace', 'Zoom Video Communications'],
  ['Slack', 'Slack Technologies'],
  ['Visual Studio Code', 'Microsoft Corporation'],
  ['Python', 'Python Software Foundation'],
  ['Git', 'The Git Development Community'],
  ['OpenSSL', 'OpenSSL Project'],
  ['LibreOffice', 'The Document Foundation'],
  ['PuTTY', 'Simon Tatham'],
  ['WinSCP', 'Martin Prikryl'],
];
const PLATFORMS = ['Windows', 'Windows', 'Windows', 'Linux', 'macOS'];
const GROUPS = ['Regular', 'Regular', 'Required', 'Forbidden'];

function pickOf<T>(list: T[], u: number): T {
  return list[Math.floor(u * list.length)] as T;
}

/** `count` products from `seed`: each title gets successive versions, so name + version is unique. */
export function generateProducts(count: number, seed: number): ProductSeed[] {
  const rng = stream(seed ^ 0x50524f44);
  const out: ProductSeed[] = [];
  for (let i = 0; i < count; i++) {
    const [name, manufacturer] = TITLES[i % TITLES.length] as [string, string];
    const round = Math.floor(i / TITLES.length);
    const version = `${1 + Math.floor(rng() * 20)}.${round}.${Math.floor(rng() * 1000)}`;
    out.push({
      Product_Name: name,
      Version: version,
      Manufacturer: manufacturer,
      Platform: pickOf(PLATFORMS, rng()),
      Group: pickOf(GROUPS, rng()),
    });
  }
  return out;
}

/** Fills the catalog store from the options. */
export function seedProducts(store: ClassStore, opts: ResolvedOptions, nowIso: string): void {
  const seeds = Array.isArray(opts.products)
    ? opts.products
    : generateProducts(opts.products.count, opts.products.seed ?? opts.seed);
  for (const p of seeds) {
    const fields = Object.fromEntries(
      Object.entries(p).map(([k, v]) => [k, v === undefined || v === '' ? null : v]),
    );
    store.insert(fields, nowIso);
  }
}
