import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (Playwright's own browser download cannot be reached from these machines). */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((path): path is string => !!path);
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`No chromium at ${candidates.join(', ')}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return found;
}

/** A headless chromium that talks to nothing but the stack under test. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Playwright passes its own fresh user-data-dir; these keep chromium off the network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
