/**
 * What a verb opens, opened and closed for it: the Temporal client, the store, or both; and
 * how it prints data (a table for people, `--json` for scripts). Modules load when used, so
 * the CLI starts in a fraction of a second.
 */
import type { Client } from '@temporalio/client';
import { InvalidArgumentError } from 'commander';
import type { SqlSyncStore } from '../activities/store';
import type { SyncConfig } from '../ops/config';
import type { SchemaMode } from '../ops/open-store';

export async function withTemporal<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const { connectClient, temporalSettings } = await import('../ops/temporal.js');
  const client = await connectClient(temporalSettings());
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}

/** The store, its schema checked (a verb never migrates it: `db migrate` and the worker do); 'none' skips the check. */
export async function withStore<T>(
  config: SyncConfig,
  fn: (store: SqlSyncStore) => Promise<T>,
  schema: SchemaMode = 'check',
): Promise<T> {
  const { openStore } = await import('../ops/open-store.js');
  const store = await openStore(config, schema);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Follow a run to its report, print it (JSON with --json), and set the exit code from how it ended. */
export async function followToReport(
  client: Client,
  workflowId: string,
  json: boolean | undefined,
): Promise<void> {
  const { exitCodeForRun } = await import('../ops/exit-codes.js');
  const { printReport, waitForReport } = await import('../ops/follow-run.js');
  const view = await waitForReport(client, workflowId, { progress: !json });
  if (json) console.log(JSON.stringify(view.ok ? view.report : view, null, 2));
  else printReport(view);
  process.exitCode = exitCodeForRun(view);
}

/** Print `data` as JSON with --json, else as the lines `text` makes of it. */
export function print<T>(data: T, json: boolean | undefined, text: (data: T) => string[]): void {
  if (json) console.log(JSON.stringify(data, null, 2));
  else for (const line of text(data)) console.log(line);
}

/** Rows as aligned columns under a header. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Commander parser for a count option: a whole number ≥ 1, else a usage error (exit 2). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${value}" is not a whole number of 1 or more`);
  return n;
}
