import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A loopback port nothing listens on right now (the OS picks it, then it is released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh temporary folder and the function that removes it. */
export function temporaryFolder(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `wmsi-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
