import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { Duplex } from 'node:stream';

type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/** The first bytes of every HTTP/2 connection with prior knowledge ("h2c"), RFC 9113 §3.4. */
const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * One plaintext port for both HTTP/1.1 (browsers, curl, Connect JSON) and HTTP/2 with prior
 * knowledge (gRPC and Connect clients of other services). Each connection is routed by
 * its first bytes. TLS terminates at the ingress, as on Kubernetes.
 */
export class DualProtocolServer extends net.Server {
  readonly h1: http.Server;
  readonly h2: http2.Http2Server;
  readonly #sessions = new Set<http2.Http2Session>();
  /** HTTP/1.1 sockets and how many requests each is serving (the inner server never listens, so it does not track them). */
  readonly #sockets = new Map<net.Socket, number>();
  #closing = false;

  constructor(handler: Handler) {
    super();
    this.h1 = http.createServer(handler as http.RequestListener);
    this.h1.on('connection', (socket: net.Socket) => {
      this.#sockets.set(socket, 0);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.h1.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const socket = req.socket;
      this.#sockets.set(socket, (this.#sockets.get(socket) ?? 0) + 1);
      if (this.#closing) res.shouldKeepAlive = false;
      res.on('close', () => {
        const inFlight = (this.#sockets.get(socket) ?? 1) - 1;
        this.#sockets.set(socket, inFlight);
        if (this.#closing && inFlight === 0) socket.destroySoon();
      });
    });
    this.h2 = http2.createServer(handler as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
    this.h2.on('session', (session) => {
      this.#sessions.add(session);
      session.on('close', () => this.#sessions.delete(session));
    });
    this.on('connection', (socket: net.Socket) => route(socket, this.h1, this.h2));
  }

  /** Called by Fastify on close: drop keep-alive connections that carry no request. */
  closeIdleConnections(): void {
    this.#closing = true;
    for (const [socket, inFlight] of this.#sockets) if (inFlight === 0) socket.destroy();
    for (const session of this.#sessions) session.close();
  }

  closeAllConnections(): void {
    this.#closing = true;
    for (const socket of this.#sockets.keys()) socket.destroy();
    for (const session of this.#sessions) session.destroy();
  }
}

/**
 * The HTTP/2 session reads the socket's native handle, which would skip bytes we already
 * read to sniff the protocol. A plain Duplex over the socket, starting with those bytes,
 * makes Node read through JavaScript instead, so nothing is lost.
 */
function replay(socket: net.Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (error, callback) => {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  duplex.push(head);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  Object.defineProperties(duplex, {
    remoteAddress: { get: () => socket.remoteAddress },
    remotePort: { get: () => socket.remotePort },
    remoteFamily: { get: () => socket.remoteFamily },
    localAddress: { get: () => socket.localAddress },
    localPort: { get: () => socket.localPort },
  });
  return duplex;
}

function route(socket: net.Socket, h1: http.Server, h2: http2.Http2Server): void {
  let received = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const n = Math.min(received.length, h2Preface.length);
    const couldBeH2 = received.subarray(0, n).equals(h2Preface.subarray(0, n));
    if (couldBeH2 && received.length < h2Preface.length) return; // wait for the rest of the preface
    socket.off('data', onData);
    if (couldBeH2) {
      h2.emit('connection', replay(socket, received));
    } else {
      socket.pause();
      socket.unshift(received);
      h1.emit('connection', socket);
      socket.resume();
    }
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}
