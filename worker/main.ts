/**
 * The worker entry point: config → store → Temporal connection → search attributes and
 * schedules (those of removed jobs paused) → Worker.run until SIGINT/SIGTERM.
 *   node dist/worker/main.js --config alloyscan-sync.yaml
 */
import type { Worker } from '@temporalio/worker';
import { UsageError } from '../activities/failures';
import type { SyncStore } from '../activities/store/store-types';
import { openStore } from '../ops/open-store';
import { applyConfiguration, describeConfiguration } from '../ops/schedules';
import { type SyncConfig, loadConfig } from '../ops/config';
import { Command, CommanderError } from 'commander';
import { ExitCode, exitFor } from '../ops/exit-codes';
import { NativeConnection } from '@temporalio/worker';
import { connectClient, temporalAddress, temporalSettings } from '../ops/temporal';
import { createSyncWorker } from './create-worker';
import { checkJobs, installRuntime, watchJobs } from './telemetry';

export interface RunningWorker {
  worker: Worker;
  store: SyncStore;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Open everything the worker needs and start polling. */
export async function startWorker(
  config: SyncConfig,
  log: (msg: string) => void = console.log,
): Promise<RunningWorker> {
  // The worker (and `db migrate`) is what upgrades the schema; a store a newer version migrated is refused.
  const store = await openStore(config, 'migrate');
  const settings = temporalSettings();
  const client = await connectClient(settings);
  const applied = await applyConfiguration(client, store, config.jobs);
  for (const line of describeConfiguration(applied, config.jobs)) log(line);
  const connection = await NativeConnection.connect(settings.connectionOptions);
  const worker = await createSyncWorker({
    connection,
    namespace: settings.namespace,
    store,
    navigators: config.navigators,
    retentionDays: config.store.retentionDays,
  });
  const stopWatching = await watchJobs(client, store, config.jobs);
  // A job whose site or secret is wrong is said now, not at its next run (4 s at most, in parallel).
  await checkJobs(config.jobs, log);
  log(
    `worker polling task queue ${worker.options.taskQueue} at ${settings.address} (namespace ${settings.namespace})`,
  );
  const done = worker.run().finally(async () => {
    stopWatching();
    await connection.close();
    await client.connection.close();
    await store.close();
  });
  return {
    worker,
    store,
    done,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

async function main(): Promise<void> {
  const opts = new Command('alloyscan-sync-worker')
    .description('the sync worker: runs the sync workflows and activities of the configured jobs')
    .option('-c, --config <path>', 'sync configuration file (default: $ALLOYSCAN_SYNC_CONFIG)')
    .option(
      '--metrics <host:port>',
      'serve Prometheus metrics on host:port/metrics (default: metrics.bindAddress in the config; off)',
    )
    .exitOverride()
    .parse(process.argv)
    .opts<{ config?: string; metrics?: string }>();
  const path = opts.config ?? process.env.ALLOYSCAN_SYNC_CONFIG;
  if (!path) throw new UsageError('give the configuration file with --config PATH or ALLOYSCAN_SYNC_CONFIG');
  const config = loadConfig(path);
  const metrics = opts.metrics ?? config.metrics?.bindAddress;
  installRuntime({ metrics, logLevel: 'INFO' });
  if (metrics) console.log(`metrics at http://${metrics}/metrics`);
  const running = await startWorker(config);
  // SIGINT (Ctrl-C) and SIGTERM (systemd, Kubernetes, a supervisor): stop polling, let the
  // activities in flight finish or be cancelled, close the connections, exit 0.
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal}: stopping the worker`);
    void running.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await running.done;
  console.log('worker stopped');
}

if (require.main === module) {
  main().then(
    // The runtime's metrics server would keep the process alive: the worker is done.
    () => process.exit(ExitCode.ok),
    (err: unknown) => {
      // Commander printed its own message (and --help its help).
      if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
      const exit = exitFor(err, { temporalAddress: temporalAddress() });
      console.error(exit.message);
      process.exit(exit.code);
    },
  );
}
