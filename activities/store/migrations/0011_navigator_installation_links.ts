/**
 * The link AlloyScan installation (job, device, product) ↔ Navigator Software Installation
 * record: the Computer it was written on, the catalog product it names, a pending create whose
 * answer may have been lost, why it was not written (product not in the catalog, refused), and
 * when AlloyScan stopped listing it (the Navigator record is left: the API cannot delete it).
 */
import type { Kysely } from 'kysely';
import { keyText } from './ddl';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('navigator_installation_links')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', keyText(db))
    .addColumn('product_id', 'text', keyText(db))
    .addColumn('computer', 'text')
    .addColumn('product_guid', 'text')
    .addColumn('guid', 'text')
    .addColumn('oid', 'text')
    .addColumn('rule', 'text')
    .addColumn('pending_since', 'text')
    .addColumn('skip_reason', 'text')
    .addColumn('skip_run', 'text')
    .addColumn('removed_at', 'text')
    .addColumn('removed_run', 'text')
    .addColumn('linked_run', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('navigator_installation_links_pk', ['job_id', 'source_id', 'product_id'])
    .execute();
  await db.schema
    .createIndex('navigator_installation_links_guid')
    .on('navigator_installation_links')
    .columns(['job_id', 'guid'])
    .execute();
  await db.schema
    .createIndex('navigator_installation_links_computer')
    .on('navigator_installation_links')
    .columns(['job_id', 'computer'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('navigator_installation_links').ifExists().execute();
}
