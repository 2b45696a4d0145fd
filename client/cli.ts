#!/usr/bin/env node
/**
 * The operator CLI. Verbs: force, runs, retire, schedules, test-connection, progress.
 * Expected failures print one clear sentence and exit non-zero; bugs print an internal-error message.
 *   alloyscan-sync --config sync.yaml force acme --wait
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError, loadConfig, type SyncConfig } from '../worker/config';
import { temporalSettings } from '../worker/temporal';
import { forceCommand } from './commands/force';
import { progressCommand } from './commands/progress';
import { retireCommand } from './commands/retire';
import { runsCommand } from './commands/runs';
import { schedulesCommand } from './commands/schedules';
import { testConnectionCommand } from './commands/test-connection';
import { UsageError } from './usage-error';

const DEFAULT_CONFIGS = ['alloyscan-sync.yaml', 'alloyscan-sync.yml', '.data/demo-config.json'];

export function configFrom(program: Command): () => SyncConfig {
  return () => {
    const given = program.opts<{ config?: string }>().config ?? process.env.ALLOYSCAN_SYNC_CONFIG;
    const path = given ?? DEFAULT_CONFIGS.find((p) => existsSync(p));
    if (!path)
      throw new UsageError(`no configuration: pass --config PATH (looked for ${DEFAULT_CONFIGS.join(', ')})`);
    return loadConfig(path);
  };
}

export function buildProgram(): Command {
  const program = new Command('alloyscan-sync')
    .description('Operate the AlloyScan → Alloy Navigator sync')
    .option(
      '-c, --config <path>',
      'sync configuration file (default: $ALLOYSCAN_SYNC_CONFIG, ./alloyscan-sync.yaml)',
    );
  const config = configFrom(program);
  program.addCommand(forceCommand(config));
  program.addCommand(runsCommand(config));
  program.addCommand(retireCommand(config));
  program.addCommand(schedulesCommand(config));
  program.addCommand(testConnectionCommand(config));
  program.addCommand(progressCommand());
  return program;
}

/** The error and its causes, outermost first. */
function causes(err: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = err; e instanceof Error && chain.length < 10; e = e.cause) chain.push(e);
  return chain;
}

function firstLine(e: Error): string {
  return e.message.split('\n')[0]!.trim();
}

// Store connection problems: network errors from pg (Node system errors), PostgreSQL's
// "cannot connect" server codes (missing database, authentication, connection limits), and
// SQLite's file-level codes. Other SQLITE_/pg codes (syntax, constraint) stay bugs.
const STORE_NET_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'];
const STORE_CODE =
  /^(ENETUNREACH|ECONNRESET|08\w{3}|3D000|28000|28P01|53300|57P03|SQLITE_(CANTOPEN|BUSY|LOCKED|READONLY|IOERR|CORRUPT|NOTADB|FULL|PERM|AUTH)\w*)$/;
const TEMPORAL_UNREACHABLE = /Failed to connect|tcp connect error|ECONNREFUSED|UNAVAILABLE/;

function temporalAddress(): string {
  try {
    return temporalSettings().address;
  } catch {
    return process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  }
}

/** One sentence for an expected failure (Temporal or the store unreachable); undefined for a bug. */
export function expectedFailure(err: unknown): string | undefined {
  const chain = causes(err);
  const store = chain.find((e) => {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && (STORE_NET_CODES.includes(code) || STORE_CODE.test(code));
  });
  if (store) return `cannot open the Navigator store: ${firstLine(store)}`;
  if (chain.some((e) => e.name === 'TransportError' || TEMPORAL_UNREACHABLE.test(e.message))) {
    const reason = firstLine(chain[chain.length - 1]!);
    return `cannot reach Temporal at ${temporalAddress()}: ${reason}`;
  }
  return undefined;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    const sentence = expectedFailure(err);
    if (sentence) {
      console.error(sentence);
      process.exit(1);
    }
    console.error(
      `internal error (please report): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exit(70);
  }
}

if (require.main === module) void main();
