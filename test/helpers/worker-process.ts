/**
 * A sync worker in a child process, so a test can kill it with SIGKILL (a crash, not a
 * graceful shutdown). Run as a script: env TEMPORAL_ADDRESS, TASK_QUEUE, SQLITE_PATH.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createSyncStore } from '../../activities/store';
import { createSyncWorker } from '../../worker/create-worker';

export function spawnWorker(env: {
  address: string;
  taskQueue: string;
  sqlitePath: string;
}): Promise<ChildProcess> {
  const child = fork(__filename, [], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TASK_QUEUE: env.taskQueue,
      SQLITE_PATH: env.sqlitePath,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') }); // expected failures are not noise
  const store = await createSyncStore({ sqlitePath: process.env.SQLITE_PATH! });
  await store.migrate();
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await createSyncWorker({
    connection,
    namespace: 'default',
    store,
    taskQueue: process.env.TASK_QUEUE!,
  });
  process.send?.('ready');
  await worker.run();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
