/**
 * Standalone emulator CLI.
 *   start: run an emulator with one site, print its URL and one registration's credentials
 *   registration / tracking / security-log / stats / faults / workload-limit / traffic /
 *   reaudit / ground-truth / site-create: talk to the admin routes of a running emulator.
 * Usage: npm run emulator -- start --port 8787 --site demo --devices 100000 --seed 1
 */
import { Command, CommanderError } from 'commander';
import { addAdminCommands, CliError, intOption, rateOption } from './cli-admin';
import { addWorkloadCommands, describeLimit, positiveIntOption, workloadLimit } from './cli-workload';
import type { FaultOptions, SiteOptions } from './options';
import { PATHS } from './routes';
import { startEmulator } from './server';

interface StartOptions {
  port: number;
  host: string;
  site: string;
  devices: number;
  seed: number;
  installationsPerDevice?: number;
  catalogSize?: number;
  legacyTokenPathOnly?: boolean;
  softwareGroups: boolean;
  rate429?: number;
  rate5xx?: number;
  malformedRate?: number;
  workloadLimitPerSecond?: number;
  workloadLimitPerMinute?: number;
  workloadRetryAfter: boolean;
}

function siteOptions(o: StartOptions): SiteOptions {
  const faults: FaultOptions = { rate429: o.rate429, rate5xx: o.rate5xx, malformedRate: o.malformedRate };
  return {
    name: o.site,
    seed: o.seed,
    devices: o.devices,
    installationsPerDevice: o.installationsPerDevice,
    catalogSize: o.catalogSize,
    tokenPaths: o.legacyTokenPathOnly ? ['legacy'] : ['current', 'legacy'],
    softwareGroupsEndpoint: o.softwareGroups,
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
    workloadLimit: workloadLimit(o.workloadLimitPerSecond, o.workloadLimitPerMinute, o.workloadRetryAfter),
  };
}

async function start(o: StartOptions): Promise<void> {
  const emulator = await startEmulator({ port: o.port, host: o.host }).catch((err: unknown) => {
    throw new CliError(
      `cannot listen on ${o.host}:${o.port}: ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  const options = siteOptions(o);
  let site;
  try {
    site = emulator.addSite(options);
  } catch (err) {
    await emulator.close();
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const reg = site.createRegistration({ name: 'cli' });
  const tokenPath = o.legacyTokenPathOnly ? PATHS.tokenLegacy : PATHS.tokenCurrent;
  console.log(`AlloyScan emulator listening on ${emulator.baseUrl}`);
  console.log(`site ${site.name}: ${site.url}  (${o.devices} devices, seed ${o.seed})`);
  console.log(`workload limit: ${describeLimit(options.workloadLimit ?? {})}`);
  console.log(`token path:    ${tokenPath}`);
  console.log(`client id:     ${reg.clientId}`);
  console.log(`client secret: ${reg.clientSecret}   (shown once)`);
  const stop = (): void => {
    console.log('stopping emulator');
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function buildProgram(): Command {
  const program = new Command('alloyscan-emulator').description('AlloyScan site emulator').exitOverride();
  program
    .command('start')
    .description('start an emulator with one site and print its URL and credentials')
    .option('--port <n>', 'port (0 = random)', intOption, 8787)
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--site <name>', 'site name', 'demo')
    .option('--devices <n>', 'number of devices', intOption, 200)
    .option('--seed <n>', 'generation seed', intOption, 1)
    .option('--installations-per-device <n>', 'average installations per device', intOption)
    .option('--catalog-size <n>', 'number of software products', intOption)
    .option('--legacy-token-path-only', `serve only ${PATHS.tokenLegacy}`)
    .option('--no-software-groups', 'GET /api/v1/software-groups answers 404')
    .option('--rate429 <p>', 'probability of 429 per API request', rateOption)
    .option('--rate5xx <p>', 'probability of 500/503 per API request', rateOption)
    .option('--malformed-rate <p>', 'share of malformed records', rateOption)
    .option(
      '--workload-limit-per-second <n>',
      'hard limit: requests per wall-clock second',
      positiveIntOption,
    )
    .option(
      '--workload-limit-per-minute <n>',
      'hard limit: requests per wall-clock minute',
      positiveIntOption,
    )
    .option('--no-workload-retry-after', 'answer workload-limit 429s without Retry-After')
    .action(start);
  addAdminCommands(program);
  addWorkloadCommands(program);
  return program;
}

/** Entry point: the only place that maps errors to exit codes. */
async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
    } else if (err instanceof CliError) {
      console.error(`error: ${err.message}`);
      process.exitCode = 1;
    } else {
      console.error('internal error (a bug in the emulator CLI):', err);
      process.exitCode = 70;
    }
  }
}

void run(process.argv);
