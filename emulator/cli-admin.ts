/**
 * Client subcommands of the emulator CLI: they talk to the admin routes of a running
 * emulator (`--url`, default $ALLOYSCAN_EMULATOR_URL or http://127.0.0.1:8787).
 */
import { Command, InvalidArgumentError } from 'commander';

/** An expected failure: printed as one sentence, exit code 1. */
export class CliError extends Error {}

export const DEFAULT_URL = process.env.ALLOYSCAN_EMULATOR_URL ?? 'http://127.0.0.1:8787';

export function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

export function rateOption(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number between 0 and 1');
  return n;
}

function listOption(value: string): string[] {
  return value.split(',').filter((s) => s !== '');
}

/** Calls an admin route; returns the parsed JSON body (undefined for 204). */
export async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const target = `${url.replace(/\/$/, '')}/admin/sites${path}`;
  let res: Response;
  try {
    res = await fetch(target, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new CliError(
      `cannot reach the emulator at ${url}: is it running? (start it with: npm run emulator -- start)`,
    );
  }
  const text = await res.text();
  if (!res.ok) throw new CliError(`emulator answered ${res.status} to ${method} ${path}: ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

export function print(value: unknown): void {
  if (value !== undefined) console.log(JSON.stringify(value, null, 2));
}

export interface SiteOpt {
  site: string;
  url: string;
}

export function siteCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .requiredOption('--site <name>', 'site name')
    .option('--url <url>', 'emulator base URL', DEFAULT_URL);
}

function registrationCommands(program: Command): void {
  const reg = program.command('registration').description('manage App registrations of a site');
  siteCommand(reg, 'create', 'create a registration and print its client ID and secret (shown once)')
    .option('--name <name>', 'registration name')
    .option('--expires-at <iso>', 'expiration date (ISO 8601)')
    .action(async (o: SiteOpt & { name?: string; expiresAt?: string }) => {
      print(await admin(o.url, 'POST', `/${o.site}/registrations`, { name: o.name, expiresAt: o.expiresAt }));
    });
  siteCommand(reg, 'list', 'list registrations (never their secrets)').action(async (o: SiteOpt) => {
    print(await admin(o.url, 'GET', `/${o.site}/registrations`));
  });
  for (const verb of ['disable', 'enable', 'expire', 'delete'] as const) {
    siteCommand(reg, verb, `${verb} a registration`)
      .requiredOption('--client-id <id>', 'client ID')
      .action(async (o: SiteOpt & { clientId: string }) => {
        const path = `/${o.site}/registrations/${encodeURIComponent(o.clientId)}`;
        await (verb === 'delete' ? admin(o.url, 'DELETE', path) : admin(o.url, 'POST', `${path}/${verb}`));
        console.log(`registration ${o.clientId}: ${verb}d`);
      });
  }
}

/** Adds the admin-client subcommands to the program. */
export function addAdminCommands(program: Command): void {
  siteCommand(program, 'site-create', 'add a site to a running emulator')
    .option('--devices <n>', 'number of devices', intOption)
    .option('--seed <n>', 'generation seed', intOption)
    .action(async (o: SiteOpt & { devices?: number; seed?: number }) => {
      print(await admin(o.url, 'POST', '', { name: o.site, devices: o.devices, seed: o.seed }));
    });
  registrationCommands(program);
  siteCommand(program, 'tracking', 'turn "Track software from this group in Alloy Navigator" on or off')
    .requiredOption('--group <name>', 'software group (Regular, Required, Forbidden, ...)')
    .option('--on', 'track the group')
    .option('--off', 'stop tracking the group')
    .action(async (o: SiteOpt & { group: string; on?: boolean; off?: boolean }) => {
      if (o.on === o.off) throw new CliError('give exactly one of --on or --off');
      await admin(o.url, 'PUT', `/${o.site}/groups/${encodeURIComponent(o.group)}/tracking`, {
        track: o.on === true,
      });
      console.log(`group ${o.group}: tracking ${o.on ? 'on' : 'off'}`);
    });
  siteCommand(program, 'security-log', 'print the Security log').action(async (o: SiteOpt) => {
    print(await admin(o.url, 'GET', `/${o.site}/security-log`));
  });
  siteCommand(program, 'stats', 'print request counters').action(async (o: SiteOpt) => {
    print(await admin(o.url, 'GET', `/${o.site}/stats`));
  });
  siteCommand(program, 'faults', 'replace the fault settings')
    .requiredOption('--json <faults>', 'FaultOptions as JSON, e.g. {"rate429":0.1}')
    .action(async (o: SiteOpt & { json: string }) => {
      await admin(o.url, 'PUT', `/${o.site}/faults`, parseJson(o.json));
      console.log('faults updated');
    });
  siteCommand(program, 'reaudit', 'reaudit devices (new audit, software changes)')
    .option('--fraction <f>', 'share of live devices', rateOption)
    .option('--device-ids <ids>', 'comma-separated device ids', listOption)
    .action(async (o: SiteOpt & { fraction?: number; deviceIds?: string[] }) => {
      const body = o.deviceIds ? { deviceIds: o.deviceIds } : { fraction: o.fraction ?? 0.1 };
      print(await admin(o.url, 'POST', `/${o.site}/reaudit`, body));
    });
  siteCommand(program, 'ground-truth', 'print the device and installation counts a correct sync stores')
    .option('--platforms <list>', 'comma-separated platforms (default: all)')
    .option('--tracked-groups <list>', 'comma-separated groups (default: the tracking flags)')
    .option('--types <list>', 'comma-separated device types (default: all)')
    .action(async (o: SiteOpt & { platforms?: string; trackedGroups?: string; types?: string }) => {
      const q = new URLSearchParams();
      if (o.platforms !== undefined) q.set('platforms', o.platforms);
      if (o.trackedGroups !== undefined) q.set('trackedGroups', o.trackedGroups);
      if (o.types !== undefined) q.set('types', o.types);
      print(await admin(o.url, 'GET', `/${o.site}/ground-truth?${q.toString()}`));
    });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError('--json is not valid JSON');
  }
}
