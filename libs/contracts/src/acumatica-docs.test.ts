import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMN_CONTRACTS } from './columns/index.js';
import { createNotificationReader } from './notification.js';
import { acumaticaDocsFolder } from './testing/index.js';
import { DEFAULT_INQUIRY_TITLES, TOPICS } from './topics.js';

// A user's clone holds nothing beside the repository: the inquiries to create in Acumatica and the
// samples the README posts must be the repository's own, and must say what the code expects.
const docs = acumaticaDocsFolder();
const repoRoot = dirname(dirname(docs));
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** The rows of a topic page's columns table: caption, field, and the other captions accepted. */
function documentedColumns(page: string): Array<{ caption: string; field: string; required: string; alsoAccepted: string[] }> {
  const table = page.slice(page.indexOf('| Caption (JSON key) |'));
  return table
    .split('\n')
    .slice(2)
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
      const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
      return { caption: codes(cells[0]!)[0]!, field: codes(cells[1]!)[0]!, required: cells[4]!, alsoAccepted: codes(cells[5] ?? '') };
    });
}

/** The repository's files (tracked or not, ignored ones aside) that contain `text`, this test aside. */
function filesMentioning(text: string): string[] {
  try {
    const found = execFileSync('git', ['grep', '--untracked', '-l', '-F', '-e', text, '--', '.', ':!*acumatica-docs.test.ts'], { cwd: repoRoot, encoding: 'utf8' });
    return found.split('\n').filter(Boolean);
  } catch (error) {
    // git grep exits with 1 when nothing matches.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

describe('the Acumatica docs in the repository', () => {
  it('have one inquiry page per topic, titled with the inquiry WMSi expects, with its SM302000 settings', () => {
    const pages = readdirSync(join(docs, 'inquiries')).filter((file) => file.endsWith('.md'));
    expect(pages.sort()).toEqual(TOPICS.map((topic) => `${topic}.md`).sort());
    for (const topic of TOPICS) {
      const page = readFileSync(join(docs, 'inquiries', `${topic}.md`), 'utf8');
      expect(page.split('\n')[0]).toBe(`# ${DEFAULT_INQUIRY_TITLES[topic]} (\`${topic}\`)`);
      expect(page).toContain('Push notification (SM302000)');
      expect(page).toContain(`\`<PUBLIC_URL>/webhooks/acumatica/${topic}\``);
      expect(page).toMatch(/\| Destination Type \| Webhook \|/);
      expect(page).toMatch(/\| Header Name \| `X-Api-Key`/);
      expect(page).toContain(`add \`${DEFAULT_INQUIRY_TITLES[topic]}\`, Active selected`);
    }
  });

  it('list every mapped column of every topic with its caption, its key status and its fallback captions, and nothing else', () => {
    for (const topic of TOPICS) {
      const documented = documentedColumns(readFileSync(join(docs, 'inquiries', `${topic}.md`), 'utf8'));
      const contract = COLUMN_CONTRACTS[topic].columns;
      expect(documented.map((row) => row.field), topic).toEqual(contract.map((column) => column.field));
      for (const [index, column] of contract.entries()) {
        const row = documented[index]!;
        expect(row.caption, `${topic}.${column.field}`).toBe(column.captions[0]);
        expect(row.alsoAccepted, `${topic}.${column.field}`).toEqual(column.captions.slice(1));
        expect(row.required.startsWith('key'), `${topic}.${column.field}`).toBe(column.key);
      }
    }
  });

  it('have a sample of every topic that WMSi accepts, carrying every documented caption', () => {
    const read = createNotificationReader();
    for (const topic of TOPICS) {
      const body = readFileSync(join(docs, 'samples', `${topic}.json`), 'utf8');
      const outcome = read(topic, body);
      if (!outcome.ok) throw new Error(`samples/${topic}.json: ${outcome.message}`);
      expect(outcome.notification.query).toBe(DEFAULT_INQUIRY_TITLES[topic]);
      const sent = new Set(Object.keys((JSON.parse(body) as { Inserted: Array<Record<string, unknown>> }).Inserted[0]!));
      expect([...sent].sort(), topic).toEqual(COLUMN_CONTRACTS[topic].columns.map((column) => column.captions[0]).sort());
    }
  });

  it('are what the README sends a new user to: links and curl files inside the repository, none outside it', () => {
    const readme = read('README.md');
    const posted = [...readme.matchAll(/--data-binary @(\S+)/g)].map((match) => match[1]!);
    expect(posted).toContain('docs/acumatica/samples/stock-item-status-change.json');
    for (const file of posted) expect(existsSync(join(repoRoot, file)), file).toBe(true);
    for (const [, target] of readme.matchAll(/\]\((docs\/[^)#]+)\)/g)) expect(existsSync(join(repoRoot, target!)), target).toBe(true);
    expect(readme).toContain('docs/acumatica/README.md');
    // No file the repository tracks points outside it for the Acumatica material.
    expect(filesMentioning('shared/acumatica')).toEqual([]);
  });
});
