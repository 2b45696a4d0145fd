/**
 * Writes Discovered Installations into the navigator's Software Installations class (only when
 * `classes.softwareInstallation` and `templates.softwareInstallation` are configured), exactly
 * once: one record per (linked device, catalog product), Computer = the device's record,
 * Product = the Software Catalog record matched by name + version. Before a device's
 * installations are created, Navigator's installations on its Computer are listed: one with the
 * same Product is adopted (a record someone made, or a create whose answer was lost or whose
 * link a killed worker never committed); a create is sent only after its pending mark is
 * committed. A create whose answer is lost is looked for by Computer + Product before it is
 * sent again. Devices run `concurrency` at a time; a device's installations one after another.
 */
import type { NavigatorRow } from '../../navigator/client-types';
import { mapLimitSettled } from '../../run-helpers';
import { refKey, type InstallationLinkWrite } from '../../store/installation-link-repository';
import type {
  InstallationDevice,
  InstallationToPush,
  RunNavigatorStats,
  SyncStore,
} from '../../store/store-types';
import { catalogIndex, matchProduct, PRODUCT_FIELDS } from './product-match';
import { count, LOST_ANSWER_TRIES, lostTooOften, sendWrite, type NavigatorTarget } from './push-calls';

/** The Software Installation fields written and listed. */
export const INSTALLATION_FIELDS = {
  computer: 'Computer',
  product: 'Product',
  version: 'Version',
  installDate: 'Install_Date',
} as const;

export interface InstallationContext {
  store: SyncStore;
  target: NavigatorTarget;
  jobId: string;
  runId: string;
  /** The Software Catalog by match key, listed once per attempt (on first need). */
  catalog: () => Promise<ReadonlyMap<string, readonly string[]>>;
}

/** The configured class and Template, or undefined when installations are not written. */
export function installationClass(
  target: NavigatorTarget,
): { className: string; template: string } | undefined {
  const c = target.config;
  const className = c.classes.softwareInstallation;
  const template = c.templates.softwareInstallation;
  return className && template ? { className, template } : undefined;
}

/** Lists the Software Catalog (once per call) into its match index, counting the calls. */
export async function listCatalog(
  target: NavigatorTarget,
  onPage: () => void,
): Promise<{ index: Map<string, string[]>; calls: number }> {
  const before = target.client.apiCalls;
  const rows: NavigatorRow[] = [];
  for await (const page of target.client.listAll({
    className: target.config.classes.softwareProduct,
    fields: Object.values(PRODUCT_FIELDS),
    setting: `navigators.${target.config.id}.classes.softwareProduct`,
  })) {
    rows.push(...page);
    onPage();
  }
  return { index: catalogIndex(rows), calls: target.client.apiCalls - before };
}

/** Write these devices' installations; counters go to the run's stats as each device finishes. */
export async function pushInstallations(
  ctx: InstallationContext,
  devices: readonly InstallationDevice[],
): Promise<void> {
  await mapLimitSettled(devices, ctx.target.config.concurrency, async (device) => {
    const stats: Partial<RunNavigatorStats> = {};
    const before = ctx.target.client.throttled;
    try {
      await pushDevice(ctx, device, stats);
    } finally {
      stats.throttled = Math.max(0, ctx.target.client.throttled - before);
      if (Object.values(stats).some((v) => v))
        await ctx.store.navigator.addRunStats(ctx.jobId, ctx.runId, stats);
    }
  });
}

type Found = { guid: string; oid: string };

async function pushDevice(
  ctx: InstallationContext,
  device: InstallationDevice,
  stats: Partial<RunNavigatorStats>,
): Promise<void> {
  const catalog = await ctx.catalog();
  const skipped: InstallationLinkWrite[] = [];
  const todo: { inst: InstallationToPush; product: string }[] = [];
  for (const inst of device.installations) {
    const m = matchProduct(catalog, inst.name, inst.productVersion);
    if ('reason' in m)
      skipped.push({ sourceId: device.sourceId, productId: inst.productId, skipReason: m.reason });
    else todo.push({ inst, product: m.guid });
  }
  if (skipped.length) await ctx.store.navigator.saveInstallationLinks(ctx.jobId, ctx.runId, skipped);
  if (todo.length === 0) return;
  // What Navigator holds on this Computer already is adopted, never created twice.
  const held = await listOnComputer(ctx, device.computer, undefined, stats);
  const adopted: InstallationLinkWrite[] = [];
  const create: typeof todo = [];
  for (const t of todo) {
    const found = held.get(t.product);
    if (found)
      adopted.push(linkWrite(device, t.inst, t.product, found, t.inst.pending ? 'lostAnswer' : 'adopted'));
    else create.push(t);
  }
  if (adopted.length) await ctx.store.navigator.saveInstallationLinks(ctx.jobId, ctx.runId, adopted);
  for (const t of create) {
    const found = held.get(t.product); // two AlloyScan products may name one catalog record
    if (found) {
      const w = linkWrite(device, t.inst, t.product, found, 'adopted');
      await ctx.store.navigator.saveInstallationLinks(ctx.jobId, ctx.runId, [w]);
      continue;
    }
    const made = await createOne(ctx, device, t.inst, t.product, stats);
    if (made) held.set(t.product, made);
  }
}

