#!/usr/bin/env node
/**
 * The operator CLI. Verbs: force, progress, runs, jobs (list, show, enable, disable, delete,
 * restore), quarantine, verify, retire, schedules apply, test-connection. `--json` on every
 * verb that prints data; exit codes from ops/exit-codes.ts.
 * Expected failures print one clear sentence and exit non-zero; bugs print an internal-error message.
 *   alloyscan-sync --config sync.yaml force acme --wait
 */
import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../activities/failures';
import type { SyncConfig } from '../ops/config';
import { ExitCode, exitFor } from '../ops/exit-codes';
import { dbCommand } from './commands/db';
import { forceCommand } from './commands/force';
import { jobsCommand } from './commands/jobs';
import { progressCommand } from './commands/progress';
import { quarantineCommand } from './commands/quarantine';
import { verifyCommand } from './commands/verify';
import { retireCommand } from './commands/retire';
import { runsCommand } from './commands/runs';
import { schedulesCommand } from './commands/schedules';
import { testConnectionCommand } from './commands/test-connection';

const DEFAULT_CONFIGS = ['alloyscan-sync.yaml', 'alloyscan-sync.yml', '.data/demo-config.json'];

export function configFrom(program: Command): () => Promise<SyncConfig> {
  return async () => {
    const { loadConfig } = await import('../ops/config.js');
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
      `sync configuration file (default: $ALLOYSCAN_SYNC_CONFIG, else the first of ${DEFAULT_CONFIGS.join(', ')})`,
    );
  const config = configFrom(program);
  program.addCommand(forceCommand(config));
  program.addCommand(runsCommand(config));
  program.addCommand(retireCommand(config));
  program.addCommand(schedulesCommand(config));
  program.addCommand(testConnectionCommand(config));
  program.addCommand(progressCommand());
  program.addCommand(jobsCommand(config));
  program.addCommand(quarantineCommand(config));
  program.addCommand(verifyCommand(config));
  program.addCommand(dbCommand(config));
  throwOnUsageErrors(program);
  return program;
}

/**
 * Commander's own usage errors (unknown verb or option, missing argument, a verb group alone,
 * a bad option value) throw instead of exiting 1, so they exit 2 through the table. Added
 * commands do not inherit exitOverride: every level sets it.
 */
function throwOnUsageErrors(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) throwOnUsageErrors(sub);
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    // Commander printed its message already; --help and --version end here with 0.
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
    const { temporalAddress } = await import('../ops/temporal.js');
    const exit = exitFor(err, { temporalAddress: temporalAddress() });
    console.error(exit.message);
    process.exit(exit.code);
  }
}

if (require.main === module) void main();
