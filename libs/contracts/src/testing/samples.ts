import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file that holds nx.json (source or dist alike). */
function repoRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'nx.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`No nx.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
  return folder;
}

/** Where the Acumatica samples live: in the repository, so that a clone (and CI) has them. */
export function samplesFolder(): string {
  return join(repoRoot(), 'docs', 'acumatica', 'samples');
}

/** The repository's Acumatica documents: the inquiries (one page per topic), FORMAT.md, the samples. */
export function acumaticaDocsFolder(): string {
  return join(repoRoot(), 'docs', 'acumatica');
}

/** A real sample body, byte for byte as Acumatica sent it, e.g. `sampleBody('stock-item-status-change.json')`. */
export function sampleBody(name: string): string {
  return readFileSync(join(samplesFolder(), name), 'utf8');
}
