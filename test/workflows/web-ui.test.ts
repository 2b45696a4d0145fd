/**
 * The Temporal Web UI in a real browser (Debian's chromium driven by playwright-core), after a
 * real run: the operator's list links find the run by its search attributes (JobId,
 * SyncOutcome), and the run's page shows what the sync writes for the UI: the static summary
 * and details, the live details, the report in the memo, and each activity's summary in the
 * event history. And the operator's one-time set-up docs/operations.md describes for UI 2.42.1:
 * the SyncOutcome column (Configure Columns, kept in localStorage), a saved view of the job's
 * runs, and the run's User Metadata URL. Screenshots go to test-results/web-ui/ (git-ignored),
 * a failed step's too.
 */
import assert, { AssertionError } from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { runDetails, runSummary } from '../../common/search-attributes';
import type { RunReport, SyncJobConfig } from '../../common/sync-types';
import { webUiLinks, webUiRuns } from '../../ops/web-ui';
import { storeEngines } from '../helpers/stores';
import { jobFor, siteName } from '../helpers/sync-harness';
import { startStack, startStoreAndWorker, type Stack, type StoreAndWorker } from '../helpers/sync-fixture';

const CHROMIUM = '/usr/bin/chromium';
/** Without the networking flags chromium stalls on a machine with no internet. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SHOTS = resolve(__dirname, '../../../test-results/web-ui');
/** The UI is slow on a loaded 2-core machine: every wait for the page allows this much. */
const TIMEOUT = 30_000;
const NAMESPACE = 'default';
const [sqlite] = storeEngines();

/** Rendered Markdown as plain text: whitespace runs as one space, the fraction slash as `/`. */
const plain = (s: string): string =>
  s
    .replace(/\u2044/g, '/')
    .replace(/\s+/g, ' ')
    .trim();

