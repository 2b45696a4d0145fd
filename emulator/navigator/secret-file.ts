/** The emulator's Application secret on disk, for the CLI and `npm start`. */
import { chmodSync, writeFileSync } from 'node:fs';

/** Writes the secret readable by its owner only (also when the file existed with looser rights). */
export function writeSecretFile(path: string, secret: string): void {
  writeFileSync(path, secret, { mode: 0o600 });
  chmodSync(path, 0o600);
}
