import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long a refused connection stays open, unread, for its client to read the answer. */
const LINGER_MS = 2_000;

/**
 * Answers a request without reading the rest of its body. Left alone, Node would read the body to
 * discard it (tens of MB of garbage for a few large bodies at once); closed at once, the connection
 * would be reset by the client's TCP with the answer still unread. So the answer says
 * `Connection: close`, and when Node closes the connection after it, a body still arriving is no
 * longer read (TCP holds the client back), the client gets the end of the answer, and the
 * connection is closed for good a little later: a lingering close.
 */
export function leaveBodyUnread(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('connection', 'close');
  const socket = request.socket as Socket & { destroySoon?: () => void };
  // app.inject's stand-in socket has none of this: there is no connection to hold back.
  if (typeof socket.destroySoon !== 'function' || typeof socket.pause !== 'function') return;
  const closeAtOnce = socket.destroySoon.bind(socket);
  // Node calls destroySoon once a `Connection: close` answer is sent.
  socket.destroySoon = () => {
    if (request.complete) return closeAtOnce();
    socket.end();
    // After Node's own end-of-response handling, which resumes the request to drain it.
    setImmediate(() => socket.pause());
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
