/**
 * The Temporal connection from the standard environment configuration (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS settings, TEMPORAL_PROFILE and the config file
 * every Temporal CLI user knows), and registration of the sync's custom search attributes.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { temporal } from '@temporalio/proto';
import { SYNC_SEARCH_ATTRIBUTES } from '../common/search-attributes';

export interface TemporalSettings {
  address: string;
  namespace: string;
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

export function temporalSettings(): TemporalSettings {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  const address = connectionOptions.address ?? 'localhost:7233';
  return { address, namespace: namespace ?? 'default', connectionOptions: { ...connectionOptions, address } };
}

/**
 * The configured Temporal address and where it came from, for "cannot reach Temporal at …":
 * `TEMPORAL_ADDRESS`, a profile of the Temporal config file, or the default. (The settings may
 * be what is broken: then the variable, or the default.)
 */
export function temporalAddress(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TEMPORAL_ADDRESS?.trim();
  if (fromEnv) return `${fromEnv} (TEMPORAL_ADDRESS)`;
  let loaded: string | undefined;
  try {
    loaded = loadClientConnectConfig().connectionOptions.address;
  } catch {
    loaded = undefined;
  }
  if (!loaded) return 'localhost:7233 (the default: set TEMPORAL_ADDRESS or a profile)';
  const file = env.TEMPORAL_CONFIG_FILE ?? 'the Temporal config file';
  return `${loaded} (profile "${env.TEMPORAL_PROFILE ?? 'default'}" of ${file})`;
}

export async function connectClient(s: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect(s.connectionOptions);
  return new Client({ connection, namespace: s.namespace });
}

/** Register JobId / AlloyScanSite / SyncTrigger / SyncOutcome (Keyword) when missing. Idempotent. */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<void> {
  const svc = client.connection.operatorService;
  const existing = await svc.listSearchAttributes({ namespace });
  const missing = SYNC_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  await svc.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
}
