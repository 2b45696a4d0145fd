/**
 * Standalone Navigator emulator CLI.
 *   start: run one emulated Navigator; print its API URL and the generated Application ID.
 *   The Application's secret is written to --secret-file (mode 0600), never printed.
 * Usage: npm run emulator:navigator -- start --port 8788 --secret-file .data/secrets/navigator-demo
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { writeSecretFile } from './secret-file';
import type { NavigatorEmulatorOptions } from './options';
import { startNavigatorEmulator } from './server';

/** An expected failure: printed as one sentence, exit code 1. */
class CliError extends Error {}

interface StartOptions {
  port: number;
  host: string;
  seed: number;
  products: number;
  productsFile?: string;
  pageCap?: number;
  secretFile?: string;
  errorsAsHttp200?: boolean;
  softwareInstallations?: boolean;
  timeZoneOffset?: string;
  writeLatencyMs?: number;
}

function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/** The catalog: a JSON array of products (Product_Name, Version, Manufacturer…) when a file is given. */
function productsOf(o: StartOptions): NavigatorEmulatorOptions['products'] {
  if (!o.productsFile) return { count: o.products };
  try {
    return JSON.parse(readFileSync(o.productsFile, 'utf8')) as NavigatorEmulatorOptions['products'];
  } catch (err) {
    throw new CliError(`cannot read --products-file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function start(o: StartOptions): Promise<void> {
  const emulator = await startNavigatorEmulator({
    port: o.port,
    host: o.host,
    seed: o.seed,
    products: productsOf(o),
    pageCap: o.pageCap,
    errorsAsHttp200: o.errorsAsHttp200,
    softwareInstallations: o.softwareInstallations,
    timeZoneOffset: o.timeZoneOffset,
    writeLatencyMs: o.writeLatencyMs,
  }).catch((err: unknown) => {
    throw new CliError(err instanceof Error ? err.message : String(err));
  });
  if (o.secretFile) {
    try {
      writeSecretFile(o.secretFile, emulator.registration.secret);
    } catch (err) {
      await emulator.close();
      throw new CliError(`cannot write the secret file: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  console.log(`Navigator emulator listening on ${emulator.url}`);
  console.log(`API URL:        ${emulator.apiUrl}`);
  console.log(`Application ID: ${emulator.registration.clientId}`);
  console.log(
    `secret:         ${o.secretFile ? `written to ${o.secretFile}` : 'not written (no --secret-file)'}`,
  );
  console.log(`ground truth:   ${emulator.url}/admin/records?class=Computers`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function buildProgram(): Command {
  const program = new Command('navigator-emulator')
    .description('Alloy Navigator Express API emulator')
    .exitOverride();
  program
    .command('start')
    .description('start the emulator and print its API URL and Application ID')
    .option('--port <n>', 'port (0 = random)', intOption, 8788)
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--seed <n>', 'seed of GUIDs, products and faults', intOption, 1)
    .option('--products <n>', 'software products in the catalog', intOption, 50)
    .option('--products-file <path>', 'the catalog as a JSON array of products (instead of --products)')
    .option('--page-cap <n>', 'most rows in one listing page', intOption)
    .option('--secret-file <path>', "write the Application's secret there (mode 0600)")
    .option('--errors-as-http200', 'send every API error as HTTP 200 with success:false')
    .option('--software-installations', 'serve the SoftwareInstallations class')
    .option('--time-zone-offset <offset>', "the Navigator's time zone, e.g. -07:00")
    .option('--write-latency-ms <n>', 'added to every create and step action before it commits', intOption)
    .action(start);
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
      console.error('internal error (a bug in the Navigator emulator CLI):', err);
      process.exitCode = 70;
    }
  }
}

if (require.main === module) void run(process.argv);
