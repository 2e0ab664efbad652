import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** An outage: refuses new connections and drops every open one, as a crashed server would. */
  cut(): Promise<void>;
  /** The server is back on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  targetHost?: string;
  /**
   * Holds the server's replies this long, in order, and hands over what arrived meanwhile in one
   * write (as a network delivers what queued behind a slow segment): a server a network's distance away.
   */
  replyDelayMs?: number;
}

/**
 * A loopback TCP proxy in front of a real server (PostgreSQL, Redis), so a test can take the server
 * away from one client for a while without stopping it for every other test running beside it, or
 * put it a network's distance away.
 */
export async function startTcpProxy(targetPort: number, { targetHost = '127.0.0.1', replyDelayMs = 0 }: TcpProxyOptions = {}): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream);
      if (replyDelayMs > 0) holdReplies(upstream, client, replyDelayMs);
      else upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server!.address() as { port: number }).port;
  };
  const stop = async () => {
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    server = undefined;
  };

  await listen();
  return {
    get port() {
      return port;
    },
    cut: stop,
    restore: listen,
    close: stop,
  };
}

function holdReplies(upstream: Socket, client: Socket, delayMs: number): void {
  let held: Buffer[] = [];
  upstream.on('data', (chunk: Buffer) => {
    held.push(chunk);
    if (held.length > 1) return;
    setTimeout(() => {
      const replies = Buffer.concat(held);
      held = [];
      client.write(replies);
    }, delayMs);
  });
}