describe('Temporal Web UI (chromium)', () => {
  let stack: Stack;
  let f: StoreAndWorker;
  let browser: Browser | undefined;
  let page: Page;
  let job: SyncJobConfig;
  let report: RunReport;
  let uiUrl: string;
  /** The run's page, as the list links to it. */
  let runUrl: string;

  before(async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: the Web UI test drives Debian's chromium; install it with \`bash scripts/setup.sh --test\``,
    );
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({ ui: true });
    uiUrl = stack.uiUrl!;
    f = await startStoreAndWorker(stack, sqlite!);
    const site = stack.emulator.addSite({ name: siteName('webui'), devices: 300 });
    job = jobFor(site, { pageSize: 100 });
    report = await f.run(job);
    assert.equal(report.outcome, 'succeeded', report.message);
    runUrl = `${uiUrl}/namespaces/${NAMESPACE}/workflows/${encodeURIComponent(report.workflowId)}/${report.runId}/history`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: TIMEOUT });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(TIMEOUT);
    page.setDefaultNavigationTimeout(TIMEOUT);
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
    await stack?.stop();
  });

  /**
   * One step on the page; then a screenshot `<name>.png` of where it ended, or, when it
   * failed, `<name>-FAILED.png`, named in the error.
   */
  async function step<T>(name: string, fn: () => Promise<T>, shotOf?: () => Locator): Promise<T> {
    try {
      const out = await fn();
      await shotOf?.().scrollIntoViewIfNeeded();
      await page.screenshot({ path: resolve(SHOTS, `${name}.png`) });
      return out;
    } catch (err) {
      const path = resolve(SHOTS, `${name}-FAILED.png`);
      const saved = await page
        ?.screenshot({ path })
        .then(() => true)
        .catch(() => false);
      if (saved && err instanceof Error) {
        const was = err.message;
        const note = `\n  (screenshot of the page: ${path})`;
        err.message = `${was}${note}`;
        // The runner prints the stack, which may hold the message as it was thrown.
        if (err.stack && !err.stack.includes(note)) err.stack = err.stack.replace(was, err.message);
      }
      throw err;
    }
  }

  /** Waits for `locator` to be visible; an assertion failure naming `what` if it is not in time. */
  async function visible(locator: Locator, what: string): Promise<Locator> {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: TIMEOUT });
    } catch (err) {
      throw new AssertionError({
        message: `${what}: not visible within ${TIMEOUT / 1000} s at ${page.url()}\n  ${String(err).split('\n')[0]}`,
      });
    }
    return locator.first();
  }

  const runLink = (): Locator => page.getByRole('link', { name: report.workflowId, exact: true });

  /** Opens the run's page on one of its tabs (History, User Metadata, Memo ...), by clicking it. */
  async function openTab(name: string): Promise<void> {
    await page.goto(runUrl);
    await visible(page.getByRole('heading', { name: report.workflowId }), 'the run page heading');
    // A tab's name may end in a count (`History 72`).
    const tab = page.getByRole('tab', { name: new RegExp(`^${name}\\b`) });
    await (await visible(tab, `the ${name} tab`)).click();
  }

  /** The rendered Markdown under a User Metadata heading (the UI renders it in an iframe). */
  const metadataFrame = (heading: string): FrameLocator =>
    page
      .getByRole('heading', { name: heading, exact: true })
      .locator('xpath=ancestor::div[.//iframe][1]')
      .frameLocator('iframe[title="output"]');

  it('finds the run by JobId and SyncOutcome from the operator links, and opens it', async () => {
    await step('runs-of-job', async () => {
      await page.goto(webUiLinks(uiUrl, NAMESPACE, job.id).jobRuns);
      await visible(runLink(), `the run ${report.workflowId} in the job's runs (JobId)`);
    });
    await step('runs-of-job-failed', async () => {
      await page.goto(webUiRuns(uiUrl, NAMESPACE, { jobId: job.id, outcome: 'failed' }));
      await visible(page.getByText('No Results', { exact: true }), 'an empty list of failed runs of the job');
      assert.equal(await runLink().count(), 0, 'a succeeded run is not among the failed ones');
    });
    await step('runs-list', async () => {
      await page.goto(webUiRuns(uiUrl, NAMESPACE, { jobId: job.id, outcome: report.outcome }));
      await visible(runLink(), `the run in the list filtered by JobId and SyncOutcome="${report.outcome}"`);
    });
    await step('run-page', async () => {
      await runLink().first().click();
      await page.waitForURL(runUrl, { timeout: TIMEOUT });
      await visible(page.getByRole('heading', { name: report.workflowId }), 'the run page heading');
      await visible(page.getByText('Completed', { exact: true }), 'the run status');
    });
  });

  it('shows the SyncOutcome column on screen in the run list once set with Configure Columns, kept after a reload', async () => {
    const outcomeCell = (): Locator =>
      page.getByRole('row').filter({ has: runLink() }).getByText(report.outcome, { exact: true });
    await step('runs-columns-configure', async () => {
      await page.goto(webUiLinks(uiUrl, NAMESPACE, job.id).jobRuns);
      await visible(runLink(), 'the run in the list');
      assert.equal(await outcomeCell().count(), 0, 'no outcome column by default');
      const gear = page.getByTestId('workflows-summary-table-configuration-button');
      await (await visible(gear, 'the Configure Columns button (gear, beside the pager)')).click();
      for (const column of ['SyncOutcome', 'JobId'])
        await (
          await visible(page.getByRole('button', { name: `Add ${column} column` }), `Add ${column} column`)
        ).click();
      // Without these, the added columns are off to the right of the table on a 1600 px screen.
      for (const column of ['Run ID', 'Type'])
        await (
          await visible(
            page.getByRole('button', { name: `Remove ${column} column` }),
            `Remove ${column} column`,
          )
        ).click();
      await page.keyboard.press('Escape');
    });
    await step('runs-columns', async () => {
      await page.goto(webUiLinks(uiUrl, NAMESPACE, job.id).jobRuns);
      await visible(page.getByRole('columnheader', { name: 'SyncOutcome' }), 'the SyncOutcome column header');
      const cell = await visible(outcomeCell(), `the run's outcome "${report.outcome}" in its row`);
      const box = await cell.boundingBox();
      assert.ok(
        box && box.x + box.width <= 1600,
        `the outcome is on screen without scrolling (${JSON.stringify(box)})`,
      );
      const stored = await page.evaluate<string | null>(
        "window.localStorage.getItem('namespace-workflow-table-columns')",
      );
      const columns = (JSON.parse(stored ?? '{}') as Record<string, { label: string }[]>)[NAMESPACE] ?? [];
      assert.deepEqual(
        columns.map((c) => c.label).filter((l) => l === 'SyncOutcome' || l === 'JobId'),
        ['SyncOutcome', 'JobId'],
        'the choice is kept in the browser (localStorage namespace-workflow-table-columns)',
      );
    });
  });

  it("keeps the job's runs list as a Custom View (Saved Views: Save as New), opened from any list", async () => {
    const name = `sync ${job.id}`;
    await step('runs-view-save', async () => {
      await page.goto(webUiLinks(uiUrl, NAMESPACE, job.id).jobRuns);
      await visible(runLink(), 'the run in the list');
      await (await visible(page.getByRole('button', { name: 'Save as New' }), 'Save as New')).click();
      await (await visible(page.getByPlaceholder('Name of view'), 'the view name input')).fill(name);
      await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
    });
    await step('runs-view-open', async () => {
      await page.goto(`${uiUrl}/namespaces/${NAMESPACE}/workflows`);
      await (await visible(page.getByText(name, { exact: true }), `the view "${name}"`)).click();
      await visible(runLink(), 'the run in the saved view');
      assert.match(decodeURIComponent(page.url()), new RegExp(`JobId\\s*=\\s*"${job.id}"`));
    });
  });

  it("opens a run's User Metadata tab (summary, details, current details) from its documented URL", async () => {
    await step('run-user-metadata-url', async () => {
      await page.goto(runUrl.replace(/\/history$/, '/user-metadata'));
      await visible(metadataFrame('Summary').getByText(runSummary(job, 'manual')), 'the static summary');
      await visible(
        metadataFrame('Current Details').getByText('done', { exact: true }),
        'the current details',
      );
    });
  });

  it('shows the static summary (job, trigger, changed-only) and details in User Metadata', async () => {
    await step('run-user-metadata', async () => {
      await openTab('User Metadata');
      const summary = runSummary(job, 'manual');
      await visible(metadataFrame('Summary').getByText(summary), 'the static summary');
      await visible(metadataFrame('Details').getByText(`job ${job.id}`), 'the static details');
      assert.deepEqual(
        {
          summary: plain(await metadataFrame('Summary').locator('body').innerText()),
          details: plain(await metadataFrame('Details').locator('body').innerText()),
        },
        {
          summary: `sync ${job.id}: manual, changed-only unless a full pass is due`,
          details: plain(runDetails(job).replace(/\*\*/g, '')),
        },
      );
    });
  });

  it("shows the run's last live details: done, the pass and why it was full, every page, the devices written", async () => {
    await step('run-current-details', async () => {
      await openTab('User Metadata');
      const details = metadataFrame('Current Details');
      await visible(details.getByText('done', { exact: true }), 'the phase in the current details');
      const text = plain(await details.locator('body').innerText());
      const written = report.counts.added + report.counts.updated;
      assert.deepEqual(
        {
          phase: text.startsWith('done '),
          // A first run is full whatever the summary said at start: the details say why.
          pass: text.includes(`full pass (${report.fullReason})`),
          pages: text.includes(`pages ${report.pages}/${report.pages} done, 0 in flight`),
          devices: text.includes(`devices written ${written} `),
        },
        { phase: true, pass: true, pages: true, devices: true },
        `current details: ${text}`,
      );
    });
  });

  it("shows the report in the memo: its summary and the RunReport's device counts", async () => {
    await step('run-memo', async () => {
      await openTab('Memo');
      await visible(page.getByText(report.message), 'the report summary in the memo');
      const editor = page.getByRole('heading', { name: 'Memo', exact: true }).locator('xpath=..');
      const memo = JSON.parse(await editor.locator('.cm-content').innerText()) as {
        fields: { report: Record<string, unknown> };
      };
      const { outcome, summary, devices, verify } = memo.fields.report;
      assert.deepEqual(
        { outcome, summary, devices, verify },
        {
          outcome: report.outcome,
          summary: report.message,
          devices: {
            listed: report.counts.listed,
            added: report.counts.added,
            updated: report.counts.updated,
            unchanged: report.counts.unchanged,
          },
          verify: 'OK',
        },
      );
      assert.match(
        report.message,
        new RegExp(`^added ${report.counts.added}, updated 0, unchanged 0 devices`),
      );
    });
  });

  it('shows each page activity summary (page n/N) in the event history timeline and in User Metadata', async () => {
    const expected = Array.from(
      { length: report.pages },
      (_, i) => `page ${i + 1}/${report.pages} (offset ${i * job.pageSize})`,
    );
    const first = (): Locator => page.locator('svg text', { hasText: `processDevicePage • ${expected[0]}` });
    await step(
      'run-history',
      async () => {
        await openTab('History');
        await visible(first(), 'the first page activity in the timeline');
        const labels = await page
          .locator('svg text', { hasText: 'processDevicePage • page ' })
          .allTextContents();
        assert.deepEqual(
          labels.map((l) => plain(l).replace('processDevicePage • ', '')).sort(),
          expected,
          'the timeline labels of the page activities',
        );
      },
      first,
    );
    await step('run-events-with-metadata', async () => {
      await openTab('User Metadata');
      const events = page
        .getByRole('heading', { name: 'Events with Metadata', exact: true })
        .locator('xpath=../..');
      await visible(
        events.getByText(expected[0]!, { exact: true }),
        'the first page in Events with Metadata',
      );
      const rows = await events.getByText(/^page \d+\//).allTextContents();
      assert.deepEqual(rows.map(plain).sort(), expected, 'the page activities in Events with Metadata');
    });
  });
});
