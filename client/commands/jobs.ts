/**
 * `jobs list|show|enable|disable|delete|restore`: the job's lifecycle, as the vendor's
 * settings form has it. Enable and disable pause or unpause the schedule (forced runs still
 * work); delete removes the schedule after confirmation, keeping the run log, the records and
 * the histories; restore brings a deleted job back.
 */
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { UsageError } from '../../activities/failures';
import type { SyncConfig } from '../../ops/config';
import type { JobStatus } from '../../ops/jobs';
import { print, table, withStore, withTemporal } from '../session';

type Config = () => Promise<SyncConfig>;

async function statuses(config: Config, ids?: string[]): Promise<JobStatus[]> {
  const { findJob, jobStatus } = await import('../../ops/jobs.js');
  const cfg = await config();
  const jobs = ids ? ids.map((id) => findJob(cfg, id)) : cfg.jobs;
  return withTemporal((client) =>
    withStore(cfg, async (store) => Promise.all(jobs.map((job) => jobStatus(client, store, job)))),
  );
}

const when = (iso: string | undefined): string => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-');

function listLines(jobs: JobStatus[]): string[] {
  return table(
    ['JOB', 'SITE', 'ENABLED', 'SCHEDULE', 'NEXT RUN', 'LAST RUN', 'LAST SUCCESS'],
    jobs.map((j) => [
      j.id,
      j.site,
      j.schedule.state === 'deleted' ? 'deleted' : j.enabled ? 'yes' : 'no',
      `${j.schedule.cron} (${j.schedule.timeZone})`,
      when(j.nextRun),
      j.lastRun ? `${j.lastRun.outcome} ${when(j.lastRun.finishedAt)}` : '-',
      when(j.lastSuccess),
    ]),
  );
}

function showLines(j: JobStatus): string[] {
  return [
    `job ${j.id}`,
    `  site:         ${j.site}`,
    `  schedule:     ${j.schedule.cron} (${j.schedule.timeZone}), ${j.schedule.state}${j.schedule.note ? `: ${j.schedule.note}` : ''}`,
    `  next run:     ${when(j.nextRun)}`,
    `  last run:     ${j.lastRun ? `${j.lastRun.outcome} at ${when(j.lastRun.finishedAt)} (${j.lastRun.workflowId})` : '-'}`,
    ...(j.lastRun ? [`                ${j.lastRun.message}`] : []),
    `  last success: ${when(j.lastSuccess)}`,
  ];
}

/** Ask for the job id to be typed back, unless --yes. */
async function confirmed(jobId: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY)
    throw new UsageError(`jobs delete ${jobId} needs --yes when not run at a terminal`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(
      `Delete job ${jobId}'s schedule? Its run log, records and histories are kept. Type the job id to confirm: `,
    );
    return answer.trim() === jobId;
  } finally {
    rl.close();
  }
}

/** enable | disable | restore: one schedule change, then the job's status. */
function lifecycleVerb(
  config: Config,
  name: string,
  description: string,
  change: 'enable' | 'disable' | 'restore',
) {
  return new Command(name)
    .description(description)
    .argument('<job>')
    .option('--json', 'print the job as JSON')
    .action(async (jobId: string, o: { json?: boolean }) => {
      const ops = await import('../../ops/jobs.js');
      const cfg = await config();
      const job = ops.findJob(cfg, jobId);
      const status = await withTemporal((client) =>
        withStore(cfg, async (store) => {
          if (change === 'restore') await ops.restoreJob(client, store, job);
          else await ops.setJobEnabled(client, store, job, change === 'enable');
          return ops.jobStatus(client, store, job);
        }),
      );
      print(status, o.json, showLines);
    });
}

export function jobsCommand(config: Config): Command {
  const cmd = new Command('jobs').description(
    "the jobs' lifecycle: list, show, enable, disable, delete, restore",
  );
  cmd
    .command('list')
    .description('every configured job: site, enabled, schedule, next run, last run, last success')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => print(await statuses(config), o.json, listLines));
  cmd
    .command('show')
    .description("one job's state")
    .argument('<job>')
    .option('--json', 'print as JSON')
    .action(async (jobId: string, o: { json?: boolean }) => {
      const [status] = await statuses(config, [jobId]);
      print(status!, o.json, showLines);
    });
  cmd.addCommand(
    lifecycleVerb(config, 'enable', 'unpause the schedule: runs start on schedule again', 'enable'),
  );
  cmd.addCommand(lifecycleVerb(config, 'disable', 'pause the schedule (forced runs still work)', 'disable'));
  cmd.addCommand(
    lifecycleVerb(config, 'restore', 'bring a deleted job back: its schedule is created again', 'restore'),
  );
  cmd
    .command('delete')
    .description('remove the schedule (after confirmation); the run log, records and histories are kept')
    .argument('<job>')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print the job as JSON')
    .action(async (jobId: string, o: { yes?: boolean; json?: boolean }) => {
      const ops = await import('../../ops/jobs.js');
      const cfg = await config();
      const job = ops.findJob(cfg, jobId);
      if (!(await confirmed(job.id, o.yes)))
        throw new UsageError(`job ${job.id} not deleted: the confirmation did not match`);
      const status = await withTemporal((client) =>
        withStore(cfg, async (store) => {
          await ops.deleteJob(client, store, job);
          return ops.jobStatus(client, store, job);
        }),
      );
      print(status, o.json, (s) => [
        `deleted job ${s.id}: its schedule is gone; its run log and records are kept`,
        `remove it from the configuration, or bring it back with jobs restore ${s.id}`,
      ]);
    });
  return cmd;
}
