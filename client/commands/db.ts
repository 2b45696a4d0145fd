/**
 * `db status` / `db migrate`: the store's schema version, and the explicit upgrade. Apart from
 * the worker, this is the only entry point that changes the schema.
 */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import { print, withStore } from '../session';

export function dbCommand(config: () => Promise<SyncConfig>): Command {
  const db = new Command('db').description("the Navigator store's schema: status, migrate");
  db.command('status')
    .description('the migrations applied, pending (this version has them) and unknown (a newer one did)')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => {
      const cfg = await config();
      const status = await withStore(
        cfg,
        async (store) => ({ applied: await store.appliedMigrations(), ...(await store.schemaStatus()) }),
        'none',
      );
      print(status, o.json, (s) => [
        `applied: ${s.applied.join(', ') || 'none'}`,
        `pending: ${s.pending.join(', ') || 'none'}`,
        ...(s.unknown.length > 0 ? [`unknown (a newer version applied them): ${s.unknown.join(', ')}`] : []),
      ]);
    });
  db.command('migrate')
    .description('apply the pending migrations (stop or upgrade the workers first)')
    .action(async () => {
      const cfg = await config();
      const applied = await withStore(
        cfg,
        async (store) => {
          const before = (await store.schemaStatus()).pending;
          const { prepareSchema } = await import('../../ops/open-store.js');
          await prepareSchema(store, 'migrate');
          return before;
        },
        'none',
      );
      console.log(applied.length ? `migrated: ${applied.join(', ')}` : 'the schema is up to date');
    });
  return db;
}
