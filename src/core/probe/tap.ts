/**
 * A Duplex around the TCP socket that shows every byte the server sends to an observer before TLS
 * sees it. Given a real net.Socket, Node's TLS layer takes over its file descriptor and JS never sees
 * the raw bytes; given any other Duplex, it reads through it — which is what lets the probe read the
 * server's own handshake messages.
 */
import type * as net from 'node:net';
import { Duplex } from 'node:stream';

export class TappedSocket extends Duplex {
  constructor(private readonly raw: net.Socket, onServerBytes: (chunk: Buffer) => void) {
    super();
    raw.on('data', (chunk: Buffer) => {
      onServerBytes(chunk);
      if (!this.push(chunk)) raw.pause();
    });
    raw.on('end', () => this.push(null));
    // The raw socket's errors (ECONNRESET) are observed by the probe directly; here they just end the stream.
    raw.on('close', () => { if (!this.destroyed) this.destroy(); });
  }

  override _read(): void { this.raw.resume(); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    // A failed write shows up as the raw socket's error, which the probe reads; failing here as well
    // would only raise the same error again from inside the TLS layer.
    // Done once the socket has the bytes (it queues what it cannot send yet): the TLS layer need not wait for
    // the kernel, and the few small handshake writes cannot outrun it.
    if (!this.raw.destroyed) this.raw.write(chunk);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void { this.raw.end(); cb(); }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void { this.raw.destroy(); cb(err); }
}
