import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The console's build (apps/console/dist), found beside this app whether it runs from src/ (dev)
 * or from bundle/ (npm start, the Docker image): both are one folder below apps/api. Undefined
 * when the console was not built.
 */
export function builtConsoleDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../console/dist/', import.meta.url));
  return existsSync(`${dir}index.html`) ? dir : undefined;
}

/**
 * Serves the console at `/`: its files as they are, and index.html for any other page address
 * (the console's screens are routes in the browser, so /quarantine/12 reloads to the same screen).
 * /trpc and the health and metrics routes are registered before and keep their own answers.
 */
export async function serveConsole(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: dir,
    cacheControl: false,
    // Vite names assets by their content hash: they never change, so browsers may keep them.
    setHeaders(reply, path) {
      reply.setHeader('cache-control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const page = request.method === 'GET' && !request.url.startsWith('/trpc') && !request.url.startsWith('/assets/');
    if (page && (request.headers.accept ?? '').includes('text/html')) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return reply.code(404).send({ message: `Route ${request.method}:${request.url} not found`, error: 'Not Found', statusCode: 404 });
  });
}
