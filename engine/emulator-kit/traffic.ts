/**
 * The life of each request an emulator serves, told as events: `request` when its whole body has
 * arrived, `aborted` when the client closed the connection before the answer (a timeout), and
 * `responded` with the status written, or `dropped` when the emulator destroyed the socket. Also
 * counts requests in progress and open connections, so a test can wait until everything a dead
 * client had sent is processed (`idle`).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { EventSink } from './events.js';
import { wireCapture, type TrafficRecorder, type WireCapture } from './recorder.js';

interface Addressed {
  /** The emulator's number for the request (one per HTTP request; the parts of a `$batch` share it). */
  requestId: number;
  method: string;
  /** As the emulator names it: below the service root (SAP B1) or the URL path (Concur). */
  path: string;
}

export interface RequestEvent extends Addressed {
  type: 'request';
  /** Decoded query string, without `?`. */
  query: string;
  /** The kind of the injected fault that matched this request, if any. */
  fault: string | undefined;
}

export interface AbortedEvent extends Addressed {
  type: 'aborted';
}

export interface RespondedEvent extends Addressed {
  type: 'responded';
  /** The HTTP status written, or `dropped` when the emulator destroyed the socket instead. */
  status: number | 'dropped';
  /** The client had already closed the connection: nobody read this answer. */
  clientClosed: boolean;
}

export type TrafficEvent = RequestEvent | AbortedEvent | RespondedEvent;

/** One request: tell what happened to it, once each. */
export class Exchange {
  private answered = false;
  private dropping = false;
  private clientClosed = false;
  private readonly capture: WireCapture | undefined;

  constructor(
    private readonly traffic: Traffic,
    private readonly raw: IncomingMessage,
    res: ServerResponse,
    readonly requestId: number,
    readonly method: string,
    readonly path: string,
    recorder?: TrafficRecorder,
    at = 0,
  ) {
    this.capture = recorder && wireCapture(recorder, raw, res, requestId, at);
    res.once('close', () => {
      if (res.writableFinished || this.dropping) return;
      this.clientClosed = true;
      traffic.events.emit({ type: 'aborted', requestId, method, path });
    });
  }

  /** The whole body is in (`body`, as read, for a traffic recorder). */
  received(query: string, fault: string | undefined, body = ''): void {
    this.capture?.received(body, fault);
    const { requestId, method, path } = this;
    this.traffic.events.emit({ type: 'request', requestId, method, path, query, fault });
  }

  /** Whether an answer (or a drop) was already given. */
  get done(): boolean {
    return this.answered;
  }

  /** Writes the answer with `write` (unless one was given already) and tells its status. */
  answer(status: number, write: () => void): void {
    if (this.answered) return;
    this.answered = true;
    write();
    this.capture?.answered();
    this.tell(status);
  }

  /** Destroys the socket instead of answering. */
  drop(): void {
    if (this.answered) return;
    this.answered = true;
    this.dropping = true;
    this.raw.socket.destroy();
    this.capture?.dropped();
    this.tell('dropped');
  }

  private tell(status: number | 'dropped'): void {
    const { requestId, method, path, clientClosed } = this;
    this.traffic.events.emit({ type: 'responded', requestId, method, path, status, clientClosed });
  }
}

export interface IdleOptions {
  /** Also wait until every client connection is closed (a killed client's last requests are in). */
  connections?: boolean;
}

export class Traffic {
  private lastId = 0;
  private inFlight = 0;
  private connections = 0;
  private idleWaiters: { connections: boolean; resolve(): void }[] = [];
  private recorders: TrafficRecorder[] = [];

  constructor(
    readonly events: EventSink<TrafficEvent>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Hands every exchange from now on, as it went over the wire, to `recorder`; returns the detach function. */
  record(recorder: TrafficRecorder): () => void {
    this.recorders.push(recorder);
    return () => {
      this.recorders = this.recorders.filter((r) => r !== recorder);
    };
  }

  /** Counts the server's connections (call once per server, before it listens). */
  watch(server: Server): void {
    server.on('connection', (socket: { once(event: 'close', cb: () => void): unknown }) => {
      this.connections += 1;
      socket.once('close', () => {
        this.connections -= 1;
        this.settle();
      });
    });
  }

  /** A request has arrived (its headers); call `finish` when it is completely handled. */
  open(raw: IncomingMessage, res: ServerResponse, method: string, path: string): Exchange {
    this.inFlight += 1;
    const recorders = this.recorders;
    const recorder: TrafficRecorder | undefined =
      recorders.length === 0 ? undefined : (x) => recorders.forEach((r) => r(x));
    return new Exchange(this, raw, res, ++this.lastId, method, path, recorder, recorder && this.now());
  }

  /** Processing of a request ended (answered, dropped, committed or not). */
  finish(): void {
    this.inFlight -= 1;
    this.settle();
  }

  /** Requests being handled now. */
  get active(): number {
    return this.inFlight;
  }

  /** Resolves when no request is being handled (and, with `connections`, no connection is open). */
  idle(options: IdleOptions = {}): Promise<void> {
    const connections = options.connections ?? false;
    if (this.isIdle(connections)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push({ connections, resolve }));
  }

  private isIdle(connections: boolean): boolean {
    return this.inFlight === 0 && (!connections || this.connections === 0);
  }

  private settle(): void {
    const ready = this.idleWaiters.filter((w) => this.isIdle(w.connections));
    if (ready.length === 0) return;
    this.idleWaiters = this.idleWaiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
