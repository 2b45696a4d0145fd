#!/usr/bin/env node
/**
 * The operator CLI. Verbs: force, runs, retire, schedules, test-connection, progress.
 * Expected failures print one clear sentence and exit non-zero; bugs print an internal-error message.
 *   alloyscan-sync --config sync.yaml force acme --wait
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError, loadConfig, type SyncConfig } from '../worker/config';
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

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(
      `internal error (please report): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exit(70);
  }
}

if (require.main === module) void main();