function linkWrite(
  device: InstallationDevice,
  inst: InstallationToPush,
  product: string,
  found: Found,
  rule: 'created' | 'adopted' | 'lostAnswer',
): InstallationLinkWrite {
  return {
    sourceId: device.sourceId,
    productId: inst.productId,
    computer: device.computer,
    productGuid: product,
    guid: found.guid,
    oid: found.oid,
    rule,
    pendingSince: null,
    skipReason: null,
  };
}

/** Navigator's installation records on a Computer (with one Product, if given), by Product. */
async function listOnComputer(
  ctx: InstallationContext,
  computer: string,
  product: string | undefined,
  stats: Partial<RunNavigatorStats>,
): Promise<Map<string, Found>> {
  const cls = installationClass(ctx.target);
  if (!cls) throw new Error(`navigator ${ctx.target.config.id} has no installation class configured`);
  const filters: { name: string; value: string }[] = [
    { name: INSTALLATION_FIELDS.computer, value: computer },
  ];
  if (product !== undefined) filters.push({ name: INSTALLATION_FIELDS.product, value: product });
  const out = new Map<string, Found>();
  let pages = 0;
  try {
    for await (const page of ctx.target.client.listAll({
      className: cls.className,
      fields: ['ID', 'OID', INSTALLATION_FIELDS.computer, INSTALLATION_FIELDS.product],
      filters,
      setting: `navigators.${ctx.target.config.id}.classes.softwareInstallation`,
    })) {
      pages++;
      for (const r of page) {
        const key = refKey(r[INSTALLATION_FIELDS.product]);
        if (!r.ID || !key || refKey(r[INSTALLATION_FIELDS.computer]) !== refKey(computer)) continue;
        // Several records of one pair (made by hand): the first by GUID is linked, verify counts the rest.
        const id = refKey(r.ID);
        const had = out.get(key);
        if (!had || id < had.guid) out.set(key, { guid: id, oid: r.OID ?? r.ID });
      }
    }
  } finally {
    stats.apiCalls = (stats.apiCalls ?? 0) + pages + 1; // the pages and the empty one that ends them
  }
  return out;
}

async function createOne(
  ctx: InstallationContext,
  device: InstallationDevice,
  inst: InstallationToPush,
  product: string,
  stats: Partial<RunNavigatorStats>,
): Promise<Found | undefined> {
  const cls = installationClass(ctx.target);
  if (!cls) return undefined;
  const save = (w: Omit<InstallationLinkWrite, 'sourceId' | 'productId'>) =>
    ctx.store.navigator.saveInstallationLinks(ctx.jobId, ctx.runId, [
      { sourceId: device.sourceId, productId: inst.productId, ...w },
    ]);
  const date = /^\d{4}-\d{2}-\d{2}/.exec(inst.installDate ?? '')?.[0];
  const fields: Record<string, string> = {
    [INSTALLATION_FIELDS.computer]: device.computer,
    [INSTALLATION_FIELDS.product]: product,
    ...(inst.version && { [INSTALLATION_FIELDS.version]: inst.version }),
    ...(date && { [INSTALLATION_FIELDS.installDate]: date }),
  };
  let look = false;
  for (let i = 0; i < LOST_ANSWER_TRIES; i++) {
    if (look) {
      const found = (await listOnComputer(ctx, device.computer, product, stats)).get(product);
      if (found) {
        await save(linkWrite(device, inst, product, found, 'lostAnswer'));
        return found;
      }
    }
    await save({ computer: device.computer, productGuid: product, pendingSince: new Date().toISOString() });
    count(stats, true);
    const out = await sendWrite(() =>
      ctx.target.client.create(cls.template, fields, {
        setting: `navigators.${ctx.target.config.id}.templates.softwareInstallation`,
      }),
    );
    if (out.outcome === 'done') {
      const made = { guid: refKey(out.objectId), oid: out.objectOid };
      await save(linkWrite(device, inst, product, made, 'created'));
      return made;
    }
    if (out.outcome === 'refused') {
      await save({ pendingSince: null, skipReason: 'refused' });
      return undefined;
    }
    stats.unknownOutcomes = (stats.unknownOutcomes ?? 0) + 1;
    look = true;
  }
  throw lostTooOften(`create ${cls.template} (installation of ${inst.productId} on ${device.sourceId})`);
}
