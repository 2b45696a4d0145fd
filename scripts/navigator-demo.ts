/**
 * The demo's Navigator for `npm start`: the Navigator emulator on port 8788
 * (NAVIGATOR_EMULATOR_PORT) with one Application whose secret is kept in
 * .data/secrets/navigator-demo (0600). The emulator keeps applications in memory, so the
 * Application ID and secret are saved and given back on the next start: a configuration
 * written earlier keeps working. (Its records are in memory too: a restart starts empty.)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Product } from '../emulator/catalog';
import { startNavigatorEmulator, writeSecretFile } from '../emulator/navigator';

export interface NavigatorDemo {
  /** The API URL a navigator configuration takes as `apiUrl` (base path, no version). */
  apiUrl: string;
  /** The Application ID (`clientId`). */
  clientId: string;
  /** The file holding the Application secret (`clientSecret: { file }`). */
  secretFile: string;
  /** The ground truth of Computers, as a browser shows it. */
  groundTruthUrl: string;
  /** The ground truth of Software Installations. */
  installationsUrl: string;
  close(): Promise<void>;
}

export const NAVIGATOR_DEMO_NAME = 'alloyscan-sync demo';

function savedApplication(
  idFile: string,
  secretFile: string,
): { clientId: string; secret: string } | undefined {
  if (!existsSync(idFile) || !existsSync(secretFile)) return undefined;
  const clientId = readFileSync(idFile, 'utf8').trim();
  const secret = readFileSync(secretFile, 'utf8').trim();
  return clientId && secret.length >= 8 ? { clientId, secret } : undefined;
}

/**
 * Starts the demo's Navigator emulator; `dataDir` is the project's .data folder. Its Software
 * Catalog holds the demo site's products (as a Navigator whose catalog knows them), and its
 * Software Installations class is on, so the demo writes installations too.
 */
export async function startNavigatorDemo(
  dataDir: string,
  catalog: readonly Product[],
): Promise<NavigatorDemo> {
  const dir = resolve(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secretFile = resolve(dir, 'navigator-demo');
  const idFile = resolve(dir, 'navigator-demo-id');
  const saved = savedApplication(idFile, secretFile);
  const emulator = await startNavigatorEmulator({
    port: Number(process.env.NAVIGATOR_EMULATOR_PORT ?? 8788),
    registrations: saved ? [{ ...saved, name: NAVIGATOR_DEMO_NAME }] : undefined,
    softwareInstallations: true,
    products: catalog.map((p) => ({ Product_Name: p.name, Version: p.version, Manufacturer: p.publisher })),
  });
  if (!saved) {
    writeSecretFile(secretFile, emulator.registration.secret);
    writeFileSync(idFile, emulator.registration.clientId);
  }
  return {
    apiUrl: emulator.apiUrl,
    clientId: emulator.registration.clientId,
    secretFile,
    groundTruthUrl: `${emulator.url}/admin/records?class=Computers`,
    installationsUrl: `${emulator.url}/admin/records?class=SoftwareInstallations`,
    close: () => emulator.close(),
  };
}
